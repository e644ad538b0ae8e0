//! A lead unit's (or the office's) review of submitted reports: one at a time, or several in one
//! action — accepted together or returned with one comment, all in one transaction, each
//! recorded as its own entry in the audit log.

use luoshi_reporting::report::{ReportAction, check_text};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::audit::{Change, Write};
use crate::reports::{ReportView, check_version, load_period, load_view, rule};
use crate::{Result, Store, StoreError, now};

/// One report named for review: where it is and the version the reviewer saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewTarget {
    pub period_id: i64,
    pub assignment_id: i64,
    pub version: i64,
}

/// A submitted report waiting for review, as the 待审核 list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PendingReview {
    pub plan_id: i64,
    pub plan_title: String,
    pub period_id: i64,
    pub period_label: String,
    pub assignment_id: i64,
    pub task_id: i64,
    pub task_path: String,
    pub task_title: String,
    /// The unit (or district government) that submitted it.
    pub unit: String,
    pub version: i64,
    /// The progress text as submitted (what the reviewer reads first).
    pub progress: String,
    pub submitted_at: Option<String>,
    pub submitted_late: bool,
}

/// At most this many reports in one batch: a lead's month is rarely above 100.
pub const MAX_BATCH: usize = 500;

impl Store {
    /// Accepts or returns a submitted report. Returning needs a comment.
    pub async fn review_report(
        &self,
        period_id: i64,
        assignment_id: i64,
        version: i64,
        accept: bool,
        comment: &str,
        actor: &str,
    ) -> Result<ReportView> {
        let target = ReviewTarget {
            period_id,
            assignment_id,
            version,
        };
        self.review_reports(&[target], accept, comment, actor)
            .await?;
        self.report(period_id, assignment_id).await
    }

    /// Accepts (or returns, with `comment`) every report in `targets`: all of them or, if any
    /// cannot be (changed meanwhile, not submitted), none, the error naming which.
    pub async fn review_reports(
        &self,
        targets: &[ReviewTarget],
        accept: bool,
        comment: &str,
        actor: &str,
    ) -> Result<usize> {
        let comment = comment.trim();
        if targets.is_empty() {
            return Err(StoreError::invalid("reports", "请至少选择一份报告"));
        }
        if targets.len() > MAX_BATCH {
            return Err(StoreError::invalid(
                "reports",
                format!("一次最多审核 {MAX_BATCH} 份报告"),
            ));
        }
        if !accept && comment.is_empty() {
            return Err(StoreError::invalid("comment", "退回须写明原因"));
        }
        check_text("comment", comment).map_err(rule)?;
        let mut write = self.begin_write(actor).await?;
        for target in targets {
            review_one(&mut write, target, accept, comment, actor).await?;
        }
        write.commit().await?;
        Ok(targets.len())
    }

    /// Submitted reports on tasks `lead_unit` leads (every submitted report for `None`, the
    /// office), in published plans, oldest month first.
    pub async fn pending_reviews(&self, lead_unit: Option<i64>) -> Result<Vec<PendingReview>> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query(
            "SELECT p.id AS plan_id, COALESCE(p.plan_title, p.title, p.source_name) AS plan_title, \
             pe.id AS period_id, pe.label AS period_label, a.id AS assignment_id, t.id AS task_id, \
             t.path AS task_path, t.title AS task_title, u.name AS unit, r.version, r.progress, \
             r.submitted_at, r.submitted_late \
             FROM reports r \
             JOIN assignments a ON a.id = r.assignment_id \
             JOIN tasks t ON t.id = a.task_id \
             JOIN plans p ON p.id = t.plan_id \
             JOIN periods pe ON pe.id = r.period_id \
             JOIN units u ON u.id = a.unit_id \
             WHERE r.status = 'submitted' AND p.status = 'published' AND a.role <> 'lead' \
             AND (EXISTS (SELECT 1 FROM assignments l WHERE l.task_id = a.task_id \
                  AND l.role = 'lead' AND l.unit_id = $1) OR $2) \
             ORDER BY pe.starts_on, p.id, t.ord, u.name",
        )
        .bind(lead_unit.unwrap_or(-1))
        .bind(lead_unit.is_none())
        .fetch_all(&mut *conn)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PendingReview {
                    plan_id: r.try_get("plan_id")?,
                    plan_title: r.try_get("plan_title")?,
                    period_id: r.try_get("period_id")?,
                    period_label: r.try_get("period_label")?,
                    assignment_id: r.try_get("assignment_id")?,
                    task_id: r.try_get("task_id")?,
                    task_path: r.try_get("task_path")?,
                    task_title: r.try_get("task_title")?,
                    unit: r.try_get("unit")?,
                    version: r.try_get("version")?,
                    progress: r.try_get("progress")?,
                    submitted_at: r.try_get("submitted_at")?,
                    submitted_late: r.try_get::<i64, _>("submitted_late")? != 0,
                })
            })
            .collect()
    }
}

async fn review_one(
    write: &mut Write<'_>,
    target: &ReviewTarget,
    accept: bool,
    comment: &str,
    actor: &str,
) -> Result<()> {
    let conn = write.conn();
    let period = load_period(conn, target.period_id).await?;
    let view = load_view(conn, &period, target.assignment_id).await?;
    let named = || format!("{}（{} {}）", view.unit, view.task_path, view.task_title);
    let (Some(id), Some(from)) = (view.id, view.status) else {
        return Err(StoreError::Conflict(format!(
            "{}尚未报送，无可审核的报告",
            named()
        )));
    };
    check_version(&view, target.version).map_err(|e| match e {
        StoreError::Conflict(m) => StoreError::Conflict(format!("{}：{m}", named())),
        other => other,
    })?;
    let to = from
        .after(if accept {
            ReportAction::Accept
        } else {
            ReportAction::Return
        })
        .map_err(|e| match rule(e) {
            StoreError::Invalid { field, message } => StoreError::Invalid {
                field,
                message: format!("{}：{message}", named()),
            },
            other => other,
        })?;
    sqlx::query("UPDATE reports SET status = $1, review_comment = $2, reviewed_by = $3, reviewed_at = $4, version = version + 1 WHERE id = $5 AND version = $6")
        .bind(to.as_str())
        .bind((!comment.is_empty()).then_some(comment))
        .bind(actor)
        .bind(now())
        .bind(id)
        .bind(target.version)
        .execute(&mut *conn)
        .await?;
    crate::series::refresh(conn, target.assignment_id).await?;
    write.record(
        Change::new(if accept { "accept" } else { "return" }, "report", Some(id))
            .before(json!({ "status": from.as_str() }))
            .after(json!({ "status": to.as_str(), "comment": comment })),
    );
    Ok(())
}
