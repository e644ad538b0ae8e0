//! The monthly dispatch bulletin (调度通报): after a month closes, which targets lag and seriously
//! lag (with their lead units and what they report as problems), what was raised for
//! coordination, who did not report, what was completed, and where the year is heading.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::Serialize;

use luoshi_evaluation::{Evaluation, Qualifier, Rules, Status, TargetSpec, evaluate, forecast};
use luoshi_store::{SnapAssignment, SnapReport, SnapShare, SnapTarget, Snapshot};

/// One target's line in the bulletin.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TargetLine {
    pub target_id: i64,
    pub task_id: i64,
    pub path: String,
    pub task_title: String,
    pub target: String,
    /// The lead unit; for a task led by a group of districts, the group in words.
    pub lead: String,
    /// Led by a group of districts: the figure is the sum of their shares, credited to none.
    #[serde(default)]
    pub group_led: bool,
    pub value: f64,
    pub unit: String,
    pub actual: Option<f64>,
    pub evaluation: Evaluation,
    pub warning: Option<String>,
    /// The year-end value at the course of the last three months, when forecast.
    pub projected: Option<f64>,
    /// What the lead unit reported as problems this month.
    pub problems: String,
    pub aspirational: bool,
}

/// A district's own share of a target.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct DistrictLine {
    pub target_id: i64,
    pub task_id: i64,
    /// A 分别 target: the district's line is the target itself (there is no city line).
    #[serde(default)]
    pub per_each: bool,
    /// Held by a responsible unit (`district` is then the unit's name), not a district.
    #[serde(default)]
    pub held_by_unit: bool,
    pub district: String,
    pub path: String,
    pub target: String,
    pub share: f64,
    pub actual: Option<f64>,
    pub unit: String,
    pub evaluation: Evaluation,
}

/// A problem or request for coordination raised in a report.
#[derive(Debug, Clone, PartialEq)]
pub struct RaisedLine {
    pub unit: String,
    pub path: String,
    pub problems: String,
    pub coordination: String,
}

/// A unit's missing reports.
#[derive(Debug, Clone, PartialEq)]
pub struct MissingLine {
    pub unit: String,
    pub tasks: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonthlyBulletin {
    pub plan_title: String,
    pub doc_number: Option<String>,
    pub year: i32,
    /// 1–12.
    pub month: u32,
    pub period_label: String,
    pub targets: Vec<TargetLine>,
    pub districts: Vec<DistrictLine>,
    pub raised: Vec<RaisedLine>,
    pub missing: Vec<MissingLine>,
    /// Targets completed this month (not yet completed last month).
    pub completed: Vec<TargetLine>,
    /// Tasks without a numeric target, by their lead's word, deadline and 销号.
    pub tasks: Vec<crate::tasks::TaskLine>,
    pub reports_due: usize,
    pub reports_in: usize,
    pub reports_late: usize,
}

fn spec(target: &SnapTarget, milestones: &FxHashMap<i64, Vec<(u32, f64)>>) -> TargetSpec {
    TargetSpec {
        aspirational: target.aspirational,
        milestones: milestones.get(&target.id).cloned().unwrap_or_default(),
        start: target.months.first().unwrap_or(13),
        ..TargetSpec::new(target.value, Qualifier::parse(&target.qualifier))
    }
}

/// A snapshot indexed once, so that the twelve bulletins of a year (rankings, the assessment,
/// the dashboard's trend) share one pass over a province-scale ledger instead of one each.
/// Every lookup takes the month: an amendment changes who answers from its effective month on,
/// and the months before are read as they were.
pub struct Ledger<'a> {
    snapshot: &'a Snapshot,
    /// The last month indexed.
    last: u32,
    /// Task → who can answer for the whole: its leads, then the others, in plan order.
    answerers: FxHashMap<i64, Vec<&'a SnapAssignment>>,
    /// Task → its district-government leads. While more than one is in force the task is led
    /// by a group of districts (各区人民政府): no member answers for the whole; the city's
    /// figure is the sum of the districts' shares.
    district_leads: FxHashMap<i64, Vec<&'a SnapAssignment>>,
    /// Target → the districts' shares of it.
    share_holders: FxHashMap<i64, Vec<&'a SnapShare>>,
    by_district: FxHashMap<(i64, &'a str), Vec<&'a SnapAssignment>>,
    /// `(task, unit)` → the unit's responsible assignments (not district governments').
    by_unit: FxHashMap<(i64, &'a str), Vec<&'a SnapAssignment>>,
    milestones: FxHashMap<i64, Vec<(u32, f64)>>,
    targets_by_id: FxHashMap<i64, &'a SnapTarget>,
    /// Assignment → the report that counts each month (submitted or accepted, in a month the
    /// assignment is due), January first.
    reported: FxHashMap<i64, [Option<&'a SnapReport>; 12]>,
    /// `(assignment, target)` → the cumulative value reported each month, January first; NaN
    /// where none was (stored values are always finite).
    values: FxHashMap<(i64, i64), [f64; 12]>,
}

/// `1..=12` → `0..12`; anything else is no month of the year.
fn slot(month: u32) -> Option<usize> {
    (1..=12).contains(&month).then(|| month as usize - 1)
}

/// The first of `candidates` due in `month`.
fn in_force<'a>(
    candidates: Option<&Vec<&'a SnapAssignment>>,
    month: u32,
) -> Option<&'a SnapAssignment> {
    candidates?
        .iter()
        .find(|a| a.months.contains(month))
        .copied()
}

impl<'a> Ledger<'a> {
    /// Every month of the snapshot indexed.
    pub fn new(snapshot: &'a Snapshot) -> Ledger<'a> {
        Ledger::through(snapshot, 12)
    }

    /// January through `last` indexed: enough for that month's bulletin and every one before.
    pub fn through(snapshot: &'a Snapshot, last: u32) -> Ledger<'a> {
        let mut answerers: FxHashMap<i64, Vec<&SnapAssignment>> = FxHashMap::default();
        let mut by_district: FxHashMap<(i64, &str), Vec<&SnapAssignment>> = FxHashMap::default();
        let mut district_leads: FxHashMap<i64, Vec<&SnapAssignment>> = FxHashMap::default();
        let mut by_unit: FxHashMap<(i64, &str), Vec<&SnapAssignment>> = FxHashMap::default();
        let mut due: FxHashMap<i64, &SnapAssignment> =
            FxHashMap::with_capacity_and_hasher(snapshot.assignments.len(), Default::default());
        for a in snapshot.assignments.iter() {
            due.insert(a.id, a);
            if a.role == "lead" && a.district.is_some() {
                district_leads.entry(a.task_id).or_default().push(a);
            }
            answerers.entry(a.task_id).or_default().push(a);
            if a.district.is_none() && a.role == "responsible" {
                by_unit
                    .entry((a.task_id, a.unit.as_str()))
                    .or_default()
                    .push(a);
            }
            if let Some(d) = &a.district {
                by_district
                    .entry((a.task_id, d.as_str()))
                    .or_default()
                    .push(a);
            }
        }
        for candidates in answerers.values_mut() {
            candidates.sort_by_key(|a| a.role != "lead");
        }
        let mut milestones: FxHashMap<i64, Vec<(u32, f64)>> = FxHashMap::default();
        for (target, month, fraction) in snapshot.milestones.iter() {
            milestones
                .entry(*target)
                .or_default()
                .push((*month, *fraction));
        }
        let mut reported: FxHashMap<i64, [Option<&SnapReport>; 12]> =
            FxHashMap::with_capacity_and_hasher(snapshot.assignments.len(), Default::default());
        for r in &snapshot.reports {
            let counts = r.status.is_reported()
                && r.month <= last
                && due
                    .get(&r.assignment_id)
                    .is_some_and(|a| a.months.contains(r.month));
            if let (Some(i), true) = (slot(r.month), counts) {
                reported.entry(r.assignment_id).or_insert([None; 12])[i] = Some(r);
            }
        }
        // Only values that can answer for a target are evaluated: those of the assignments that
        // answer for a task, and districts' (their shares).
        let mut values: FxHashMap<(i64, i64), [f64; 12]> =
            FxHashMap::with_capacity_and_hasher(snapshot.values.len() / 8, Default::default());
        for v in &snapshot.values {
            if !reported.contains_key(&v.assignment_id) {
                continue;
            }
            if let Some(i) = slot(v.month).filter(|_| v.month <= last) {
                values
                    .entry((v.assignment_id, v.target_id))
                    .or_insert([f64::NAN; 12])[i] = v.value;
            }
        }
        let mut share_holders: FxHashMap<i64, Vec<&SnapShare>> = FxHashMap::default();
        for share in snapshot.shares.iter() {
            share_holders
                .entry(share.target_id)
                .or_default()
                .push(share);
        }
        Ledger {
            snapshot,
            last,
            answerers,
            district_leads,
            share_holders,
            by_district,
            by_unit,
            milestones,
            targets_by_id: snapshot.targets.iter().map(|t| (t.id, t)).collect(),
            reported,
            values,
        }
    }

    /// Who answers for `task` as a whole in `month`: its lead (or, without one, the first unit
    /// assigned), none while a group of districts leads it.
    pub fn answering(&self, task: i64, month: u32) -> Option<&'a SnapAssignment> {
        in_force(self.answerers.get(&task), month)
    }

    /// How many districts lead `task` together in `month`, when more than one does.
    pub fn group_led(&self, task: i64, month: u32) -> Option<usize> {
        let n = self
            .district_leads
            .get(&task)?
            .iter()
            .filter(|a| a.months.contains(month))
            .count();
        (n > 1).then_some(n)
    }

    /// The district-government leads of `task` due in `month`.
    pub(crate) fn district_leads_in(&self, task: i64, month: u32) -> Vec<&'a SnapAssignment> {
        self.district_leads
            .get(&task)
            .into_iter()
            .flatten()
            .filter(|a| a.months.contains(month))
            .copied()
            .collect()
    }

    /// The report of `assignment` that counts in `month`.
    pub(crate) fn report_of(&self, assignment: i64, month: u32) -> Option<&'a SnapReport> {
        self.report(assignment, month)
    }

    /// The assignment of `district` on `task` in `month`.
    fn of_district(&self, task: i64, district: &str, month: u32) -> Option<&'a SnapAssignment> {
        in_force(self.by_district.get(&(task, district)), month)
    }

    /// The report of `assignment` that counts in `month`.
    fn report(&self, assignment: i64, month: u32) -> Option<&'a SnapReport> {
        self.reported.get(&assignment)?[slot(month)?]
    }

    /// The cumulative value of `target` reported by a lead or district `assignment` in `month`:
    /// none without a report that counts, zero when the report left the target blank.
    pub fn value_at(&self, assignment: i64, month: u32, target: i64) -> Option<f64> {
        self.report(assignment, month)?;
        Some(
            self.values
                .get(&(assignment, target))
                .and_then(|months| Some(months[slot(month)?]))
                .filter(|v| !v.is_nan())
                .unwrap_or(0.0),
        )
    }

    /// `(month, value)` for every month through `month` with a report that counts.
    pub fn trajectory(&self, assignment: i64, target: i64, month: u32) -> Vec<(u32, f64)> {
        // Both lookups once, not once a month: every target's forecast reads its trajectory.
        let Some(reports) = self.reported.get(&assignment) else {
            return Vec::new();
        };
        let values = self.values.get(&(assignment, target));
        (1..=month.min(self.last))
            .filter_map(|m| {
                let i = slot(m)?;
                reports[i]?;
                let value = values.map_or(f64::NAN, |v| v[i]);
                Some((m, if value.is_nan() { 0.0 } else { value }))
            })
            .collect()
    }

    /// The year the plan's goals are for.
    pub(crate) fn plan_year(&self) -> Option<i64> {
        self.snapshot.plan.year
    }

    /// The plan's numeric targets, in plan order.
    pub fn targets(&self) -> &'a [SnapTarget] {
        &self.snapshot.targets
    }

    /// The lead assignment of `task` as the last month indexed has it.
    pub fn lead(&self, task: i64) -> Option<&'a SnapAssignment> {
        self.answering(task, self.last)
    }

    /// The evaluation spec of `target` (its milestones included).
    pub fn spec(&self, target: &SnapTarget) -> TargetSpec {
        spec(target, &self.milestones)
    }

    /// The bulletins of January through `month`, which rankings, assessments and trends read.
    pub fn bulletins_through(&self, month: u32, rules: &Rules) -> Vec<MonthlyBulletin> {
        (1..=month)
            .filter_map(|m| self.bulletin(m, rules))
            .collect()
    }

    /// The bulletin for `month` (1–12; none past the months indexed).
    pub fn bulletin(&self, month: u32, rules: &Rules) -> Option<MonthlyBulletin> {
        if month > self.last {
            return None;
        }
        MonthlyBulletin::from_ledger(self, month, rules)
    }
}

impl MonthlyBulletin {
    /// The bulletin for `month` (1–12) of the snapshot's plan.
    pub fn build(snapshot: &Snapshot, month: u32, rules: &Rules) -> Option<MonthlyBulletin> {
        Ledger::through(snapshot, month).bulletin(month, rules)
    }

    fn from_ledger(ledger: &Ledger, month: u32, rules: &Rules) -> Option<MonthlyBulletin> {
        let snapshot = ledger.snapshot;
        let period = snapshot
            .months
            .iter()
            .find(|p| p.key.get(5..7).and_then(|m| m.parse().ok()) == Some(month))?;
        let year = period
            .key
            .get(..4)
            .and_then(|y| y.parse().ok())
            .unwrap_or(0);
        let milestones = &ledger.milestones;
        let targets_by_id = &ledger.targets_by_id;
        let value_at =
            |assignment: i64, m: u32, target: i64| ledger.value_at(assignment, m, target);
        let mut targets = Vec::new();
        let mut completed = Vec::new();
        // Only what is due this month: a target, share or assignment that takes effect later,
        // or was ended by an amendment before, is not in this month's bulletin.
        for target in snapshot.targets.iter().filter(|t| t.months.contains(month)) {
            if target.per_each {
                // A 分别 target belongs to each member of its group, and only to them: each
                // district's own line (below) is the target; no city line credits the lead.
                continue;
            }
            // Who answers for the whole in month `m`: the lead unit, or for a group of
            // districts the sum of the shares they reported (none of them alone).
            let city_value = |m: u32| -> Option<f64> {
                if ledger.group_led(target.task_id, m).is_none() {
                    return value_at(ledger.answering(target.task_id, m)?.id, m, target.id);
                }
                let reported: Vec<f64> = ledger
                    .share_holders
                    .get(&target.id)
                    .into_iter()
                    .flatten()
                    .filter(|share| share.months.contains(m))
                    .filter_map(|share| {
                        let a = ledger.of_district(target.task_id, &share.district, m)?;
                        value_at(a.id, m, target.id)
                    })
                    .collect();
                (!reported.is_empty()).then(|| reported.iter().sum())
            };
            let group = ledger.group_led(target.task_id, month);
            let lead = ledger.answering(target.task_id, month);
            if group.is_none() && lead.is_none() {
                continue;
            }
            let spec = spec(target, milestones);
            let actual = city_value(month);
            let evaluation = evaluate(&spec, actual, month, rules);
            let course = match (group, lead) {
                (None, Some(lead)) if evaluation.status != Status::Completed => forecast(
                    &ledger.trajectory(lead.id, target.id, month),
                    target.value,
                    spec.qualifier,
                    &target.unit,
                ),
                _ => None,
            };
            let projected = course.as_ref().map(|f| f.projected);
            let warning = course.and_then(|f| f.warning);
            let problems = match (group, lead) {
                (None, Some(lead)) => ledger
                    .report(lead.id, month)
                    .map(|r| r.problems.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            let line = TargetLine {
                target_id: target.id,
                task_id: target.task_id,
                path: target.task_path.clone(),
                task_title: target.task_title.clone(),
                target: target.text.clone(),
                lead: match (group, lead) {
                    (Some(n), _) => format!("{n} 个区（各报本区份额）"),
                    (None, Some(lead)) => lead.unit.clone(),
                    (None, None) => String::new(),
                },
                group_led: group.is_some(),
                value: target.value,
                unit: target.unit.clone(),
                actual,
                evaluation: evaluation.clone(),
                warning,
                projected,
                problems,
                aspirational: target.aspirational,
            };
            if evaluation.status == Status::Completed {
                let before = (month > 1 && target.months.contains(month - 1))
                    .then(|| city_value(month - 1))
                    .flatten()
                    .map(|v| evaluate(&spec, Some(v), month - 1, rules).status);
                if before != Some(Status::Completed) {
                    completed.push(line.clone());
                }
            }
            targets.push(line);
        }
        // Districts' own shares.
        let mut districts = Vec::new();
        for share in snapshot.shares.iter().filter(|s| s.months.contains(month)) {
            let Some(target) = targets_by_id
                .get(&share.target_id)
                .copied()
                .filter(|t| t.months.contains(month))
            else {
                continue;
            };
            let Some(assignment) = ledger.of_district(target.task_id, &share.district, month)
            else {
                continue;
            };
            let spec = TargetSpec {
                value: share.value,
                ..spec(target, milestones)
            };
            let actual = value_at(assignment.id, month, target.id);
            districts.push(DistrictLine {
                held_by_unit: false,
                target_id: target.id,
                task_id: target.task_id,
                per_each: target.per_each,
                district: share.district.clone(),
                path: target.task_path.clone(),
                target: target.text.clone(),
                share: share.value,
                actual,
                unit: target.unit.clone(),
                evaluation: evaluate(&spec, actual, month, rules),
            });
        }
        // Responsible units' shares.
        for share in snapshot
            .unit_shares
            .iter()
            .filter(|s| s.months.contains(month))
        {
            let Some(target) = targets_by_id
                .get(&share.target_id)
                .copied()
                .filter(|t| t.months.contains(month))
            else {
                continue;
            };
            let Some(assignment) = in_force(
                ledger.by_unit.get(&(target.task_id, share.unit.as_str())),
                month,
            ) else {
                continue;
            };
            let spec = TargetSpec {
                value: share.value,
                ..spec(target, milestones)
            };
            let actual = value_at(assignment.id, month, target.id);
            districts.push(DistrictLine {
                held_by_unit: true,
                target_id: target.id,
                task_id: target.task_id,
                per_each: false,
                district: share.unit.clone(),
                path: target.task_path.clone(),
                target: target.text.clone(),
                share: share.value,
                actual,
                unit: target.unit.clone(),
                evaluation: evaluate(&spec, actual, month, rules),
            });
        }
        let mut raised = Vec::new();
        let mut missing: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let (mut due, mut arrived, mut late) = (0, 0, 0);
        for a in snapshot
            .assignments
            .iter()
            .filter(|a| a.months.contains(month))
        {
            due += 1;
            let path = format!("{} {}", a.task_path, a.task_title);
            match ledger.report(a.id, month) {
                Some(r) => {
                    arrived += 1;
                    if r.late {
                        late += 1;
                    }
                    if !r.problems.trim().is_empty() || !r.coordination.trim().is_empty() {
                        raised.push(RaisedLine {
                            unit: a.unit.clone(),
                            path: a.task_path.clone(),
                            problems: r.problems.trim().to_string(),
                            coordination: r.coordination.trim().to_string(),
                        });
                    }
                }
                None => missing.entry(a.unit.clone()).or_default().push(path),
            }
        }
        Some(MonthlyBulletin {
            plan_title: snapshot
                .plan
                .plan_title
                .clone()
                .or(snapshot.plan.title.clone())
                .unwrap_or_else(|| snapshot.plan.source_name.clone()),
            doc_number: snapshot.plan.doc_number.clone(),
            year,
            month,
            period_label: period.label.clone(),
            targets,
            districts,
            raised,
            missing: missing
                .into_iter()
                .map(|(unit, tasks)| MissingLine { unit, tasks })
                .collect(),
            completed,
            tasks: crate::tasks::lines(ledger, &snapshot.tasks, month, year),
            reports_due: due,
            reports_in: arrived,
            reports_late: late,
        })
    }

    /// Counts of non-aspirational targets by status, in the order of [`Status::ALL`].
    pub fn counts(&self) -> Vec<(Status, usize)> {
        Status::ALL
            .iter()
            .map(|s| {
                (
                    *s,
                    self.targets
                        .iter()
                        .filter(|t| !t.aspirational && t.evaluation.status == *s)
                        .count(),
                )
            })
            .collect()
    }

    pub(crate) fn with_status(&self, statuses: &[Status]) -> Vec<&TargetLine> {
        self.targets
            .iter()
            .filter(|t| !t.aspirational && statuses.contains(&t.evaluation.status))
            .collect()
    }
}
