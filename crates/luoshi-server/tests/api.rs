//! The JSON API end to end through the router, on a fresh SQLite ledger.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use luoshi_directory::{Directory, resolve};
use luoshi_server::{AppState, router};
use luoshi_store::Store;
use serde_json::{Value, json};
use tower::ServiceExt;

const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

struct App {
    state: AppState,
    /// The office's API token; requests without credentials of their own carry it.
    token: String,
    _dir: tempfile::TempDir,
}

async fn app(publish: bool) -> (App, i64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!("sqlite://{}", dir.path().join("api.db").display()))
        .await
        .expect("store");
    let directory = Arc::new(Directory::wuhan());
    let id = store
        .import_plan(
            &resolve(luoshi_extract::extract(PLAN), &directory),
            "wuhan.txt",
            PLAN.as_bytes(),
            "测试",
        )
        .await
        .expect("import");
    if publish {
        store
            .publish(id, &directory, "测试")
            .await
            .expect("publish");
    }
    let token = office_token(&store).await;
    (
        App {
            state: AppState::new(store, directory),
            token,
            _dir: dir,
        },
        id,
    )
}

async fn call(app: &App, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    let body = match body {
        Some(b) => {
            request = request.header("content-type", "application/json");
            Body::from(b.to_string())
        }
        None => Body::empty(),
    };
    send(app, request.body(body).expect("request")).await
}

/// An office account and an API token for it.
async fn office_token(store: &Store) -> String {
    let user = store
        .create_user(
            luoshi_store::NewUser {
                username: "office".into(),
                display_name: Some("协调办公室".into()),
                role: luoshi_reporting::Role::Office,
                unit: None,
                district: None,
                email: None,
                password_hash: "unused".into(),
                must_change_password: false,
            },
            "测试",
        )
        .await
        .expect("office user");
    let token = "ab".repeat(32);
    store
        .create_session(
            user.id,
            "api",
            Some("tests"),
            &luoshi_server::auth::digest(&token),
            "csrf",
            "2999-01-01T00:00:00.000Z",
        )
        .await
        .expect("token");
    token
}

async fn send(app: &App, mut request: Request<Body>) -> (StatusCode, Value) {
    let headers = request.headers_mut();
    if !headers.contains_key("authorization") && !headers.contains_key("cookie") {
        let value = format!("Bearer {}", app.token).parse().expect("header");
        headers.insert("authorization", value);
    }
    let response = router(app.state.clone())
        .oneshot(request)
        .await
        .expect("response");
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    (status, value)
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[tokio::test]
async fn reads_plans_tasks_and_district_tables() {
    let (app, id) = app(true).await;
    let (status, plans) = call(&app, "GET", "/api/plans", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(plans[0]["doc_number"], "武政办〔2021〕26号");
    assert_eq!(plans[0]["status"], "published");
    let (_, drafts) = call(&app, "GET", "/api/plans?status=draft", None).await;
    assert_eq!(drafts, json!([]));

    let (status, table) = call(
        &app,
        "GET",
        &format!("/api/plans/{id}/districts/{}/table", encode("江岸区")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{table}");
    assert_eq!(
        table["focuses"],
        json!(["汉口文创谷", "岱家山知识产权创业小镇"])
    );
    let rows = table["rows"].as_array().expect("rows");
    let docking = rows
        .iter()
        .find(|r| r["path"] == "二.（三）.2")
        .expect("二.（三）.2");
    assert!(
        docking["targets"]
            .as_array()
            .expect("targets")
            .iter()
            .any(|t| t["text"] == "各区分别举办对接活动 5 场以上" && t["value"] == 5.0)
    );

    let (status, page) = call(
        &app,
        "GET",
        &format!(
            "/api/plans/{id}/tasks?unit={}&role=lead&limit=5",
            encode("市科技局")
        ),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            page["total"].as_i64(),
            page["items"].as_array().map(Vec::len)
        ),
        (Some(9), Some(5))
    );
    let task_id = page["items"][0]["id"].as_i64().expect("id");
    let (status, task) = call(&app, "GET", &format!("/api/tasks/{task_id}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        task["assignments"]
            .as_array()
            .is_some_and(|a| !a.is_empty())
    );

    for uri in [
        format!("/api/plans/{id}/sections"),
        format!("/api/plans/{id}/indicators"),
        format!("/api/plans/{id}/review-items"),
        format!("/api/plans/{id}/assignments?district={}", encode("江岸区")),
        "/api/units".into(),
        "/api/districts".into(),
        "/api/audit".into(),
    ] {
        let (status, body) = call(&app, "GET", &uri, None).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert!(body.as_array().is_some_and(|a| !a.is_empty()), "{uri}");
    }
    let (status, check) = call(&app, "GET", "/api/audit/verify", None).await;
    assert_eq!((status, &check["intact"]), (StatusCode::OK, &json!(true)));
}

#[tokio::test]
async fn bad_requests_name_the_field() {
    let (app, id) = app(false).await;
    let cases = [
        (
            "GET",
            format!("/api/plans/{id}/tasks?limit=abc"),
            None,
            StatusCode::BAD_REQUEST,
            Some("limit"),
        ),
        (
            "GET",
            format!("/api/plans/{id}/tasks?limit=0"),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("limit"),
        ),
        (
            "GET",
            format!("/api/plans/{id}/tasks?role=boss"),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("role"),
        ),
        (
            "GET",
            "/api/plans/999".into(),
            None,
            StatusCode::NOT_FOUND,
            None,
        ),
        (
            "GET",
            format!("/api/plans/{id}/districts/{}/table", encode("火星区")),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("district"),
        ),
        (
            "PUT",
            "/api/tasks/1/units".into(),
            Some(json!({ "lead": [], "responsible": ["市科技局"] })),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("lead"),
        ),
        (
            "PUT",
            "/api/tasks/1/units".into(),
            Some(json!({ "responsible": ["市科技局"] })),
            StatusCode::BAD_REQUEST,
            Some("lead"),
        ),
        (
            "POST",
            format!("/api/plans/{id}/merge-units"),
            Some(json!({ "from": "不存在", "into": "市科技局" })),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("from"),
        ),
        (
            "POST",
            "/api/plans".into(),
            Some(json!({ "source_name": "空.txt", "text": "  " })),
            StatusCode::BAD_REQUEST,
            Some("text"),
        ),
        (
            "POST",
            "/api/plans".into(),
            Some(json!({ "source_name": "散文.txt", "text": "今天天气很好。" })),
            StatusCode::BAD_REQUEST,
            Some("text"),
        ),
        (
            "GET",
            "/api/nowhere".into(),
            None,
            StatusCode::NOT_FOUND,
            None,
        ),
    ];
    for (method, uri, body, status, field) in cases {
        let (got, answer) = call(&app, method, &uri, body).await;
        assert_eq!(got, status, "{method} {uri}: {answer}");
        assert!(
            answer["error"].as_str().is_some_and(|e| !e.is_empty()),
            "{method} {uri}: {answer}"
        );
        if let Some(field) = field {
            assert_eq!(answer["field"], field, "{method} {uri}: {answer}");
        }
    }
    // Malformed JSON.
    let request = Request::builder()
        .method("PUT")
        .uri("/api/tasks/1/units")
        .header("content-type", "application/json")
        .body(Body::from("{not json"))
        .expect("request");
    let (status, answer) = send(&app, request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
    // Nothing of the above reached the audit log beyond the import and the test's account.
    let (_, log) = call(&app, "GET", "/api/audit", None).await;
    let actions: Vec<&str> = log
        .as_array()
        .expect("log")
        .iter()
        .filter_map(|r| r["action"].as_str())
        .collect();
    assert_eq!(actions, ["issue_token", "create", "import"]);
}

#[tokio::test]
async fn import_correct_and_publish_through_the_api() {
    let (app, _) = app(false).await;
    let (status, created) = call(
        &app,
        "POST",
        "/api/plans",
        Some(json!({ "source_name": "wuhan-copy.txt", "text": PLAN })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_i64().expect("id");
    let (_, page) = call(
        &app,
        "GET",
        &format!("/api/plans/{id}/tasks?section={}", encode("二.（三）")),
        None,
    )
    .await;
    let first = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["path"] == "二.（三）.1")
        .expect("二.（三）.1")["id"]
        .as_i64()
        .expect("id");
    let (status, task) = call(
        &app,
        "PUT",
        &format!("/api/tasks/{first}/units"),
        Some(json!({ "lead": ["市科技局"], "responsible": ["各区人民政府"] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{task}");
    assert_eq!(task["lead"], json!(["市科技局"]));
    let (status, answer) = call(
        &app,
        "POST",
        &format!("/api/plans/{id}/publish?reporting_start=0"),
        None,
    )
    .await;
    assert_eq!(
        (status, &answer["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("reporting_start")),
        "{answer}"
    );
    let (status, plan) = call(
        &app,
        "POST",
        &format!("/api/plans/{id}/publish?reporting_start=3"),
        None,
    )
    .await;
    assert_eq!(
        (status, &plan["status"], &plan["reporting_start"]),
        (StatusCode::OK, &json!("published"), &json!(3)),
        "{plan}"
    );
    let (status, answer) = call(&app, "POST", &format!("/api/plans/{id}/publish"), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{answer}");
    let (status, answer) = call(
        &app,
        "PUT",
        &format!("/api/tasks/{first}/units"),
        Some(json!({ "lead": ["市发展改革委"] })),
    )
    .await;
    assert_eq!(
        (status, &answer["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("reason")),
        "amendments need a reason"
    );
    // Today the 2021 plan's year is over: an amendment changes nothing in it, and saying
    // otherwise is refused.
    let (status, answer) = call(
        &app,
        "PUT",
        &format!("/api/tasks/{first}/units"),
        Some(json!({ "lead": ["市发展改革委"], "reason": "调整", "effective_month": 6 })),
    )
    .await;
    assert_eq!(
        (status, &answer["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("effective_month")),
        "{answer}"
    );
    let (status, _) = call(
        &app,
        "PUT",
        &format!("/api/tasks/{first}/units"),
        Some(json!({ "lead": ["市发展改革委"], "reason": "调整" })),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, amendments) =
        call(&app, "GET", &format!("/api/plans/{id}/amendments"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(amendments[0]["description"], json!("调整"));
    assert_eq!(amendments[0]["effective_month"], json!(13), "{amendments}");
    let (status, _) = call(
        &app,
        "POST",
        &format!("/api/plans/{id}/district-rows"),
        Some(
            json!({ "district": "江岸区", "text": "建设汉口文创谷二期", "value": 1, "unit": "个" }),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, table) = call(
        &app,
        "GET",
        &format!("/api/plans/{id}/districts/{}/table", encode("江岸区")),
        None,
    )
    .await;
    assert!(
        table["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .any(|r| r["hand_added"] == true)
    );
}

#[tokio::test]
async fn openapi_document_describes_every_route() {
    let (app, _) = app(false).await;
    let (status, doc) = call(&app, "GET", "/api/openapi.json", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/api/plans",
        "/api/plans/{id}/tasks",
        "/api/plans/{id}/districts/{district}/table",
        "/api/tasks/{id}/units",
        "/api/plans/{id}/publish",
        "/api/plans/{id}/amendments",
        "/api/audit/verify",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["schemas"]["DistrictTable"].is_object());
}

fn roster(rows: &[[&str; 5]]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in ["单位", "姓名", "手机", "邮箱", "角色"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet
                .write_string(r as u32 + 1, c as u16, *value)
                .expect("cell");
        }
    }
    workbook.save_to_buffer().expect("xlsx")
}

async fn upload_roster(app: &App, bytes: Vec<u8>) -> (StatusCode, Value) {
    let request = Request::builder()
        .method("POST")
        .uri("/api/users/roster")
        .header(
            "content-type",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .body(Body::from(bytes))
        .expect("request");
    send(app, request).await
}

#[tokio::test]
async fn accounts_from_a_roster_and_for_a_plan_through_the_api() {
    let (app, plan) = app(true).await;
    let (status, body) = upload_roster(
        &app,
        roster(&[
            ["市科技厅", "赵六", "13700137000", "", ""],
            ["市教育局", "钱七", "13600136000", "", "单位填报员"],
        ]),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["problems"][0]["row"], 2);
    assert_eq!(body["problems"][0]["column"], "单位");
    assert!(
        body["problems"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("市科技局")),
        "{body}"
    );
    assert!(app.state.store.user("13600136000").await.is_err());
    let (status, body) = upload_roster(
        &app,
        roster(&[["市教育局", "钱七", "13600136000", "", "单位填报员"]]),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body[0]["username"], "13600136000");
    assert_eq!(body[0]["role"], "单位填报员");
    assert_eq!(
        body[0]["one_time_password"].as_str().map(str::len),
        Some(16)
    );
    // For the plan: every unit and district with tasks, 市教育局 already has one.
    let (status, body) = call(&app, "POST", &format!("/api/plans/{plan}/accounts"), None).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let made = body.as_array().expect("accounts");
    assert!(made.iter().any(|a| a["username"] == "江岸区"));
    assert!(!made.iter().any(|a| a["unit"] == "市教育局"), "{body}");
}

#[tokio::test]
async fn the_directory_is_read_and_edited_through_the_api() {
    let (app, _) = app(false).await;
    let (status, body) = call(
        &app,
        "POST",
        "/api/directory/edits",
        Some(json!({ "kind": "put_unit", "name": "市数据局", "aliases": ["数据局"] })),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["changes"][0], "新增单位「市数据局」");
    assert!(app.state.directory.current().unit("数据局").is_some());
    let (status, body) = call(
        &app,
        "POST",
        "/api/directory/edits",
        Some(json!({ "kind": "remove_unit", "name": "没有这个单位" })),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "名录中没有单位「没有这个单位」");
    let request = Request::builder()
        .method("PUT")
        .uri("/api/directory")
        .header("content-type", "application/toml")
        .body(Body::from(
            "[[units]]\nname = \"市科技局\"\naliases = [\"科技局\"]\n",
        ))
        .expect("request");
    let (status, body) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body["changes"]
            .as_array()
            .is_some_and(|c| c.iter().any(|l| l == "删除区「江岸区」")),
        "{body}"
    );
    assert_eq!(app.state.directory.current().districts.len(), 0);
}
