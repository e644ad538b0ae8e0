//! Shares of a city target the office gives by hand: to districts (`target_shares`) or to the
//! task's responsible units (`target_unit_shares`). On a published plan a new share is due from
//! the month still being reported, and one taken away is due no longer from then on; the months
//! before keep the shares they were evaluated with.

use luoshi_reporting::{Day, Months};
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::audit::Change;
use crate::publish::effective_month;
use crate::{Result, StoreError};

/// Who holds a share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holder {
    District,
    Unit,
}

impl Holder {
    fn table(self) -> &'static str {
        match self {
            Holder::District => "target_shares",
            Holder::Unit => "target_unit_shares",
        }
    }

    fn column(self) -> &'static str {
        match self {
            Holder::District => "district_id",
            Holder::Unit => "unit_id",
        }
    }

    /// The holders' names, by the column.
    fn names(self) -> &'static str {
        match self {
            Holder::District => "JOIN districts h ON h.id = s.district_id",
            Holder::Unit => "JOIN units h ON h.id = s.unit_id",
        }
    }

    fn action(self) -> &'static str {
        match self {
            Holder::District => "set_shares",
            Holder::Unit => "set_unit_shares",
        }
    }

    fn twice(self) -> &'static str {
        match self {
            Holder::District => "同一个区出现了两次",
            Holder::Unit => "同一个单位出现了两次",
        }
    }
}

/// A district by its name, its government's name or an alias.
pub(crate) async fn district_id(conn: &mut AnyConnection, name: &str, field: &str) -> Result<i64> {
    let row = sqlx::query("SELECT d.id FROM districts d JOIN units u ON u.id = d.unit_id LEFT JOIN unit_aliases a ON a.unit_id = d.unit_id WHERE d.name = $1 OR u.name = $1 OR a.alias = $1 LIMIT 1")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(row.try_get("id")?),
        None => Err(StoreError::invalid(
            field,
            format!("「{name}」不是名录中的区"),
        )),
    }
}

/// A responsible unit of `task` (not a district government, not a placeholder) by its name or
/// an alias.
async fn responsible_unit(
    conn: &mut AnyConnection,
    task: i64,
    name: &str,
    field: &str,
) -> Result<i64> {
    let row = sqlx::query("SELECT DISTINCT u.id FROM assignments a JOIN units u ON u.id = a.unit_id LEFT JOIN unit_aliases x ON x.unit_id = u.id WHERE a.task_id = $1 AND a.role = 'responsible' AND a.district_id IS NULL AND u.kind <> 'unspecified' AND (u.name = $2 OR x.alias = $2)")
        .bind(task)
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(row.try_get("id")?),
        None => Err(StoreError::invalid(
            field,
            format!("「{name}」不是本任务的责任单位，不能分解给它"),
        )),
    }
}

/// The month a share given on `today` on plan `plan_id` takes effect in: `None` on a draft
/// (every month), else the month still being reported.
pub(crate) async fn effective_from(
    conn: &mut AnyConnection,
    plan_id: i64,
    today: Day,
) -> Result<Option<u32>> {
    let status: String = sqlx::query("SELECT status FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "方案",
            id: plan_id.to_string(),
        })?
        .try_get("status")?;
    Ok(match status.as_str() {
        "published" => Some(effective_month(conn, plan_id, today, None).await?),
        _ => None,
    })
}

/// The plan of a target, or 404.
pub(crate) async fn plan_of_target(conn: &mut AnyConnection, target_id: i64) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT t.plan_id FROM targets g JOIN tasks t ON t.id = g.task_id WHERE g.id = $1",
    )
    .bind(target_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or_else(|| StoreError::NotFound {
        entity: "目标",
        id: target_id.to_string(),
    })?
    .try_get("plan_id")?)
}

/// Sets one target's shares held by `holder` inside a write, due from `from` (see
/// [`effective_from`], worked out once per plan by the caller); `field` names the input in
/// messages. Returns the audit record.
pub(crate) async fn set_shares_in(
    conn: &mut AnyConnection,
    holder: Holder,
    target_id: i64,
    shares: &[(String, f64)],
    from: Option<u32>,
    field: &str,
) -> Result<Change> {
    for (i, (_, value)) in shares.iter().enumerate() {
        if !value.is_finite() || *value < 0.0 {
            return Err(StoreError::invalid(
                format!("{field}[{i}].value"),
                "分解值必须是不小于 0 的数",
            ));
        }
    }
    let task_id: i64 = sqlx::query("SELECT task_id FROM targets WHERE id = $1")
        .bind(target_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "目标",
            id: target_id.to_string(),
        })?
        .try_get("task_id")?;
    let (table, column) = (holder.table(), holder.column());
    // Table and column names come from `Holder`, never from input.
    let existing: Vec<(i64, i64, String, f64, Months)> = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT s.id, s.{column} AS holder, h.name, s.value, s.months_due FROM {table} s {} WHERE s.target_id = $1 ORDER BY h.id",
        holder.names()
    )))
    .bind(target_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get("holder")?,
            r.try_get("name")?,
            r.try_get("value")?,
            Months::from_bits(r.try_get("months_due")?),
        ))
    })
    .collect::<Result<_>>()?;
    let before: Vec<(&str, f64)> = existing
        .iter()
        .filter(|e| e.4.contains(12) || from.is_none())
        .map(|e| (e.2.as_str(), e.3))
        .collect();
    let before = json!(before);
    let mut given: Vec<i64> = Vec::new();
    for (i, (name, value)) in shares.iter().enumerate() {
        let place = match holder {
            Holder::District => format!("{field}[{i}].district"),
            Holder::Unit => format!("{field}[{i}].unit"),
        };
        let id = match holder {
            Holder::District => district_id(conn, name.trim(), &place).await?,
            Holder::Unit => responsible_unit(conn, task_id, name.trim(), &place).await?,
        };
        if given.contains(&id) {
            return Err(StoreError::invalid(place, holder.twice()));
        }
        given.push(id);
        match existing.iter().find(|e| e.1 == id) {
            Some((row, _, _, _, months)) => {
                let months = from.map_or(Months::ALL, |m| months.with_from(m));
                let source = match holder {
                    Holder::District => ", source = 'manual'",
                    Holder::Unit => "",
                };
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE {table} SET value = $1{source}, months_due = $2 WHERE id = $3"
                )))
                .bind(*value)
                .bind(months.bits())
                .bind(*row)
                .execute(&mut *conn)
                .await?;
            }
            None => {
                let months = from.map_or(Months::ALL, Months::from_month);
                let (columns, values) = match holder {
                    Holder::District => (", source", ", 'manual'"),
                    Holder::Unit => ("", ""),
                };
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "INSERT INTO {table} (target_id, {column}, value, months_due{columns}) VALUES ($1, $2, $3, $4{values})"
                )))
                .bind(target_id)
                .bind(id)
                .bind(*value)
                .bind(months.bits())
                .execute(&mut *conn)
                .await?;
            }
        }
    }
    for (row, id, _, _, months) in &existing {
        if given.contains(id) {
            continue;
        }
        match from {
            // Kept for the months it was in force.
            Some(m) => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "UPDATE {table} SET months_due = $1 WHERE id = $2"
                )))
                .bind(months.without_from(m).bits())
                .bind(*row)
                .execute(&mut *conn)
                .await?
            }
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DELETE FROM {table} WHERE id = $1"
                )))
                .bind(*row)
                .execute(&mut *conn)
                .await?
            }
        };
    }
    let mut after = json!(shares);
    if let Some(m) = from {
        after = json!({ "shares": shares, "effective_month": m });
    }
    Ok(Change::new(holder.action(), "target", Some(target_id))
        .before(before)
        .after(after))
}
