//! API errors: a status and a JSON body that says what is wrong and, for bad input, which field.

use axum::Json;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_store::StoreError;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for people.
    pub error: String,
    /// The input field at fault, for bad input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl ApiError {
    pub fn bad_request(field: Option<String>, error: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body: ErrorBody {
                error: error.into(),
                field,
            },
        }
    }
}

impl ApiError {
    fn plain(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: error.into(),
                field: None,
            },
        }
    }

    pub fn unauthorized() -> ApiError {
        ApiError::plain(
            StatusCode::UNAUTHORIZED,
            "请先登录，或在 Authorization 头中提供 API 令牌（Bearer）",
        )
    }

    pub fn forbidden(error: impl Into<String>) -> ApiError {
        ApiError::plain(StatusCode::FORBIDDEN, error)
    }

    pub fn not_found(error: impl Into<String>) -> ApiError {
        ApiError::plain(StatusCode::NOT_FOUND, error)
    }

    pub fn internal(error: impl Into<String>) -> ApiError {
        ApiError::plain(StatusCode::INTERNAL_SERVER_ERROR, error)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        let (status, field) = match &e {
            StoreError::NotFound { .. } => (StatusCode::NOT_FOUND, None),
            StoreError::Forbidden(_) => (StatusCode::FORBIDDEN, None),
            StoreError::Invalid { field, .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, Some(field.clone()))
            }
            StoreError::Published(_) | StoreError::Conflict(_) => (StatusCode::CONFLICT, None),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, None),
        };
        let error = match &e {
            StoreError::Invalid { message, .. } => message.clone(),
            other => other.to_string(),
        };
        ApiError {
            status,
            body: ErrorBody { error, field },
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(e: JsonRejection) -> ApiError {
        // serde names the field in its message (`missing field `lead` at line 1 column 2`).
        let text = e.body_text();
        let field = text.split('`').nth(1).map(str::to_string);
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body: ErrorBody {
                error: format!("请求内容不是有效的 JSON：{text}"),
                field,
            },
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> ApiError {
        // `Failed to deserialize query string: limit: invalid digit found in string`
        let text = e.body_text();
        let field = text
            .split('`')
            .nth(1)
            .or_else(|| {
                text.split_once("query string: ")
                    .and_then(|(_, rest)| rest.split_once(':'))
                    .map(|(f, _)| f.trim())
            })
            .map(str::to_string);
        ApiError {
            status: StatusCode::BAD_REQUEST,
            body: ErrorBody {
                error: format!("查询参数有误：{text}"),
                field,
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}

pub type ApiResult<T> = Result<Json<T>, ApiError>;
