//! A 若干措施 plan in the ledger: its subsidies and awards are listed on the task page and in the
//! plan's 政策支持 sheet, never as targets; a note's `以下均需…落实` makes its units responsible
//! for the later tasks.

mod common;

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use common::{get, office_cookie, send};
use luoshi_directory::Directory;
use luoshi_server::AppState;
use luoshi_store::TaskFilter;

const PLAN: &str = "某区支持人工智能企业发展若干措施\n一、支持企业成长\n1. 培育创新企业。全区新增人工智能企业50家以上；对首次认定的高新技术企业，给予最高30万元奖励。（牵头单位：区科技局；责任单位：区财政局。以下均需各街道办事处落实，不再一一列出）\n2. 提供人才安居。为来区创业青年提供7天免费住宿，最长6个月。（区人社局负责）";

async fn ledger() -> (AppState, i64, tempfile::TempDir) {
    common::ledger_with(PLAN, Directory::default(), false).await
}

async fn tasks_of(state: &AppState, plan: i64) -> Vec<luoshi_store::TaskRow> {
    state
        .store
        .tasks(plan, &TaskFilter::default(), 0, 10)
        .await
        .expect("tasks")
        .items
}

#[tokio::test]
async fn support_is_listed_on_the_task_page_and_never_as_a_target() {
    let (state, plan, _dir) = ledger().await;
    let tasks = tasks_of(&state, plan).await;
    assert_eq!(tasks.len(), 2);
    let first = state.store.task(tasks[0].id).await.expect("task");
    let targets: Vec<f64> = first.targets.iter().map(|t| t.value).collect();
    assert_eq!(targets, vec![50.0], "the award is not a target");
    assert_eq!(first.support.len(), 1);
    assert_eq!(
        (
            first.support[0].kind.as_str(),
            first.support[0].qualifier.as_str()
        ),
        ("funding", "at_most")
    );

    let page = send(
        &state,
        get(&format!("/tasks/{}", tasks[0].id), &office_cookie()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let support = page
        .body
        .split("<section id=\"support\">")
        .nth(1)
        .expect("a 政策支持 section");
    assert!(support.contains("政策支持"));
    assert!(support.contains("资金"), "{support}");
    assert!(support.contains("最高30万元"), "{support}");
    assert!(
        support.contains("对首次认定的高新技术企业"),
        "what it is given for"
    );
    assert!(!support.contains("funding") && !support.contains("at_most"));

    let second = send(
        &state,
        get(&format!("/tasks/{}", tasks[1].id), &office_cookie()),
    )
    .await;
    assert!(second.body.contains("7天"), "{}", second.body);
    assert!(second.body.contains("最高6个月"));
    assert!(second.body.contains("本任务没有量化目标"));
}

#[tokio::test]
async fn the_plan_support_sheet_lists_every_measure() {
    let (state, plan, _dir) = ledger().await;
    let answer = send(
        &state,
        get(&format!("/plans/{plan}/support.xlsx"), &office_cookie()),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(answer.bytes)).expect("an xlsx");
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).expect("sheet");
    // `7天` is stored as the number 7 shown with its unit; `最高30万元` stays words.
    let text = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}（数值）"),
        _ => String::new(),
    };
    let rows: Vec<(String, String, String)> = (2..range.height() as u32)
        .map(|r| (text(r, 0), text(r, 2), text(r, 3)))
        .collect();
    let row = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
    assert_eq!(
        rows,
        vec![
            row("一.1", "资金", "最高30万元"),
            row("一.2", "期限", "7（数值）"),
            row("一.2", "期限", "最高6个月"),
        ]
    );
    assert_eq!(
        send(&state, get("/plans/999/support.xlsx", &office_cookie()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn units_named_for_every_later_task_are_responsible_there() {
    let (state, plan, _dir) = ledger().await;
    let tasks = tasks_of(&state, plan).await;
    assert_eq!(tasks[0].responsible, vec!["区财政局".to_string()]);
    assert_eq!(
        tasks[1].responsible,
        vec!["区人社局".to_string(), "各街道办事处".to_string()],
        "以下均需各街道办事处落实 reaches the next task"
    );
    assert!(tasks[1].lead.is_empty(), "负责 names no lead");
}

/// `（A、B负责）` names no lead: before publishing, the 核对 page says which tasks' targets
/// would have nobody to report them.
#[tokio::test]
async fn the_review_page_warns_of_targets_without_a_lead_before_publishing() {
    let plan = "某市工作方案\n一、重点任务\n1. 培育企业。新增企业10家。（市科技局、市财政局负责）\n2. 建设平台。新建平台2个。（牵头单位：市发改委）";
    let (state, id, _dir) = common::ledger_with(plan, Directory::default(), false).await;
    let page = send(
        &state,
        get(&format!("/plans/{id}/review"), &office_cookie()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let warning = page
        .body
        .split("role=\"alert\">")
        .find(|p| p.starts_with("有 1 项任务列有量化目标但方案未明确牵头单位"))
        .expect("the warning");
    assert!(warning.contains("（一.1）"), "{warning}");
    assert!(!warning.contains("一.2"), "{warning}");
}
