//! Files attached to a report (evidence), within a per-report quota.

use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{Day, ReportStatus};
use serde_json::json;
use sqlx::Row;

use super::{AttachmentRow, load_period};
use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

/// Attachments one report may hold, and their total size.
pub const MAX_ATTACHMENTS: i64 = 10;
pub const MAX_ATTACHMENT_TOTAL: i64 = 30 * 1024 * 1024;

impl Store {
    /// Stores an attachment (its type checked by the caller) on a saved report that can still
    /// be edited on `today` (a draft or a returned report, in an open period), within the
    /// report's quota of [`MAX_ATTACHMENTS`] files and [`MAX_ATTACHMENT_TOTAL`] bytes.
    pub async fn add_attachment(
        &self,
        report_id: i64,
        filename: &str,
        content_type: &str,
        data: &[u8],
        today: Day,
        actor: &str,
    ) -> Result<i64> {
        use sha2::{Digest, Sha256};
        let sha: String = Sha256::digest(data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let mut write = self.begin_write(actor).await?;
        let report = sqlx::query("SELECT period_id, status FROM reports WHERE id = $1")
            .bind(report_id)
            .fetch_optional(write.conn())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "报告",
                id: report_id.to_string(),
            })?;
        let status: String = report.try_get("status")?;
        let status = ReportStatus::parse(&status).unwrap_or(ReportStatus::Draft);
        if status.after(ReportAction::Save).is_err() {
            return Err(StoreError::Conflict(format!(
                "报告已{}，不能再添加附件；如需补充，请先由审核方退回",
                status.label()
            )));
        }
        let period = load_period(write.conn(), report.try_get("period_id")?).await?;
        let window = period.window(today);
        if !window.accepts_entries() {
            return Err(StoreError::Conflict(format!(
                "{}的填报{}，不能再添加附件",
                period.label,
                window.label()
            )));
        }
        let used = sqlx::query(
            "SELECT COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM attachments WHERE report_id = $1",
        )
        .bind(report_id)
        .fetch_one(write.conn())
        .await?;
        let (files, bytes): (i64, i64) = (used.try_get("files")?, used.try_get("bytes")?);
        if files >= MAX_ATTACHMENTS {
            return Err(StoreError::invalid(
                "file",
                format!("每份报告最多 {MAX_ATTACHMENTS} 个附件，已有 {files} 个"),
            ));
        }
        if bytes + data.len() as i64 > MAX_ATTACHMENT_TOTAL {
            return Err(StoreError::invalid(
                "file",
                format!(
                    "每份报告的附件合计不超过 {} MB，已用 {:.1} MB",
                    MAX_ATTACHMENT_TOTAL / 1_048_576,
                    bytes as f64 / 1_048_576.0
                ),
            ));
        }
        let row = sqlx::query("INSERT INTO attachments (report_id, filename, content_type, size, sha256, data, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(report_id)
            .bind(filename)
            .bind(content_type)
            .bind(data.len() as i64)
            .bind(&sha)
            .bind(data.to_vec())
            .bind(actor)
            .bind(now())
            .fetch_one(write.conn())
            .await?;
        let id: i64 = row.try_get("id")?;
        write.record(Change::new("attach", "report", Some(report_id)).after(
            json!({ "attachment": id, "filename": filename, "size": data.len(), "sha256": sha }),
        ));
        write.commit().await?;
        Ok(id)
    }

    /// An attachment's metadata, bytes, and the report it belongs to (period, assignment).
    pub async fn attachment(&self, id: i64) -> Result<(AttachmentRow, Vec<u8>, i64, i64)> {
        let a = sqlx::query("SELECT a.id, a.filename, a.content_type, a.size, a.sha256, a.uploaded_by, a.created_at, a.data, r.period_id, r.assignment_id FROM attachments a JOIN reports r ON r.id = a.report_id WHERE a.id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound { entity: "附件", id: id.to_string() })?;
        Ok((
            attachment_row(&a)?,
            a.try_get("data")?,
            a.try_get("period_id")?,
            a.try_get("assignment_id")?,
        ))
    }
}

/// An attachment's metadata from a row naming its columns as the table does.
pub(super) fn attachment_row(a: &sqlx::any::AnyRow) -> Result<AttachmentRow> {
    Ok(AttachmentRow {
        id: a.try_get("id")?,
        filename: a.try_get("filename")?,
        content_type: a.try_get("content_type")?,
        size: a.try_get("size")?,
        sha256: a.try_get("sha256")?,
        uploaded_by: a.try_get("uploaded_by")?,
        created_at: a.try_get("created_at")?,
    })
}
