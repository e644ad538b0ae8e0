//! 印发: the office issues May's bulletin; from then on every download is the issued copy, byte
//! for byte, while a late report changes the ledger and the page lists what changed; issuing
//! again is a correction that needs a reason and names the issue it corrects.

mod common;

use axum::http::StatusCode;
use common::{encode, get, post, send};
use luoshi_reporting::Day;
use luoshi_reporting::report::ReportAction;
use luoshi_store::{IssuedFile, ReportInput, ValueInput};

#[tokio::test]
async fn an_issued_bulletin_never_changes_and_says_what_changed_since() {
    let (mut state, _dir) = common::wuhan(true).await;
    state.today = Day::parse("2021-06-10");
    let office = common::office_cookie();
    let csrf = common::OFFICE_CSRF;

    let list = send(&state, get("/plans/1/issues", &office)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("2021年5月") && list.body.contains("未印发"),
        "{}",
        list.body
    );
    // June is still open: not yet.
    let early = send(
        &state,
        post(
            "/plans/1/issues",
            &office,
            &format!("csrf={csrf}&period=2021-06"),
        ),
    )
    .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("填报尚未截止"), "{}", early.body);

    let before = send(&state, get("/plans/1/bulletins/2021-05", &office)).await;
    assert!(before.body.contains("未印发"), "{}", before.body);
    let issued = send(
        &state,
        post(
            "/plans/1/issues",
            &office,
            &format!("csrf={csrf}&period=2021-05"),
        ),
    )
    .await;
    assert_eq!(
        (issued.status, issued.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/plans/1/bulletins/2021-05"))
    );
    let page = send(&state, get("/plans/1/bulletins/2021-05", &office)).await;
    assert!(
        page.body.contains("已于 2021-06-10 印发（第 1 期）")
            && page
                .body
                .contains("<p class=\"number\"><span>第 1 期</span></p>")
            && page.body.contains("印发后台账数字没有变化"),
        "{}",
        page.body
    );
    let issue = state
        .store
        .issues_of(1, "2021-05")
        .await
        .expect("issues")
        .pop()
        .expect("issued");
    let stored = state
        .store
        .issued_file(issue.id, IssuedFile::Docx)
        .await
        .expect("docx");
    let docx = send(
        &state,
        get("/plans/1/bulletins/2021-05?format=docx", &office),
    )
    .await;
    assert_eq!(docx.bytes, stored, "the download is the issued copy");

    // A late report for May changes the ledger, not the issued copy.
    let may = state.store.period_by_key(1, "2021-05").await.expect("may");
    state
        .store
        .reopen_period(
            may.id,
            Some(Day::parse("2021-06-30").expect("day")),
            "协调办公室",
        )
        .await
        .expect("reopen");
    let lead = state
        .store
        .assignments(1, Some("市科技局"), None)
        .await
        .expect("assignments")
        .into_iter()
        .find(|a| a.role == "lead")
        .expect("a task 市科技局 leads");
    let form = state.store.report(may.id, lead.id).await.expect("form");
    let values = form
        .targets
        .iter()
        .map(|t| ValueInput {
            target_id: t.target_id,
            value: 1.0,
            note: None,
            confirmed: false,
        })
        .collect();
    state
        .store
        .save_report(
            may.id,
            lead.id,
            &ReportInput {
                progress: "补报五月进展".into(),
                values,
                version: 0,
                ..Default::default()
            },
            ReportAction::Submit,
            Day::parse("2021-06-10").expect("day"),
            "市科技局-张三",
        )
        .await
        .expect("late report");
    let page = send(&state, get("/plans/1/bulletins/2021-05", &office)).await;
    assert!(
        page.body.contains("印发后台账数字有变化") && page.body.contains("印发时："),
        "{}",
        page.body
    );
    let again = send(
        &state,
        get("/plans/1/bulletins/2021-05?format=docx", &office),
    )
    .await;
    assert_eq!(again.bytes, stored, "still the issued copy");
    let xlsx = send(
        &state,
        get("/plans/1/bulletins/2021-05?format=xlsx", &office),
    )
    .await;
    assert_eq!(
        xlsx.bytes,
        state
            .store
            .issued_file(issue.id, IssuedFile::Xlsx)
            .await
            .expect("xlsx")
    );

    // Issuing again is a correction: a reason, a new number naming the one corrected.
    let no_reason = send(
        &state,
        post(
            "/plans/1/issues",
            &office,
            &format!("csrf={csrf}&period=2021-05"),
        ),
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        no_reason.body.contains("须写明更正理由"),
        "{}",
        no_reason.body
    );
    let corrected = send(
        &state,
        post(
            "/plans/1/issues",
            &office,
            &format!("csrf={csrf}&period=2021-05&reason={}", encode("补报后更正")),
        ),
    )
    .await;
    assert_eq!(corrected.status, StatusCode::SEE_OTHER);
    let page = send(&state, get("/plans/1/bulletins/2021-05", &office)).await;
    assert!(
        page.body.contains("第 2 期（更正第 1 期）")
            && page.body.contains("更正此前一期：补报后更正")
            && page.body.contains("印发后台账数字没有变化"),
        "{}",
        page.body
    );
    let list = send(&state, get("/plans/1/issues", &office)).await;
    assert!(
        list.body.contains("第 2 期，2021-06-10 由"),
        "{}",
        list.body
    );
    let log = state.store.audit_log(20).await.expect("log");
    let record = log.iter().find(|r| r.action == "issue").expect("logged");
    assert!(
        record
            .after
            .as_deref()
            .is_some_and(|a| a.contains(&issue.sha256) || a.contains("\"number\":2")),
        "{record:?}"
    );
    assert!(state.store.verify_audit().await.expect("verify").is_ok());
}
