//! Headline indicators (主要目标) and numeric targets over the months: the trajectory reported
//! against pace (序时进度), where it is heading by December, and the status it has now.
//!
//! An indicator's figures come from the task target that states the same number (found by
//! [`matching_target`], or chosen by the office) or from figures the office enters — growth
//! rates and shares (`%`) that the statistics bureau keeps and no task reports.

use luoshi_evaluation::forecast::precise;
use luoshi_evaluation::{
    Evaluation, Forecast, Qualifier, Rules, TargetSpec, evaluate, forecast, pace,
};
use luoshi_store::{IndicatorRow, IndicatorSource, SnapTarget};

use crate::monthly::Ledger;

/// A target's or an indicator's course through the year.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    /// `(month, value)` for every month through the one evaluated with a figure.
    pub actual: Vec<(u32, f64)>,
    /// What pace asks for by the end of each month, January to December, in the target's unit.
    pub pace: Vec<f64>,
    /// Where December lands at the current rate (the latest level, for rates).
    pub forecast: Option<Forecast>,
    pub evaluation: Evaluation,
}

/// Where an indicator's figures came from, as the page says it.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A task target's lead unit reports them.
    Target {
        target_id: i64,
        path: String,
        lead: String,
        /// Found by luoshi rather than chosen by the office.
        found: bool,
    },
    /// The office enters them.
    Entered,
    /// No target states the same number and the office has entered nothing.
    Unlinked,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorLine {
    pub id: i64,
    pub name: String,
    pub text: String,
    pub value: f64,
    pub unit: String,
    pub aspirational: bool,
    pub origin: Origin,
    /// None while nothing is known (unlinked, or a target without a lead unit), and for a goal
    /// of a later year.
    pub trajectory: Option<Trajectory>,
    /// The goal is for a year after the plan's (`到2025年…` in a 2021 plan): shown, not evaluated.
    pub later_year: Option<i64>,
}

/// Rates and shares (`%`) are levels: the whole value is due every month, and December is
/// expected where the latest figure stands.
fn is_level(unit: &str) -> bool {
    unit == "%"
}

/// Two-character runs of `text` without spaces: `高新技术` → 高新, 新技, 技术.
fn bigrams(text: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// The task target that states the indicator's number: the same value and unit, and at least
/// half of the indicator's name found in its text (`高新技术企业数量新增2000家` ↔ `新增高新技术企业
/// 2000 家`). The most alike wins; on a tie, the first in plan order.
pub fn matching_target(name: &str, value: f64, unit: &str, targets: &[SnapTarget]) -> Option<i64> {
    let wanted = bigrams(name);
    if wanted.is_empty() {
        return None;
    }
    let mut best: Option<(f64, i64)> = None;
    for t in targets {
        if t.unit != unit || (t.value - value).abs() > 1e-9 * value.abs().max(1.0) {
            continue;
        }
        let have = bigrams(&t.text);
        let shared = wanted.iter().filter(|b| have.contains(b)).count();
        let score = shared as f64 / wanted.len() as f64;
        if score >= 0.5 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, t.id));
        }
    }
    best.map(|(_, id)| id)
}

/// The course of figures `actual` towards `spec` after `month`.
fn trajectory(
    spec: &TargetSpec,
    unit: &str,
    actual: Vec<(u32, f64)>,
    month: u32,
    rules: &Rules,
) -> Trajectory {
    let now = actual.iter().find(|(m, _)| *m == month).map(|(_, v)| *v);
    let evaluation = evaluate(spec, now, month, rules);
    let pace = (1..=12)
        .map(|m| spec.value * pace(m, &spec.milestones))
        .collect();
    let forecast = if is_level(unit) {
        actual
            .last()
            .map(|(_, latest)| level_forecast(*latest, spec, unit))
    } else {
        forecast(&actual, spec.value, spec.qualifier, unit)
    };
    Trajectory {
        actual,
        pace,
        forecast,
        evaluation,
    }
}

/// A rate is expected to end the year where it stands.
fn level_forecast(latest: f64, spec: &TargetSpec, unit: &str) -> Forecast {
    let short = match spec.qualifier {
        Qualifier::AtMost => (latest > spec.value).then_some(latest - spec.value),
        _ => (latest < spec.value).then_some(spec.value - latest),
    };
    Forecast {
        projected: latest,
        shortfall: short,
        warning: short.map(|gap| {
            format!(
                "按当前水平，年底预计为 {}{unit}，{}目标 {} 个百分点",
                precise(latest),
                if spec.qualifier == Qualifier::AtMost {
                    "超出"
                } else {
                    "低于"
                },
                precise(gap)
            )
        }),
    }
}

impl Ledger<'_> {
    /// The target's course as its lead unit reports it, after `month`; none without a lead.
    pub fn target_trajectory(
        &self,
        target: &SnapTarget,
        month: u32,
        rules: &Rules,
    ) -> Option<Trajectory> {
        let lead = self.lead(target.task_id)?;
        let mut spec = self.spec(target);
        if is_level(&target.unit) && spec.milestones.is_empty() {
            spec.milestones = vec![(1, 1.0)];
        }
        Some(trajectory(
            &spec,
            &target.unit,
            self.trajectory(lead.id, target.id, month),
            month,
            rules,
        ))
    }

    /// Every headline indicator of the plan after `month`, with where its figures came from.
    pub fn indicator_lines(
        &self,
        indicators: &[IndicatorRow],
        month: u32,
        rules: &Rules,
    ) -> Vec<IndicatorLine> {
        let targets = self.targets();
        indicators
            .iter()
            .map(|i| {
                let source = IndicatorSource::from_columns(&i.source, i.target_id);
                let linked = match source {
                    IndicatorSource::Target(id) => Some((id, false)),
                    IndicatorSource::Auto => {
                        matching_target(&i.name, i.value, &i.unit, targets).map(|id| (id, true))
                    }
                    IndicatorSource::Entered => None,
                };
                let target = linked.and_then(|(id, found)| {
                    targets.iter().find(|t| t.id == id).map(|t| (t, found))
                });
                let (origin, course) = match (target, source) {
                    (Some((t, found)), _) => (
                        Origin::Target {
                            target_id: t.id,
                            path: format!("{} {}", t.task_path, t.task_title),
                            lead: self
                                .lead(t.task_id)
                                .map(|a| a.unit.clone())
                                .unwrap_or_default(),
                            found,
                        },
                        // The indicator's own number and wording, the target's reports.
                        self.target_trajectory(t, month, rules),
                    ),
                    (None, IndicatorSource::Entered) => {
                        let spec = indicator_spec(i);
                        let actual: Vec<(u32, f64)> = i
                            .entered
                            .iter()
                            .copied()
                            .filter(|(m, _)| *m <= month)
                            .collect();
                        let course = (!actual.is_empty())
                            .then(|| trajectory(&spec, &i.unit, actual, month, rules));
                        (Origin::Entered, course)
                    }
                    (None, _) => (Origin::Unlinked, None),
                };
                // A goal for a later year (`到2025年…`) is not judged by this year's pace.
                let later_year = i
                    .goal_year
                    .filter(|&y| self.plan_year().is_some_and(|plan| y > plan));
                let course = if later_year.is_some() { None } else { course };
                IndicatorLine {
                    id: i.id,
                    name: i.name.clone(),
                    text: i.text.clone(),
                    value: i.value,
                    unit: i.unit.clone(),
                    aspirational: i.aspirational,
                    origin,
                    trajectory: course,
                    later_year,
                }
            })
            .collect()
    }
}

fn indicator_spec(i: &IndicatorRow) -> TargetSpec {
    TargetSpec {
        aspirational: i.aspirational,
        milestones: if is_level(&i.unit) {
            vec![(1, 1.0)]
        } else {
            Vec::new()
        },
        ..TargetSpec::new(i.value, Qualifier::parse(&i.qualifier))
    }
}

#[cfg(test)]
mod tests {
    use luoshi_evaluation::Status;

    use super::*;

    fn target(id: i64, text: &str, value: f64, unit: &str) -> SnapTarget {
        SnapTarget {
            id,
            task_id: 1,
            task_path: "二、（一）2.".into(),
            task_title: "激发市场主体创新活力".into(),
            section_path: "二、".into(),
            text: text.into(),
            value,
            max: None,
            unit: unit.into(),
            qualifier: "at_least".into(),
            aspirational: false,
            per_each: false,
            months: luoshi_reporting::Months::ALL,
        }
    }

    #[test]
    fn an_indicator_finds_the_target_stating_its_number() {
        let targets = [
            target(
                1,
                "力争传统企业转型升级高新技术企业 100 家以上",
                100.0,
                "家",
            ),
            target(2, "新增高新技术企业 2000 家", 2000.0, "家"),
            target(3, "孵化培育科技企业 2000 家以上", 2000.0, "家"),
        ];
        assert_eq!(
            matching_target("高新技术企业数量新增", 2000.0, "家", &targets),
            Some(2)
        );
        // Same words, other number or unit: no link.
        assert_eq!(
            matching_target("高新技术企业数量新增", 1500.0, "家", &targets),
            None
        );
        assert_eq!(
            matching_target("高新技术企业数量新增", 2000.0, "个", &targets),
            None
        );
        // Same number, other words: no link.
        assert_eq!(
            matching_target("技术合同成交额", 2000.0, "家", &targets),
            None
        );
    }

    #[test]
    fn a_total_is_projected_from_its_course_and_warned_when_short() {
        let spec = TargetSpec::new(2000.0, Qualifier::AtLeast);
        // 820 after six months (41 %, 9 points behind): on pace, yet 1,640 by December.
        let course = trajectory(&spec, "家", vec![(6, 820.0)], 6, &Rules::default());
        assert_eq!(course.pace.len(), 12);
        assert_eq!(course.pace[5], 1000.0);
        assert_eq!(course.pace[11], 2000.0);
        assert_eq!(course.evaluation.status, Status::OnPace);
        let warning = course.forecast.and_then(|f| f.warning).expect("warned");
        assert!(
            warning.contains("1,640") && warning.contains("360"),
            "{warning}"
        );
        // 760 (38 %, 12 points behind): lagging.
        let behind = trajectory(&spec, "家", vec![(6, 760.0)], 6, &Rules::default());
        assert_eq!(behind.evaluation.status, Status::Lagging);
    }

    #[test]
    fn a_rate_is_due_whole_every_month_and_expected_where_it_stands() {
        let spec = TargetSpec {
            milestones: vec![(1, 1.0)],
            ..TargetSpec::new(12.0, Qualifier::AtLeast)
        };
        let course = trajectory(&spec, "%", vec![(5, 9.0), (6, 10.5)], 6, &Rules::default());
        assert!(course.pace.iter().all(|p| *p == 12.0));
        // 10.5 of 12 is 87.5 %: 12.5 points behind.
        assert_eq!(course.evaluation.status, Status::Lagging);
        let forecast = course.forecast.expect("forecast");
        assert_eq!(forecast.projected, 10.5);
        assert_eq!(
            forecast.warning.as_deref(),
            Some("按当前水平，年底预计为 10.5%，低于目标 1.5 个百分点")
        );
        let ahead = trajectory(&spec, "%", vec![(6, 12.4)], 6, &Rules::default());
        assert_eq!(ahead.forecast.and_then(|f| f.warning), None);
    }
}
