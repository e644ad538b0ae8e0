//! Issued documents (印发): what the office circulated for a period, stored as rendered and never
//! changed. Each issue is numbered per plan and kind (第 N 期); issuing a period again is a
//! correction (更正) that needs a reason and names the issue it corrects. The content hash goes to
//! the audit log, so a stored file changed behind the log's back is found by `verify`.

use luoshi_reporting::Day;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

/// One issue, without its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IssuedDocument {
    pub id: i64,
    pub plan_id: i64,
    /// `month`, `quarter`, `half`, `year`.
    pub kind: String,
    /// `2021-06`, `2021-Q2`, `2021-H1`, `2021`.
    pub period_key: String,
    /// 第 N 期, counted per plan and kind.
    pub number: i64,
    /// The issue this one corrects (更正).
    pub corrects: Option<i64>,
    pub reason: Option<String>,
    /// The date printed on it (the server's calendar).
    pub issued_on: String,
    pub issued_at: String,
    pub issued_by: String,
    pub title: String,
    /// SHA-256 of the .docx, .xlsx and HTML together (see [`content_hash`]).
    pub sha256: String,
}

/// A document about to be issued: its files as rendered with the number it will carry.
#[derive(Debug, Clone, PartialEq)]
pub struct IssueFiles {
    pub title: String,
    pub docx: Vec<u8>,
    pub xlsx: Vec<u8>,
    pub html: String,
    /// What it states, line by line.
    pub figures: Vec<String>,
}

/// Which issue a new one will be: its number and the issue of the same period it corrects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NextIssue {
    pub number: i64,
    /// `(id, number)` of the period's latest issue, when there is one.
    pub corrects: Option<(i64, i64)>,
}

/// One of an issue's stored files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssuedFile {
    Docx,
    Xlsx,
    Html,
}

/// The hash an issue is sealed with: SHA-256 over the three files, each preceded by its length.
pub fn content_hash(docx: &[u8], xlsx: &[u8], html: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [docx, xlsx, html.as_bytes()] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

const COLUMNS: &str = "id, plan_id, kind, period_key, number, corrects, reason, issued_on, issued_at, issued_by, title, sha256";

fn issued_row(r: &AnyRow) -> Result<IssuedDocument> {
    Ok(IssuedDocument {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        kind: r.try_get("kind")?,
        period_key: r.try_get("period_key")?,
        number: r.try_get("number")?,
        corrects: r.try_get("corrects")?,
        reason: r.try_get("reason")?,
        issued_on: r.try_get("issued_on")?,
        issued_at: r.try_get("issued_at")?,
        issued_by: r.try_get("issued_by")?,
        title: r.try_get("title")?,
        sha256: r.try_get("sha256")?,
    })
}

fn check_kind(kind: &str) -> Result<()> {
    match kind {
        "month" | "quarter" | "half" | "year" => Ok(()),
        other => Err(StoreError::invalid(
            "kind",
            format!("「{other}」不是可印发的文件种类（month、quarter、half、year）"),
        )),
    }
}

impl Store {
    /// The issues of one period, oldest first (the last is the one in force).
    pub async fn issues_of(&self, plan_id: i64, period_key: &str) -> Result<Vec<IssuedDocument>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM issued_documents WHERE plan_id = $1 AND period_key = $2 ORDER BY id"
        )))
        .bind(plan_id)
        .bind(period_key)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(issued_row).collect()
    }

    /// Every issue of a plan, oldest first.
    pub async fn issues(&self, plan_id: i64) -> Result<Vec<IssuedDocument>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM issued_documents WHERE plan_id = $1 ORDER BY id"
        )))
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(issued_row).collect()
    }

    /// The number the next issue of `kind` will carry, and the issue of `period_key` it would
    /// correct.
    pub async fn next_issue(
        &self,
        plan_id: i64,
        kind: &str,
        period_key: &str,
    ) -> Result<NextIssue> {
        check_kind(kind)?;
        let mut conn = self.pool.acquire().await?;
        next_issue_in(&mut conn, plan_id, kind, period_key).await
    }

    /// Stores an issue rendered as `next` said. Refused when another issue of the plan's kind
    /// or the period was made meanwhile (409: render again), and a correction needs a reason.
    #[allow(clippy::too_many_arguments)]
    pub async fn issue_document(
        &self,
        plan_id: i64,
        kind: &str,
        period_key: &str,
        next: NextIssue,
        reason: Option<&str>,
        issued_on: Day,
        files: &IssueFiles,
        actor: &str,
    ) -> Result<IssuedDocument> {
        check_kind(kind)?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if next.corrects.is_some() && reason.is_none() {
            return Err(StoreError::invalid(
                "reason",
                "该期文件已印发；再次印发即为更正，须写明更正理由",
            ));
        }
        if reason.is_some_and(|r| r.chars().count() > 500) {
            return Err(StoreError::invalid("reason", "更正理由过长（超过 500 字）"));
        }
        let figures = serde_json::to_string(&files.figures)
            .map_err(|e| StoreError::invalid("figures", e.to_string()))?;
        let sha256 = content_hash(&files.docx, &files.xlsx, &files.html);
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        if next_issue_in(conn, plan_id, kind, period_key).await? != next {
            return Err(StoreError::Conflict(
                "刚有人印发了同一种文件，期号已变；请刷新后重新印发".into(),
            ));
        }
        let at = now();
        let row = sqlx::query("INSERT INTO issued_documents (plan_id, kind, period_key, number, corrects, reason, issued_on, issued_at, issued_by, title, docx, xlsx, html, figures, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id")
            .bind(plan_id)
            .bind(kind)
            .bind(period_key)
            .bind(next.number)
            .bind(next.corrects.map(|c| c.0))
            .bind(reason)
            .bind(issued_on.to_string())
            .bind(&at)
            .bind(actor)
            .bind(&files.title)
            .bind(files.docx.clone())
            .bind(files.xlsx.clone())
            .bind(&files.html)
            .bind(&figures)
            .bind(&sha256)
            .fetch_one(&mut *conn)
            .await?;
        let id: i64 = row.try_get("id")?;
        write.record(
            Change::new("issue", "issued_document", Some(id)).after(json!({
                "plan": plan_id, "kind": kind, "period": period_key, "number": next.number,
                "corrects": next.corrects.map(|c| c.0), "reason": reason,
                "issued_on": issued_on.to_string(), "sha256": sha256,
            })),
        );
        write.commit().await?;
        Ok(IssuedDocument {
            id,
            plan_id,
            kind: kind.to_string(),
            period_key: period_key.to_string(),
            number: next.number,
            corrects: next.corrects.map(|c| c.0),
            reason: reason.map(str::to_string),
            issued_on: issued_on.to_string(),
            issued_at: at,
            issued_by: actor.to_string(),
            title: files.title.clone(),
            sha256,
        })
    }

    /// One stored file of an issue.
    pub async fn issued_file(&self, id: i64, file: IssuedFile) -> Result<Vec<u8>> {
        let column = match file {
            IssuedFile::Docx => "docx",
            IssuedFile::Xlsx => "xlsx",
            IssuedFile::Html => "html",
        };
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {column} AS content FROM issued_documents WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "印发文件",
            id: id.to_string(),
        })?;
        Ok(match file {
            IssuedFile::Html => row.try_get::<String, _>("content")?.into_bytes(),
            _ => row.try_get("content")?,
        })
    }

    /// What an issue stated, line by line.
    pub async fn issued_figures(&self, id: i64) -> Result<Vec<String>> {
        let text: String = sqlx::query("SELECT figures FROM issued_documents WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "印发文件",
                id: id.to_string(),
            })?
            .try_get("figures")?;
        serde_json::from_str(&text).map_err(|e| StoreError::invalid("figures", e.to_string()))
    }
}

/// [`Store::next_issue`] inside a connection (a write's, to check it still holds).
async fn next_issue_in(
    conn: &mut sqlx::AnyConnection,
    plan_id: i64,
    kind: &str,
    period_key: &str,
) -> Result<NextIssue> {
    let number: i64 = sqlx::query("SELECT COALESCE(MAX(number), 0) AS n FROM issued_documents WHERE plan_id = $1 AND kind = $2")
        .bind(plan_id)
        .bind(kind)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")?;
    let latest = sqlx::query("SELECT id, number FROM issued_documents WHERE plan_id = $1 AND period_key = $2 ORDER BY id DESC LIMIT 1")
        .bind(plan_id)
        .bind(period_key)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(NextIssue {
        number: number + 1,
        corrects: match latest {
            Some(r) => Some((r.try_get("id")?, r.try_get("number")?)),
            None => None,
        },
    })
}
