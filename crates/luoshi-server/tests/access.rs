//! Who may do what, route by route: every role × every write route and API endpoint (and the
//! pages that read private data). Anonymous requests get the login page (or a 401) and nothing
//! else; a unit reporter cannot read another unit's drafts or write what it does not own; a
//! leader writes nothing but 批示 and 圈阅. The list of API routes is checked against the OpenAPI document, so a
//! new endpoint without a row here fails the test.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use luoshi_directory::{Directory, resolve};
use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{Day, Role};
use luoshi_server::AppState;
use luoshi_store::{NewUser, ReportInput, Store};
use serde_json::{Value, json};
use tower::ServiceExt;

const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Anonymous,
    Office,
    /// 江岸区's reporter: owns the report under test.
    Owner,
    /// The task's lead unit.
    Lead,
    /// Another district's reporter.
    Stranger,
    Leader,
}

use Who::*;

const EVERYONE: [Who; 6] = [Anonymous, Office, Owner, Lead, Stranger, Leader];

struct Fixture {
    state: AppState,
    tokens: Vec<(Who, String)>,
    june: i64,
    assignment: i64,
    task: i64,
    target: i64,
    attachment: i64,
    review_item: i64,
    _dir: tempfile::TempDir,
}

async fn user(
    store: &Store,
    name: &str,
    role: Role,
    unit: Option<&str>,
    district: Option<&str>,
) -> String {
    let user = store
        .create_user(
            NewUser {
                username: name.into(),
                display_name: None,
                role,
                unit: unit.map(str::to_string),
                district: district.map(str::to_string),
                email: None,
                password_hash: "unused".into(),
                must_change_password: false,
            },
            "测试",
        )
        .await
        .expect("user");
    luoshi_server::accounts::issue_token(store, user.id, "tests", 30)
        .await
        .expect("token")
        .token
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!(
        "sqlite://{}",
        dir.path().join("access.db").display()
    ))
    .await
    .expect("store");
    let directory = Arc::new(Directory::wuhan());
    let plan = store
        .import_plan(
            &resolve(luoshi_extract::extract(PLAN), &directory),
            "wuhan.txt",
            PLAN.as_bytes(),
            "测试",
        )
        .await
        .expect("import");
    store
        .publish(plan, &directory, "测试")
        .await
        .expect("publish");
    let june = store.period_by_key(plan, "2021-06").await.expect("june").id;
    let owner = user(
        &store,
        "jiangan",
        Role::DistrictReporter,
        None,
        Some("江岸区"),
    )
    .await;
    let owner_unit = store
        .credentials("jiangan")
        .await
        .expect("c")
        .expect("u")
        .principal
        .unit_id
        .expect("unit");
    let form = store
        .unit_reports(june, owner_unit)
        .await
        .expect("forms")
        .into_iter()
        .find(|f| f.role == "responsible" && !f.targets.is_empty() && !f.lead_unit_ids.is_empty())
        .expect("a responsible assignment with targets and a lead");
    let lead_name = store.task(form.task_id).await.expect("task").row.lead[0].clone();
    let tokens = vec![
        (
            Office,
            user(&store, "office", Role::Office, None, None).await,
        ),
        (Owner, owner),
        (
            Lead,
            user(&store, "lead", Role::LeadReviewer, Some(&lead_name), None).await,
        ),
        (
            Stranger,
            user(
                &store,
                "jianghan",
                Role::DistrictReporter,
                None,
                Some("江汉区"),
            )
            .await,
        ),
        (
            Leader,
            user(&store, "leader", Role::Leader, None, None).await,
        ),
    ];
    // A draft with an attachment: private to 江岸区 and the office.
    store
        .save_report(
            june,
            form.assignment_id,
            &ReportInput {
                progress: "草稿".into(),
                ..Default::default()
            },
            ReportAction::Save,
            Day::parse("2021-06-20").expect("day"),
            "江岸区",
        )
        .await
        .expect("draft");
    let report = store
        .report(june, form.assignment_id)
        .await
        .expect("report")
        .id
        .expect("saved");
    let attachment = store
        .add_attachment(
            report,
            "进展.pdf",
            "application/pdf",
            b"%PDF-1.4 test",
            Day::parse("2021-06-20").expect("day"),
            "江岸区",
        )
        .await
        .expect("attachment");
    let review_item = store.review_items(plan).await.expect("items")[0].id;
    let mut state = AppState::new(store, directory);
    state.today = Day::parse("2021-06-20");
    Fixture {
        state,
        tokens,
        june,
        assignment: form.assignment_id,
        task: form.task_id,
        target: form.targets[0].target_id,
        attachment,
        review_item,
        _dir: dir,
    }
}

impl Fixture {
    fn token(&self, who: Who) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(w, _)| *w == who)
            .map(|(_, t)| t.as_str())
    }

    async fn send(
        &self,
        who: Who,
        method: &str,
        uri: &str,
        body: Body,
        content_type: &str,
    ) -> (StatusCode, String, Option<String>) {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, content_type);
        if let Some(token) = self.token(who) {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let app =
            luoshi_server::router(self.state.clone()).merge(luoshi_web::router(self.state.clone()));
        let response = app
            .oneshot(request.body(body).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (
            status,
            String::from_utf8_lossy(&bytes).into_owned(),
            location,
        )
    }
}

/// One route: method, path, a body that is well-formed (so that access is decided before
/// validation) and who may use it.
struct Case {
    method: &'static str,
    path: String,
    body: Body,
    content_type: &'static str,
    allowed: Vec<Who>,
}

fn case(method: &'static str, path: impl Into<String>, body: Value, allowed: &[Who]) -> Case {
    Case {
        method,
        path: path.into(),
        body: if body.is_null() {
            Body::empty()
        } else {
            Body::from(body.to_string())
        },
        content_type: "application/json",
        allowed: allowed.to_vec(),
    }
}

fn form(path: impl Into<String>, body: &str, allowed: &[Who]) -> Case {
    Case {
        method: "POST",
        path: path.into(),
        body: Body::from(body.to_string()),
        content_type: "application/x-www-form-urlencoded",
        allowed: allowed.to_vec(),
    }
}

const SIGNED_IN: [Who; 5] = [Office, Owner, Lead, Stranger, Leader];
const REPORTERS: [Who; 3] = [Owner, Lead, Stranger];

fn cases(f: &Fixture) -> Vec<Case> {
    let (june, a, task, target) = (f.june, f.assignment, f.task, f.target);
    let report = format!("/api/periods/{june}/assignments/{a}");
    let page = format!("/reports/{june}/{a}");
    let mut cases = vec![
        // Reading the published plan: everyone signed in.
        case("GET", "/api/openapi.json", Value::Null, &SIGNED_IN),
        case("GET", "/api/plans", Value::Null, &SIGNED_IN),
        case("GET", "/api/plans/1", Value::Null, &SIGNED_IN),
        case("GET", "/api/plans/1/sections", Value::Null, &SIGNED_IN),
        case("GET", "/api/plans/1/amendments", Value::Null, &SIGNED_IN),
        // A published plan is never deleted: the office gets 409.
        case("DELETE", "/api/plans/1", Value::Null, &[Office]),
        case("GET", "/api/plans/1/indicators", Value::Null, &SIGNED_IN),
        case("GET", "/api/plans/1/tasks", Value::Null, &SIGNED_IN),
        case("GET", format!("/api/tasks/{task}"), Value::Null, &SIGNED_IN),
        case("GET", "/api/plans/1/assignments", Value::Null, &SIGNED_IN),
        case(
            "GET",
            "/api/plans/1/districts/%E6%B1%9F%E5%B2%B8%E5%8C%BA/table",
            Value::Null,
            &SIGNED_IN,
        ),
        case("GET", "/api/units", Value::Null, &SIGNED_IN),
        case("GET", "/api/districts", Value::Null, &SIGNED_IN),
        case("GET", "/api/plans/1/periods", Value::Null, &SIGNED_IN),
        case("GET", "/api/me", Value::Null, &SIGNED_IN),
        case("GET", "/api/tokens", Value::Null, &SIGNED_IN),
        // Another user's token (or none) is not found: each revokes only their own.
        case("DELETE", "/api/tokens/999999", Value::Null, &SIGNED_IN),
        case("GET", "/api/login-locks", Value::Null, &[Office]),
        case(
            "DELETE",
            "/api/login-locks/%E6%97%A0%E5%90%8D",
            Value::Null,
            &[Office],
        ),
        case("GET", "/api/notices", Value::Null, &SIGNED_IN),
        // Self-service: one's own API tokens.
        case(
            "POST",
            "/api/tokens",
            json!({ "label": "脚本" }),
            &SIGNED_IN,
        ),
        // The office's work.
        case("GET", "/api/plans/1/review-items", Value::Null, &[Office]),
        case("GET", "/api/audit", Value::Null, &[Office]),
        case("GET", "/api/audit/verify", Value::Null, &[Office]),
        case(
            "POST",
            "/api/plans",
            json!({ "source_name": "x.txt", "text": "" }),
            &[Office],
        ),
        case(
            "POST",
            "/api/plans/1/district-rows",
            json!({ "district": "火星区", "text": "x" }),
            &[Office],
        ),
        case(
            "POST",
            "/api/plans/1/merge-units",
            json!({ "from": "不存在甲", "into": "不存在乙" }),
            &[Office],
        ),
        case("POST", "/api/plans/1/publish", Value::Null, &[Office]),
        case(
            "PUT",
            format!("/api/tasks/{task}/units"),
            json!({ "lead": [] }),
            &[Office],
        ),
        case(
            "POST",
            format!("/api/targets/{target}/split"),
            json!({ "parts": [] }),
            &[Office],
        ),
        case(
            "PUT",
            format!("/api/targets/{target}/shares"),
            json!({ "shares": [{ "district": "火星区", "value": 1.0 }] }),
            &[Office],
        ),
        case("GET", "/api/plans/1/issues", Value::Null, &SIGNED_IN),
        case(
            "PUT",
            "/api/tasks/1/deadline",
            json!({ "deadline": "尽快" }),
            &[Office],
        ),
        case("GET", "/api/tasks/1/closures", Value::Null, &SIGNED_IN),
        case(
            "GET",
            "/api/tasks/1/task-milestones",
            Value::Null,
            &SIGNED_IN,
        ),
        case(
            "PUT",
            "/api/tasks/1/task-milestones",
            json!([{ "month": 13, "text": "x" }]),
            &[Office],
        ),
        case(
            "POST",
            "/api/tasks/1/closures",
            json!({ "note": "" }),
            &[Office],
        ),
        case(
            "POST",
            "/api/tasks/1/reopen",
            json!({ "note": "" }),
            &[Office],
        ),
        case(
            "POST",
            "/api/plans/1/issues",
            json!({ "period": "2099-01" }),
            &[Office],
        ),
        case("GET", "/api/plans/1/allocation", Value::Null, &[Office]),
        case(
            "PUT",
            "/api/plans/1/allocation",
            json!([{ "target_id": 999_999, "shares": [] }]),
            &[Office],
        ),
        case(
            "GET",
            "/api/plans/1/allocation.xlsx",
            Value::Null,
            &[Office],
        ),
        case(
            "POST",
            "/api/plans/1/allocation.xlsx",
            json!("x"),
            &[Office],
        ),
        case(
            "POST",
            format!("/api/review-items/{}/resolve", f.review_item),
            json!({ "resolution": "" }),
            &[Office],
        ),
        case(
            "PUT",
            "/api/plans/1/calendar",
            json!({ "due_day": 0 }),
            &[Office],
        ),
        case(
            "POST",
            format!("/api/periods/{june}/reopen"),
            json!({ "until": "2021-06-01" }),
            &[Office],
        ),
        case(
            "POST",
            format!("/api/periods/{june}/reminders"),
            json!({ "units": ["火星局"] }),
            &[Office],
        ),
        case(
            "GET",
            format!("/api/periods/{june}/reporting-status"),
            Value::Null,
            &[Office, Leader],
        ),
        // Reporters get their own items only (see the visibility test).
        case(
            "GET",
            "/api/plans/1/assessment-items",
            Value::Null,
            &SIGNED_IN,
        ),
        case(
            "POST",
            "/api/plans/1/assessment-items",
            json!({ "subject": "江岸区", "kind": "review", "points": 99, "reason": "x" }),
            &[Office],
        ),
        case(
            "DELETE",
            "/api/plans/1/assessment-items/999",
            Value::Null,
            &[Office],
        ),
        case("GET", "/api/plans/1/rules", Value::Null, &SIGNED_IN),
        case(
            "GET",
            "/api/plans/1/document-settings",
            Value::Null,
            &SIGNED_IN,
        ),
        case("GET", "/api/plans/1/standing", Value::Null, &SIGNED_IN),
        case(
            "GET",
            format!("/api/targets/{target}/milestones"),
            Value::Null,
            &SIGNED_IN,
        ),
        case(
            "PUT",
            format!("/api/targets/{target}/milestones"),
            json!({ "milestones": [{ "month": 13, "fraction": 1.0 }] }),
            &[Office],
        ),
        case(
            "PUT",
            "/api/indicators/1/source",
            json!({ "source": "target", "target_id": 999_999 }),
            &[Office],
        ),
        case(
            "PUT",
            "/api/indicators/1/values",
            json!({ "month": 13, "value": 1 }),
            &[Office],
        ),
        case(
            "PUT",
            "/api/plans/1/rules",
            json!({ "on_pace_gap": 40, "serious_gap": 30, "not_started_serious_after": 3, "about_tolerance": 0.1,
                    "completion_weight": 70, "discipline_weight": 20, "review_weight": 10,
                    "late_deduction": 1, "missing_deduction": 2 }),
            &[Office],
        ),
        case(
            "PUT",
            "/api/plans/1/document-settings",
            json!({ "issuer": " ", "signer": null, "copies_to": [], "printed_by": null }),
            &[Office],
        ),
        // 签收 / 异议: the units' own act; the office lists and answers.
        case("GET", "/api/receipts", Value::Null, &REPORTERS),
        case(
            "POST",
            "/api/receipts/acknowledge",
            json!({ "assignments": [] }),
            &REPORTERS,
        ),
        case(
            "POST",
            "/api/receipts/999999/objection",
            json!({ "reason": "" }),
            &REPORTERS,
        ),
        case(
            "POST",
            "/api/receipts/999999/answer",
            json!({ "answer": "keep", "reply": "" }),
            &[Office],
        ),
        case("GET", "/api/plans/1/receipts", Value::Null, &[Office]),
        // 督办: the office suggests, issues, reviews; leaders read; units sign and answer their own.
        case(
            "GET",
            "/api/plans/1/supervision/suggestions?period=2021-06",
            Value::Null,
            &[Office],
        ),
        case(
            "GET",
            "/api/plans/1/supervision/orders",
            Value::Null,
            &[Office, Leader],
        ),
        case(
            "POST",
            "/api/plans/1/supervision/orders",
            json!({ "level": "yellow", "subject_kind": "target", "subject_id": 999_999, "unit": "火星局",
                    "period_key": "2021-06", "reason": "", "requirement": "", "due_on": "2021-07-10" }),
            &[Office],
        ),
        case(
            "POST",
            "/api/plans/1/supervision/dismissals",
            json!({ "period_key": "2021-06", "subject_kind": "target", "subject_id": 1, "unit": "火星局",
                    "level": "prompt", "reason": "" }),
            &[Office],
        ),
        case(
            "POST",
            "/api/plans/1/supervision/escalate",
            Value::Null,
            &[Office],
        ),
        case(
            "GET",
            "/api/plans/1/supervision/rules",
            Value::Null,
            &SIGNED_IN,
        ),
        case(
            "PUT",
            "/api/plans/1/supervision/rules",
            json!({ "prompt_after_lagging": 0, "yellow_after_lagging": 0, "red_when_serious": true,
                    "prompt_after_missed": 1, "red_after_missed": 3, "days_to_answer": [10, 7, 5],
                    "deduction": [0, 1, 2], "overdue_deduction": 1 }),
            &[Office],
        ),
        case("GET", "/api/supervision/mine", Value::Null, &REPORTERS),
        case(
            "GET",
            "/api/supervision/orders/999999",
            Value::Null,
            &SIGNED_IN,
        ),
        case(
            "POST",
            "/api/supervision/orders/999999/sign",
            Value::Null,
            &REPORTERS,
        ),
        case(
            "POST",
            "/api/supervision/orders/999999/answer",
            json!({ "measures": "" }),
            &REPORTERS,
        ),
        case(
            "POST",
            "/api/supervision/orders/999999/review",
            json!({ "close": true }),
            &[Office],
        ),
        // 领导批示: leaders (or the office for them) write; units answer their own.
        case(
            "GET",
            "/api/plans/1/instructions",
            Value::Null,
            &[Office, Leader],
        ),
        case(
            "POST",
            "/api/plans/1/instructions",
            json!({ "subject_kind": "task", "subject_id": 999_999, "kind": "instruction", "text": "" }),
            &[Office, Leader],
        ),
        case(
            "GET",
            format!("/api/tasks/{task}/instructions"),
            Value::Null,
            &SIGNED_IN,
        ),
        case("GET", "/api/instructions/mine", Value::Null, &REPORTERS),
        case("GET", "/api/instructions/999999", Value::Null, &SIGNED_IN),
        case(
            "POST",
            "/api/instructions/999999/answer",
            json!({ "answer": "" }),
            &REPORTERS,
        ),
        // 自动提醒 and channels: the office configures; leaders read what was sent.
        case("GET", "/api/plans/1/reminder-rules", Value::Null, &[Office]),
        case(
            "PUT",
            "/api/plans/1/reminder-rules",
            json!({ "report_days_before": [0] }),
            &[Office],
        ),
        case("GET", "/api/plans/1/channels", Value::Null, &[Office]),
        case(
            "POST",
            "/api/plans/1/channels",
            json!({ "kind": "webhook", "name": "", "url": "ftp://x" }),
            &[Office],
        ),
        case(
            "DELETE",
            "/api/plans/1/channels/999999",
            Value::Null,
            &[Office],
        ),
        case(
            "GET",
            "/api/plans/1/reminders",
            Value::Null,
            &[Office, Leader],
        ),
        case("GET", "/api/plans/1/deliveries", Value::Null, &[Office]),
        case(
            "POST",
            "/api/plans/1/deliveries/999999/retry",
            Value::Null,
            &[Office],
        ),
        // Reporters' own lists and sheets.
        case(
            "GET",
            format!("/api/periods/{june}/my-reports"),
            Value::Null,
            &REPORTERS,
        ),
        case(
            "GET",
            format!("/api/periods/{june}/template.xlsx"),
            Value::Null,
            &REPORTERS,
        ),
        Case {
            method: "POST",
            path: format!("/api/periods/{june}/upload"),
            body: Body::from("not a spreadsheet"),
            content_type: "application/octet-stream",
            allowed: REPORTERS.to_vec(),
        },
        // The draft under test: 江岸区's, the office's; nobody else's.
        case(
            "GET",
            format!("{report}/report"),
            Value::Null,
            &[Office, Owner],
        ),
        case(
            "PUT",
            format!("{report}/report"),
            json!({ "version": -1 }),
            &[Office, Owner],
        ),
        case(
            "POST",
            format!("{report}/review"),
            json!({ "version": 1, "accept": true }),
            &[Office, Lead],
        ),
        case(
            "GET",
            format!("/api/periods/{june}/tasks/{task}/reports"),
            Value::Null,
            &SIGNED_IN,
        ),
        Case {
            method: "POST",
            path: format!("{report}/attachments?filename=x.exe"),
            body: Body::from("MZ"),
            content_type: "application/octet-stream",
            allowed: vec![Office, Owner],
        },
        case(
            "GET",
            format!("/api/attachments/{}", f.attachment),
            Value::Null,
            &[Office, Owner],
        ),
        // Pages that read private data or write.
        case("GET", "/plans/1/review", Value::Null, &[Office]),
        form(
            format!("/plans/1/review/tasks/{task}/units"),
            "lead=",
            &[Office],
        ),
        form(
            format!("/plans/1/review/items/{}/resolve", f.review_item),
            "resolution=",
            &[Office],
        ),
        form("/plans/1/review/publish", "", &[Office]),
        form("/plans/1/allocation", "s_999999_0=abc", &[Office]),
        form("/plans/1/issues", "period=2099-01", &[Office]),
        form("/plans/1/delete", "", &[Office]),
        form("/tasks/1/closure", "note=", &[Office]),
        form("/tasks/1/reopen", "note=", &[Office]),
        form("/tasks/1/task-milestones", "milestones=13%3Ax", &[Office]),
        form(
            "/tasks/1/deadline",
            "deadline=%E5%B0%BD%E5%BF%AB",
            &[Office],
        ),
        form("/plans/1/allocation/upload", "", &[Office]),
        case("GET", page.clone(), Value::Null, &[Office, Owner]),
        form(page.clone(), "version=-1&action=save", &[Office, Owner]),
        form(
            format!("{page}/review"),
            "version=1&decision=accept",
            &[Office, Lead],
        ),
        case(
            "GET",
            format!("/attachments/{}", f.attachment),
            Value::Null,
            &[Office, Owner],
        ),
        case("GET", "/plans/1/reporting", Value::Null, &[Office, Leader]),
        form("/my/receipts/acknowledge", "assignment=abc", &REPORTERS),
        form("/my/receipts/objection", "assignment=x&reason=", &REPORTERS),
        case("GET", "/plans/1/receipts", Value::Null, &[Office]),
        case(
            "GET",
            "/plans/1/supervision",
            Value::Null,
            &[Office, Leader],
        ),
        form(
            "/plans/1/supervision/decide",
            "level=x&subject_kind=target&subject_id=1&unit=x&period_key=x&reason=&requirement=&due_on=&action=issue",
            &[Office],
        ),
        form("/plans/1/supervision/escalate", "", &[Office]),
        form(
            "/plans/1/supervision/rules",
            "prompt_after_lagging=x&yellow_after_lagging=&prompt_after_missed=&red_after_missed=&days_prompt=&days_yellow=&days_red=&deduction_prompt=&deduction_yellow=&deduction_red=&overdue_deduction=",
            &[Office],
        ),
        case(
            "GET",
            "/plans/1/instructions",
            Value::Null,
            &[Office, Leader],
        ),
        case(
            "GET",
            format!("/plans/1/instructions/new?subject=task:{task}"),
            Value::Null,
            &[Office, Leader],
        ),
        form(
            "/plans/1/instructions",
            "subject=task:999999&kind=instruction",
            &[Office, Leader],
        ),
        case("GET", "/plans/1/notifications", Value::Null, &[Office]),
        form(
            "/plans/1/notifications/rules",
            "quiet_from=25%3A00",
            &[Office],
        ),
        form(
            "/plans/1/notifications/channels",
            "kind=webhook&name=x&url=ftp%3A%2F%2Fx",
            &[Office],
        ),
        form(
            "/plans/1/notifications/channels/999999/remove",
            "",
            &[Office],
        ),
        form(
            "/plans/1/notifications/deliveries/999999/retry",
            "",
            &[Office],
        ),
        case("GET", "/instructions/999999", Value::Null, &SIGNED_IN),
        form("/instructions/999999/answer", "answer=x", &REPORTERS),
        case("GET", "/supervision/999999", Value::Null, &SIGNED_IN),
        form("/supervision/999999/sign", "", &REPORTERS),
        form("/supervision/999999/review", "decision=close", &[Office]),
        form(
            "/plans/1/receipts/999999/answer",
            "answer=keep&reply=",
            &[Office],
        ),
        case(
            "GET",
            "/plans/1/reporting.xlsx",
            Value::Null,
            &[Office, Leader],
        ),
        form(
            "/plans/1/reporting/remind",
            "period=2021-06&unit=%E7%81%AB%E6%98%9F%E5%B1%80",
            &[Office],
        ),
        form(
            "/plans/1/reporting/reopen",
            "period=2021-06&until=bad",
            &[Office],
        ),
        form(
            "/plans/1/reporting/calendar",
            "period=2021-06&due_day=0",
            &[Office],
        ),
        case(
            "GET",
            format!("/my/template.xlsx?period={june}"),
            Value::Null,
            &REPORTERS,
        ),
    ];
    cases.push(case(
        "GET",
        "/plans/1/dashboard",
        Value::Null,
        &[Office, Leader],
    ));
    cases.push(case(
        "GET",
        "/plans/1/assessment",
        Value::Null,
        &[Office, Leader],
    ));
    cases.push(form(
        "/plans/1/assessment/items",
        "subject=%E6%B1%9F%E5%B2%B8%E5%8C%BA&kind=review&points=99&reason=x",
        &[Office],
    ));
    cases.push(form("/plans/1/assessment/items/999/delete", "", &[Office]));
    cases.push(case(
        "GET",
        "/plans/1/indicators",
        Value::Null,
        &[Office, Leader],
    ));
    cases.push(form(
        "/plans/1/indicators/1/source",
        "source=target&target_id=",
        &[Office],
    ));
    cases.push(form("/plans/1/indicators/1/values", "m1=abc", &[Office]));
    cases.push(form(
        format!("/tasks/{}/targets/{}/milestones", f.task, f.target),
        "milestones=13:50",
        &[Office],
    ));
    cases.push(form(
        "/plans/1/assessment/rules",
        "on_pace_gap=x&serious_gap=30&not_started_serious_after=3&about_tolerance=10&completion_weight=70&discipline_weight=20&review_weight=10&late_deduction=1&missing_deduction=2",
        &[Office],
    ));
    cases.push(form(
        "/account/login-locks/clear",
        "username=nobody",
        &[Office],
    ));
    cases.push(form("/account/tokens/999999/revoke", "", &SIGNED_IN));
    // Pages every signed-in user may open.
    for path in [
        "/",
        "/plans/1/bulletins/2021-06",
        "/plans/1/bulletins/2021",
        "/plans/1",
        "/plans/1/tasks",
        "/plans/1/districts",
        "/plans/1/issues",
        "/account",
        "/account/password",
    ] {
        cases.push(case("GET", path, Value::Null, &SIGNED_IN));
    }
    cases.push(case("GET", "/plans/1/allocation", Value::Null, &[Office]));
    // Importing a plan document: the office only.
    cases.push(Case {
        method: "POST",
        path: "/api/plans/document?name=plan.txt".into(),
        body: Body::from("不是方案"),
        content_type: "application/octet-stream",
        allowed: vec![Office],
    });
    cases.push(Case {
        method: "POST",
        path: "/plans/import?csrf=x".into(),
        body: Body::from("--b--\r\n"),
        content_type: "multipart/form-data; boundary=b",
        allowed: vec![Office],
    });
    // 待审核: lead units' reviewers and the office.
    cases.push(case("GET", "/api/reviews", Value::Null, &[Office, Lead]));
    cases.push(case(
        "POST",
        "/api/reviews",
        json!({ "reports": [], "accept": true }),
        &[Office, Lead],
    ));
    cases.push(case("GET", "/reviews", Value::Null, &[Office, Lead]));
    // Accounts: the office only.
    cases.push(case("GET", "/api/users", Value::Null, &[Office]));
    cases.push(case(
        "POST",
        "/api/users",
        json!({ "username": "", "role": "leader" }),
        &[Office],
    ));
    for action in ["reset-password", "disable", "enable", "unlock"] {
        cases.push(case(
            "POST",
            format!("/api/users/%E6%97%A0%E5%90%8D/{action}"),
            Value::Null,
            &[Office],
        ));
    }
    // Many at once: the roster (its template and upload), a plan's missing accounts, the handout.
    cases.push(Case {
        method: "POST",
        path: "/api/users/roster".into(),
        body: Body::from("不是名单"),
        content_type: "application/octet-stream",
        allowed: vec![Office],
    });
    cases.push(case(
        "GET",
        "/api/users/roster-template.xlsx",
        Value::Null,
        &[Office],
    ));
    cases.push(case(
        "POST",
        "/api/plans/999999/accounts",
        Value::Null,
        &[Office],
    ));
    cases.push(Case {
        method: "POST",
        path: "/accounts/roster?csrf=x".into(),
        body: Body::from("--b--\r\n"),
        content_type: "multipart/form-data; boundary=b",
        allowed: vec![Office],
    });
    cases.push(case(
        "GET",
        "/accounts/roster-template.xlsx",
        Value::Null,
        &[Office],
    ));
    cases.push(form("/accounts/for-plan", "plan=999999", &[Office]));
    cases.push(form(
        "/accounts/handout.xlsx",
        "unit=x&name=x&role=x&username=x&password=x",
        &[Office],
    ));
    cases.push(case("GET", "/accounts", Value::Null, &[Office]));
    cases.push(form("/accounts", "username=&role=leader", &[Office]));
    for action in ["reset", "disable", "enable", "unlock"] {
        cases.push(form(format!("/accounts/nobody/{action}"), "", &[Office]));
    }
    cases.push(case("GET", "/audit", Value::Null, &[Office]));
    // 名录: the office only.
    cases.push(case("GET", "/api/directory", Value::Null, &[Office]));
    cases.push(Case {
        method: "PUT",
        path: "/api/directory".into(),
        body: Body::from("[[units]]\nname = 1\n"),
        content_type: "application/toml",
        allowed: vec![Office],
    });
    cases.push(case(
        "POST",
        "/api/directory/edits",
        json!({ "kind": "remove_unit", "name": "没有这个单位" }),
        &[Office],
    ));
    cases.push(case("GET", "/directory", Value::Null, &[Office]));
    cases.push(case("GET", "/directory.toml", Value::Null, &[Office]));
    cases.push(form(
        "/directory/edit",
        "kind=unit&name=&aliases=",
        &[Office],
    ));
    cases.push(Case {
        method: "POST",
        path: "/directory/upload?csrf=x".into(),
        body: Body::from("--b--\r\n"),
        content_type: "multipart/form-data; boundary=b",
        allowed: vec![Office],
    });
    // The review's correction forms.
    cases.push(form("/plans/1/review/merge", "from=&into=", &[Office]));
    cases.push(form(
        "/plans/1/review/targets/999999/split",
        "text=a&value=1&text=b&value=2",
        &[Office],
    ));
    cases.push(form(
        "/plans/1/review/district-rows",
        "district=&text=",
        &[Office],
    ));
    cases.push(form("/reviews", "decision=accept", &[Office, Lead]));
    cases.push(case(
        "GET",
        "/closures/999999/evidence",
        Value::Null,
        &SIGNED_IN,
    ));
    cases.push(case(
        "GET",
        "/plans/1/allocation.xlsx",
        Value::Null,
        &[Office],
    ));
    cases
}

#[tokio::test]
async fn every_role_on_every_route() {
    let f = fixture().await;
    let mut failures = Vec::new();
    for who in EVERYONE {
        for c in cases(&f) {
            let (status, body, location) =
                f.send(who, c.method, &c.path, c.body, c.content_type).await;
            let api = c.path.starts_with("/api/");
            let verdict = if who == Anonymous {
                if api {
                    status == StatusCode::UNAUTHORIZED
                } else {
                    status == StatusCode::SEE_OTHER
                        && location.as_deref().is_some_and(|l| l.starts_with("/login"))
                }
            } else if c.allowed.contains(&who) {
                status != StatusCode::UNAUTHORIZED
                    && status != StatusCode::FORBIDDEN
                    && !status.is_server_error()
            } else {
                status == StatusCode::FORBIDDEN
            };
            if !verdict {
                let short: String = body.chars().take(160).collect();
                failures.push(format!(
                    "{who:?} {} {} → {status} {short}",
                    c.method, c.path
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} wrong answers:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Nothing the refused requests sent was stored: the draft is as it was.
    let report = f
        .state
        .store
        .report(f.june, f.assignment)
        .await
        .expect("report");
    assert_eq!((report.progress.as_str(), report.version), ("草稿", 1));
    assert!(f.state.store.verify_audit().await.expect("verify").is_ok());
}

#[tokio::test]
async fn every_api_route_is_in_the_matrix() {
    let f = fixture().await;
    let (_, body, _) = f
        .send(
            Office,
            "GET",
            "/api/openapi.json",
            Body::empty(),
            "application/json",
        )
        .await;
    let doc: Value = serde_json::from_str(&body).expect("openapi");
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(|o| o.keys().cloned())
                .map(move |method| (method.to_uppercase(), shape(path)))
        })
        .collect();
    let tested: BTreeSet<(String, String)> = cases(&f)
        .iter()
        .filter(|c| c.path.starts_with("/api/"))
        .map(|c| (c.method.to_string(), shape(&c.path)))
        .collect();
    let missing: Vec<_> = documented.difference(&tested).collect();
    assert!(
        missing.is_empty(),
        "API routes without an access case: {missing:?}"
    );
}

/// `/api/tasks/{id}` and `/api/tasks/12?x=1` both become `/api/tasks/*`.
fn shape(path: &str) -> String {
    path.split('?')
        .next()
        .unwrap_or(path)
        .split('/')
        .map(|seg| {
            if seg.starts_with('{')
                || seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty()
                || seg.starts_with('%')
            {
                "*"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn browser_writes_need_the_sessions_csrf_token_and_sessions_expire_on_logout() {
    let f = fixture().await;
    let store = &f.state.store;
    let user = store.user("jiangan").await.expect("user");
    let secret = "5e".repeat(32);
    store
        .create_session(
            user.id,
            "browser",
            None,
            &luoshi_server::auth::digest(&secret),
            "the-csrf",
            "2999-01-01T00:00:00.000Z",
        )
        .await
        .expect("session");
    let app = || luoshi_server::router(f.state.clone()).merge(luoshi_web::router(f.state.clone()));
    let cookie = format!("luoshi_session={secret}");
    let put = |csrf: Option<&str>| {
        let mut r = Request::builder()
            .method("PUT")
            .uri(format!(
                "/api/periods/{}/assignments/{}/report",
                f.june, f.assignment
            ))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = csrf {
            r = r.header("x-csrf-token", t);
        }
        r.body(Body::from(
            json!({ "version": 1, "progress": "改了" }).to_string(),
        ))
        .expect("request")
    };
    let refused = app().oneshot(put(None)).await.expect("response");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let refused = app().oneshot(put(Some("wrong"))).await.expect("response");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let saved = app()
        .oneshot(put(Some("the-csrf")))
        .await
        .expect("response");
    assert_eq!(saved.status(), StatusCode::OK);
    // A cookie is not a token and a token is not a cookie.
    let as_bearer = Request::builder()
        .uri("/api/me")
        .header(header::AUTHORIZATION, format!("Bearer {secret}"))
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        app().oneshot(as_bearer).await.expect("r").status(),
        StatusCode::UNAUTHORIZED
    );
    // Logging out ends the session.
    let logout = Request::builder()
        .method("POST")
        .uri("/logout")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("csrf=the-csrf"))
        .expect("request");
    let answer = app().oneshot(logout).await.expect("response");
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let set_cookie = answer
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        set_cookie.contains("Max-Age=0")
            && set_cookie.contains("HttpOnly")
            && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    let after = Request::builder()
        .uri("/api/me")
        .header(header::COOKIE, &cookie)
        .body(Body::empty())
        .expect("request");
    assert_eq!(
        app().oneshot(after).await.expect("r").status(),
        StatusCode::UNAUTHORIZED
    );
}

/// The addresses in a page's main navigation.
fn nav_links(html: &str) -> Vec<String> {
    let Some(start) = html.find("<nav class=\"main\"") else {
        return Vec::new();
    };
    let nav = &html[start..];
    let nav = &nav[..nav.find("</nav>").unwrap_or(nav.len())];
    nav.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
        .collect()
}

#[tokio::test]
async fn no_navigation_link_answers_403() {
    let f = fixture().await;
    for who in [Office, Owner, Lead, Stranger, Leader] {
        let start = if matches!(who, Office | Leader) {
            "/"
        } else {
            "/my"
        };
        let mut seen = BTreeSet::new();
        for page in [start, "/account", "/plans/1/issues"] {
            let (status, body, _) = f.send(who, "GET", page, Body::empty(), "text/html").await;
            assert_eq!(status, StatusCode::OK, "{who:?} {page}");
            let links = nav_links(&body);
            assert!(!links.is_empty(), "{who:?} {page} has no navigation");
            seen.insert(links);
        }
        assert_eq!(
            seen.len(),
            1,
            "{who:?}: the navigation differs between pages"
        );
        for link in seen.into_iter().next().unwrap_or_default() {
            let (status, body, _) = f.send(who, "GET", &link, Body::empty(), "text/html").await;
            assert!(
                status.is_success() || status.is_redirection(),
                "{who:?}'s navigation links {link}, which answers {status}: {}",
                body.chars().take(120).collect::<String>()
            );
        }
    }
}

#[tokio::test]
async fn errors_reach_a_browser_as_chinese_pages() {
    let f = fixture().await;
    for (who, path) in [
        (Owner, "/plans/1/review"),
        (Owner, "/no/such/page"),
        (Leader, "/reviews"),
        (Office, "/plans/999/tasks"),
    ] {
        let (status, body, _) = f.send(who, "GET", path, Body::empty(), "text/html").await;
        assert!(status.is_client_error(), "{who:?} {path} → {status}");
        assert!(
            body.starts_with("<!DOCTYPE html>") && body.contains("lang=\"zh-CN\""),
            "{who:?} {path} is not a page: {body}"
        );
        assert!(!body.contains("{\"error\""), "{who:?} {path}: {body}");
    }
}
