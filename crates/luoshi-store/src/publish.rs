//! Publishing a plan and amending it: who is assigned what, and from which month. Publishing
//! resolves every named unit into assignments due from the plan's reporting start; an amendment
//! keeps every assignment it does not change (and with it every report already made), makes
//! what it adds due from its effective month and what it removes due no longer from then on.

use luoshi_directory::Directory;
use luoshi_extract::{AssigneeKind, Role};
use luoshi_reporting::months::{default_reporting_start, month_in_progress};
use luoshi_reporting::{Day, Months};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::audit::{Change, Write};
use crate::import::unit_id;
use crate::{Result, Store, StoreError, now};

/// How a plan is published: on which day (the server's calendar), and from which month its
/// reports are due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publishing {
    pub today: Day,
    /// 1–12; `None`: the month of publication in the plan's year (January when published
    /// outside it). An earlier month asks for the months before publication to be back-filled.
    pub reporting_start: Option<u32>,
}

impl Publishing {
    /// Published today (Beijing time), reports due from the month of publication.
    pub fn today() -> Publishing {
        Publishing {
            today: Day::today_in_china(),
            reporting_start: None,
        }
    }
}

/// What an amendment took effect from, for the audit log and the amendment list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AmendmentRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub description: String,
    /// 1–12 (13: made after the year's last report was due, so nothing it adds is due).
    pub effective_month: Option<u32>,
}

/// The plan's year, as its calendar has it.
async fn plan_year(conn: &mut AnyConnection, plan_id: i64) -> Result<i32> {
    let row = sqlx::query("SELECT year, published_at, created_at FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "方案",
            id: plan_id.to_string(),
        })?;
    let year: Option<i64> = row.try_get("year")?;
    let stamp: Option<String> = row.try_get("published_at")?;
    let created: String = row.try_get("created_at")?;
    Ok(year
        .and_then(|y| i32::try_from(y).ok())
        .or_else(|| Day::parse(stamp.as_deref().unwrap_or(&created)).map(|d| d.year))
        .unwrap_or(2021))
}

/// The plan's reporting start (1 for ledgers published before it was recorded).
pub(crate) async fn reporting_start(conn: &mut AnyConnection, plan_id: i64) -> Result<u32> {
    let row = sqlx::query("SELECT reporting_start FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?;
    let start: Option<i64> = match row {
        Some(row) => row.try_get("reporting_start")?,
        None => None,
    };
    Ok(start.and_then(|s| u32::try_from(s).ok()).unwrap_or(1))
}

/// The month a change made on `today` to a published plan takes effect in: the month still
/// being reported (never before the reporting start), or a later one the office `chosen`.
/// A month whose reports are already due is refused: an amendment never re-evaluates the past.
pub(crate) async fn effective_month(
    conn: &mut AnyConnection,
    plan_id: i64,
    today: Day,
    chosen: Option<u32>,
) -> Result<u32> {
    let dues: Vec<(u32, Day)> = sqlx::query(
        "SELECT key, due_on FROM periods WHERE plan_id = $1 AND kind = 'month' ORDER BY starts_on",
    )
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .filter_map(|r| {
        let key: String = r.try_get("key").ok()?;
        let due: String = r.try_get("due_on").ok()?;
        Some((key.get(5..7)?.parse().ok()?, Day::parse(&due)?))
    })
    .collect();
    let earliest = month_in_progress(&dues, today).max(reporting_start(conn, plan_id).await?);
    match chosen {
        None => Ok(earliest),
        Some(month) if (earliest..=12).contains(&month) => Ok(month),
        Some(month) if earliest > 12 => Err(StoreError::invalid(
            "effective_month",
            format!("本年度各月均已截止填报，修订不再影响本年度（填了 {month} 月）"),
        )),
        Some(month) => Err(StoreError::invalid(
            "effective_month",
            format!(
                "生效月份须在 {earliest}—12 月之间（填了 {month} 月）：此前的月份已截止填报，修订不改变已过去的月份"
            ),
        )),
    }
}

/// Records an amendment of a published plan and its effective month.
pub(crate) async fn amend(
    write: &mut Write<'_>,
    plan_id: i64,
    description: &str,
    effective_month: Option<u32>,
) -> Result<()> {
    let actor = write.actor().to_string();
    let row = sqlx::query("INSERT INTO amendments (plan_id, at, actor, description, effective_month) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(plan_id)
        .bind(now())
        .bind(&actor)
        .bind(description)
        .bind(effective_month.map(i64::from))
        .fetch_one(write.conn())
        .await?;
    let id: i64 = row.try_get("id")?;
    write.record(Change::new("amend", "plan", Some(plan_id)).after(
        json!({ "amendment": id, "description": description, "effective_month": effective_month }),
    ));
    Ok(())
}

/// One assignment a task's units call for.
struct Wanted {
    task_id: i64,
    unit_id: i64,
    role: String,
    printed: String,
    district: Option<i64>,
}

/// The assignments the task units of a plan (or of one task) call for, resolved through
/// `directory`: one per task × unit × role (group names become one per district).
async fn wanted(
    conn: &mut AnyConnection,
    plan_id: i64,
    only_task: Option<i64>,
    directory: &Directory,
) -> Result<Vec<Wanted>> {
    let units = match only_task {
        Some(task) => {
            sqlx::query("SELECT u.task_id, u.role, u.printed, t.district_scope FROM task_units u JOIN tasks t ON t.id = u.task_id WHERE t.id = $1 ORDER BY u.ord")
                .bind(task)
                .fetch_all(&mut *conn)
                .await?
        }
        None => {
            sqlx::query("SELECT u.task_id, u.role, u.printed, t.district_scope FROM task_units u JOIN tasks t ON t.id = u.task_id WHERE t.plan_id = $1 ORDER BY t.ord, u.ord")
                .bind(plan_id)
                .fetch_all(&mut *conn)
                .await?
        }
    };
    let mut out = Vec::new();
    // Two printed names can reach one unit (各区人民政府 and 江岸区): one assignment.
    let mut seen = std::collections::HashSet::new();
    for row in units {
        let task_id: i64 = row.try_get("task_id")?;
        let role_name: String = row.try_get("role")?;
        let printed: String = row.try_get("printed")?;
        let scope: Option<String> = row.try_get("district_scope")?;
        let role = if role_name == "lead" {
            Role::Lead
        } else {
            Role::Responsible
        };
        let (assignee, _) = directory
            .lookup(&printed, role, scope.as_deref())
            .unwrap_or_else(|| {
                (
                    luoshi_extract::Assignee {
                        printed: printed.clone(),
                        role,
                        unit: printed.clone(),
                        kind: AssigneeKind::Unit,
                        districts: Vec::new(),
                    },
                    None,
                )
            });
        let mut bodies: Vec<(i64, Option<i64>)> = Vec::new();
        match assignee.kind {
            AssigneeKind::Unit => {
                bodies.push((unit_id(conn, &assignee.unit, "learned").await?, None))
            }
            AssigneeKind::Unspecified => {
                bodies.push((unit_id(conn, &assignee.unit, "unspecified").await?, None))
            }
            AssigneeKind::District | AssigneeKind::Group => {
                for name in &assignee.districts {
                    let d = sqlx::query("SELECT id, unit_id FROM districts WHERE name = $1")
                        .bind(name)
                        .fetch_optional(&mut *conn)
                        .await?;
                    if let Some(d) = d {
                        bodies.push((d.try_get("unit_id")?, Some(d.try_get("id")?)));
                    }
                }
            }
        }
        for (unit, district) in bodies {
            if seen.insert((task_id, unit, role_name.clone())) {
                out.push(Wanted {
                    task_id,
                    unit_id: unit,
                    role: role_name.clone(),
                    printed: printed.clone(),
                    district,
                });
            }
        }
    }
    Ok(out)
}

async fn insert_assignment(
    conn: &mut AnyConnection,
    plan_id: i64,
    w: &Wanted,
    months: Months,
) -> Result<()> {
    // No `ON CONFLICT`, which spends PostgreSQL ids and would make ids differ between databases.
    sqlx::query("INSERT INTO assignments (plan_id, task_id, unit_id, role, printed, district_id, months_due) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(plan_id)
        .bind(w.task_id)
        .bind(w.unit_id)
        .bind(&w.role)
        .bind(&w.printed)
        .bind(w.district)
        .bind(months.bits())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What an amendment did to one task's assignments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub(crate) struct Reassigned {
    pub kept: u64,
    pub added: u64,
    pub ended: u64,
}

/// Sets the assignments of one task of a published plan anew from `from` (1–12; 13: the year
/// is over): what stays keeps its months and reports, what is added is due from `from`, what
/// is dropped is due no longer from `from`. Nothing is deleted, so no report is lost.
pub(crate) async fn reassign_task(
    conn: &mut AnyConnection,
    plan_id: i64,
    task_id: i64,
    from: u32,
    directory: &Directory,
) -> Result<Reassigned> {
    let wanted = wanted(conn, plan_id, Some(task_id), directory).await?;
    let existing: Vec<(i64, i64, String, Months)> =
        sqlx::query("SELECT id, unit_id, role, months_due FROM assignments WHERE task_id = $1")
            .bind(task_id)
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.try_get("id")?,
                    r.try_get("unit_id")?,
                    r.try_get("role")?,
                    Months::from_bits(r.try_get("months_due")?),
                ))
            })
            .collect::<Result<_>>()?;
    let mut done = Reassigned::default();
    for w in &wanted {
        match existing
            .iter()
            .find(|(_, unit, role, _)| *unit == w.unit_id && *role == w.role)
        {
            Some((id, _, _, months)) => {
                sqlx::query("UPDATE assignments SET printed = $1, district_id = $2, months_due = $3 WHERE id = $4")
                    .bind(&w.printed)
                    .bind(w.district)
                    .bind(months.with_from(from).bits())
                    .bind(*id)
                    .execute(&mut *conn)
                    .await?;
                done.kept += 1;
            }
            None => {
                insert_assignment(conn, plan_id, w, Months::from_month(from)).await?;
                done.added += 1;
            }
        }
    }
    for (id, unit, role, months) in &existing {
        if wanted.iter().any(|w| w.unit_id == *unit && w.role == *role) {
            continue;
        }
        sqlx::query("UPDATE assignments SET months_due = $1 WHERE id = $2")
            .bind(months.without_from(from).bits())
            .bind(*id)
            .execute(&mut *conn)
            .await?;
        done.ended += 1;
    }
    Ok(done)
}

/// Derives every assignment of a plan being published, due in `months`, and gives every
/// district of a 分别 target's group its full share. Returns how many of each there are.
async fn derive_assignments(
    conn: &mut AnyConnection,
    plan_id: i64,
    months: Months,
    directory: &Directory,
) -> Result<(u64, u64)> {
    sqlx::query("DELETE FROM assignments WHERE plan_id = $1")
        .bind(plan_id)
        .execute(&mut *conn)
        .await?;
    let wanted = wanted(conn, plan_id, None, directory).await?;
    for w in &wanted {
        insert_assignment(conn, plan_id, w, months).await?;
    }
    let targets = sqlx::query("SELECT g.id, g.value, g.per_each, t.district_scope FROM targets g JOIN tasks t ON t.id = g.task_id WHERE g.per_each IS NOT NULL AND t.plan_id = $1")
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut shares = 0u64;
    for row in targets {
        let target_id: i64 = row.try_get("id")?;
        let value: f64 = row.try_get("value")?;
        let group: String = row.try_get("per_each")?;
        let scope: Option<String> = row.try_get("district_scope")?;
        let Some((assignee, _)) = directory.lookup(&group, Role::Responsible, scope.as_deref())
        else {
            continue;
        };
        sqlx::query("DELETE FROM target_shares WHERE target_id = $1 AND source = 'per_each'")
            .bind(target_id)
            .execute(&mut *conn)
            .await?;
        // Districts the office already split by hand keep their share.
        let kept = sqlx::query("SELECT district_id FROM target_shares WHERE target_id = $1")
            .bind(target_id)
            .fetch_all(&mut *conn)
            .await?;
        let mut taken: std::collections::HashSet<i64> = kept
            .iter()
            .map(|r| r.try_get("district_id"))
            .collect::<Result<_, _>>()?;
        for name in &assignee.districts {
            let d = sqlx::query("SELECT id FROM districts WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *conn)
                .await?;
            if let Some(d) = d {
                let district: i64 = d.try_get("id")?;
                if !taken.insert(district) {
                    continue;
                }
                shares += sqlx::query("INSERT INTO target_shares (target_id, district_id, value, source) VALUES ($1, $2, $3, 'per_each')")
                    .bind(target_id)
                    .bind(district)
                    .bind(value)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected();
            }
        }
    }
    // Everything the plan holds is due from its reporting start.
    for table in [
        "UPDATE assignments SET months_due = $1 WHERE plan_id = $2",
        "UPDATE targets SET months_due = $1 WHERE task_id IN (SELECT id FROM tasks WHERE plan_id = $2)",
        "UPDATE target_shares SET months_due = $1 WHERE target_id IN (SELECT g.id FROM targets g JOIN tasks t ON t.id = g.task_id WHERE t.plan_id = $2)",
    ] {
        sqlx::query(table)
            .bind(months.bits())
            .bind(plan_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok((wanted.len() as u64, shares))
}

impl Store {
    /// Publishes a draft today, its reports due from the month of publication.
    pub async fn publish(&self, plan_id: i64, directory: &Directory, actor: &str) -> Result<()> {
        self.publish_with(plan_id, directory, Publishing::today(), actor)
            .await
    }

    /// Publishes a draft: freezes its task list, resolves every named unit through `directory`
    /// into assignments (task × unit × role; group names become one per district), gives every
    /// district its full share of each 分别 target, creates the year's calendar, and makes all
    /// of it due from the reporting start. Open review items stay listed.
    pub async fn publish_with(
        &self,
        plan_id: i64,
        directory: &Directory,
        how: Publishing,
        actor: &str,
    ) -> Result<()> {
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let status: String = sqlx::query("SELECT status FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "方案",
                id: plan_id.to_string(),
            })?
            .try_get("status")?;
        if status == "published" {
            return Err(StoreError::Published("该方案已经发布".into()));
        }
        // A plan that names no year runs in the year it is published, on the server's calendar
        // (which `--today` may set): recorded, so its periods and every later reading agree.
        let own_year: Option<i64> = sqlx::query("SELECT year FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get("year")?;
        if own_year.is_none() {
            sqlx::query("UPDATE plans SET year = $1 WHERE id = $2")
                .bind(i64::from(how.today.year))
                .bind(plan_id)
                .execute(&mut *conn)
                .await?;
        }
        let year = plan_year(conn, plan_id).await?;
        let start = match how.reporting_start {
            None => default_reporting_start(year, how.today),
            Some(month @ 1..=12) => month,
            Some(month) => {
                return Err(StoreError::invalid(
                    "reporting_start",
                    format!("填报起始月份须在 1—12 月之间（填了 {month}）"),
                ));
            }
        };
        sqlx::query("UPDATE plans SET status = 'published', published_at = $1, reporting_start = $2 WHERE id = $3")
            .bind(now())
            .bind(i64::from(start))
            .bind(plan_id)
            .execute(&mut *conn)
            .await?;
        let (assignments, shares) =
            derive_assignments(conn, plan_id, Months::from_month(start), directory).await?;
        let periods = crate::periods::create_periods(conn, plan_id).await?;
        write.record(
            Change::new("publish", "plan", Some(plan_id))
                .before(json!({ "status": "draft" }))
                .after(json!({
                    "status": "published", "assignments": assignments, "shares": shares,
                    "periods": periods, "reporting_start": start,
                })),
        );
        write.commit().await
    }

    /// The month a change made on `today` to the published plan takes effect in by default
    /// (the earliest it may; 13 once the year's reports are all due).
    pub async fn amendment_month(&self, plan_id: i64, today: Day) -> Result<u32> {
        let mut conn = self.pool.acquire().await?;
        effective_month(&mut conn, plan_id, today, None).await
    }

    /// The amendments of a plan, oldest first.
    pub async fn amendments(&self, plan_id: i64) -> Result<Vec<AmendmentRow>> {
        let rows = sqlx::query("SELECT id, at, actor, description, effective_month FROM amendments WHERE plan_id = $1 ORDER BY id")
            .bind(plan_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(AmendmentRow {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    description: r.try_get("description")?,
                    effective_month: r
                        .try_get::<Option<i64>, _>("effective_month")?
                        .and_then(|m| u32::try_from(m).ok()),
                })
            })
            .collect()
    }
}
