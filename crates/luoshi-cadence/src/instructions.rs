//! 领导批示办理情况 in the monthly bulletin: the month's instructions and readings with how each
//! instruction stands (its 办理情况 once answered), then every earlier instruction still waiting
//! for its answer — the unanswered ones the office chases.

use luoshi_reporting::Day;
use luoshi_store::{Instruction, InstructionKind};

use crate::document::{Block, OfficialDocument, Section};
use crate::supervision::printed_date;

/// `2021-07-02` → `7月2日`.
fn month_day(day: &str) -> String {
    match Day::parse(day) {
        Some(d) => format!("{}月{}日", d.month, d.day),
        None => day.to_string(),
    }
}

/// One instruction as the bulletin states it.
fn line(i: &Instruction, today: Day) -> String {
    let matter = match &i.task_path {
        Some(path) if i.item != i.task_title.clone().unwrap_or_default() => {
            format!(
                "{path} {}：{}",
                i.task_title.as_deref().unwrap_or_default(),
                i.item
            )
        }
        Some(path) => format!("{path} {}", i.item),
        None => i.item.clone(),
    };
    let unit = i.unit.as_deref().unwrap_or_default();
    let due = i.due_on.as_deref().map(printed_date).unwrap_or_default();
    let standing = if !i.awaits_answer() {
        let late = if i.answered_late() {
            "（逾期办理）"
        } else {
            ""
        };
        format!("{unit}已办理{late}：{}", i.answer.trim_end_matches('。'))
    } else if i.overdue(today) {
        format!("由{unit}办理，办理期限{due}，逾期未办理")
    } else {
        format!("由{unit}办理，办理期限{due}，正在办理")
    };
    format!(
        "{}{}批示（{matter}）：“{}”{standing}。",
        i.leader,
        month_day(&i.written_on),
        sentence(&i.text)
    )
}

/// Words ending as a sentence does (a quoted instruction keeps its own full stop).
fn sentence(text: &str) -> String {
    let text = text.trim();
    if text.ends_with(['。', '！', '？', '!', '?', '.']) {
        text.to_string()
    } else {
        format!("{text}。")
    }
}

/// 领导批示办理情况 for the bulletin of `period_key` (`2021-06`) written on `today`. `None` while
/// the plan has no instruction or reading at all.
pub fn bulletin_section(
    instructions: &[Instruction],
    period_key: &str,
    today: Day,
) -> Option<Section> {
    if instructions.is_empty() {
        return None;
    }
    let in_month = |i: &&Instruction| i.written_on.get(..7) == Some(period_key);
    let mut month: Vec<&Instruction> = instructions.iter().filter(in_month).collect();
    month.sort_by(|a, b| (&a.written_on, a.id).cmp(&(&b.written_on, b.id)));
    let (ordered, read): (Vec<&Instruction>, Vec<&Instruction>) = month
        .into_iter()
        .partition(|i| i.kind == InstructionKind::Instruction);
    let mut earlier: Vec<&Instruction> = instructions
        .iter()
        .filter(|i| i.awaits_answer() && i.written_on.as_str() < period_key)
        .collect();
    earlier.sort_by(|a, b| (&a.written_on, a.id).cmp(&(&b.written_on, b.id)));
    let answered = ordered.iter().filter(|i| !i.awaits_answer()).count();
    let opening = match (ordered.len(), read.len()) {
        (0, 0) => "本月没有领导批示".to_string(),
        (0, r) => format!("本月领导圈阅 {r} 次，未作批示"),
        (n, 0) => format!("本月领导批示 {n} 件，已办理 {answered} 件"),
        (n, r) => format!("本月领导批示 {n} 件、圈阅 {r} 次，批示已办理 {answered} 件"),
    };
    let mut blocks = vec![Block::Paragraph(if ordered.is_empty() {
        format!("{opening}。")
    } else {
        format!("{opening}：")
    })];
    if !ordered.is_empty() {
        blocks.push(Block::Items(
            ordered.iter().map(|i| line(i, today)).collect(),
        ));
    }
    if !earlier.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "前期领导批示尚未办理 {} 件（其中逾期 {} 件）：",
            earlier.len(),
            earlier.iter().filter(|i| i.overdue(today)).count()
        )));
        blocks.push(Block::Items(
            earlier.iter().map(|i| line(i, today)).collect(),
        ));
    }
    Some(Section {
        heading: "领导批示办理情况".into(),
        blocks,
    })
}

/// The monthly bulletin with its 领导批示办理情况, before 督办情况 (or 未报送情况).
pub fn with_instructions(
    mut document: OfficialDocument,
    instructions: &[Instruction],
    period_key: &str,
    today: Day,
) -> OfficialDocument {
    if let Some(section) = bulletin_section(instructions, period_key, today) {
        let at = document
            .sections
            .iter()
            .position(|s| s.heading == "督办情况" || s.heading == "未报送情况")
            .unwrap_or(document.sections.len());
        document.sections.insert(at, section);
    }
    document
}

#[cfg(test)]
mod tests {
    use luoshi_store::InstructedKind;

    use super::*;

    fn instruction(id: i64, written_on: &str, kind: InstructionKind) -> Instruction {
        Instruction {
            id,
            plan_id: 1,
            subject_kind: InstructedKind::Target,
            subject_id: 1,
            task_id: Some(1),
            task_path: Some("二.（一）.4".into()),
            task_title: Some("谋划建设重大科技基础设施".into()),
            item: "新谋划布局 8 个重大科技基础设施".into(),
            kind,
            leader: "张副市长".into(),
            text: if kind == InstructionKind::Read {
                String::new()
            } else {
                "请加快推进。".into()
            },
            unit_id: (kind == InstructionKind::Instruction).then_some(1),
            unit: (kind == InstructionKind::Instruction).then(|| "市发改委".into()),
            due_on: (kind == InstructionKind::Instruction).then(|| "2021-07-15".into()),
            written_by: "leader".into(),
            written_at: format!("{written_on}T02:00:00Z"),
            written_on: written_on.into(),
            answer: String::new(),
            answered_by: None,
            answered_at: None,
            answered_on: None,
        }
    }

    #[test]
    fn the_bulletin_states_the_months_instructions_and_the_earlier_unanswered() {
        let today = Day::parse("2021-08-03").expect("day");
        assert_eq!(bulletin_section(&[], "2021-07", today), None);
        let mut answered = instruction(2, "2021-07-02", InstructionKind::Instruction);
        answered.answer = "已召开专题会部署。".into();
        answered.answered_on = Some("2021-07-16".into());
        let open_june = instruction(1, "2021-06-20", InstructionKind::Instruction);
        let read = instruction(3, "2021-07-05", InstructionKind::Read);
        let all = [open_june, answered, read];
        let section = bulletin_section(&all, "2021-07", today).expect("a section");
        assert_eq!(section.heading, "领导批示办理情况");
        assert_eq!(
            section.blocks,
            vec![
                Block::Paragraph("本月领导批示 1 件、圈阅 1 次，批示已办理 1 件：".into()),
                Block::Items(vec![
                    "张副市长7月2日批示（二.（一）.4 谋划建设重大科技基础设施：新谋划布局 8 个重大科技基础设施）：“请加快推进。”市发改委已办理（逾期办理）：已召开专题会部署。".into()
                ]),
                Block::Paragraph("前期领导批示尚未办理 1 件（其中逾期 1 件）：".into()),
                Block::Items(vec![
                    "张副市长6月20日批示（二.（一）.4 谋划建设重大科技基础设施：新谋划布局 8 个重大科技基础设施）：“请加快推进。”由市发改委办理，办理期限2021年7月15日，逾期未办理。".into()
                ]),
            ]
        );
        let quiet = bulletin_section(&all[2..], "2021-08", today).expect("a section");
        assert_eq!(
            quiet.blocks,
            vec![Block::Paragraph("本月没有领导批示。".into())]
        );
    }
}
