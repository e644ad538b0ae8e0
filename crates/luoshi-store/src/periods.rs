//! The reporting calendar in the ledger: a published plan's periods (twelve months, four
//! quarters, two halves, the year), its due day, and periods the office reopens for late entry.

use luoshi_reporting::calendar::periods_for_year;
use luoshi_reporting::{Day, Window};
use serde::Serialize;
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit::Change;
use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PeriodRow {
    pub id: i64,
    pub plan_id: i64,
    /// `month`, `quarter`, `half`, `year`.
    pub kind: String,
    /// `2021-06`, `2021-Q2`, `2021-H1`, `2021`.
    pub key: String,
    pub label: String,
    pub starts_on: String,
    pub ends_on: String,
    pub due_on: String,
    pub reopened_until: Option<String>,
}

impl PeriodRow {
    /// Where the period stands on `today`.
    pub fn window(&self, today: Day) -> Window {
        match (Day::parse(&self.starts_on), Day::parse(&self.due_on)) {
            (Some(start), Some(due)) => Window::on(
                today,
                start,
                due,
                self.reopened_until.as_deref().and_then(Day::parse),
            ),
            _ => Window::Closed,
        }
    }

    pub fn is_month(&self) -> bool {
        self.kind == "month"
    }

    /// The month of the year (1–12) of a monthly period.
    pub fn month(&self) -> Option<u32> {
        self.is_month()
            .then(|| self.key.get(5..7)?.parse().ok())
            .flatten()
    }

    /// Whether something due in `months` is due in this period (a period that is not a month
    /// holds every month's).
    pub fn holds(&self, months: luoshi_reporting::Months) -> bool {
        self.month().is_none_or(|m| months.contains(m))
    }
}

const PERIOD_COLUMNS: &str =
    "id, plan_id, kind, key, label, starts_on, ends_on, due_on, reopened_until";

pub(crate) fn period_row(row: &AnyRow) -> Result<PeriodRow> {
    Ok(PeriodRow {
        id: row.try_get("id")?,
        plan_id: row.try_get("plan_id")?,
        kind: row.try_get("kind")?,
        key: row.try_get("key")?,
        label: row.try_get("label")?,
        starts_on: row.try_get("starts_on")?,
        ends_on: row.try_get("ends_on")?,
        due_on: row.try_get("due_on")?,
        reopened_until: row.try_get("reopened_until")?,
    })
}

/// Creates the plan year's periods if it has none. The year is the plan's own, else the year it
/// was published.
pub(crate) async fn create_periods(conn: &mut AnyConnection, plan_id: i64) -> Result<usize> {
    let existing: i64 = sqlx::query("SELECT COUNT(*) AS n FROM periods WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    if existing > 0 {
        return Ok(0);
    }
    let row = sqlx::query(
        "SELECT year, published_at, created_at, report_due_day FROM plans WHERE id = $1",
    )
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
    let due_day: i64 = row.try_get("report_due_day")?;
    let year = year
        .and_then(|y| i32::try_from(y).ok())
        .or_else(|| Day::parse(stamp.as_deref().unwrap_or(&created)).map(|d| d.year))
        .unwrap_or(2021);
    let specs = periods_for_year(year, u32::try_from(due_day).unwrap_or(25));
    for spec in &specs {
        sqlx::query("INSERT INTO periods (plan_id, kind, key, label, starts_on, ends_on, due_on) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(plan_id)
            .bind(spec.kind.as_str())
            .bind(&spec.key)
            .bind(&spec.label)
            .bind(spec.starts_on.to_string())
            .bind(spec.ends_on.to_string())
            .bind(spec.due_on.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(specs.len())
}

impl Store {
    /// Gives a published plan its calendar if it has none (ledgers published before periods
    /// existed). Returns how many periods were created.
    pub async fn ensure_periods(&self, plan_id: i64, actor: &str) -> Result<usize> {
        if !self.periods(plan_id).await?.is_empty() {
            return Ok(0);
        }
        let mut write = self.begin_write(actor).await?;
        let created = create_periods(write.conn(), plan_id).await?;
        write.record(
            Change::new("create_periods", "plan", Some(plan_id))
                .after(json!({ "periods": created })),
        );
        write.commit().await?;
        Ok(created)
    }

    pub async fn periods(&self, plan_id: i64) -> Result<Vec<PeriodRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PERIOD_COLUMNS} FROM periods WHERE plan_id = $1 ORDER BY id"
        )))
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(period_row).collect()
    }

    pub async fn period(&self, period_id: i64) -> Result<PeriodRow> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PERIOD_COLUMNS} FROM periods WHERE id = $1"
        )))
        .bind(period_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "填报期间",
            id: period_id.to_string(),
        })?;
        period_row(&row)
    }

    /// A period by its key (`2021-06`).
    pub async fn period_by_key(&self, plan_id: i64, key: &str) -> Result<PeriodRow> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {PERIOD_COLUMNS} FROM periods WHERE plan_id = $1 AND key = $2"
        )))
        .bind(plan_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "填报期间",
            id: key.to_string(),
        })?;
        period_row(&row)
    }

    /// The month whose window holds `today`, else the latest month already begun, else the first.
    pub async fn current_month(&self, plan_id: i64, today: Day) -> Result<Option<PeriodRow>> {
        let months: Vec<PeriodRow> = self
            .periods(plan_id)
            .await?
            .into_iter()
            .filter(PeriodRow::is_month)
            .collect();
        let today_text = today.to_string();
        let begun = months.iter().rev().find(|p| p.starts_on <= today_text);
        Ok(begun.or(months.first()).cloned())
    }

    /// Marks a plan as holding simulated reports (演示数据).
    pub async fn mark_demo(&self, plan_id: i64, actor: &str) -> Result<()> {
        let mut write = self.begin_write(actor).await?;
        sqlx::query("UPDATE plans SET demo = 1 WHERE id = $1")
            .bind(plan_id)
            .execute(write.conn())
            .await?;
        write
            .record(Change::new("mark_demo", "plan", Some(plan_id)).after(json!({ "demo": true })));
        write.commit().await
    }

    /// The day of the month the plan's reports are due (31: 月末).
    pub async fn due_day(&self, plan_id: i64) -> Result<u32> {
        let mut conn = self.conn().await?;
        let row = sqlx::query("SELECT report_due_day FROM plans WHERE id = $1")
            .bind(plan_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound {
                entity: "方案",
                id: plan_id.to_string(),
            })?;
        let day: i64 = row.try_get("report_due_day")?;
        Ok(u32::try_from(day).unwrap_or(25))
    }

    /// Moves every period's due day: 1–28, or 31 for 月末 (each month's last day).
    pub async fn set_due_day(&self, plan_id: i64, due_day: u32, actor: &str) -> Result<()> {
        luoshi_reporting::calendar::check_due_day(due_day)
            .map_err(|message| StoreError::invalid("due_day", message))?;
        let periods = self.periods(plan_id).await?;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        sqlx::query("UPDATE plans SET report_due_day = $1 WHERE id = $2")
            .bind(i64::from(due_day))
            .bind(plan_id)
            .execute(&mut *conn)
            .await?;
        for period in &periods {
            let Some(end) = Day::parse(&period.ends_on) else {
                continue;
            };
            let due = Day {
                day: due_day.min(end.day),
                ..end
            };
            sqlx::query("UPDATE periods SET due_on = $1 WHERE id = $2")
                .bind(due.to_string())
                .bind(period.id)
                .execute(&mut *conn)
                .await?;
        }
        write.record(
            Change::new("set_due_day", "plan", Some(plan_id)).after(json!({ "due_day": due_day })),
        );
        write.commit().await
    }

    /// Reopens a closed period for late entry through `until` (`None` closes it again).
    pub async fn reopen_period(
        &self,
        period_id: i64,
        until: Option<Day>,
        actor: &str,
    ) -> Result<PeriodRow> {
        let period = self.period(period_id).await?;
        if let Some(until) = until
            && until.to_string() <= period.due_on
        {
            return Err(StoreError::invalid(
                "until",
                format!("补报截止日 {until} 须晚于原截止日 {}", period.due_on),
            ));
        }
        let mut write = self.begin_write(actor).await?;
        sqlx::query("UPDATE periods SET reopened_until = $1 WHERE id = $2")
            .bind(until.map(|d| d.to_string()))
            .bind(period_id)
            .execute(write.conn())
            .await?;
        write.record(
            Change::new(
                if until.is_some() { "reopen" } else { "close" },
                "period",
                Some(period_id),
            )
            .before(json!({ "reopened_until": period.reopened_until }))
            .after(json!({ "reopened_until": until.map(|d| d.to_string()) })),
        );
        write.commit().await?;
        self.period(period_id).await
    }
}
