//! 督办单 over the API: the month's suggestions from the evaluation under the plan's rules (less
//! what was dismissed or already issued), issuing and dismissing them, the plan's orders, a unit's
//! own orders signed for and answered, the office's review, escalation of overdue orders, and the
//! plan's 督办 rules.

use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use luoshi_cadence::supervision::{Subject, SuggestedOrder};
use luoshi_reporting::Day;
use luoshi_reporting::followup::{Level, SupervisionRules};
use luoshi_store::{NewOrder, SubjectKind, SupervisionOrder, Texts};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::{Caller, Office, UnitMember};
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::{JsonBody, QueryParams};
use crate::handlers::visible_plan;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/plans/{id}/supervision/suggestions",
            get(list_suggestions),
        )
        .route(
            "/api/plans/{id}/supervision/orders",
            get(plan_orders).post(issue),
        )
        .route("/api/plans/{id}/supervision/dismissals", post(dismiss))
        .route("/api/plans/{id}/supervision/escalate", post(escalate))
        .route(
            "/api/plans/{id}/supervision/rules",
            get(get_rules).put(set_rules),
        )
        .route("/api/supervision/mine", get(own_orders))
        .route("/api/supervision/orders/{id}", get(one_order))
        .route("/api/supervision/orders/{id}/sign", post(sign))
        .route(
            "/api/supervision/orders/{id}/answer",
            post(answer).layer(axum::extract::DefaultBodyLimit::max(
                luoshi_store::MAX_EVIDENCE + 1024 * 1024,
            )),
        )
        .route("/api/supervision/orders/{id}/review", post(review))
}

/// A suggestion as the office confirms it: the order it would issue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Suggestion {
    #[serde(flatten)]
    pub suggested: SuggestedOrder,
    pub level_label: &'static str,
    /// The order this suggestion issues when confirmed unchanged.
    pub order: NewOrder,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct MonthQuery {
    /// The month (`2021-06`).
    pub period: String,
}

/// The month of `key` (`2021-06` → 6) within the plan's year, or a 400 naming it.
fn month_of(key: &str) -> Result<u32, ApiError> {
    key.get(5..7)
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|m| (1..=12).contains(m) && key.len() == 7 && key.as_bytes()[4] == b'-')
        .ok_or_else(|| {
            ApiError::bad_request(
                Some("period".into()),
                format!("「{key}」不是月份，应如 2021-06"),
            )
        })
}

/// What the rules suggest for the month, less what the office dismissed or already issued.
pub async fn suggestions_for(
    s: &AppState,
    plan_id: i64,
    period: &str,
) -> Result<Vec<Suggestion>, ApiError> {
    let month = month_of(period)?;
    s.store.period_by_key(plan_id, period).await?;
    let supervision = s.store.supervision_rules(plan_id).await?;
    let (rules, _) = luoshi_cadence::rules_of(&s.store.plan_rules(plan_id).await?);
    let snapshot = s.store.snapshot_with(plan_id, Texts::None, month).await?;
    let dismissed = s.store.dismissed_suggestions(plan_id, period).await?;
    let issued = s.store.supervision_orders(plan_id).await?;
    // A district's share is answered for by its government: orders go to units by name.
    let governments: std::collections::HashMap<String, String> = s
        .store
        .districts()
        .await?
        .into_iter()
        .map(|d| (d.name, d.government))
        .collect();
    let today = s.today();
    let kind_of = |subject: Subject| match subject {
        Subject::Target(id) => (SubjectKind::Target, id),
        Subject::Task(id) => (SubjectKind::Task, id),
    };
    Ok(
        luoshi_cadence::supervision::suggestions(&snapshot, month, &rules, &supervision)
            .into_iter()
            .map(|mut o| {
                if let Some(government) = governments.get(&o.holder) {
                    o.holder = government.clone();
                }
                o
            })
            .filter(|o| {
                let (kind, id) = kind_of(o.subject);
                !dismissed
                    .iter()
                    .any(|(k, i, unit)| *k == kind && *i == id && *unit == o.holder)
                    && !issued.iter().any(|order| {
                        order.period_key == period
                            && order.subject_kind == kind
                            && order.subject_id == id
                            && order.unit == o.holder
                    })
            })
            .map(|o| {
                let (subject_kind, subject_id) = kind_of(o.subject);
                let due = Day::from_unix_days(
                    today.unix_days() + i64::from(supervision.days_to_answer(o.level)),
                );
                let order = NewOrder {
                    level: o.level,
                    subject_kind,
                    subject_id,
                    unit: o.holder.clone(),
                    period_key: period.to_string(),
                    reason: o.reason.clone(),
                    requirement: format!(
                        "请于 {due} 前报送整改措施和追赶进度的时间表，并附佐证材料。"
                    ),
                    due_on: due.to_string(),
                };
                Suggestion {
                    level_label: o.level.label(),
                    suggested: o,
                    order,
                }
            })
            .collect(),
    )
}

#[utoipa::path(get, path = "/api/plans/{id}/supervision/suggestions", tag = "督办", params(("id" = i64, Path), MonthQuery),
    responses((status = 200, body = Vec<Suggestion>), (status = 403, body = crate::ErrorBody)))]
pub async fn list_suggestions(
    State(s): State<AppState>,
    Office(_): Office,
    Path(id): Path<i64>,
    QueryParams(q): QueryParams<MonthQuery>,
) -> ApiResult<Vec<Suggestion>> {
    Ok(Json(suggestions_for(&s, id, &q.period).await?))
}

#[utoipa::path(post, path = "/api/plans/{id}/supervision/orders", tag = "督办", params(("id" = i64, Path)), request_body = NewOrder,
    responses((status = 200, body = SupervisionOrder), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn issue(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(order): JsonBody<NewOrder>,
) -> ApiResult<SupervisionOrder> {
    Ok(Json(
        s.store
            .issue_order(id, &order, s.today(), &caller.actor())
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct Dismissal {
    pub period_key: String,
    pub subject_kind: SubjectKind,
    pub subject_id: i64,
    pub unit: String,
    pub level: Level,
    /// Why no order is issued.
    pub reason: String,
}

#[utoipa::path(post, path = "/api/plans/{id}/supervision/dismissals", tag = "督办", params(("id" = i64, Path)), request_body = Dismissal,
    responses((status = 204), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn dismiss(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(d): JsonBody<Dismissal>,
) -> Result<axum::http::StatusCode, ApiError> {
    month_of(&d.period_key)?;
    s.store
        .dismiss_suggestion(
            id,
            &d.period_key,
            d.subject_kind,
            d.subject_id,
            &d.unit,
            d.level,
            &d.reason,
            &caller.actor(),
        )
        .await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Escalated {
    /// The new orders, one per overdue order below 红色.
    pub orders: Vec<SupervisionOrder>,
}

/// Escalates every overdue order of the plan (idempotent: each once).
pub async fn escalate_plan(
    s: &AppState,
    plan_id: i64,
    actor: &str,
) -> Result<Vec<SupervisionOrder>, ApiError> {
    let rules = s.store.supervision_rules(plan_id).await?;
    let ids = s
        .store
        .escalate_overdue(plan_id, s.today(), |l| rules.days_to_answer(l), actor)
        .await?;
    let mut orders = Vec::with_capacity(ids.len());
    for id in ids {
        orders.push(s.store.supervision_order(id).await?);
    }
    Ok(orders)
}

#[utoipa::path(post, path = "/api/plans/{id}/supervision/escalate", tag = "督办", params(("id" = i64, Path)),
    responses((status = 200, body = Escalated), (status = 403, body = crate::ErrorBody)))]
pub async fn escalate(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
) -> ApiResult<Escalated> {
    Ok(Json(Escalated {
        orders: escalate_plan(&s, id, &caller.actor()).await?,
    }))
}

#[utoipa::path(get, path = "/api/plans/{id}/supervision/orders", tag = "督办", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SupervisionOrder>), (status = 403, body = crate::ErrorBody)))]
pub async fn plan_orders(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<Vec<SupervisionOrder>> {
    require_overseer(&caller)?;
    Ok(Json(s.store.supervision_orders(id).await?))
}

/// The office and leaders follow every order.
fn require_overseer(caller: &Caller) -> Result<(), ApiError> {
    match caller.principal.role {
        luoshi_reporting::Role::Office | luoshi_reporting::Role::Leader => Ok(()),
        _ => Err(ApiError::forbidden(
            "只有协调办公室和领导可以查看全部督办单",
        )),
    }
}

/// An order the caller may read: the office's and leaders' any, a unit its own (another
/// unit's is not found).
pub async fn readable_order(
    s: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<SupervisionOrder, ApiError> {
    let order = s.store.supervision_order(id).await?;
    if require_overseer(caller).is_ok() || caller.principal.unit_id == Some(order.unit_id) {
        Ok(order)
    } else {
        Err(ApiError::not_found(format!("督办单 {id} 不存在")))
    }
}

#[utoipa::path(get, path = "/api/supervision/orders/{id}", tag = "督办", params(("id" = i64, Path)),
    responses((status = 200, body = SupervisionOrder), (status = 404, body = crate::ErrorBody)))]
pub async fn one_order(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<SupervisionOrder> {
    Ok(Json(readable_order(&s, &caller, id).await?))
}

#[utoipa::path(get, path = "/api/supervision/mine", tag = "督办",
    responses((status = 200, body = Vec<SupervisionOrder>), (status = 403, body = crate::ErrorBody)))]
pub async fn own_orders(
    State(s): State<AppState>,
    member: UnitMember,
) -> ApiResult<Vec<SupervisionOrder>> {
    Ok(Json(s.store.unit_supervision_orders(member.unit_id).await?))
}

#[utoipa::path(post, path = "/api/supervision/orders/{id}/sign", tag = "督办", params(("id" = i64, Path)),
    responses((status = 200, body = SupervisionOrder), (status = 404, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody)))]
pub async fn sign(
    State(s): State<AppState>,
    member: UnitMember,
    Path(id): Path<i64>,
) -> ApiResult<SupervisionOrder> {
    Ok(Json(
        s.store
            .sign_order(member.unit_id, id, &member.caller.actor())
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AnswerRequest {
    /// 整改措施. To attach evidence, send `multipart/form-data` instead: a `measures` field and
    /// a `file` (PDF, Word, Excel, PNG, JPEG; checked by content; at most 10 MB).
    pub measures: String,
}

#[utoipa::path(post, path = "/api/supervision/orders/{id}/answer", tag = "督办", params(("id" = i64, Path)), request_body = AnswerRequest,
    responses((status = 200, body = SupervisionOrder), (status = 404, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn answer(
    State(s): State<AppState>,
    member: UnitMember,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> ApiResult<SupervisionOrder> {
    use axum::extract::FromRequest;
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("multipart/form-data"));
    let (measures, evidence) = if multipart {
        let mut form = axum::extract::Multipart::from_request(request, &s)
            .await
            .map_err(|e| ApiError::bad_request(None, e.body_text()))?;
        crate::evidence::text_and_evidence(&mut form, "measures")
            .await
            .map_err(|message| ApiError::from(luoshi_store::StoreError::invalid("file", message)))?
    } else {
        let JsonBody(body) = JsonBody::<AnswerRequest>::from_request(request, &s).await?;
        (body.measures, None)
    };
    Ok(Json(
        s.store
            .answer_order(
                member.unit_id,
                id,
                &measures,
                evidence.as_ref(),
                s.today(),
                &member.caller.actor(),
            )
            .await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct ReviewRequest {
    /// `true`: 办结; `false`: sent back (a comment is required).
    pub close: bool,
    #[serde(default)]
    pub comment: String,
}

#[utoipa::path(post, path = "/api/supervision/orders/{id}/review", tag = "督办", params(("id" = i64, Path)), request_body = ReviewRequest,
    responses((status = 200, body = SupervisionOrder), (status = 403, body = crate::ErrorBody), (status = 409, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn review(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(request): JsonBody<ReviewRequest>,
) -> ApiResult<SupervisionOrder> {
    Ok(Json(
        s.store
            .review_order(id, request.close, &request.comment, &caller.actor())
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/plans/{id}/supervision/rules", tag = "督办", params(("id" = i64, Path)),
    responses((status = 200, body = SupervisionRules), (status = 404, body = crate::ErrorBody)))]
pub async fn get_rules(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<SupervisionRules> {
    visible_plan(&s, &caller, id).await?;
    Ok(Json(s.store.supervision_rules(id).await?))
}

#[utoipa::path(put, path = "/api/plans/{id}/supervision/rules", tag = "督办", params(("id" = i64, Path)), request_body = SupervisionRules,
    responses((status = 200, body = SupervisionRules), (status = 403, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn set_rules(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(rules): JsonBody<SupervisionRules>,
) -> ApiResult<SupervisionRules> {
    Ok(Json(
        s.store
            .set_supervision_rules(id, &rules, &caller.actor())
            .await?,
    ))
}

/// What the annual assessment adds and deducts: the office's items, and the deductions the
/// plan's 督办 rules make for its orders.
pub async fn assessment_items(
    s: &AppState,
    plan_id: i64,
) -> Result<Vec<luoshi_store::AssessmentItem>, ApiError> {
    let mut items = s.store.assessment_items(plan_id).await?;
    let district_of = s
        .store
        .districts()
        .await?
        .into_iter()
        .map(|d| (d.government, d.name))
        .collect();
    items.extend(luoshi_cadence::supervision::deductions(
        &s.store.supervision_orders(plan_id).await?,
        &s.store.supervision_rules(plan_id).await?,
        &district_of,
    ));
    Ok(items)
}
