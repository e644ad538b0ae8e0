//! 名录 in the browser: units, aliases, districts and groups edited, found by a partial name,
//! downloaded and uploaded as the TOML `--directory` reads; every save checked, audited and in
//! force for the next resolution.

mod common;

use axum::http::StatusCode;
use common::*;

const CSRF: &str = OFFICE_CSRF;

async fn edit(state: &luoshi_server::AppState, form: &str) -> Answer {
    send(
        state,
        post(
            "/directory/edit",
            &office_cookie(),
            &format!("csrf={CSRF}&{form}"),
        ),
    )
    .await
}

async fn upload(state: &luoshi_server::AppState, text: &str) -> Answer {
    send(
        state,
        multipart_named(
            &format!("/directory/upload?csrf={CSRF}"),
            &office_cookie(),
            "directory.toml",
            text.as_bytes(),
            &[],
        ),
    )
    .await
}

#[tokio::test]
async fn the_directory_is_listed_and_found_by_part_of_a_name() {
    let (state, _dir) = wuhan(true).await;
    let all = send(&state, get("/directory", &office_cookie())).await;
    assert_eq!(all.status, StatusCode::OK);
    assert!(all.body.contains("value=\"市科技局\""));
    assert!(all.body.contains("服务器启动时载入"));
    let found = send(
        &state,
        get(
            &format!("/directory?q={}", encode("发改委")),
            &office_cookie(),
        ),
    )
    .await;
    assert!(
        found.body.contains("value=\"市发展改革委\""),
        "{}",
        found.body
    );
    assert!(!found.body.contains("value=\"市科技局\""));
    assert!(found.body.contains("<h2>单位（1）</h2>"), "{}", found.body);
}

/// The review sets task 11's lead unit to 数据局.
async fn lead_of_task_11_is_data_bureau(state: &luoshi_server::AppState) -> Answer {
    send(
        state,
        post(
            "/plans/1/review/tasks/11/units",
            &office_cookie(),
            &format!("csrf={CSRF}&lead={}", encode("数据局")),
        ),
    )
    .await
}

#[tokio::test]
async fn a_unit_added_in_the_browser_is_known_to_the_next_resolution() {
    let (state, _dir) = wuhan(false).await;
    // Before: the review refuses the name.
    let refused = lead_of_task_11_is_data_bureau(&state).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let added = edit(
        &state,
        &format!(
            "kind=unit&name={}&aliases={}",
            encode("市数据局"),
            encode("数据局、武汉市数据局")
        ),
    )
    .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    assert!(
        added.body.contains("新增单位「市数据局」"),
        "{}",
        added.body
    );
    assert!(added.body.contains("第 1 版"), "a version is kept");
    assert_eq!(
        state
            .directory
            .current()
            .unit("数据局")
            .map(|u| u.name.clone()),
        Some("市数据局".into())
    );
    // The ledger's units know it too (the accounts' unit list reads them).
    assert!(
        state
            .store
            .units(None)
            .await
            .expect("units")
            .iter()
            .any(|u| u.name == "市数据局")
    );
    let accepted = lead_of_task_11_is_data_bureau(&state).await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let log = state.store.audit_log(5).await.expect("log");
    let entry = log
        .iter()
        .find(|r| r.action == "set_directory")
        .expect("audited");
    assert!(
        entry
            .after
            .as_deref()
            .is_some_and(|a| a.contains("新增单位「市数据局」")),
        "{:?}",
        entry.after
    );
}

#[tokio::test]
async fn an_edit_that_breaks_the_directory_is_refused_beside_its_form() {
    let (state, _dir) = wuhan(true).await;
    let taken = edit(
        &state,
        &format!(
            "kind=unit&name={}&aliases={}",
            encode("市数据局"),
            encode("市发改委")
        ),
    )
    .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        taken.body.contains("「市发改委」出现了两次"),
        "{}",
        taken.body
    );
    assert!(taken.body.contains("value=\"市数据局\""), "typed kept");
    assert!(
        state
            .store
            .saved_directory()
            .await
            .expect("saved")
            .is_none()
    );
    // A district a group lists cannot go; renaming keeps the others' names.
    let member = edit(
        &state,
        &format!(
            "kind=group&name={}&members={}",
            encode("试点区"),
            encode("江岸区、江汉区")
        ),
    )
    .await;
    assert_eq!(member.status, StatusCode::OK, "{}", member.body);
    let removed = edit(
        &state,
        &format!(
            "kind=district&previous={0}&name={0}&remove=1",
            encode("江岸区")
        ),
    )
    .await;
    assert_eq!(removed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(removed.body.contains("试点区"), "{}", removed.body);
    // Removing a unit: gone from what resolution reads.
    let gone = edit(
        &state,
        &format!(
            "kind=unit&previous={0}&name={0}&remove=1",
            encode("市科技局")
        ),
    )
    .await;
    assert!(gone.body.contains("删除单位「市科技局」"), "{}", gone.body);
    assert!(state.directory.current().unit("市科技局").is_none());
}

#[tokio::test]
async fn the_toml_goes_out_and_comes_back_as_written() {
    let (state, _dir) = wuhan(true).await;
    let down = send(&state, get("/directory.toml", &office_cookie())).await;
    assert_eq!(down.status, StatusCode::OK);
    let text = down.body.clone();
    assert!(luoshi_directory::Directory::from_toml(&text).is_ok());
    // A mistake names its line, and nothing changes.
    let broken = upload(&state, "[[units]]\nname = 1\n").await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        broken.body.contains("名录文件第 2 行第 8 列格式错误"),
        "{}",
        broken.body
    );
    assert!(
        state
            .store
            .saved_directory()
            .await
            .expect("saved")
            .is_none()
    );
    let not_text = upload(&state, "\u{0}\u{0}").await;
    assert_eq!(not_text.status, StatusCode::UNPROCESSABLE_ENTITY);
    // A file with comments and a new unit: in force, and downloaded again as written.
    let edited = format!("# 本市名录\n{text}\n[[units]]\nname = \"市数据局\"\n");
    let up = upload(&state, &edited).await;
    assert_eq!(up.status, StatusCode::OK, "{}", up.body);
    assert!(up.body.contains("新增单位「市数据局」"));
    assert!(state.directory.current().unit("市数据局").is_some());
    let again = send(&state, get("/directory.toml", &office_cookie())).await;
    assert_eq!(again.body, edited);
    // The same file again changes nothing.
    let same = upload(&state, &edited).await;
    assert!(same.body.contains("名录没有变化"), "{}", same.body);
}
