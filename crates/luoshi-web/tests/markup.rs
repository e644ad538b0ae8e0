//! Every page is well-formed HTML with a title: no tokenizer errors, every element closed in
//! order, a `<title>` in the head.

use axum::body::Body;
use axum::http::Request;
use html5gum::{Token, Tokenizer};
use http_body_util::BodyExt;
use tower::ServiceExt;

mod common;

const VOID: [&str; 8] = ["meta", "link", "input", "br", "img", "hr", "source", "wbr"];

/// Problems with `html`'s markup, empty when it is well-formed.
fn problems(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut title = false;
    let mut in_svg = 0usize;
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_string();
                if name == "title" && in_svg == 0 {
                    title = true;
                }
                if name == "svg" {
                    in_svg += 1;
                }
                if !VOID.contains(&name.as_str()) && !tag.self_closing {
                    open.push(name);
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_string();
                if name == "svg" {
                    in_svg = in_svg.saturating_sub(1);
                }
                match open.pop() {
                    Some(top) if top == name => {}
                    other => out.push(format!("</{name}> closes {other:?}")),
                }
            }
            Token::Error(e) => out.push(format!("tokenizer: {e:?}")),
            _ => {}
        }
    }
    if !open.is_empty() {
        out.push(format!("left open: {open:?}"));
    }
    if !title {
        out.push("no <title>".into());
    }
    out
}

#[tokio::test]
async fn every_page_is_well_formed_with_a_title() {
    let (state, _dir) = common::wuhan(false).await;
    let jiangan = "%E6%B1%9F%E5%B2%B8%E5%8C%BA";
    let unit = "%E5%B8%82%E7%A7%91%E6%8A%80%E5%B1%80";
    let mut pages = vec![
        "/plans/1".to_string(),
        "/plans/1/tasks".into(),
        "/plans/1/districts".into(),
        format!("/plans/1/districts/{jiangan}"),
        format!("/plans/1/units/{unit}"),
        "/plans/1/review".into(),
        "/tasks/999".into(),
    ];
    pages.extend((1..=19).map(|id| format!("/tasks/{id}")));
    for uri in pages {
        let response = luoshi_web::router(state.clone())
            .oneshot(
                Request::builder()
                    .uri(&uri)
                    .header("cookie", common::office_cookie())
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("response");
        let html = String::from_utf8(
            response
                .into_body()
                .collect()
                .await
                .expect("body")
                .to_bytes()
                .to_vec(),
        )
        .expect("utf-8");
        assert!(html.starts_with("<!DOCTYPE html>"), "{uri}");
        let found = problems(&html);
        assert!(found.is_empty(), "{uri}: {found:?}");
    }
}

#[test]
fn the_checker_finds_broken_markup() {
    assert!(
        !problems("<!DOCTYPE html><html><head><title>t</title></head><body><p>x</body></html>")
            .is_empty()
    );
    assert!(!problems("<!DOCTYPE html><html><head></head><body></body></html>").is_empty());
    assert!(problems("<!DOCTYPE html><html><head><title>t</title><meta charset=\"utf-8\"></head><body><p>x<br></p></body></html>").is_empty());
}
