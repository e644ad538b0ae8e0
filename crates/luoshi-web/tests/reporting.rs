//! The reporting pages through the router: logging in (with throttling and the forced change of
//! a one-time password), the report form (bad numbers, concurrent saves, copying last month
//! forward), my tasks with notices and the sheet upload, and the office's 填报情况 page.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{Day, Role};
use luoshi_server::AppState;
use luoshi_store::{NewUser, ReportInput};
use tower::ServiceExt;

const JIANGAN_SECRET: &str = "1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a";
const JIANGAN_CSRF: &str = "jiangan-csrf";

struct Answer {
    status: StatusCode,
    location: Option<String>,
    cookies: Vec<String>,
    body: String,
}

async fn send(state: &AppState, request: Request<Body>) -> Answer {
    let response = luoshi_web::router(state.clone())
        .oneshot(request)
        .await
        .expect("response");
    let status = response.status();
    let location = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(str::to_string)
        .collect();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    Answer {
        status,
        location,
        cookies,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

fn get(uri: &str, cookie: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request")
}

fn post(uri: &str, cookie: &str, form: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .expect("request")
}

fn jiangan_cookie() -> String {
    format!("luoshi_session={JIANGAN_SECRET}")
}

/// The Wuhan plan published, 江岸区's reporter signed in, "today" 2021-06-20.
async fn state() -> (AppState, tempfile::TempDir) {
    let (mut state, dir) = common::wuhan(true).await;
    common::sign_in_jiangan(&state.store, JIANGAN_SECRET, JIANGAN_CSRF).await;
    state.today = Day::parse("2021-06-20");
    (state, dir)
}

#[tokio::test]
async fn logging_in_with_throttling_and_a_forced_password_change() {
    let (state, _dir) = state().await;
    let hash = luoshi_server::auth::password::hash("一次性密码abc123").expect("hash");
    state
        .store
        .create_user(
            NewUser {
                username: "kjj".into(),
                display_name: None,
                role: Role::LeadReviewer,
                unit: Some("市科技局".into()),
                district: None,
                email: None,
                password_hash: hash,
                must_change_password: true,
            },
            "测试",
        )
        .await
        .expect("user");
    // Anonymous: the login page, with its own CSRF cookie.
    let page = send(
        &state,
        Request::builder()
            .uri("/my")
            .body(Body::empty())
            .expect("r"),
    )
    .await;
    assert_eq!(
        (page.status, page.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/login?next=/my"))
    );
    let login = send(
        &state,
        Request::builder()
            .uri("/login?next=/my")
            .body(Body::empty())
            .expect("r"),
    )
    .await;
    assert_eq!(login.status, StatusCode::OK);
    let csrf = login.cookies[0]
        .split(';')
        .next()
        .and_then(|c| c.split_once('='))
        .map(|(_, v)| v.to_string())
        .expect("csrf cookie");
    let cookie = format!("luoshi_csrf={csrf}");
    let attempt = |password: &str| {
        post(
            "/login",
            &cookie,
            &format!(
                "csrf={csrf}&username=kjj&password={}&next=%2Fmy",
                common::encode(password)
            ),
        )
    };
    let wrong = send(&state, attempt("wrong")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong.body.contains("用户名或密码错误") && wrong.body.contains("value=\"kjj\""),
        "{}",
        wrong.body
    );
    // Without the login form's token, nothing is tried.
    let forged = send(
        &state,
        post("/login", "", "csrf=x&username=kjj&password=wrong"),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // The right password signs in and goes straight to the password change.
    let ok = send(&state, attempt("一次性密码abc123")).await;
    assert_eq!(
        (ok.status, ok.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/account/password"))
    );
    let session = ok
        .cookies
        .iter()
        .find(|c| c.starts_with("luoshi_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly")
            && session.contains("SameSite=Strict")
            && session.contains("Max-Age=28800"),
        "{session}"
    );
    let session_cookie = session.split(';').next().expect("pair").to_string();
    let held = send(&state, get("/my", &session_cookie)).await;
    assert_eq!(
        held.location.as_deref(),
        Some("/account/password"),
        "held at the password change"
    );
    // The session's CSRF token is in the password form.
    let form = send(&state, get("/account/password", &session_cookie)).await;
    let token = form
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("csrf")
        .to_string();
    let change = |current: &str, new: &str, repeat: &str| {
        post(
            "/account/password",
            &session_cookie,
            &format!(
                "csrf={token}&current={}&new={}&repeat={}",
                common::encode(current),
                common::encode(new),
                common::encode(repeat)
            ),
        )
    };
    let weak = send(&state, change("一次性密码abc123", "short", "short")).await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("至少 10 个字符"));
    let mismatch = send(
        &state,
        change(
            "一次性密码abc123",
            "科技局的新密码2021",
            "科技局的新密码2022",
        ),
    )
    .await;
    assert!(mismatch.body.contains("两次输入的新密码不一致"));
    let done = send(
        &state,
        change(
            "一次性密码abc123",
            "科技局的新密码2021",
            "科技局的新密码2021",
        ),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let free = send(&state, get("/my", &session_cookie)).await;
    assert_eq!(
        free.status,
        StatusCode::OK,
        "the session goes on after the change"
    );

    // Five wrong passwords in a row lock the account, even against the right one.
    for _ in 0..4 {
        send(&state, attempt("wrong")).await;
    }
    let locked = send(&state, attempt("wrong")).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(locked.body.contains("登录失败次数过多"), "{}", locked.body);
    let still = send(&state, attempt("科技局的新密码2021")).await;
    assert_eq!(still.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn the_report_form_keeps_what_was_typed_when_a_save_is_refused() {
    let (state, _dir) = state().await;
    let cookie = jiangan_cookie();
    let my = send(&state, get("/my", &cookie)).await;
    assert_eq!(my.status, StatusCode::OK);
    assert!(
        my.body.contains("我的任务 · 江岸区") && my.body.contains("2021-06-25 前报送"),
        "{}",
        my.body
    );
    let unit = common::unit_of(&state.store, "jiangan").await;
    let june = state.store.period_by_key(1, "2021-06").await.expect("june");
    let form = state
        .store
        .unit_reports(june.id, unit)
        .await
        .expect("forms")
        .into_iter()
        .find(|f| !f.targets.is_empty())
        .expect("a form with a target");
    let uri = format!("/reports/{}/{}", june.id, form.assignment_id);
    let target = form.targets[0].target_id;
    assert!(
        my.body.contains(&format!("href=\"{uri}\"")),
        "my tasks link to the form"
    );

    // Not a number: 422, the message names the target, the typed text stays.
    let bad = send(&state, post(&uri, &cookie, &format!("csrf={JIANGAN_CSRF}&version=0&action=save&value_{target}=%E7%BA%A6%E4%B8%89%E5%8D%81&progress={}", common::encode("已开展三次")))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("「约三十」不是数字") && bad.body.contains("已开展三次"),
        "{}",
        bad.body
    );

    let saved = send(
        &state,
        post(
            &uri,
            &cookie,
            &format!(
                "csrf={JIANGAN_CSRF}&version=0&action=save&value_{target}=3&progress={}",
                common::encode("第一稿")
            ),
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    // Someone else saved meanwhile (version 1 → 2); a save still based on version 1 is refused
    // with both texts on the page.
    state
        .store
        .save_report(
            june.id,
            form.assignment_id,
            &ReportInput {
                version: 1,
                progress: "同事的版本".into(),
                ..Default::default()
            },
            ReportAction::Save,
            Day::parse("2021-06-20").expect("d"),
            "同事",
        )
        .await
        .expect("colleague");
    let stale = send(
        &state,
        post(
            &uri,
            &cookie,
            &format!(
                "csrf={JIANGAN_CSRF}&version=1&action=submit&value_{target}=4&progress={}",
                common::encode("我的版本")
            ),
        ),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale.body.contains("我的版本")
            && stale.body.contains("同事的版本")
            && stale.body.contains("您的内容未保存"),
        "{}",
        stale.body
    );
    assert!(
        stale.body.contains("name=\"version\" value=\"2\""),
        "the next save is a deliberate overwrite"
    );
    let stored = state
        .store
        .report(june.id, form.assignment_id)
        .await
        .expect("report");
    assert_eq!(stored.progress, "同事的版本");

    // Submitted in June; in July the form offers last month's text.
    let submit = send(
        &state,
        post(
            &uri,
            &cookie,
            &format!(
                "csrf={JIANGAN_CSRF}&version=2&action=submit&value_{target}=4&progress={}",
                common::encode("我的版本")
            ),
        ),
    )
    .await;
    assert_eq!(submit.status, StatusCode::SEE_OTHER);
    let mut july_state = state.clone();
    july_state.today = Day::parse("2021-07-10");
    let july = state.store.period_by_key(1, "2021-07").await.expect("july");
    let july_uri = format!("/reports/{}/{}", july.id, form.assignment_id);
    let page = send(&july_state, get(&july_uri, &cookie)).await;
    assert!(page.body.contains("id=\"copy-forward\""), "{}", page.body);
    assert!(
        page.body
            .contains("<td class=\"num\" data-label=\"上期累计\">4</td>"),
        "last month's value is shown"
    );
    let copied = send(&july_state, get(&format!("{july_uri}?copy=1"), &cookie)).await;
    assert!(
        copied.body.contains(">我的版本</textarea>"),
        "{}",
        copied.body
    );
    // Another district's reporter gets nothing of it.
    common::sign_in(
        &state.store,
        "jianghan",
        Role::DistrictReporter,
        None,
        Some("江汉区"),
        &"2b".repeat(32),
        "x",
    )
    .await;
    let other = send(
        &state,
        get(&uri, &format!("luoshi_session={}", "2b".repeat(32))),
    )
    .await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
}

fn multipart(uri: &str, cookie: &str, file: &[u8], submit: bool) -> Request<Body> {
    let fields: &[(&str, &str)] = if submit { &[("submit", "1")] } else { &[] };
    common::multipart(uri, cookie, file, fields)
}

#[tokio::test]
async fn uploading_the_sheet_from_my_tasks() {
    let (state, _dir) = state().await;
    let cookie = jiangan_cookie();
    let june = state.store.period_by_key(1, "2021-06").await.expect("june");
    let sheet = send(
        &state,
        get(&format!("/my/template.xlsx?period={}", june.id), &cookie),
    )
    .await;
    assert_eq!(sheet.status, StatusCode::OK);
    let uri = format!("/my/upload?period={}&csrf={JIANGAN_CSRF}", june.id);
    // Junk: the page says what is wrong; nothing is stored.
    let junk = send(
        &state,
        multipart(&uri, &cookie, b"this is not a spreadsheet", true),
    )
    .await;
    assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(junk.body.contains("不是有效的 xlsx 文件"), "{}", junk.body);
    // Without the CSRF token in the form's address: refused.
    let forged = send(
        &state,
        multipart(
            &format!("/my/upload?period={}", june.id),
            &cookie,
            b"x",
            true,
        ),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // The downloaded sheet, filled in, submits every row.
    let bytes = {
        let response = luoshi_web::router(state.clone())
            .oneshot(get(
                &format!("/my/template.xlsx?period={}", june.id),
                &cookie,
            ))
            .await
            .expect("r");
        response
            .into_body()
            .collect()
            .await
            .expect("b")
            .to_bytes()
            .to_vec()
    };
    let (info, lines) = luoshi_export::report_sheet::read_report_sheet(&bytes).expect("sheet");
    // Leads of tasks without a numeric target also give 本月进展.
    let plain: Vec<String> = state
        .store
        .snapshot(1)
        .await
        .expect("snapshot")
        .tasks
        .iter()
        .map(|t| t.path.clone())
        .collect();
    let filled: Vec<_> = lines
        .into_iter()
        .map(|l| luoshi_export::report_sheet::SheetLine {
            progress: "按计划推进".into(),
            confirmation: if l.line.role == "牵头" && plain.contains(&l.line.task_path) {
                "按计划推进".into()
            } else {
                String::new()
            },
            ..l.line
        })
        .collect();
    let upload = luoshi_export::report_sheet::write_report_sheet(&info, &filled).expect("xlsx");
    let done = send(&state, multipart(&uri, &cookie, &upload, true)).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("已从填报表报送"), "{}", done.body);
    assert!(
        done.body.contains("id=\"count-todo-1\">0<"),
        "nothing left to do: {}",
        done.body
    );
}

#[tokio::test]
async fn the_office_chases_missing_reports() {
    let (state, _dir) = state().await;
    let office = common::office_cookie();
    let csrf = common::OFFICE_CSRF;
    let page = send(&state, get("/plans/1/reporting?period=2021-06", &office)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("2021年6月填报情况") && page.body.contains("江岸区人民政府"),
        "{}",
        page.body
    );
    let xlsx = send(
        &state,
        get("/plans/1/reporting.xlsx?period=2021-06", &office),
    )
    .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let reminded = send(
        &state,
        post(
            "/plans/1/reporting/remind",
            &office,
            &format!(
                "csrf={csrf}&period=2021-06&unit={}",
                common::encode("江岸区人民政府")
            ),
        ),
    )
    .await;
    assert_eq!(reminded.status, StatusCode::OK);
    assert!(
        reminded
            .body
            .contains("已向 1 个单位发出催报通知：江岸区人民政府"),
        "{}",
        reminded.body
    );
    let my = send(&state, get("/my", &jiangan_cookie())).await;
    assert!(
        my.body
            .contains("请于 2021-06-25 前报送2021年6月的工作进展。"),
        "the notice reaches 江岸区"
    );
    let bad = send(
        &state,
        post(
            "/plans/1/reporting/reopen",
            &office,
            &format!("csrf={csrf}&period=2021-06&until=7%E6%9C%885%E6%97%A5"),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("不是日期"), "{}", bad.body);
    let reopened = send(
        &state,
        post(
            "/plans/1/reporting/reopen",
            &office,
            &format!("csrf={csrf}&period=2021-05&until=2021-06-30"),
        ),
    )
    .await;
    assert!(
        reopened
            .body
            .contains("2021年5月已重新开放补报，至 2021-06-30。"),
        "{}",
        reopened.body
    );
    let due = send(
        &state,
        post(
            "/plans/1/reporting/calendar",
            &office,
            &format!("csrf={csrf}&period=2021-06&due_day=20"),
        ),
    )
    .await;
    assert!(due.body.contains("截止日 2021-06-20"), "{}", due.body);
    assert!(
        due.body
            .contains("<option value=\"20\" selected>20 日</option>")
    );
    // 29 and 30 would not exist in February: refused; 月末 is each month's last day.
    let thirtieth = send(
        &state,
        post(
            "/plans/1/reporting/calendar",
            &office,
            &format!("csrf={csrf}&period=2021-06&due_day=30"),
        ),
    )
    .await;
    assert_eq!(thirtieth.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        thirtieth.body.contains("30 日在二月没有"),
        "{}",
        thirtieth.body
    );
    let month_end = send(
        &state,
        post(
            "/plans/1/reporting/calendar",
            &office,
            &format!(
                "csrf={csrf}&period=2021-06&due_day={}",
                common::encode("月末")
            ),
        ),
    )
    .await;
    assert!(
        month_end.body.contains("每月填报截止日已改为月末"),
        "{}",
        month_end.body
    );
    assert!(
        month_end.body.contains("截止日 2021-06-30"),
        "{}",
        month_end.body
    );
    let february = state
        .store
        .periods(1)
        .await
        .expect("periods")
        .into_iter()
        .find(|p| p.key == "2021-02")
        .expect("february");
    assert_eq!(february.due_on, "2021-02-28");
    // A reporter is not let in.
    let refused = send(&state, get("/plans/1/reporting", &jiangan_cookie())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn dashboard_and_assessment_pages() {
    let (state, _dir) = state().await;
    let office = common::office_cookie();
    let csrf = common::OFFICE_CSRF;
    let dashboard = send(&state, get("/plans/1/dashboard?period=2021-06", &office)).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(
        dashboard.body.contains("领导看板 · 2021年6月") && dashboard.body.contains("<polyline"),
        "{}",
        dashboard.body
    );
    assert!(dashboard.body.contains("未报送") && dashboard.body.contains("各区排名"));
    let page = send(&state, get("/plans/1/assessment", &office)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("2021年度考核") && page.body.contains("<option>江岸区</option>"),
        "{}",
        page.body
    );
    let bad = send(
        &state,
        post(
            "/plans/1/assessment/items",
            &office,
            &format!(
                "csrf={csrf}&subject={}&kind=review&points=12&reason=x",
                common::encode("江岸区")
            ),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("评议分满分为 10"), "{}", bad.body);
    let nan = send(
        &state,
        post(
            "/plans/1/assessment/items",
            &office,
            &format!(
                "csrf={csrf}&subject={}&kind=bonus&points=abc&reason=x",
                common::encode("江岸区")
            ),
        ),
    )
    .await;
    assert!(nan.body.contains("分值「abc」不是数字"));
    let ok = send(
        &state,
        post(
            "/plans/1/assessment/items",
            &office,
            &format!(
                "csrf={csrf}&subject={}&kind=bonus&points=2&reason={}",
                common::encode("江岸区"),
                common::encode("获批国家级平台")
            ),
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = send(&state, get("/plans/1/assessment", &office)).await;
    assert!(page.body.contains("获批国家级平台"));
    let refused = send(&state, get("/plans/1/dashboard", &jiangan_cookie())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_demonstration_ledger_is_marked_on_pages_and_exports() {
    let (mut state, _dir) = state().await;
    state.demo = true;
    let office = common::office_cookie();
    let login = send(
        &state,
        Request::builder()
            .uri("/login")
            .body(Body::empty())
            .expect("r"),
    )
    .await;
    assert!(
        login.body.contains("class=\"demo-banner\""),
        "{}",
        login.body
    );
    let overview = send(&state, get("/plans/1", &office)).await;
    assert!(overview.body.contains("演示数据"));
    let response = luoshi_web::router(state.clone())
        .oneshot(get(
            "/plans/1/districts/%E6%B1%9F%E5%B2%B8%E5%8C%BA/table.xlsx",
            &office,
        ))
        .await
        .expect("xlsx");
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("b")
        .to_bytes()
        .to_vec();
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).expect("xlsx");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    let title = range.get((0, 0)).map(|d| d.to_string()).unwrap_or_default();
    assert!(title.starts_with("【演示数据】"), "{title}");
}

#[tokio::test]
async fn the_office_sets_the_plans_rules() {
    let (state, _dir) = state().await;
    let office = common::office_cookie();
    let csrf = common::OFFICE_CSRF;
    let form = |on: &str, serious: &str, weights: (&str, &str, &str)| {
        format!(
            "csrf={csrf}&on_pace_gap={on}&serious_gap={serious}&not_started_serious_after=3&about_tolerance=10&completion_weight={}&discipline_weight={}&review_weight={}&late_deduction=1&missing_deduction=2",
            weights.0, weights.1, weights.2
        )
    };
    let bad = send(
        &state,
        post(
            "/plans/1/assessment/rules",
            &office,
            &form("5", "25", ("70", "20", "20")),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("之和须为 100"), "{}", bad.body);
    let nan = send(
        &state,
        post(
            "/plans/1/assessment/rules",
            &office,
            &form("五", "25", ("70", "20", "10")),
        ),
    )
    .await;
    assert!(nan.body.contains("符合序时差距「五」不是数字"));
    let ok = send(
        &state,
        post(
            "/plans/1/assessment/rules",
            &office,
            &form("5", "25", ("60", "25", "15")),
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    assert!(
        ok.body.contains("规则已保存") && ok.body.contains("差距 ≤ 5 个百分点"),
        "{}",
        ok.body
    );
    let rules = state.store.plan_rules(1).await.expect("rules");
    assert_eq!(
        (
            rules.on_pace_gap,
            rules.review_weight,
            rules.about_tolerance
        ),
        (5.0, 15.0, 0.1)
    );
    let refused = send(
        &state,
        post(
            "/plans/1/assessment/rules",
            &jiangan_cookie(),
            &form("5", "25", ("60", "25", "15")).replace(csrf, JIANGAN_CSRF),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_office_sets_milestones_on_the_task_page() {
    let (state, _dir) = state().await;
    let office = common::office_cookie();
    let csrf = common::OFFICE_CSRF;
    let tasks = state
        .store
        .tasks(
            1,
            &luoshi_store::TaskFilter {
                has_target: Some(true),
                ..Default::default()
            },
            0,
            1,
        )
        .await
        .expect("tasks");
    let task = state.store.task(tasks.items[0].id).await.expect("task");
    let target = task.targets[0].id;
    let page = send(&state, get(&format!("/tasks/{}", task.row.id), &office)).await;
    assert!(
        page.body.contains("按月均衡") && page.body.contains("设置节点"),
        "{}",
        page.body
    );
    let uri = format!("/tasks/{}/targets/{target}/milestones", task.row.id);
    let bad = send(
        &state,
        post(
            &uri,
            &office,
            &format!("csrf={csrf}&milestones={}", common::encode("9:60, 12:50")),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("12 月的节点进度低于 9 月的"),
        "{}",
        bad.body
    );
    let typo = send(
        &state,
        post(
            &uri,
            &office,
            &format!("csrf={csrf}&milestones={}", common::encode("九月:50")),
        ),
    )
    .await;
    assert!(typo.body.contains("中的月份不是数字"), "{}", typo.body);
    let ok = send(
        &state,
        post(
            &uri,
            &office,
            &format!(
                "csrf={csrf}&milestones={}",
                common::encode("9月:50%，12:100")
            ),
        ),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let page = send(&state, get(&format!("/tasks/{}", task.row.id), &office)).await;
    assert!(page.body.contains("9月 50%；12月 100%"), "{}", page.body);
    let reporter = send(
        &state,
        get(&format!("/tasks/{}", task.row.id), &jiangan_cookie()),
    )
    .await;
    assert!(
        !reporter.body.contains("设置节点"),
        "only the office sees the form"
    );
    let refused = send(
        &state,
        post(
            &uri,
            &jiangan_cookie(),
            &format!("csrf={JIANGAN_CSRF}&milestones=9:50"),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

/// 市科技局 reports 760 of the 2,000 new high-tech enterprises in June (38 % against a pace of
/// 50 %: 12 points behind). Every page that shows the target says 滞后 and where the year is
/// heading; the headline indicator stating the same number follows it; a rate the office enters
/// is judged as a level; a bad figure is refused and changes nothing.
#[tokio::test]
async fn statuses_and_courses_on_the_plans_pages() {
    let (state, _dir) = state().await;
    let office = common::office_cookie();
    let csrf = common::OFFICE_CSRF;
    let snapshot = state.store.snapshot(1).await.expect("snapshot");
    let target = snapshot
        .targets
        .iter()
        .find(|t| t.text.contains("新增高新技术企业") && t.value == 2000.0)
        .expect("the 2,000 target");
    let lead = snapshot
        .assignments
        .iter()
        .find(|a| a.task_id == target.task_id && a.role == "lead")
        .expect("its lead");
    let june = state.store.period_by_key(1, "2021-06").await.expect("june");
    state
        .store
        .save_report(
            june.id,
            lead.id,
            &ReportInput {
                progress: "已认定 760 家".into(),
                values: vec![luoshi_store::ValueInput {
                    target_id: target.id,
                    value: 760.0,
                    note: None,
                    confirmed: false,
                }],
                ..Default::default()
            },
            ReportAction::Submit,
            Day::parse("2021-06-20").expect("day"),
            &lead.unit,
        )
        .await
        .expect("report");

    let task = send(&state, get(&format!("/tasks/{}", target.task_id), &office)).await;
    assert_eq!(task.status, StatusCode::OK);
    for expected in [
        "任务状态（截至2021年6月）",
        "完成 760家（38.0%），序时进度 50%",
        "按当前进度，年底预计完成 1,520家，缺口 480家",
        "<title>序时进度</title>",
        "6月：760家",
    ] {
        assert!(task.body.contains(expected), "{expected}: {}", task.body);
    }
    let unit = send(
        &state,
        get(
            &format!("/plans/1/units/{}", common::encode(&lead.unit)),
            &office,
        ),
    )
    .await;
    assert!(
        unit.body.contains("牵头指标进展（截至2021年6月）")
            && unit.body.contains("完成 760家（38.0%）"),
        "{}",
        unit.body
    );
    // Its task also holds targets left blank in the report (not started after three months is
    // seriously lagging): the task is as bad as its worst target.
    let tasks = send(&state, get("/plans/1/tasks", &office)).await;
    assert!(tasks.body.contains("状态（2021年6月）"), "{}", tasks.body);
    let row = tasks
        .body
        .split("<tr>")
        .find(|row| row.contains(&format!("/tasks/{}\"", target.task_id)))
        .expect("the task's row");
    assert!(row.contains("<b class=\"badge red\">严重滞后</b>"), "{row}");
    let overview = send(&state, get("/plans/1", &office)).await;
    assert!(
        overview.body.contains("截至2021年6月") && overview.body.contains("方案整体"),
        "{}",
        overview.body
    );
    let district = send(
        &state,
        get(
            &format!("/plans/1/districts/{}", common::encode("江岸区")),
            &office,
        ),
    )
    .await;
    assert!(district.body.contains("分解指标进展（截至2021年6月）"));

    // The headline indicator that states the same number follows the target.
    let indicators = send(&state, get("/plans/1/indicators", &office)).await;
    assert_eq!(indicators.status, StatusCode::OK);
    assert!(
        indicators.body.contains("自动关联任务") && indicators.body.contains("6月 760家"),
        "{}",
        indicators.body
    );
    let rows = state.store.indicators(1).await.expect("indicators");
    let rate = rows
        .iter()
        .find(|i| i.unit == "%" && i.name.contains("研发"))
        .expect("the R&D growth indicator");
    assert!(
        indicators.body.contains("未关联"),
        "a growth rate states no task's number"
    );
    let source = send(
        &state,
        post(
            &format!("/plans/1/indicators/{}/source", rate.id),
            &office,
            &format!("csrf={csrf}&source=entered"),
        ),
    )
    .await;
    assert_eq!(source.status, StatusCode::SEE_OTHER);
    let values = format!("/plans/1/indicators/{}/values", rate.id);
    let ok = send(
        &state,
        post(&values, &office, &format!("csrf={csrf}&m5=9&m6=10.5")),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let bad = send(
        &state,
        post(&values, &office, &format!("csrf={csrf}&m3=abc&m6=99")),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("3 月的数值“abc”无法识别"), "{}", bad.body);
    let stored = state.store.indicators(1).await.expect("indicators");
    let entered = &stored
        .iter()
        .find(|i| i.id == rate.id)
        .expect("rate")
        .entered;
    assert_eq!(
        entered,
        &[(5, 9.0), (6, 10.5)],
        "the refused form changed nothing"
    );
    let page = send(&state, get("/plans/1/indicators", &office)).await;
    assert!(
        page.body.contains("统计填报") && page.body.contains("按当前水平，年底预计为 10.5%"),
        "{}",
        page.body
    );
    let dashboard = send(&state, get("/plans/1/dashboard?period=2021-06", &office)).await;
    assert!(
        dashboard.body.contains("6月 760家") && dashboard.body.contains("6月 10.5%"),
        "{}",
        dashboard.body
    );
    let refused = send(&state, get("/plans/1/indicators", &jiangan_cookie())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
