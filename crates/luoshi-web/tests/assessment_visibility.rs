//! The annual assessment follows one rule in pages and API: the office and leaders see every
//! score sheet and every bonus or deduction reason; a district or unit sees only its own.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use luoshi_store::AssessmentItemInput;
use tower::ServiceExt;

const JIANGAN_SECRET: &str = "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c";

async fn get(state: &luoshi_server::AppState, uri: &str, cookie: &str) -> (StatusCode, String) {
    let app = luoshi_server::router(state.clone()).merge(luoshi_web::router(state.clone()));
    let request = Request::builder()
        .uri(uri)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .expect("request");
    let response = app.oneshot(request).await.expect("answered");
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn a_district_sees_its_own_score_sheet_and_the_office_sees_all() {
    let (state, _dir) = common::wuhan(true).await;
    luoshi_cadence::simulate::simulate_year(&state.store, 1)
        .await
        .expect("a year of reports");
    for (subject, reason) in [("江汉区", "报送材料与实际不符"), ("江岸区", "按时报送")]
    {
        state
            .store
            .add_assessment_item(
                1,
                &AssessmentItemInput {
                    subject: subject.into(),
                    kind: "deduction".into(),
                    points: 1.0,
                    reason: reason.into(),
                },
                10.0,
                "协调办公室",
            )
            .await
            .expect("item");
    }
    common::sign_in_jiangan(&state.store, JIANGAN_SECRET, "csrf").await;
    let jiangan = format!("luoshi_session={JIANGAN_SECRET}");
    let office = common::office_cookie();

    let (status, own) = get(&state, "/plans/1/bulletins/2021", &jiangan).await;
    assert_eq!(status, StatusCode::OK, "{own}");
    assert!(own.contains("江岸区") && own.contains("按时报送"), "{own}");
    assert!(
        !own.contains("江汉区") && !own.contains("报送材料与实际不符"),
        "another district's score and reason stay hidden"
    );
    let (status, all) = get(&state, "/plans/1/bulletins/2021", &office).await;
    assert_eq!(status, StatusCode::OK);
    assert!(all.contains("江汉区") && all.contains("报送材料与实际不符"));

    let (status, items) = get(&state, "/api/plans/1/assessment-items", &jiangan).await;
    assert_eq!(status, StatusCode::OK);
    let items: serde_json::Value = serde_json::from_str(&items).expect("json");
    let subjects: Vec<&str> = items
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|i| i["subject"].as_str())
        .collect();
    assert_eq!(subjects, ["江岸区"]);
    let (_, items) = get(&state, "/api/plans/1/assessment-items", &office).await;
    assert!(items.contains("江汉区") && items.contains("江岸区"));
}

#[tokio::test]
async fn mid_year_the_assessment_is_a_preliminary_on_page_and_document() {
    let (mut state, _dir) = common::wuhan(true).await;
    state.today = luoshi_reporting::Day::parse("2021-06-20");
    let office = common::office_cookie();
    let (status, page) = get(&state, "/plans/1/assessment", &office).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("预评估（截至5月"), "{page}");
    let (status, doc) = get(&state, "/plans/1/bulletins/2021", &office).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    assert!(doc.contains("年度考核预评估（截至5月）"), "{doc}");
    assert!(
        !doc.contains("漏报 12 次"),
        "months not yet closed are not missing"
    );
}
