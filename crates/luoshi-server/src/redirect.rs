//! Redirects that cannot fail: axum's `Redirect::to` panics on a location that is not a valid
//! header value (a line break from a query parameter, say), which took a request down with a
//! 500. Here every byte a header may not hold is percent-encoded first.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// `location` with controls, spaces, `"`, `<`, `>`, `\` and non-ASCII percent-encoded.
pub fn header_safe(location: &str) -> String {
    let mut out = String::with_capacity(location.len());
    for b in location.bytes() {
        match b {
            0x21..=0x7e if !matches!(b, b'"' | b'<' | b'>' | b'\\' | b'`') => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// 303 See Other to `location` (a path on this site).
pub fn see_other(location: &str) -> Response {
    let safe = header_safe(location);
    match HeaderValue::from_str(&safe) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        // Unreachable after encoding; answer with the home page rather than fail.
        Err(_) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, HeaderValue::from_static("/"))],
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_location_becomes_a_valid_header() {
        assert_eq!(header_safe("/my?period=2021-06"), "/my?period=2021-06");
        assert_eq!(header_safe("/my?period=\n"), "/my?period=%0A");
        assert_eq!(
            header_safe("/a\r\nSet-Cookie: x"),
            "/a%0D%0ASet-Cookie:%20x"
        );
        assert_eq!(header_safe("/区/江岸"), "/%E5%8C%BA/%E6%B1%9F%E5%B2%B8");
        for bytes in [&b"\x00\x7f"[..], b"\xff", b"/\t/evil"] {
            let text = String::from_utf8_lossy(bytes);
            let response = see_other(&text);
            assert_eq!(response.status(), StatusCode::SEE_OTHER);
        }
    }
}
