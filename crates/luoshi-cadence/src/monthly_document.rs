//! The monthly bulletin laid out as an official document: overall count, what lags, what was
//! raised, what is missing, what was completed, and the tables.

use luoshi_evaluation::Status;
use luoshi_evaluation::forecast::thousands;

use crate::document::{Block, OfficialDocument, Section};
use crate::monthly::{MonthlyBulletin, TargetLine};

impl MonthlyBulletin {
    /// The bulletin laid out as an official document.
    pub fn document(&self, issuer: &str, date: &str, demo: bool) -> OfficialDocument {
        let counts = self.counts();
        let count = |s: Status| counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n);
        let total: usize = counts.iter().map(|(_, n)| n).sum();
        let overview = format!(
            "截至{}，方案共有量化指标 {total} 项（力争类指标另列），其中已完成 {} 项、符合序时进度 {} 项、滞后 {} 项、未启动 {} 项、严重滞后 {} 项、未报送 {} 项。本月应报送报告 {} 份，已报送 {} 份（其中补报 {} 份），未报送 {} 份。",
            self.period_label,
            count(Status::Completed),
            count(Status::OnPace),
            count(Status::Lagging),
            count(Status::NotStarted),
            count(Status::SeriouslyLagging),
            count(Status::NotReported),
            self.reports_due,
            self.reports_in,
            self.reports_late,
            self.reports_due - self.reports_in,
        );
        // One item per target, as short as it can be and still signable: the target's own words
        // (which carry its value), what was reached, how far behind pace, where the course leads,
        // and who answers for it.
        let describe = |t: &TargetLine| {
            let reached = match (t.actual, t.evaluation.progress) {
                (Some(a), Some(p)) => {
                    format!("完成 {}{}（{:.1}%）", thousands(a), t.unit, p * 100.0)
                }
                _ => "本月未报送".to_string(),
            };
            let gap = t
                .evaluation
                .gap
                .map(|g| format!("，落后序时进度 {} 个百分点", thousands(g)))
                .unwrap_or_default();
            let course = t
                .warning
                .as_deref()
                .map(|w| format!("；{w}"))
                .unwrap_or_default();
            // What the lead unit reported as problems is stated once, under 存在问题.
            format!(
                "{} {}：{reached}{gap}{course}。牵头单位：{}。",
                t.path, t.target, t.lead
            )
        };
        let serious: Vec<String> = self
            .with_status(&[Status::SeriouslyLagging, Status::NotReported])
            .into_iter()
            .map(describe)
            .collect();
        let lagging: Vec<String> = self
            .with_status(&[Status::Lagging, Status::NotStarted])
            .into_iter()
            .map(describe)
            .collect();
        // On pace today, yet short at year end at the course of the last three months: the
        // largest shortfalls (as a share of the target) first, a few in the text, every target's
        // projection in the 指标进度 table.
        let mut at_risk: Vec<(&TargetLine, f64)> = self
            .with_status(&[Status::OnPace])
            .into_iter()
            .filter(|t| t.warning.is_some())
            .filter_map(|t| {
                let projected = t.projected?;
                (t.value > 0.0).then(|| (t, (t.value - projected) / t.value))
            })
            .collect();
        at_risk.sort_by(|a, b| b.1.total_cmp(&a.1));
        let at_risk_named: Vec<String> = at_risk
            .iter()
            .take(crate::raised::SHOWN)
            .map(|(t, _)| {
                let projected = t.projected.unwrap_or_default();
                format!(
                    "{} {}（预计完成 {}{unit}，缺口 {}{unit}，{}牵头）",
                    t.path,
                    t.target,
                    thousands(projected),
                    thousands(t.value - projected),
                    t.lead,
                    unit = t.unit,
                )
            })
            .collect();
        let none = |items: Vec<String>| {
            if items.is_empty() {
                Block::Paragraph("无。".into())
            } else {
                Block::Items(items)
            }
        };
        let district_rows: Vec<Vec<String>> = self
            .districts
            .iter()
            .filter(|d| {
                d.evaluation.status.is_behind() || d.evaluation.status == Status::NotReported
            })
            .map(|d| {
                vec![
                    d.district.clone(),
                    d.path.clone(),
                    d.target.clone(),
                    format!("{}{}", thousands(d.share), d.unit),
                    d.actual.map_or_else(
                        || "未报送".into(),
                        |a| format!("{}{}", thousands(a), d.unit),
                    ),
                    d.evaluation.status.label().to_string(),
                ]
            })
            .collect();
        let mut behind = vec![
            Block::Subheading("严重滞后和未报送的指标".into()),
            none(serious),
            Block::Subheading("滞后和未启动的指标".into()),
            none(lagging),
        ];
        if !at_risk.is_empty() {
            behind.push(Block::Subheading(
                "符合序时进度但预计年底难以完成的指标".into(),
            ));
            let more = if at_risk.len() > at_risk_named.len() {
                "缺口较大的是"
            } else {
                "即"
            };
            behind.push(Block::Paragraph(format!(
                "{} 项指标符合序时进度，但按近三个月的进度年底难以完成，{more}{}；各指标的年底预计见「指标进度」表。",
                at_risk.len(),
                at_risk_named.join("、")
            )));
        }
        behind.push(Block::Subheading("各区和责任单位分解指标滞后情况".into()));
        behind.push(Block::Paragraph(
            crate::shares::summary(&self.districts).unwrap_or_else(|| "无。".into()),
        ));
        if !district_rows.is_empty() {
            behind.push(Block::Table {
                caption: "各区滞后".into(),
                headers: ["区/单位", "任务", "指标", "分解目标", "本期累计", "状态"]
                    .map(String::from)
                    .to_vec(),
                rows: district_rows,
            });
        }
        let raised = crate::raised::grouped(&self.raised);
        let missing: Vec<String> = self
            .missing
            .iter()
            .map(|m| {
                format!(
                    "{}：{} 项未报送（{}）",
                    m.unit,
                    m.tasks.len(),
                    m.tasks.join("、")
                )
            })
            .collect();
        let completed: Vec<String> = self
            .completed
            .iter()
            .map(|t| {
                format!(
                    "{} {}：{}，已完成 {}{}。",
                    t.path,
                    t.task_title,
                    t.target,
                    thousands(t.actual.unwrap_or(0.0)),
                    t.unit
                )
            })
            .collect();
        let table_rows: Vec<Vec<String>> = self
            .targets
            .iter()
            .map(|t| {
                vec![
                    t.path.clone(),
                    t.target.clone(),
                    t.lead.clone(),
                    format!("{}{}", thousands(t.value), t.unit),
                    t.actual.map_or_else(
                        || "未报送".into(),
                        |a| format!("{}{}", thousands(a), t.unit),
                    ),
                    t.evaluation
                        .progress
                        .map_or_else(String::new, |p| format!("{:.1}%", p * 100.0)),
                    format!("{:.0}%", t.evaluation.pace * 100.0),
                    t.projected
                        .map_or_else(String::new, |p| format!("{}{}", thousands(p), t.unit)),
                    if t.aspirational {
                        format!("{}（力争）", t.evaluation.status.label())
                    } else {
                        t.evaluation.status.label().to_string()
                    },
                ]
            })
            .collect();
        let mut doc = OfficialDocument {
            title: format!("{}调度通报", self.plan_title),
            subtitle: format!("（{}）", self.period_label),
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
                    heading: "滞后事项".into(),
                    blocks: behind,
                },
                Section {
                    heading: "存在问题和需协调事项".into(),
                    blocks: if raised.is_empty() {
                        vec![none(Vec::new())]
                    } else {
                        raised
                    },
                },
                Section {
                    heading: "未报送情况".into(),
                    blocks: vec![none(missing)],
                },
                Section {
                    heading: "本月完成事项".into(),
                    blocks: vec![none(completed)],
                },
                Section {
                    heading: "指标进度一览".into(),
                    blocks: vec![Block::Table {
                        caption: "指标进度".into(),
                        headers: [
                            "任务",
                            "指标",
                            "牵头单位",
                            "目标",
                            "本期累计",
                            "完成率",
                            "序时进度",
                            "年底预计",
                            "状态",
                        ]
                        .map(String::from)
                        .to_vec(),
                        rows: table_rows,
                    }],
                },
            ],
        };
        if !self.tasks.is_empty() {
            doc.sections.insert(2, crate::tasks::section(&self.tasks));
        }
        doc
    }
}
