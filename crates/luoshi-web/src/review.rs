//! The draft review: the office fixes what the parser could not decide and publishes, from the
//! browser. Units are picked from the directory's names (a type-ahead list, no script); a name
//! nobody knows is refused with the closest known ones unless the office ticks it in as a new
//! unit. Spellings are merged, targets split and district rows added here too. The forms call
//! the same store operations as the API; every POST needs the CSRF token.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::redirect::see_other;
use luoshi_store::{
    DistrictRowInput, PlanSummary, StoreError, TargetPart, UnitsInput, UnknownName,
};
use serde::Deserialize;

use crate::pages::PageError;

pub struct TargetView {
    id: i64,
    text: String,
    value: String,
    unit: String,
}

pub struct ItemView {
    id: i64,
    path: Option<String>,
    line: Option<i64>,
    reason: String,
    task_id: Option<i64>,
    /// One input per name, and an empty one to add another.
    lead: Vec<String>,
    responsible: Vec<String>,
    targets: Vec<TargetView>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    nav: crate::nav::Nav,
    plan: PlanSummary,
    items: Vec<ItemView>,
    csrf: String,
    /// Names the unit inputs offer (canonical names, aliases, districts, groups).
    unit_names: Vec<String>,
    districts: Vec<String>,
    /// Draft: the reporting start offered at publishing (the month of publication).
    publish_month: u32,
    /// Published: the months an amendment made today may take effect in.
    amendment_months: Vec<u32>,
    /// Tasks with numeric targets and no lead unit: nobody would report those targets.
    leaderless: Vec<String>,
    error: FormError,
}

impl ReviewPage {
    /// The error of form `section`, if it is the one that failed.
    fn error_of(&self, section: &str) -> Option<&str> {
        (self.error.section == section)
            .then_some(self.error.message.as_deref())
            .flatten()
    }
}

/// What went wrong with a submitted form, to show next to it with what was typed.
#[derive(Default)]
struct FormError {
    /// `units-{task}`, `split-{target}`, `merge`, `district-row`, `publish`, `item-{id}`.
    section: String,
    field: String,
    message: Option<String>,
    /// The names typed into the failed units form, and those nobody knows.
    typed_lead: Vec<String>,
    typed_responsible: Vec<String>,
    unknown: Vec<UnknownName>,
    /// The failed merge or district-row form, as typed.
    typed: Vec<(String, String)>,
}

impl FormError {
    fn new(section: impl Into<String>, e: StoreError) -> Result<FormError, PageError> {
        let (field, message) = match e {
            StoreError::Invalid { field, message } => (field, message),
            StoreError::Published(message) | StoreError::Conflict(message) => {
                (String::new(), message)
            }
            other => return Err(other.into()),
        };
        Ok(FormError {
            section: section.into(),
            field,
            message: Some(message),
            ..FormError::default()
        })
    }

    fn typed(&self, name: &str) -> &str {
        self.typed
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// `names` with one empty input after them, for the next name.
fn inputs(mut names: Vec<String>) -> Vec<String> {
    names.push(String::new());
    names
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        v.to_string()
    }
}

async fn render(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    error: FormError,
) -> Result<String, PageError> {
    let plan = s.store.plan(plan_id).await?;
    let mut items = Vec::new();
    for item in s
        .store
        .review_items(plan_id)
        .await?
        .into_iter()
        .filter(|r| !r.resolved)
    {
        let (mut lead, mut responsible, mut targets) = Default::default();
        if let Some(task) = item.task_id {
            let detail = s.store.task(task).await?;
            if error.section == format!("units-{task}") {
                (lead, responsible) = (error.typed_lead.clone(), error.typed_responsible.clone());
            } else {
                (lead, responsible) = (detail.row.lead.clone(), detail.row.responsible.clone());
            }
            targets = detail
                .targets
                .iter()
                .map(|t| TargetView {
                    id: t.id,
                    text: t.text.clone(),
                    value: number(t.value),
                    unit: t.unit.clone(),
                })
                .collect();
        }
        items.push(ItemView {
            id: item.id,
            path: item.path,
            line: item.line,
            reason: item.reason,
            task_id: item.task_id,
            lead: inputs(lead),
            responsible: inputs(responsible),
            targets,
        });
    }
    let today = s.today();
    let publish_month = luoshi_reporting::months::default_reporting_start(
        plan.year
            .and_then(|y| i32::try_from(y).ok())
            .unwrap_or(today.year),
        today,
    );
    let amendment_months = if plan.status == "published" {
        (s.store.amendment_month(plan_id, today).await?..=12).collect()
    } else {
        Vec::new()
    };
    let with_targets = luoshi_store::TaskFilter {
        has_target: Some(true),
        ..Default::default()
    };
    let mut leaderless = Vec::new();
    let mut offset = 0;
    loop {
        let page = s.store.tasks(plan_id, &with_targets, offset, 1000).await?;
        let read = page.items.len() as i64;
        leaderless.extend(
            page.items
                .into_iter()
                .filter(|t| t.lead.is_empty())
                .map(|t| t.path),
        );
        offset += read;
        if read == 0 || offset >= page.total {
            break;
        }
    }
    let page = ReviewPage {
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Review).await?,
        leaderless,
        unit_names: s
            .store
            .known_unit_names(plan_id, &s.directory.current())
            .await?,
        districts: s
            .directory
            .current()
            .districts
            .iter()
            .map(|d| d.name.clone())
            .collect(),
        plan,
        items,
        csrf: caller.csrf_token.clone(),
        publish_month,
        amendment_months,
        error,
    };
    page.render()
        .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))
}

pub async fn review(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let body = render(&s, &caller, id, FormError::default()).await?;
    Ok(Html(body).into_response())
}

/// `市科技局、市财政局` → the names, split on 、，,；; and spaces.
fn names(list: &str) -> Vec<String> {
    list.split(['、', '，', ',', '；', ';', ' ', '　'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every value of `key` in a form, in order.
fn all(fields: &[(String, String)], key: &str) -> Vec<String> {
    fields
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

fn one(fields: &[(String, String)], key: &str) -> Option<String> {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

async fn failed(
    s: &AppState,
    caller: &Caller,
    plan: i64,
    status: StatusCode,
    error: FormError,
) -> Result<Response, PageError> {
    Ok((status, Html(render(s, caller, plan, error).await?)).into_response())
}

fn back(plan: i64, anchor: &str) -> Response {
    see_other(&format!("/plans/{plan}/review{anchor}")).into_response()
}

/// 保存责任分工: fields `lead` and `responsible` (one name each, or several with 、), `new_unit`
/// (a name the office adds as a new unit), `reason` and `effective_month` on a published plan.
pub async fn set_units(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((plan, task)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let split = |key| -> Vec<String> { all(&fields, key).iter().flat_map(|v| names(v)).collect() };
    let input = UnitsInput {
        lead: split("lead"),
        responsible: split("responsible"),
        reason: one(&fields, "reason"),
        effective_month: one(&fields, "effective_month").and_then(|m| m.parse().ok()),
        new_units: split("new_unit"),
    };
    match s
        .store
        .set_task_units(
            task,
            &input,
            &s.directory.current(),
            s.today(),
            &caller.actor(),
        )
        .await
    {
        Ok(()) => Ok(back(plan, "")),
        Err(e) => {
            let mut error = FormError::new(format!("units-{task}"), e)?;
            let typed = [&input.lead, &input.responsible];
            for names in typed {
                error.unknown.extend(
                    s.store
                        .unknown_unit_names(plan, names, &input.new_units, &s.directory.current())
                        .await?,
                );
            }
            error.typed_lead = input.lead;
            error.typed_responsible = input.responsible;
            failed(&s, &caller, plan, StatusCode::UNPROCESSABLE_ENTITY, error).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ResolveForm {
    resolution: String,
}

/// 标记为已处理: the office's decision on an item, in words (required).
pub async fn resolve(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((plan, item)): Path<(i64, i64)>,
    Form(form): Form<ResolveForm>,
) -> Result<Response, PageError> {
    match s
        .store
        .resolve_review_item(item, &form.resolution, &caller.actor())
        .await
    {
        Ok(()) => Ok(back(plan, "")),
        Err(e) => {
            let error = FormError::new(format!("item-{item}"), e)?;
            failed(&s, &caller, plan, StatusCode::UNPROCESSABLE_ENTITY, error).await
        }
    }
}

/// 合并写法: every task naming `from` names `into`, and `from` becomes its alias.
pub async fn merge(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let (from, into) = (
        one(&fields, "from").unwrap_or_default(),
        one(&fields, "into").unwrap_or_default(),
    );
    match s
        .store
        .merge_units(plan, &from, &into, &caller.actor())
        .await
    {
        Ok(_) => Ok(back(plan, "#merge")),
        Err(e) => {
            let mut error = FormError::new("merge", e)?;
            error.typed = fields;
            failed(&s, &caller, plan, StatusCode::UNPROCESSABLE_ENTITY, error).await
        }
    }
}

/// 拆分目标: fields `text` and `value`, repeated once per part (two at least).
pub async fn split(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((plan, target)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let section = format!("split-{target}");
    let mut parts = Vec::new();
    for (i, (text, value)) in all(&fields, "text")
        .into_iter()
        .zip(all(&fields, "value"))
        .enumerate()
    {
        if text.trim().is_empty() && value.trim().is_empty() {
            continue;
        }
        let Ok(value) = value.trim().replace([',', '，'], "").parse::<f64>() else {
            let error = FormError {
                section,
                field: format!("parts[{i}].value"),
                message: Some(format!("第 {} 部分的目标值「{value}」不是数字", i + 1)),
                ..FormError::default()
            };
            return failed(&s, &caller, plan, StatusCode::UNPROCESSABLE_ENTITY, error).await;
        };
        parts.push(TargetPart {
            text: text.trim().to_string(),
            value,
            unit: None,
            per_each: None,
        });
    }
    match s.store.split_target(target, &parts, &caller.actor()).await {
        Ok(_) => Ok(back(plan, "")),
        Err(e) => {
            let error = FormError::new(section, e)?;
            failed(&s, &caller, plan, StatusCode::UNPROCESSABLE_ENTITY, error).await
        }
    }
}

/// 增加一区一表行: a row the document did not give a district, added by hand.
pub async fn district_row(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let value = match one(&fields, "value").map(|v| v.replace([',', '，'], "").parse::<f64>()) {
        None => None,
        Some(Ok(v)) => Some(v),
        Some(Err(_)) => {
            let error = FormError {
                section: "district-row".into(),
                field: "value".into(),
                message: Some(format!(
                    "目标值「{}」不是数字",
                    one(&fields, "value").unwrap_or_default()
                )),
                typed: fields,
                ..FormError::default()
            };
            return failed(&s, &caller, plan, StatusCode::UNPROCESSABLE_ENTITY, error).await;
        }
    };
    let input = DistrictRowInput {
        district: one(&fields, "district").unwrap_or_default(),
        text: one(&fields, "text").unwrap_or_default(),
        task_path: one(&fields, "task_path"),
        value,
        unit: one(&fields, "unit"),
        deadline: one(&fields, "deadline"),
        note: one(&fields, "note"),
    };
    match s
        .store
        .add_district_row(plan, &input, &caller.actor())
        .await
    {
        Ok(_) => Ok(back(plan, "#district-row")),
        Err(e) => {
            let mut error = FormError::new("district-row", e)?;
            error.typed = fields;
            failed(&s, &caller, plan, StatusCode::UNPROCESSABLE_ENTITY, error).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    reporting_start: Option<u32>,
}

pub async fn publish(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan): Path<i64>,
    Form(form): Form<PublishForm>,
) -> Result<Response, PageError> {
    let how = luoshi_store::Publishing {
        today: s.today(),
        reporting_start: form.reporting_start,
    };
    match s
        .store
        .publish_with(plan, &s.directory.current(), how, &caller.actor())
        .await
    {
        Ok(()) => Ok(see_other(&format!("/plans/{plan}")).into_response()),
        Err(e) => {
            let status = match e {
                StoreError::Published(_) => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let error = FormError::new("publish", e)?;
            failed(&s, &caller, plan, status, error).await
        }
    }
}
