//! 督办单 in the ledger: issued by the office at a level with what is required and a deadline,
//! numbered per plan and year (督办〔2021〕第 N 号); signed for and answered (整改措施, evidence) by
//! the unit; closed (办结) or sent back by the office; flagged when overdue and escalated into a
//! new order at the next level. Suggestions the office dismisses are remembered for their month.
//! Every step is audited.

use luoshi_reporting::Day;
use luoshi_reporting::followup::{Level, OrderState, SupervisionRules};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::closures::{Evidence, MAX_EVIDENCE};
use crate::plan_settings::SettingsTable;
use crate::{Result, Store, StoreError, now};

/// The longest requirement, answer or comment, in characters.
pub const MAX_ORDER_TEXT: usize = 2000;

/// What an order is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Target,
    Task,
}

impl SubjectKind {
    fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Target => "target",
            SubjectKind::Task => "task",
        }
    }
}

/// An order as the office issues it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewOrder {
    pub level: Level,
    pub subject_kind: SubjectKind,
    /// The target's or the task's id.
    pub subject_id: i64,
    /// The unit (or district government) that answers for it.
    pub unit: String,
    /// The month it is issued for (`2021-06`).
    pub period_key: String,
    /// Why (`连续 2 个月滞后`).
    pub reason: String,
    /// What is required of the unit.
    pub requirement: String,
    /// The day its answer is due.
    pub due_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SupervisionOrder {
    pub id: i64,
    pub plan_id: i64,
    pub year: i32,
    pub number: i64,
    pub level: Level,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub task_id: i64,
    pub task_path: String,
    pub task_title: String,
    /// The target's words, or the task's title.
    pub item: String,
    pub unit_id: i64,
    pub unit: String,
    pub period_key: String,
    pub reason: String,
    pub requirement: String,
    pub due_on: String,
    pub state: OrderState,
    pub issued_by: String,
    pub issued_at: String,
    /// The ledger's day it was issued (the date the document prints).
    pub issued_on: String,
    pub signed_by: Option<String>,
    pub signed_at: Option<String>,
    pub measures: String,
    pub evidence_name: Option<String>,
    pub evidence_sha256: Option<String>,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
    /// The ledger's day of the (last) answer, which its lateness is judged by.
    pub answered_on: Option<String>,
    pub review_comment: String,
    pub closed_by: Option<String>,
    pub closed_at: Option<String>,
    /// The day it was found past its deadline unanswered.
    pub overdue_on: Option<String>,
    pub escalated_from: Option<i64>,
    pub escalated_to: Option<i64>,
}

impl SupervisionOrder {
    /// `督办〔2021〕第 3 号`.
    pub fn number_label(&self) -> String {
        format!("督办〔{}〕第 {} 号", self.year, self.number)
    }

    /// Past its deadline on `today` and still waiting for the unit.
    pub fn overdue(&self, today: Day) -> bool {
        self.state.awaits_unit() && Day::parse(&self.due_on).is_some_and(|due| due < today)
    }

    /// Answered after its deadline (or not yet answered and overdue).
    pub fn answered_late(&self) -> bool {
        match (&self.answered_on, Day::parse(&self.due_on)) {
            (Some(on), Some(due)) => Day::parse(on).is_some_and(|d| d > due),
            _ => self.overdue_on.is_some(),
        }
    }
}

const ORDER_SELECT: &str = "SELECT o.*, t.path, t.title, u.name AS unit_name, g.text AS target_text \
    FROM supervision_orders o JOIN tasks t ON t.id = o.task_id JOIN units u ON u.id = o.unit_id \
    LEFT JOIN targets g ON o.subject_kind = 'target' AND g.id = o.subject_id";

fn order_row(r: &AnyRow) -> Result<SupervisionOrder> {
    let level: String = r.try_get("level")?;
    let state: String = r.try_get("state")?;
    let kind: String = r.try_get("subject_kind")?;
    let bad =
        |what: &str, value: &str| StoreError::Seal(format!("督办单的{what}「{value}」无法识别"));
    let title: String = r.try_get("title")?;
    let target: Option<String> = r.try_get("target_text")?;
    Ok(SupervisionOrder {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        year: i32::try_from(r.try_get::<i64, _>("year")?).unwrap_or_default(),
        number: r.try_get("number")?,
        level: Level::parse(&level).ok_or_else(|| bad("级别", &level))?,
        subject_kind: if kind == "task" {
            SubjectKind::Task
        } else {
            SubjectKind::Target
        },
        subject_id: r.try_get("subject_id")?,
        task_id: r.try_get("task_id")?,
        task_path: r.try_get("path")?,
        item: target.unwrap_or_else(|| title.clone()),
        task_title: title,
        unit_id: r.try_get("unit_id")?,
        unit: r.try_get("unit_name")?,
        period_key: r.try_get("period_key")?,
        reason: r.try_get("reason")?,
        requirement: r.try_get("requirement")?,
        due_on: r.try_get("due_on")?,
        state: OrderState::parse(&state).ok_or_else(|| bad("状态", &state))?,
        issued_by: r.try_get("issued_by")?,
        issued_at: r.try_get("issued_at")?,
        issued_on: r.try_get("issued_on")?,
        signed_by: r.try_get("signed_by")?,
        signed_at: r.try_get("signed_at")?,
        measures: r.try_get("measures")?,
        evidence_name: r.try_get("evidence_name")?,
        evidence_sha256: r.try_get("evidence_sha256")?,
        answered_by: r.try_get("answered_by")?,
        answered_at: r.try_get("answered_at")?,
        answered_on: r.try_get("answered_on")?,
        review_comment: r.try_get("review_comment")?,
        closed_by: r.try_get("closed_by")?,
        closed_at: r.try_get("closed_at")?,
        overdue_on: r.try_get("overdue_on")?,
        escalated_from: r.try_get("escalated_from")?,
        escalated_to: r.try_get("escalated_to")?,
    })
}

/// Text an order carries: trimmed, required, at most [`MAX_ORDER_TEXT`] characters.
fn words(field: &str, label: &str, text: &str) -> Result<String> {
    crate::required_text(field, label, text, MAX_ORDER_TEXT)
}

fn not_found(id: i64) -> StoreError {
    StoreError::NotFound {
        entity: "督办单",
        id: id.to_string(),
    }
}

impl Store {
    /// The plan's orders, newest number first.
    pub async fn supervision_orders(&self, plan_id: i64) -> Result<Vec<SupervisionOrder>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ORDER_SELECT} WHERE o.plan_id = $1 ORDER BY o.year DESC, o.number DESC"
        )))
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(order_row).collect()
    }

    /// The orders a unit answers for, in every plan, newest first.
    pub async fn unit_supervision_orders(&self, unit_id: i64) -> Result<Vec<SupervisionOrder>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ORDER_SELECT} WHERE o.unit_id = $1 ORDER BY o.issued_at DESC, o.id DESC"
        )))
        .bind(unit_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(order_row).collect()
    }

    pub async fn supervision_order(&self, id: i64) -> Result<SupervisionOrder> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{ORDER_SELECT} WHERE o.id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(order_row).ok_or_else(|| not_found(id))?
    }

    /// The order's evidence file: name, type and bytes.
    pub async fn supervision_evidence(&self, id: i64) -> Result<(String, String, Vec<u8>)> {
        let row = sqlx::query(
            "SELECT evidence_name, evidence_type, evidence FROM supervision_orders WHERE id = $1 AND evidence IS NOT NULL",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| not_found(id))?;
        Ok((
            row.try_get("evidence_name")?,
            row.try_get("evidence_type")?,
            row.try_get("evidence")?,
        ))
    }

    /// Issues an order (the office): the subject must be the plan's, the unit must answer for
    /// its task, the deadline must not be before `today`. Numbered after the plan's last order
    /// of the year.
    pub async fn issue_order(
        &self,
        plan_id: i64,
        order: &NewOrder,
        today: Day,
        actor: &str,
    ) -> Result<SupervisionOrder> {
        let id = self
            .insert_order(plan_id, order, today, None, actor)
            .await?;
        self.supervision_order(id).await
    }

    async fn insert_order(
        &self,
        plan_id: i64,
        order: &NewOrder,
        today: Day,
        escalated_from: Option<i64>,
        actor: &str,
    ) -> Result<i64> {
        let plan = self.plan(plan_id).await?;
        if plan.status != "published" {
            return Err(StoreError::invalid("plan", "方案发布后才能下达督办单"));
        }
        let reason = words("reason", "督办事由", &order.reason)?;
        let requirement = words("requirement", "督办要求", &order.requirement)?;
        let due = Day::parse(order.due_on.trim())
            .ok_or_else(|| StoreError::invalid("due_on", "办理期限应为日期，如 2021-07-10"))?;
        if due < today {
            return Err(StoreError::invalid(
                "due_on",
                format!("办理期限 {due} 早于今天（{today}）"),
            ));
        }
        if order.period_key.len() != 7 || Day::parse(&format!("{}-01", order.period_key)).is_none()
        {
            return Err(StoreError::invalid("period_key", "督办月份应如 2021-06"));
        }
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let task_id: i64 = match order.subject_kind {
            SubjectKind::Target => sqlx::query(
                "SELECT t.id FROM targets g JOIN tasks t ON t.id = g.task_id WHERE g.id = $1 AND t.plan_id = $2",
            ),
            SubjectKind::Task => {
                sqlx::query("SELECT t.id FROM tasks t WHERE t.id = $1 AND t.plan_id = $2")
            }
        }
        .bind(order.subject_id)
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::invalid("subject_id", "该方案没有这个督办对象"))?
        .try_get("id")?;
        let unit_id: i64 = sqlx::query(
            "SELECT a.unit_id FROM assignments a JOIN units u ON u.id = a.unit_id WHERE a.task_id = $1 AND u.name = $2",
        )
        .bind(task_id)
        .bind(order.unit.trim())
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| {
            StoreError::invalid(
                "unit",
                format!("「{}」不承担该任务，不能向其下达督办单", order.unit.trim()),
            )
        })?
        .try_get("unit_id")?;
        let year = today.year;
        let number: i64 = sqlx::query(
            "SELECT COALESCE(MAX(number), 0) + 1 AS next FROM supervision_orders WHERE plan_id = $1 AND year = $2",
        )
        .bind(plan_id)
        .bind(i64::from(year))
        .fetch_one(&mut *conn)
        .await?
        .try_get("next")?;
        let id: i64 = sqlx::query("INSERT INTO supervision_orders (plan_id, year, number, level, subject_kind, subject_id, task_id, unit_id, period_key, reason, requirement, due_on, state, issued_by, issued_at, issued_on, escalated_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'issued', $13, $14, $15, $16) RETURNING id")
            .bind(plan_id)
            .bind(i64::from(year))
            .bind(number)
            .bind(order.level.as_str())
            .bind(order.subject_kind.as_str())
            .bind(order.subject_id)
            .bind(task_id)
            .bind(unit_id)
            .bind(&order.period_key)
            .bind(&reason)
            .bind(&requirement)
            .bind(due.to_string())
            .bind(actor)
            .bind(now())
            .bind(today.to_string())
            .bind(escalated_from)
            .fetch_one(&mut *conn)
            .await?
            .try_get("id")?;
        if let Some(from) = escalated_from {
            sqlx::query(
                "UPDATE supervision_orders SET escalated_to = $1, overdue_on = $2 WHERE id = $3",
            )
            .bind(id)
            .bind(today.to_string())
            .bind(from)
            .execute(&mut *conn)
            .await?;
        }
        write.record(
            Change::new("issue_order", "supervision_order", Some(id)).after(json!({
                "number": format!("督办〔{year}〕第 {number} 号"),
                "level": order.level.label(),
                "unit": order.unit.trim(),
                "subject": [order.subject_kind.as_str(), order.subject_id],
                "reason": reason,
                "requirement": requirement,
                "due_on": due.to_string(),
                "escalated_from": escalated_from,
            })),
        );
        write.commit().await?;
        Ok(id)
    }

    /// The office passes over a suggestion for its month; it is not suggested again then.
    #[allow(clippy::too_many_arguments)]
    pub async fn dismiss_suggestion(
        &self,
        plan_id: i64,
        period_key: &str,
        subject_kind: SubjectKind,
        subject_id: i64,
        unit: &str,
        level: Level,
        reason: &str,
        actor: &str,
    ) -> Result<()> {
        let reason = words("reason", "不予督办的理由", reason)?;
        let unit_id: i64 = sqlx::query("SELECT id FROM units WHERE name = $1")
            .bind(unit.trim())
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::invalid("unit", format!("名录中没有「{unit}」")))?
            .try_get("id")?;
        let mut write = self.begin_write(actor).await?;
        sqlx::query("INSERT INTO supervision_dismissals (plan_id, period_key, subject_kind, subject_id, unit_id, level, reason, dismissed_by, dismissed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (plan_id, period_key, subject_kind, subject_id, unit_id) DO UPDATE SET level = $6, reason = $7, dismissed_by = $8, dismissed_at = $9")
            .bind(plan_id)
            .bind(period_key)
            .bind(subject_kind.as_str())
            .bind(subject_id)
            .bind(unit_id)
            .bind(level.as_str())
            .bind(&reason)
            .bind(actor)
            .bind(now())
            .execute(&mut *write.conn())
            .await?;
        write.record(
            Change::new("dismiss_suggestion", "plan", Some(plan_id)).after(json!({
                "period": period_key,
                "subject": [subject_kind.as_str(), subject_id],
                "unit": unit.trim(),
                "level": level.label(),
                "reason": reason,
            })),
        );
        write.commit().await?;
        Ok(())
    }

    /// The suggestions dismissed for a month: (subject kind, subject id, unit name).
    pub async fn dismissed_suggestions(
        &self,
        plan_id: i64,
        period_key: &str,
    ) -> Result<Vec<(SubjectKind, i64, String)>> {
        let rows = sqlx::query("SELECT d.subject_kind, d.subject_id, u.name FROM supervision_dismissals d JOIN units u ON u.id = d.unit_id WHERE d.plan_id = $1 AND d.period_key = $2")
            .bind(plan_id)
            .bind(period_key)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("subject_kind")?;
                Ok((
                    if kind == "task" {
                        SubjectKind::Task
                    } else {
                        SubjectKind::Target
                    },
                    r.try_get("subject_id")?,
                    r.try_get("name")?,
                ))
            })
            .collect()
    }

    /// The unit's order, or "not found" for another unit's.
    async fn own_order(&self, unit_id: i64, id: i64) -> Result<SupervisionOrder> {
        let order = self.supervision_order(id).await?;
        if order.unit_id != unit_id {
            return Err(not_found(id));
        }
        Ok(order)
    }

    /// Moves an order from the state `allowed` accepts to `state`, setting `columns`, audited
    /// as `action`.
    async fn move_order<'q>(
        &self,
        order: &SupervisionOrder,
        action: &'static str,
        allowed: fn(OrderState) -> bool,
        update: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
        after: serde_json::Value,
        actor: &str,
    ) -> Result<SupervisionOrder> {
        if !allowed(order.state) {
            return Err(StoreError::Conflict(format!(
                "{}：{}，不能{}",
                order.number_label(),
                order.state.label(),
                match action {
                    "sign_order" => "签收",
                    "answer_order" => "反馈",
                    _ => "复核",
                }
            )));
        }
        let mut write = self.begin_write(actor).await?;
        let done = update.execute(&mut *write.conn()).await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "{} 已被他人处理，请刷新后再试",
                order.number_label()
            )));
        }
        write.record(
            Change::new(action, "supervision_order", Some(order.id))
                .before(json!({ "state": order.state.as_str() }))
                .after(after),
        );
        write.commit().await?;
        self.supervision_order(order.id).await
    }

    /// 签收 (the unit).
    pub async fn sign_order(&self, unit_id: i64, id: i64, actor: &str) -> Result<SupervisionOrder> {
        let order = self.own_order(unit_id, id).await?;
        let update = sqlx::query("UPDATE supervision_orders SET state = 'signed', signed_by = $1, signed_at = $2 WHERE id = $3 AND state = 'issued'")
            .bind(actor.to_string())
            .bind(now())
            .bind(id);
        self.move_order(
            &order,
            "sign_order",
            OrderState::can_sign,
            update,
            json!({ "state": "signed", "number": order.number_label() }),
            actor,
        )
        .await
    }

    /// 反馈 (the unit) on `today`: its 整改措施, with evidence when it has some.
    pub async fn answer_order(
        &self,
        unit_id: i64,
        id: i64,
        measures: &str,
        evidence: Option<&Evidence>,
        today: Day,
        actor: &str,
    ) -> Result<SupervisionOrder> {
        let measures = words("measures", "整改措施", measures)?;
        if let Some(e) = evidence
            && e.data.len() > MAX_EVIDENCE
        {
            return Err(StoreError::invalid("file", "佐证材料过大，上限 10 MB"));
        }
        let order = self.own_order(unit_id, id).await?;
        let sha = evidence.map(|e| {
            Sha256::digest(&e.data)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
        });
        let update = sqlx::query("UPDATE supervision_orders SET state = 'answered', measures = $1, evidence_name = $2, evidence_type = $3, evidence = $4, evidence_sha256 = $5, answered_by = $6, answered_at = $7, answered_on = $8 WHERE id = $9 AND state IN ('signed', 'returned')")
            .bind(measures.clone())
            .bind(evidence.map(|e| e.filename.clone()))
            .bind(evidence.map(|e| e.content_type.clone()))
            .bind(evidence.map(|e| e.data.clone()))
            .bind(sha.clone())
            .bind(actor.to_string())
            .bind(now())
            .bind(today.to_string())
            .bind(id);
        self.move_order(
            &order,
            "answer_order",
            OrderState::can_answer,
            update,
            json!({
                "state": "answered",
                "number": order.number_label(),
                "measures": measures,
                "evidence": evidence.map(|e| &e.filename),
                "evidence_sha256": sha,
            }),
            actor,
        )
        .await
    }

    /// 复核 (the office): 办结, or sent back with what is still missing.
    pub async fn review_order(
        &self,
        id: i64,
        close: bool,
        comment: &str,
        actor: &str,
    ) -> Result<SupervisionOrder> {
        let comment = if close {
            comment.trim().to_string()
        } else {
            words("comment", "退回意见", comment)?
        };
        if comment.chars().count() > MAX_ORDER_TEXT {
            return Err(StoreError::invalid("comment", "复核意见过长"));
        }
        let order = self.supervision_order(id).await?;
        let update = if close {
            sqlx::query("UPDATE supervision_orders SET state = 'closed', review_comment = $1, closed_by = $2, closed_at = $3 WHERE id = $4 AND state = 'answered'")
                .bind(comment.clone())
                .bind(actor.to_string())
                .bind(now())
                .bind(id)
        } else {
            sqlx::query("UPDATE supervision_orders SET state = 'returned', review_comment = $1 WHERE id = $2 AND state = 'answered'")
                .bind(comment.clone())
                .bind(id)
        };
        self.move_order(
            &order,
            "review_order",
            OrderState::can_review,
            update,
            json!({
                "state": if close { "closed" } else { "returned" },
                "number": order.number_label(),
                "comment": comment,
            }),
            actor,
        )
        .await
    }

    /// Every open order past its deadline on `today` that has not been dealt with yet: flagged,
    /// and (below 红色) escalated into a new order at the next level, due `days(level)` later.
    /// Returns the new orders' ids; a red order is flagged only.
    pub async fn escalate_overdue(
        &self,
        plan_id: i64,
        today: Day,
        days: impl Fn(Level) -> u32,
        actor: &str,
    ) -> Result<Vec<i64>> {
        let mut escalated = Vec::new();
        for order in self.supervision_orders(plan_id).await? {
            if !order.overdue(today) || order.overdue_on.is_some() {
                continue;
            }
            if order.level == Level::Red {
                let mut write = self.begin_write(actor).await?;
                sqlx::query("UPDATE supervision_orders SET overdue_on = $1 WHERE id = $2 AND overdue_on IS NULL")
                    .bind(today.to_string())
                    .bind(order.id)
                    .execute(&mut *write.conn())
                    .await?;
                write.record(
                    Change::new("order_overdue", "supervision_order", Some(order.id)).after(
                        json!({ "number": order.number_label(), "due_on": order.due_on, "overdue_on": today.to_string() }),
                    ),
                );
                write.commit().await?;
                continue;
            }
            let next = order.level.next();
            let due = Day::from_unix_days(today.unix_days() + i64::from(days(next)));
            let successor = NewOrder {
                level: next,
                subject_kind: order.subject_kind,
                subject_id: order.subject_id,
                unit: order.unit.clone(),
                period_key: order.period_key.clone(),
                reason: format!(
                    "{}逾期未办结（办理期限 {}），升级为{}",
                    order.number_label(),
                    order.due_on,
                    next.label()
                ),
                requirement: order.requirement.clone(),
                due_on: due.to_string(),
            };
            escalated.push(
                self.insert_order(plan_id, &successor, today, Some(order.id), actor)
                    .await?,
            );
        }
        Ok(escalated)
    }
}

impl Store {
    /// The plan's 督办 rules, or the defaults.
    pub async fn supervision_rules(&self, plan_id: i64) -> Result<SupervisionRules> {
        self.plan_settings(SettingsTable::Supervision, plan_id)
            .await
    }

    /// Sets the plan's 督办 rules, checked, recorded with what they were before.
    pub async fn set_supervision_rules(
        &self,
        plan_id: i64,
        rules: &SupervisionRules,
        actor: &str,
    ) -> Result<SupervisionRules> {
        rules
            .check()
            .map_err(|(field, message)| StoreError::invalid(field, message))?;
        self.set_plan_settings(SettingsTable::Supervision, plan_id, rules, actor)
            .await?;
        Ok(rules.clone())
    }
}
