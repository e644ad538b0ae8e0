//! Importing a plan: from text (the JSON API) or from the document as the office has it (.docx,
//! .txt, .md, .html in UTF-8 or GB18030), both through [`import_text`] so that the page, the
//! API and the command line read a plan the same way.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::AppState;
use crate::auth::Office;
use crate::error::ApiError;
use crate::handlers::Created;
use crate::handlers::axum_extra_free::QueryParams;
use crate::reporting::read_limited;

/// A plan document is at most this large (the Wuhan plan is 60 KB as text, 40 KB as .docx).
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;

/// Reads `bytes` as a plan document named `name` and imports it as a draft.
pub async fn import_document(
    s: &AppState,
    actor: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<i64, ApiError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::bad_request(Some("name".into()), "请给出文件名"));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            body: crate::ErrorBody {
                error: format!("方案文件过大，上限 {} MB", MAX_DOCUMENT_BYTES / 1_048_576),
                field: Some("file".into()),
            },
        });
    }
    let file_name = name.to_string();
    let read = tokio::task::spawn_blocking(move || {
        luoshi_document::read(&file_name, &bytes).map(|d| (d.text, bytes))
    })
    .await
    .map_err(|e| ApiError::internal(format!("读取文件中断：{e}")))?;
    let (text, bytes) =
        read.map_err(|e| ApiError::bad_request(Some("file".into()), format!("{name}：{e}")))?;
    import_text(s, actor, name, text, bytes).await
}

/// Parses `text`, resolves its units with the server's directory and stores the draft;
/// `source` is what the SHA-256 in the ledger is taken of (the bytes as uploaded).
pub async fn import_text(
    s: &AppState,
    actor: &str,
    source_name: &str,
    text: String,
    source: Vec<u8>,
) -> Result<i64, ApiError> {
    if source_name.trim().is_empty() {
        return Err(ApiError::bad_request(
            Some("source_name".into()),
            "请给出来源名称",
        ));
    }
    if text.trim().is_empty() {
        return Err(ApiError::bad_request(Some("text".into()), "方案内容是空的"));
    }
    let directory = s.directory.current();
    let resolution = tokio::task::spawn_blocking(move || {
        luoshi_directory::resolve(luoshi_extract::extract(&text), &directory)
    })
    .await
    .map_err(|e| ApiError::internal(format!("解析方案中断：{e}")))?;
    if resolution.draft.tasks.is_empty() {
        return Err(ApiError::bad_request(
            Some("text".into()),
            "没有找到编号的任务条目（如“1.”“（一）”），不像是实施方案",
        ));
    }
    Ok(s.store
        .import_plan(&resolution, source_name.trim(), &source, actor)
        .await?)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DocumentQuery {
    /// The file's name (its extension tells HTML from text; the content decides the rest).
    pub name: String,
}

#[utoipa::path(post, path = "/api/plans/document", tag = "方案", params(DocumentQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "方案文件（.docx、.txt、.md、.html；UTF-8 或 GB18030）"),
    responses((status = 201, body = Created), (status = 400, body = crate::ErrorBody), (status = 413, body = crate::ErrorBody)))]
pub async fn import_plan_document(
    State(s): State<AppState>,
    Office(caller): Office,
    QueryParams(q): QueryParams<DocumentQuery>,
    body: Body,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let bytes = read_limited(body, MAX_DOCUMENT_BYTES, "方案文件").await?;
    let id = import_document(&s, &caller.actor(), &q.name, bytes).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
