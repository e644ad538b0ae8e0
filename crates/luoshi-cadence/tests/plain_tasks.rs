//! Tasks without a numeric target have a status everywhere: their lead unit confirms each
//! month (按计划推进 / 已完成 / 滞后 with a reason), the office closes them (销号) and may reopen
//! them, and the bulletin, the standing and the assessment read that status.

mod common;

use luoshi_cadence::simulate::simulate_year;
use luoshi_cadence::{AnnualAssessment, MonthlyBulletin, Standing};
use luoshi_evaluation::{AssessmentRules, Rules, Status};
use luoshi_reporting::Day;
use luoshi_reporting::report::ReportAction;
use luoshi_store::{Publishing, ReportInput, StoreError};

fn day(text: &str) -> Day {
    Day::parse(text).expect("day")
}

#[tokio::test]
async fn the_leads_word_the_deadline_and_the_offices_closing_give_the_status() {
    let (store, plan, _, _dir) = common::published(Publishing {
        today: day("2021-01-05"),
        reporting_start: None,
    })
    .await;
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    assert!(
        snapshot.tasks.len() >= 3,
        "the plan has tasks without numbers"
    );
    let lead_of = |task: i64| {
        snapshot
            .assignments
            .iter()
            .find(|a| a.task_id == task && a.role == "lead" && a.district.is_none())
            .cloned()
    };
    let plain: Vec<_> = snapshot
        .tasks
        .iter()
        .filter_map(|t| Some((t.clone(), lead_of(t.id)?)))
        .take(3)
        .collect();
    assert_eq!(plain.len(), 3);
    let june = store.period_by_key(plan, "2021-06").await.expect("june");
    let submit = |assignment: i64, status: Option<&str>, reason: Option<&str>| {
        let store = &store;
        let input = ReportInput {
            progress: "本月推进情况".into(),
            task_status: status.map(str::to_string),
            status_reason: reason.map(str::to_string),
            ..Default::default()
        };
        async move {
            store
                .save_report(
                    june.id,
                    assignment,
                    &input,
                    ReportAction::Submit,
                    day("2021-06-20"),
                    "牵头单位",
                )
                .await
        }
    };
    let (first, first_lead) = &plain[0];
    // The form asks the lead; submitting needs the word, and 滞后 needs its reason.
    let form = store.report(june.id, first_lead.id).await.expect("form");
    assert!(form.asks_status && form.targets.is_empty());
    let refused = submit(first_lead.id, None, None).await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "task_status"),
        "{refused:?}"
    );
    let refused = submit(first_lead.id, Some("behind"), None).await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "status_reason"),
        "{refused:?}"
    );
    let refused = submit(first_lead.id, Some("maybe"), None).await;
    assert!(matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "task_status"));
    submit(first_lead.id, Some("behind"), Some("用地手续未批复"))
        .await
        .expect("behind");
    submit(plain[1].1.id, Some("on_plan"), None)
        .await
        .expect("on plan");
    // A target's form is not asked for a word.
    let with_number = snapshot
        .assignments
        .iter()
        .find(|a| a.role == "lead" && snapshot.targets.iter().any(|t| t.task_id == a.task_id))
        .expect("a lead of a numeric target");
    let form = store.report(june.id, with_number.id).await.expect("form");
    assert!(!form.asks_status);

    let rules = Rules::default();
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let bulletin = MonthlyBulletin::build(&snapshot, 6, &rules).expect("june");
    let line = |b: &MonthlyBulletin, task: i64| {
        b.tasks
            .iter()
            .find(|l| l.task_id == task)
            .cloned()
            .expect("a line for every task without a number")
    };
    let behind = line(&bulletin, first.id);
    assert_eq!(behind.status, Status::Lagging);
    assert!(
        behind
            .confirmation
            .as_deref()
            .is_some_and(|c| c.contains("用地手续未批复"))
    );
    assert_eq!(line(&bulletin, plain[1].0.id).status, Status::OnPace);
    assert_eq!(line(&bulletin, plain[2].0.id).status, Status::NotReported);
    let standing = Standing::new(bulletin.clone());
    assert_eq!(standing.task(first.id), Some(Status::Lagging));
    let doc = bulletin.document("协调办公室", "2021年6月28日", false);
    assert!(
        doc.figures()
            .iter()
            .any(|f| f.starts_with("无量化指标任务｜") && f.contains("滞后")),
        "the bulletin lists them"
    );
    // Past its deadline (the year's end here) a task still open lags seriously.
    let december = MonthlyBulletin::build(&snapshot, 12, &rules).expect("december");
    assert_eq!(line(&december, plain[2].0.id).status, Status::NotReported);

    // 销号 in July makes it completed from July; June reads as before. Reopening undoes it.
    store
        .close_task(
            first.id,
            "已完成并验收",
            None,
            day("2021-07-10"),
            "协调办公室",
        )
        .await
        .expect("close");
    let again = store
        .close_task(first.id, "再次", None, day("2021-07-11"), "协调办公室")
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let july = MonthlyBulletin::build(&snapshot, 7, &rules).expect("july");
    assert_eq!(line(&july, first.id).status, Status::Completed);
    assert_eq!(
        line(
            &MonthlyBulletin::build(&snapshot, 6, &rules).expect("june"),
            first.id
        )
        .status,
        Status::Lagging
    );
    store
        .reopen_task(first.id, "验收资料不全", day("2021-07-15"), "协调办公室")
        .await
        .expect("reopen");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let july = MonthlyBulletin::build(&snapshot, 7, &rules).expect("july");
    assert_eq!(line(&july, first.id).status, Status::NotReported);
    let history = store.task_closures(first.id).await.expect("history");
    assert_eq!(history.len(), 1);
    assert!(!history[0].in_force());
    let log = store.audit_log(10).await.expect("log");
    assert!(log.iter().any(|r| r.action == "close_task"));
    assert!(log.iter().any(|r| r.action == "reopen_task"));

    // A milestone (节点) in June makes June's 滞后 serious; the deadline becomes the last one.
    assert!(matches!(
        store
            .set_task_milestones(first.id, &[(13, "x".into())], "协调办公室")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    assert!(matches!(
        store
            .set_task_milestones(first.id, &[(6, "a".into()), (6, "b".into())], "协调办公室")
            .await,
        Err(StoreError::Invalid { .. })
    ));
    store
        .set_task_milestones(
            first.id,
            &[(6, "完成规划编制".into()), (9, "开工".into())],
            "协调办公室",
        )
        .await
        .expect("milestones");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let june = MonthlyBulletin::build(&snapshot, 6, &rules).expect("june");
    let missed = line(&june, first.id);
    assert_eq!(missed.status, Status::SeriouslyLagging);
    assert_eq!(missed.deadline, 9, "the last milestone");

    // The assessment counts the task for its lead: 滞后 earns half, so the lead's completion
    // is below what its targets alone would give it only by that task.
    let assessment = AnnualAssessment::as_of(
        &snapshot,
        &[],
        &rules,
        &AssessmentRules::default(),
        day("2021-06-26"),
    )
    .expect("a 预评估");
    let score = assessment
        .units
        .iter()
        .find(|s| s.name == first_lead.unit)
        .expect("the lead is scored");
    assert!(
        score.evidence[0].contains("无量化指标任务"),
        "{:?}",
        score.evidence
    );
}

#[tokio::test]
async fn in_the_simulated_year_every_task_has_a_status() {
    let (store, plan, _, _dir) = common::published(Publishing::today()).await;
    simulate_year(&store, plan).await.expect("simulate");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let december = MonthlyBulletin::build(&snapshot, 12, &Rules::default()).expect("december");
    let standing = Standing::new(december.clone());
    let tasks: std::collections::HashSet<i64> =
        snapshot.assignments.iter().map(|a| a.task_id).collect();
    for task in tasks {
        assert!(standing.task(task).is_some(), "task {task} has a status");
    }
    assert!(
        december.tasks.iter().any(|t| t.status == Status::Completed),
        "leads on track confirm 已完成 in December"
    );
}

#[tokio::test]
async fn a_responsible_units_share_is_its_own_line_and_its_own_score() {
    let (store, plan, _, _dir) = common::published(Publishing {
        today: day("2021-01-05"),
        reporting_start: None,
    })
    .await;
    let grid = store.allocation(plan).await.expect("grid");
    let row = grid
        .rows
        .iter()
        .find(|r| !r.units.is_empty())
        .expect("a city target whose task has responsible units");
    let unit = row.units[0].unit.clone();
    store
        .set_allocation(
            plan,
            &[luoshi_store::AllocationInput {
                target_id: row.target_id,
                shares: Vec::new(),
                unit_shares: vec![luoshi_store::UnitShareInput {
                    unit: unit.clone(),
                    value: 12.0,
                }],
                note: String::new(),
            }],
            &[],
            day("2021-01-05"),
            "协调办公室",
        )
        .await
        .expect("allocate");
    // A name that is no responsible unit of the task is refused, naming it.
    let refused = store
        .set_allocation(
            plan,
            &[luoshi_store::AllocationInput {
                target_id: row.target_id,
                shares: Vec::new(),
                unit_shares: vec![luoshi_store::UnitShareInput {
                    unit: "市科技厅".into(),
                    value: 1.0,
                }],
                note: String::new(),
            }],
            &[],
            day("2021-01-05"),
            "协调办公室",
        )
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { message, .. }) if message.contains("「市科技厅」不是本任务的责任单位")),
        "{refused:?}"
    );
    luoshi_cadence::simulate::simulate_months(&store, plan, 1..=6)
        .await
        .expect("simulate");
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let june = MonthlyBulletin::build(&snapshot, 6, &Rules::default()).expect("june");
    let line = june
        .districts
        .iter()
        .find(|d| d.held_by_unit && d.district == unit && d.target_id == row.target_id)
        .expect("the unit's own line");
    assert_eq!(line.share, 12.0);
    let assessment = AnnualAssessment::as_of(
        &snapshot,
        &[],
        &Rules::default(),
        &AssessmentRules::default(),
        day("2021-06-26"),
    )
    .expect("a 预评估");
    let score = assessment
        .units
        .iter()
        .find(|s| s.name == unit)
        .expect("the unit is scored among the units");
    assert!(
        score.evidence[0].contains("加权完成率"),
        "{:?}",
        score.evidence
    );
}
