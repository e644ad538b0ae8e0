//! `GET /api/plans/{id}/standing`: where a published plan stands after a month — every target's
//! evaluation and year-end warning, and the roll-ups to tasks, lead units, districts and the plan
//! — as the pages and the bulletin show it.

use axum::Json;
use axum::extract::{Path, State};
use luoshi_cadence::monthly::{DistrictLine, TargetLine};
use luoshi_cadence::{MonthlyBulletin, Standing};
use luoshi_evaluation::Status;
use luoshi_store::Texts;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::QueryParams;
use crate::handlers::visible_plan;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct StandingQuery {
    /// The month, `2021-06`; the current reporting month when left out.
    pub period: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RolledUp {
    /// A task id, a lead unit's or a district's name.
    pub of: String,
    pub status: Status,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StatusCount {
    pub status: Status,
    pub count: usize,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PlanStanding {
    pub period: String,
    pub label: String,
    /// The worst status of the plan's counted targets.
    pub plan: Option<Status>,
    pub counts: Vec<StatusCount>,
    /// Every target (力争 ones marked `aspirational`, counted in no roll-up), with its lead
    /// unit's actual value, evaluation and year-end warning; `problems` is left empty here.
    pub targets: Vec<TargetLine>,
    /// Every district share.
    pub shares: Vec<DistrictLine>,
    pub tasks: Vec<RolledUp>,
    pub units: Vec<RolledUp>,
    pub districts: Vec<RolledUp>,
}

#[utoipa::path(get, path = "/api/plans/{id}/standing", tag = "考核", params(("id" = i64, Path), StandingQuery),
    responses((status = 200, body = PlanStanding), (status = 404, body = crate::ErrorBody)))]
pub async fn plan_standing(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    QueryParams(q): QueryParams<StandingQuery>,
) -> ApiResult<PlanStanding> {
    visible_plan(&s, &caller, id).await?;
    let period = match q.period.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(key) => s.store.period_by_key(id, key).await?,
        None => s
            .store
            .current_month(id, s.today())
            .await?
            .ok_or_else(|| ApiError::not_found(format!("方案 {id} 还没有填报期间")))?,
    };
    let month = period
        .key
        .get(5..7)
        .and_then(|m| m.parse::<u32>().ok())
        .filter(|_| period.kind == "month")
        .ok_or_else(|| ApiError::not_found(format!("{} 不是月度期间（如 2021-06）", period.key)))?;
    let snapshot = s.store.snapshot_with(id, Texts::None, month).await?;
    let (rules, _) = luoshi_cadence::rules_of(&s.store.plan_rules(id).await?);
    let bulletin = MonthlyBulletin::build(&snapshot, month, &rules)
        .ok_or_else(|| ApiError::not_found(format!("方案 {id} 没有 {} 的填报期间", period.key)))?;
    let standing = Standing::new(bulletin);
    let b = standing.bulletin();
    Ok(Json(PlanStanding {
        period: period.key.clone(),
        label: period.label.clone(),
        plan: standing.plan(),
        counts: standing
            .counts()
            .into_iter()
            .map(|(status, count)| StatusCount { status, count })
            .collect(),
        targets: b.targets.clone(),
        shares: b.districts.clone(),
        tasks: standing
            .tasks()
            .into_iter()
            .map(|(task, status)| RolledUp {
                of: task.to_string(),
                status,
            })
            .collect(),
        units: rolled(standing.units()),
        districts: rolled(standing.districts()),
    }))
}

fn rolled(list: Vec<(String, Status)>) -> Vec<RolledUp> {
    list.into_iter()
        .map(|(of, status)| RolledUp { of, status })
        .collect()
}
