//! The half-year review (半年一讲评): districts ranked within their groups and units ranked, by an
//! index of target completion against pace and of reporting discipline, with each one's movement
//! since the quarter before.

use std::collections::HashMap;

use luoshi_evaluation::forecast::thousands;
use luoshi_evaluation::{AssessmentRules, Rules, Score, ScoreInput, rank_within_groups, score};
use luoshi_store::{AssessmentItem, Snapshot};

use crate::document::{Block, OfficialDocument, Section};
use crate::monthly::{Ledger, MonthlyBulletin};

/// Units that are not district governments are ranked together under this group.
pub const UNIT_GROUP: &str = "市直单位";

#[derive(Debug, Clone, PartialEq)]
pub struct RankLine {
    pub score: Score,
    /// Rank at the end of the quarter before, when there was one.
    pub previous_rank: Option<u32>,
}

impl RankLine {
    /// Places gained (positive) or lost since the quarter before.
    pub fn movement(&self) -> Option<i64> {
        Some(i64::from(self.previous_rank?) - i64::from(self.score.rank))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HalfYearReview {
    pub plan_title: String,
    pub year: i32,
    /// 1 or 2.
    pub half: u32,
    pub label: String,
    pub districts: Vec<RankLine>,
    pub units: Vec<RankLine>,
}

/// The half-year index: completion against pace (70) and reporting discipline (30); the office's
/// marks wait for the year-end assessment.
fn index_rules() -> AssessmentRules {
    AssessmentRules {
        completion_weight: 70.0,
        discipline_weight: 30.0,
        review_weight: 0.0,
        ..AssessmentRules::default()
    }
}

/// The monthly bulletins of January through `month`, which rankings and assessments read.
pub fn months_through(snapshot: &Snapshot, month: u32, rules: &Rules) -> Vec<MonthlyBulletin> {
    Ledger::through(snapshot, month).bulletins_through(month, rules)
}

/// Scores every unit after the last of `bulletins` (January onwards): its own targets (district
/// shares for districts, the targets it leads for units) measured against pace, and its late and
/// missing reports so far.
pub(crate) fn scores(
    snapshot: &Snapshot,
    bulletins: &[MonthlyBulletin],
    assess: &AssessmentRules,
    items: &[AssessmentItem],
) -> Vec<Score> {
    let Some(now) = bulletins.last() else {
        return Vec::new();
    };
    let month = now.month;
    let units = UnitIndex::new(snapshot);
    let mut inputs: HashMap<String, ScoreInput> = HashMap::new();
    let against_pace = |progress: Option<f64>, pace: f64| -> f64 {
        match progress {
            Some(p) if pace > 0.0 => (p / pace).min(1.0),
            Some(_) => 1.0,
            None => 0.0,
        }
    };
    for d in &now.districts {
        let group = if d.held_by_unit {
            Some(UNIT_GROUP.to_string())
        } else {
            units
                .district_group
                .get(d.district.as_str())
                .cloned()
                .flatten()
        };
        entry(&mut inputs, &d.district, group)
            .targets
            .push((1.0, against_pace(d.evaluation.progress, d.evaluation.pace)));
    }
    // A group's figure is credited to none of its members: each is scored on its own share.
    for t in now
        .targets
        .iter()
        .filter(|t| !t.aspirational && !t.group_led)
    {
        if units.district_of.contains_key(t.lead.as_str())
            || units.placeholder.contains(t.lead.as_str())
        {
            continue;
        }
        entry(&mut inputs, &t.lead, Some(UNIT_GROUP.to_string()))
            .targets
            .push((1.0, against_pace(t.evaluation.progress, t.evaluation.pace)));
    }
    // Tasks without a numeric target count for the units answering for them, by status.
    for t in &now.tasks {
        for (unit, status) in &t.answers {
            if units.placeholder.contains(unit.as_str()) {
                continue;
            }
            let (name, group) = units.subject(unit);
            entry(&mut inputs, &name, group)
                .targets
                .push((1.0, crate::tasks::credit(*status)));
        }
    }
    // Every unit and district with an assignment is scored, whatever else it has; names that
    // say no body (placeholders) never are.
    // Only the months each assignment was due in count: none before it took effect.
    let mut due: HashMap<String, u32> = HashMap::new();
    for a in snapshot.assignments.iter().filter(|a| !a.placeholder) {
        let owed = bulletins
            .iter()
            .filter(|b| a.months.contains(b.month))
            .count() as u32;
        if owed == 0 {
            continue;
        }
        let (name, group) = units.subject(&a.unit);
        entry(&mut inputs, &name, group);
        *due.entry(name).or_default() += owed;
    }
    // Reporting discipline, month by month, per unit (a district's reports are its government's).
    for b in bulletins {
        for m in &b.missing {
            if units.placeholder.contains(m.unit.as_str()) {
                continue;
            }
            let (name, group) = units.subject(&m.unit);
            entry(&mut inputs, &name, group).missing += m.tasks.len() as u32;
        }
    }
    for r in snapshot
        .reports
        .iter()
        .filter(|r| r.late && r.month <= month && r.status.is_reported())
    {
        let Some((unit, months)) = units.unit_of_assignment.get(&r.assignment_id) else {
            continue;
        };
        if !months.contains(r.month) {
            continue;
        }
        if units.placeholder.contains(unit) {
            continue;
        }
        let (name, group) = units.subject(unit);
        entry(&mut inputs, &name, group).late += 1;
    }
    // Without a numeric target of its own, completion is the share of its due reports it made:
    // a unit that reported nothing gets nothing, never full marks by default.
    for input in inputs.values_mut() {
        let owed = due.get(&input.name).copied().unwrap_or(0);
        input.fallback_completion = if owed == 0 {
            0.0
        } else {
            f64::from(owed.saturating_sub(input.missing)) / f64::from(owed)
        };
    }
    // The office's review marks (the latest per subject) and bonus and deduction items.
    for item in items {
        let Some(input) = inputs.get_mut(&item.subject) else {
            continue;
        };
        match item.kind.as_str() {
            "review" => input.review_mark = Some(item.points),
            "bonus" => input.adjustments.push((item.points, item.reason.clone())),
            _ => input.adjustments.push((-item.points, item.reason.clone())),
        }
    }
    let mut out: Vec<Score> = inputs.values().map(|i| score(i, assess)).collect();
    rank_within_groups(&mut out);
    out
}

/// The score input of `name`, created on first use.
fn entry<'a>(
    inputs: &'a mut HashMap<String, ScoreInput>,
    name: &str,
    group: Option<String>,
) -> &'a mut ScoreInput {
    inputs
        .entry(name.to_string())
        .or_insert_with(|| ScoreInput {
            name: name.to_string(),
            group,
            targets: Vec::new(),
            fallback_completion: 0.0,
            late: 0,
            missing: 0,
            review_mark: None,
            adjustments: Vec::new(),
        })
}

/// Who is who among the assigned units: district governments with their district and group,
/// and the unit behind each assignment.
struct UnitIndex<'a> {
    /// District government → (district, group).
    district_of: HashMap<&'a str, (&'a str, Option<String>)>,
    district_group: HashMap<&'a str, Option<String>>,
    /// Assignment → its unit and the months it is due in.
    unit_of_assignment: HashMap<i64, (&'a str, luoshi_reporting::Months)>,
    /// Names that say no body.
    placeholder: std::collections::HashSet<&'a str>,
}

impl<'a> UnitIndex<'a> {
    fn new(snapshot: &'a Snapshot) -> UnitIndex<'a> {
        let mut index = UnitIndex {
            district_of: HashMap::new(),
            district_group: HashMap::new(),
            unit_of_assignment: HashMap::new(),
            placeholder: Default::default(),
        };
        for a in snapshot.assignments.iter() {
            index
                .unit_of_assignment
                .insert(a.id, (a.unit.as_str(), a.months));
            if a.placeholder {
                index.placeholder.insert(a.unit.as_str());
            }
            if let Some(d) = &a.district {
                index
                    .district_of
                    .entry(a.unit.as_str())
                    .or_insert((d.as_str(), a.group.clone()));
                index
                    .district_group
                    .entry(d.as_str())
                    .or_insert(a.group.clone());
            }
        }
        index
    }

    /// The name a unit is ranked under (its district, for a district government) and its group.
    fn subject(&self, unit: &str) -> (String, Option<String>) {
        match self.district_of.get(unit) {
            Some((district, group)) => (district.to_string(), group.clone()),
            None => (unit.to_string(), Some(UNIT_GROUP.to_string())),
        }
    }
}

/// Districts and units ranked after the last of `months` (January onwards, see
/// [`months_through`]) by the half-year index (completion against pace and reporting
/// discipline), for dashboards.
pub fn ranking(snapshot: &Snapshot, months: &[MonthlyBulletin]) -> Vec<Score> {
    scores(snapshot, months, &index_rules(), &[])
}

impl HalfYearReview {
    /// The review of half `half` (1: January–June, 2: July–December).
    pub fn build(snapshot: &Snapshot, half: u32, rules: &Rules) -> Option<HalfYearReview> {
        if !(1..=2).contains(&half) {
            return None;
        }
        let month = half * 6;
        let months = months_through(snapshot, month, rules);
        let now = months.last().filter(|m| m.month == month)?;
        let index = index_rules();
        let quarter_before = months.len().saturating_sub(3);
        let before: HashMap<String, u32> = scores(snapshot, &months[..quarter_before], &index, &[])
            .into_iter()
            .map(|s| (s.name, s.rank))
            .collect();
        let lines: Vec<RankLine> = scores(snapshot, &months, &index, &[])
            .into_iter()
            .map(|s| RankLine {
                previous_rank: before.get(&s.name).copied(),
                score: s,
            })
            .collect();
        let (units, districts): (Vec<RankLine>, Vec<RankLine>) = lines
            .into_iter()
            .partition(|l| l.score.group.as_deref() == Some(UNIT_GROUP));
        Some(HalfYearReview {
            plan_title: now.plan_title.clone(),
            year: now.year,
            half,
            label: format!(
                "{}年{}",
                now.year,
                if half == 1 { "上半年" } else { "下半年" }
            ),
            districts,
            units,
        })
    }

    pub fn document(&self, issuer: &str, date: &str, demo: bool) -> OfficialDocument {
        let row = |l: &RankLine| {
            vec![
                l.score.group.clone().unwrap_or_default(),
                l.score.rank.to_string(),
                l.score.name.clone(),
                thousands(l.score.total),
                thousands(l.score.completion),
                thousands(l.score.discipline),
                match l.movement() {
                    Some(0) => "持平".to_string(),
                    Some(m) if m > 0 => format!("上升 {m} 位"),
                    Some(m) => format!("下降 {} 位", -m),
                    None => "—".to_string(),
                },
            ]
        };
        let headers = [
            "分组",
            "排名",
            "名称",
            "得分",
            "目标完成（70）",
            "报送纪律（30）",
            "较上季度",
        ]
        .map(String::from)
        .to_vec();
        let movers = |lines: &[RankLine]| -> Vec<String> {
            lines
                .iter()
                .filter_map(|l| l.movement().filter(|m| m.abs() >= 2).map(|m| (l, m)))
                .map(|(l, m)| {
                    format!(
                        "{}（{}）{} {} 位，现列第 {} 位。",
                        l.score.name,
                        l.score.group.clone().unwrap_or_default(),
                        if m > 0 { "上升" } else { "下降" },
                        m.abs(),
                        l.score.rank
                    )
                })
                .collect()
        };
        let mut moved = movers(&self.districts);
        moved.extend(movers(&self.units));
        OfficialDocument {
            title: format!("{}半年讲评", self.plan_title),
            subtitle: format!("（{}）", self.label),
            signature: vec![issuer.to_string(), date.to_string()],
            demo,
            issue: None,
            frame: None,
            foreword: None,
            sections: vec![
                Section {
                    heading: "讲评办法".into(),
                    blocks: vec![Block::Paragraph(
                        "各区在所在分组内排名、市直单位统一排名。得分由目标完成（70 分：各项指标完成率与序时进度之比，单项最高按 100% 计）和报送纪律（30 分：每迟报一次扣 1 分，每漏报一次扣 2 分）组成；协调办公室评议分在年度考核中计入。".into(),
                    )],
                },
                Section {
                    heading: "各区排名".into(),
                    blocks: vec![Block::Table { caption: "各区排名".into(), headers: headers.clone(), rows: self.districts.iter().map(row).collect() }],
                },
                Section {
                    heading: "市直单位排名".into(),
                    blocks: vec![Block::Table { caption: "市直单位排名".into(), headers, rows: self.units.iter().map(row).collect() }],
                },
                Section {
                    heading: "进退情况".into(),
                    blocks: vec![if moved.is_empty() { Block::Paragraph("与上季度末相比，排名均无 2 位以上的变化。".into()) } else { Block::Items(moved) }],
                },
            ],
        }
    }
}
