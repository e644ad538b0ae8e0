//! The ledger the API tests run against: the Wuhan plan published, the office's and 江岸区's
//! API tokens, June 2021 as today, and requests sent through the router.

#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use luoshi_directory::{Directory, resolve};
use luoshi_reporting::{Day, Role};
use luoshi_server::AppState;
use luoshi_store::{NewUser, Store};
use serde_json::Value;
use tower::ServiceExt;

pub const PLAN: &str = include_str!("../../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

pub struct App {
    pub state: AppState,
    pub office: String,
    pub jiangan: String,
    pub june: i64,
    /// The ledger's address, to open it again as a restarted server would.
    #[allow(dead_code)]
    pub database: String,
    _dir: tempfile::TempDir,
}

pub async fn token(store: &Store, name: &str, role: Role, district: Option<&str>) -> String {
    let user = store
        .create_user(
            NewUser {
                username: name.into(),
                display_name: None,
                role,
                unit: None,
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

pub async fn app() -> App {
    let dir = tempfile::tempdir().expect("tempdir");
    let database = format!("sqlite://{}", dir.path().join("r.db").display());
    let store = Store::open(&database).await.expect("store");
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
    let office = token(&store, "office", Role::Office, None).await;
    let jiangan = token(&store, "jiangan", Role::DistrictReporter, Some("江岸区")).await;
    let mut state = AppState::new(store, directory);
    state.today = Day::parse("2021-06-20");
    App {
        state,
        office,
        jiangan,
        june,
        database,
        _dir: dir,
    }
}

impl App {
    pub async fn call(
        &self,
        token: &str,
        method: &str,
        uri: &str,
        body: Body,
        kind: &str,
    ) -> (StatusCode, Vec<u8>) {
        let request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, kind)
            .body(body)
            .expect("request");
        let response = luoshi_server::router(self.state.clone())
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        (
            status,
            response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes()
                .to_vec(),
        )
    }

    pub async fn json(
        &self,
        token: &str,
        method: &str,
        uri: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let body = if body.is_null() {
            Body::empty()
        } else {
            Body::from(body.to_string())
        };
        let (status, bytes) = self
            .call(token, method, uri, body, "application/json")
            .await;
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        )
    }
}
