//! The annual assessment (全年一考核): every district and unit scored out of 100 — target
//! completion at year end (70: each target capped at 100 %, equal weights), reporting discipline
//! (20: 1 point off per late report, 2 per missing one), the office's review mark (10) — plus
//! bonus and deduction items, ranked within groups, with the evidence behind every point.

use luoshi_evaluation::forecast::thousands;
use luoshi_evaluation::{AssessmentRules, Rules, Score};
use luoshi_store::{AssessmentItem, Snapshot};

use crate::document::{Block, OfficialDocument, Section};
use crate::halfyear::{UNIT_GROUP, months_through, scores};

#[derive(Debug, Clone, PartialEq)]
pub struct AnnualAssessment {
    pub plan_title: String,
    pub year: i32,
    pub rules: AssessmentRules,
    pub districts: Vec<Score>,
    pub units: Vec<Score>,
}

impl AnnualAssessment {
    pub fn build(
        snapshot: &Snapshot,
        items: &[AssessmentItem],
        rules: &Rules,
        assess: &AssessmentRules,
    ) -> Option<AnnualAssessment> {
        let months = months_through(snapshot, 12, rules);
        let december = months.last().filter(|m| m.month == 12)?;
        let (units, districts): (Vec<Score>, Vec<Score>) = scores(snapshot, &months, assess, items)
            .into_iter()
            .partition(|s| s.group.as_deref() == Some(UNIT_GROUP));
        Some(AnnualAssessment {
            plan_title: december.plan_title.clone(),
            year: december.year,
            rules: assess.clone(),
            districts,
            units,
        })
    }

    /// Only the score sheets `scope` may see (ranks kept as they are among everyone).
    pub fn limited_to(mut self, scope: &luoshi_reporting::ScoreScope) -> AnnualAssessment {
        self.districts.retain(|s| scope.covers(&s.name));
        self.units.retain(|s| scope.covers(&s.name));
        self
    }

    /// Every district and unit that can be assessed (for the office's forms).
    pub fn subjects(&self) -> Vec<&str> {
        self.districts
            .iter()
            .chain(&self.units)
            .map(|s| s.name.as_str())
            .collect()
    }

    pub fn document(&self, issuer: &str, date: &str, demo: bool) -> OfficialDocument {
        let r = &self.rules;
        let headers = [
            "分组",
            "排名",
            "名称",
            "目标完成",
            "报送纪律",
            "评议",
            "加减分",
            "总分",
        ]
        .map(String::from)
        .to_vec();
        let row = |s: &Score| {
            vec![
                s.group.clone().unwrap_or_default(),
                s.rank.to_string(),
                s.name.clone(),
                thousands(s.completion),
                thousands(s.discipline),
                thousands(s.review),
                if s.adjustments == 0.0 {
                    "0".into()
                } else {
                    format!(
                        "{}{}",
                        if s.adjustments > 0.0 { "+" } else { "" },
                        thousands(s.adjustments)
                    )
                },
                thousands(s.total),
            ]
        };
        let evidence: Vec<Block> = self
            .districts
            .iter()
            .chain(&self.units)
            .flat_map(|s| {
                [
                    Block::Subheading(format!(
                        "{}（{}，总分 {}，{}第 {} 名）",
                        s.name,
                        s.group.clone().unwrap_or_default(),
                        thousands(s.total),
                        s.group.clone().unwrap_or_default(),
                        s.rank
                    )),
                    Block::Items(s.evidence.clone()),
                ]
            })
            .collect();
        OfficialDocument {
            title: format!("{}年度考核结果", self.plan_title),
            subtitle: format!("（{}年度）", self.year),
            signature: vec![issuer.to_string(), date.to_string()],
            demo,
            sections: vec![
                Section {
                    heading: "考核办法".into(),
                    blocks: vec![Block::Paragraph(format!(
                        "满分 100 分：目标完成 {} 分（各项量化指标年末完成率，单项最高按 100% 计，等权）；报送纪律 {} 分（每迟报一次扣 {} 分，每漏报一次扣 {} 分，扣完为止）；协调办公室评议 {} 分。另计加分、减分事项。各区在所在分组内排名，市直单位统一排名。",
                        thousands(r.completion_weight),
                        thousands(r.discipline_weight),
                        thousands(r.late_deduction),
                        thousands(r.missing_deduction),
                        thousands(r.review_weight)
                    ))],
                },
                Section {
                    heading: "各区考核结果".into(),
                    blocks: vec![Block::Table {
                        caption: "各区考核".into(),
                        headers: headers.clone(),
                        rows: self.districts.iter().map(row).collect(),
                    }],
                },
                Section {
                    heading: "市直单位考核结果".into(),
                    blocks: vec![Block::Table {
                        caption: "市直单位考核".into(),
                        headers,
                        rows: self.units.iter().map(row).collect(),
                    }],
                },
                Section {
                    heading: "得分依据".into(),
                    blocks: evidence,
                },
            ],
        }
    }
}
