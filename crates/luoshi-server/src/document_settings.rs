//! The plan's 公文 frame over the API: the issuing body of the 版头, the 签发人, the 抄送 list
//! and the 印发机关 of the 版记. Every signed-in user who sees the plan may read it; only the office
//! sets it, and every change is audited.

use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use luoshi_store::DocumentSettings;

use crate::AppState;
use crate::auth::{Caller, Office};
use crate::error::ApiResult;
use crate::handlers::axum_extra_free::JsonBody;
use crate::handlers::visible_plan;

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/plans/{id}/document-settings",
        get(get_settings).put(set_settings),
    )
}

#[utoipa::path(get, path = "/api/plans/{id}/document-settings", tag = "通报", params(("id" = i64, Path)),
    responses((status = 200, body = DocumentSettings), (status = 404, body = crate::ErrorBody)))]
pub async fn get_settings(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<DocumentSettings> {
    visible_plan(&s, &caller, id).await?;
    Ok(Json(s.store.document_settings(id).await?))
}

#[utoipa::path(put, path = "/api/plans/{id}/document-settings", tag = "通报", params(("id" = i64, Path)), request_body = DocumentSettings,
    responses((status = 200, body = DocumentSettings), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn set_settings(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(settings): JsonBody<DocumentSettings>,
) -> ApiResult<DocumentSettings> {
    Ok(Json(
        s.store
            .set_document_settings(id, &settings, &caller.actor())
            .await?,
    ))
}
