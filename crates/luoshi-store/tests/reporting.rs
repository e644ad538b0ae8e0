//! Accounts, the calendar and monthly reports on every backend available.

mod common;

use common::*;
use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{Day, ReportStatus, Role};
use luoshi_store::{ReportInput, StoreError, ValueInput};

fn day(text: &str) -> Day {
    Day::parse(text).expect("date")
}

#[tokio::test]
async fn publishing_creates_the_calendar_and_the_due_day_moves() {
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        let periods = store.periods(plan).await.expect("periods");
        assert_eq!(periods.len(), 19);
        let june = store.period_by_key(plan, "2021-06").await.expect("june");
        assert_eq!(
            (june.due_on.as_str(), june.label.as_str()),
            ("2021-06-25", "2021年6月")
        );
        assert_eq!(store.ensure_periods(plan, "测试").await.expect("ensure"), 0);
        store.set_due_day(plan, 31, "测试").await.expect("due day");
        let feb = store.period_by_key(plan, "2021-02").await.expect("feb");
        assert_eq!(feb.due_on, "2021-02-28");
        let e = store
            .set_due_day(plan, 0, "测试")
            .await
            .expect_err("0 is no day");
        assert!(
            matches!(e, StoreError::Invalid { ref field, .. } if field == "due_day"),
            "{e}"
        );
        let current = store
            .current_month(plan, day("2021-06-20"))
            .await
            .expect("current");
        assert_eq!(current.map(|p| p.key), Some("2021-06".into()));
    }
}

#[tokio::test]
async fn users_are_bound_to_units_and_districts() {
    for t in stores().await {
        let store = &t.store;
        published(store).await;
        let jiangan = store
            .create_user(
                user("jiangan", Role::DistrictReporter, None, Some("江岸区")),
                "测试",
            )
            .await
            .expect("district reporter");
        assert_eq!(jiangan.district.as_deref(), Some("江岸区"));
        assert_eq!(jiangan.unit.as_deref(), Some("江岸区人民政府"));
        let e = store
            .create_user(user("jiangan", Role::Leader, None, None), "测试")
            .await
            .expect_err("duplicate");
        assert!(e.to_string().contains("已被使用"), "{e}");
        let e = store
            .create_user(user("x", Role::UnitReporter, Some("火星局"), None), "测试")
            .await
            .expect_err("unknown unit");
        assert!(
            matches!(e, StoreError::Invalid { ref field, .. } if field == "unit"),
            "{e}"
        );
        let e = store
            .create_user(user("y", Role::LeadReviewer, None, None), "测试")
            .await
            .expect_err("lead needs a unit");
        assert!(e.to_string().contains("--unit"), "{e}");
        let e = store
            .create_user(user("has space", Role::Leader, None, None), "测试")
            .await
            .expect_err("bad name");
        assert!(
            matches!(e, StoreError::Invalid { ref field, .. } if field == "username"),
            "{e}"
        );
        store
            .create_session(
                jiangan.id,
                "browser",
                None,
                "hash-1",
                "csrf-1",
                "2999-01-01T00:00:00.000Z",
            )
            .await
            .expect("session");
        let session = store
            .session("hash-1")
            .await
            .expect("lookup")
            .expect("live");
        assert_eq!(session.principal.username, "jiangan");
        store
            .create_session(
                jiangan.id,
                "browser",
                None,
                "hash-old",
                "csrf",
                "2000-01-01T00:00:00.000Z",
            )
            .await
            .expect("expired session");
        assert!(
            store.session("hash-old").await.expect("lookup").is_none(),
            "expired"
        );
        store
            .set_disabled("jiangan", true, "测试")
            .await
            .expect("disable");
        assert!(
            store.session("hash-1").await.expect("lookup").is_none(),
            "disabled users lose sessions"
        );
    }
}

#[tokio::test]
async fn a_report_goes_from_draft_to_accepted_with_a_return_in_between() {
    for t in stores().await {
        let store = &t.store;
        let (plan, unit) = jiangan_reporting(store).await;
        let june = store.period_by_key(plan, "2021-06").await.expect("june");
        let today = day("2021-06-20");
        let forms = store.unit_reports(june.id, unit).await.expect("my reports");
        assert!(
            forms.len() >= 5,
            "江岸区 has many assignments: {}",
            forms.len()
        );
        let form = forms
            .iter()
            .find(|f| !f.targets.is_empty())
            .expect("a task with a target");
        assert_eq!(form.status, None);
        let other = forms
            .iter()
            .find(|f| f.assignment_id != form.assignment_id)
            .expect("another assignment")
            .assignment_id;
        let target = &form.targets[0];
        let input = ReportInput {
            progress: "已完成年度目标的一半".into(),
            values: vec![ValueInput {
                target_id: target.target_id,
                value: 3.0,
                note: None,
                confirmed: false,
            }],
            ..Default::default()
        };
        let saved = store
            .save_report(
                june.id,
                form.assignment_id,
                &input,
                ReportAction::Save,
                today,
                "江岸区",
            )
            .await
            .expect("draft");
        assert_eq!(
            (saved.status, saved.version),
            (Some(ReportStatus::Draft), 1)
        );
        assert_eq!(saved.targets[0].value, Some(3.0));

        // A second editor still holding version 0 is refused; the stored draft is untouched.
        let stale = ReportInput {
            progress: "另一人的内容".into(),
            ..input.clone()
        };
        let e = store
            .save_report(
                june.id,
                form.assignment_id,
                &stale,
                ReportAction::Save,
                today,
                "江岸区2",
            )
            .await
            .expect_err("stale version");
        assert!(
            matches!(e, StoreError::Conflict(ref m) if m.contains("第 1 版")),
            "{e}"
        );
        let kept = store
            .report(june.id, form.assignment_id)
            .await
            .expect("report");
        assert_eq!(kept.progress, "已完成年度目标的一半");

        // A target of another task is not this report's to fill.
        let foreign = other_task_target(store, plan, form.task_id).await;
        let bad = ReportInput {
            values: vec![ValueInput {
                target_id: foreign,
                value: 1.0,
                note: None,
                confirmed: false,
            }],
            version: 1,
            ..Default::default()
        };
        let e = store
            .save_report(
                june.id,
                form.assignment_id,
                &bad,
                ReportAction::Save,
                today,
                "江岸区",
            )
            .await
            .expect_err("foreign target");
        assert!(
            matches!(e, StoreError::Invalid { ref field, .. } if field == "values[0]"),
            "{e}"
        );

        let submitted = store
            .save_report(
                june.id,
                form.assignment_id,
                &ReportInput {
                    version: 1,
                    ..input.clone()
                },
                ReportAction::Submit,
                today,
                "江岸区",
            )
            .await
            .expect("submit");
        assert_eq!(submitted.status, Some(ReportStatus::Submitted));
        assert!(!submitted.submitted_late);
        let e = store
            .save_report(
                june.id,
                form.assignment_id,
                &ReportInput {
                    version: 2,
                    ..input.clone()
                },
                ReportAction::Save,
                today,
                "江岸区",
            )
            .await
            .expect_err("submitted reports are frozen");
        assert!(matches!(e, StoreError::Conflict(_)), "{e}");

        let e = store
            .review_report(june.id, form.assignment_id, 2, false, " ", "牵头单位")
            .await
            .expect_err("a return needs a reason");
        assert!(
            matches!(e, StoreError::Invalid { ref field, .. } if field == "comment"),
            "{e}"
        );
        let returned = store
            .review_report(
                june.id,
                form.assignment_id,
                2,
                false,
                "请补充活动清单",
                "牵头单位",
            )
            .await
            .expect("return");
        assert_eq!(returned.status, Some(ReportStatus::Returned));
        assert_eq!(returned.review_comment.as_deref(), Some("请补充活动清单"));
        let status = store.reporting_status(june.id).await.expect("status");
        let mine = status
            .iter()
            .find(|u| u.unit_id == unit)
            .expect("江岸区 listed");
        assert_eq!((mine.reported, mine.returned), (0, 1));

        store
            .save_report(
                june.id,
                form.assignment_id,
                &ReportInput {
                    version: 3,
                    ..input.clone()
                },
                ReportAction::Submit,
                today,
                "江岸区",
            )
            .await
            .expect("resubmit");
        let accepted = store
            .review_report(june.id, form.assignment_id, 4, true, "", "协调办公室")
            .await
            .expect("accept");
        assert_eq!(accepted.status, Some(ReportStatus::Accepted));
        let status = store.reporting_status(june.id).await.expect("status");
        let mine = status
            .iter()
            .find(|u| u.unit_id == unit)
            .expect("江岸区 listed");
        assert_eq!((mine.reported, mine.returned), (1, 0));
        assert_eq!(mine.missing.len() as i64, mine.assigned - 1);

        // July: previous value shown, a decrease needs a reason, last month's text is offered.
        let july = store.period_by_key(plan, "2021-07").await.expect("july");
        let form = store
            .report(july.id, form.assignment_id)
            .await
            .expect("july form");
        assert_eq!(form.targets[0].previous, Some(3.0));
        assert_eq!(
            form.previous.as_ref().map(|p| p.progress.as_str()),
            Some("已完成年度目标的一半")
        );
        let lower = ReportInput {
            values: vec![ValueInput {
                target_id: target.target_id,
                value: 2.0,
                note: None,
                confirmed: false,
            }],
            ..Default::default()
        };
        let e = store
            .save_report(
                july.id,
                form.assignment_id,
                &lower,
                ReportAction::Save,
                day("2021-07-10"),
                "江岸区",
            )
            .await
            .expect_err("decrease");
        assert!(e.to_string().contains("低于上期"), "{e}");
        let explained = ReportInput {
            values: vec![ValueInput {
                target_id: target.target_id,
                value: 2.0,
                note: Some("统计口径调整".into()),
                confirmed: false,
            }],
            ..Default::default()
        };
        store
            .save_report(
                july.id,
                form.assignment_id,
                &explained,
                ReportAction::Save,
                day("2021-07-10"),
                "江岸区",
            )
            .await
            .expect("explained decrease");

        // Closed after the due day; reopened by the office, entries are late.
        let e = store
            .save_report(
                june.id,
                other,
                &ReportInput::default(),
                ReportAction::Submit,
                day("2021-06-26"),
                "江岸区",
            )
            .await
            .expect_err("closed");
        assert!(e.to_string().contains("已截止"), "{e}");
        let e = store
            .reopen_period(june.id, Some(day("2021-06-20")), "协调办公室")
            .await
            .expect_err("before due");
        assert!(
            matches!(e, StoreError::Invalid { ref field, .. } if field == "until"),
            "{e}"
        );
        store
            .reopen_period(june.id, Some(day("2021-07-05")), "协调办公室")
            .await
            .expect("reopen");
        // An empty report is not submitted; 本月无进展 with its reason is.
        let empty = store
            .save_report(
                june.id,
                other,
                &ReportInput::default(),
                ReportAction::Submit,
                day("2021-06-30"),
                "江岸区",
            )
            .await
            .expect_err("empty");
        assert!(
            matches!(empty, StoreError::Invalid { ref field, .. } if field == "progress"),
            "{empty}"
        );
        let late = store
            .save_report(
                june.id,
                other,
                &ReportInput {
                    progress: "本月无进展：项目等待立项批复".into(),
                    ..ReportInput::default()
                },
                ReportAction::Submit,
                day("2021-06-30"),
                "江岸区",
            )
            .await
            .expect("late entry");
        assert!(late.submitted_late);
        let audit = store.audit_log(1_000_000).await.expect("audit");
        assert!(
            audit
                .iter()
                .any(|r| r.action == "reopen" && r.entity == "period")
        );
        assert!(
            audit
                .iter()
                .filter(|r| r.entity == "report" && r.action == "submit")
                .count()
                >= 3
        );
        assert!(store.verify_audit().await.expect("verify").is_ok());
    }
}

#[tokio::test]
async fn a_batch_of_reports_is_saved_whole_or_not_at_all() {
    for t in stores().await {
        let store = &t.store;
        let (plan, unit) = jiangan_reporting(store).await;
        let june = store.period_by_key(plan, "2021-06").await.expect("june");
        let forms = store.unit_reports(june.id, unit).await.expect("forms");
        let good: Vec<_> = forms
            .iter()
            .take(3)
            .map(|f| {
                (
                    f.assignment_id,
                    ReportInput {
                        progress: "推进中".into(),
                        ..Default::default()
                    },
                    vec![],
                )
            })
            .collect();
        let mut bad = good.clone();
        bad.push((
            forms[3].assignment_id,
            ReportInput {
                values: vec![ValueInput {
                    target_id: -5,
                    value: 1.0,
                    note: None,
                    confirmed: false,
                }],
                ..Default::default()
            },
            vec!["第 9 行 G 列".to_string()],
        ));
        let before = store.audit_log(1_000_000).await.expect("audit").len();
        let e = store
            .save_reports(
                june.id,
                &bad,
                ReportAction::Submit,
                day("2021-06-10"),
                "江岸区",
            )
            .await
            .expect_err("one bad row");
        assert!(
            matches!(e, StoreError::Invalid { ref field, .. } if field == "第 9 行 G 列"),
            "{e}"
        );
        assert_eq!(
            store.audit_log(1_000_000).await.expect("audit").len(),
            before
        );
        assert!(
            store
                .report(june.id, forms[0].assignment_id)
                .await
                .expect("r")
                .id
                .is_none()
        );
        let saved = store
            .save_reports(
                june.id,
                &good,
                ReportAction::Submit,
                day("2021-06-10"),
                "江岸区",
            )
            .await
            .expect("good batch");
        assert_eq!(saved, 3);
        let status = store.reporting_status(june.id).await.expect("status");
        assert_eq!(
            status
                .iter()
                .find(|u| u.unit_id == unit)
                .map(|u| u.reported),
            Some(3)
        );
        let sent = store
            .send_notices(Some(june.id), &[unit], "请于25日前报送", "协调办公室")
            .await
            .expect("notice");
        assert_eq!(sent, 1);
        let notices = store.notices(unit).await.expect("notices");
        assert_eq!((notices.len(), notices[0].read), (1, false));
        store.mark_notices_read(unit).await.expect("read");
        assert!(store.notices(unit).await.expect("notices")[0].read);
    }
}

async fn other_task_target(store: &luoshi_store::Store, plan: i64, not_task: i64) -> i64 {
    let tasks = store
        .tasks(
            plan,
            &luoshi_store::TaskFilter {
                has_target: Some(true),
                ..Default::default()
            },
            0,
            1000,
        )
        .await
        .expect("tasks");
    for task in tasks.items.iter().filter(|t| t.id != not_task) {
        if let Some(target) = store.task(task.id).await.expect("task").targets.first() {
            return target.id;
        }
    }
    panic!("no other task with a target")
}

/// The snapshot reads statuses and values from the packed `report_series`; after drafts,
/// submissions, a return, a resubmission with a value removed and an acceptance, it must say
/// exactly what the reports themselves say.
#[tokio::test]
async fn the_snapshot_agrees_with_the_reports_through_every_save_and_review() {
    for t in stores().await {
        let store = &t.store;
        let (plan, unit) = jiangan_reporting(store).await;
        let may = store.period_by_key(plan, "2021-05").await.expect("may");
        let june = store.period_by_key(plan, "2021-06").await.expect("june");
        // A share of a city target makes it 江岸区's to report too (it owns only its 分别 ones).
        let forms = store.unit_reports(june.id, unit).await.expect("forms");
        let city = forms
            .iter()
            .find(|f| f.targets.is_empty() && !f.context.is_empty())
            .expect("a task whose city target 江岸区 does not own")
            .context[0]
            .target_id;
        store
            .set_target_shares(
                city,
                &[("江岸区".to_string(), 3.0)],
                day("2021-05-20"),
                "协调办公室",
            )
            .await
            .expect("share");
        let forms = store.unit_reports(june.id, unit).await.expect("forms");
        let with_targets: Vec<_> = forms.iter().filter(|f| !f.targets.is_empty()).collect();
        let (a, b) = (with_targets[0], with_targets[1]);
        // Read once before any report, so the plan's structure is cached from here on.
        let before = store.snapshot(plan).await.expect("snapshot");
        assert!(before.reports.is_empty() && before.values.is_empty());
        let values = |form: &luoshi_store::ReportView, first: f64| -> Vec<ValueInput> {
            form.targets
                .iter()
                .enumerate()
                .map(|(i, target)| ValueInput {
                    target_id: target.target_id,
                    value: first + 0.1 * i as f64,
                    note: None,
                    confirmed: false,
                })
                .collect()
        };
        let save = |period: i64, assignment: i64, input: ReportInput, action, today| async move {
            store
                .save_report(period, assignment, &input, action, day(today), "江岸区")
                .await
                .expect("save")
        };
        save(
            may.id,
            a.assignment_id,
            ReportInput {
                values: values(a, 0.1),
                ..Default::default()
            },
            ReportAction::Save,
            "2021-05-20",
        )
        .await;
        save(
            june.id,
            a.assignment_id,
            ReportInput {
                values: values(a, 2.0),
                ..Default::default()
            },
            ReportAction::Submit,
            "2021-06-20",
        )
        .await;
        save(
            june.id,
            b.assignment_id,
            ReportInput {
                progress: "推进中".into(),
                ..Default::default()
            },
            ReportAction::Submit,
            "2021-06-20",
        )
        .await;
        store
            .review_report(june.id, a.assignment_id, 1, false, "请核实数据", "牵头单位")
            .await
            .expect("return");
        // Resubmitted with only the first target's value: the others are gone.
        let mut fewer = values(a, 4.25);
        fewer.truncate(1);
        save(
            june.id,
            a.assignment_id,
            ReportInput {
                values: fewer,
                version: 2,
                ..Default::default()
            },
            ReportAction::Submit,
            "2021-06-20",
        )
        .await;
        store
            .review_report(june.id, a.assignment_id, 3, true, "", "协调办公室")
            .await
            .expect("accept");

        let snapshot = store.snapshot(plan).await.expect("snapshot");
        for (period, month) in [(&may, 5u32), (&june, 6)] {
            for form in [a, b] {
                let stored = store
                    .report(period.id, form.assignment_id)
                    .await
                    .expect("report");
                let packed = snapshot
                    .reports
                    .iter()
                    .find(|r| r.assignment_id == form.assignment_id && r.month == month);
                assert_eq!(
                    packed.map(|r| (r.status, r.late)),
                    stored.status.map(|s| (s, stored.submitted_late)),
                    "{} {month}",
                    t.url
                );
                let mut packed_values: Vec<(i64, f64)> = snapshot
                    .values
                    .iter()
                    .filter(|v| v.assignment_id == form.assignment_id && v.month == month)
                    .map(|v| (v.target_id, v.value))
                    .collect();
                packed_values.sort_by_key(|v| v.0);
                let mut stored_values: Vec<(i64, f64)> = stored
                    .targets
                    .iter()
                    .filter_map(|t| Some((t.target_id, t.value?)))
                    .collect();
                stored_values.sort_by_key(|v| v.0);
                assert_eq!(packed_values, stored_values, "{} {month}", t.url);
            }
        }
        let june_a: Vec<f64> = snapshot
            .values
            .iter()
            .filter(|v| v.assignment_id == a.assignment_id && v.month == 6)
            .map(|v| v.value)
            .collect();
        assert_eq!(june_a, [4.25], "{}: the removed values are gone", t.url);
        let may_a: Vec<f64> = snapshot
            .values
            .iter()
            .filter(|v| v.assignment_id == a.assignment_id && v.month == 5)
            .map(|v| v.value)
            .collect();
        assert_eq!(
            may_a.first().copied(),
            Some(0.1),
            "{}: values read back exactly",
            t.url
        );
        let june_status = snapshot
            .reports
            .iter()
            .find(|r| r.assignment_id == a.assignment_id && r.month == 6)
            .map(|r| r.status);
        assert_eq!(june_status, Some(ReportStatus::Accepted), "{}", t.url);

        // A structural write (milestones) is seen by the next snapshot: the cache is dropped.
        let target = a.targets[0].target_id;
        store
            .set_milestones(
                target,
                &[luoshi_store::Milestone {
                    month: 6,
                    fraction: 0.6,
                }],
                "协调办公室",
            )
            .await
            .expect("milestones");
        let after = store.snapshot(plan).await.expect("snapshot");
        assert_eq!(*after.milestones, [(target, 6, 0.6)], "{}", t.url);
        assert_eq!(after.targets, before.targets);
    }
}

/// Headline indicators: the office links one to a target of the same plan or enters figures;
/// a target of another plan, an unknown indicator, month 13 and a non-finite figure are refused.
#[tokio::test]
async fn indicator_sources_and_entered_figures() {
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        let other = imported(store).await;
        let indicators = store.indicators(plan).await.expect("indicators");
        let first = indicators[0].id;
        assert_eq!(indicators[0].source, "auto");
        let own_target = store.snapshot(plan).await.expect("snapshot").targets[0].id;
        let foreign = store.snapshot(other).await.expect("snapshot").targets[0].id;
        let e = store
            .set_indicator_source(
                first,
                luoshi_store::IndicatorSource::Target(foreign),
                "办公室",
            )
            .await
            .expect_err("another plan's target");
        assert!(
            matches!(e, StoreError::Invalid { ref field, .. } if field == "target_id"),
            "{}: {e}",
            t.url
        );
        store
            .set_indicator_source(
                first,
                luoshi_store::IndicatorSource::Target(own_target),
                "办公室",
            )
            .await
            .expect("own target");
        let e = store
            .set_indicator_source(999_999, luoshi_store::IndicatorSource::Entered, "办公室")
            .await
            .expect_err("no such indicator");
        assert!(matches!(e, StoreError::NotFound { .. }), "{e}");
        store
            .set_indicator_value(first, 6, Some(10.5), "办公室")
            .await
            .expect("figure");
        store
            .set_indicator_value(first, 7, Some(11.0), "办公室")
            .await
            .expect("figure");
        store
            .set_indicator_value(first, 7, None, "办公室")
            .await
            .expect("cleared");
        for (month, value) in [(13, Some(1.0)), (6, Some(f64::NAN))] {
            assert!(
                store
                    .set_indicator_value(first, month, value, "办公室")
                    .await
                    .is_err(),
                "{month} {value:?}"
            );
        }
        let row = store
            .indicators(plan)
            .await
            .expect("indicators")
            .into_iter()
            .find(|i| i.id == first)
            .expect("first");
        assert_eq!(
            (row.source.as_str(), row.target_id, row.entered),
            ("target", Some(own_target), vec![(6, 10.5)]),
            "{}",
            t.url
        );
    }
}

/// Counts of what already exists (`推动 28 家国家重点实验室优化调整`) are context: no evaluation
/// sees them, no report form asks for them, the district table labels them.
#[tokio::test]
async fn counts_of_what_exists_are_never_evaluated_or_asked_for() {
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        let snapshot = store.snapshot(plan).await.expect("snapshot");
        assert!(!snapshot.targets.is_empty(), "{}", t.url);
        assert!(
            snapshot
                .targets
                .iter()
                .all(|g| !g.text.contains("28 家国家重点实验室")
                    && !g.text.contains("7 个湖北实验室")),
            "{}: existing counts are not evaluated",
            t.url
        );
        let june = store.period_by_key(plan, "2021-06").await.expect("june");
        let mut asked = Vec::new();
        for a in store
            .assignments(plan, None, None)
            .await
            .expect("assignments")
        {
            let form = store.report(june.id, a.id).await.expect("form");
            asked.extend(form.targets.into_iter().map(|g| g.text));
        }
        assert!(!asked.is_empty());
        assert!(
            asked
                .iter()
                .all(|text| !text.contains("28 家国家重点实验室")
                    && !text.contains("7 个湖北实验室")),
            "{}: no form asks for an existing count",
            t.url
        );
    }
}

/// A form asks only for the targets its assignment owns: 江岸区's 二.（三）.2 form asks for
/// 各区分别举办对接活动 5 场以上 and nothing of the city's, the zones' or the lead's own targets,
/// which it shows for context; a share the office gives it is asked for too.
#[tokio::test]
async fn a_form_asks_only_for_the_targets_its_assignment_owns() {
    for t in stores().await {
        let store = &t.store;
        let (plan, unit) = jiangan_reporting(store).await;
        let june = store.period_by_key(plan, "2021-06").await.expect("june");
        let form = |forms: Vec<luoshi_store::ReportView>| {
            forms
                .into_iter()
                .find(|f| f.task_path == "二.（三）.2")
                .expect("江岸区 works on 二.（三）.2")
        };
        let mine = form(store.unit_reports(june.id, unit).await.expect("forms"));
        let asked: Vec<&str> = mine.targets.iter().map(|g| g.text.as_str()).collect();
        assert_eq!(asked, ["各区分别举办对接活动 5 场以上"], "{}", t.url);
        let shown: Vec<&str> = mine.context.iter().map(|g| g.text.as_str()).collect();
        assert!(
            shown.iter().any(|s| s.contains("市级大型专场对接活动"))
                && shown.iter().any(|s| s.contains("三大国家级开发区"))
                && shown.iter().any(|s| s.contains("成果转化意向")),
            "{shown:?}"
        );
        let city = mine
            .context
            .iter()
            .find(|g| g.text.contains("成果转化意向"))
            .expect("the city total")
            .target_id;
        store
            .set_target_shares(
                city,
                &[("江岸区".to_string(), 40.0)],
                day("2021-06-20"),
                "协调办公室",
            )
            .await
            .expect("share");
        let mine = form(store.unit_reports(june.id, unit).await.expect("forms"));
        let asked: Vec<(&str, f64)> = mine
            .targets
            .iter()
            .map(|g| (g.text.as_str(), g.expected))
            .collect();
        assert_eq!(asked.len(), 2, "{asked:?}");
        assert!(
            asked
                .iter()
                .any(|(text, expected)| text.contains("成果转化意向") && *expected == 40.0)
        );
    }
}
