//! A simulated year of reports for demonstrations (`luoshi serve --demo`) and for testing the
//! cadence outputs end to end: some units ahead, some on pace, some lagging or seriously lagging,
//! some reporting late (after the office reopens the month) and some not at all. Deterministic:
//! the same plan gives the same year. The plan is marked 演示数据.

use luoshi_reporting::Day;
use luoshi_reporting::report::ReportAction;
use luoshi_store::{IndicatorSource, ReportInput, Store, StoreError, ValueInput};

/// How a unit behaves through the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    Ahead,
    OnPace,
    Lagging,
    SeriouslyLagging,
    /// On pace, but every third month after the due day.
    Late,
    /// Misses every fourth month.
    Missing,
}

impl Behaviour {
    /// Stable per unit name (FNV-1a), so a demo looks the same each time.
    pub fn of(unit: &str) -> Behaviour {
        let hash = unit.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        match hash % 20 {
            0..=3 => Behaviour::Ahead,
            4..=10 => Behaviour::OnPace,
            11..=14 => Behaviour::Lagging,
            15..=16 => Behaviour::SeriouslyLagging,
            17..=18 => Behaviour::Late,
            _ => Behaviour::Missing,
        }
    }

    /// The share of the year's value reached at the end of `month`.
    fn progress(self, month: u32) -> f64 {
        let pace = f64::from(month) / 12.0;
        match self {
            Behaviour::Ahead => (pace * 1.2).min(1.1),
            Behaviour::OnPace | Behaviour::Late | Behaviour::Missing => pace * 0.97,
            Behaviour::Lagging => pace * 0.75,
            Behaviour::SeriouslyLagging => pace * 0.4,
        }
    }

    fn reports_in(self, month: u32) -> bool {
        !(self == Behaviour::Missing && month.is_multiple_of(4))
    }

    fn late_in(self, month: u32) -> bool {
        self == Behaviour::Late && month.is_multiple_of(3)
    }
}

/// What the simulation wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Simulated {
    pub reports: usize,
    pub late: usize,
    pub missing: usize,
}

const ACTOR: &str = "演示数据";

/// Fills the plan's twelve months with simulated reports and marks it 演示数据.
pub async fn simulate_year(store: &Store, plan_id: i64) -> Result<Simulated, StoreError> {
    sign_for_everything(store, plan_id).await?;
    let done = simulate_months(store, plan_id, 1..=12).await?;
    let snapshot = store
        .snapshot_with(plan_id, luoshi_store::Texts::None, 0)
        .await?;
    enter_indicator_figures(store, plan_id, &snapshot.targets, ACTOR).await?;
    store.mark_demo(plan_id, ACTOR).await?;
    Ok(done)
}

/// Every unit signs for (签收) its assignments, as units do when a plan is handed out.
async fn sign_for_everything(store: &Store, plan_id: i64) -> Result<(), StoreError> {
    let mut by_unit: std::collections::BTreeMap<i64, Vec<i64>> = Default::default();
    for receipt in store.plan_receipts(plan_id).await? {
        if receipt.state.awaits_unit() {
            by_unit
                .entry(receipt.unit_id)
                .or_default()
                .push(receipt.assignment_id);
        }
    }
    for (unit, assignments) in by_unit {
        for batch in assignments.chunks(luoshi_store::MAX_ACKNOWLEDGE) {
            store.acknowledge(unit, batch, ACTOR).await?;
        }
    }
    Ok(())
}

/// Simulated reports for the months of `months` (1–12) from every assignment due in them, as
/// the plan stands now: a test can amend the plan between two runs.
pub async fn simulate_months(
    store: &Store,
    plan_id: i64,
    months: std::ops::RangeInclusive<u32>,
) -> Result<Simulated, StoreError> {
    let snapshot = store.snapshot(plan_id).await?;
    let mut done = Simulated::default();
    // Each assignment reports on the targets its form asks for (those it owns or holds a
    // share of), the same every month.
    let mut asked: std::collections::HashMap<i64, Vec<i64>> = std::collections::HashMap::new();
    // Leads of tasks without a numeric target confirm each month where they stand.
    let mut confirms: std::collections::HashSet<i64> = std::collections::HashSet::new();
    for a in snapshot.assignments.iter() {
        let first = snapshot
            .months
            .iter()
            .find(|p| Day::parse(&p.ends_on).is_some_and(|end| a.months.contains(end.month)));
        if let Some(first) = first {
            let form = store.report(first.id, a.id).await?;
            asked.insert(a.id, form.targets.iter().map(|t| t.target_id).collect());
            if form.asks_status {
                confirms.insert(a.id);
            }
        }
    }
    for period in &snapshot.months {
        let Some(end) = Day::parse(&period.ends_on) else {
            continue;
        };
        let month = end.month;
        if !months.contains(&month) {
            continue;
        }
        let mut on_time = Vec::new();
        let mut late = Vec::new();
        // Only the months each assignment is due in.
        for a in snapshot
            .assignments
            .iter()
            .filter(|a| a.months.contains(month))
        {
            let behaviour = Behaviour::of(&a.unit);
            if !behaviour.reports_in(month) {
                done.missing += 1;
                continue;
            }
            let owned = asked.get(&a.id).cloned().unwrap_or_default();
            let values = snapshot
                .targets
                .iter()
                .filter(|t| t.task_id == a.task_id && owned.contains(&t.id))
                .map(|t| {
                    let expected = a
                        .district
                        .as_ref()
                        .and_then(|d| {
                            snapshot
                                .shares
                                .iter()
                                .find(|s| s.target_id == t.id && &s.district == d)
                        })
                        .map(|s| s.value)
                        .or_else(|| {
                            // A responsible unit's own share.
                            snapshot
                                .unit_shares
                                .iter()
                                .find(|s| s.target_id == t.id && s.unit == a.unit)
                                .map(|s| s.value)
                                .filter(|_| a.district.is_none())
                        })
                        .unwrap_or(t.value);
                    let share = if t.qualifier == "at_most" {
                        0.8 * f64::from(month) / 12.0
                    } else {
                        behaviour.progress(month)
                    };
                    ValueInput {
                        target_id: t.id,
                        // One decimal, so that small targets (1 个) move too.
                        value: ((expected * share) * 10.0).round().max(0.0) / 10.0,
                        note: None,
                        confirmed: false,
                    }
                })
                .collect();
            let behind = matches!(behaviour, Behaviour::Lagging | Behaviour::SeriouslyLagging);
            let (task_status, status_reason) = match (confirms.contains(&a.id), behind) {
                (false, _) => (None, None),
                (true, true) => (
                    Some("behind".to_string()),
                    Some("前期手续办理慢于计划，正协调加快。".to_string()),
                ),
                (true, false) if month == 12 => (Some("done".to_string()), None),
                (true, false) => (Some("on_plan".to_string()), None),
            };
            let input = ReportInput {
                progress: format!(
                    "{}：{}按计划推进{}，本月完成阶段性工作。",
                    period.label, a.unit, a.task_title
                ),
                problems: if behind {
                    "项目推进慢于预期，部分企业申报材料准备不足。".into()
                } else {
                    String::new()
                },
                next_steps: "加强调度，逐项对账销号。".into(),
                coordination: if behaviour == Behaviour::SeriouslyLagging {
                    "请市财政局加快拨付专项资金。".into()
                } else {
                    String::new()
                },
                values,
                task_status,
                status_reason,
                version: 0,
            };
            if behaviour.late_in(month) {
                late.push((a.id, input, Vec::new()));
            } else {
                on_time.push((a.id, input, Vec::new()));
            }
        }
        let due = Day::parse(&period.due_on).unwrap_or(end);
        let before_due = Day {
            day: due.day.min(20),
            ..due
        };
        if !on_time.is_empty() {
            done.reports += store
                .save_reports(period.id, &on_time, ReportAction::Submit, before_due, ACTOR)
                .await?;
        }
        if !late.is_empty() {
            // The office reopens the month for a few days; what comes in then is late.
            store.reopen_period(period.id, Some(end), ACTOR).await?;
            let after_due = if due < end { end } else { due };
            let saved = store
                .save_reports(period.id, &late, ReportAction::Submit, after_due, ACTOR)
                .await?;
            store.reopen_period(period.id, None, ACTOR).await?;
            done.reports += saved;
            done.late += saved;
        }
    }
    Ok(done)
}

/// The headline indicators no task target states (growth rates, shares, totals the statistics
/// bureau keeps) get twelve months of entered figures, so the demo's 主要目标 are all charted.
async fn enter_indicator_figures(
    store: &Store,
    plan_id: i64,
    targets: &[luoshi_store::SnapTarget],
    actor: &str,
) -> Result<(), StoreError> {
    for indicator in store.indicators(plan_id).await? {
        if crate::indicators::matching_target(
            &indicator.name,
            indicator.value,
            &indicator.unit,
            targets,
        )
        .is_some()
        {
            continue;
        }
        store
            .set_indicator_source(indicator.id, IndicatorSource::Entered, actor)
            .await?;
        let behaviour = Behaviour::of(&indicator.name);
        let figures: Vec<(u32, Option<f64>)> = (1..=12)
            .map(|month| {
                let figure = if indicator.unit == "%" {
                    // A rate climbs towards its level through the year.
                    indicator.value
                        * (behaviour.progress(12) * (0.85 + 0.15 * f64::from(month) / 12.0))
                } else {
                    indicator.value * behaviour.progress(month)
                };
                (month, Some((figure * 100.0).round() / 100.0))
            })
            .collect();
        store
            .set_indicator_values(indicator.id, &figures, actor)
            .await?;
    }
    Ok(())
}
