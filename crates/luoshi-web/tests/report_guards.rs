//! Guards on what a reporter submits: an empty report is refused (a month with nothing to report
//! is 本月无进展 with its reason), a value a hundred times its target asks to be confirmed.

mod common;

use axum::http::StatusCode;
use common::*;
use luoshi_reporting::Day;

const SECRET: &str = "2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b";
const CSRF: &str = "jiangan-guards";

fn cookie() -> String {
    format!("luoshi_session={SECRET}")
}

/// 江岸区 signed in on 2021-06-20, and its June report of a task with a numeric target.
async fn jiangan_june() -> (luoshi_server::AppState, tempfile::TempDir, String, i64, f64) {
    let (mut state, dir) = wuhan(true).await;
    sign_in_jiangan(&state.store, SECRET, CSRF).await;
    state.today = Day::parse("2021-06-20");
    let unit = unit_of(&state.store, "jiangan").await;
    let june = state.store.period_by_key(1, "2021-06").await.expect("june");
    let form = state
        .store
        .unit_reports(june.id, unit)
        .await
        .expect("forms")
        .into_iter()
        .find(|f| f.targets.iter().any(|t| t.expected > 0.0))
        .expect("a form with a target");
    let target = form
        .targets
        .iter()
        .find(|t| t.expected > 0.0)
        .expect("target");
    let uri = format!("/reports/{}/{}", june.id, form.assignment_id);
    (state, dir, uri, target.target_id, target.expected)
}

#[tokio::test]
async fn an_empty_report_is_refused_and_no_progress_needs_its_reason() {
    let (state, _dir, uri, _, _) = jiangan_june().await;
    let empty = send(
        &state,
        post(
            &uri,
            &cookie(),
            &format!("csrf={CSRF}&version=0&action=submit"),
        ),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("报告是空的"), "{}", empty.body);
    assert!(
        empty
            .body
            .contains("name=\"progress\" aria-invalid=\"true\"")
    );
    // A draft may be empty.
    let draft = send(
        &state,
        post(
            &uri,
            &cookie(),
            &format!("csrf={CSRF}&version=0&action=save"),
        ),
    )
    .await;
    assert_eq!(draft.status, StatusCode::SEE_OTHER, "{}", draft.body);
    let no_reason = send(
        &state,
        post(
            &uri,
            &cookie(),
            &format!("csrf={CSRF}&version=1&action=submit&no_progress=1&progress="),
        ),
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("须写明原因"), "{}", no_reason.body);
    assert!(
        no_reason
            .body
            .contains("name=\"no_progress\" value=\"1\" checked"),
        "the tick is kept"
    );
    let submitted = send(
        &state,
        post(
            &uri,
            &cookie(),
            &format!(
                "csrf={CSRF}&version=1&action=submit&no_progress=1&progress={}",
                encode("项目等待立项批复")
            ),
        ),
    )
    .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    let (period, assignment) = {
        let mut parts = uri.trim_start_matches("/reports/").split('/');
        let p: i64 = parts.next().and_then(|p| p.parse().ok()).expect("period");
        let a: i64 = parts
            .next()
            .and_then(|a| a.parse().ok())
            .expect("assignment");
        (p, a)
    };
    let stored = state
        .store
        .report(period, assignment)
        .await
        .expect("report");
    assert_eq!(stored.progress, "本月无进展：项目等待立项批复");
}

#[tokio::test]
async fn a_value_far_beyond_its_target_asks_for_confirmation() {
    let (state, _dir, uri, target, expected) = jiangan_june().await;
    let huge = expected * 1e8;
    let form = |extra: &str| {
        format!(
            "csrf={CSRF}&version=0&action=save&value_{target}={huge}&progress={}{extra}",
            encode("已举办")
        )
    };
    let asked = send(&state, post(&uri, &cookie(), &form(""))).await;
    assert_eq!(asked.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        asked.body.contains("请核对是否多填了位数"),
        "{}",
        asked.body
    );
    assert!(
        asked
            .body
            .contains(&format!("name=\"confirm_{target}\" value=\"1\"")),
        "the page offers to confirm"
    );
    let confirmed = send(
        &state,
        post(&uri, &cookie(), &form(&format!("&confirm_{target}=1"))),
    )
    .await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    // A plausible value is taken without asking.
    let normal = send(
        &state,
        post(
            &uri,
            &cookie(),
            &format!(
                "csrf={CSRF}&version=1&action=save&value_{target}={}&progress=x",
                expected * 2.0
            ),
        ),
    )
    .await;
    assert_eq!(normal.status, StatusCode::SEE_OTHER, "{}", normal.body);
}
