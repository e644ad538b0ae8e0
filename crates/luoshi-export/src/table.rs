//! The rows of the task table: one per target, or one per task without a numeric target.

use luoshi_extract::{PlanDraft, Qualifier, Target, TargetKind, Task};

/// The printed columns: 序号 / 工作任务 / 目标 / 牵头单位 / 责任单位 / 备注.
pub const HEADERS: [&str; 6] = ["序号", "工作任务", "目标", "牵头单位", "责任单位", "备注"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub path: String,
    pub task: String,
    pub target: String,
    pub lead: String,
    pub responsible: String,
    pub note: String,
    /// How many rows the task spans, on its first row; 0 on the rows after.
    pub task_rows: usize,
}

impl Row {
    pub fn cells(&self) -> [&str; 6] {
        [
            &self.path,
            &self.task,
            &self.target,
            &self.lead,
            &self.responsible,
            &self.note,
        ]
    }
}

pub fn rows(plan: &PlanDraft) -> Vec<Row> {
    let mut out = Vec::new();
    for task in &plan.tasks {
        let lead = task.lead.join("、");
        let responsible = task.responsible.join("、");
        let task_note = task_note(plan, task);
        let n = task.targets.len().max(1);
        let targets: Vec<Option<&Target>> = if task.targets.is_empty() {
            vec![None]
        } else {
            task.targets.iter().map(Some).collect()
        };
        for (i, target) in targets.into_iter().enumerate() {
            let mut notes: Vec<String> = Vec::new();
            if let Some(t) = target {
                notes.extend(target_note(t));
            }
            if i == 0 && !task_note.is_empty() {
                notes.push(task_note.clone());
            }
            out.push(Row {
                path: task.path.clone(),
                task: task.title.clone(),
                target: target.map(|t| t.text.clone()).unwrap_or_default(),
                lead: lead.clone(),
                responsible: responsible.clone(),
                note: notes.join("；"),
                task_rows: if i == 0 { n } else { 0 },
            });
        }
    }
    out
}

/// What a reader of the printed table needs to know about a target beyond its text.
pub fn target_note(t: &Target) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(group) = &t.per_each {
        let count = if t.districts.is_empty() {
            String::new()
        } else {
            format!("（{}个）", t.districts.len())
        };
        notes.push(format!(
            "{group}{count}分别完成{}",
            amount(t.value, t.max, &t.unit, t.qualifier)
        ));
    }
    if t.aspirational {
        notes.push("力争目标".into());
    }
    if t.kind == TargetKind::ExistingCount {
        notes.push("现有数量，非新增目标".into());
    }
    notes
}

/// `10场以上`, `1—2个`, `30万以上`.
pub fn amount(value: f64, max: Option<f64>, unit: &str, qualifier: Qualifier) -> String {
    let value = number(value);
    match (qualifier, max) {
        (Qualifier::Range, Some(max)) => format!("{value}—{}{unit}", number(max)),
        (Qualifier::AtLeast, _) => format!("{value}{unit}以上"),
        (Qualifier::About, _) => format!("{value}{unit}左右"),
        (Qualifier::MoreThan, _) => format!("超过{value}{unit}"),
        (Qualifier::AtMost, _) => format!("不超过{value}{unit}"),
        _ => format!("{value}{unit}"),
    }
}

/// The Chinese name of a review flag's field, for people.
pub fn field_label(field: &str) -> &str {
    match field {
        "annotation" => "责任分工注释",
        "lead" => "牵头单位",
        "responsible" => "责任单位",
        "path" => "编号",
        other => other,
    }
}

pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

fn task_note(plan: &PlanDraft, task: &Task) -> String {
    let deadline = task.deadline.iter().map(|d| format!("完成时限：{d}"));
    let mut notes: Vec<String> = deadline.collect();
    notes.extend(
        plan.review
            .iter()
            .filter(|f| f.path.as_deref() == Some(task.path.as_str()))
            .map(|f| format!("待核对：{}", f.reason)),
    );
    for focus in &task.district_focus {
        notes.push(format!("{}：{}", focus.district, focus.focus.join("、")));
    }
    notes.join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_target_and_one_for_a_task_without() {
        let plan = luoshi_extract::extract(
            "一、任务\n1. 甲，新增企业 20 家，建成园区 3 个以上。（牵头单位：市科技局；责任单位：市财政局、各区人民政府）\n2. 乙。（牵头单位：市商务局）",
        );
        let rows = rows(&plan);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].task_rows, 2);
        assert_eq!(rows[1].task_rows, 0);
        assert_eq!(rows[0].responsible, "市财政局、各区人民政府");
        assert_eq!(rows[2].target, "");
    }
}
