//! The ledger on every backend available: import, read, correct, publish, district tables,
//! amendments and the audit chain.

mod common;

use common::*;
use luoshi_directory::Directory;
use luoshi_reporting::Day;
use luoshi_store::{DistrictRowInput, StoreError, TargetPart, TaskFilter, UnitsInput};

#[tokio::test]
async fn import_stores_the_whole_plan_as_a_draft() {
    for t in stores().await {
        let id = imported(&t.store).await;
        let plan = t.store.plan(id).await.expect("plan");
        assert_eq!(plan.status, "draft");
        assert_eq!(plan.doc_number.as_deref(), Some("武政办〔2021〕26号"));
        assert_eq!(plan.task_count, 19);
        assert_eq!(plan.target_count, 23);
        assert!(plan.open_review_items >= 1);
        let sections = t.store.sections(id).await.expect("sections");
        assert_eq!(
            sections
                .iter()
                .find(|s| s.path == "二.（一）")
                .map(|s| s.task_count),
            Some(5)
        );
        assert_eq!(t.store.indicators(id).await.expect("indicators").len(), 6);
        let by_alias = t
            .store
            .tasks(
                id,
                &TaskFilter {
                    unit: Some("市发改委".into()),
                    ..TaskFilter::default()
                },
                0,
                100,
            )
            .await
            .expect("draft filter");
        assert_eq!(
            by_alias.total, 11,
            "a draft filters by printed units, aliases included: {}",
            t.url
        );
        let review = t.store.review_items(id).await.expect("review");
        assert!(
            review
                .iter()
                .any(|r| r.path.as_deref() == Some("二.（三）.1") && !r.resolved),
            "{}",
            t.url
        );
    }
}

#[tokio::test]
async fn jiangan_district_table() {
    for t in stores().await {
        let id = published(&t.store).await;
        let table = t.store.district_table(id, "江岸区").await.expect("table");
        assert_eq!(table.district.government, "江岸区人民政府");
        // Every task naming 各区人民政府 (or 江岸区) is in it.
        let all = t
            .store
            .tasks(id, &TaskFilter::default(), 0, 100)
            .await
            .expect("tasks");
        for task in all.items.iter().filter(|task| {
            task.lead
                .iter()
                .chain(&task.responsible)
                .any(|u| u == "各区人民政府" || u == "江岸区")
        }) {
            assert!(
                table.rows.iter().any(|r| r.task_id == Some(task.id)),
                "{} missing from 江岸区's table",
                task.path
            );
        }
        let docking = table
            .rows
            .iter()
            .find(|r| r.path == "二.（三）.2")
            .expect("二.（三）.2");
        let own = docking
            .targets
            .iter()
            .find(|g| g.text == "各区分别举办对接活动 5 场以上")
            .expect("per-district target");
        assert_eq!((own.value, own.source.as_str()), (Some(5.0), "per_each"));
        assert_eq!(table.focuses, vec!["汉口文创谷", "岱家山知识产权创业小镇"]);
        let hongshan = t
            .store
            .district_table(id, "洪山区人民政府")
            .await
            .expect("by government name");
        assert!(
            hongshan.rows.iter().any(|r| r.path == "二.（一）.3"),
            "洪山区 printed alone resolves to its government"
        );
        let err = t
            .store
            .district_table(id, "火星区")
            .await
            .expect_err("unknown district");
        assert!(matches!(err, StoreError::Invalid { ref field, .. } if field == "district"));
    }
}

#[tokio::test]
async fn publishing_creates_assignments_per_task_unit_and_role() {
    for t in stores().await {
        let id = published(&t.store).await;
        let lead = t
            .store
            .assignments(id, Some("市发改委"), None)
            .await
            .expect("by alias");
        assert!(
            lead.iter().any(|a| a.task_path == "二.（一）.2"
                && a.role == "lead"
                && a.unit == "市发展改革委")
        );
        let all_districts = t.store.assignments(id, None, None).await.expect("all");
        let per_task = all_districts
            .iter()
            .filter(|a| a.task_path == "二.（二）.2" && a.printed == "各区人民政府")
            .count();
        assert_eq!(
            per_task, 14,
            "13 districts and the development zone, after 〈含开发区管委会，下同〉"
        );
        let filtered = t
            .store
            .tasks(
                id,
                &TaskFilter {
                    unit: Some("市科技局".into()),
                    role: Some("lead".into()),
                    ..TaskFilter::default()
                },
                0,
                100,
            )
            .await
            .expect("filter");
        assert_eq!(filtered.total, 9);
        assert!(
            filtered
                .items
                .iter()
                .all(|t| t.lead.iter().any(|u| u == "市科技局"))
        );
        let page = t
            .store
            .tasks(id, &TaskFilter::default(), 5, 5)
            .await
            .expect("page");
        assert_eq!(
            (page.total, page.items.len(), page.items[0].path.as_str()),
            (19, 5, "二.（二）.1")
        );
        let text = t
            .store
            .tasks(
                id,
                &TaskFilter {
                    text: Some("知识产权".into()),
                    ..TaskFilter::default()
                },
                0,
                50,
            )
            .await
            .expect("text");
        assert_eq!(
            text.items
                .iter()
                .map(|t| t.path.as_str())
                .collect::<Vec<_>>(),
            vec!["二.（二）.1", "二.（三）.5"]
        );
        let err = t
            .store
            .tasks(id, &TaskFilter::default(), 0, 0)
            .await
            .expect_err("bad limit");
        assert!(matches!(err, StoreError::Invalid { ref field, .. } if field == "limit"));
    }
}

#[tokio::test]
async fn the_office_corrects_a_draft_then_publishes() {
    for t in stores().await {
        let id = imported(&t.store).await;
        let dir = Directory::wuhan();
        let tasks = t
            .store
            .tasks(
                id,
                &TaskFilter {
                    section: Some("二.（三）".into()),
                    ..TaskFilter::default()
                },
                0,
                10,
            )
            .await
            .expect("tasks");
        let first = tasks
            .items
            .iter()
            .find(|t| t.path == "二.（三）.1")
            .expect("二.（三）.1");
        let input = UnitsInput {
            lead: vec!["市科技局".into()],
            responsible: vec!["各区人民政府".into()],
            reason: None,
            effective_month: None,
            new_units: Vec::new(),
        };
        t.store
            .set_task_units(first.id, &input, &dir, june(), "市科技局-张三")
            .await
            .expect("set units");
        let detail = t.store.task(first.id).await.expect("task");
        assert_eq!(detail.row.lead, vec!["市科技局"]);
        assert!(
            detail.review_items.iter().all(|r| r.resolved),
            "{:?}",
            detail.review_items
        );

        let merged = t
            .store
            .merge_units(id, "有关专班单位", "市科技局", "张三")
            .await
            .expect("merge");
        assert_eq!(merged, 1);

        let four = t
            .store
            .tasks(
                id,
                &TaskFilter {
                    section: Some("二.（一）".into()),
                    ..TaskFilter::default()
                },
                0,
                10,
            )
            .await
            .expect("tasks");
        let four = four
            .items
            .iter()
            .find(|t| t.path == "二.（一）.4")
            .expect("二.（一）.4");
        let detail = t.store.task(four.id).await.expect("task");
        let range = detail
            .targets
            .iter()
            .find(|g| g.qualifier == "range")
            .expect("1—2 个");
        let parts = [
            TargetPart {
                text: "力争立项 1 个".into(),
                value: 1.0,
                unit: None,
                per_each: None,
            },
            TargetPart {
                text: "储备 1 个".into(),
                value: 1.0,
                unit: None,
                per_each: None,
            },
        ];
        let ids = t
            .store
            .split_target(range.id, &parts, "张三")
            .await
            .expect("split");
        assert_eq!(ids.len(), 2);
        assert_eq!(t.store.task(four.id).await.expect("task").targets.len(), 3);

        let row = DistrictRowInput {
            district: "江岸区".into(),
            text: "建设汉口文创谷二期".into(),
            task_path: Some("二.（二）.1".into()),
            value: Some(1.0),
            unit: Some("个".into()),
            deadline: Some("2021年12月".into()),
            note: None,
        };
        t.store
            .add_district_row(id, &row, "张三")
            .await
            .expect("row");
        let bad = DistrictRowInput {
            district: "火星区".into(),
            ..row.clone()
        };
        assert!(
            matches!(t.store.add_district_row(id, &bad, "张三").await, Err(StoreError::Invalid { ref field, .. }) if field == "district")
        );

        t.store.publish(id, &dir, "张三").await.expect("publish");
        let table = t.store.district_table(id, "江岸区").await.expect("table");
        assert!(table.rows.iter().any(|r| r.hand_added
            && r.path == "二.（二）.1"
            && r.targets[0].text == "建设汉口文创谷二期"));
        assert!(
            table.rows.iter().any(|r| r.path == "二.（三）.1"),
            "the corrected task reaches every district"
        );
        assert!(matches!(
            t.store.publish(id, &dir, "张三").await,
            Err(StoreError::Published(_))
        ));
        assert!(matches!(
            t.store.split_target(ids[0], &parts, "张三").await,
            Err(StoreError::Published(_))
        ));
        // After publishing, unit changes are amendments and need a reason.
        let again = UnitsInput {
            lead: vec!["市发展改革委".into()],
            responsible: vec![],
            reason: None,
            effective_month: None,
            new_units: Vec::new(),
        };
        assert!(
            matches!(t.store.set_task_units(first.id, &again, &dir, june(), "张三").await, Err(StoreError::Invalid { ref field, .. }) if field == "reason")
        );
        let again = UnitsInput {
            reason: Some("市领导批示调整牵头单位".into()),
            ..again
        };
        t.store
            .set_task_units(first.id, &again, &dir, june(), "张三")
            .await
            .expect("amend");
        let assignments = t
            .store
            .assignments(id, Some("市发展改革委"), None)
            .await
            .expect("assignments");
        assert!(
            assignments
                .iter()
                .any(|a| a.task_path == "二.（三）.1" && a.role == "lead")
        );
        assert_eq!(
            t.store.verify_audit().await.expect("verify"),
            Ok(8),
            "{}",
            t.url
        );
    }
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    for t in stores().await {
        let id = imported(&t.store).await;
        let dir = Directory::wuhan();
        let before = t.store.audit_log(100).await.expect("log").len();
        let empty = UnitsInput {
            lead: vec![],
            responsible: vec!["市科技局".into()],
            reason: None,
            effective_month: None,
            new_units: Vec::new(),
        };
        assert!(
            matches!(t.store.set_task_units(1, &empty, &dir, june(), "x").await, Err(StoreError::Invalid { ref field, .. }) if field == "lead")
        );
        let blank = UnitsInput {
            lead: vec!["市科技局".into(), " ".into()],
            responsible: vec![],
            reason: None,
            effective_month: None,
            new_units: Vec::new(),
        };
        assert!(
            matches!(t.store.set_task_units(1, &blank, &dir, june(), "x").await, Err(StoreError::Invalid { ref field, .. }) if field == "lead[1]")
        );
        assert!(matches!(
            t.store
                .set_task_units(
                    99_999,
                    &UnitsInput {
                        lead: vec!["a局".into()],
                        ..UnitsInput::default()
                    },
                    &dir,
                    june(),
                    "x"
                )
                .await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(
            matches!(t.store.merge_units(id, "不存在的单位", "市科技局", "x").await, Err(StoreError::Invalid { ref field, .. }) if field == "from")
        );
        let shares = [("江岸区".to_string(), 1.0), ("江岸区".to_string(), 2.0)];
        assert!(
            t.store
                .set_target_shares(1, &shares, june(), "x")
                .await
                .is_err()
        );
        assert_eq!(
            t.store.audit_log(100).await.expect("log").len(),
            before,
            "failed writes leave no audit record"
        );
        let shares = [("江岸区".to_string(), 1.0), ("江汉区".to_string(), 2.0)];
        t.store
            .set_target_shares(1, &shares, june(), "x")
            .await
            .expect("shares");
    }
}

#[tokio::test]
async fn tampering_with_the_audit_log_is_detected_and_named() {
    let t = sqlite().await;
    published(&t.store).await;
    assert_eq!(t.store.verify_audit().await.expect("verify"), Ok(2));
    use sqlx::Connection;
    let mut conn = sqlx::AnyConnection::connect(&t.url)
        .await
        .expect("raw connection");
    sqlx::query("UPDATE audit_log SET actor = '某人' WHERE id = 1")
        .execute(&mut conn)
        .await
        .expect("tamper");
    let problem = t
        .store
        .verify_audit()
        .await
        .expect("verify")
        .expect_err("detected");
    assert_eq!(problem.id, Some(1));
    assert!(problem.reason.contains("第 1 条"));
}

/// SQLite and PostgreSQL hold the same ledger: every read answers the same (ids and times
/// aside). Runs where CI provides a PostgreSQL server.
#[tokio::test]
async fn sqlite_and_postgres_answer_the_same() {
    let Some(pg) = postgres().await else { return };
    let lite = sqlite().await;
    let mut answers = Vec::new();
    for t in [&lite, &pg] {
        let id = published(&t.store).await;
        let mut a = serde_json::Map::new();
        let mut plan = serde_json::to_value(t.store.plan(id).await.expect("plan")).expect("json");
        for key in ["created_at", "published_at"] {
            plan[key] = serde_json::Value::Null;
        }
        a.insert("plan".into(), plan);
        a.insert(
            "sections".into(),
            serde_json::to_value(t.store.sections(id).await.expect("sections")).expect("json"),
        );
        a.insert(
            "indicators".into(),
            serde_json::to_value(t.store.indicators(id).await.expect("indicators")).expect("json"),
        );
        let tasks = t
            .store
            .tasks(id, &TaskFilter::default(), 0, 1000)
            .await
            .expect("tasks");
        let mut details = Vec::new();
        for task in &tasks.items {
            details.push(
                serde_json::to_value(t.store.task(task.id).await.expect("task")).expect("json"),
            );
        }
        a.insert("tasks".into(), serde_json::to_value(&tasks).expect("json"));
        a.insert("details".into(), serde_json::Value::Array(details));
        a.insert(
            "units".into(),
            serde_json::to_value(t.store.units(Some(id)).await.expect("units")).expect("json"),
        );
        a.insert(
            "districts".into(),
            serde_json::to_value(t.store.districts().await.expect("districts")).expect("json"),
        );
        for d in t.store.districts().await.expect("districts") {
            a.insert(
                format!("table {}", d.name),
                serde_json::to_value(t.store.district_table(id, &d.name).await.expect("table"))
                    .expect("json"),
            );
        }
        a.insert(
            "assignments".into(),
            serde_json::to_value(
                t.store
                    .assignments(id, None, None)
                    .await
                    .expect("assignments"),
            )
            .expect("json"),
        );
        a.insert(
            "review".into(),
            serde_json::to_value(t.store.review_items(id).await.expect("review")).expect("json"),
        );
        answers.push(serde_json::Value::Object(a));
    }
    for key in answers[0].as_object().expect("object").keys() {
        assert_eq!(
            answers[0][key], answers[1][key],
            "{key} differs between SQLite and PostgreSQL"
        );
    }
}

/// District tables and task pages are kept between reads, and every write makes them fresh.
#[tokio::test]
async fn cached_reads_follow_every_write() {
    for t in stores().await {
        let id = published(&t.store).await;
        let before = t.store.district_table(id, "江岸区").await.expect("table");
        assert_eq!(
            t.store.district_table(id, "江岸区").await.expect("again"),
            before
        );
        let page = t
            .store
            .tasks(id, &TaskFilter::default(), 0, 5)
            .await
            .expect("page");
        let row = DistrictRowInput {
            district: "江岸区".into(),
            text: "新增一行".into(),
            task_path: None,
            value: None,
            unit: None,
            deadline: None,
            note: None,
        };
        t.store
            .add_district_row(id, &row, "张三")
            .await
            .expect("row");
        let after = t.store.district_table(id, "江岸区").await.expect("table");
        assert_eq!(after.rows.len(), before.rows.len() + 1, "{}", t.url);
        let first = page.items[0].id;
        let units = UnitsInput {
            lead: vec!["市科技局".into()],
            responsible: vec![],
            reason: Some("调整".into()),
            effective_month: None,
            new_units: Vec::new(),
        };
        t.store
            .set_task_units(first, &units, &Directory::wuhan(), june(), "张三")
            .await
            .expect("amend");
        let page = t
            .store
            .tasks(id, &TaskFilter::default(), 0, 5)
            .await
            .expect("page");
        assert_eq!(page.items[0].lead, vec!["市科技局"]);
    }
}

/// The day amendments in these tests are made on: June's reports are still being made.
fn june() -> Day {
    Day {
        year: 2021,
        month: 6,
        day: 20,
    }
}
