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
    // Each month by item and holder: a ledger of 8,000 targets has tens of thousands of items.
    let by_item: Vec<std::collections::HashMap<(Subject, &str), Status>> = history
        .iter()
        .map(|month| {
            let mut index = std::collections::HashMap::with_capacity(month.len());
            for s in month {
                // The first of an item's lines, as the bulletin lists it.
                index
                    .entry((s.subject, s.holder.as_str()))
                    .or_insert(s.status);
            }
            index
        })
        .collect();
    let mut orders: Vec<SuggestedOrder> = items(latest)
        .into_iter()
        .filter_map(|now| {
            // The item's status in each month it was there, oldest first.
            let course: Vec<Status> = by_item
                .iter()
                .filter_map(|month| month.get(&(now.subject, now.holder.as_str())).copied())
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
    // One index of the ledger for every month's bulletin, as the dashboard reads them.
    let months = crate::monthly::Ledger::through(snapshot, month).bulletins_through(month, rules);
    if months.last().is_none_or(|b| b.month != month) {
        return Vec::new();
    }
    suggested_orders(&months, supervision)
}

/// `2021-07-10` → `2021年7月10日`, as a 公文 prints a date; anything else as it is.
pub(crate) fn printed_date(day: &str) -> String {
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

/// 督办情况 for the monthly bulletin of `period_key` (`2021-06`) written on `today`: the orders
/// issued for the month by level and how many are closed, then every order past its deadline and
/// not closed, with its number, unit and matter. `None` while the plan has no order at all (the
/// office does not run its 督办 in luoshi).
pub fn bulletin_section(
    orders: &[luoshi_store::SupervisionOrder],
    period_key: &str,
    today: luoshi_reporting::Day,
) -> Option<crate::document::Section> {
    use crate::document::{Block, Section};
    use luoshi_reporting::followup::OrderState;
    if orders.is_empty() {
        return None;
    }
    let new: Vec<&luoshi_store::SupervisionOrder> = orders
        .iter()
        .filter(|o| o.period_key == period_key)
        .collect();
    let by_level: Vec<String> = Level::ALL
        .iter()
        .rev()
        .filter_map(|level| {
            let n = new.iter().filter(|o| o.level == *level).count();
            (n > 0).then(|| format!("{} {n} 份", level.label()))
        })
        .collect();
    let overdue: Vec<&luoshi_store::SupervisionOrder> = orders
        .iter()
        .filter(|o| o.state != OrderState::Closed && (o.overdue(today) || o.overdue_on.is_some()))
        .collect();
    let opening = if new.is_empty() {
        "本月未下达督办单".to_string()
    } else {
        format!(
            "本月下达督办单 {} 份（{}），已办结 {} 份",
            new.len(),
            by_level.join("、"),
            new.iter().filter(|o| o.state == OrderState::Closed).count()
        )
    };
    let mut blocks = vec![Block::Paragraph(if overdue.is_empty() {
        format!("{opening}；没有到期未办结的督办单。")
    } else {
        format!("{opening}；到期未办结的督办单 {} 份：", overdue.len())
    })];
    if !overdue.is_empty() {
        blocks.push(Block::Items(
            overdue
                .iter()
                .map(|o| {
                    let escalated = if o.escalated_to.is_some() {
                        "，已升级督办"
                    } else {
                        ""
                    };
                    format!(
                        "{} {}（{}）：{} {}，办理期限 {}，{}{escalated}。",
                        o.number_label(),
                        o.level.label(),
                        o.unit,
                        o.task_path,
                        o.item,
                        o.due_on,
                        o.state.label()
                    )
                })
                .collect(),
        ));
    }
    Some(Section {
        heading: "督办情况".into(),
        blocks,
    })
}

/// The monthly bulletin with its 督办情况, placed after 存在问题和需协调事项.
pub fn with_orders(
    mut document: crate::document::OfficialDocument,
    orders: &[luoshi_store::SupervisionOrder],
    period_key: &str,
    today: luoshi_reporting::Day,
) -> crate::document::OfficialDocument {
    if let Some(section) = bulletin_section(orders, period_key, today) {
        let at = document
            .sections
            .iter()
            .position(|s| s.heading == "未报送情况")
            .unwrap_or(document.sections.len());
        document.sections.insert(at, section);
    }
    document
}

/// Who the deductions below are recorded by, on the assessment page.
pub const DEDUCTED_BY: &str = "督办规则";

/// The annual assessment's deductions for 督办单 under the plan's rules: each order deducts its
/// level's points from the unit (a district government's from its district, as ranked), and an
/// order answered after its deadline, or found overdue, deducts the overdue points too; each with
/// the order's number as its evidence.
pub fn deductions(
    orders: &[luoshi_store::SupervisionOrder],
    rules: &SupervisionRules,
    district_of: &std::collections::HashMap<String, String>,
) -> Vec<luoshi_store::AssessmentItem> {
    let item = |o: &luoshi_store::SupervisionOrder, points: f64, why: String| {
        luoshi_store::AssessmentItem {
            id: 0,
            subject: district_of.get(&o.unit).unwrap_or(&o.unit).clone(),
            kind: "deduction".into(),
            points,
            reason: format!(
                "{}（{}）：{} {}{why}",
                o.number_label(),
                o.level.label(),
                o.task_path,
                o.item
            ),
            created_by: DEDUCTED_BY.into(),
            created_at: o.issued_at.clone(),
        }
    };
    let mut items = Vec::new();
    for o in orders {
        let points = rules.deduction(o.level);
        if points > 0.0 {
            items.push(item(o, points, String::new()));
        }
        if o.answered_late() && rules.overdue_deduction > 0.0 {
            items.push(item(o, rules.overdue_deduction, "，逾期未按期反馈".into()));
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use luoshi_reporting::Day;
    use luoshi_reporting::followup::OrderState;
    use luoshi_store::{SubjectKind, SupervisionOrder};

    use super::*;
    use crate::document::Block;

    fn order(
        number: i64,
        level: Level,
        period: &str,
        due: &str,
        state: OrderState,
    ) -> SupervisionOrder {
        SupervisionOrder {
            id: number,
            plan_id: 1,
            year: 2021,
            number,
            level,
            subject_kind: SubjectKind::Target,
            subject_id: 1,
            task_id: 1,
            task_path: "二.（一）.4".into(),
            task_title: "谋划建设重大科技基础设施".into(),
            item: "新谋划布局 8 个重大科技基础设施".into(),
            unit_id: 1,
            unit: "各依托单位".into(),
            period_key: period.into(),
            reason: "连续 2 个月滞后".into(),
            requirement: "报送整改措施".into(),
            due_on: due.into(),
            state,
            issued_by: "office".into(),
            issued_at: "2021-07-02T01:00:00Z".into(),
            issued_on: "2021-07-02".into(),
            signed_by: None,
            signed_at: None,
            measures: String::new(),
            evidence_name: None,
            evidence_sha256: None,
            answered_by: None,
            answered_at: None,
            answered_on: None,
            review_comment: String::new(),
            closed_by: None,
            closed_at: None,
            overdue_on: None,
            escalated_from: None,
            escalated_to: None,
        }
    }

    #[test]
    fn the_bulletin_counts_the_months_orders_and_lists_the_overdue() {
        let today = Day::parse("2021-07-20").expect("day");
        assert_eq!(bulletin_section(&[], "2021-06", today), None);
        let orders = [
            order(
                1,
                Level::Yellow,
                "2021-06",
                "2021-07-10",
                OrderState::Closed,
            ),
            order(2, Level::Red, "2021-06", "2021-07-25", OrderState::Signed),
            order(
                3,
                Level::Prompt,
                "2021-05",
                "2021-06-15",
                OrderState::Issued,
            ),
        ];
        let section = bulletin_section(&orders, "2021-06", today).expect("a section");
        assert_eq!(section.heading, "督办情况");
        assert_eq!(
            section.blocks,
            vec![
                Block::Paragraph(
                    "本月下达督办单 2 份（红色督办 1 份、黄色督办 1 份），已办结 1 份；到期未办结的督办单 1 份：".into()
                ),
                Block::Items(vec![
                    "督办〔2021〕第 3 号 提示（各依托单位）：二.（一）.4 新谋划布局 8 个重大科技基础设施，办理期限 2021-06-15，已下达，待签收。".into()
                ]),
            ]
        );
        let quiet = bulletin_section(&orders[..1], "2021-07", today).expect("a section");
        assert_eq!(
            quiet.blocks,
            vec![Block::Paragraph(
                "本月未下达督办单；没有到期未办结的督办单。".into()
            )]
        );
    }

    #[test]
    fn orders_deduct_by_level_and_when_late() {
        let mut late = order(
            3,
            Level::Prompt,
            "2021-05",
            "2021-06-15",
            OrderState::Issued,
        );
        late.unit = "江岸区人民政府".into();
        late.overdue_on = Some("2021-06-16".into());
        let orders = [
            order(
                1,
                Level::Yellow,
                "2021-06",
                "2021-07-10",
                OrderState::Closed,
            ),
            order(2, Level::Red, "2021-06", "2021-07-25", OrderState::Signed),
            late,
        ];
        let districts = [("江岸区人民政府".to_string(), "江岸区".to_string())].into();
        let items = deductions(&orders, &SupervisionRules::default(), &districts);
        let lines: Vec<(&str, f64, &str)> = items
            .iter()
            .map(|i| (i.subject.as_str(), i.points, i.reason.as_str()))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    "各依托单位",
                    1.0,
                    "督办〔2021〕第 1 号（黄色督办）：二.（一）.4 新谋划布局 8 个重大科技基础设施"
                ),
                (
                    "各依托单位",
                    2.0,
                    "督办〔2021〕第 2 号（红色督办）：二.（一）.4 新谋划布局 8 个重大科技基础设施"
                ),
                (
                    "江岸区",
                    1.0,
                    "督办〔2021〕第 3 号（提示）：二.（一）.4 新谋划布局 8 个重大科技基础设施，逾期未按期反馈"
                ),
            ],
            "提示 deducts nothing by default; being late does"
        );
        assert!(
            items
                .iter()
                .all(|i| i.kind == "deduction" && i.created_by == DEDUCTED_BY)
        );
    }
}
