//! The quarterly summary (每季一小结): progress per section and per lead unit at the quarter's end,
//! with the change since the last quarter, the quarter's reporting, and the items to watch.

use std::collections::BTreeMap;

use luoshi_evaluation::forecast::thousands;
use luoshi_evaluation::{Rules, Status};
use luoshi_store::Snapshot;

use crate::document::{Block, OfficialDocument, Section};
use crate::monthly::{Ledger, MonthlyBulletin, TargetLine};

const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];

/// One row of a progress table: a section or a lead unit.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressLine {
    pub name: String,
    pub targets: usize,
    pub completed: usize,
    pub on_pace: usize,
    pub behind: usize,
    pub not_reported: usize,
    /// Mean progress (each target capped at 100 %), 0–1; `None` without reported targets.
    pub progress: Option<f64>,
    /// The same at the previous quarter's end.
    pub before: Option<f64>,
}

impl ProgressLine {
    /// Change in percentage points since the last quarter.
    pub fn change(&self) -> Option<f64> {
        Some((self.progress? - self.before?) * 100.0)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuarterlySummary {
    pub plan_title: String,
    pub year: i32,
    pub quarter: u32,
    pub label: String,
    pub now: MonthlyBulletin,
    pub before: Option<MonthlyBulletin>,
    pub sections: Vec<ProgressLine>,
    pub units: Vec<ProgressLine>,
    pub reports_due: usize,
    pub reports_in: usize,
    pub reports_late: usize,
}

fn mean_progress(lines: &[&TargetLine]) -> Option<f64> {
    let values: Vec<f64> = lines
        .iter()
        .filter_map(|t| t.evaluation.progress)
        .map(|p| p.clamp(0.0, 1.0))
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

fn progress_lines(
    now: &MonthlyBulletin,
    before: Option<&MonthlyBulletin>,
    key: impl Fn(&TargetLine) -> String,
) -> Vec<ProgressLine> {
    let mut groups: BTreeMap<String, Vec<&TargetLine>> = BTreeMap::new();
    for t in now.targets.iter().filter(|t| !t.aspirational) {
        groups.entry(key(t)).or_default().push(t);
    }
    groups
        .into_iter()
        .map(|(name, lines)| {
            let count = |f: &dyn Fn(Status) -> bool| {
                lines.iter().filter(|t| f(t.evaluation.status)).count()
            };
            let before_lines: Vec<&TargetLine> = before
                .map(|b| {
                    b.targets
                        .iter()
                        .filter(|t| lines.iter().any(|l| l.target_id == t.target_id))
                        .collect()
                })
                .unwrap_or_default();
            ProgressLine {
                targets: lines.len(),
                completed: count(&|s| s == Status::Completed),
                on_pace: count(&|s| s == Status::OnPace),
                behind: count(&|s| s.is_behind()),
                not_reported: count(&|s| s == Status::NotReported),
                progress: mean_progress(&lines),
                before: mean_progress(&before_lines),
                name,
            }
        })
        .collect()
}

/// `二.（一）.3` → `二.（一）`: the section a task sits in.
fn section_of(path: &str) -> String {
    match path.rsplit_once('.') {
        Some((section, _)) => section.to_string(),
        None => path.to_string(),
    }
}

impl QuarterlySummary {
    /// The summary of quarter `quarter` (1–4).
    pub fn build(snapshot: &Snapshot, quarter: u32, rules: &Rules) -> Option<QuarterlySummary> {
        if !(1..=4).contains(&quarter) {
            return None;
        }
        let month = quarter * 3;
        let ledger = Ledger::through(snapshot, month);
        let before = (quarter > 1)
            .then(|| ledger.bulletin(month - 3, rules))
            .flatten();
        // The quarter's first two months count for reporting; its last is also where it stands.
        let mut months: Vec<MonthlyBulletin> = (month - 2..=month)
            .filter_map(|m| ledger.bulletin(m, rules))
            .collect();
        let now = months.pop().filter(|b| b.month == month)?;
        let sections = progress_lines(&now, before.as_ref(), |t| section_of(&t.path));
        let units = progress_lines(&now, before.as_ref(), |t| t.lead.clone());
        Some(QuarterlySummary {
            plan_title: now.plan_title.clone(),
            year: now.year,
            quarter,
            label: format!("{}年第{}季度", now.year, QUARTERS[quarter as usize - 1]),
            reports_due: now.reports_due + months.iter().map(|m| m.reports_due).sum::<usize>(),
            reports_in: now.reports_in + months.iter().map(|m| m.reports_in).sum::<usize>(),
            reports_late: now.reports_late + months.iter().map(|m| m.reports_late).sum::<usize>(),
            sections,
            units,
            now,
            before,
        })
    }

    pub fn document(&self, issuer: &str, date: &str, demo: bool) -> OfficialDocument {
        let counts = self.now.counts();
        let count = |s: Status| counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n);
        let all: Vec<&TargetLine> = self
            .now
            .targets
            .iter()
            .filter(|t| !t.aspirational)
            .collect();
        let mean_now = mean_progress(&all);
        let mean_before = self.before.as_ref().and_then(|b| {
            let lines: Vec<&TargetLine> = b.targets.iter().filter(|t| !t.aspirational).collect();
            mean_progress(&lines)
        });
        let pct =
            |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{:.1}%", v * 100.0));
        let mut overview = format!(
            "{}末，方案量化指标 {} 项中，已完成 {} 项、符合序时进度 {} 项、滞后或未启动 {} 项、严重滞后 {} 项、未报送 {} 项，平均完成率 {}",
            self.label,
            all.len(),
            count(Status::Completed),
            count(Status::OnPace),
            count(Status::Lagging) + count(Status::NotStarted),
            count(Status::SeriouslyLagging),
            count(Status::NotReported),
            pct(mean_now),
        );
        if mean_before.is_some() {
            overview.push_str(&format!("（上季度末 {}）", pct(mean_before)));
        }
        overview.push_str(&format!(
            "。本季度应报送月度报告 {} 份，已报送 {} 份（其中补报 {} 份），未报送 {} 份。",
            self.reports_due,
            self.reports_in,
            self.reports_late,
            self.reports_due - self.reports_in
        ));
        let row = |l: &ProgressLine| {
            vec![
                l.name.clone(),
                l.targets.to_string(),
                l.completed.to_string(),
                l.on_pace.to_string(),
                l.behind.to_string(),
                l.not_reported.to_string(),
                pct(l.progress),
                l.change().map_or_else(
                    || "—".to_string(),
                    |c| {
                        format!(
                            "{}{} 个百分点",
                            if c >= 0.0 { "+" } else { "" },
                            thousands(c)
                        )
                    },
                ),
            ]
        };
        let headers = |first: &str| {
            [
                first,
                "指标数",
                "已完成",
                "符合序时",
                "滞后",
                "未报送",
                "平均完成率",
                "较上季度",
            ]
            .map(String::from)
            .to_vec()
        };
        let watch: Vec<String> = self
            .now
            .targets
            .iter()
            .filter(|t| {
                !t.aspirational
                    && (t.evaluation.status == Status::SeriouslyLagging || t.warning.is_some())
            })
            .map(|t| {
                let mut s = format!(
                    "{} {}（牵头单位：{}）：{}",
                    t.path,
                    t.target,
                    t.lead,
                    t.evaluation.status.label()
                );
                if let Some(w) = &t.warning {
                    s.push_str(&format!("，{w}"));
                }
                s.push('。');
                s
            })
            .collect();
        OfficialDocument {
            title: format!("{}季度小结", self.plan_title),
            subtitle: format!("（{}）", self.label),
            signature: vec![issuer.to_string(), date.to_string()],
            demo,
            issue: None,
            frame: None,
            foreword: None,
            sections: vec![
                Section {
                    heading: "总体情况".into(),
                    blocks: vec![Block::Paragraph(overview)],
                },
                Section {
                    heading: "分领域推进情况".into(),
                    blocks: vec![Block::Table {
                        caption: "分领域".into(),
                        headers: headers("领域（章节）"),
                        rows: self.sections.iter().map(row).collect(),
                    }],
                },
                Section {
                    heading: "各牵头单位推进情况".into(),
                    blocks: vec![Block::Table {
                        caption: "各牵头单位".into(),
                        headers: headers("牵头单位"),
                        rows: self.units.iter().map(row).collect(),
                    }],
                },
                Section {
                    heading: "需重点关注的事项".into(),
                    blocks: vec![if watch.is_empty() {
                        Block::Paragraph("无。".into())
                    } else {
                        Block::Items(watch)
                    }],
                },
            ],
        }
    }
}
