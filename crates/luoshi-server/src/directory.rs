//! The office edits the directory (单位名录) while the server runs: the same TOML `--directory`
//! reads, downloaded and uploaded whole, or one entry at a time. Every save is checked as a
//! loaded file is, kept as a version, audited with what changed, and in force for every later
//! import, correction and publishing.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use luoshi_directory::{Directory, DirectoryEdit, DirectoryError};
use luoshi_store::StoreError;
use serde::Serialize;

use crate::AppState;
use crate::auth::{Caller, Office};
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::JsonBody;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/directory", get(download).put(upload))
        .route("/api/directory/edits", post(edit))
}

/// The largest directory file accepted (a province's units fit many times over).
pub const MAX_DIRECTORY_BYTES: usize = 1024 * 1024;

/// What a save did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Saved {
    /// What changed, one line per entry (`新增单位「市数据局」`); empty when nothing did.
    pub changes: Vec<String>,
}

fn refused(field: &str, e: DirectoryError) -> ApiError {
    StoreError::invalid(field, e.to_string()).into()
}

/// The directory in force as TOML: the text last saved, or the one the server started with.
pub async fn current_toml(s: &AppState) -> Result<String, ApiError> {
    Ok(match s.store.saved_directory().await? {
        Some(saved) => saved.toml,
        None => s.directory.current().to_toml(),
    })
}

async fn save(
    s: &AppState,
    caller: &Caller,
    next: Directory,
    text: String,
) -> Result<Saved, ApiError> {
    let previous = s.directory.current();
    let changes = s
        .store
        .save_directory(&previous, &next, &text, &caller.actor())
        .await?;
    s.directory.replace(next);
    Ok(Saved { changes })
}

/// Replaces the directory with an uploaded TOML file (kept as written, comments and all).
pub async fn save_toml(s: &AppState, caller: &Caller, bytes: &[u8]) -> Result<Saved, ApiError> {
    if bytes.len() > MAX_DIRECTORY_BYTES {
        return Err(StoreError::invalid(
            "toml",
            format!("名录文件超过 {} KB", MAX_DIRECTORY_BYTES / 1024),
        )
        .into());
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| StoreError::invalid("toml", "名录文件须为 UTF-8 编码的 TOML 文本"))?
        .trim_start_matches('\u{feff}')
        .to_string();
    let next = Directory::from_toml(&text).map_err(|e| refused("toml", e))?;
    let _turn = s.directory.edit_turn().await;
    save(s, caller, next, text).await
}

/// Makes one edit to the directory in force.
pub async fn apply_edit(
    s: &AppState,
    caller: &Caller,
    edit: &DirectoryEdit,
) -> Result<Saved, ApiError> {
    let _turn = s.directory.edit_turn().await;
    let next = s
        .directory
        .current()
        .apply(edit)
        .map_err(|e| refused("name", e))?;
    let text = next.to_toml();
    save(s, caller, next, text).await
}

#[utoipa::path(get, path = "/api/directory", tag = "名录",
    responses((status = 200, content_type = "application/toml", description = "当前名录（与 --directory 读取的 TOML 相同）")))]
pub async fn download(State(s): State<AppState>, Office(_): Office) -> Result<Response, ApiError> {
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/toml; charset=utf-8".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"directory.toml\"".to_string(),
            ),
        ],
        current_toml(&s).await?,
    )
        .into_response())
}

#[utoipa::path(put, path = "/api/directory", tag = "名录",
    request_body(content = String, content_type = "application/toml", description = "整个名录（TOML）"),
    responses((status = 200, body = Saved), (status = 422, body = crate::ErrorBody, description = "名录有误：指出行列，未作任何修改")))]
pub async fn upload(
    State(s): State<AppState>,
    Office(caller): Office,
    body: Bytes,
) -> ApiResult<Saved> {
    Ok(Json(save_toml(&s, &caller, &body).await?))
}

#[utoipa::path(post, path = "/api/directory/edits", tag = "名录", request_body = DirectoryEdit,
    responses((status = 200, body = Saved), (status = 422, body = crate::ErrorBody)))]
pub async fn edit(
    State(s): State<AppState>,
    Office(caller): Office,
    JsonBody(edit): JsonBody<DirectoryEdit>,
) -> ApiResult<Saved> {
    Ok(Json(apply_edit(&s, &caller, &edit).await?))
}
