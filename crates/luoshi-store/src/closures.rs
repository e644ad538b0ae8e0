//! 销号: the office closes a task without a numeric target as done, with a note and an evidence
//! file, and may reopen it; both audited, the history kept.

use luoshi_reporting::Day;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

/// Largest evidence file, in bytes.
pub const MAX_EVIDENCE: usize = 10 * 1024 * 1024;

/// One closing of a task and, if it was reopened, its reopening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TaskClosure {
    pub id: i64,
    pub task_id: i64,
    pub closed_on: String,
    pub closed_by: String,
    pub note: String,
    pub evidence_name: Option<String>,
    pub evidence_sha256: Option<String>,
    pub reopened_on: Option<String>,
    pub reopened_by: Option<String>,
    pub reopen_note: Option<String>,
}

impl TaskClosure {
    /// Closed and not reopened.
    pub fn in_force(&self) -> bool {
        self.reopened_on.is_none()
    }
}

/// An evidence file (its type already checked by content).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub filename: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

fn closure_row(r: &AnyRow) -> Result<TaskClosure> {
    Ok(TaskClosure {
        id: r.try_get("id")?,
        task_id: r.try_get("task_id")?,
        closed_on: r.try_get("closed_on")?,
        closed_by: r.try_get("closed_by")?,
        note: r.try_get("note")?,
        evidence_name: r.try_get("evidence_name")?,
        evidence_sha256: r.try_get("evidence_sha256")?,
        reopened_on: r.try_get("reopened_on")?,
        reopened_by: r.try_get("reopened_by")?,
        reopen_note: r.try_get("reopen_note")?,
    })
}

const COLUMNS: &str = "id, task_id, closed_on, closed_by, note, evidence_name, evidence_sha256, reopened_on, reopened_by, reopen_note";

fn words(field: &str, text: &str, what: &str) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(StoreError::invalid(field, format!("请写明{what}")));
    }
    if text.chars().count() > 1000 {
        return Err(StoreError::invalid(
            field,
            format!("{what}过长（超过 1000 字）"),
        ));
    }
    Ok(text.to_string())
}

impl Store {
    /// The closings of a task, oldest first.
    pub async fn task_closures(&self, task_id: i64) -> Result<Vec<TaskClosure>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM task_closures WHERE task_id = $1 ORDER BY id"
        )))
        .bind(task_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(closure_row).collect()
    }

    /// Closes a task of a published plan as done (销号) on `today`.
    pub async fn close_task(
        &self,
        task_id: i64,
        note: &str,
        evidence: Option<&Evidence>,
        today: Day,
        actor: &str,
    ) -> Result<TaskClosure> {
        let note = words("note", note, "销号说明")?;
        if let Some(e) = evidence
            && e.data.len() > MAX_EVIDENCE
        {
            return Err(StoreError::invalid("file", "佐证材料过大，上限 10 MB"));
        }
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let status: String = sqlx::query(
            "SELECT p.status FROM tasks t JOIN plans p ON p.id = t.plan_id WHERE t.id = $1",
        )
        .bind(task_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "任务",
            id: task_id.to_string(),
        })?
        .try_get("status")?;
        if status != "published" {
            return Err(StoreError::invalid("task", "方案发布后才能销号"));
        }
        let open =
            sqlx::query("SELECT id FROM task_closures WHERE task_id = $1 AND reopened_on IS NULL")
                .bind(task_id)
                .fetch_optional(&mut *conn)
                .await?;
        if open.is_some() {
            return Err(StoreError::Conflict(
                "该任务已销号；如需重新办理，请先撤销销号".into(),
            ));
        }
        let sha = evidence.map(|e| {
            Sha256::digest(&e.data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        });
        let row = sqlx::query("INSERT INTO task_closures (task_id, closed_on, closed_at, closed_by, note, evidence_name, evidence_type, evidence, evidence_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(task_id)
            .bind(today.to_string())
            .bind(now())
            .bind(actor)
            .bind(&note)
            .bind(evidence.map(|e| e.filename.clone()))
            .bind(evidence.map(|e| e.content_type.clone()))
            .bind(evidence.map(|e| e.data.clone()))
            .bind(sha.clone())
            .persistent(false) // optional blobs and texts: see insert_target
            .fetch_one(&mut *conn)
            .await?;
        let id: i64 = row.try_get("id")?;
        write.record(
            Change::new("close_task", "task", Some(task_id)).after(json!({
                "closure": id, "closed_on": today.to_string(), "note": note,
                "evidence": evidence.map(|e| e.filename.clone()), "sha256": sha,
            })),
        );
        write.commit().await?;
        self.task_closures(task_id)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(StoreError::NotFound {
                entity: "销号记录",
                id: id.to_string(),
            })
    }

    /// Reopens a closed task (撤销销号) on `today`, with the reason.
    pub async fn reopen_task(
        &self,
        task_id: i64,
        note: &str,
        today: Day,
        actor: &str,
    ) -> Result<()> {
        let note = words("note", note, "撤销销号的理由")?;
        let mut write = self.begin_write(actor).await?;
        let changed = sqlx::query("UPDATE task_closures SET reopened_on = $1, reopened_at = $2, reopened_by = $3, reopen_note = $4 WHERE task_id = $5 AND reopened_on IS NULL")
            .bind(today.to_string())
            .bind(now())
            .bind(actor)
            .bind(&note)
            .bind(task_id)
            .execute(write.conn())
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict("该任务没有销号，无需撤销".into()));
        }
        write.record(
            Change::new("reopen_task", "task", Some(task_id))
                .after(json!({ "reopened_on": today.to_string(), "note": note })),
        );
        write.commit().await
    }

    /// Sets the deadline (完成时限) of a task as the office states it (`9月底前`, `上半年`); `None`
    /// clears it (the year's end then). The caller checks that it names a month of the plan's
    /// year.
    pub async fn set_task_deadline(
        &self,
        task_id: i64,
        deadline: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let deadline = deadline.map(str::trim).filter(|d| !d.is_empty());
        if deadline.is_some_and(|d| d.chars().count() > 50) {
            return Err(StoreError::invalid(
                "deadline",
                "完成时限过长（超过 50 字）",
            ));
        }
        let mut write = self.begin_write(actor).await?;
        let before: Option<String> = sqlx::query("SELECT deadline FROM tasks WHERE id = $1")
            .bind(task_id)
            .fetch_optional(write.conn())
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "任务",
                id: task_id.to_string(),
            })?
            .try_get("deadline")?;
        sqlx::query("UPDATE tasks SET deadline = $1 WHERE id = $2")
            .bind(deadline)
            .bind(task_id)
            .execute(write.conn())
            .await?;
        write.record(
            Change::new("set_deadline", "task", Some(task_id))
                .before(json!({ "deadline": before }))
                .after(json!({ "deadline": deadline })),
        );
        write.commit().await
    }

    /// The milestones (节点) of a task, by month.
    pub async fn task_milestones(&self, task_id: i64) -> Result<Vec<(u32, String)>> {
        sqlx::query("SELECT month, text FROM task_milestones WHERE task_id = $1 ORDER BY month")
            .bind(task_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    u32::try_from(r.try_get::<i64, _>("month")?).unwrap_or(12),
                    r.try_get("text")?,
                ))
            })
            .collect()
    }

    /// Sets the milestones (节点) of a task: `(month 1–12, what is done by its end)`, each month
    /// at most once; empty clears them.
    pub async fn set_task_milestones(
        &self,
        task_id: i64,
        milestones: &[(u32, String)],
        actor: &str,
    ) -> Result<()> {
        let mut seen = Vec::new();
        for (i, (month, text)) in milestones.iter().enumerate() {
            if !(1..=12).contains(month) {
                return Err(StoreError::invalid(
                    format!("milestones[{i}].month"),
                    format!("节点月份须在 1—12 之间（填了 {month}）"),
                ));
            }
            if seen.contains(month) {
                return Err(StoreError::invalid(
                    format!("milestones[{i}].month"),
                    format!("{month} 月的节点出现了两次"),
                ));
            }
            seen.push(*month);
            words(&format!("milestones[{i}].text"), text, "节点内容")?;
        }
        let before = self.task_milestones(task_id).await?;
        let mut write = self.begin_write(actor).await?;
        let exists = sqlx::query("SELECT id FROM tasks WHERE id = $1")
            .bind(task_id)
            .fetch_optional(write.conn())
            .await?;
        if exists.is_none() {
            return Err(StoreError::NotFound {
                entity: "任务",
                id: task_id.to_string(),
            });
        }
        sqlx::query("DELETE FROM task_milestones WHERE task_id = $1")
            .bind(task_id)
            .execute(write.conn())
            .await?;
        for (month, text) in milestones {
            sqlx::query("INSERT INTO task_milestones (task_id, month, text) VALUES ($1, $2, $3)")
                .bind(task_id)
                .bind(i64::from(*month))
                .bind(text.trim())
                .execute(write.conn())
                .await?;
        }
        write.record(
            Change::new("set_task_milestones", "task", Some(task_id))
                .before(json!(before))
                .after(json!(milestones)),
        );
        write.commit().await
    }

    /// One closing.
    pub async fn task_closure(&self, closure_id: i64) -> Result<TaskClosure> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM task_closures WHERE id = $1"
        )))
        .bind(closure_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "销号记录",
            id: closure_id.to_string(),
        })?;
        closure_row(&row)
    }

    /// A closing's evidence file: name, type and bytes.
    pub async fn closure_evidence(&self, closure_id: i64) -> Result<(String, String, Vec<u8>)> {
        let row = sqlx::query("SELECT evidence_name, evidence_type, evidence FROM task_closures WHERE id = $1 AND evidence IS NOT NULL")
            .bind(closure_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                entity: "佐证材料",
                id: closure_id.to_string(),
            })?;
        Ok((
            row.try_get::<Option<String>, _>("evidence_name")?
                .unwrap_or_default(),
            row.try_get::<Option<String>, _>("evidence_type")?
                .unwrap_or_default(),
            row.try_get("evidence")?,
        ))
    }
}
