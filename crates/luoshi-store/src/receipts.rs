//! 签收 / 异议: a unit acknowledges each assignment a published plan gives it, or objects to it
//! ("not ours", with a reason); the office answers an objection by keeping the assignment (the
//! unit then acknowledges it after all) or by amending it. Every step is audited.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

/// The longest objection or answer, in characters.
pub const MAX_REASON: usize = 500;
/// The most assignments acknowledged in one action.
pub const MAX_ACKNOWLEDGE: usize = 1000;

/// Where an assignment stands with its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptState {
    /// 待签收: not yet acknowledged.
    Pending,
    /// 已签收.
    Acknowledged,
    /// 有异议: objected to, waiting for the office.
    Objected,
    /// The office kept the assignment after an objection: the unit acknowledges it.
    Kept,
    /// The office amended the assignment after an objection.
    Amended,
}

impl ReceiptState {
    fn parse(stored: Option<&str>) -> ReceiptState {
        match stored {
            Some("acknowledged") => ReceiptState::Acknowledged,
            Some("objected") => ReceiptState::Objected,
            Some("kept") => ReceiptState::Kept,
            Some("amended") => ReceiptState::Amended,
            _ => ReceiptState::Pending,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            ReceiptState::Pending => "pending",
            ReceiptState::Acknowledged => "acknowledged",
            ReceiptState::Objected => "objected",
            ReceiptState::Kept => "kept",
            ReceiptState::Amended => "amended",
        }
    }

    /// The name people see.
    pub fn label(self) -> &'static str {
        match self {
            ReceiptState::Pending => "待签收",
            ReceiptState::Acknowledged => "已签收",
            ReceiptState::Objected => "有异议（待协调办公室处理）",
            ReceiptState::Kept => "维持分工，待签收",
            ReceiptState::Amended => "已调整分工",
        }
    }

    /// The unit has to act: acknowledge (or object).
    pub fn awaits_unit(self) -> bool {
        matches!(self, ReceiptState::Pending | ReceiptState::Kept)
    }
}

/// One assignment with where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Receipt {
    pub assignment_id: i64,
    pub plan_id: i64,
    pub task_id: i64,
    pub task_path: String,
    pub task_title: String,
    pub unit_id: i64,
    pub unit: String,
    /// `lead` or `responsible`.
    pub role: String,
    pub state: ReceiptState,
    /// The objection's reason.
    pub reason: String,
    /// Who acknowledged or objected, and when (UTC).
    pub by: Option<String>,
    pub at: Option<String>,
    /// The office's answer to an objection.
    pub reply: String,
    pub replied_by: Option<String>,
    pub replied_at: Option<String>,
}

/// How the office answers an objection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionAnswer {
    /// 维持分工: the assignment stands; the unit acknowledges it.
    Keep,
    /// 已调整分工: the office changed the task's units (an amendment).
    Amended,
}

const RECEIPT_SELECT: &str = "SELECT a.id, a.plan_id, a.task_id, t.path, t.title, a.unit_id, u.name AS unit, a.role, r.state, r.reason, r.by_actor, r.at, r.reply, r.replied_by, r.replied_at \
    FROM assignments a JOIN plans p ON p.id = a.plan_id JOIN tasks t ON t.id = a.task_id JOIN units u ON u.id = a.unit_id \
    LEFT JOIN assignment_receipts r ON r.assignment_id = a.id \
    WHERE p.status = 'published' AND u.kind <> 'unspecified' AND (a.months_due >= 2048 OR r.state IS NOT NULL)";

fn receipt_row(r: &AnyRow) -> Result<Receipt> {
    let state: Option<String> = r.try_get("state")?;
    Ok(Receipt {
        assignment_id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        task_id: r.try_get("task_id")?,
        task_path: r.try_get("path")?,
        task_title: r.try_get("title")?,
        unit_id: r.try_get("unit_id")?,
        unit: r.try_get("unit")?,
        role: r.try_get("role")?,
        state: ReceiptState::parse(state.as_deref()),
        reason: r
            .try_get::<Option<String>, _>("reason")?
            .unwrap_or_default(),
        by: r.try_get("by_actor")?,
        at: r.try_get("at")?,
        reply: r.try_get::<Option<String>, _>("reply")?.unwrap_or_default(),
        replied_by: r.try_get("replied_by")?,
        replied_at: r.try_get("replied_at")?,
    })
}

/// A reason or answer, trimmed and checked: required, at most [`MAX_REASON`] characters.
fn words(field: &str, label: &str, text: &str) -> Result<String> {
    crate::required_text(field, label, text, MAX_REASON)
}

impl Store {
    /// Every assignment the unit holds in published plans, with where it stands, in plan and
    /// task order.
    pub async fn unit_receipts(&self, unit_id: i64) -> Result<Vec<Receipt>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{RECEIPT_SELECT} AND a.unit_id = $1 ORDER BY a.plan_id, t.ord, a.role"
        )))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(receipt_row).collect()
    }

    /// Every assignment of a published plan with where it stands, by task.
    pub async fn plan_receipts(&self, plan_id: i64) -> Result<Vec<Receipt>> {
        self.plan(plan_id).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{RECEIPT_SELECT} AND a.plan_id = $1 ORDER BY t.ord, a.role, u.name"
        )))
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(receipt_row).collect()
    }

    /// One assignment's receipt, whoever holds it.
    pub async fn receipt(&self, assignment_id: i64) -> Result<Receipt> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{RECEIPT_SELECT} AND a.id = $1"
        )))
        .bind(assignment_id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => receipt_row(&r),
            None => Err(StoreError::NotFound {
                entity: "分工",
                id: assignment_id.to_string(),
            }),
        }
    }

    /// The unit's receipt of an assignment; another unit's is "not found" (its existence is not
    /// the caller's business).
    async fn own_receipt(&self, unit_id: i64, assignment_id: i64) -> Result<Receipt> {
        let receipt = self.receipt(assignment_id).await?;
        if receipt.unit_id != unit_id {
            return Err(StoreError::NotFound {
                entity: "分工",
                id: assignment_id.to_string(),
            });
        }
        Ok(receipt)
    }

    /// 签收: the unit acknowledges its assignments `ids` (all or none). Each must await it:
    /// one already acknowledged, or objected to and not yet answered, refuses the whole action.
    pub async fn acknowledge(&self, unit_id: i64, ids: &[i64], actor: &str) -> Result<usize> {
        if ids.is_empty() {
            return Err(StoreError::invalid("assignments", "请选择要签收的任务"));
        }
        if ids.len() > MAX_ACKNOWLEDGE {
            return Err(StoreError::invalid(
                "assignments",
                format!("一次最多签收 {MAX_ACKNOWLEDGE} 项"),
            ));
        }
        // One read of the unit's receipts; an id not among them is another unit's or none.
        let own = self.unit_receipts(unit_id).await?;
        let mut receipts = Vec::with_capacity(ids.len());
        for &id in ids {
            let receipt = own
                .iter()
                .find(|r| r.assignment_id == id)
                .cloned()
                .ok_or_else(|| StoreError::NotFound {
                    entity: "分工",
                    id: id.to_string(),
                })?;
            if !receipt.state.awaits_unit() {
                return Err(StoreError::Conflict(format!(
                    "{} {}：{}，不能签收",
                    receipt.task_path,
                    receipt.task_title,
                    receipt.state.label()
                )));
            }
            if !receipts.iter().any(|r: &Receipt| r.assignment_id == id) {
                receipts.push(receipt);
            }
        }
        let at = now();
        let mut write = self.begin_write(actor).await?;
        for receipt in &receipts {
            sqlx::query("INSERT INTO assignment_receipts (assignment_id, state, reason, by_actor, at, reply) VALUES ($1, 'acknowledged', '', $2, $3, $4) ON CONFLICT (assignment_id) DO UPDATE SET state = 'acknowledged', by_actor = $2, at = $3")
                .bind(receipt.assignment_id)
                .bind(actor)
                .bind(&at)
                .bind(&receipt.reply)
                .execute(&mut *write.conn())
                .await?;
            write.record(
                Change::new(
                    "acknowledge_assignment",
                    "assignment",
                    Some(receipt.assignment_id),
                )
                .before(json!({ "state": receipt.state.as_str() }))
                .after(json!({
                    "state": "acknowledged",
                    "task": receipt.task_path,
                    "unit": receipt.unit,
                })),
            );
        }
        write.commit().await?;
        Ok(receipts.len())
    }

    /// 异议: the unit says an assignment is not its own, and why; the office answers it.
    pub async fn object(
        &self,
        unit_id: i64,
        assignment_id: i64,
        reason: &str,
        actor: &str,
    ) -> Result<Receipt> {
        let reason = words("reason", "异议理由", reason)?;
        let receipt = self.own_receipt(unit_id, assignment_id).await?;
        if !receipt.state.awaits_unit() {
            return Err(StoreError::Conflict(format!(
                "{} {}：{}，不能再提出异议",
                receipt.task_path,
                receipt.task_title,
                receipt.state.label()
            )));
        }
        let mut write = self.begin_write(actor).await?;
        sqlx::query("INSERT INTO assignment_receipts (assignment_id, state, reason, by_actor, at, reply) VALUES ($1, 'objected', $2, $3, $4, '') ON CONFLICT (assignment_id) DO UPDATE SET state = 'objected', reason = $2, by_actor = $3, at = $4, reply = '', replied_by = NULL, replied_at = NULL")
            .bind(assignment_id)
            .bind(&reason)
            .bind(actor)
            .bind(now())
            .execute(&mut *write.conn())
            .await?;
        write.record(
            Change::new("object_to_assignment", "assignment", Some(assignment_id))
                .before(json!({ "state": receipt.state.as_str() }))
                .after(json!({
                    "state": "objected",
                    "reason": reason,
                    "task": receipt.task_path,
                    "unit": receipt.unit,
                })),
        );
        write.commit().await?;
        self.receipt(assignment_id).await
    }

    /// The office answers an objection: the assignment kept (the unit acknowledges it) or
    /// amended; either way with a reply the unit reads.
    pub async fn answer_objection(
        &self,
        assignment_id: i64,
        answer: ObjectionAnswer,
        reply: &str,
        actor: &str,
    ) -> Result<Receipt> {
        let reply = words("reply", "答复", reply)?;
        let receipt = self.receipt(assignment_id).await?;
        if receipt.state != ReceiptState::Objected {
            return Err(StoreError::Conflict(format!(
                "{} {} {}：{}，没有待处理的异议",
                receipt.task_path,
                receipt.task_title,
                receipt.unit,
                receipt.state.label()
            )));
        }
        let state = match answer {
            ObjectionAnswer::Keep => ReceiptState::Kept,
            ObjectionAnswer::Amended => ReceiptState::Amended,
        };
        let mut write = self.begin_write(actor).await?;
        sqlx::query("UPDATE assignment_receipts SET state = $1, reply = $2, replied_by = $3, replied_at = $4 WHERE assignment_id = $5")
            .bind(state.as_str())
            .bind(&reply)
            .bind(actor)
            .bind(now())
            .bind(assignment_id)
            .execute(&mut *write.conn())
            .await?;
        write.record(
            Change::new("answer_objection", "assignment", Some(assignment_id))
                .before(json!({ "state": "objected", "reason": receipt.reason }))
                .after(json!({
                    "state": state.as_str(),
                    "reply": reply,
                    "task": receipt.task_path,
                    "unit": receipt.unit,
                })),
        );
        write.commit().await?;
        self.receipt(assignment_id).await
    }
}
