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

/// Tables that belong to no plan: fingerprinted whole at every write that may change them.
const GLOBAL: [&str; 4] = ["units", "unit_aliases", "districts", "users"];

/// Tables of one plan, each with the condition that picks the plan's rows (`$1` the plan).
const OF_PLAN: [(&str, &str); 20] = [
    ("plans", "id = $1"),
    ("sections", "plan_id = $1"),
    ("indicators", "plan_id = $1"),
    ("tasks", "plan_id = $1"),
    ("task_units", TASK_OF_PLAN),
    ("task_milestones", TASK_OF_PLAN),
    ("targets", TASK_OF_PLAN),
    ("focuses", TASK_OF_PLAN),
    ("mechanisms", "plan_id = $1"),
    ("review_items", "plan_id = $1"),
    ("assignments", "plan_id = $1"),
    ("target_shares", TARGET_OF_PLAN),
    ("target_unit_shares", TARGET_OF_PLAN),
    ("district_rows", "plan_id = $1"),
    ("amendments", "plan_id = $1"),
    ("periods", "plan_id = $1"),
    ("assessment_items", "plan_id = $1"),
    ("plan_rules", "plan_id = $1"),
    ("target_milestones", TARGET_OF_PLAN),
    (
        "indicator_values",
        "indicator_id IN (SELECT id FROM indicators WHERE plan_id = $1)",
    ),
];
const TASK_OF_PLAN: &str = "task_id IN (SELECT id FROM tasks WHERE plan_id = $1)";
const TARGET_OF_PLAN: &str = "target_id IN (SELECT g.id FROM targets g JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $1)";

/// The scope of the tables that belong to no plan.
pub(crate) const GLOBAL_SCOPE: &str = "global";

fn plan_scope(plan: i64) -> String {
    format!("plan {plan}")
}

/// Audit actions that touch none of the protected tables: saving, submitting, reviewing and
/// attaching to reports, reminders, sessions and tokens, issuing documents (checked by their
/// hash instead). Any other write refreshes the fingerprints.
const LEAVES_TABLES_ALONE: [&str; 11] = [
    "save",
    "submit",
    "accept",
    "return",
    "attach",
    "notify",
    "remind",
    "login",
    "issue_token",
    "revoke_token",
    "issue",
];

pub(crate) fn changes_tables(action: &str) -> bool {
    !LEAVES_TABLES_ALONE.contains(&action)
}

/// Per scope (`global`, `plan 3`), per table, per first-column value: the hashes of its rows.
pub type Fingerprints = BTreeMap<String, BTreeMap<String, BTreeMap<String, Vec<String>>>>;

/// The plans a write's changes may have touched, `None` when that cannot be told (then every
/// plan is fingerprinted again). Read inside the write's transaction.
pub(crate) async fn affected_plans(
    conn: &mut AnyConnection,
    changes: &[(&'static str, Option<i64>)],
) -> Result<Option<std::collections::BTreeSet<i64>>> {
    let mut plans = std::collections::BTreeSet::new();
    for (entity, id) in changes {
        let lookup = match *entity {
            "plan" => {
                if let Some(id) = id {
                    plans.insert(*id);
                    continue;
                }
                return Ok(None);
            }
            "user" | "directory" => continue,
            "task" => "SELECT plan_id AS p FROM tasks WHERE id = $1",
            "target" => {
                "SELECT t.plan_id AS p FROM targets g JOIN tasks t ON t.id = g.task_id WHERE g.id = $1"
            }
            "indicator" => "SELECT plan_id AS p FROM indicators WHERE id = $1",
            "review_item" => "SELECT plan_id AS p FROM review_items WHERE id = $1",
            "district_row" => "SELECT plan_id AS p FROM district_rows WHERE id = $1",
            "assessment_item" => "SELECT plan_id AS p FROM assessment_items WHERE id = $1",
            _ => return Ok(None),
        };
        let Some(id) = id else { return Ok(None) };
        let row = sqlx::query(lookup)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        match row {
            Some(row) => {
                plans.insert(row.try_get::<i64, _>("p")?);
            }
            // Gone (deleted): which plan it was in is not known any more.
            None => return Ok(None),
        }
    }
    Ok(Some(plans))
}

/// Every plan's id.
async fn all_plans(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    sqlx::query("SELECT id FROM plans ORDER BY id")
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| Ok(r.try_get::<i64, _>("id")?))
        .collect()
}

async fn fingerprint_table(
    conn: &mut AnyConnection,
    table: &str,
    condition: Option<(&str, i64)>,
) -> Result<BTreeMap<String, Vec<String>>> {
    // Table names and conditions come from the constants above, never from input.
    let rows = match condition {
        Some((condition, plan)) => {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT * FROM {table} WHERE {condition}"
            )))
            .bind(plan)
            .fetch_all(&mut *conn)
            .await?
        }
        None => {
            sqlx::query(sqlx::AssertSqlSafe(format!("SELECT * FROM {table}")))
                .fetch_all(&mut *conn)
                .await?
        }
    };
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
    Ok(by_key)
}

/// The fingerprints of the global tables and of `plans` (every plan when `None`).
pub(crate) async fn fingerprints_of(
    conn: &mut AnyConnection,
    plans: Option<&std::collections::BTreeSet<i64>>,
) -> Result<Fingerprints> {
    let mut out = Fingerprints::new();
    let mut global = BTreeMap::new();
    for table in GLOBAL {
        global.insert(
            table.to_string(),
            fingerprint_table(conn, table, None).await?,
        );
    }
    out.insert(GLOBAL_SCOPE.to_string(), global);
    let plans: Vec<i64> = match plans {
        Some(p) => p.iter().copied().collect(),
        None => all_plans(conn).await?,
    };
    for plan in plans {
        let mut tables = BTreeMap::new();
        for (table, condition) in OF_PLAN {
            tables.insert(
                table.to_string(),
                fingerprint_table(conn, table, Some((condition, plan))).await?,
            );
        }
        // A plan that no longer exists leaves nothing to fingerprint.
        if tables.get("plans").is_some_and(|rows| !rows.is_empty()) {
            out.insert(plan_scope(plan), tables);
        }
    }
    Ok(out)
}

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
    fingerprints_of(conn, None).await
}

/// What differs between the sealed fingerprints and the tables now: `(table, key, what)`.
pub(crate) fn differences(
    sealed: &Fingerprints,
    now: &Fingerprints,
) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    let nothing = BTreeMap::new();
    let scopes: std::collections::BTreeSet<&String> = sealed.keys().chain(now.keys()).collect();
    for scope in scopes {
        let before_tables = sealed.get(scope).unwrap_or(&nothing);
        let now_tables = now.get(scope).unwrap_or(&nothing);
        let tables: std::collections::BTreeSet<&String> =
            before_tables.keys().chain(now_tables.keys()).collect();
        for table in tables {
            let empty = BTreeMap::new();
            let before = before_tables.get(table).unwrap_or(&empty);
            let rows = now_tables.get(table).unwrap_or(&empty);
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
    }
    out
}

/// `sealed` with the scopes of `fresh` replaced (a write re-fingerprints only what it may have
/// touched).
pub(crate) fn merged(mut sealed: Fingerprints, fresh: Fingerprints) -> Fingerprints {
    for (scope, tables) in fresh {
        sealed.insert(scope, tables);
    }
    sealed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_the_table_the_row_and_what_happened() {
        let mut sealed = Fingerprints::new();
        sealed.insert(
            "plan 1".into(),
            BTreeMap::from([(
                "targets".into(),
                BTreeMap::from([
                    ("1".into(), vec!["a".into()]),
                    ("2".into(), vec!["b".into()]),
                ]),
            )]),
        );
        let mut now = sealed.clone();
        let targets = now
            .get_mut("plan 1")
            .and_then(|p| p.get_mut("targets"))
            .expect("targets");
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
        let fresh = Fingerprints::from([("plan 2".to_string(), BTreeMap::new())]);
        let both = merged(sealed.clone(), fresh);
        assert!(both.contains_key("plan 1") && both.contains_key("plan 2"));
        assert!(changes_tables("publish") && !changes_tables("submit"));
    }
}
