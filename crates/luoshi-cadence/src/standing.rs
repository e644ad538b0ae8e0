//! Where a plan stands after a month, rolled up from its targets and its tasks without a
//! numeric target (by their lead's word, deadline and 销号): a task, a section, a lead unit, a
//! district and the plan are each as bad as their worst (力争 targets are evaluated but count
//! in no roll-up). Read from the month's bulletin, so pages, the API and the
//! documents agree.

use luoshi_evaluation::{Status, worst};

use crate::monthly::{DistrictLine, MonthlyBulletin, TargetLine};

pub struct Standing {
    bulletin: MonthlyBulletin,
}

impl Standing {
    /// The standing after `bulletin`'s month.
    pub fn new(bulletin: MonthlyBulletin) -> Standing {
        Standing { bulletin }
    }

    /// The month's bulletin the standing is read from.
    pub fn bulletin(&self) -> &MonthlyBulletin {
        &self.bulletin
    }

    /// Targets that count in roll-ups (力争 targets apart).
    fn counted(&self) -> impl Iterator<Item = &TargetLine> {
        self.bulletin.targets.iter().filter(|t| !t.aspirational)
    }

    /// Every target's line, 力争 ones included.
    pub fn targets(&self) -> &[TargetLine] {
        &self.bulletin.targets
    }

    pub fn target(&self, target_id: i64) -> Option<&TargetLine> {
        self.bulletin
            .targets
            .iter()
            .find(|t| t.target_id == target_id)
    }

    /// A task's status: its worst counted target, task line or 分别 line; a task whose only
    /// numbers are 力争 targets stands as they do.
    pub fn task(&self, task_id: i64) -> Option<Status> {
        self.counted_task(task_id).or_else(|| {
            worst(
                self.bulletin
                    .targets
                    .iter()
                    .filter(|t| t.task_id == task_id)
                    .map(|t| t.evaluation.status),
            )
        })
    }

    fn counted_task(&self, task_id: i64) -> Option<Status> {
        worst(
            self.counted()
                .filter(|t| t.task_id == task_id)
                .map(|t| t.evaluation.status)
                .chain(
                    self.bulletin
                        .tasks
                        .iter()
                        .filter(|t| t.task_id == task_id)
                        .map(|t| t.status),
                )
                .chain(
                    self.own_targets()
                        .filter(|d| d.task_id == task_id)
                        .map(|d| d.evaluation.status),
                ),
        )
    }

    /// Districts' lines of 分别 targets: each is the target itself, with no city line.
    fn own_targets(&self) -> impl Iterator<Item = &DistrictLine> {
        self.bulletin.districts.iter().filter(|d| d.per_each)
    }

    /// The tasks without a numeric target, with their status.
    pub fn plain_tasks(&self) -> &[crate::tasks::TaskLine] {
        &self.bulletin.tasks
    }

    /// Every task with a counted target, in plan order, with its status.
    pub fn tasks(&self) -> Vec<(i64, Status)> {
        let mut out: Vec<(i64, Status)> = Vec::new();
        let lines = self
            .counted()
            .map(|t| (t.task_id, t.evaluation.status))
            .chain(self.bulletin.tasks.iter().map(|t| (t.task_id, t.status)))
            .chain(self.own_targets().map(|d| (d.task_id, d.evaluation.status)));
        for (task, status) in lines {
            match out.iter_mut().find(|(id, _)| *id == task) {
                Some((_, s)) => *s = (*s).max(status),
                None => out.push((task, status)),
            }
        }
        out
    }

    /// A section by its path (`二、`, `二、（一）`): every task path under it starts with it.
    pub fn section(&self, section_path: &str) -> Option<Status> {
        worst(
            self.counted()
                .filter(|t| t.path.starts_with(section_path))
                .map(|t| t.evaluation.status)
                .chain(
                    self.bulletin
                        .tasks
                        .iter()
                        .filter(|t| t.path.starts_with(section_path))
                        .map(|t| t.status),
                ),
        )
    }

    /// The targets a unit leads, and the worst of them.
    pub fn unit(&self, unit: &str) -> (Option<Status>, Vec<&TargetLine>) {
        let lines: Vec<&TargetLine> = self.counted().filter(|t| t.lead == unit).collect();
        (worst(lines.iter().map(|t| t.evaluation.status)), lines)
    }

    /// Every lead unit, in the order first met, with its status.
    pub fn units(&self) -> Vec<(String, Status)> {
        let mut out: Vec<(String, Status)> = Vec::new();
        for t in self.counted() {
            match out.iter_mut().find(|(u, _)| *u == t.lead) {
                Some((_, status)) => *status = (*status).max(t.evaluation.status),
                None => out.push((t.lead.clone(), t.evaluation.status)),
            }
        }
        out
    }

    /// A district's own shares, and the worst of them.
    pub fn district(&self, district: &str) -> (Option<Status>, Vec<&DistrictLine>) {
        let lines: Vec<&DistrictLine> = self
            .bulletin
            .districts
            .iter()
            .filter(|d| d.district == district)
            .collect();
        (worst(lines.iter().map(|d| d.evaluation.status)), lines)
    }

    /// Every district with a share, in the order first met, with its status.
    pub fn districts(&self) -> Vec<(String, Status)> {
        let mut out: Vec<(String, Status)> = Vec::new();
        for d in self.bulletin.districts.iter().filter(|d| !d.held_by_unit) {
            match out.iter_mut().find(|(name, _)| *name == d.district) {
                Some((_, status)) => *status = (*status).max(d.evaluation.status),
                None => out.push((d.district.clone(), d.evaluation.status)),
            }
        }
        out
    }

    /// The worst status of the plan's targets.
    pub fn plan(&self) -> Option<Status> {
        worst(self.counted().map(|t| t.evaluation.status))
    }

    /// Counted targets by status, in the order of [`Status::ALL`].
    pub fn counts(&self) -> Vec<(Status, usize)> {
        self.bulletin.counts()
    }
}

#[cfg(test)]
mod tests {
    use luoshi_evaluation::Evaluation;

    use super::*;

    fn line(
        (id, task): (i64, i64),
        path: &str,
        lead: &str,
        status: Status,
        aspirational: bool,
    ) -> TargetLine {
        TargetLine {
            target_id: id,
            task_id: task,
            path: path.into(),
            task_title: String::new(),
            target: format!("目标 {id}"),
            lead: lead.into(),
            group_led: false,
            value: 10.0,
            unit: "家".into(),
            actual: Some(5.0),
            evaluation: Evaluation {
                status,
                pace: 0.5,
                progress: Some(0.5),
                gap: Some(0.0),
            },
            warning: None,
            projected: None,
            problems: String::new(),
            aspirational,
        }
    }

    fn district(target: i64, name: &str, status: Status) -> DistrictLine {
        DistrictLine {
            target_id: target,
            task_id: 10,
            per_each: false,
            held_by_unit: false,
            district: name.into(),
            path: String::new(),
            target: String::new(),
            share: 5.0,
            actual: None,
            unit: "场".into(),
            evaluation: Evaluation {
                status,
                pace: 0.5,
                progress: None,
                gap: None,
            },
        }
    }

    fn bulletin() -> MonthlyBulletin {
        MonthlyBulletin {
            plan_title: "方案".into(),
            doc_number: None,
            year: 2021,
            month: 6,
            period_label: "2021年6月".into(),
            targets: vec![
                line((1, 10), "二、（一）1.", "市科技局", Status::OnPace, false),
                line((2, 10), "二、（一）1.", "市科技局", Status::Lagging, false),
                line(
                    (3, 11),
                    "二、（二）3.",
                    "市经信局",
                    Status::Completed,
                    false,
                ),
                // 力争: seriously lagging, yet counted nowhere.
                line(
                    (4, 11),
                    "二、（二）3.",
                    "市经信局",
                    Status::SeriouslyLagging,
                    true,
                ),
                line(
                    (5, 12),
                    "三、（一）1.",
                    "市科技局",
                    Status::NotReported,
                    false,
                ),
            ],
            districts: vec![
                district(1, "江岸区", Status::OnPace),
                district(2, "江岸区", Status::SeriouslyLagging),
                district(1, "江汉区", Status::Completed),
            ],
            raised: Vec::new(),
            missing: Vec::new(),
            completed: Vec::new(),
            tasks: vec![crate::tasks::TaskLine {
                task_id: 13,
                path: "三、（一）2.".into(),
                title: "完善机制".into(),
                section_path: "三、（一）".into(),
                lead: "市科技局".into(),
                deadline: 12,
                status: Status::Lagging,
                confirmation: Some("滞后（手续未完成）".into()),
                closed_on: None,
                answers: vec![("市科技局".into(), Status::Lagging)],
                milestones: Vec::new(),
            }],
            reports_due: 0,
            reports_in: 0,
            reports_late: 0,
        }
    }

    #[test]
    fn everything_is_as_bad_as_its_worst_counted_target() {
        let s = Standing::new(bulletin());
        assert_eq!(s.task(10), Some(Status::Lagging));
        assert_eq!(s.task(11), Some(Status::Completed), "力争 target apart");
        assert_eq!(s.task(99), None);
        assert_eq!(
            s.tasks(),
            [
                (10, Status::Lagging),
                (11, Status::Completed),
                (12, Status::NotReported),
                (13, Status::Lagging)
            ]
        );
        assert_eq!(s.section("二、（一）"), Some(Status::Lagging));
        assert_eq!(s.section("二、"), Some(Status::Lagging));
        assert_eq!(s.section("三、"), Some(Status::NotReported));
        assert_eq!(s.section("四、"), None);
        let (unit, lines) = s.unit("市科技局");
        assert_eq!(unit, Some(Status::NotReported));
        assert_eq!(lines.len(), 3);
        assert_eq!(
            s.units(),
            [
                ("市科技局".to_string(), Status::NotReported),
                ("市经信局".to_string(), Status::Completed)
            ]
        );
        assert_eq!(s.district("江岸区").0, Some(Status::SeriouslyLagging));
        assert_eq!(s.district("江汉区").0, Some(Status::Completed));
        assert_eq!(s.district("武昌区"), (None, Vec::new()));
        assert_eq!(s.plan(), Some(Status::NotReported));
    }
}
