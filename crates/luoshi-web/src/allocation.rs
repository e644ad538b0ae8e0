//! 目标分解: the office allocates the plan's city targets to the districts in a grid (targets ×
//! districts, each row's sum against the city total, a note per target), or downloads the grid,
//! fills it in Excel and uploads it back. The forms call the same store code as the API; every
//! change is audited.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::redirect::see_other;
use luoshi_store::{Allocation, AllocationInput, DistrictShare, PlanSummary, StoreError};

use crate::pages::{PageError, number};

/// One cell of the grid as the page shows it: what is stored, or what was typed when the save
/// was refused.
struct Cell {
    name: String,
    value: String,
    /// The district is not assigned to the task: a share there is one nobody reports on.
    unassigned: bool,
}

struct RowView {
    target_id: i64,
    path: String,
    text: String,
    value: String,
    unit: String,
    lead: String,
    cells: Vec<Cell>,
    /// The task's responsible units: `(unit, cell)`.
    units: Vec<(String, Cell)>,
    note_name: String,
    note: String,
    sum: String,
    /// 「少 40」 / 「多 5」 when the shares do not add up to the city total (none given: empty).
    difference: Option<String>,
}

#[derive(Template)]
#[template(path = "allocation.html")]
struct AllocationPage {
    nav: crate::nav::Nav,
    plan: PlanSummary,
    districts: Vec<String>,
    rows: Vec<RowView>,
    csrf: String,
    notice: Option<String>,
    error: Option<String>,
    error_field: String,
}

fn cell_name(target: i64, column: usize) -> String {
    format!("s_{target}_{column}")
}

fn unit_cell_name(target: i64, index: usize) -> String {
    format!("u_{target}_{index}")
}

fn note_name(target: i64) -> String {
    format!("n_{target}")
}

/// The sum of `values` against `total`, in words, when they differ.
fn difference(total: f64, allocated: f64, any: bool) -> Option<String> {
    if !any {
        return None;
    }
    let gap = total - allocated;
    if gap.abs() < 1e-9 {
        None
    } else if gap > 0.0 {
        Some(format!("比全市目标少 {}", number(gap)))
    } else {
        Some(format!("比全市目标多 {}", number(-gap)))
    }
}

fn rows(allocation: &Allocation, typed: Option<&HashMap<String, String>>) -> Vec<RowView> {
    allocation
        .rows
        .iter()
        .map(|r| {
            let cells: Vec<Cell> = r
                .shares
                .iter()
                .enumerate()
                .map(|(c, share)| {
                    let name = cell_name(r.target_id, c);
                    let value = match typed {
                        Some(t) => t.get(&name).cloned().unwrap_or_default(),
                        None => share.map(number).unwrap_or_default(),
                    };
                    Cell {
                        name,
                        value,
                        unassigned: !r.assigned.get(c).copied().unwrap_or(false),
                    }
                })
                .collect();
            let units: Vec<(String, Cell)> = r
                .units
                .iter()
                .enumerate()
                .map(|(i, u)| {
                    let name = unit_cell_name(r.target_id, i);
                    let value = match typed {
                        Some(t) => t.get(&name).cloned().unwrap_or_default(),
                        None => u.share.map(number).unwrap_or_default(),
                    };
                    (
                        u.unit.clone(),
                        Cell {
                            name,
                            value,
                            unassigned: false,
                        },
                    )
                })
                .collect();
            let parsed: Vec<f64> = cells
                .iter()
                .chain(units.iter().map(|(_, c)| c))
                .filter_map(|c| c.value.trim().parse::<f64>().ok())
                .collect();
            let allocated: f64 = parsed.iter().sum();
            RowView {
                target_id: r.target_id,
                path: r.task_path.clone(),
                text: r.text.clone(),
                value: number(r.value),
                unit: r.unit.clone(),
                lead: r.lead.clone(),
                note_name: note_name(r.target_id),
                note: match typed {
                    Some(t) => t.get(&note_name(r.target_id)).cloned().unwrap_or_default(),
                    None => r.note.clone(),
                },
                cells,
                units,
                sum: if parsed.is_empty() {
                    "—".into()
                } else {
                    number(allocated)
                },
                difference: difference(r.value, allocated, !parsed.is_empty()),
            }
        })
        .collect()
}

struct Outcome {
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
    error_field: String,
    typed: Option<HashMap<String, String>>,
}

impl Outcome {
    fn ok(notice: Option<String>) -> Outcome {
        Outcome {
            status: StatusCode::OK,
            notice,
            error: None,
            error_field: String::new(),
            typed: None,
        }
    }

    fn refused(field: String, message: String, typed: Option<HashMap<String, String>>) -> Outcome {
        Outcome {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            notice: None,
            error: Some(message),
            error_field: field,
            typed,
        }
    }
}

async fn render(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    outcome: Outcome,
) -> Result<Response, PageError> {
    let plan = s.store.plan(plan_id).await?;
    let allocation = s.store.allocation(plan_id).await?;
    let page = AllocationPage {
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Districts).await?,
        rows: rows(&allocation, outcome.typed.as_ref()),
        districts: allocation.districts,
        plan,
        csrf: caller.csrf_token.clone(),
        notice: outcome.notice,
        error: outcome.error,
        error_field: outcome.error_field,
    };
    let body = page
        .render()
        .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))?;
    Ok((outcome.status, Html(body)).into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct Saved {
    #[serde(default)]
    saved: Option<u8>,
}

pub async fn allocation(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    axum::extract::Query(q): axum::extract::Query<Saved>,
) -> Result<Response, PageError> {
    let notice = q.saved.map(|_| "目标分解已保存".to_string());
    render(&s, &caller, plan, Outcome::ok(notice)).await
}

pub async fn sheet(
    State(s): State<AppState>,
    _office: Office,
    Path(plan): Path<i64>,
) -> Result<Response, PageError> {
    Ok(luoshi_server::allocation::sheet_download(&s, plan).await?)
}

/// A share as typed in a cell, or what is wrong with it at `place`.
fn share_value(text: &str, place: &str) -> Result<f64, String> {
    match text.replace([',', '，'], "").parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        Ok(_) => Err(format!(
            "{place}：分解值须是不小于 0 的数（填了「{text}」）"
        )),
        Err(_) => Err(format!("{place}：「{text}」不是数字")),
    }
}

/// The grid's form: every cell of every row, all saved together or none.
pub async fn save(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let typed: HashMap<String, String> = form.into_iter().collect();
    let allocation = s.store.allocation(plan).await?;
    let mut inputs = Vec::with_capacity(allocation.rows.len());
    let mut places = Vec::with_capacity(allocation.rows.len());
    for r in &allocation.rows {
        let mut shares = Vec::new();
        for (c, district) in allocation.districts.iter().enumerate() {
            let name = cell_name(r.target_id, c);
            let text = typed.get(&name).map(|v| v.trim()).unwrap_or_default();
            if text.is_empty() {
                continue;
            }
            let place = format!("「{} {}」的「{district}」", r.task_path, r.text);
            let value = match share_value(text, &place) {
                Ok(value) => value,
                Err(message) => {
                    let outcome = Outcome::refused(name, message, Some(typed));
                    return render(&s, &caller, plan, outcome).await;
                }
            };
            shares.push(DistrictShare {
                district: district.clone(),
                value,
            });
        }
        let mut unit_shares = Vec::new();
        for (i, u) in r.units.iter().enumerate() {
            let name = unit_cell_name(r.target_id, i);
            let text = typed.get(&name).map(|v| v.trim()).unwrap_or_default();
            if text.is_empty() {
                continue;
            }
            let place = format!("「{} {}」的「{}」", r.task_path, r.text, u.unit);
            match share_value(text, &place) {
                Ok(value) => unit_shares.push(luoshi_store::UnitShareInput {
                    unit: u.unit.clone(),
                    value,
                }),
                Err(message) => {
                    let outcome = Outcome::refused(name, message, Some(typed));
                    return render(&s, &caller, plan, outcome).await;
                }
            }
        }
        inputs.push(AllocationInput {
            target_id: r.target_id,
            shares,
            unit_shares,
            note: typed
                .get(&note_name(r.target_id))
                .cloned()
                .unwrap_or_default(),
        });
        places.push(format!("「{} {}」", r.task_path, r.text));
    }
    match s
        .store
        .set_allocation(plan, &inputs, &places, s.today(), &caller.actor())
        .await
    {
        Ok(_) => Ok(see_other(&format!("/plans/{plan}/allocation?saved=1")).into_response()),
        Err(StoreError::Invalid { field, message }) => {
            let message = format!("{}：{message}", field.split('.').next().unwrap_or(&field));
            render(
                &s,
                &caller,
                plan,
                Outcome::refused(field, message, Some(typed)),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// The filled-in spreadsheet, as a multipart form.
pub async fn upload(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let limit = luoshi_export::report_sheet::MAX_UPLOAD_BYTES;
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.bytes().await {
                Ok(bytes) => file = Some(bytes),
                Err(_) => {
                    let message = format!("文件过大，上限 {} MB", limit / 1_048_576);
                    let outcome = Outcome::refused("file".into(), message, None);
                    return render(&s, &caller, plan, outcome).await;
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => {
                let message = format!("上传失败：{}", e.body_text());
                let outcome = Outcome::refused("file".into(), message, None);
                return render(&s, &caller, plan, outcome).await;
            }
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let outcome = Outcome::refused("file".into(), "请选择要上传的目标分解表".into(), None);
        return render(&s, &caller, plan, outcome).await;
    };
    match luoshi_server::allocation::apply_allocation_upload(&s, &caller, plan, &bytes).await {
        Ok(changed) => {
            let notice = format!("已按上传的目标分解表更新 {changed} 个目标");
            render(&s, &caller, plan, Outcome::ok(Some(notice))).await
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let outcome = Outcome::refused("file".into(), e.body.error, None);
            render(&s, &caller, plan, outcome).await
        }
        Err(e) => Err(e.into()),
    }
}
