//! Saves that arrive together are committed as one group: read together, checked one by one,
//! written by a few statements. Each is answered as if it had been saved alone.

mod common;

use std::sync::{Arc, Mutex};

use common::*;
use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{Day, ReportStatus};
use luoshi_store::{ReportInput, ReportView, StoreError, ValueInput};

fn day(text: &str) -> Day {
    Day::parse(text).expect("date")
}

fn value(target_id: i64, value: f64) -> ValueInput {
    ValueInput {
        target_id,
        value,
        note: None,
        confirmed: true,
    }
}

fn texts(progress: &str, version: i64, values: Vec<ValueInput>) -> ReportInput {
    ReportInput {
        progress: progress.into(),
        problems: "无".into(),
        next_steps: "继续推进".into(),
        values,
        version,
        ..ReportInput::default()
    }
}

/// What a fresh read must agree with; `updated_at` and attachments aside, nothing may differ.
fn comparable(view: &ReportView) -> ReportView {
    let mut view = view.clone();
    view.attachments.clear();
    view
}

#[tokio::test]
async fn saves_arriving_together_are_answered_as_if_saved_alone() {
    for t in stores().await {
        let mut store = t.store.clone();
        let groups = Arc::new(Mutex::new(Vec::new()));
        let seen = groups.clone();
        store.observe_commits(move |n| seen.lock().expect("lock").push(n));
        let (plan, unit) = jiangan_reporting(&store).await;
        let june = store.period_by_key(plan, "2021-06").await.expect("june").id;
        let july = store.period_by_key(plan, "2021-07").await.expect("july").id;
        let mut forms = Vec::new();
        for assignment in store.assignments(plan, None, None).await.expect("all") {
            forms.push(store.report(june, assignment.id).await.expect("one"));
        }
        let with_target: Vec<&ReportView> =
            forms.iter().filter(|f| !f.targets.is_empty()).collect();
        assert!(with_target.len() >= 4, "{}", t.url);
        let (a, b, c, d) = (
            with_target[0],
            with_target[1],
            with_target[2],
            with_target[3],
        );
        // The batched read of a unit's list gives each form exactly as reading it alone does.
        for unit in [unit, a.unit_id] {
            let listed = store.unit_reports(june, unit).await.expect("forms");
            assert!(!listed.is_empty());
            for form in &listed {
                assert_eq!(
                    Some(form),
                    forms.iter().find(|f| f.assignment_id == form.assignment_id),
                    "{}",
                    t.url
                );
            }
        }
        let plain = forms
            .iter()
            .find(|f| f.targets.is_empty())
            .expect("a form without a target");
        let target = |f: &ReportView| f.targets[0].target_id;
        let today = day("2021-06-20");

        // C already has a report with a value: its group save replaces the value.
        let before = store
            .save_report(
                june,
                c.assignment_id,
                &texts("六月上旬", 0, vec![value(target(c), 2.0)]),
                ReportAction::Save,
                today,
                "江岸区",
            )
            .await
            .expect("c saved");
        assert_eq!(before.version, 1);
        // D too: its group save gives no value, so the stored one goes.
        store
            .save_report(
                june,
                d.assignment_id,
                &texts("六月上旬", 0, vec![value(target(d), 1.0)]),
                ReportAction::Save,
                today,
                "江岸区",
            )
            .await
            .expect("d saved");
        let audit_before = store.audit_log(1_000_000).await.expect("audit").len();
        groups.lock().expect("lock").clear();

        let save = |assignment: i64, period: i64, input: ReportInput, action: ReportAction| {
            let store = store.clone();
            async move {
                store
                    .save_report(period, assignment, &input, action, today, "江岸区")
                    .await
            }
        };
        // Polled in order before any commit runs, so all join one group, in this order.
        let answers = futures_util::future::join_all([
            // A twice: the second save builds on the first, within the same group.
            save(
                a.assignment_id,
                june,
                texts("第一稿", 0, vec![value(target(a), 3.0)]),
                ReportAction::Save,
            ),
            save(
                a.assignment_id,
                june,
                texts("第二稿", 1, vec![value(target(a), 4.0)]),
                ReportAction::Submit,
            ),
            // B from a stale version: refused, nothing written.
            save(
                b.assignment_id,
                june,
                texts("旧稿", 5, vec![value(target(b), 1.0)]),
                ReportAction::Save,
            ),
            // B again, with a target of another task: refused by its checks.
            save(
                b.assignment_id,
                june,
                texts("错指标", 0, vec![value(target(a), 1.0)]),
                ReportAction::Save,
            ),
            save(
                c.assignment_id,
                june,
                texts("六月下旬", 1, vec![value(target(c), 5.0)]),
                ReportAction::Submit,
            ),
            save(
                d.assignment_id,
                june,
                texts("暂无数据", 1, vec![]),
                ReportAction::Save,
            ),
            // An assignment that does not exist.
            save(-7, june, texts("无此任务", 0, vec![]), ReportAction::Save),
            // July is not open on June 20: refused by its period.
            save(
                plain.assignment_id,
                july,
                texts("七月", 0, vec![]),
                ReportAction::Save,
            ),
            save(
                plain.assignment_id,
                june,
                texts("按计划推进", 0, vec![]),
                ReportAction::Save,
            ),
        ])
        .await;
        assert_eq!(
            groups.lock().expect("lock").as_slice(),
            [5],
            "one commit of the five saves that passed, {}",
            t.url
        );
        let mut answers = answers.into_iter();
        let mut next = || answers.next().expect("an answer");
        let first = next().expect("a first");
        assert_eq!((first.version, first.progress.as_str()), (1, "第一稿"));
        let second = next().expect("a second");
        assert_eq!(
            (second.version, second.status, second.targets[0].value),
            (2, Some(ReportStatus::Submitted), Some(4.0)),
            "{}",
            t.url
        );
        assert!(matches!(next(), Err(StoreError::Conflict(m)) if m.contains("第 5 版")));
        assert!(matches!(next(), Err(StoreError::Invalid { field, .. }) if field == "values[0]"));
        let c_saved = next().expect("c saved again");
        let d_saved = next().expect("d saved again");
        assert_eq!(d_saved.targets[0].value, None);
        assert!(matches!(next(), Err(StoreError::NotFound { .. })));
        assert!(matches!(next(), Err(StoreError::Invalid { field, .. }) if field == "period"));
        let plain_saved = next().expect("plain saved");

        // What each save answered is what is stored.
        for answered in [&second, &c_saved, &d_saved, &plain_saved] {
            let stored = store
                .report(june, answered.assignment_id)
                .await
                .expect("stored");
            assert_eq!(comparable(answered), comparable(&stored), "{}", t.url);
        }
        let c_stored = store.report(june, c.assignment_id).await.expect("c");
        assert_eq!(
            (c_stored.version, c_stored.targets[0].value),
            (2, Some(5.0))
        );
        let b_stored = store.report(june, b.assignment_id).await.expect("b");
        assert_eq!((b_stored.id, b_stored.version), (None, 0));
        assert_eq!(
            store.audit_log(1_000_000).await.expect("audit").len(),
            audit_before + 5,
            "one record per save written, {}",
            t.url
        );
        assert!(store.verify_audit().await.expect("verify").is_ok());

        // Saving as a user: checked against the form the commit reads.
        let jiangan = store
            .credentials("jiangan")
            .await
            .expect("lookup")
            .expect("user")
            .principal;
        let theirs = store.report(june, b.assignment_id).await.expect("b");
        assert_ne!(Some(theirs.unit_id), jiangan.unit_id);
        let refused = store
            .save_report_as(
                &jiangan,
                june,
                b.assignment_id,
                &texts("越权", 0, vec![]),
                ReportAction::Save,
                today,
                "江岸区",
            )
            .await;
        assert!(
            matches!(&refused, Err(StoreError::Forbidden(m)) if m.contains("无权填报")),
            "{refused:?}"
        );
        assert_eq!(
            store.report(june, b.assignment_id).await.expect("b"),
            theirs
        );
        let own = store.unit_reports(june, unit).await.expect("own")[0].clone();
        let saved = store
            .save_report_as(
                &jiangan,
                june,
                own.assignment_id,
                &texts("本单位", own.version, vec![]),
                ReportAction::Save,
                today,
                "江岸区",
            )
            .await
            .expect("its own report");
        assert_eq!(saved.version, own.version + 1);
    }
}

/// The texts offered to copy forward are those of the latest earlier month that has a report,
/// read for many forms at once.
#[tokio::test]
async fn last_months_texts_come_from_the_latest_earlier_report() {
    for t in stores().await {
        let store = &t.store;
        let (plan, unit) = jiangan_reporting(store).await;
        let period = |key: &'static str| async move {
            store.period_by_key(plan, key).await.expect("period").id
        };
        let (june, july, august) = (
            period("2021-06").await,
            period("2021-07").await,
            period("2021-08").await,
        );
        let forms = store.unit_reports(june, unit).await.expect("forms");
        assert!(forms.len() >= 3, "{}", t.url);
        let (both, june_only) = (forms[0].assignment_id, forms[1].assignment_id);
        for (assignment, month, today, text) in [
            (both, june, "2021-06-20", "六月进展"),
            (june_only, june, "2021-06-20", "只有六月"),
            (both, july, "2021-07-20", "七月进展"),
        ] {
            store
                .save_report(
                    month,
                    assignment,
                    &texts(text, 0, vec![]),
                    ReportAction::Save,
                    day(today),
                    "江岸区",
                )
                .await
                .expect("saved");
        }
        let offered = |forms: &[ReportView], assignment: i64| {
            forms
                .iter()
                .find(|f| f.assignment_id == assignment)
                .and_then(|f| f.previous.as_ref())
                .map(|p| (p.period_key.clone(), p.progress.clone()))
        };
        let in_august = store.unit_reports(august, unit).await.expect("august");
        assert_eq!(
            offered(&in_august, both),
            Some(("2021-07".into(), "七月进展".into())),
            "{}",
            t.url
        );
        assert_eq!(
            offered(&in_august, june_only),
            Some(("2021-06".into(), "只有六月".into()))
        );
        assert_eq!(offered(&in_august, forms[2].assignment_id), None);
        // In July itself, June's: never the month's own report or a later one.
        let in_july = store.unit_reports(july, unit).await.expect("july");
        assert_eq!(
            offered(&in_july, both),
            Some(("2021-06".into(), "六月进展".into()))
        );
    }
}
