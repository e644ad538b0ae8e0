//! 领导批示 and 圈阅 in the ledger. A leader (or the office on a leader's behalf) writes on a task,
//! a target, a 督办单 or an item of an issued document; an instruction goes to the unit that
//! answers for it — the task's lead unit unless another of its units is named, the order's own
//! unit for a 督办单 — which answers (办理情况) by a date. 圈阅 records the reading only. Every
//! step is audited.

use luoshi_reporting::Day;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

/// The longest instruction or answer, in characters.
pub const MAX_INSTRUCTION_TEXT: usize = 2000;

/// What a leader writes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstructedKind {
    Task,
    Target,
    /// A 督办单.
    Order,
    /// An issued document (通报、总结、评估、考核), or one task's item in it.
    Document,
}

impl InstructedKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InstructedKind::Task => "task",
            InstructedKind::Target => "target",
            InstructedKind::Order => "order",
            InstructedKind::Document => "document",
        }
    }

    fn parse(text: &str) -> Option<InstructedKind> {
        [
            InstructedKind::Task,
            InstructedKind::Target,
            InstructedKind::Order,
            InstructedKind::Document,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

/// 批示 (to be answered) or 圈阅 (read, nothing asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstructionKind {
    Instruction,
    Read,
}

impl InstructionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InstructionKind::Instruction => "instruction",
            InstructionKind::Read => "read",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InstructionKind::Instruction => "批示",
            InstructionKind::Read => "圈阅",
        }
    }
}

/// An instruction as a leader writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewInstruction {
    pub subject_kind: InstructedKind,
    /// The task's, target's, order's or issued document's id.
    pub subject_id: i64,
    /// For a document: the task whose item is written on (required for 批示, since the task's
    /// lead unit answers it; without it a document can only be 圈阅).
    #[serde(default)]
    pub task_id: Option<i64>,
    pub kind: InstructionKind,
    /// The leader's name as it prints (`张副市长`); a leader's own account fills in its name.
    #[serde(default)]
    pub leader: String,
    /// The instruction's words (for 圈阅, optional).
    #[serde(default)]
    pub text: String,
    /// Who answers, when not the task's lead unit: another of the task's units.
    #[serde(default)]
    pub unit: Option<String>,
    /// The day the answer is due (批示 only).
    #[serde(default)]
    pub due_on: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Instruction {
    pub id: i64,
    pub plan_id: i64,
    pub subject_kind: InstructedKind,
    pub subject_id: i64,
    pub task_id: Option<i64>,
    pub task_path: Option<String>,
    pub task_title: Option<String>,
    /// What was written on, in words: the target's text, the order's number, the document's
    /// title (and the task), or the task's title.
    pub item: String,
    pub kind: InstructionKind,
    pub leader: String,
    pub text: String,
    pub unit_id: Option<i64>,
    pub unit: Option<String>,
    pub due_on: Option<String>,
    pub written_by: String,
    pub written_at: String,
    /// The ledger's day it was written (the month whose bulletin reports it).
    pub written_on: String,
    /// 办理情况 (empty until answered).
    pub answer: String,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
    pub answered_on: Option<String>,
}

impl Instruction {
    /// An instruction still waiting for its answer (圈阅 never waits).
    pub fn awaits_answer(&self) -> bool {
        self.kind == InstructionKind::Instruction && self.answered_on.is_none()
    }

    /// Unanswered past its date on `today`.
    pub fn overdue(&self, today: Day) -> bool {
        self.awaits_answer()
            && self
                .due_on
                .as_deref()
                .and_then(Day::parse)
                .is_some_and(|due| due < today)
    }

    /// Answered after its date.
    pub fn answered_late(&self) -> bool {
        match (
            self.answered_on.as_deref().and_then(Day::parse),
            self.due_on.as_deref().and_then(Day::parse),
        ) {
            (Some(on), Some(due)) => on > due,
            _ => false,
        }
    }

    /// Where it stands, in words: 已办理 / 逾期未办理 / 办理中 / 已圈阅.
    pub fn state_label(&self, today: Day) -> &'static str {
        if self.kind == InstructionKind::Read {
            "已圈阅"
        } else if !self.awaits_answer() {
            "已办理"
        } else if self.overdue(today) {
            "逾期未办理"
        } else {
            "办理中"
        }
    }
}

const INSTRUCTION_SELECT: &str = "SELECT i.*, t.path, t.title, u.name AS unit_name, \
    g.text AS target_text, o.year AS order_year, o.number AS order_number, d.title AS document_title \
    FROM leader_instructions i LEFT JOIN tasks t ON t.id = i.task_id \
    LEFT JOIN units u ON u.id = i.unit_id \
    LEFT JOIN targets g ON i.subject_kind = 'target' AND g.id = i.subject_id \
    LEFT JOIN supervision_orders o ON i.subject_kind = 'order' AND o.id = i.subject_id \
    LEFT JOIN issued_documents d ON i.subject_kind = 'document' AND d.id = i.subject_id";

fn instruction_row(r: &AnyRow) -> Result<Instruction> {
    let subject: String = r.try_get("subject_kind")?;
    let subject_kind = InstructedKind::parse(&subject)
        .ok_or_else(|| StoreError::Seal(format!("批示对象「{subject}」无法识别")))?;
    let kind: String = r.try_get("kind")?;
    let title: Option<String> = r.try_get("title")?;
    let item = match subject_kind {
        InstructedKind::Task => title.clone().unwrap_or_default(),
        InstructedKind::Target => r
            .try_get::<Option<String>, _>("target_text")?
            .unwrap_or_default(),
        InstructedKind::Order => {
            let year: Option<i64> = r.try_get("order_year")?;
            let number: Option<i64> = r.try_get("order_number")?;
            match (year, number) {
                (Some(year), Some(number)) => format!("督办〔{year}〕第 {number} 号"),
                _ => "督办单".into(),
            }
        }
        InstructedKind::Document => {
            let document: Option<String> = r.try_get("document_title")?;
            let document = document.unwrap_or_else(|| "已印发文件".into());
            match &title {
                Some(task) => format!("{document}（{task}）"),
                None => document,
            }
        }
    };
    Ok(Instruction {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        subject_kind,
        subject_id: r.try_get("subject_id")?,
        task_id: r.try_get("task_id")?,
        task_path: r.try_get("path")?,
        task_title: title,
        item,
        kind: if kind == "read" {
            InstructionKind::Read
        } else {
            InstructionKind::Instruction
        },
        leader: r.try_get("leader")?,
        text: r.try_get("text")?,
        unit_id: r.try_get("unit_id")?,
        unit: r.try_get("unit_name")?,
        due_on: r.try_get("due_on")?,
        written_by: r.try_get("written_by")?,
        written_at: r.try_get("written_at")?,
        written_on: r.try_get("written_on")?,
        answer: r.try_get("answer")?,
        answered_by: r.try_get("answered_by")?,
        answered_at: r.try_get("answered_at")?,
        answered_on: r.try_get("answered_on")?,
    })
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound {
        entity: "领导批示",
        id: id.to_string(),
    }
}

impl Store {
    async fn instructions_where(&self, condition: &str, value: i64) -> Result<Vec<Instruction>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{INSTRUCTION_SELECT} WHERE {condition} = $1 ORDER BY i.written_at DESC, i.id DESC"
        )))
        .bind(value)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(instruction_row).collect()
    }

    /// The plan's instructions and readings, newest first.
    pub async fn instructions(&self, plan_id: i64) -> Result<Vec<Instruction>> {
        self.instructions_where("i.plan_id", plan_id).await
    }

    /// Those on a task, its targets, its orders and its items in documents.
    pub async fn task_instructions(&self, task_id: i64) -> Result<Vec<Instruction>> {
        self.instructions_where("i.task_id", task_id).await
    }

    /// The instructions a unit answers, in every plan, newest first.
    pub async fn unit_instructions(&self, unit_id: i64) -> Result<Vec<Instruction>> {
        self.instructions_where("i.unit_id", unit_id).await
    }

    pub async fn instruction(&self, id: i64) -> Result<Instruction> {
        self.instructions_where("i.id", id)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| not_found(id))
    }

    /// The task a target belongs to.
    pub async fn target_task(&self, target_id: i64) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT task_id FROM targets WHERE id = $1")
            .bind(target_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("task_id"))
            .transpose()
            .map_err(Into::into)
    }

    /// The plan's tasks as a picker lists them: (id, path, title), in the plan's order.
    pub async fn plan_task_refs(&self, plan_id: i64) -> Result<Vec<(i64, String, String)>> {
        let rows =
            sqlx::query("SELECT id, path, title FROM tasks WHERE plan_id = $1 ORDER BY ord, id")
                .bind(plan_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("path")?, r.try_get("title")?)))
            .collect()
    }

    /// Records an instruction or a reading on `today`. The subject must be the plan's; an
    /// instruction needs words, a unit that answers for the task and a date not before `today`.
    pub async fn write_instruction(
        &self,
        plan_id: i64,
        new: &NewInstruction,
        today: Day,
        actor: &str,
    ) -> Result<Instruction> {
        let plan = self.plan(plan_id).await?;
        if plan.status != "published" {
            return Err(StoreError::invalid("plan", "方案发布后才能批示"));
        }
        let leader = crate::required_text("leader", "批示领导", &new.leader, 50)?;
        let instructing = new.kind == InstructionKind::Instruction;
        let text = if instructing {
            crate::required_text("text", "批示内容", &new.text, MAX_INSTRUCTION_TEXT)?
        } else {
            let text = new.text.trim().to_string();
            if text.chars().count() > MAX_INSTRUCTION_TEXT {
                return Err(StoreError::invalid(
                    "text",
                    format!("圈阅意见不能超过 {MAX_INSTRUCTION_TEXT} 个字"),
                ));
            }
            text
        };
        let due = if instructing {
            let due = new
                .due_on
                .as_deref()
                .map(str::trim)
                .and_then(Day::parse)
                .ok_or_else(|| {
                    StoreError::invalid("due_on", "请填写办理期限（日期，如 2021-07-10）")
                })?;
            if due < today {
                return Err(StoreError::invalid(
                    "due_on",
                    format!("办理期限 {due} 早于今天（{today}）"),
                ));
            }
            Some(due.to_string())
        } else {
            None
        };
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let missing = || StoreError::invalid("subject_id", "该方案没有这个批示对象");
        // The task the subject concerns, and the unit an order already names.
        let (task_id, order_unit): (Option<i64>, Option<i64>) = match new.subject_kind {
            InstructedKind::Task => {
                let row = sqlx::query("SELECT id FROM tasks WHERE id = $1 AND plan_id = $2")
                    .bind(new.subject_id)
                    .bind(plan_id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(missing)?;
                (Some(row.try_get("id")?), None)
            }
            InstructedKind::Target => {
                let row = sqlx::query("SELECT t.id FROM targets g JOIN tasks t ON t.id = g.task_id WHERE g.id = $1 AND t.plan_id = $2")
                    .bind(new.subject_id)
                    .bind(plan_id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(missing)?;
                (Some(row.try_get("id")?), None)
            }
            InstructedKind::Order => {
                let row = sqlx::query(
                    "SELECT task_id, unit_id FROM supervision_orders WHERE id = $1 AND plan_id = $2",
                )
                .bind(new.subject_id)
                .bind(plan_id)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(missing)?;
                (Some(row.try_get("task_id")?), Some(row.try_get("unit_id")?))
            }
            InstructedKind::Document => {
                sqlx::query("SELECT id FROM issued_documents WHERE id = $1 AND plan_id = $2")
                    .bind(new.subject_id)
                    .bind(plan_id)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(missing)?;
                match new.task_id {
                    Some(task) => {
                        sqlx::query("SELECT id FROM tasks WHERE id = $1 AND plan_id = $2")
                            .bind(task)
                            .bind(plan_id)
                            .fetch_optional(&mut *conn)
                            .await?
                            .ok_or_else(|| StoreError::invalid("task_id", "该方案没有这项任务"))?;
                        (Some(task), None)
                    }
                    None if instructing => {
                        return Err(StoreError::invalid(
                            "task_id",
                            "对文件作批示须选定其中一项任务（由其牵头单位办理）；只阅不批请选圈阅",
                        ));
                    }
                    None => (None, None),
                }
            }
        };
        let unit_id: Option<i64> = match (instructing, task_id) {
            (false, _) => None,
            (true, None) => None,
            (true, Some(task)) => Some(match (new.unit.as_deref().map(str::trim), order_unit) {
                (Some(name), _) if !name.is_empty() => sqlx::query(
                    "SELECT a.unit_id FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.task_id = $1 AND u.name = $2",
                )
                .bind(task)
                .bind(name)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| {
                    StoreError::invalid("unit", format!("「{name}」不承担该任务，不能由其办理批示"))
                })?
                .try_get("unit_id")?,
                (_, Some(unit)) => unit,
                _ => sqlx::query(
                    "SELECT unit_id FROM assignments WHERE task_id = $1 AND role = 'lead' ORDER BY id LIMIT 1",
                )
                .bind(task)
                .fetch_optional(&mut *conn)
                .await?
                .ok_or_else(|| {
                    StoreError::invalid("unit", "该任务没有牵头单位，请指定办理单位")
                })?
                .try_get("unit_id")?,
            }),
        };
        let id: i64 = sqlx::query("INSERT INTO leader_instructions (plan_id, subject_kind, subject_id, task_id, kind, leader, text, unit_id, due_on, written_by, written_at, written_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id")
            .bind(plan_id)
            .bind(new.subject_kind.as_str())
            .bind(new.subject_id)
            .bind(task_id)
            .bind(new.kind.as_str())
            .bind(&leader)
            .bind(&text)
            .bind(unit_id)
            .bind(due.clone())
            .bind(actor)
            .bind(now())
            .bind(today.to_string())
            .fetch_one(&mut *conn)
            .await?
            .try_get("id")?;
        write.record(
            Change::new("write_instruction", "leader_instruction", Some(id)).after(json!({
                "kind": new.kind.label(),
                "leader": leader,
                "subject": [new.subject_kind.as_str(), new.subject_id],
                "task_id": task_id,
                "text": text,
                "unit_id": unit_id,
                "due_on": due,
            })),
        );
        write.commit().await?;
        self.instruction(id).await
    }

    /// 办理情况 (the unit that answers it) on `today`; an instruction is answered once.
    pub async fn answer_instruction(
        &self,
        unit_id: i64,
        id: i64,
        answer: &str,
        today: Day,
        actor: &str,
    ) -> Result<Instruction> {
        let answer = crate::required_text("answer", "办理情况", answer, MAX_INSTRUCTION_TEXT)?;
        let instruction = self.instruction(id).await?;
        if instruction.unit_id != Some(unit_id) {
            return Err(not_found(id));
        }
        if !instruction.awaits_answer() {
            return Err(StoreError::Conflict(format!(
                "这条批示已于 {} 办理反馈",
                instruction.answered_on.as_deref().unwrap_or_default()
            )));
        }
        let mut write = self.begin_write(actor).await?;
        let done = sqlx::query("UPDATE leader_instructions SET answer = $1, answered_by = $2, answered_at = $3, answered_on = $4 WHERE id = $5 AND answered_on IS NULL")
            .bind(&answer)
            .bind(actor)
            .bind(now())
            .bind(today.to_string())
            .bind(id)
            .execute(&mut *write.conn())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(
                "这条批示已被他人办理反馈，请刷新后再试".into(),
            ));
        }
        write.record(
            Change::new("answer_instruction", "leader_instruction", Some(id)).after(json!({
                "answer": answer,
                "answered_on": today.to_string(),
                "late": instruction.due_on.as_deref().and_then(Day::parse).is_some_and(|d| d < today),
            })),
        );
        write.commit().await?;
        self.instruction(id).await
    }
}
