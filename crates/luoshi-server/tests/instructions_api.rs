//! 领导批示 over HTTP: a leader writes on a task for 江岸区's government, which finds it on its own
//! list and answers once; the office records one for a named leader; 圈阅 asks nothing; the
//! month's bulletin states them with their 办理情况.

mod common;

use axum::http::StatusCode;
use common::{app, token};
use luoshi_reporting::{Role, ScoreScope};
use serde_json::{Value, json};

#[tokio::test]
async fn a_leaders_instruction_is_answered_and_reported_in_the_bulletin() {
    let app = app().await;
    let store = &app.state.store;
    let leader = token(store, "张副市长", Role::Leader, None).await;
    let (_, receipts) = app
        .json(&app.jiangan, "GET", "/api/receipts", Value::Null)
        .await;
    let task = receipts[0]["task_id"]
        .as_i64()
        .expect("a task 江岸区 answers for");
    let body = json!({ "subject_kind": "task", "subject_id": task, "kind": "instruction",
                       "text": "请江岸区加快进度。", "unit": "江岸区人民政府", "due_on": "2021-06-30" });

    // Units cannot write; the office must name the leader; a leader signs with its own name.
    let (status, _) = app
        .json(
            &app.jiangan,
            "POST",
            "/api/plans/1/instructions",
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, refused) = app
        .json(
            &app.office,
            "POST",
            "/api/plans/1/instructions",
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "leader");
    let (status, written) = app
        .json(&leader, "POST", "/api/plans/1/instructions", body.clone())
        .await;
    assert_eq!(status, StatusCode::OK, "{written}");
    assert_eq!(written["leader"], "张副市长");
    assert_eq!(written["unit"], "江岸区人民政府");
    assert_eq!(written["written_on"], "2021-06-20");
    let id = written["id"].as_i64().expect("id");
    let mut for_leader = body.clone();
    for_leader["leader"] = json!("李市长");
    for_leader["kind"] = json!("read");
    for_leader["text"] = json!("");
    let (status, read) = app
        .json(&app.office, "POST", "/api/plans/1/instructions", for_leader)
        .await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(
        (read["leader"].as_str(), read["unit"].as_str()),
        (Some("李市长"), None)
    );

    // 江岸区 finds it, answers it once; everyone reads it on the task.
    let (_, mine) = app
        .json(&app.jiangan, "GET", "/api/instructions/mine", Value::Null)
        .await;
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
    let answer = format!("/api/instructions/{id}/answer");
    let (status, empty) = app
        .json(&app.jiangan, "POST", &answer, json!({ "answer": "" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{empty}");
    let (status, answered) = app
        .json(
            &app.jiangan,
            "POST",
            &answer,
            json!({ "answer": "已组织专班推进，6 月底前完成。" }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{answered}");
    assert_eq!(answered["answered_on"], "2021-06-20");
    let (status, _) = app
        .json(&app.jiangan, "POST", &answer, json!({ "answer": "再答" }))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app
        .json(&app.office, "POST", &answer, json!({ "answer": "代答" }))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "the office does not answer for a unit"
    );
    let (_, on_task) = app
        .json(
            &app.jiangan,
            "GET",
            &format!("/api/tasks/{task}/instructions"),
            Value::Null,
        )
        .await;
    assert_eq!(on_task.as_array().map(Vec::len), Some(2), "{on_task}");
    let (status, _) = app
        .json(
            &app.jiangan,
            "GET",
            "/api/plans/1/instructions",
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // June's bulletin states the instruction and its answer, and the reading.
    let (_, doc) =
        luoshi_server::issuing::live_document(&app.state, 1, "2021-06", &ScoreScope::All)
            .await
            .expect("the bulletin");
    let section = doc
        .sections
        .iter()
        .find(|s| s.heading == "领导批示办理情况")
        .expect("the section");
    let text = format!("{:?}", section.blocks);
    assert!(
        text.contains("本月领导批示 1 件、圈阅 1 次，批示已办理 1 件"),
        "{text}"
    );
    assert!(
        text.contains("江岸区人民政府已办理：已组织专班推进，6 月底前完成"),
        "{text}"
    );
}
