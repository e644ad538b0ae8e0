//! Headers every response carries. Pages need no script at all, and their only styles are the
//! site's sheet and the bulletins' inline sheet (allowed by its hash), so the policy can be
//! strict: nothing runs, nothing loads from elsewhere, no other site may frame a page, no
//! address leaks in a Referer, no response is guessed into another type or kept in a cache.

use std::sync::OnceLock;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

fn content_security_policy() -> &'static HeaderValue {
    static POLICY: OnceLock<HeaderValue> = OnceLock::new();
    POLICY.get_or_init(|| {
        let digest = Sha256::digest(luoshi_cadence::html::STYLE.as_bytes());
        let hash = base64::engine::general_purpose::STANDARD.encode(digest);
        let policy = format!(
            "default-src 'none'; style-src 'self' 'sha256-{hash}'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        );
        HeaderValue::from_str(&policy).unwrap_or(HeaderValue::from_static("default-src 'none'"))
    })
}

/// Adds the security headers to `response`, keeping any a handler set itself.
pub async fn secure(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let fixed: [(HeaderName, HeaderValue); 6] = [
        (
            header::CONTENT_SECURITY_POLICY,
            content_security_policy().clone(),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
    ];
    for (name, value) in fixed {
        headers.entry(name).or_insert(value);
    }
    response
}

/// Replaces the framework's plain-text rejections (a path segment or query that does not
/// parse, a form that does not decode), which echo what was sent, with our own words: JSON on
/// the API, a page elsewhere. An API error reaching a page's address (an extractor's 403, an
/// unknown address's 404) becomes a page too, so a browser never shows JSON.
pub async fn plain_rejections(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let response = next.run(request).await;
    let status = response.status();
    let kind = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    if kind.starts_with("application/json") && !api {
        // Our own error bodies are small; anything larger is passed on untouched.
        let (parts, body) = response.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
            return (status, error_page("出错了", "请求没有完成")).into_response();
        };
        let message = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("error").and_then(|e| e.as_str()).map(str::to_string))
            .unwrap_or_else(|| "请求没有完成".into());
        let mut page = (parts.status, error_page("出错了", &message)).into_response();
        for name in [header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
            if let Some(v) = parts.headers.get(&name) {
                page.headers_mut().insert(name, v.clone());
            }
        }
        return page;
    }
    if !status.is_client_error() || !kind.starts_with("text/plain") {
        return response;
    }
    let message = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "请求内容过大",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "请求内容的类型不对",
        StatusCode::METHOD_NOT_ALLOWED => "此地址不接受这种请求",
        _ => "请求的地址或参数格式不对",
    };
    if api {
        (
            status,
            axum::Json(crate::ErrorBody {
                error: message.into(),
                field: None,
            }),
        )
            .into_response()
    } else {
        (status, error_page("请求有误", &format!("{message}。"))).into_response()
    }
}

fn error_page(title: &str, message: &str) -> Html<String> {
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    Html(format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} · 落实</title><link rel=\"stylesheet\" href=\"/static/luoshi.css\"></head><body><header class=\"top\"><a class=\"brand\" href=\"/\">落实</a></header><main><h1>{}</h1><p class=\"error\">{}</p><p><a href=\"/\">返回首页</a></p></main></body></html>",
        escape(title),
        escape(title),
        escape(message)
    ))
}
