//! The 公文 frame set on 印发记录: the office names the issuing body, the 签发人, the 抄送 list
//! and the 印发机关; the documents carry them in their 版头 and 版记; bad values are refused
//! beside the form with what was typed; only the office may change them, and each change is in
//! the audit log.

mod common;

use std::io::Read;

use axum::http::StatusCode;
use common::{OFFICE_CSRF, encode, get, office_cookie, post, send};

fn plan_id() -> i64 {
    1
}

fn form(issuer: &str, signer: &str, copies: &str, printed_by: &str) -> String {
    format!(
        "csrf={OFFICE_CSRF}&issuer={}&signer={}&copies_to={}&printed_by={}",
        encode(issuer),
        encode(signer),
        encode(copies),
        encode(printed_by)
    )
}

fn docx_text(bytes: &[u8], part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a docx");
    let mut xml = String::new();
    archive
        .by_name(part)
        .expect(part)
        .read_to_string(&mut xml)
        .expect("utf-8");
    xml
}

#[tokio::test]
async fn the_office_sets_the_frame_and_the_documents_carry_it() {
    let (state, _dir) = common::wuhan(true).await;
    let plan = plan_id();
    let page = send(
        &state,
        get(&format!("/plans/{plan}/issues"), &office_cookie()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("公文设置（版头、版记）"));
    assert!(
        page.body.contains("value=\"协调办公室\""),
        "the default issuer"
    );

    let saved = send(
        &state,
        post(
            &format!("/plans/{plan}/document-settings"),
            &office_cookie(),
            &form(
                "武汉市科技创新提能工作专班办公室",
                "张三",
                "市委办公厅\n市人大常委会办公厅\n\n市委办公厅",
                "",
            ),
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let settings = state.store.document_settings(plan).await.expect("settings");
    assert_eq!(settings.issuer, "武汉市科技创新提能工作专班办公室");
    assert_eq!(settings.signer.as_deref(), Some("张三"));
    assert_eq!(
        settings.copies_to,
        vec!["市委办公厅".to_string(), "市人大常委会办公厅".to_string()],
        "blank lines and repeats dropped"
    );
    assert_eq!(settings.printer(), "武汉市科技创新提能工作专班办公室");

    let docx = send(
        &state,
        get(
            &format!("/plans/{plan}/bulletins/2021-06?format=docx"),
            &office_cookie(),
        ),
    )
    .await;
    assert_eq!(docx.status, StatusCode::OK);
    let xml = docx_text(&docx.bytes, "word/document.xml");
    let issuer_at = xml
        .find("武汉市科技创新提能工作专班办公室")
        .expect("the 版头 names the issuing body");
    assert!(
        xml[issuer_at.saturating_sub(400)..issuer_at].contains("FF0000"),
        "the 发文机关标志 is red: {}",
        &xml[issuer_at.saturating_sub(400)..issuer_at]
    );
    assert!(xml.contains("签发人：张三"));
    assert!(xml.contains("抄送：市委办公厅，市人大常委会办公厅。"));
    assert!(xml.contains("印发"), "the 版记's 印发 line");
    let core = docx_text(&docx.bytes, "docProps/core.xml");
    assert!(core.contains("<dc:creator>武汉市科技创新提能工作专班办公室</dc:creator>"));

    let html = send(
        &state,
        get(
            &format!("/plans/{plan}/bulletins/2021-06"),
            &office_cookie(),
        ),
    )
    .await;
    assert!(html.body.contains("class=\"masthead\""), "{}", html.body);
    assert!(html.body.contains("抄送：市委办公厅，市人大常委会办公厅。"));

    let audit = state.store.audit_log(50).await.expect("audit");
    assert!(
        audit
            .iter()
            .any(|e| e.action == "set_document_settings" && e.actor.contains("office")),
        "the change is audited"
    );
}

#[tokio::test]
async fn bad_settings_are_refused_beside_the_form_and_only_the_office_may_set_them() {
    let (state, _dir) = common::wuhan(true).await;
    let plan = plan_id();
    let long = "很".repeat(41);
    let refused = send(
        &state,
        post(
            &format!("/plans/{plan}/document-settings"),
            &office_cookie(),
            &form(&long, "", "市委办公厅", ""),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("发文机关不能超过 40 个字"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(&long), "what was typed is kept");
    let empty = send(
        &state,
        post(
            &format!("/plans/{plan}/document-settings"),
            &office_cookie(),
            &form("  ", "", "", ""),
        ),
    )
    .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("请填写发文机关"));
    assert_eq!(
        state
            .store
            .document_settings(plan)
            .await
            .expect("settings")
            .issuer,
        "协调办公室",
        "nothing stored"
    );

    const SECRET: &str = "1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e";
    common::sign_in_jiangan(&state.store, SECRET, "j-csrf").await;
    let district = format!("luoshi_session={SECRET}");
    let denied = send(
        &state,
        post(
            &format!("/plans/{plan}/document-settings"),
            &district,
            &format!("csrf=j-csrf&issuer={}", encode("某区")),
        ),
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let page = send(&state, get(&format!("/plans/{plan}/issues"), &district)).await;
    assert!(!page.body.contains("公文设置"), "the form is the office's");
}

#[tokio::test]
async fn an_issued_copy_carries_the_offices_foreword() {
    let (state, _dir) = common::wuhan(true).await;
    let long = "很".repeat(1001);
    let refused = send(
        &state,
        post(
            "/plans/1/issues",
            &office_cookie(),
            &format!(
                "csrf={OFFICE_CSRF}&period=2021-05&foreword={}",
                encode(&long)
            ),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("按语不能超过 1000 个字"),
        "{}",
        refused.body
    );
    assert!(
        state.store.issues(1).await.expect("issues").is_empty(),
        "nothing issued"
    );

    let issued = send(
        &state,
        post(
            "/plans/1/issues",
            &office_cookie(),
            &format!(
                "csrf={OFFICE_CSRF}&period=2021-05&foreword={}",
                encode("5月份各单位报送及时，请各区对照滞后事项抓紧整改。")
            ),
        ),
    )
    .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.body);
    let page = send(&state, get("/plans/1/bulletins/2021-05", &office_cookie())).await;
    assert!(
        page.body.contains(
            "<p class=\"foreword\">按：5月份各单位报送及时，请各区对照滞后事项抓紧整改。</p>"
        ),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("印发后台账数字没有变化"),
        "the 按语 is not a figure that changed"
    );
}
