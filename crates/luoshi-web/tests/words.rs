//! What people read on the pages is in the offices' words: no internal code (`at_least`,
//! `on_plan`, `district_government`) and no UTC timestamp (`2021-06-20T06:30:00Z`) in any text a
//! page shows, for the office and for a district, with reports, reminders and accounts about.

mod common;

use axum::http::StatusCode;
use common::*;
use html5gum::{Token, Tokenizer};
use luoshi_reporting::Day;

const SECRET: &str = "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c";
const CSRF: &str = "jiangan-words";

/// Codes the store and the rules use that must never reach a reader.
const CODES: [&str; 14] = [
    "at_least",
    "at_most",
    "more_than",
    "on_plan",
    "existing_count",
    "district_government",
    "unit_reporter",
    "lead_reviewer",
    "submitted",
    "accepted",
    "returned",
    "responsible",
    "aspirational",
    "null",
];

/// The text a reader sees: text nodes outside `<style>` and `<script>`.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut hidden = 0usize;
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) if matches!(&tag.name[..], b"style" | b"script") => hidden += 1,
            Token::EndTag(tag) if matches!(&tag.name[..], b"style" | b"script") => {
                hidden = hidden.saturating_sub(1)
            }
            Token::String(text) if hidden == 0 => {
                out.push_str(&String::from_utf8_lossy(&text));
                out.push(' ');
            }
            _ => {}
        }
    }
    out
}

/// `2021-06-20T06:30` anywhere in `text`.
fn has_utc_timestamp(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(16).any(|w| {
        let digit = |i: usize| w[i].is_ascii_digit();
        (0..4).all(digit)
            && w[4] == '-'
            && digit(5)
            && digit(6)
            && w[7] == '-'
            && digit(8)
            && digit(9)
            && w[10] == 'T'
            && digit(11)
            && digit(12)
            && w[13] == ':'
    })
}

fn problems(text: &str) -> Vec<String> {
    let mut out: Vec<String> = CODES
        .iter()
        .filter(|code| {
            text.match_indices(*code).any(|(i, _)| {
                // A whole word: not part of a longer identifier or an address.
                let before = text[..i].chars().next_back();
                let after = text[i + code.len()..].chars().next();
                let part = |c: Option<char>| {
                    c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '/')
                };
                !part(before) && !part(after)
            })
        })
        .map(|c| format!("code {c}"))
        .collect();
    if has_utc_timestamp(text) {
        out.push("a UTC timestamp".into());
    }
    out
}

#[tokio::test]
async fn pages_speak_the_offices_words_and_beijing_time() {
    let (mut state, _dir) = wuhan(true).await;
    sign_in_jiangan(&state.store, SECRET, CSRF).await;
    state.today = Day::parse("2021-06-20");
    let office = office_cookie();
    let jiangan = format!("luoshi_session={SECRET}");
    // Something to show: a reminder, a submitted report, an account with a lock.
    let reminded = send(
        &state,
        post(
            "/plans/1/reporting/remind",
            &office,
            &format!(
                "csrf={OFFICE_CSRF}&period=2021-06&unit={}",
                encode("江岸区人民政府")
            ),
        ),
    )
    .await;
    assert_eq!(reminded.status, StatusCode::OK);
    state
        .store
        .count_login_failure("jiangan", "10.0.0.1", 3, 60)
        .await
        .expect("failure");
    let mut office_pages: Vec<String> = [
        "/",
        "/plans/1",
        "/plans/1/tasks",
        "/plans/1/districts",
        "/plans/1/reporting",
        "/plans/1/issues",
        "/plans/1/dashboard",
        "/plans/1/assessment",
        "/plans/1/indicators",
        "/accounts",
        "/audit",
        "/directory",
        "/reviews",
        "/account",
        "/plans/1/bulletins/2021-05",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    office_pages.push(format!("/plans/1/districts/{}", encode("江岸区")));
    office_pages.push(format!("/plans/1/units/{}", encode("市科技局")));
    office_pages.extend((1..=19).map(|id| format!("/tasks/{id}")));
    let mut failures = Vec::new();
    for uri in &office_pages {
        let page = send(&state, get(uri, &office)).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        for p in problems(&visible_text(&page.body)) {
            failures.push(format!("{uri}: {p}"));
        }
    }
    let unit = unit_of(&state.store, "jiangan").await;
    let june = state.store.period_by_key(1, "2021-06").await.expect("june");
    let mut jiangan_pages = vec!["/my".to_string(), "/plans/1/issues".into()];
    for form in state
        .store
        .unit_reports(june.id, unit)
        .await
        .expect("forms")
    {
        jiangan_pages.push(format!("/reports/{}/{}", june.id, form.assignment_id));
    }
    for uri in &jiangan_pages {
        let page = send(&state, get(uri, &jiangan)).await;
        assert_eq!(page.status, StatusCode::OK, "{uri}");
        for p in problems(&visible_text(&page.body)) {
            failures.push(format!("{uri} (江岸区): {p}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_checker_finds_codes_and_utc_times() {
    assert_eq!(problems("目标 10 场 at_least"), vec!["code at_least"]);
    assert!(problems("/api/x?role=responsible_x 2021-06-20 14:30").is_empty());
    assert_eq!(
        problems("保存于 2021-06-20T06:30:00.000Z"),
        vec!["a UTC timestamp"]
    );
}
