//! Pace (序时进度) and status. Pace after `m` closed months is `m / 12` of the year's value unless
//! milestones (节点) set on the target say otherwise; the gap is pace minus progress in percentage
//! points, and the gap decides the status.

use serde::{Deserialize, Serialize};

/// The thresholds, configurable per plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Rules {
    /// On pace while the gap is at most this many points (DESIGN: 10).
    pub on_pace_gap: f64,
    /// Seriously lagging beyond this many points (DESIGN: 30); lagging in between.
    pub serious_gap: f64,
    /// A target not started is lagging once pace is above zero, seriously lagging after this
    /// many months (DESIGN: 3).
    pub not_started_serious_after: u32,
    /// `about` targets are met within this fraction either side (DESIGN: 0.10).
    pub about_tolerance: f64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            on_pace_gap: 10.0,
            serious_gap: 30.0,
            not_started_serious_after: 3,
            about_tolerance: 0.10,
        }
    }
}

/// How a target's number is meant (以上 / 左右 / 超过 / 不超过 / 1—2 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Qualifier {
    AtLeast,
    Exact,
    MoreThan,
    About,
    Range,
    AtMost,
}

impl Qualifier {
    /// The names the ledger stores; anything unknown reads as `exact`.
    pub fn parse(text: &str) -> Qualifier {
        match text {
            "at_least" => Qualifier::AtLeast,
            "more_than" => Qualifier::MoreThan,
            "about" => Qualifier::About,
            "range" => Qualifier::Range,
            "at_most" => Qualifier::AtMost,
            _ => Qualifier::Exact,
        }
    }
}

/// A numeric target as evaluation sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetSpec {
    /// The year's value (for a range, its lower end).
    pub value: f64,
    pub qualifier: Qualifier,
    /// 力争/争取: evaluated the same, shown apart and left out of roll-ups.
    pub aspirational: bool,
    /// Milestones (节点): `(month, fraction of the value due by the end of that month)`, in any
    /// order. Empty: stepped by month.
    pub milestones: Vec<(u32, f64)>,
    /// The first month the target is due in (1–12): a plan published in June is paced over
    /// June–December, its earlier months neither expected nor counted.
    #[serde(default = "january")]
    pub start: u32,
}

fn january() -> u32 {
    1
}

impl TargetSpec {
    pub fn new(value: f64, qualifier: Qualifier) -> TargetSpec {
        TargetSpec {
            value,
            qualifier,
            aspirational: false,
            milestones: Vec::new(),
            start: 1,
        }
    }
}

/// Where a target, task, unit or district stands.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    // Ordered from best to worst, so that `max` is the worst.
    Completed,
    OnPace,
    Lagging,
    NotStarted,
    SeriouslyLagging,
    NotReported,
}

impl Status {
    pub const ALL: [Status; 6] = [
        Status::Completed,
        Status::OnPace,
        Status::Lagging,
        Status::NotStarted,
        Status::SeriouslyLagging,
        Status::NotReported,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Status::Completed => "已完成",
            Status::OnPace => "符合序时进度",
            Status::Lagging => "滞后",
            Status::NotStarted => "未启动",
            Status::SeriouslyLagging => "严重滞后",
            Status::NotReported => "未报送",
        }
    }

    /// The traffic light offices colour tables with.
    pub fn colour(self) -> &'static str {
        match self {
            Status::Completed | Status::OnPace => "green",
            Status::Lagging | Status::NotStarted => "yellow",
            Status::SeriouslyLagging | Status::NotReported => "red",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::OnPace => "on_pace",
            Status::Lagging => "lagging",
            Status::NotStarted => "not_started",
            Status::SeriouslyLagging => "seriously_lagging",
            Status::NotReported => "not_reported",
        }
    }

    pub fn is_behind(self) -> bool {
        matches!(
            self,
            Status::Lagging | Status::NotStarted | Status::SeriouslyLagging
        )
    }
}

/// The worst of several statuses (a task is as late as its latest target), or `None` for none.
pub fn worst(statuses: impl IntoIterator<Item = Status>) -> Option<Status> {
    statuses.into_iter().max()
}

/// The fraction of the year's value expected after `months` closed months (0–12).
pub fn pace(months: u32, milestones: &[(u32, f64)]) -> f64 {
    pace_from(1, months, milestones)
}

/// The fraction expected at the end of month `months` of a target due from month `start`:
/// stepped by month over `start`–December unless milestones say otherwise.
pub fn pace_from(start: u32, months: u32, milestones: &[(u32, f64)]) -> f64 {
    let months = months.min(12);
    if milestones.is_empty() {
        let start = start.clamp(1, 12);
        let elapsed = (months + 1).saturating_sub(start);
        return f64::from(elapsed) / f64::from(13 - start);
    }
    // The latest milestone already due; before the first one nothing is expected.
    milestones
        .iter()
        .filter(|(month, _)| *month <= months)
        .max_by_key(|(month, _)| *month)
        .map_or(0.0, |(_, fraction)| fraction.clamp(0.0, 1.0))
}

/// A target's standing after `months` closed months.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub status: Status,
    /// Expected fraction of the value, 0–1.
    pub pace: f64,
    /// Reached fraction of the value (may exceed 1), when reported.
    pub progress: Option<f64>,
    /// Pace minus progress, in percentage points (positive: behind).
    pub gap: Option<f64>,
}

/// Rounds away float noise (0.5 − 0.2 is 0.30000000000000004) so that boundaries hold exactly.
fn points(fraction: f64) -> f64 {
    (fraction * 100.0 * 1e6).round() / 1e6
}

/// Whether `actual` meets the target.
fn met(spec: &TargetSpec, actual: f64, rules: &Rules) -> bool {
    let v = spec.value;
    match spec.qualifier {
        Qualifier::AtLeast | Qualifier::Exact | Qualifier::Range => actual >= v,
        Qualifier::MoreThan => actual > v,
        Qualifier::About => (actual - v).abs() <= rules.about_tolerance * v.abs() || actual >= v,
        Qualifier::AtMost => actual <= v,
    }
}

/// Evaluates one target: `actual` is the cumulative value reported (None: no report although one
/// was due), after `months` closed months.
pub fn evaluate(spec: &TargetSpec, actual: Option<f64>, months: u32, rules: &Rules) -> Evaluation {
    let pace = pace_from(spec.start, months, &spec.milestones);
    // Months counted for a target not started: those since it became due.
    let months = (months + 1).saturating_sub(spec.start.max(1));
    let Some(actual) = actual else {
        return Evaluation {
            status: Status::NotReported,
            pace,
            progress: None,
            gap: None,
        };
    };
    // A ceiling (不超过) is kept or broken; there is no pace towards it.
    if spec.qualifier == Qualifier::AtMost {
        let status = if met(spec, actual, rules) {
            Status::Completed
        } else {
            Status::SeriouslyLagging
        };
        return Evaluation {
            status,
            pace,
            progress: (spec.value != 0.0).then(|| actual / spec.value),
            gap: None,
        };
    }
    let progress = if spec.value > 0.0 {
        actual / spec.value
    } else {
        1.0
    };
    let gap = points(pace) - points(progress);
    let status = if met(spec, actual, rules) {
        Status::Completed
    } else if actual <= 0.0 {
        if pace <= 0.0 {
            Status::OnPace
        } else if months > rules.not_started_serious_after {
            Status::SeriouslyLagging
        } else {
            Status::NotStarted
        }
    } else if gap <= rules.on_pace_gap {
        Status::OnPace
    } else if gap <= rules.serious_gap {
        Status::Lagging
    } else {
        Status::SeriouslyLagging
    };
    Evaluation {
        status,
        pace,
        progress: Some(progress),
        gap: Some(gap),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(percent: f64) -> Status {
        // A target of 100 after June (pace 50 %).
        evaluate(
            &TargetSpec::new(100.0, Qualifier::AtLeast),
            Some(percent),
            6,
            &Rules::default(),
        )
        .status
    }

    #[test]
    fn a_target_due_from_june_is_paced_over_june_to_december() {
        assert_eq!(pace_from(6, 5, &[]), 0.0);
        assert!((pace_from(6, 6, &[]) - 1.0 / 7.0).abs() < 1e-12);
        assert_eq!(pace_from(6, 12, &[]), 1.0);
        assert_eq!(pace_from(1, 6, &[]), pace(6, &[]));
        let june = TargetSpec {
            start: 6,
            ..TargetSpec::new(70.0, Qualifier::AtLeast)
        };
        // Nothing is expected before the target is due, so nothing lags.
        assert_eq!(
            evaluate(&june, Some(0.0), 5, &Rules::default()).status,
            Status::OnPace
        );
        // 15 of 70 after two of seven months (pace 28.6 %, progress 21.4 %): on pace, where a
        // January start (pace 58.3 %) would call it seriously lagging.
        assert_eq!(
            evaluate(&june, Some(15.0), 7, &Rules::default()).status,
            Status::OnPace
        );
        assert_eq!(
            evaluate(
                &TargetSpec::new(70.0, Qualifier::AtLeast),
                Some(15.0),
                7,
                &Rules::default()
            )
            .status,
            Status::SeriouslyLagging
        );
        // Not started: seriously lagging only after more than three months since it became due.
        assert_eq!(
            evaluate(&june, Some(0.0), 8, &Rules::default()).status,
            Status::NotStarted
        );
        assert_eq!(
            evaluate(&june, Some(0.0), 9, &Rules::default()).status,
            Status::SeriouslyLagging
        );
    }

    #[test]
    fn the_gap_rule_after_june() {
        assert_eq!(pace(6, &[]), 0.5);
        assert_eq!(at(41.0), Status::OnPace, "gap 9");
        assert_eq!(at(38.0), Status::Lagging, "gap 12");
        assert_eq!(at(19.0), Status::SeriouslyLagging, "gap 31");
        // Gap exactly 10 is still on pace; exactly 30 is still (only) lagging.
        assert_eq!(at(40.0), Status::OnPace, "gap 10");
        assert_eq!(at(39.9), Status::Lagging, "gap 10.1");
        assert_eq!(at(20.0), Status::Lagging, "gap 30");
        assert_eq!(at(19.9), Status::SeriouslyLagging, "gap 30.1");
        assert_eq!(at(100.0), Status::Completed);
        assert_eq!(at(60.0), Status::OnPace, "ahead of pace");
        let e = evaluate(
            &TargetSpec::new(2000.0, Qualifier::AtLeast),
            Some(760.0),
            6,
            &Rules::default(),
        );
        assert_eq!((e.gap, e.progress), (Some(12.0), Some(0.38)));
    }

    #[test]
    fn not_started_and_not_reported() {
        let spec = TargetSpec::new(10.0, Qualifier::AtLeast);
        let rules = Rules::default();
        assert_eq!(
            evaluate(&spec, Some(0.0), 0, &rules).status,
            Status::OnPace,
            "nothing due yet"
        );
        assert_eq!(
            evaluate(&spec, Some(0.0), 1, &rules).status,
            Status::NotStarted
        );
        assert_eq!(
            evaluate(&spec, Some(0.0), 3, &rules).status,
            Status::NotStarted
        );
        assert_eq!(
            evaluate(&spec, Some(0.0), 4, &rules).status,
            Status::SeriouslyLagging
        );
        assert_eq!(evaluate(&spec, None, 4, &rules).status, Status::NotReported);
        assert_eq!(Status::NotStarted.colour(), "yellow");
    }

    #[test]
    fn qualifiers() {
        let rules = Rules::default();
        let eval =
            |q, actual| evaluate(&TargetSpec::new(100.0, q), Some(actual), 12, &rules).status;
        assert_eq!(eval(Qualifier::AtLeast, 100.0), Status::Completed);
        assert_eq!(
            eval(Qualifier::MoreThan, 100.0),
            Status::OnPace,
            "超过 needs more"
        );
        assert_eq!(eval(Qualifier::MoreThan, 100.5), Status::Completed);
        assert_eq!(
            eval(Qualifier::About, 90.0),
            Status::Completed,
            "左右: within 10 %"
        );
        assert_eq!(eval(Qualifier::About, 89.0), Status::Lagging, "gap 11");
        assert_eq!(eval(Qualifier::About, 115.0), Status::Completed);
        assert_eq!(
            eval(Qualifier::Range, 100.0),
            Status::Completed,
            "a range is met at its lower end"
        );
        assert_eq!(eval(Qualifier::AtMost, 80.0), Status::Completed);
        assert_eq!(
            eval(Qualifier::AtMost, 101.0),
            Status::SeriouslyLagging,
            "a broken ceiling"
        );
        assert_eq!(Qualifier::parse("at_most"), Qualifier::AtMost);
        assert_eq!(Qualifier::parse("whatever"), Qualifier::Exact);
    }

    #[test]
    fn milestones_replace_the_monthly_steps() {
        // Half by the end of September, all by December.
        let milestones = [(12, 1.0), (9, 0.5)];
        assert_eq!(pace(6, &milestones), 0.0);
        assert_eq!(pace(9, &milestones), 0.5);
        assert_eq!(pace(11, &milestones), 0.5);
        assert_eq!(pace(12, &milestones), 1.0);
        let spec = TargetSpec {
            milestones: milestones.to_vec(),
            ..TargetSpec::new(10.0, Qualifier::AtLeast)
        };
        assert_eq!(
            evaluate(&spec, Some(0.0), 6, &Rules::default()).status,
            Status::OnPace
        );
        assert_eq!(
            evaluate(&spec, Some(1.0), 9, &Rules::default()).status,
            Status::SeriouslyLagging
        );
    }

    #[test]
    fn thresholds_are_configurable_and_worst_rolls_up() {
        let strict = Rules {
            on_pace_gap: 5.0,
            serious_gap: 20.0,
            ..Rules::default()
        };
        let spec = TargetSpec::new(100.0, Qualifier::AtLeast);
        assert_eq!(
            evaluate(&spec, Some(41.0), 6, &strict).status,
            Status::Lagging
        );
        assert_eq!(
            evaluate(&spec, Some(29.0), 6, &strict).status,
            Status::SeriouslyLagging
        );
        assert_eq!(
            worst([Status::OnPace, Status::Lagging, Status::Completed]),
            Some(Status::Lagging)
        );
        assert_eq!(
            worst([Status::SeriouslyLagging, Status::NotReported]),
            Some(Status::NotReported)
        );
        assert_eq!(worst([]), None);
    }
}
