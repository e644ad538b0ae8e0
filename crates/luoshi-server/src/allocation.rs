//! The allocation grid in the JSON API: read it, set it, and the same as a spreadsheet to fill
//! in Excel. Office only; the pages call the same functions.

use axum::Json;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use luoshi_export::allocation_sheet::{
    FilledTarget, Grid, GridTarget, read_allocation_sheet, write_allocation_sheet,
};
use luoshi_store::{Allocation, AllocationInput, StoreError};
use serde::Serialize;

use crate::AppState;
use crate::auth::Office;
use crate::error::{ApiError, ApiResult};
use crate::handlers::axum_extra_free::JsonBody;
use crate::reporting::{XLSX, download, read_limited};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/plans/{id}/allocation",
            get(get_allocation).put(put_allocation),
        )
        .route(
            "/api/plans/{id}/allocation.xlsx",
            get(allocation_sheet).post(upload_allocation),
        )
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AllocationSaved {
    /// Targets whose shares or note changed.
    pub changed: usize,
}

#[utoipa::path(get, path = "/api/plans/{id}/allocation", tag = "一区一表", params(("id" = i64, Path)),
    responses((status = 200, body = Allocation), (status = 403, body = crate::ErrorBody)))]
pub async fn get_allocation(
    State(s): State<AppState>,
    _office: Office,
    Path(id): Path<i64>,
) -> ApiResult<Allocation> {
    Ok(Json(s.store.allocation(id).await?))
}

#[utoipa::path(put, path = "/api/plans/{id}/allocation", tag = "一区一表", params(("id" = i64, Path)),
    request_body = Vec<AllocationInput>,
    responses((status = 200, body = AllocationSaved), (status = 422, body = crate::ErrorBody)))]
pub async fn put_allocation(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    JsonBody(inputs): JsonBody<Vec<AllocationInput>>,
) -> ApiResult<AllocationSaved> {
    let changed = s
        .store
        .set_allocation(id, &inputs, &[], s.today(), &caller.actor())
        .await?;
    Ok(Json(AllocationSaved { changed }))
}

/// The grid as the spreadsheet the office fills in.
pub fn grid_of(allocation: &Allocation) -> Grid {
    Grid {
        districts: allocation.districts.clone(),
        targets: allocation
            .rows
            .iter()
            .map(|r| GridTarget {
                target_id: r.target_id,
                task_path: r.task_path.clone(),
                text: r.text.clone(),
                value: r.value,
                unit: r.unit.clone(),
                lead: r.lead.clone(),
                shares: r.shares.clone(),
                units: r.units.iter().map(|u| (u.unit.clone(), u.share)).collect(),
                note: r.note.clone(),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/plans/{id}/allocation.xlsx", tag = "一区一表", params(("id" = i64, Path)),
    responses((status = 200, description = "目标分解表（xlsx）"), (status = 403, body = crate::ErrorBody)))]
pub async fn allocation_sheet(
    State(s): State<AppState>,
    _office: Office,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    sheet_download(&s, id).await
}

/// The grid of plan `id` as an xlsx download (the API's and the page's).
pub async fn sheet_download(s: &AppState, id: i64) -> Result<Response, ApiError> {
    let allocation = s.store.allocation(id).await?;
    let bytes = write_allocation_sheet(&grid_of(&allocation))
        .map_err(|e| ApiError::internal(format!("生成目标分解表失败：{e}")))?;
    Ok(download(bytes, XLSX, &format!("方案{id}-目标分解表.xlsx")))
}

/// Saves an uploaded grid: every row checked against the plan and named in errors, all or
/// nothing. Shared by the API and the page.
pub async fn apply_allocation_upload(
    s: &AppState,
    caller: &crate::auth::Caller,
    plan_id: i64,
    bytes: &[u8],
) -> Result<usize, ApiError> {
    let allocation = s.store.allocation(plan_id).await?;
    let filled = read_allocation_sheet(bytes, &allocation.districts)
        .map_err(|e| ApiError::from(StoreError::invalid("file", e.to_string())))?;
    let (inputs, places) = inputs_of(&allocation, &filled);
    Ok(s.store
        .set_allocation(plan_id, &inputs, &places, s.today(), &caller.actor())
        .await
        .map_err(|e| match e {
            // Name the sheet's row, not the input's index.
            StoreError::Invalid { field, message } => StoreError::invalid(
                "file",
                format!("{}：{message}", field.split('.').next().unwrap_or(&field)),
            ),
            other => other,
        })?)
}

/// The store's inputs from the rows read, each placed by its sheet row (`第 5 行`).
fn inputs_of(
    allocation: &Allocation,
    filled: &[FilledTarget],
) -> (Vec<AllocationInput>, Vec<String>) {
    filled
        .iter()
        .map(|f| {
            (
                AllocationInput {
                    target_id: f.target_id,
                    shares: allocation
                        .districts
                        .iter()
                        .zip(&f.shares)
                        .filter_map(|(d, v)| {
                            Some(luoshi_store::DistrictShare {
                                district: d.clone(),
                                value: (*v)?,
                            })
                        })
                        .collect(),
                    unit_shares: match &f.units {
                        // The file's units' sheet, row by row.
                        Some(units) => units
                            .iter()
                            .filter_map(|(_, unit, v)| {
                                Some(luoshi_store::UnitShareInput {
                                    unit: unit.clone(),
                                    value: (*v)?,
                                })
                            })
                            .collect(),
                        // No such sheet: the units' shares stay as they are.
                        None => allocation
                            .rows
                            .iter()
                            .find(|r| r.target_id == f.target_id)
                            .map(|r| {
                                r.units
                                    .iter()
                                    .filter_map(|u| {
                                        Some(luoshi_store::UnitShareInput {
                                            unit: u.unit.clone(),
                                            value: u.share?,
                                        })
                                    })
                                    .collect()
                            })
                            .unwrap_or_default(),
                    },
                    note: f.note.clone(),
                },
                format!("第 {} 行", f.row),
            )
        })
        .unzip()
}

#[utoipa::path(post, path = "/api/plans/{id}/allocation.xlsx", tag = "一区一表", params(("id" = i64, Path)),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "填好的目标分解表"),
    responses((status = 200, body = AllocationSaved), (status = 413, body = crate::ErrorBody), (status = 422, body = crate::ErrorBody)))]
pub async fn upload_allocation(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
    body: Body,
) -> ApiResult<AllocationSaved> {
    let bytes = read_limited(
        body,
        luoshi_export::report_sheet::MAX_UPLOAD_BYTES,
        "目标分解表",
    )
    .await?;
    let changed = apply_allocation_upload(&s, &caller, id, &bytes).await?;
    Ok(Json(AllocationSaved { changed }))
}
