//! 签收 / 异议 over HTTP: a district acknowledges and objects to its own assignments; only the
//! office answers an objection, and the office cannot sign for a unit.

mod common;

use axum::http::StatusCode;
use common::app;
use serde_json::{Value, json};

#[tokio::test]
async fn a_district_signs_for_its_assignments_and_objects_over_http() {
    let app = app().await;
    let (status, own) = app
        .json(&app.jiangan, "GET", "/api/receipts", Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK);
    let own = own.as_array().expect("a list").clone();
    assert!(own.len() >= 2, "{own:?}");
    assert!(own.iter().all(|r| r["unit"] == "江岸区人民政府"));
    assert!(own.iter().all(|r| r["state"] == "pending"));
    let ids: Vec<i64> = own
        .iter()
        .filter_map(|r| r["assignment_id"].as_i64())
        .collect();

    let (status, body) = app
        .json(
            &app.jiangan,
            "POST",
            "/api/receipts/acknowledge",
            json!({ "assignments": [ids[0]] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["acknowledged"], 1);
    let (status, body) = app
        .json(
            &app.jiangan,
            "POST",
            "/api/receipts/acknowledge",
            json!({ "assignments": [ids[0]] }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");

    let (status, body) = app
        .json(
            &app.jiangan,
            "POST",
            &format!("/api/receipts/{}/objection", ids[1]),
            json!({ "reason": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "reason", "{body}");
    let (status, body) = app
        .json(
            &app.jiangan,
            "POST",
            &format!("/api/receipts/{}/objection", ids[1]),
            json!({ "reason": "该项由市直部门承担" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "objected");

    // The office sees it and answers; the district may not answer its own objection.
    let (status, _) = app
        .json(
            &app.jiangan,
            "POST",
            &format!("/api/receipts/{}/answer", ids[1]),
            json!({ "answer": "keep", "reply": "维持" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, all) = app
        .json(&app.office, "GET", "/api/plans/1/receipts", Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        all.as_array()
            .expect("list")
            .iter()
            .any(|r| r["state"] == "objected" && r["reason"] == "该项由市直部门承担")
    );
    let (status, body) = app
        .json(
            &app.office,
            "POST",
            &format!("/api/receipts/{}/answer", ids[1]),
            json!({ "answer": "keep", "reply": "方案列明各区承担" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "kept");
    // The office cannot sign for a unit.
    let (status, _) = app
        .json(
            &app.office,
            "POST",
            "/api/receipts/acknowledge",
            json!({ "assignments": [ids[1]] }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
