//! CSRF protection for the forms: a random token in a SameSite=Strict, HttpOnly cookie, repeated
//! in each form; a POST is taken only when the two agree.

use axum::http::HeaderMap;

pub const COOKIE: &str = "luoshi_csrf";

/// The token this browser already holds, if any.
pub fn from_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|v| v.len() == 64 && v.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A fresh random token.
pub fn new_token() -> Option<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

pub fn set_cookie(token: &str) -> String {
    format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict")
}

/// Whether a submitted form carries the browser's token (compared in constant time).
pub fn valid(headers: &HeaderMap, submitted: &str) -> bool {
    let Some(expected) = from_cookie(headers) else {
        return false;
    };
    expected.len() == submitted.len()
        && expected
            .bytes()
            .zip(submitted.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_checked_against_the_cookie() {
        let a = new_token().expect("random");
        assert_ne!(Some(a.clone()), new_token());
        let mut headers = HeaderMap::new();
        headers.insert(
            axum::http::header::COOKIE,
            format!("other=1; {COOKIE}={a}").parse().expect("header"),
        );
        assert!(valid(&headers, &a));
        assert!(!valid(&headers, &"0".repeat(64)));
        assert!(!valid(&HeaderMap::new(), &a));
    }
}
