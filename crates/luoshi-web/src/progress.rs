//! Where things stand, for the plan's own pages: every target's status after the month being
//! dispatched (the reporting month of today), rolled up to tasks, sections, units and districts
//! as the worst of their targets, and each target's course through the year.

use std::collections::HashMap;

use luoshi_cadence::indicators::{IndicatorLine, Trajectory};
use luoshi_cadence::monthly::{DistrictLine, TargetLine};
use luoshi_cadence::{Ledger, MonthlyBulletin, Standing};
use luoshi_evaluation::forecast::thousands;
use luoshi_evaluation::{Rules, Status};
use luoshi_store::{IndicatorRow, Snapshot, Texts};

use crate::pages::PageError;
use luoshi_server::AppState;

/// A status as the pages show it: label and colour class.
#[derive(Debug, Clone, PartialEq)]
pub struct Badge {
    pub label: &'static str,
    pub colour: &'static str,
}

impl From<Status> for Badge {
    fn from(status: Status) -> Badge {
        Badge {
            label: status.label(),
            colour: status.colour(),
        }
    }
}

/// One target's standing, in words for a table cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellStanding {
    pub badge: Badge,
    /// `完成 820家（41.0%），序时进度 50%`.
    pub detail: String,
    pub warning: Option<String>,
}

pub struct Progress {
    pub month: u32,
    /// `2021年6月`.
    pub label: String,
    snapshot: Snapshot,
    rules: Rules,
    standing: Standing,
}

impl Progress {
    /// The plan's standing after the current reporting month; none before publishing or
    /// when the plan has no months.
    pub async fn load(s: &AppState, plan_id: i64) -> Result<Option<Progress>, PageError> {
        if s.store.plan(plan_id).await?.status != "published" {
            return Ok(None);
        }
        let Some(period) = s.store.current_month(plan_id, s.today()).await? else {
            return Ok(None);
        };
        let Some(month) = period.key.get(5..7).and_then(|m| m.parse::<u32>().ok()) else {
            return Ok(None);
        };
        let snapshot = s
            .store
            .snapshot_with(plan_id, Texts::Month(month), month)
            .await?;
        let (rules, _) = luoshi_cadence::rules_of(&s.store.plan_rules(plan_id).await?);
        let Some(bulletin) = MonthlyBulletin::build(&snapshot, month, &rules) else {
            return Ok(None);
        };
        let standing = Standing::new(bulletin);
        Ok(Some(Progress {
            month,
            label: period.label,
            snapshot,
            rules,
            standing,
        }))
    }

    /// The tasks without a numeric target `unit` answers for, with its own status on each.
    pub fn plain_tasks_of(&self, unit: &str) -> Vec<(&luoshi_cadence::tasks::TaskLine, Badge)> {
        self.standing
            .plain_tasks()
            .iter()
            .filter_map(|t| {
                let (_, status) = t.answers.iter().find(|(u, _)| u == unit)?;
                Some((t, Badge::from(*status)))
            })
            .collect()
    }

    /// The tasks without a numeric target by status: `(badge, how many)`, every status.
    pub fn plain_counts(&self) -> Vec<(Badge, usize)> {
        luoshi_evaluation::Status::ALL
            .iter()
            .map(|s| {
                let n = self
                    .standing
                    .plain_tasks()
                    .iter()
                    .filter(|t| t.status == *s)
                    .count();
                (Badge::from(*s), n)
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// A task without a numeric target: its status, deadline and its lead's word.
    pub fn plain_task(&self, task_id: i64) -> Option<&luoshi_cadence::tasks::TaskLine> {
        self.standing
            .plain_tasks()
            .iter()
            .find(|t| t.task_id == task_id)
    }

    /// The target's standing (力争 targets included, shown apart by the pages).
    pub fn target(&self, target_id: i64) -> Option<CellStanding> {
        self.standing.target(target_id).map(line_standing)
    }

    /// The worst status of the task's targets.
    pub fn task(&self, task_id: i64) -> Option<Badge> {
        self.standing.task(task_id).map(Badge::from)
    }

    /// The worst status of the targets under a section (`二、` or `二、（一）`).
    pub fn section(&self, section_path: &str) -> Option<Badge> {
        self.standing.section(section_path).map(Badge::from)
    }

    /// The worst status of every target of the plan, and the count by status.
    pub fn plan(&self) -> (Option<Badge>, Vec<(Badge, usize)>) {
        let counts = self
            .standing
            .counts()
            .into_iter()
            .map(|(s, n)| (Badge::from(s), n))
            .collect();
        (self.standing.plan().map(Badge::from), counts)
    }

    /// The targets a unit leads, with their standing, and the worst of them.
    pub fn unit(&self, unit: &str) -> (Option<Badge>, Vec<(&TargetLine, CellStanding)>) {
        let (worst, lines) = self.standing.unit(unit);
        let rows = lines.into_iter().map(|t| (t, line_standing(t))).collect();
        (worst.map(Badge::from), rows)
    }

    /// A district's own shares with their standing, and the worst of them.
    pub fn district(&self, district: &str) -> (Option<Badge>, Vec<(&DistrictLine, CellStanding)>) {
        let (worst, lines) = self.standing.district(district);
        let rows = lines
            .into_iter()
            .map(|d| {
                let standing = standing(
                    d.evaluation.status,
                    d.actual,
                    d.evaluation.progress,
                    d.evaluation.pace,
                    &d.unit,
                    None,
                );
                (d, standing)
            })
            .collect();
        (worst.map(Badge::from), rows)
    }

    /// The course through the year of each of `targets` (their lead unit's reports).
    pub fn courses(&self, targets: &[i64]) -> HashMap<i64, Trajectory> {
        let ledger = Ledger::through(&self.snapshot, self.month);
        self.snapshot
            .targets
            .iter()
            .filter(|t| targets.contains(&t.id))
            .filter_map(|t| Some((t.id, ledger.target_trajectory(t, self.month, &self.rules)?)))
            .collect()
    }

    /// The headline indicators after the same month, each with its course.
    pub fn indicators(&self, rows: &[IndicatorRow]) -> Vec<IndicatorLine> {
        Ledger::through(&self.snapshot, self.month).indicator_lines(rows, self.month, &self.rules)
    }
}

fn line_standing(line: &TargetLine) -> CellStanding {
    standing(
        line.evaluation.status,
        line.actual,
        line.evaluation.progress,
        line.evaluation.pace,
        &line.unit,
        line.warning.clone(),
    )
}

fn standing(
    status: Status,
    actual: Option<f64>,
    progress: Option<f64>,
    pace: f64,
    unit: &str,
    warning: Option<String>,
) -> CellStanding {
    let reached = match (actual, progress) {
        (Some(a), Some(p)) => format!("完成 {}{unit}（{:.1}%）", thousands(a), p * 100.0),
        _ => "本月未报送".to_string(),
    };
    CellStanding {
        badge: status.into(),
        detail: format!("{reached}，序时进度 {:.0}%", pace * 100.0),
        warning,
    }
}
