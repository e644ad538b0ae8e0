//! Fingerprints of the tables the numbers stand on (plans, tasks, targets, assignments, shares,
//! milestones, periods, rules, assessment items, indicators, units, districts, users): a hash
//! of every row, grouped by the row's first column (its id). Taken inside the transaction of
//! every write that can change them, signed, and kept beside the audit key, so `verify` can
//! name a row edited, inserted or deleted in the database behind the log's back. Reports and
//! their values are checked by replaying the log instead (see `verify`).

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Column, Row};

use crate::Result;

/// The tables fingerprinted, in order.
pub(crate) const PROTECTED: [&str; 22] = [
    "units",
    "unit_aliases",
    "districts",
    "plans",
    "sections",
    "indicators",
    "tasks",
    "task_units",
    "targets",
    "focuses",
    "mechanisms",
    "review_items",
    "assignments",
    "target_shares",
    "district_rows",
    "amendments",
    "users",
    "periods",
    "assessment_items",
    "plan_rules",
    "target_milestones",
    "indicator_values",
];

/// Audit actions that touch none of the protected tables: saving, submitting, reviewing and
/// attaching to reports, reminders, sessions and tokens. Any other write refreshes the
/// fingerprints.
const LEAVES_TABLES_ALONE: [&str; 9] = [
    "save",
    "submit",
    "accept",
    "return",
    "attach",
    "notify",
    "login",
    "issue_token",
    "revoke_token",
];

pub(crate) fn changes_tables(action: &str) -> bool {
    !LEAVES_TABLES_ALONE.contains(&action)
}

/// Per table: per first-column value, the hashes of its rows (sorted).
pub type Fingerprints = BTreeMap<String, BTreeMap<String, Vec<String>>>;

fn canonical(row: &sqlx::any::AnyRow, i: usize) -> String {
    if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
        return v.map_or("n".into(), |v| format!("i:{v}"));
    }
    if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
        return v.map_or("n".into(), |v| format!("f:{v:?}"));
    }
    if let Ok(v) = row.try_get::<Option<String>, _>(i) {
        return v.map_or("n".into(), |v| format!("s:{v}"));
    }
    if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
        return v.map_or("n".into(), |v| {
            let digest: String = Sha256::digest(&v)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            format!("b:{digest}")
        });
    }
    "?".into()
}

/// The schema's version (the last migration applied): an upgrade changes rows' shapes.
pub(crate) async fn schema_version(conn: &mut AnyConnection) -> Result<i64> {
    let row = sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations")
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<Option<i64>, _>("v")?.unwrap_or(0))
}

/// The fingerprints of every protected table as `conn` sees it.
pub(crate) async fn fingerprints(conn: &mut AnyConnection) -> Result<Fingerprints> {
    let mut out = Fingerprints::new();
    for table in PROTECTED {
        // Table names come from the constant above, never from input.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
            .fetch_all(&mut *conn)
            .await?;
        let mut by_key: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for row in &rows {
            let mut hash = Sha256::new();
            for (i, column) in row.columns().iter().enumerate() {
                let value = canonical(row, i);
                for part in [column.name(), value.as_str()] {
                    hash.update((part.len() as u64).to_be_bytes());
                    hash.update(part.as_bytes());
                }
            }
            let digest: String = hash.finalize()[..16]
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let key = canonical(row, 0);
            let key = key
                .split_once(':')
                .map_or(key.clone(), |(_, v)| v.to_string());
            by_key.entry(key).or_default().push(digest);
        }
        for hashes in by_key.values_mut() {
            hashes.sort_unstable();
        }
        out.insert(table.to_string(), by_key);
    }
    Ok(out)
}

/// What differs between the sealed fingerprints and the tables now: `(table, key, what)`.
pub(crate) fn differences(
    sealed: &Fingerprints,
    now: &Fingerprints,
) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    let empty = BTreeMap::new();
    for (table, rows) in now {
        let before = sealed.get(table).unwrap_or(&empty);
        for (key, hashes) in rows {
            match before.get(key) {
                None => out.push((table.clone(), key.clone(), "被插入")),
                Some(old) if old != hashes => out.push((table.clone(), key.clone(), "被改动")),
                Some(_) => {}
            }
        }
        for key in before.keys() {
            if !rows.contains_key(key) {
                out.push((table.clone(), key.clone(), "被删除"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_the_table_the_row_and_what_happened() {
        let mut sealed = Fingerprints::new();
        sealed.insert(
            "targets".into(),
            BTreeMap::from([
                ("1".into(), vec!["a".into()]),
                ("2".into(), vec!["b".into()]),
            ]),
        );
        let mut now = sealed.clone();
        let targets = now.get_mut("targets").expect("targets");
        targets.insert("2".into(), vec!["c".into()]);
        targets.insert("3".into(), vec!["d".into()]);
        targets.remove("1");
        let found = differences(&sealed, &now);
        assert_eq!(
            found,
            [
                ("targets".into(), "2".into(), "被改动"),
                ("targets".into(), "3".into(), "被插入"),
                ("targets".into(), "1".into(), "被删除"),
            ]
        );
        assert!(differences(&sealed, &sealed).is_empty());
        assert!(changes_tables("publish") && !changes_tables("submit"));
    }
}
