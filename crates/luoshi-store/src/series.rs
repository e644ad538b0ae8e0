//! `report_series`: each assignment's monthly reports packed into one text row
//! (`MM|status|late|target=value,…;…`), rewritten in the transaction of every report save or
//! review. Evaluating a year then reads one row per assignment, not one per reported value
//! (a province-scale ledger has ~600,000 of those; see BENCHMARKS.md).

use luoshi_reporting::ReportStatus;
use sqlx::AnyConnection;

use crate::snapshot::{SnapReport, SnapValue};
use crate::{Result, StoreError};

/// The packed entries of one assignment, as the migration and [`refresh`] build them. SQLite
/// prints values with 17 significant digits and PostgreSQL with the shortest exact form, so
/// that every value reads back as the same `f64`.
fn packing_sql(backend_name: &str, filter: &str) -> String {
    let value = if backend_name.eq_ignore_ascii_case("postgresql") {
        "v.value::text"
    } else {
        "printf('%.17g', v.value)"
    };
    format!(
        "SELECT a.id, a.plan_id, COALESCE((SELECT string_agg(substr(p.key, 6, 2) || '|' || r.status || '|' || CAST(r.submitted_late AS TEXT) || '|' || COALESCE((SELECT string_agg(CAST(v.target_id AS TEXT) || '=' || {value}, ',') FROM report_values v WHERE v.report_id = r.id), ''), ';') FROM reports r JOIN periods p ON p.id = r.period_id AND p.kind = 'month' WHERE r.assignment_id = a.id), '') AS packed FROM assignments a {filter}"
    )
}

/// Rewrites the series row of `assignment_id` from its reports, inside the caller's transaction.
pub(crate) async fn refresh(conn: &mut AnyConnection, assignment_id: i64) -> Result<()> {
    // Only the value's formatting differs between backends; nothing here comes from input.
    let sql = format!(
        "INSERT INTO report_series (assignment_id, plan_id, packed) {} ON CONFLICT (assignment_id) DO UPDATE SET packed = excluded.packed",
        packing_sql(conn.backend_name(), "WHERE a.id = $1")
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(assignment_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Rewrites the series rows of `assignments` (each once), inside the caller's transaction: one
/// statement per few hundred, so a group commit of saves refreshes its series together. Every
/// caller that writes reports calls it before its commit.
pub(crate) async fn refresh_many(conn: &mut AnyConnection, assignments: &[i64]) -> Result<()> {
    let mut ids = assignments.to_vec();
    ids.sort_unstable();
    ids.dedup();
    for chunk in ids.chunks(500) {
        let list = (1..=chunk.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO report_series (assignment_id, plan_id, packed) {} ON CONFLICT (assignment_id) DO UPDATE SET packed = excluded.packed",
            packing_sql(conn.backend_name(), &format!("WHERE a.id IN ({list})"))
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// The assignments whose stored series differs from one packed afresh from their reports:
/// a series row edited (or left stale) behind the log's back. Entries are compared as sets,
/// since neither backend promises the order of an aggregate.
pub(crate) async fn stale(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    use sqlx::Row;
    let sql = format!(
        "SELECT f.id, f.packed, s.packed AS stored FROM ({}) AS f LEFT JOIN report_series s ON s.assignment_id = f.id",
        packing_sql(conn.backend_name(), "")
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    let normal = |packed: &str| {
        let mut entries: Vec<String> = packed
            .split(';')
            .filter(|e| !e.is_empty())
            .map(|e| match e.rsplit_once('|') {
                Some((head, values)) => {
                    let mut values: Vec<&str> =
                        values.split(',').filter(|v| !v.is_empty()).collect();
                    values.sort_unstable();
                    format!("{head}|{}", values.join(","))
                }
                None => e.to_string(),
            })
            .collect();
        entries.sort_unstable();
        entries
    };
    let mut out = Vec::new();
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let fresh: String = row.try_get("packed")?;
        let stored: Option<String> = row.try_get("stored")?;
        let same = match &stored {
            Some(stored) => normal(stored) == normal(&fresh),
            None => fresh.is_empty(),
        };
        if !same {
            out.push(id);
        }
    }
    Ok(out)
}

/// Appends the reports and values of January through `through` packed in one series row to
/// `reports` and `values`. Problems and coordination requests are not in the series; they are
/// read apart.
pub(crate) fn unpack(
    assignment_id: i64,
    packed: &str,
    through: u32,
    reports: &mut Vec<SnapReport>,
    values: &mut Vec<SnapValue>,
) -> Result<()> {
    let corrupt = |entry: &str| {
        StoreError::invalid(
            format!("report_series 第 {assignment_id} 行"),
            format!("无法解读的填报记录“{entry}”；请运行 luoshi audit verify 并联系管理员"),
        )
    };
    for entry in packed.split(';').filter(|e| !e.is_empty()) {
        let mut fields = entry.splitn(4, '|');
        let (Some(month), Some(status), Some(late), Some(packed_values)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(corrupt(entry));
        };
        let month: u32 = month.parse().map_err(|_| corrupt(entry))?;
        if month > through {
            continue;
        }
        let late: i64 = late.parse().map_err(|_| corrupt(entry))?;
        let status = ReportStatus::parse(status).ok_or_else(|| corrupt(entry))?;
        reports.push(SnapReport {
            assignment_id,
            month,
            status,
            late: late != 0,
            problems: String::new(),
            coordination: String::new(),
            confirmation: None,
            reason: None,
        });
        for pair in packed_values.split(',').filter(|p| !p.is_empty()) {
            let (target, value) = pair.split_once('=').ok_or_else(|| corrupt(entry))?;
            values.push(SnapValue {
                assignment_id,
                month,
                target_id: target.parse().map_err(|_| corrupt(entry))?,
                value: value.parse().map_err(|_| corrupt(entry))?,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpacks_months_statuses_and_values() {
        let (mut reports, mut values) = (Vec::new(), Vec::new());
        unpack(
            7,
            "01|submitted|0|3=120,4=0.10000000000000001;02|draft|1|;03|accepted|1|3=1.5e+20",
            12,
            &mut reports,
            &mut values,
        )
        .expect("well-formed");
        assert_eq!(
            reports
                .iter()
                .map(|r| (r.month, r.status.as_str(), r.late))
                .collect::<Vec<_>>(),
            [
                (1, "submitted", false),
                (2, "draft", true),
                (3, "accepted", true)
            ]
        );
        assert_eq!(
            values
                .iter()
                .map(|v| (v.assignment_id, v.month, v.target_id, v.value))
                .collect::<Vec<_>>(),
            [(7, 1, 3, 120.0), (7, 1, 4, 0.1), (7, 3, 3, 1.5e20)]
        );
    }

    #[test]
    fn months_after_the_last_asked_for_are_left_out() {
        let (mut reports, mut values) = (Vec::new(), Vec::new());
        unpack(
            7,
            "05|submitted|0|3=1;06|submitted|0|3=2;07|submitted|0|3=3",
            6,
            &mut reports,
            &mut values,
        )
        .expect("well-formed");
        assert_eq!(reports.iter().map(|r| r.month).collect::<Vec<_>>(), [5, 6]);
        assert_eq!(
            values.iter().map(|v| v.value).collect::<Vec<_>>(),
            [1.0, 2.0]
        );
    }

    #[test]
    fn an_empty_series_is_no_reports() {
        let (mut reports, mut values) = (Vec::new(), Vec::new());
        unpack(7, "", 12, &mut reports, &mut values).expect("empty");
        assert!(reports.is_empty() && values.is_empty());
    }

    #[test]
    fn a_damaged_series_names_its_row_and_entry() {
        for damaged in [
            "01|submitted",
            "xx|submitted|0|",
            "01|sent|0|",
            "01|submitted|0|3=abc",
            "01|submitted|0|3",
        ] {
            let error = unpack(7, damaged, 12, &mut Vec::new(), &mut Vec::new())
                .expect_err(damaged)
                .to_string();
            assert!(
                error.contains("第 7 行") && error.contains(damaged),
                "{damaged}: {error}"
            );
        }
    }
}
