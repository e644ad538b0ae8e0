//! The audit log, for the office: searched by who, what, which entity and which days (Beijing
//! time), newest first, a page at a time; and the chain check.

use axum::Json;
use axum::extract::State;
use luoshi_reporting::{Day, beijing_day_start_utc};
use luoshi_store::{AuditFilter, AuditRecord, AuditReport};
use serde::Deserialize;

use crate::AppState;
use crate::auth::Office;
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::QueryParams;

#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// How many records (default 100, at most 500).
    pub limit: Option<i64>,
    /// How many of the newest matching records to skip (paging).
    pub offset: Option<i64>,
    /// Part of the actor's name.
    pub actor: Option<String>,
    /// The action (`publish`, `submit`, …).
    pub action: Option<String>,
    /// The kind of entity (`plan`, `report`, `user`, …).
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    /// From this day, Beijing time (`2021-06-01`).
    pub from: Option<String>,
    /// Up to and including this day, Beijing time.
    pub to: Option<String>,
}

impl AuditQuery {
    /// The store's filter, with the office's days turned into UTC bounds.
    pub fn filter(&self) -> Result<AuditFilter, ApiError> {
        let day = |field: &str, text: &Option<String>| -> Result<Option<Day>, ApiError> {
            match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                None => Ok(None),
                Some(t) => Day::parse(t)
                    .filter(|_| t.len() == 10)
                    .map(Some)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            Some(field.into()),
                            format!("日期「{t}」无效，应写作 2021-06-20"),
                        )
                    }),
            }
        };
        let from = day("from", &self.from)?;
        let to = day("to", &self.to)?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(ApiError::bad_request(
                Some("to".into()),
                "截止日期早于起始日期",
            ));
        }
        let text = |t: &Option<String>| t.clone().filter(|t| !t.trim().is_empty());
        Ok(AuditFilter {
            actor: text(&self.actor),
            action: text(&self.action),
            entity: text(&self.entity),
            entity_id: self.entity_id,
            from: from.map(beijing_day_start_utc),
            until: to.map(|d| beijing_day_start_utc(Day::from_unix_days(d.unix_days() + 1))),
        })
    }
}

#[utoipa::path(get, path = "/api/audit", tag = "审计", params(AuditQuery), responses((status = 200, body = Vec<AuditRecord>), (status = 400, body = crate::ErrorBody)))]
pub async fn audit_log(
    Office(_): Office,
    State(s): State<AppState>,
    QueryParams(q): QueryParams<AuditQuery>,
) -> ApiResult<Vec<AuditRecord>> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=luoshi_store::MAX_AUDIT_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(
            Some("limit".into()),
            format!("条数须在 1 到 {} 之间", luoshi_store::MAX_AUDIT_PAGE),
        ));
    }
    let page = s
        .store
        .audit_search(&q.filter()?, q.offset.unwrap_or(0), limit)
        .await?;
    Ok(Json(page.items))
}

#[utoipa::path(get, path = "/api/audit/verify", tag = "审计", responses((status = 200, body = AuditReport)))]
pub async fn verify_audit(Office(_): Office, State(s): State<AppState>) -> ApiResult<AuditReport> {
    Ok(Json(s.store.audit_report().await?))
}
