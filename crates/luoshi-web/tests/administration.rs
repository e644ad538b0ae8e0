//! The office's administration in the browser: importing a plan document from the plan list,
//! several published plans on 我的任务, a lead unit's batch review, the audit log page.

mod common;

use axum::http::StatusCode;
use common::*;
use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{Day, Role};
use luoshi_store::{ReportInput, ValueInput};

const CSRF: &str = OFFICE_CSRF;

#[tokio::test]
async fn the_office_uploads_a_plan_document_and_lands_on_its_review() {
    let (state, _dir) = wuhan(true).await;
    let office = office_cookie();
    let (gb, _, _) = encoding_rs::GB18030.encode(PLAN);
    let uploaded = send(
        &state,
        multipart_named(
            &format!("/plans/import?csrf={CSRF}"),
            &office,
            "武汉方案.txt",
            &gb,
            &[],
        ),
    )
    .await;
    assert_eq!(uploaded.status, StatusCode::SEE_OTHER, "{}", uploaded.body);
    let review = uploaded.location.expect("redirect");
    assert_eq!(review, "/plans/2/review");
    let draft = state.store.plan(2).await.expect("draft");
    assert_eq!(draft.status, "draft");
    assert_eq!(draft.source_name, "武汉方案.txt");
    assert_eq!(
        draft.task_count,
        state.store.plan(1).await.expect("p").task_count
    );
    let page = send(&state, get(&review, &office)).await;
    assert_eq!(page.status, StatusCode::OK);
    // The list shows it, most recent first, as a draft the office may delete.
    let list = send(&state, get("/", &office)).await;
    let (first, second) = (
        list.body.find("id=\"plan-2\"").expect("new draft listed"),
        list.body
            .find("id=\"plan-1\"")
            .expect("published plan listed"),
    );
    assert!(first < second, "most recent first");
    assert!(list.body.contains("/plans/2/delete"));
}

#[tokio::test]
async fn a_document_that_is_not_a_plan_is_refused_beside_the_field() {
    let (state, _dir) = wuhan(true).await;
    let office = office_cookie();
    for (name, bytes, expected) in [
        ("方案.pdf", b"%PDF-1.4 x".to_vec(), "这是 PDF 文件"),
        (
            "方案.doc",
            vec![0xD0, 0xCF, 0x11, 0xE0, 0, 0],
            "旧版 Word 文档",
        ),
        (
            "说明.txt",
            "这是一段说明，没有编号的任务。".as_bytes().to_vec(),
            "没有找到编号的任务条目",
        ),
        ("空.txt", Vec::new(), "请选择要导入的方案文件"),
    ] {
        let answer = send(
            &state,
            multipart_named(
                &format!("/plans/import?csrf={CSRF}"),
                &office,
                name,
                &bytes,
                &[],
            ),
        )
        .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{name}");
        assert!(
            answer.body.contains("id=\"import-error\""),
            "{name}: {}",
            answer.body
        );
        assert!(answer.body.contains(expected), "{name}: {}", answer.body);
    }
    assert_eq!(
        state.store.plans().await.expect("plans").len(),
        1,
        "nothing stored"
    );
    // Only the office imports.
    let jiangan = "luoshi_session=1111111111111111111111111111111111111111111111111111111111111111";
    sign_in_jiangan(&state.store, &jiangan[15..], "j-csrf").await;
    let refused = send(
        &state,
        multipart_named(
            "/plans/import?csrf=j-csrf",
            jiangan,
            "a.txt",
            PLAN.as_bytes(),
            &[],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn my_tasks_cover_every_published_plan() {
    let (state, _dir) = wuhan(true).await;
    let directory = state.directory.current();
    let second = state
        .store
        .import_plan(
            &luoshi_directory::resolve(luoshi_extract::extract(PLAN), &directory),
            "第二份.txt",
            PLAN.as_bytes(),
            "测试",
        )
        .await
        .expect("import");
    state
        .store
        .publish(second, &directory, "测试")
        .await
        .expect("publish");
    let secret = "2222222222222222222222222222222222222222222222222222222222222222";
    sign_in_jiangan(&state.store, secret, "j").await;
    let cookie = format!("luoshi_session={secret}");
    let mut state = state;
    state.today = Day::parse("2021-06-20");
    let my = send(&state, get("/my", &cookie)).await;
    assert_eq!(my.status, StatusCode::OK, "{}", my.body);
    for plan in [1, second] {
        assert!(
            my.body.contains(&format!("id=\"my-tasks-{plan}\"")),
            "plan {plan}"
        );
        let period = state
            .store
            .period_by_key(plan, "2021-06")
            .await
            .expect("june")
            .id;
        assert!(
            my.body
                .contains(&format!("/my/template.xlsx?period={period}")),
            "plan {plan}'s sheet"
        );
    }
    // Choosing a month in one plan leaves the other on its current month.
    let may = send(
        &state,
        get(&format!("/my?plan={second}&period=2021-05"), &cookie),
    )
    .await;
    assert_eq!(may.status, StatusCode::OK);
    let may_period = state
        .store
        .period_by_key(second, "2021-05")
        .await
        .expect("may")
        .id;
    let june_first = state
        .store
        .period_by_key(1, "2021-06")
        .await
        .expect("june")
        .id;
    assert!(
        may.body
            .contains(&format!("/my/template.xlsx?period={may_period}"))
    );
    assert!(
        may.body
            .contains(&format!("/my/template.xlsx?period={june_first}"))
    );
}

/// Submits every report of `unit` on tasks led by 市科技局 in June, returning how many.
async fn submit_for_review(state: &luoshi_server::AppState, district: &str) -> usize {
    let june = state
        .store
        .period_by_key(1, "2021-06")
        .await
        .expect("june")
        .id;
    let unit = format!("{district}人民政府");
    let lead = unit_of(&state.store, "kjj").await;
    let unit_id = state
        .store
        .units(Some(1))
        .await
        .expect("units")
        .into_iter()
        .find(|u| u.name == unit)
        .expect("district unit")
        .id;
    let mut submitted = 0;
    for view in state
        .store
        .unit_reports(june, unit_id)
        .await
        .expect("views")
    {
        if view.role == "lead" || !view.lead_unit_ids.contains(&lead) {
            continue;
        }
        let input = ReportInput {
            progress: "按计划推进".into(),
            values: view
                .targets
                .iter()
                .map(|t| ValueInput {
                    target_id: t.target_id,
                    value: 1.0,
                    note: None,
                    confirmed: false,
                })
                .collect(),
            task_status: view.asks_status.then(|| "on_plan".to_string()),
            ..Default::default()
        };
        state
            .store
            .save_report(
                june,
                view.assignment_id,
                &input,
                ReportAction::Submit,
                Day::parse("2021-06-20").expect("day"),
                &unit,
            )
            .await
            .expect("submit");
        submitted += 1;
        if submitted == 2 {
            break;
        }
    }
    submitted
}

#[tokio::test]
async fn a_lead_unit_accepts_several_reports_in_one_action() {
    let (mut state, _dir) = wuhan(true).await;
    state.today = Day::parse("2021-06-20");
    let secret = "3333333333333333333333333333333333333333333333333333333333333333";
    sign_in(
        &state.store,
        "kjj",
        Role::LeadReviewer,
        Some("市科技局"),
        None,
        secret,
        "k",
    )
    .await;
    let cookie = format!("luoshi_session={secret}");
    let n = submit_for_review(&state, "江岸区").await + submit_for_review(&state, "江汉区").await;
    assert!(n >= 3, "reports to review: {n}");
    let list = send(&state, get("/reviews", &cookie)).await;
    assert_eq!(list.status, StatusCode::OK);
    let boxes: Vec<String> = list
        .body
        .split("name=\"report\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next().map(str::to_string))
        .collect();
    assert_eq!(boxes.len(), n, "every submitted report is listed");
    // Returning needs a comment: refused, the boxes stay ticked.
    let picked: String = boxes[..2]
        .iter()
        .map(|b| format!("&report={}", encode(b)))
        .collect();
    let refused = send(
        &state,
        post(
            "/reviews",
            &cookie,
            &format!("csrf=k&decision=return&comment={picked}"),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("退回须写明原因"));
    assert_eq!(refused.body.matches(" checked>").count(), 2);
    // Accepting two at once: both accepted, each its own audit entry.
    let before = state.store.audit_log(1000).await.expect("log").len();
    let accepted = send(
        &state,
        post(
            "/reviews",
            &cookie,
            &format!("csrf=k&decision=accept{picked}"),
        ),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert!(accepted.body.contains("已接受 2 份报告"));
    let log = state.store.audit_log(1000).await.expect("log");
    assert_eq!(log.len(), before + 2);
    assert!(
        log[..2]
            .iter()
            .all(|r| r.action == "accept" && r.entity == "report")
    );
    let left = send(&state, get("/reviews", &cookie)).await;
    assert_eq!(left.body.matches("name=\"report\"").count(), n - 2);
    // A stale version refuses the whole batch and changes nothing.
    let stale = send(
        &state,
        post(
            "/reviews",
            &cookie,
            &format!("csrf=k&decision=accept{picked}"),
        ),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    assert_eq!(
        state.store.audit_log(1000).await.expect("log").len(),
        before + 2
    );
    // A district reporter has nothing to review.
    let jiangan = "4444444444444444444444444444444444444444444444444444444444444444";
    sign_in_jiangan(&state.store, jiangan, "j").await;
    let denied = send(
        &state,
        get("/reviews", &format!("luoshi_session={jiangan}")),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_audit_log_page_filters_pages_and_checks_the_chain() {
    let (state, _dir) = wuhan(true).await;
    let office = office_cookie();
    let all = send(&state, get("/audit", &office)).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("链条完整"));
    assert!(all.body.contains("导入方案") && all.body.contains("发布方案"));
    assert!(!all.body.contains(">publish<"), "no codes on the page");
    let published = send(&state, get("/audit?action=publish", &office)).await;
    assert!(published.body.contains("共 1 条"), "{}", published.body);
    let by_actor = send(
        &state,
        get(&format!("/audit?actor={}", encode("测")), &office),
    )
    .await;
    assert!(!by_actor.body.contains("共 0 条"));
    let nobody = send(&state, get("/audit?actor=nobody", &office)).await;
    assert!(nobody.body.contains("共 0 条"));
    let future = send(&state, get("/audit?from=2999-01-01", &office)).await;
    assert!(future.body.contains("共 0 条"));
    let bad = send(&state, get("/audit?from=2021-13-01", &office)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("日期「2021-13-01」无效"));
}

#[tokio::test]
async fn the_office_manages_accounts_in_the_browser() {
    let (state, _dir) = wuhan(true).await;
    let office = office_cookie();
    let page = send(&state, get("/accounts", &office)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"user-office\""));
    // Creating: a one-time password shown once, the user must change it.
    let created = send(
        &state,
        post(
            "/accounts",
            &office,
            &format!(
                "csrf={CSRF}&username=jiangan&role=district&district={}&display_name={}&mobile=138-0000-1234&email=",
                encode("江岸区"),
                encode("王五")
            ),
        ),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let password = created
        .body
        .split("class=\"password\"><code>")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("one-time password shown")
        .to_string();
    assert_eq!(password.chars().count(), 16);
    let user = state.store.user("jiangan").await.expect("created");
    assert!(user.must_change_password);
    assert_eq!(user.district.as_deref(), Some("江岸区"));
    let credentials = state
        .store
        .credentials("jiangan")
        .await
        .expect("c")
        .expect("u");
    assert!(luoshi_server::auth::password::verify(
        &password,
        &credentials.password_hash
    ));
    assert!(
        state
            .store
            .mobiles()
            .await
            .expect("m")
            .iter()
            .any(|(_, m)| m == "13800001234")
    );
    let again = send(&state, get("/accounts", &office)).await;
    assert!(!again.body.contains(&password), "shown once only");
    // Errors beside the field, with what was typed kept.
    let bad = send(
        &state,
        post(
            "/accounts",
            &office,
            &format!(
                "csrf={CSRF}&username=kjj&role=lead&unit={}&display_name=&mobile=12345&email=",
                encode("市科技厅")
            ),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("手机号「12345」无效"));
    assert!(bad.body.contains("value=\"kjj\""), "typed kept");
    let unknown = send(
        &state,
        post(
            "/accounts",
            &office,
            &format!(
                "csrf={CSRF}&username=kjj&role=lead&unit={}",
                encode("市科技厅")
            ),
        ),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown
            .body
            .contains("名录中没有名为「市科技厅」的单位；是否为：市科技局"),
        "{}",
        unknown.body
    );
    assert!(state.store.user("kjj").await.is_err(), "nothing stored");
    // Reset, disable, enable, unlock.
    let reset = send(
        &state,
        post("/accounts/jiangan/reset", &office, &format!("csrf={CSRF}")),
    )
    .await;
    assert!(reset.body.contains("已重置「jiangan」的密码"));
    assert!(!reset.body.contains(&password));
    let disabled = send(
        &state,
        post(
            "/accounts/jiangan/disable",
            &office,
            &format!("csrf={CSRF}"),
        ),
    )
    .await;
    assert!(disabled.body.contains("已停用"));
    assert!(state.store.user("jiangan").await.expect("u").disabled);
    send(
        &state,
        post("/accounts/jiangan/enable", &office, &format!("csrf={CSRF}")),
    )
    .await;
    assert!(!state.store.user("jiangan").await.expect("u").disabled);
    for _ in 0..3 {
        state
            .store
            .count_login_failure("jiangan", "10.0.0.1", 3, 60)
            .await
            .expect("failure");
    }
    let locked = send(&state, get("/accounts", &office)).await;
    assert!(locked.body.contains("登录锁定至"), "{}", locked.body);
    send(
        &state,
        post("/accounts/jiangan/unlock", &office, &format!("csrf={CSRF}")),
    )
    .await;
    let unlocked = send(&state, get("/accounts", &office)).await;
    assert!(!unlocked.body.contains("登录锁定至"));
    // The office cannot disable itself, nor the last office account.
    let own = send(
        &state,
        post("/accounts/office/disable", &office, &format!("csrf={CSRF}")),
    )
    .await;
    assert_eq!(own.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(own.body.contains("不能停用自己"));
    assert!(!state.store.user("office").await.expect("u").disabled);
    let log = state.store.audit_log(20).await.expect("log");
    for action in [
        "create",
        "set_mobile",
        "set_password",
        "disable",
        "enable",
        "unlock",
    ] {
        assert!(log.iter().any(|r| r.action == action), "{action} audited");
    }
}

#[tokio::test]
async fn the_last_office_account_is_never_disabled() {
    let (state, _dir) = wuhan(true).await;
    let err = state
        .store
        .set_disabled("office", true, "另一位")
        .await
        .expect_err("refused");
    assert!(
        err.to_string().contains("最后一个可用的协调办公室账号"),
        "{err}"
    );
}
