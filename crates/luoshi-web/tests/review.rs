//! The draft review in the browser's terms: forms with a CSRF token, errors next to the field,
//! fix a review item, publish.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use luoshi_server::AppState;

mod common;

use common::{encode, post, send};

async fn draft() -> (AppState, tempfile::TempDir) {
    common::wuhan(false).await
}

#[tokio::test]
async fn fix_a_review_item_and_publish() {
    let (state, _dir) = draft().await;
    let page = send(
        &state,
        Request::builder()
            .uri("/plans/1/review")
            .header(header::COOKIE, common::office_cookie())
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    // Forms carry the session's CSRF token.
    let token = common::OFFICE_CSRF;
    assert!(
        page.body
            .contains(&format!("name=\"csrf\" value=\"{token}\""))
    );
    assert!(page.body.contains("二.（三）.1"));
    let cookie = common::office_cookie();

    // Without the token, nothing happens.
    let forged = send(
        &state,
        post(
            "/plans/1/review/tasks/11/units",
            &cookie,
            &format!("csrf=forged&lead={}", encode("市科技局")),
        ),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // An empty lead is refused next to the form.
    let empty = send(
        &state,
        post(
            "/plans/1/review/tasks/11/units",
            &cookie,
            &format!("csrf={token}&lead=&responsible={}", encode("各区人民政府")),
        ),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        empty.body.contains("data-field=\"lead\"") && empty.body.contains("至少需要一个牵头单位"),
        "{}",
        empty.body
    );

    let saved = send(
        &state,
        post(
            "/plans/1/review/tasks/11/units",
            &cookie,
            &format!(
                "csrf={token}&lead={}&responsible={}",
                encode("市科技局"),
                encode("各区人民政府")
            ),
        ),
    )
    .await;
    assert_eq!(
        (saved.status, saved.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/plans/1/review"))
    );
    let after = send(
        &state,
        Request::builder()
            .uri("/plans/1/review")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert!(
        !after.body.contains("二.（三）.1（第"),
        "the item is closed"
    );

    let published = send(
        &state,
        post("/plans/1/review/publish", &cookie, &format!("csrf={token}")),
    )
    .await;
    assert_eq!(
        (published.status, published.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/plans/1"))
    );
    assert_eq!(state.store.plan(1).await.expect("plan").status, "published");
    let again = send(
        &state,
        post("/plans/1/review/publish", &cookie, &format!("csrf={token}")),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("已经发布"));
}

#[tokio::test]
async fn resolving_needs_words() {
    let (state, _dir) = draft().await;
    let page = send(
        &state,
        Request::builder()
            .uri("/plans/1/review")
            .header(header::COOKIE, common::office_cookie())
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let token = common::OFFICE_CSRF;
    let cookie = common::office_cookie();
    let blank = send(
        &state,
        post(
            "/plans/1/review/items/2/resolve",
            &cookie,
            &format!("csrf={token}&resolution="),
        ),
    )
    .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.body.contains("请写明处理结果"));
    let done = send(
        &state,
        post(
            "/plans/1/review/items/2/resolve",
            &cookie,
            &format!("csrf={token}&resolution={}", encode("已与依托单位确认")),
        ),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
}

fn page(uri: &str) -> Request<Body> {
    Request::builder()
        .uri(uri)
        .header(header::COOKIE, common::office_cookie())
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn publishing_in_june_reports_from_june_and_amendments_take_effect_later() {
    let (mut state, _dir) = draft().await;
    state.today = luoshi_reporting::Day::parse("2021-06-10");
    let token = common::OFFICE_CSRF;
    let cookie = common::office_cookie();
    let review = send(&state, page("/plans/1/review")).await;
    assert!(
        review
            .body
            .contains("<option value=\"6\" selected>6 月（发布当月）</option>"),
        "the month of publication is offered: {}",
        review.body
    );
    let bad = send(
        &state,
        post(
            "/plans/1/review/publish",
            &cookie,
            &format!("csrf={token}&reporting_start=13"),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("填报起始月份须在 1—12 月之间"),
        "{}",
        bad.body
    );
    let published = send(
        &state,
        post(
            "/plans/1/review/publish",
            &cookie,
            &format!("csrf={token}&reporting_start=6"),
        ),
    )
    .await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let overview = send(&state, page("/plans/1")).await;
    assert!(overview.body.contains("自 6 月起填报"), "{}", overview.body);

    // Nothing is reported yet: the dashboard does not promise the year.
    let dashboard = send(&state, page("/plans/1/dashboard?period=2021-06")).await;
    assert!(
        dashboard.body.contains("项指标本月未报送")
            && !dashboard.body.contains("各项指标年底均可完成"),
        "{}",
        dashboard.body
    );
    let may = send(&state, page("/plans/1/dashboard?period=2021-05")).await;
    assert!(
        may.body.contains("本月没有应报送的量化指标"),
        "{}",
        may.body
    );

    // An amendment offers June onwards, refuses May, and is listed with its month.
    let review = send(&state, page("/plans/1/review")).await;
    assert!(
        review.body.contains("name=\"effective_month\"")
            && review.body.contains("<option value=\"6\">6 月</option>")
            && !review.body.contains("<option value=\"5\">5 月</option>"),
        "{}",
        review.body
    );
    let units = |month: u32| {
        format!(
            "csrf={token}&lead={}&responsible={}&reason={}&effective_month={month}",
            encode("市科技局"),
            encode("各区人民政府"),
            encode("明确牵头单位")
        )
    };
    let back_dated = send(
        &state,
        post("/plans/1/review/tasks/11/units", &cookie, &units(5)),
    )
    .await;
    assert_eq!(back_dated.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        back_dated.body.contains("data-field=\"effective_month\"")
            && back_dated.body.contains("修订不改变已过去的月份"),
        "{}",
        back_dated.body
    );
    let amended = send(
        &state,
        post("/plans/1/review/tasks/11/units", &cookie, &units(7)),
    )
    .await;
    assert_eq!(amended.status, StatusCode::SEE_OTHER);
    let overview = send(&state, page("/plans/1")).await;
    assert!(
        overview.body.contains("修订记录")
            && overview.body.contains("明确牵头单位")
            && overview.body.contains("7 月起"),
        "{}",
        overview.body
    );
}

#[tokio::test]
async fn the_office_deletes_a_draft_from_the_plan_list_but_never_a_published_plan() {
    let (state, _dir) = draft().await;
    let token = common::OFFICE_CSRF;
    let cookie = common::office_cookie();
    let list = send(&state, page("/")).await;
    assert!(
        list.body.contains("action=\"/plans/1/delete\"")
            && list.body.contains("草稿（待核对后发布）"),
        "{}",
        list.body
    );
    let forged = send(&state, post("/plans/1/delete", &cookie, "csrf=forged")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let deleted = send(
        &state,
        post("/plans/1/delete", &cookie, &format!("csrf={token}")),
    )
    .await;
    assert_eq!(
        (deleted.status, deleted.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/"))
    );
    assert!(state.store.plans().await.expect("plans").is_empty());
    let log = state.store.audit_log(5).await.expect("log");
    assert!(log.iter().any(|r| r.action == "delete_plan"));
    assert!(state.store.verify_audit().await.expect("verify").is_ok());
    let list = send(&state, page("/")).await;
    assert!(list.body.contains("台账中还没有方案"), "{}", list.body);

    let (published, _dir) = common::wuhan(true).await;
    let refused = send(
        &published,
        post("/plans/1/delete", &cookie, &format!("csrf={token}")),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.body.contains("已发布的方案不能删除"),
        "{}",
        refused.body
    );
    assert_eq!(published.store.plans().await.expect("plans").len(), 1);
}
