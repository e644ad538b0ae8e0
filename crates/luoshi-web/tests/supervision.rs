//! 督办 in the browser: the office confirms a suggested order on 督办, 江岸区 sees it on 我的任务,
//! signs for it and answers with evidence, the office closes it; the order downloads as a .docx
//! in the 公文 frame that LibreOffice prints with its number.

mod common;

use axum::http::StatusCode;
use common::{encode, get, multipart_named, office_cookie, post, send, sign_in_jiangan};
use luoshi_reporting::Day;

const SECRET: &str = "4444444444444444444444444444444444444444444444444444444444444444";

/// The value of the first `name="…" value="…"` after `from` in `html`.
fn field<'a>(html: &'a str, from: usize, name: &str) -> &'a str {
    let key = format!("name=\"{name}\" value=\"");
    let at = html[from..]
        .find(&key)
        .map(|i| from + i + key.len())
        .expect(name);
    &html[at..at + html[at..].find('"').expect("closing quote")]
}

#[tokio::test]
async fn an_order_from_suggestion_to_closing_in_the_browser() {
    let (mut state, _dir) = common::wuhan(true).await;
    state.today = Day::parse("2021-06-20");
    sign_in_jiangan(&state.store, SECRET, "j").await;
    let cookie = format!("luoshi_session={SECRET}");

    let page = send(&state, get("/plans/1/supervision", &office_cookie())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("2021-05 建议督办事项"),
        "last month by default"
    );
    let at = page
        .body
        .find("江岸区人民政府 · ")
        .expect("a suggestion for 江岸区");
    let form = ["subject_kind", "subject_id", "unit", "period_key", "reason"]
        .map(|name| format!("{name}={}", encode(field(&page.body, at, name))))
        .join("&");
    let issued = send(
        &state,
        post(
            "/plans/1/supervision/decide",
            &office_cookie(),
            &format!(
                "csrf={}&{form}&level=yellow&requirement={}&due_on=2021-06-30&action=issue",
                common::OFFICE_CSRF,
                encode("6 月 30 日前补报并说明原因")
            ),
        ),
    )
    .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.body);
    assert!(
        issued
            .body
            .contains("已下达督办〔2021〕第 1 号（黄色督办，江岸区人民政府）"),
        "{}",
        issued.body
    );
    let late = send(
        &state,
        post(
            "/plans/1/supervision/decide",
            &office_cookie(),
            &format!(
                "csrf={}&{form}&level=red&requirement=x&due_on=2021-06-01&action=issue",
                common::OFFICE_CSRF
            ),
        ),
    )
    .await;
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.body.contains("早于今天"), "{}", late.body);
    // The month's bulletin tells of it.
    let bulletin = send(&state, get("/plans/1/bulletins/2021-05", &office_cookie())).await;
    assert_eq!(bulletin.status, StatusCode::OK);
    assert!(bulletin.body.contains("督办情况"), "{}", bulletin.body);
    assert!(
        bulletin
            .body
            .contains("本月下达督办单 1 份（黄色督办 1 份），已办结 0 份"),
        "{}",
        bulletin.body
    );
    // The leaders' dashboard counts the open orders.
    let dashboard = send(
        &state,
        get("/plans/1/dashboard?period=2021-05", &office_cookie()),
    )
    .await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(
        dashboard
            .body
            .contains("<div class=\"n\">1</div><div>未办结督办单</div>"),
        "{}",
        dashboard.body
    );
    let order = state
        .store
        .supervision_orders(1)
        .await
        .expect("orders")
        .remove(0);

    // The district: on 我的任务, signs, answers with evidence.
    let my = send(&state, get("/my", &cookie)).await;
    assert!(my.body.contains("督办〔2021〕第 1 号"), "{}", my.body);
    let page = send(&state, get(&format!("/supervision/{}", order.id), &cookie)).await;
    assert!(page.body.contains("签收督办单"));
    let signed = send(
        &state,
        post(
            &format!("/supervision/{}/sign", order.id),
            &cookie,
            "csrf=j",
        ),
    )
    .await;
    assert!(
        signed.body.contains("已签收督办〔2021〕第 1 号"),
        "{}",
        signed.body
    );
    let answered = send(
        &state,
        multipart_named(
            &format!("/supervision/{}/answer?csrf=j", order.id),
            &cookie,
            "整改台账.pdf",
            b"%PDF-1.4 evidence",
            &[("measures", "已补报 5 月报告，建立周调度")],
        ),
    )
    .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert!(
        answered.body.contains("等待协调办公室复核"),
        "{}",
        answered.body
    );
    assert!(answered.body.contains("整改台账.pdf"));
    let file = send(
        &state,
        get(
            &format!("/supervision/{}/evidence", order.id),
            &office_cookie(),
        ),
    )
    .await;
    assert_eq!(file.bytes, b"%PDF-1.4 evidence");
    // Another district does not see it.
    let stranger = "5555555555555555555555555555555555555555555555555555555555555555";
    common::sign_in(
        &state.store,
        "qingshan",
        luoshi_reporting::Role::DistrictReporter,
        None,
        Some("青山区"),
        stranger,
        "q",
    )
    .await;
    let hidden = send(
        &state,
        get(
            &format!("/supervision/{}", order.id),
            &format!("luoshi_session={stranger}"),
        ),
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    // The office closes it.
    let closed = send(
        &state,
        post(
            &format!("/supervision/{}/review", order.id),
            &office_cookie(),
            &format!("csrf={}&decision=close&comment=", common::OFFICE_CSRF),
        ),
    )
    .await;
    assert!(closed.body.contains("已办结"), "{}", closed.body);

    // The annual assessment deducts for it, under the plan's rules, with the order as evidence.
    let assessment = send(&state, get("/plans/1/assessment", &office_cookie())).await;
    assert!(
        assessment.body.contains("督办〔2021〕第 1 号（黄色督办）"),
        "{}",
        assessment.body
    );
    assert!(assessment.body.contains("按督办规则"));
    // The order as a document: 版头, number, the unit, the answer.
    let docx = send(
        &state,
        get(
            &format!("/supervision/{}/order.docx", order.id),
            &office_cookie(),
        ),
    )
    .await;
    assert_eq!(docx.status, StatusCode::OK);
    let dir = tempfile::tempdir().expect("dir");
    if let Some(pages) = luoshi_testkit::printed_pages(dir.path(), "督办单", &docx.bytes) {
        let text: String = pages.concat().split_whitespace().collect();
        for words in [
            "督办〔2021〕第1号",
            "黄色督办单",
            "江岸区人民政府",
            "已补报5月报告，建立周调度",
            "已办结",
        ] {
            assert!(text.contains(words), "{words}: {text}");
        }
    }
}

#[tokio::test]
async fn the_office_sets_the_plans_supervision_rules_on_the_page() {
    let (state, _dir) = common::wuhan(true).await;
    let form = |yellow: &str, prompt: &str| {
        format!(
            "csrf={}&prompt_after_lagging={prompt}&yellow_after_lagging={yellow}&red_when_serious=1&prompt_after_missed=1&red_after_missed=3&days_prompt=10&days_yellow=7&days_red=5&deduction_prompt=0&deduction_yellow=1.5&deduction_red=2&overdue_deduction=1",
            common::OFFICE_CSRF
        )
    };
    let page = send(&state, get("/plans/1/supervision", &office_cookie())).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "a past plan opens on its last month"
    );
    assert!(page.body.contains("2021-12 建议督办事项"), "{}", page.body);
    assert!(page.body.contains("督办规则（本方案）"));
    let bad = send(
        &state,
        get("/plans/1/supervision?period=2021-13", &office_cookie()),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("不是月份"), "{}", bad.body);
    let not_a_number = send(
        &state,
        post(
            "/plans/1/supervision/rules",
            &office_cookie(),
            &form("两", "1"),
        ),
    )
    .await;
    assert_eq!(not_a_number.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        not_a_number
            .body
            .contains("黄色督办：连续滞后月数「两」应为整数"),
        "{}",
        not_a_number.body
    );
    let upside_down = send(
        &state,
        post(
            "/plans/1/supervision/rules",
            &office_cookie(),
            &form("2", "3"),
        ),
    )
    .await;
    assert_eq!(upside_down.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        upside_down
            .body
            .contains("提示的连续滞后月数不能多于黄色督办的")
    );
    let saved = send(
        &state,
        post(
            "/plans/1/supervision/rules",
            &office_cookie(),
            &form("3", "1"),
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("督办规则已保存。"));
    let rules = state.store.supervision_rules(1).await.expect("rules");
    assert_eq!((rules.yellow_after_lagging, rules.deduction[1]), (3, 1.5));
    assert!(
        saved
            .body
            .contains("name=\"yellow_after_lagging\" value=\"3\"")
    );
}
