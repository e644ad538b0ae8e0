//! 主要目标: the plan's headline indicators against pace, each with its course, where its
//! figures come from, and (for the office) the forms that link it to a task target or enter the
//! figures the statistics bureau keeps.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_cadence::indicators::{IndicatorLine, Origin};
use luoshi_evaluation::forecast::precise;
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::redirect::see_other;
use luoshi_store::{IndicatorSource, StoreError};
use serde::Deserialize;

use crate::chart;
use crate::pages::{PageError, number};
use crate::progress::{Badge, Progress};

/// One indicator as the page shows it.
pub struct IndicatorView {
    pub id: i64,
    pub name: String,
    pub text: String,
    pub amount: String,
    /// `关联任务 二、（一）2. …（牵头：市科技局）`, `统计填报`, `未关联`.
    pub origin: String,
    /// `auto`, `target` or `entered`: the form's current choice.
    pub source: String,
    pub target_id: Option<i64>,
    pub badge: Option<Badge>,
    pub latest: String,
    pub warning: Option<String>,
    pub chart: Option<String>,
    /// The office's entered figures, January to December (empty where none).
    pub entered: Vec<String>,
}

pub fn views(lines: Vec<IndicatorLine>, rows: &[luoshi_store::IndicatorRow]) -> Vec<IndicatorView> {
    lines
        .into_iter()
        .map(|line| {
            let row = rows.iter().find(|r| r.id == line.id);
            let origin = match &line.origin {
                Origin::Target {
                    path, lead, found, ..
                } => format!(
                    "{}任务 {path}（牵头单位：{lead}）",
                    if *found {
                        "自动关联"
                    } else {
                        "指定关联"
                    }
                ),
                Origin::Entered => "统计填报".to_string(),
                Origin::Unlinked => {
                    "未关联（没有任务指标写明同一数值；请指定任务指标或改为统计填报）".to_string()
                }
            };
            let course = line.trajectory.as_ref();
            let latest = match line.later_year {
                Some(year) => format!("{year}年目标，不按本年度序时进度评价"),
                None => course
                    .and_then(|c| c.actual.last())
                    .map_or("暂无数据".to_string(), |(m, v)| {
                        format!("{m}月 {}{}", precise(*v), line.unit)
                    }),
            };
            let chart = course.map(|c| {
                chart::course(
                    &line.name,
                    &line.unit,
                    &c.actual,
                    &c.pace,
                    c.forecast.as_ref().map(|f| f.projected),
                )
            });
            let mut entered = vec![String::new(); 12];
            for (m, v) in row.map(|r| r.entered.as_slice()).unwrap_or_default() {
                if let Some(slot) = entered.get_mut((*m as usize).wrapping_sub(1)) {
                    *slot = number(*v);
                }
            }
            IndicatorView {
                id: line.id,
                amount: match line.later_year {
                    Some(year) => format!("{}{}（{year}年）", precise(line.value), line.unit),
                    None => format!("{}{}", precise(line.value), line.unit),
                },
                origin,
                source: row.map(|r| r.source.clone()).unwrap_or_default(),
                target_id: row.and_then(|r| r.target_id),
                badge: course
                    .filter(|_| !line.aspirational)
                    .map(|c| Badge::from(c.evaluation.status)),
                latest,
                warning: course
                    .and_then(|c| c.forecast.as_ref())
                    .and_then(|f| f.warning.clone()),
                chart,
                entered,
                name: line.name,
                text: line.text,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "indicators.html")]
struct IndicatorsPage {
    nav: crate::nav::Nav,
    plan_id: i64,
    plan_title: String,
    label: String,
    indicators: Vec<IndicatorView>,
    /// `(id, "二、（一）2. 新增高新技术企业 2000 家")` for the link form.
    targets: Vec<(i64, String)>,
    office: bool,
    csrf: String,
    error: Option<String>,
}

async fn page(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    error: Option<String>,
) -> Result<String, PageError> {
    if !matches!(
        caller.principal.role,
        luoshi_reporting::Role::Office | luoshi_reporting::Role::Leader
    ) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "主要目标进展仅协调办公室和领导可查看".into(),
        ));
    }
    let plan = s.store.plan(plan_id).await?;
    let progress = Progress::load(s, plan_id)
        .await?
        .ok_or_else(|| PageError::new(StatusCode::NOT_FOUND, "方案尚未发布，没有进展".into()))?;
    let rows = s.store.indicators(plan_id).await?;
    let targets = s
        .store
        .snapshot_with(plan_id, luoshi_store::Texts::None, 0)
        .await?
        .targets
        .iter()
        .map(|t| (t.id, format!("{} {}", t.task_path, t.text)))
        .collect();
    let page = IndicatorsPage {
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Dashboard).await?,
        plan_id,
        plan_title: plan.plan_title.or(plan.title).unwrap_or(plan.source_name),
        label: progress.label.clone(),
        indicators: views(progress.indicators(&rows), &rows),
        targets,
        office: caller.principal.is_office(),
        csrf: caller.csrf_token.clone(),
        error,
    };
    page.render()
        .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))
}

pub async fn indicators(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan_id): Path<i64>,
) -> Result<Html<String>, PageError> {
    page(&s, &caller, plan_id, None).await.map(Html)
}

/// The page again with what was refused, as a 422.
async fn refused(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    message: String,
) -> Result<Response, PageError> {
    let body = page(s, caller, plan_id, Some(message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
}

/// The indicator, if it is the plan's.
async fn own_indicator(s: &AppState, plan_id: i64, indicator: i64) -> Result<(), PageError> {
    if s.store
        .indicators(plan_id)
        .await?
        .iter()
        .any(|i| i.id == indicator)
    {
        Ok(())
    } else {
        Err(PageError::new(
            StatusCode::NOT_FOUND,
            format!("方案 {plan_id} 没有主要目标 {indicator}"),
        ))
    }
}

#[derive(Debug, Deserialize)]
pub struct SourceForm {
    source: String,
    #[serde(default)]
    target_id: String,
}

pub async fn set_source(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((plan_id, indicator)): Path<(i64, i64)>,
    Form(form): Form<SourceForm>,
) -> Result<Response, PageError> {
    own_indicator(&s, plan_id, indicator).await?;
    let source = match form.source.as_str() {
        "auto" => IndicatorSource::Auto,
        "entered" => IndicatorSource::Entered,
        "target" => match form.target_id.trim().parse() {
            Ok(id) => IndicatorSource::Target(id),
            Err(_) => {
                return refused(&s, &caller, plan_id, "请选择要关联的任务指标".into()).await;
            }
        },
        other => {
            return refused(&s, &caller, plan_id, format!("数据来源“{other}”无法识别")).await;
        }
    };
    match s
        .store
        .set_indicator_source(indicator, source, &caller.actor())
        .await
    {
        Ok(_) => Ok(see_other(&format!("/plans/{plan_id}/indicators")).into_response()),
        Err(StoreError::Invalid { message, .. }) => refused(&s, &caller, plan_id, message).await,
        Err(e) => Err(e.into()),
    }
}

/// Twelve fields `m1`…`m12`; an empty field clears that month.
pub async fn set_values(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((plan_id, indicator)): Path<(i64, i64)>,
    Form(form): Form<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    own_indicator(&s, plan_id, indicator).await?;
    // Every field is read before anything is written, so a bad one changes nothing.
    let mut figures = Vec::new();
    for month in 1..=12u32 {
        let text = form
            .get(&format!("m{month}"))
            .map(|v| v.trim().replace([',', '，'], ""))
            .unwrap_or_default();
        let value = if text.is_empty() {
            None
        } else {
            match text.parse::<f64>() {
                Ok(v) if v.is_finite() => Some(v),
                _ => {
                    return refused(
                        &s,
                        &caller,
                        plan_id,
                        format!("{month} 月的数值“{text}”无法识别，请填写数字"),
                    )
                    .await;
                }
            }
        };
        figures.push((month, value));
    }
    s.store
        .set_indicator_values(indicator, &figures, &caller.actor())
        .await?;
    Ok(see_other(&format!("/plans/{plan_id}/indicators")).into_response())
}
