//! 签收 in the browser: 江岸区 sees its new assignments as 待签收 on 我的任务, signs for ticked
//! ones and then for all, objects to one with a reason; the office sees the counts on 填报情况,
//! answers the objection on 签收情况, and the district reads the answer.

mod common;

use axum::http::StatusCode;
use common::{encode, get, office_cookie, post, send, sign_in_jiangan};
use luoshi_reporting::Day;
use luoshi_store::ReceiptState;

const SECRET: &str = "3333333333333333333333333333333333333333333333333333333333333333";

#[tokio::test]
async fn a_district_signs_objects_and_reads_the_offices_answer() {
    let (mut state, _dir) = common::wuhan(true).await;
    state.today = Day::parse("2021-06-20");
    sign_in_jiangan(&state.store, SECRET, "j").await;
    let cookie = format!("luoshi_session={SECRET}");
    let unit = common::unit_of(&state.store, "jiangan").await;
    let own = state.store.unit_receipts(unit).await.expect("receipts");
    assert!(own.len() >= 3);

    let my = send(&state, get("/my", &cookie)).await;
    assert_eq!(my.status, StatusCode::OK, "{}", my.body);
    assert!(my.body.contains("待签收的任务"), "{}", my.body);
    assert!(my.body.contains(&format!("{} 项待签收", own.len())));

    // Sign for two ticked ones.
    let form = format!(
        "csrf=j&assignment={}&assignment={}",
        own[0].assignment_id, own[1].assignment_id
    );
    let signed = send(&state, post("/my/receipts/acknowledge", &cookie, &form)).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.body);
    assert!(signed.body.contains("已签收 2 项任务。"), "{}", signed.body);

    // A forged box is refused in words, and nothing is signed.
    let forged = send(
        &state,
        post("/my/receipts/acknowledge", &cookie, "csrf=j&assignment=abc"),
    )
    .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(forged.body.contains("所选任务无法识别"));

    // Object to the third: a reason is required.
    let third = own[2].assignment_id;
    let empty = send(
        &state,
        post(
            "/my/receipts/objection",
            &cookie,
            &format!("csrf=j&assignment={third}&reason="),
        ),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("请填写异议理由"), "{}", empty.body);
    let objected = send(
        &state,
        post(
            "/my/receipts/objection",
            &cookie,
            &format!(
                "csrf=j&assignment={third}&reason={}",
                encode("该项由市直部门承担")
            ),
        ),
    )
    .await;
    assert_eq!(objected.status, StatusCode::OK, "{}", objected.body);
    assert!(objected.body.contains("等待协调办公室答复"));
    assert!(objected.body.contains("有异议（待协调办公室处理）"));

    // The rest at once.
    let all = send(
        &state,
        post("/my/receipts/acknowledge", &cookie, "csrf=j&all=1"),
    )
    .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert!(
        all.body
            .contains(&format!("已签收 {} 项任务。", own.len() - 3)),
        "{}",
        all.body
    );

    // The office: counts on 填报情况, the objection on 签收情况, answered.
    let reporting = send(&state, get("/plans/1/reporting", &office_cookie())).await;
    assert!(
        reporting
            .body
            .contains("待处理异议 <strong id=\"objections\">1</strong>"),
        "{}",
        reporting.body
    );
    assert!(reporting.body.contains("/plans/1/receipts"));
    let page = send(&state, get("/plans/1/receipts", &office_cookie())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("该项由市直部门承担"));
    assert!(page.body.contains(&format!("id=\"objection-{third}\"")));
    let no_reply = send(
        &state,
        post(
            &format!("/plans/1/receipts/{third}/answer"),
            &office_cookie(),
            &format!("csrf={}&answer=keep&reply=", common::OFFICE_CSRF),
        ),
    )
    .await;
    assert_eq!(no_reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reply.body.contains("请填写答复"), "{}", no_reply.body);
    let answered = send(
        &state,
        post(
            &format!("/plans/1/receipts/{third}/answer"),
            &office_cookie(),
            &format!(
                "csrf={}&answer=keep&reply={}",
                common::OFFICE_CSRF,
                encode("方案列明由各区承担")
            ),
        ),
    )
    .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert!(
        answered.body.contains("维持分工，待签收"),
        "{}",
        answered.body
    );
    assert_eq!(
        state.store.receipt(third).await.expect("r").state,
        ReceiptState::Kept
    );

    // The district reads the answer and signs.
    let my = send(&state, get("/my", &cookie)).await;
    assert!(my.body.contains("协调办公室答复：方案列明由各区承担"));
    let last = send(
        &state,
        post(
            "/my/receipts/acknowledge",
            &cookie,
            &format!("csrf=j&assignment={third}"),
        ),
    )
    .await;
    assert!(last.body.contains("已签收 1 项任务。"), "{}", last.body);
    let my = send(&state, get("/my", &cookie)).await;
    assert!(!my.body.contains("待签收的任务"), "nothing left to sign");

    // The audit log names each step in words.
    let audit = send(&state, get("/audit", &office_cookie())).await;
    for words in ["签收任务", "对分工提出异议", "答复分工异议"] {
        assert!(audit.body.contains(words), "{words}");
    }
}
