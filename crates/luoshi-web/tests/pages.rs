//! The pages over a ledger holding the published Wuhan plan.

use std::io::Cursor;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use calamine::{Data, Reader, Xlsx};
use http_body_util::BodyExt;
use luoshi_server::AppState;
use tower::ServiceExt;

mod common;

use common::encode;

async fn state() -> (AppState, tempfile::TempDir) {
    common::wuhan(true).await
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, Vec<u8>, String) {
    let response = luoshi_web::router(state.clone())
        .oneshot(
            Request::builder()
                .uri(uri)
                .header("cookie", common::office_cookie())
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = response.status();
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes()
        .to_vec();
    (status, bytes, kind)
}

async fn page(state: &AppState, uri: &str) -> String {
    let (status, bytes, kind) = get(state, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}");
    assert!(kind.starts_with("text/html"), "{uri}: {kind}");
    String::from_utf8(bytes).expect("utf-8")
}

#[tokio::test]
async fn overview_lists_indicators_sections_leads_and_review_items() {
    let (state, _dir) = state().await;
    // `/` lists the plans, each linking to its overview.
    let list = page(&state, "/").await;
    assert!(
        list.contains("<a href=\"/plans/1\">武汉市大力推进科技创新提能工作实施方案</a>")
            && list.contains("武政办〔2021〕26号"),
        "{list}"
    );
    let html = page(&state, "/plans/1").await;
    assert!(html.contains("<title>武汉市大力推进科技创新提能工作实施方案 · 落实</title>"));
    assert!(html.contains("武政办〔2021〕26号"));
    assert!(html.contains("技术合同成交额") && html.contains("1000亿元"));
    assert!(html.contains("建设东湖科学城，打造创新之核"));
    assert!(html.contains("市科技局"));
    assert!(html.contains("待核对事项（5 项未处理）"));
    let (status, css, kind) = get(&state, "/static/luoshi.css").await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::OK, "text/css; charset=utf-8")
    );
    assert!(String::from_utf8_lossy(&css).contains("@media print"));
}

#[tokio::test]
async fn every_task_is_two_clicks_from_the_overview() {
    let (state, _dir) = state().await;
    let html = page(&state, "/plans/1/tasks").await;
    assert!(html.contains("共 19 项"));
    for id in 1..=19 {
        assert!(
            html.contains(&format!("href=\"/tasks/{id}\"")),
            "task {id} linked from the list"
        );
    }
    let filtered = page(
        &state,
        &format!(
            "/plans/1/tasks?unit={}&section={}",
            encode("市科技局"),
            encode("二.（三）")
        ),
    )
    .await;
    assert!(filtered.contains("共 4 项"), "{filtered}");
    // Typed in part, or with half-width brackets, the filters find the same tasks.
    let typed_loosely = page(
        &state,
        &format!(
            "/plans/1/tasks?unit={}&section={}",
            encode("科技局"),
            encode("二.(三)")
        ),
    )
    .await;
    assert!(typed_loosely.contains("共 4 项"), "{typed_loosely}");
    let full = page(
        &state,
        &format!("/plans/1/tasks?unit={}", encode("市发展改革委")),
    )
    .await;
    let abbreviated = page(&state, &format!("/plans/1/tasks?unit={}", encode("发改委"))).await;
    let count = |html: &str| {
        html.split("共 ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .map(str::to_string)
    };
    assert_eq!(count(&abbreviated), count(&full));
    assert_ne!(count(&full).as_deref(), Some("0"));
    let unknown = page(
        &state,
        &format!("/plans/1/tasks?district={}", encode("火星区")),
    )
    .await;
    assert!(unknown.contains("「火星区」不是名录中的区"));
    let leads = page(
        &state,
        &format!("/plans/1/tasks?unit={}&role=lead", encode("市科技局")),
    )
    .await;
    assert!(leads.contains("共 9 项"), "lead role");
    let aspirational = page(&state, "/plans/1/tasks?aspirational=1").await;
    assert!(
        aspirational.contains("共 5 项"),
        "tasks with 力争/争取 targets"
    );
    let with_targets = page(&state, "/plans/1/tasks?has_target=1").await;
    assert!(
        with_targets.contains("共 10 项"),
        "tasks with numeric targets"
    );
    let task = page(&state, "/tasks/12").await;
    assert!(
        task.contains("<mark class=\"target\">各区分别举办对接活动 5 场以上</mark>"),
        "targets highlighted in the text"
    );
    assert!(
        task.contains(
            "<mark class=\"annotation\">牵头单位：市科技局；责任单位：各区人民政府</mark>"
        )
    );
    let (status, bytes, _) = get(&state, "/tasks/999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&bytes).contains("出错了"));
}

#[tokio::test]
async fn district_table_page_and_its_xlsx_have_the_same_rows() {
    let (state, _dir) = state().await;
    let index = page(&state, "/plans/1/districts").await;
    assert!(index.contains("中心城区") && index.contains("三大国家级开发区"));
    let html = page(&state, &format!("/plans/1/districts/{}", encode("江岸区"))).await;
    assert!(html.contains("江岸区 年度任务表（一区一表）"));
    assert!(html.contains("汉口文创谷、岱家山知识产权创业小镇"));
    assert!(html.contains("各区分别举办对接活动 5 场以上（本区 5场）"));
    // A city target without a share is never shown as the district's own number; a count of
    // what already exists is context.
    assert!(
        html.contains("新增高新技术企业 2000 家（全市目标，未分解）"),
        "{html}"
    );
    // The printed table's rows (the status table above it is the page's own).
    let printed = html
        .split("<table class=\"print\">")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .expect("the printed table");
    let page_rows = printed.matches("<tr><td>").count();
    let (status, bytes, kind) = get(
        &state,
        &format!("/plans/1/districts/{}/table.xlsx", encode("江岸区")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.contains("spreadsheetml"));
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("xlsx opens");
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).expect("sheet");
    assert_eq!(
        range.height() - 2,
        page_rows,
        "title and header, then the same rows as the page"
    );
    assert!(matches!(range.get_value((1, 2)), Some(Data::String(s)) if s == "年度目标"));
    let (status, _, _) = get(&state, &format!("/plans/1/districts/{}", encode("火星区"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn unit_page_and_charts() {
    let (state, _dir) = state().await;
    let html = page(&state, &format!("/plans/1/units/{}", encode("市发改委"))).await;
    assert!(
        html.contains("<h1>市发展改革委</h1>"),
        "aliases reach the canonical unit"
    );
    assert!(html.contains("牵头任务（3 项）"), "{html}");
    assert!(html.contains("江岸区"), "districts it works with");
    let (status, _, _) = get(&state, &format!("/plans/1/units/{}", encode("不存在的局"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let overview = page(&state, "/plans/1").await;
    assert_eq!(overview.matches("<svg class=\"chart\"").count(), 3);
    assert!(overview.contains("各区承担任务数"));
    assert!(overview.contains("各部分量化目标数"));
}

#[tokio::test]
async fn a_count_of_what_exists_is_shown_as_context_on_its_task() {
    let (state, _dir) = state().await;
    let mut found = false;
    for id in 1..=60 {
        let (status, body, _) = get(&state, &format!("/tasks/{id}")).await;
        let html = String::from_utf8_lossy(&body);
        if status == StatusCode::OK && html.contains("推动 28 家国家重点实验室优化调整")
        {
            assert!(html.contains("现有数量，不评价"), "{html}");
            found = true;
        }
    }
    assert!(found, "the task with the count is in the plan");
}
