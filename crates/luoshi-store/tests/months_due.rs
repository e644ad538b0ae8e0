//! When things are due, on every backend: the reporting start set at publishing, amendments that
//! keep every assignment and report they do not change, shares given mid-year.

mod common;

use common::*;
use luoshi_directory::Directory;
use luoshi_reporting::Day;
use luoshi_reporting::report::ReportAction;
use luoshi_store::{Publishing, ReportInput, StoreError, UnitsInput, ValueInput};

fn day(text: &str) -> Day {
    Day::parse(text).expect("day")
}

#[tokio::test]
async fn publishing_sets_the_reporting_start_and_refuses_a_month_out_of_range() {
    for t in stores().await {
        let store = &t.store;
        let plan = imported(store).await;
        let refused = store
            .publish_with(
                plan,
                &Directory::wuhan(),
                Publishing {
                    today: day("2021-06-10"),
                    reporting_start: Some(13),
                },
                "协调办公室",
            )
            .await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "reporting_start"),
            "{refused:?}"
        );
        assert_eq!(store.plan(plan).await.expect("plan").status, "draft");
        store
            .publish_with(
                plan,
                &Directory::wuhan(),
                Publishing {
                    today: day("2021-06-10"),
                    reporting_start: None,
                },
                "协调办公室",
            )
            .await
            .expect("publish");
        let summary = store.plan(plan).await.expect("plan");
        assert_eq!(summary.reporting_start, Some(6), "{}", t.url);
        let rows = store.assignments(plan, None, None).await.expect("rows");
        assert!(
            rows.iter()
                .all(|a| a.months.first() == Some(6) && a.in_force())
        );
        let publish = store
            .audit_log(50)
            .await
            .expect("log")
            .into_iter()
            .find(|r| r.action == "publish")
            .expect("publish recorded");
        assert!(
            publish
                .after
                .as_deref()
                .unwrap_or("")
                .contains("\"reporting_start\":6"),
            "{publish:?}"
        );
    }
}

#[tokio::test]
async fn a_plan_naming_no_year_runs_in_the_year_it_is_published() {
    for t in stores().await {
        let store = &t.store;
        let text = "某区科技成果转化专项行动方案\n一、重点任务\n1. 新建平台 3 个。（牵头单位：市科技局）\n";
        let directory = Directory::wuhan();
        let plan = store
            .import_plan(
                &luoshi_directory::resolve(luoshi_extract::extract(text), &directory),
                "无年份.txt",
                text.as_bytes(),
                "测试",
            )
            .await
            .expect("import");
        assert_eq!(store.plan(plan).await.expect("plan").year, None);
        // Published on a calendar set to June 2021 (as `serve --today 2021-06-20` does).
        store
            .publish_with(
                plan,
                &directory,
                Publishing {
                    today: day("2021-06-20"),
                    reporting_start: None,
                },
                "协调办公室",
            )
            .await
            .expect("publish");
        let summary = store.plan(plan).await.expect("plan");
        assert_eq!(
            (summary.year, summary.reporting_start),
            (Some(2021), Some(6)),
            "{}",
            t.url
        );
        let june = store
            .period_by_key(plan, "2021-06")
            .await
            .expect("June 2021 exists");
        assert_eq!(june.due_on, "2021-06-25");
    }
}

#[tokio::test]
async fn an_amendment_keeps_the_reports_of_what_it_does_not_change() {
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        let may = store.period_by_key(plan, "2021-05").await.expect("may");
        let rows = store.assignments(plan, None, None).await.expect("rows");
        let lead = rows
            .iter()
            .find(|a| a.role == "lead" && a.district.is_none() && a.unit == "市科技局")
            .expect("a task 市科技局 leads")
            .clone();
        // 市科技局 reports on May.
        let form = store.report(may.id, lead.id).await.expect("form");
        let values: Vec<ValueInput> = form
            .targets
            .iter()
            .map(|g| ValueInput {
                target_id: g.target_id,
                value: 1.0,
                note: None,
                confirmed: false,
            })
            .collect();
        store
            .save_report(
                may.id,
                lead.id,
                &ReportInput {
                    progress: "五月推进情况".into(),
                    values,
                    version: 0,
                    ..Default::default()
                },
                ReportAction::Submit,
                day("2021-05-20"),
                "市科技局-张三",
            )
            .await
            .expect("May report");
        // In June another unit takes the lead; 市科技局 stays responsible.
        let task = store.task(lead.task_id).await.expect("task");
        let mut responsible = task.row.responsible.clone();
        responsible.insert(0, "市科技局".into());
        store
            .set_task_units(
                lead.task_id,
                &UnitsInput {
                    lead: vec!["市审计局".into()],
                    responsible,
                    reason: Some("调整牵头单位".into()),
                    effective_month: None,
                    new_units: Vec::new(),
                },
                &Directory::wuhan(),
                day("2021-06-20"),
                "协调办公室",
            )
            .await
            .expect("amend");
        let kept = store.report(may.id, lead.id).await.expect("kept");
        assert_eq!(kept.progress, "五月推进情况", "{}", t.url);
        assert_eq!(kept.months.label(), "1—5 月");
        let rows = store
            .assignments(plan, None, None)
            .await
            .expect("rows")
            .into_iter()
            .filter(|a| a.task_id == lead.task_id)
            .collect::<Vec<_>>();
        let new_lead = rows
            .iter()
            .find(|a| a.role == "lead" && a.unit == "市审计局")
            .expect("the new lead");
        assert_eq!(new_lead.months.label(), "6 月起");
        assert!(
            rows.iter().any(|a| a.role == "responsible"
                && a.unit == "市科技局"
                && a.months.first() == Some(6)),
            "{rows:?}"
        );
        // The new lead owes nothing for May: not listed, and a May report is refused.
        store
            .reopen_period(may.id, Some(day("2021-06-30")), "协调办公室")
            .await
            .expect("reopen");
        let status = store.reporting_status(may.id).await.expect("status");
        assert!(
            status
                .iter()
                .filter(|u| u.unit == "市审计局")
                .all(|u| u.missing.iter().all(|m| !m.starts_with(&task.row.path))),
            "{status:?}"
        );
        let refused = store
            .save_report(
                may.id,
                new_lead.id,
                &ReportInput {
                    progress: "补报".into(),
                    version: 0,
                    ..Default::default()
                },
                ReportAction::Submit,
                day("2021-06-21"),
                "市审计局-李四",
            )
            .await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "period"),
            "{refused:?}"
        );
        let amendments = store.amendments(plan).await.expect("amendments");
        assert_eq!(amendments.len(), 1);
        assert_eq!(amendments[0].effective_month, Some(6));
        assert_eq!(
            store.verify_audit().await.expect("verify").map(|_| ()),
            Ok(())
        );
    }
}

#[tokio::test]
async fn a_share_given_mid_year_is_due_from_the_month_in_progress() {
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        let jiangan = store
            .districts()
            .await
            .expect("districts")
            .into_iter()
            .find(|d| d.name == "江岸区")
            .expect("江岸区");
        let june = store.period_by_key(plan, "2021-06").await.expect("june");
        let july = store.period_by_key(plan, "2021-07").await.expect("july");
        let unit = store
            .assignments(plan, None, None)
            .await
            .expect("rows")
            .into_iter()
            .find(|a| a.district.as_deref() == Some("江岸区"))
            .expect("an assignment of 江岸区")
            .clone();
        let forms = store
            .unit_reports(
                june.id,
                store.report(june.id, unit.id).await.expect("form").unit_id,
            )
            .await
            .expect("forms");
        let (form, city) = forms
            .iter()
            .find_map(|f| Some((f, f.context.iter().find(|c| c.owner.contains("全市目标"))?)))
            .expect("a city target 江岸区 sees for context");
        // Given on 28 June, after June's due day: due from July.
        store
            .set_target_shares(
                city.target_id,
                &[("江岸区".to_string(), 5.0)],
                day("2021-06-28"),
                "协调办公室",
            )
            .await
            .expect("share");
        let asked = |view: &luoshi_store::ReportView| {
            view.targets.iter().any(|g| g.target_id == city.target_id)
        };
        let june_form = store
            .report(june.id, form.assignment_id)
            .await
            .expect("june");
        let july_form = store
            .report(july.id, form.assignment_id)
            .await
            .expect("july");
        assert!(
            !asked(&june_form),
            "June was already due when the share was given"
        );
        assert!(asked(&july_form), "{}", t.url);
        // Taking the share away in September keeps it for July and August.
        store
            .set_target_shares(city.target_id, &[], day("2021-09-10"), "协调办公室")
            .await
            .expect("unshare");
        let august = store.period_by_key(plan, "2021-08").await.expect("august");
        let september = store
            .period_by_key(plan, "2021-09")
            .await
            .expect("september");
        assert!(asked(
            &store
                .report(august.id, form.assignment_id)
                .await
                .expect("aug")
        ));
        assert!(!asked(
            &store
                .report(september.id, form.assignment_id)
                .await
                .expect("sep")
        ));
        let snapshot = store.snapshot(plan).await.expect("snapshot");
        let share = snapshot
            .shares
            .iter()
            .find(|s| s.target_id == city.target_id && s.district == jiangan.name)
            .expect("kept for the months it was due");
        assert_eq!(share.months.label(), "7—8 月");
    }
}

#[tokio::test]
async fn a_draft_is_deleted_whole_and_a_published_plan_never() {
    for t in stores().await {
        let store = &t.store;
        let draft = imported(store).await;
        let published = published(store).await;
        store
            .delete_draft(draft, "协调办公室")
            .await
            .expect("delete");
        let plans = store.plans().await.expect("plans");
        assert_eq!(
            plans.iter().map(|p| p.id).collect::<Vec<_>>(),
            [published],
            "{}",
            t.url
        );
        assert!(matches!(
            store.delete_draft(published, "协调办公室").await,
            Err(StoreError::Published(_))
        ));
        assert!(matches!(
            store.delete_draft(draft, "协调办公室").await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(store.verify_audit().await.expect("verify").is_ok());
    }
}
