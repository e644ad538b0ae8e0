//! The review's unit picker and correction forms: names come from the directory, an unknown
//! name is refused with the closest ones (unless added as a new unit), an item stays open while
//! what it flagged is not settled, and spellings, targets and district rows are fixed by form.

mod common;

use axum::http::StatusCode;
use common::*;

const CSRF: &str = OFFICE_CSRF;
/// 二.（三）.1, whose lead unit the document leaves for the review to decide.
const TASK: i64 = 11;

async fn set_units(state: &luoshi_server::AppState, form: &str) -> Answer {
    send(
        state,
        post(
            &format!("/plans/1/review/tasks/{TASK}/units"),
            &office_cookie(),
            &format!("csrf={CSRF}&{form}"),
        ),
    )
    .await
}

async fn open_items(state: &luoshi_server::AppState) -> usize {
    state
        .store
        .review_items(1)
        .await
        .expect("items")
        .iter()
        .filter(|i| i.task_id == Some(TASK) && !i.resolved)
        .count()
}

#[tokio::test]
async fn units_are_picked_from_the_directory() {
    let (state, _dir) = wuhan(false).await;
    let page = send(&state, get("/plans/1/review", &office_cookie())).await;
    assert_eq!(page.status, StatusCode::OK);
    // One type-ahead list over canonical names and aliases; each input uses it.
    assert!(page.body.contains("<datalist id=\"unit-names\">"));
    assert!(
        page.body
            .contains("<option value=\"市发展改革委\"></option>")
    );
    assert!(page.body.contains("<option value=\"市发改委\"></option>"));
    assert!(
        page.body
            .contains("<input name=\"lead\" list=\"unit-names\"")
    );
}

#[tokio::test]
async fn an_unknown_unit_is_refused_with_the_closest_names_until_added_as_new() {
    let (state, _dir) = wuhan(false).await;
    let before = state.store.task(TASK).await.expect("task").row;
    let open = open_items(&state).await;
    assert!(open > 0, "the task has an open item");
    let refused = set_units(
        &state,
        &format!(
            "lead={}&lead=&responsible={}",
            encode("市科技厅"),
            encode("江岸区")
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("「市科技厅」不在名录中，是否为：市科技局"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("data-field=\"lead\""));
    // What was typed is kept, and the way to add it as new is offered.
    assert!(refused.body.contains("value=\"市科技厅\""));
    assert!(
        refused
            .body
            .contains("<input type=\"checkbox\" name=\"new_unit\" value=\"市科技厅\">")
    );
    let unchanged = state.store.task(TASK).await.expect("task").row;
    assert_eq!(
        (unchanged.lead, unchanged.responsible),
        (before.lead, before.responsible)
    );
    assert_eq!(open_items(&state).await, open, "the item stays open");
    // Added explicitly as a new unit, it is taken, and the log says so.
    let added = set_units(
        &state,
        &format!(
            "lead={}&responsible={}&new_unit={}",
            encode("市科技厅"),
            encode("江岸区"),
            encode("市科技厅")
        ),
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert_eq!(
        state.store.task(TASK).await.expect("task").row.lead,
        vec!["市科技厅".to_string()]
    );
    let log = state.store.audit_log(5).await.expect("log");
    let entry = log
        .iter()
        .find(|r| r.action == "set_units")
        .expect("audited");
    assert!(
        entry
            .after
            .as_deref()
            .is_some_and(|a| a.contains("\"new_units\":[\"市科技厅\"]")),
        "{:?}",
        entry.after
    );
}

#[tokio::test]
async fn several_names_in_one_box_and_aliases_are_accepted() {
    let (state, _dir) = wuhan(false).await;
    let saved = set_units(
        &state,
        &format!(
            "lead={}&responsible={}&responsible=",
            encode("市发改委"),
            encode("市财政局、江岸区")
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let row = state.store.task(TASK).await.expect("task").row;
    assert_eq!(row.responsible, vec!["市财政局", "江岸区"]);
    assert_eq!(open_items(&state).await, 0, "settled, the item closes");
}

#[tokio::test]
async fn an_item_stays_open_while_a_name_still_needs_a_decision() {
    let (state, _dir) = wuhan(false).await;
    let vague = set_units(
        &state,
        &format!(
            "lead={}&responsible={}",
            encode("市科技局"),
            encode("各相关区")
        ),
    )
    .await;
    assert_eq!(vague.status, StatusCode::SEE_OTHER, "{}", vague.body);
    assert!(
        open_items(&state).await > 0,
        "各相关区 still needs the districts named"
    );
    set_units(
        &state,
        &format!(
            "lead={}&responsible={}",
            encode("市科技局"),
            encode("江岸区")
        ),
    )
    .await;
    assert_eq!(open_items(&state).await, 0);
}

#[tokio::test]
async fn spellings_are_merged_targets_split_and_district_rows_added_by_form() {
    let (state, _dir) = wuhan(false).await;
    let office = office_cookie();
    // Merge: refused beside the form with what was typed, then done.
    let same = send(
        &state,
        post(
            "/plans/1/review/merge",
            &office,
            &format!("csrf={CSRF}&from={0}&into={0}", encode("市科技局")),
        ),
    )
    .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(same.body.contains("data-field=\"into\""), "{}", same.body);
    assert!(
        same.body
            .contains("name=\"from\" list=\"unit-names\" value=\"市科技局\"")
    );
    let merged = send(
        &state,
        post(
            "/plans/1/review/merge",
            &office,
            &format!(
                "csrf={CSRF}&from={}&into={}",
                encode("市科技局"),
                encode("市经信局")
            ),
        ),
    )
    .await;
    assert_eq!(merged.status, StatusCode::SEE_OTHER, "{}", merged.body);
    // Split: the first task with a target.
    let mut target = None;
    for id in 1..200 {
        if let Ok(task) = state.store.task(id).await
            && let Some(t) = task.targets.first()
        {
            target = Some(t.clone());
            break;
        }
    }
    let target = target.expect("a target");
    let bad = send(
        &state,
        post(
            &format!("/plans/1/review/targets/{}/split", target.id),
            &office,
            &format!("csrf={CSRF}&text=a&value=x&text=b&value=2&text=&value="),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("第 1 部分的目标值「x」不是数字"),
        "{}",
        bad.body
    );
    let split = send(
        &state,
        post(
            &format!("/plans/1/review/targets/{}/split", target.id),
            &office,
            &format!(
                "csrf={CSRF}&text={}&value=1&text={}&value=2&text=&value=",
                encode("前一半"),
                encode("后一半")
            ),
        ),
    )
    .await;
    assert_eq!(split.status, StatusCode::SEE_OTHER, "{}", split.body);
    let parts = state
        .store
        .task(target.task_id)
        .await
        .expect("task")
        .targets;
    assert!(parts.iter().any(|t| t.text == "前一半"));
    assert!(parts.iter().any(|t| t.text == "后一半"));
    // A district row: an empty task refused with what was typed kept, then added.
    let empty = send(
        &state,
        post(
            "/plans/1/review/district-rows",
            &office,
            &format!(
                "csrf={CSRF}&district={}&text=&unit={}",
                encode("江岸区"),
                encode("家")
            ),
        ),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("工作任务不能为空"));
    assert!(empty.body.contains("<option value=\"江岸区\" selected>"));
    let added = send(
        &state,
        post(
            "/plans/1/review/district-rows",
            &office,
            &format!(
                "csrf={CSRF}&district={}&text={}&value=3&unit={}",
                encode("江岸区"),
                encode("新建众创空间"),
                encode("家")
            ),
        ),
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let table = state
        .store
        .district_table(1, "江岸区")
        .await
        .expect("table");
    assert!(
        format!("{table:?}").contains("新建众创空间"),
        "the row is in the district's table"
    );
}

#[tokio::test]
async fn a_name_the_document_misspelt_is_not_taken_by_saving_it_unchanged() {
    let (state, _dir) = wuhan(true).await;
    let text = "武汉市科技成果转化专项行动方案\n一、重点任务\n1. 新建成果转化平台 3 个。（牵头单位：市科技厅；责任单位：江岸区人民政府）\n";
    let uploaded = send(
        &state,
        multipart_named(
            &format!("/plans/import?csrf={CSRF}"),
            &office_cookie(),
            "成果转化.txt",
            text.as_bytes(),
            &[],
        ),
    )
    .await;
    assert_eq!(uploaded.location.as_deref(), Some("/plans/2/review"));
    let task = state
        .store
        .review_items(2)
        .await
        .expect("items")
        .iter()
        .find_map(|i| i.task_id)
        .expect("the misspelt lead is flagged on its task");
    let kept = send(
        &state,
        post(
            &format!("/plans/2/review/tasks/{task}/units"),
            &office_cookie(),
            &format!(
                "csrf={CSRF}&lead={}&responsible={}",
                encode("市科技厅"),
                encode("江岸区人民政府")
            ),
        ),
    )
    .await;
    assert_eq!(
        kept.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        kept.body
    );
    assert!(kept.body.contains("是否为：市科技局"), "{}", kept.body);
    assert!(
        state
            .store
            .review_items(2)
            .await
            .expect("items")
            .iter()
            .any(|i| i.task_id == Some(task) && !i.resolved),
        "the item stays open"
    );
}
