//! Evaluation that respects time: a plan published in June owes nothing for January–May, and
//! amendments in September and December change who answers from then on only — every bulletin
//! of an earlier month reads byte for byte as before, nobody is charged for a month before it
//! took effect, and each unit's and district's assessment reconciles with a direct count of the
//! raw reports.

use std::collections::HashMap;

use luoshi_cadence::simulate::simulate_months;
use luoshi_cadence::{AnnualAssessment, Format, MonthlyBulletin, render};
use luoshi_evaluation::{AssessmentRules, Rules};
use luoshi_reporting::Day;
use luoshi_store::{Publishing, Store, StoreError, UnitsInput};

mod common;

use common::published;

fn day(text: &str) -> Day {
    Day::parse(text).expect("day")
}

#[tokio::test]
async fn a_plan_published_in_june_owes_nothing_before_june() {
    let (store, plan, _, _dir) = published(Publishing {
        today: day("2021-06-10"),
        reporting_start: None,
    })
    .await;
    assert_eq!(
        store.plan(plan).await.expect("plan").reporting_start,
        Some(6)
    );
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let rules = Rules::default();
    for month in 1..=5 {
        let b = MonthlyBulletin::build(&snapshot, month, &rules).expect("bulletin");
        assert!(
            b.reports_due == 0 && b.missing.is_empty() && b.targets.is_empty(),
            "{month} 月: nothing is due before the plan's reporting start"
        );
    }
    let june = MonthlyBulletin::build(&snapshot, 6, &rules).expect("june");
    assert_eq!(june.reports_due, snapshot.assignments.len());
    assert!(!june.targets.is_empty());
    // Paced over June–December: one month of seven.
    let pace = june.targets[0].evaluation.pace;
    assert!((pace - 1.0 / 7.0).abs() < 1e-9, "{pace}");

    // The forms and the 催报 list of May are empty; a May report is refused, naming why.
    let may = store.period_by_key(plan, "2021-05").await.expect("may");
    let a = &snapshot.assignments[0];
    assert!(
        store
            .unit_reports(may.id, a.unit_id)
            .await
            .expect("forms")
            .is_empty()
    );
    assert!(
        store
            .reporting_status(may.id)
            .await
            .expect("status")
            .is_empty()
    );
    store
        .reopen_period(may.id, Some(day("2021-06-30")), "协调办公室")
        .await
        .expect("reopen");
    let form = store.report(may.id, a.id).await.expect("form");
    let refused = store
        .save_report(
            may.id,
            a.id,
            &luoshi_store::ReportInput {
                progress: "五月工作".into(),
                version: form.version,
                ..Default::default()
            },
            luoshi_reporting::report::ReportAction::Submit,
            day("2021-06-12"),
            "填报人",
        )
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { field, message }) if field == "period" && message.contains("6 月起")),
        "{refused:?}"
    );

    // The assessment: nothing to score until June closes, then a 预评估 with one month owed.
    let assess = AssessmentRules::default();
    assert!(AnnualAssessment::as_of(&snapshot, &[], &rules, &assess, day("2021-06-20")).is_none());
    let preliminary = AnnualAssessment::as_of(&snapshot, &[], &rules, &assess, day("2021-06-26"))
        .expect("a 预评估 in June");
    assert!(preliminary.preliminary() && preliminary.through == 6);
    let owed = owed_reports(&snapshot, 6);
    for s in preliminary.units.iter().chain(&preliminary.districts) {
        let n = owed.get(s.name.as_str()).copied().unwrap_or(0);
        assert!(
            s.evidence[1].contains(&format!("漏报 {n} 次")),
            "{}: {}",
            s.name,
            s.evidence[1]
        );
    }
}

#[tokio::test]
async fn back_filling_from_an_earlier_month_is_the_offices_choice() {
    let (store, plan, _, _dir) = published(Publishing {
        today: day("2021-06-10"),
        reporting_start: Some(3),
    })
    .await;
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let march = MonthlyBulletin::build(&snapshot, 3, &Rules::default()).expect("march");
    assert_eq!(march.reports_due, snapshot.assignments.len());
    let february = MonthlyBulletin::build(&snapshot, 2, &Rules::default()).expect("february");
    assert_eq!(february.reports_due, 0);
}

/// Per unit (a district government under its district): the months due through `through`
/// with no report that counts, straight from the raw reports.
fn owed_reports(snapshot: &luoshi_store::Snapshot, through: u32) -> HashMap<&str, u32> {
    let mut owed: HashMap<&str, u32> = HashMap::new();
    for a in snapshot.assignments.iter().filter(|a| !a.placeholder) {
        for m in (1..=through).filter(|m| a.months.contains(*m)) {
            let reported = snapshot
                .reports
                .iter()
                .any(|r| r.assignment_id == a.id && r.month == m && r.status.is_reported());
            if !reported {
                *owed
                    .entry(a.district.as_deref().unwrap_or(&a.unit))
                    .or_default() += 1;
            }
        }
    }
    owed
}

/// Per unit: the reports that count and came in late, in months due.
fn late_reports(snapshot: &luoshi_store::Snapshot) -> HashMap<&str, u32> {
    let mut late: HashMap<&str, u32> = HashMap::new();
    for a in snapshot.assignments.iter().filter(|a| !a.placeholder) {
        let n = snapshot
            .reports
            .iter()
            .filter(|r| {
                r.assignment_id == a.id
                    && r.late
                    && r.status.is_reported()
                    && a.months.contains(r.month)
            })
            .count() as u32;
        *late
            .entry(a.district.as_deref().unwrap_or(&a.unit))
            .or_default() += n;
    }
    late
}

/// Each month's bulletin through `through`, rendered as the office would download it.
async fn rendered(store: &Store, plan: i64, through: u32) -> Vec<(Vec<u8>, Vec<u8>)> {
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    (1..=through)
        .map(|m| {
            let doc = MonthlyBulletin::build(&snapshot, m, &Rules::default())
                .expect("bulletin")
                .document("协调办公室", &format!("2021年{m}月28日"), false);
            (
                render(&doc, Format::Docx).expect("docx"),
                render(&doc, Format::Html).expect("html"),
            )
        })
        .collect()
}

#[tokio::test]
async fn amendments_in_september_and_december_never_re_evaluate_the_past() {
    let (store, plan, directory, _dir) = published(Publishing {
        today: day("2021-01-05"),
        reporting_start: None,
    })
    .await;
    simulate_months(&store, plan, 1..=8).await.expect("Jan–Aug");
    let through_august = rendered(&store, plan, 8).await;

    // September: a task gets a new lead unit and a new responsible unit.
    let before = store.snapshot(plan).await.expect("snapshot");
    let task = before
        .targets
        .iter()
        .find(|t| {
            !t.per_each
                && before
                    .assignments
                    .iter()
                    .any(|a| a.task_id == t.task_id && a.role == "lead" && a.district.is_none())
        })
        .expect("a task led by a department")
        .task_id;
    let detail = store.task(task).await.expect("task");
    let old_lead = detail.row.lead.clone();
    let replacement = if old_lead.iter().any(|l| l == "市统计局") {
        "市发展改革委"
    } else {
        "市统计局"
    };
    let mut responsible = detail.row.responsible.clone();
    responsible.push("市审计局".into());
    store
        .set_task_units(
            task,
            &UnitsInput {
                lead: vec![replacement.into()],
                responsible,
                reason: Some("市领导批示调整牵头单位".into()),
                effective_month: None,
                new_units: Vec::new(),
            },
            &directory,
            day("2021-09-10"),
            "协调办公室",
        )
        .await
        .expect("September amendment");
    let amendments = store.amendments(plan).await.expect("amendments");
    assert_eq!(amendments.last().and_then(|a| a.effective_month), Some(9));
    // Back-dating is refused: August's reports are already due.
    let refused = store
        .set_task_units(
            task,
            &UnitsInput {
                lead: old_lead.clone(),
                responsible: vec![],
                reason: Some("改回".into()),
                effective_month: Some(8),
                new_units: Vec::new(),
            },
            &directory,
            day("2021-09-10"),
            "协调办公室",
        )
        .await;
    assert!(
        matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "effective_month"),
        "{refused:?}"
    );
    simulate_months(&store, plan, 9..=11)
        .await
        .expect("Sep–Nov");
    let through_november = rendered(&store, plan, 11).await;
    assert!(
        through_november[..8] == through_august[..],
        "January–August read as issued before the September amendment"
    );
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let audit = snapshot
        .assignments
        .iter()
        .find(|a| a.task_id == task && a.unit == "市审计局")
        .expect("the new responsible unit");
    assert_eq!(audit.months.first(), Some(9));
    // The old lead answers for January–August (its reports kept), the new one from September.
    let old = snapshot
        .assignments
        .iter()
        .find(|a| a.task_id == task && old_lead.contains(&a.unit) && a.role == "lead")
        .expect("the old lead is kept");
    assert_eq!(old.months.label(), "1—8 月");
    assert!(
        snapshot
            .reports
            .iter()
            .any(|r| r.assignment_id == old.id && r.month == 8),
        "the old lead's reports are not lost"
    );
    let august = MonthlyBulletin::build(&snapshot, 8, &Rules::default()).expect("august");
    let september = MonthlyBulletin::build(&snapshot, 9, &Rules::default()).expect("september");
    let line = |b: &MonthlyBulletin| {
        b.targets
            .iter()
            .find(|t| t.task_id == task)
            .map(|t| t.lead.clone())
    };
    assert!(line(&august).is_some_and(|l| old_lead.contains(&l)));
    assert_eq!(line(&september).as_deref(), Some(replacement));

    // December: a responsible unit leaves another task.
    let other = snapshot
        .assignments
        .iter()
        .find(|a| {
            a.task_id != task && a.role == "responsible" && a.district.is_none() && !a.placeholder
        })
        .expect("a responsible department elsewhere");
    let (other_task, leaving) = (other.task_id, other.unit.clone());
    let detail = store.task(other_task).await.expect("task");
    store
        .set_task_units(
            other_task,
            &UnitsInput {
                lead: detail.row.lead.clone(),
                responsible: detail
                    .row
                    .responsible
                    .iter()
                    .filter(|r| **r != leaving)
                    .cloned()
                    .collect(),
                reason: Some("职责调整".into()),
                effective_month: None,
                new_units: Vec::new(),
            },
            &directory,
            day("2021-12-05"),
            "协调办公室",
        )
        .await
        .expect("December amendment");
    simulate_months(&store, plan, 12..=12)
        .await
        .expect("December");
    let whole_year = rendered(&store, plan, 12).await;
    assert!(
        whole_year[..11] == through_november[..],
        "January–November read as issued before the December amendment"
    );
    let snapshot = store.snapshot(plan).await.expect("snapshot");
    let left = snapshot
        .assignments
        .iter()
        .find(|a| a.task_id == other_task && a.unit == leaving)
        .expect("kept for the months it was due");
    assert_eq!(left.months.label(), "1—11 月");
    let december = MonthlyBulletin::build(&snapshot, 12, &Rules::default()).expect("december");
    assert_eq!(
        december.reports_due,
        snapshot
            .assignments
            .iter()
            .filter(|a| a.months.contains(12))
            .count()
    );

    // The year's assessment charges each unit only for the months it was due, and reconciles
    // with the raw reports.
    let assessment = AnnualAssessment::build(
        &snapshot,
        &[],
        &Rules::default(),
        &AssessmentRules::default(),
    )
    .expect("assessment");
    let owed = owed_reports(&snapshot, 12);
    let late = late_reports(&snapshot);
    let scored: Vec<_> = assessment
        .units
        .iter()
        .chain(&assessment.districts)
        .collect();
    assert!(scored.iter().any(|s| s.name == "市审计局"));
    for s in &scored {
        let (missing, late) = (
            owed.get(s.name.as_str()).copied().unwrap_or(0),
            late.get(s.name.as_str()).copied().unwrap_or(0),
        );
        assert!(
            s.evidence[1].contains(&format!("漏报 {missing} 次"))
                && s.evidence[1].contains(&format!("迟报 {late} 次")),
            "{}: {} (raw reports: 漏报 {missing}, 迟报 {late})",
            s.name,
            s.evidence[1]
        );
    }
}
