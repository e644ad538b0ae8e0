//! 督办单 over HTTP: the month's suggestions, one issued as suggested (and no longer suggested),
//! one dismissed; the district signs for and answers its order, the office sends it back and then
//! closes it; an overdue order escalates once; the plan's rules are refused when they contradict
//! themselves.

mod common;

use axum::http::StatusCode;
use common::app;
use luoshi_reporting::Day;
use serde_json::{Value, json};

#[tokio::test]
async fn suggestions_become_orders_that_are_signed_answered_and_closed() {
    let mut app = app().await;
    let (status, suggested) = app
        .json(
            &app.office,
            "GET",
            "/api/plans/1/supervision/suggestions?period=2021-05",
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{suggested}");
    let suggested = suggested.as_array().expect("a list").clone();
    assert!(
        !suggested.is_empty(),
        "May went unreported: orders are suggested"
    );
    let (status, bad) = app
        .json(
            &app.office,
            "GET",
            "/api/plans/1/supervision/suggestions?period=May",
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    // A district's own share goes to its government, and can be issued as suggested.
    assert!(suggested.iter().all(|s| s["holder"] != "江岸区"));
    let share = suggested
        .iter()
        .find(|s| {
            s["item"].as_str().is_some_and(|i| i.contains("分别"))
                && s["holder"] != "江岸区人民政府"
        })
        .expect("a district's share of a 分别 target is suggested");
    let (status, body) = app
        .json(
            &app.office,
            "POST",
            "/api/plans/1/supervision/orders",
            share["order"].clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let jiangan: Vec<&Value> = suggested
        .iter()
        .filter(|s| s["holder"] == "江岸区人民政府")
        .collect();
    assert!(jiangan.len() >= 2, "{suggested:?}");
    let first = jiangan[0]["order"].clone();
    assert!(
        first["requirement"]
            .as_str()
            .is_some_and(|r| r.contains("整改措施"))
    );

    let (status, order) = app
        .json(
            &app.office,
            "POST",
            "/api/plans/1/supervision/orders",
            first.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(order["number"], 2);
    assert_eq!(order["state"], "issued");
    let id = order["id"].as_i64().expect("id");

    // Dismiss the second; neither is suggested again.
    let second = &jiangan[1]["order"];
    let (status, body) = app
        .json(
            &app.office,
            "POST",
            "/api/plans/1/supervision/dismissals",
            json!({ "period_key": "2021-05", "subject_kind": second["subject_kind"],
                    "subject_id": second["subject_id"], "unit": second["unit"],
                    "level": second["level"], "reason": "已电话督促，暂不发单" }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (_, again) = app
        .json(
            &app.office,
            "GET",
            "/api/plans/1/supervision/suggestions?period=2021-05",
            Value::Null,
        )
        .await;
    let again = again.as_array().expect("a list");
    assert_eq!(again.len(), suggested.len() - 3);
    for gone in [&first, second] {
        assert!(
            !again
                .iter()
                .any(|s| s["order"]["subject_id"] == gone["subject_id"]
                    && s["order"]["subject_kind"] == gone["subject_kind"]
                    && s["holder"] == "江岸区人民政府")
        );
    }

    // The district's own list; sign, answer; the office sends back, then closes.
    let (status, mine) = app
        .json(&app.jiangan, "GET", "/api/supervision/mine", Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
    let (status, early) = app
        .json(
            &app.jiangan,
            "POST",
            &format!("/api/supervision/orders/{id}/answer"),
            json!({ "measures": "已整改" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{early}");
    let (status, signed) = app
        .json(
            &app.jiangan,
            "POST",
            &format!("/api/supervision/orders/{id}/sign"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{signed}");
    assert_eq!(signed["state"], "signed");
    let (status, answered) = app
        .json(
            &app.jiangan,
            "POST",
            &format!("/api/supervision/orders/{id}/answer"),
            json!({ "measures": "已补报 5 月报告，建立周调度" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    let (status, returned) = app
        .json(
            &app.office,
            "POST",
            &format!("/api/supervision/orders/{id}/review"),
            json!({ "close": false, "comment": "" }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{returned}");
    let (status, returned) = app
        .json(
            &app.office,
            "POST",
            &format!("/api/supervision/orders/{id}/review"),
            json!({ "close": false, "comment": "请附周调度记录" }),
        )
        .await;
    assert_eq!(
        (status, returned["state"].clone()),
        (StatusCode::OK, json!("returned"))
    );
    app.json(
        &app.jiangan,
        "POST",
        &format!("/api/supervision/orders/{id}/answer"),
        json!({ "measures": "补充：周调度记录已上传" }),
    )
    .await;
    let (status, closed) = app
        .json(
            &app.office,
            "POST",
            &format!("/api/supervision/orders/{id}/review"),
            json!({ "close": true }),
        )
        .await;
    assert_eq!(
        (status, closed["state"].clone()),
        (StatusCode::OK, json!("closed"))
    );

    // Another order, left unanswered past its deadline, escalates once.
    let mut late = jiangan.get(2).map_or(first.clone(), |s| s["order"].clone());
    late["due_on"] = json!("2021-06-25");
    late["level"] = json!("prompt");
    let (status, late) = app
        .json(&app.office, "POST", "/api/plans/1/supervision/orders", late)
        .await;
    assert_eq!(status, StatusCode::OK, "{late}");
    app.state.today = Day::parse("2021-06-28");
    let (status, escalated) = app
        .json(
            &app.office,
            "POST",
            "/api/plans/1/supervision/escalate",
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{escalated}");
    let new = escalated["orders"].as_array().expect("orders");
    assert_eq!(new.len(), 1);
    assert_eq!(new[0]["level"], "yellow");
    assert_eq!(new[0]["escalated_from"], late["id"]);
    let (_, twice) = app
        .json(
            &app.office,
            "POST",
            "/api/plans/1/supervision/escalate",
            Value::Null,
        )
        .await;
    assert_eq!(twice["orders"].as_array().map(Vec::len), Some(0));

    // Rules: contradictions refused with the field named.
    let (status, body) = app
        .json(
            &app.office,
            "PUT",
            "/api/plans/1/supervision/rules",
            json!({ "prompt_after_lagging": 3, "yellow_after_lagging": 2, "red_when_serious": true,
                    "prompt_after_missed": 1, "red_after_missed": 3, "days_to_answer": [10, 7, 5],
                    "deduction": [0, 1, 2], "overdue_deduction": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "prompt_after_lagging");
}

/// A multipart body of a `measures` field and a `file`.
fn multipart(measures: &str, name: &str, bytes: &[u8]) -> (Vec<u8>, String) {
    let boundary = "luoshi-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"measures\"\r\n\r\n{measures}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (body, format!("multipart/form-data; boundary={boundary}"))
}

#[tokio::test]
async fn an_answer_over_the_api_carries_its_evidence() {
    let app = app().await;
    let store = &app.state.store;
    let (_, receipts) = app
        .json(&app.jiangan, "GET", "/api/receipts", Value::Null)
        .await;
    let task = receipts[0]["task_id"].as_i64().expect("a task");
    let (status, order) = app
        .json(
            &app.office,
            "POST",
            "/api/plans/1/supervision/orders",
            json!({ "level": "prompt", "subject_kind": "task", "subject_id": task,
                    "unit": "江岸区人民政府", "period_key": "2021-05", "reason": "5 月未报送",
                    "requirement": "补报", "due_on": "2021-06-30" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{order}");
    let id = order["id"].as_i64().expect("id");
    let (status, _) = app
        .json(
            &app.jiangan,
            "POST",
            &format!("/api/supervision/orders/{id}/sign"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let uri = format!("/api/supervision/orders/{id}/answer");
    let (fake, kind) = multipart("已补报", "台账.pdf", b"not a pdf at all");
    let (status, body) = app
        .call(&app.jiangan, "POST", &uri, fake.into(), &kind)
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert!(String::from_utf8_lossy(&body).contains("扩展名与内容不符"));
    let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
    let (real, kind) = multipart("已补报 5 月进展", "台账.pdf", pdf);
    let (status, body) = app
        .call(&app.jiangan, "POST", &uri, real.into(), &kind)
        .await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let answered: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(answered["state"], "answered");
    assert_eq!(answered["evidence_name"], "台账.pdf");
    let (_, _, stored) = store.supervision_evidence(id).await.expect("evidence");
    assert_eq!(stored, pdf.to_vec());
}
