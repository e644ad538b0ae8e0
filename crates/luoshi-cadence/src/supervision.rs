//! The 督办单 a month calls for: every item that answers to someone — a city target and its lead
//! unit, a district's or responsible unit's share, a task without a number and each unit that
//! answers for it — followed through the months' bulletins, and the plan's rules
//! ([`SupervisionRules`]) deciding which order its course suggests in the latest month.

use luoshi_evaluation::{Level, Rules, Status, SupervisionRules, suggest};
use luoshi_store::Snapshot;
use serde::Serialize;

use crate::monthly::MonthlyBulletin;

/// What is followed up: a target (a city line or a share of it) or a task without a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum Subject {
    Target(i64),
    Task(i64),
}

/// An order the rules suggest, for the office to confirm or dismiss.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SuggestedOrder {
    pub subject: Subject,
    pub task_id: i64,
    pub path: String,
    /// The target's words, or the task's title.
    pub item: String,
    /// Who answers for it: the lead unit, the district or the responsible unit.
    pub holder: String,
    pub level: Level,
    /// Why, in words (`连续 2 个月滞后`).
    pub reason: String,
    /// Its status this month.
    pub status: Status,
}

/// One item in one month's bulletin.
struct Seen {
    subject: Subject,
    task_id: i64,
    path: String,
    item: String,
    holder: String,
    status: Status,
}

/// Every item of a bulletin that someone answers for alone.
fn items(bulletin: &MonthlyBulletin) -> Vec<Seen> {
    let mut seen = Vec::new();
    for t in bulletin
        .targets
        .iter()
        .filter(|t| !t.aspirational && !t.group_led)
    {
        seen.push(Seen {
            subject: Subject::Target(t.target_id),
            task_id: t.task_id,
            path: t.path.clone(),
            item: t.target.clone(),
            holder: t.lead.clone(),
            status: t.evaluation.status,
        });
    }
    for d in &bulletin.districts {
        seen.push(Seen {
            subject: Subject::Target(d.target_id),
            task_id: d.task_id,
            path: d.path.clone(),
            item: d.target.clone(),
            holder: d.district.clone(),
            status: d.evaluation.status,
        });
    }
    for t in bulletin.tasks.iter().filter(|t| t.closed_on.is_none()) {
        for (holder, status) in &t.answers {
            seen.push(Seen {
                subject: Subject::Task(t.task_id),
                task_id: t.task_id,
                path: t.path.clone(),
                item: t.title.clone(),
                holder: holder.clone(),
                status: *status,
            });
        }
    }
    seen
}

/// The orders the last of `months` (bulletins in month order, the one the office meets on last)
/// calls for: strongest first, then in the plan's order.
pub fn suggested_orders(
    months: &[MonthlyBulletin],
    rules: &SupervisionRules,
) -> Vec<SuggestedOrder> {
    let Some(latest) = months.last() else {
        return Vec::new();
    };
    let history: Vec<Vec<Seen>> = months.iter().map(items).collect();
    let mut orders: Vec<SuggestedOrder> = items(latest)
        .into_iter()
        .filter_map(|now| {
            // The item's status in each month it was there, oldest first.
            let course: Vec<Status> = history
                .iter()
                .filter_map(|month| {
                    month
                        .iter()
                        .find(|s| s.subject == now.subject && s.holder == now.holder)
                        .map(|s| s.status)
                })
                .collect();
            let suggestion = suggest(&course, rules)?;
            Some(SuggestedOrder {
                subject: now.subject,
                task_id: now.task_id,
                path: now.path,
                item: now.item,
                holder: now.holder,
                level: suggestion.level,
                reason: suggestion.reason,
                status: now.status,
            })
        })
        .collect();
    // Stable: the bulletin's order within a level.
    orders.sort_by_key(|o| std::cmp::Reverse(o.level));
    orders
}

/// The orders `month` calls for, from the ledger's bulletins of the months up to it.
pub fn suggestions(
    snapshot: &Snapshot,
    month: u32,
    rules: &Rules,
    supervision: &SupervisionRules,
) -> Vec<SuggestedOrder> {
    let months: Vec<MonthlyBulletin> = (1..=month)
        .filter_map(|m| MonthlyBulletin::build(snapshot, m, rules))
        .collect();
    if months.last().is_none_or(|b| b.month != month) {
        return Vec::new();
    }
    suggested_orders(&months, supervision)
}

/// `2021-07-10` → `2021年7月10日`, as a 公文 prints a date; anything else as it is.
fn printed_date(day: &str) -> String {
    match luoshi_reporting::Day::parse(day) {
        Some(d) => format!("{}年{}月{}日", d.year, d.month, d.day),
        None => day.to_string(),
    }
}

/// A 督办单 as an official document: numbered `督办〔2021〕第 3 号` in the 期号 line, addressed to
/// the unit, with the matter and its reason, what is required, the deadline, and — once there
/// is one — the unit's answer and the office's review.
pub fn order_document(
    order: &luoshi_store::SupervisionOrder,
    issuer: &str,
    demo: bool,
) -> crate::document::OfficialDocument {
    use crate::document::{Block, OfficialDocument, Section};
    let issued_on = printed_date(&order.issued_on);
    let mut sections = vec![
        Section {
            heading: "督办事项".into(),
            blocks: vec![Block::Paragraph(format!(
                "{} {}（{}）。督办事由：{}。",
                order.task_path, order.task_title, order.item, order.reason
            ))],
        },
        Section {
            heading: "督办要求".into(),
            blocks: vec![Block::Paragraph(order.requirement.clone())],
        },
        Section {
            heading: "办理期限".into(),
            blocks: vec![Block::Paragraph(format!(
                "请于{}前将整改措施和办理情况书面反馈{issuer}，逾期未办结的按规定升级督办并在调度通报中通报。",
                printed_date(&order.due_on)
            ))],
        },
    ];
    if !order.measures.is_empty() {
        let mut blocks = vec![Block::Paragraph(order.measures.clone())];
        if let Some(name) = &order.evidence_name {
            blocks.push(Block::Paragraph(format!("佐证材料：{name}。")));
        }
        sections.push(Section {
            heading: "办理情况".into(),
            blocks,
        });
    }
    if order.state == luoshi_reporting::followup::OrderState::Closed {
        let comment = if order.review_comment.is_empty() {
            String::new()
        } else {
            format!("复核意见：{}。", order.review_comment)
        };
        sections.push(Section {
            heading: "复核结果".into(),
            blocks: vec![Block::Paragraph(format!("已办结。{comment}"))],
        });
    }
    OfficialDocument {
        title: format!("{}单", order.level.label()),
        subtitle: format!("（{}）", order.unit),
        signature: vec![issuer.to_string(), issued_on],
        demo,
        issue: Some(order.number_label()),
        sections,
        frame: None,
        foreword: None,
    }
}
