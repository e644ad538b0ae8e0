//! Page handlers: read the ledger, fill a template.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::redirect::see_other;
use luoshi_store::*;
use serde::Deserialize;

use crate::chart;
use crate::download::{self, district_rows};

const STYLESHEET: &str = include_str!("luoshi.css");

/// Draft plans are the office's work in progress: others see published plans only.
pub(crate) async fn visible(s: &AppState, caller: &Caller, plan_id: i64) -> Result<(), PageError> {
    if caller.principal.is_office() || s.store.plan(plan_id).await?.status == "published" {
        Ok(())
    } else {
        Err(PageError(
            StatusCode::NOT_FOUND,
            format!("方案 {plan_id} 不存在或尚未发布"),
        ))
    }
}

/// A page that went wrong, as a page.
pub struct PageError(StatusCode, String);

impl PageError {
    pub fn new(status: StatusCode, message: String) -> PageError {
        PageError(status, message)
    }

    pub fn internal(message: String) -> PageError {
        PageError(StatusCode::INTERNAL_SERVER_ERROR, message)
    }
}

impl From<luoshi_server::ApiError> for PageError {
    fn from(e: luoshi_server::ApiError) -> PageError {
        PageError(e.status, e.body.error)
    }
}

/// What a refused store action says on its page — its status and words; any other failure is
/// the server's own error.
pub(crate) fn refusal(e: StoreError) -> Result<(StatusCode, String), PageError> {
    let e = luoshi_server::ApiError::from(e);
    if e.status.is_client_error() {
        Ok((e.status, e.body.error))
    } else {
        Err(e.into())
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        let status = match &e {
            StoreError::NotFound { .. } => StatusCode::NOT_FOUND,
            StoreError::Forbidden(_) => StatusCode::FORBIDDEN,
            StoreError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            StoreError::Conflict(_) | StoreError::Published(_) => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        PageError(status, e.to_string())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    message: &'a str,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let body = ErrorPage { message: &self.1 }
            .render()
            .unwrap_or_else(|_| self.1.clone());
        (self.0, Html(body)).into_response()
    }
}

pub(crate) fn render(page: impl Template) -> Result<Html<String>, PageError> {
    page.render().map(Html).map_err(|e| {
        PageError(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("页面生成失败：{e}"),
        )
    })
}

pub async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLESHEET,
    )
}

pub struct UnitCount {
    name: String,
    lead_count: i64,
    responsible_count: i64,
}

pub struct IndicatorView {
    name: String,
    amount: String,
    text: String,
}

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    nav: crate::nav::Nav,
    title: String,
    plan: PlanSummary,
    indicators: Vec<IndicatorView>,
    sections: Vec<SectionRow>,
    leads: Vec<UnitCount>,
    open_items: Vec<ReviewItem>,
    lead_chart: String,
    district_chart: String,
    section_chart: String,
    /// After which month the statuses are; none before publishing.
    standing_label: Option<String>,
    plan_badge: Option<crate::progress::Badge>,
    /// Targets counted by status (力争 targets apart).
    status_counts: Vec<(crate::progress::Badge, usize)>,
    /// Tasks without a numeric target counted by status.
    plain_counts: Vec<(crate::progress::Badge, usize)>,
    /// Each section's status, by section path.
    section_badges: std::collections::HashMap<String, crate::progress::Badge>,
    /// Amendments with their time in Beijing time and effective month, oldest first.
    amendments: Vec<(String, luoshi_store::AmendmentRow)>,
}

pub(crate) fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A stored qualifier in the plan's words (以上, 超过, 左右, 不超过, 区间); nothing for an exact value.
pub fn qualifier_label(code: &str) -> &'static str {
    match code {
        "at_least" => "以上",
        "more_than" => "超过",
        "about" => "左右",
        "at_most" => "不超过",
        "range" => "区间",
        _ => "",
    }
}

/// `10场以上`, `1—2个`: a target's value with its qualifier, as the table prints it.
fn amount(value: f64, max: Option<f64>, unit: &str, qualifier: &str) -> String {
    let v = number(value);
    match (qualifier, max) {
        ("range", Some(m)) => format!("{v}—{}{unit}", number(m)),
        ("at_least", _) => format!("{v}{unit}以上"),
        ("about", _) => format!("{v}{unit}左右"),
        ("more_than", _) => format!("超过{v}{unit}"),
        ("at_most", _) => format!("不超过{v}{unit}"),
        _ => format!("{v}{unit}"),
    }
}

pub async fn overview(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    visible(&s, &caller, id).await?;
    let plan = s.store.plan(id).await?;
    let indicators = s
        .store
        .indicators(id)
        .await?
        .into_iter()
        .map(|i| IndicatorView {
            amount: amount(i.value, i.max, &i.unit, &i.qualifier),
            name: i.name,
            text: i.text,
        })
        .collect();
    let sections = s.store.sections(id).await?;
    let leads: Vec<UnitCount> = s
        .store
        .unit_counts(id)
        .await?
        .into_iter()
        .filter(|u| u.1 > 0)
        .map(|(name, lead_count, responsible_count)| UnitCount {
            name,
            lead_count,
            responsible_count,
        })
        .collect();
    let open_items = s
        .store
        .review_items(id)
        .await?
        .into_iter()
        .filter(|r| !r.resolved)
        .collect();
    let title = plan
        .plan_title
        .clone()
        .or(plan.title.clone())
        .unwrap_or_else(|| format!("方案 {id}"));
    let lead_chart = chart::bars(
        "各单位牵头任务数",
        &leads
            .iter()
            .take(15)
            .map(|u| (u.name.clone(), u.lead_count))
            .collect::<Vec<_>>(),
    );
    let per_district = s.store.district_counts(id).await?;
    let district_chart = chart::bars("各区承担任务数", &per_district);
    // Numeric targets per section: each task's count added to the section it sits in or under.
    let all_tasks = s
        .store
        .tasks(id, &TaskFilter::default(), 0, 1000)
        .await?
        .items;
    let per_section: Vec<(String, i64)> = sections
        .iter()
        .filter(|x| x.level > 1)
        .map(|x| {
            let below = format!("{}.", x.path);
            let targets = all_tasks
                .iter()
                .filter(|t| t.section_path == x.path || t.section_path.starts_with(&below))
                .map(|t| t.target_count)
                .sum();
            (x.title.clone(), targets)
        })
        .collect();
    let section_chart = chart::bars("各部分量化目标数", &per_section);
    let progress = crate::progress::Progress::load(&s, id).await?;
    let (plan_badge, status_counts) = progress.as_ref().map(|p| p.plan()).unwrap_or_default();
    let section_badges = progress
        .as_ref()
        .map(|p| {
            sections
                .iter()
                .filter_map(|sec| Some((sec.path.clone(), p.section(&sec.path)?)))
                .collect()
        })
        .unwrap_or_default();
    let amendments = s
        .store
        .amendments(id)
        .await?
        .into_iter()
        .map(|a| {
            let at = luoshi_reporting::beijing_time(&a.at).unwrap_or_else(|| a.at.clone());
            (at, a)
        })
        .collect();
    render(OverviewPage {
        nav: crate::nav::Nav::build(&s, &caller, Some(id), crate::nav::Here::Plans).await?,
        plain_counts: progress
            .as_ref()
            .map(|p| p.plain_counts())
            .unwrap_or_default(),
        amendments,
        standing_label: progress.map(|p| p.label),
        plan_badge,
        status_counts,
        section_badges,
        title,
        plan,
        indicators,
        sections,
        leads,
        open_items,
        lead_chart,
        district_chart,
        section_chart,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct TaskQuery {
    section: Option<String>,
    unit: Option<String>,
    district: Option<String>,
    text: Option<String>,
    role: Option<String>,
    has_target: Option<String>,
    aspirational: Option<String>,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    nav: crate::nav::Nav,
    plan_id: i64,
    section: String,
    unit: String,
    district: String,
    text: String,
    role: String,
    has_target: bool,
    aspirational: bool,
    error: Option<String>,
    total: i64,
    tasks: Vec<TaskRow>,
    /// Each task's status (the worst of its targets) after `standing_label`, by task id.
    badges: std::collections::HashMap<i64, crate::progress::Badge>,
    standing_label: Option<String>,
}

pub async fn tasks(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<TaskQuery>,
) -> Result<Html<String>, PageError> {
    visible(&s, &caller, id).await?;
    let role = q.role.clone().filter(|r| r == "lead" || r == "responsible");
    let checked = |v: &Option<String>| v.as_deref().is_some_and(|v| v == "1" || v == "on");
    let (has_target, aspirational) = (checked(&q.has_target), checked(&q.aspirational));
    let filter = TaskFilter {
        unit: q.unit.clone(),
        district: q.district.clone(),
        section: q.section.clone(),
        role: role.clone(),
        text: q.text.clone(),
        has_target: has_target.then_some(true),
        aspirational: aspirational.then_some(true),
    };
    let (error, total, tasks) = match s.store.tasks(id, &filter, 0, 1000).await {
        Ok(page) => (None, page.total, page.items),
        // A filter naming an unknown district is shown next to the form, not as an error page.
        Err(StoreError::Invalid { message, .. }) => (Some(message), 0, Vec::new()),
        Err(e) => return Err(e.into()),
    };
    let progress = crate::progress::Progress::load(&s, id).await?;
    let badges = progress
        .as_ref()
        .map(|p| {
            tasks
                .iter()
                .filter_map(|t| Some((t.id, p.task(t.id)?)))
                .collect()
        })
        .unwrap_or_default();
    render(TasksPage {
        nav: crate::nav::Nav::build(&s, &caller, Some(id), crate::nav::Here::Tasks).await?,
        plan_id: id,
        section: q.section.unwrap_or_default(),
        unit: q.unit.unwrap_or_default(),
        district: q.district.unwrap_or_default(),
        text: q.text.unwrap_or_default(),
        role: role.unwrap_or_default(),
        has_target,
        aspirational,
        error,
        total,
        tasks,
        badges,
        standing_label: progress.map(|p| p.label),
    })
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    nav: crate::nav::Nav,
    task: TaskDetail,
    /// The text in pieces: 0 plain, 1 a target, 2 the annotation.
    pieces: Vec<(String, u8)>,
    /// Each target with its milestones as typed (`9:50, 12:100`) and as read (`9月 50%`).
    targets: Vec<(TargetRow, String, String)>,
    /// After which month the statuses are (`2021年6月`); none before publishing.
    standing_label: Option<String>,
    /// The task's status: the worst of its targets.
    task_badge: Option<crate::progress::Badge>,
    /// Each target's standing and its course through the year (an SVG chart), by target id.
    standings: std::collections::HashMap<i64, (crate::progress::CellStanding, String)>,
    office: bool,
    csrf: String,
    error: Option<String>,
    /// No numeric target: tracked by its lead's word, deadline and 销号.
    plain: Option<luoshi_cadence::tasks::TaskLine>,
    closures: Vec<luoshi_store::TaskClosure>,
    /// The office may close it (销号) or reopen it here.
    closable: bool,
    /// It stands closed.
    closed: bool,
    /// Its milestones (节点), as shown and as typed in the form.
    task_milestones: Vec<(u32, String)>,
    task_milestones_typed: String,
    /// 领导批示 on the task, its targets, its orders and its items in documents.
    list: crate::instructions::OnPage,
}

/// Splits the task's text at its targets and annotation so the page can highlight them.
fn pieces(task: &TaskDetail) -> Vec<(String, u8)> {
    let text = &task.text;
    let mut marks: Vec<(usize, usize, u8)> = task
        .targets
        .iter()
        .filter_map(|t| t.span.map(|[a, b]| (a as usize, b as usize, 1)))
        .filter(|&(a, b, _)| {
            a < b && text.is_char_boundary(a) && text.is_char_boundary(b) && b <= text.len()
        })
        .collect();
    if let Some(annotation) = &task.annotation
        && let Some(pos) = text.find(annotation.as_str())
    {
        marks.push((pos, pos + annotation.len(), 2));
    }
    marks.sort();
    let mut out = Vec::new();
    let mut at = 0;
    for (a, b, kind) in marks {
        if a < at {
            continue;
        }
        if a > at {
            out.push((text[at..a].to_string(), 0));
        }
        out.push((text[a..b].to_string(), kind));
        at = b;
    }
    if at < text.len() {
        out.push((text[at..].to_string(), 0));
    }
    out
}

pub async fn task(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    task_page(&s, &caller, id, None).await.map(Html)
}

/// The task page, with an error under the milestone forms when a change was refused.
pub(crate) async fn task_page(
    s: &AppState,
    caller: &Caller,
    id: i64,
    error: Option<String>,
) -> Result<String, PageError> {
    let task = s.store.task(id).await?;
    visible(s, caller, task.row.plan_id).await?;
    let pieces = pieces(&task);
    let mut milestones = Vec::new();
    for t in &task.targets {
        let list = s.store.milestones(t.id).await?;
        let typed = list
            .iter()
            .map(|m| format!("{}:{}", m.month, number(m.fraction * 100.0)))
            .collect::<Vec<_>>()
            .join(", ");
        let read = if list.is_empty() {
            "按月均衡".to_string()
        } else {
            list.iter()
                .map(|m| format!("{}月 {}%", m.month, number(m.fraction * 100.0)))
                .collect::<Vec<_>>()
                .join("；")
        };
        milestones.push((t.clone(), typed, read));
    }
    let progress = crate::progress::Progress::load(s, task.row.plan_id).await?;
    let mut standings = std::collections::HashMap::new();
    if let Some(p) = &progress {
        let ids: Vec<i64> = task.targets.iter().map(|t| t.id).collect();
        let courses = p.courses(&ids);
        for t in &task.targets {
            let (Some(standing), Some(course)) = (p.target(t.id), courses.get(&t.id)) else {
                continue;
            };
            let chart = chart::course(
                &format!("{}：{}年内走势", t.text, p.label.get(..4).unwrap_or("")),
                &t.unit,
                &course.actual,
                &course.pace,
                course.forecast.as_ref().map(|f| f.projected),
            );
            standings.insert(t.id, (standing, chart));
        }
    }
    let published = s.store.plan(task.row.plan_id).await?.status == "published";
    let closures = s.store.task_closures(task.row.id).await?;
    let task_milestones = s.store.task_milestones(task.row.id).await?;
    let no_number = task.targets.iter().all(|t| t.kind == "existing_count");
    let list = crate::instructions::OnPage::new(
        caller,
        s.store.task_instructions(task.row.id).await?,
        s.today(),
        task.row.plan_id,
        &format!("task:{}", task.row.id),
    );
    let list = crate::instructions::OnPage {
        write_link: list.write_link.filter(|_| published),
        ..list
    };
    let page = TaskPage {
        list,
        nav: crate::nav::Nav::build(s, caller, Some(task.row.plan_id), crate::nav::Here::Tasks)
            .await?,
        plain: progress
            .as_ref()
            .and_then(|p| p.plain_task(task.row.id).cloned()),
        closed: closures.iter().any(|c| c.in_force()),
        task_milestones_typed: task_milestones
            .iter()
            .map(|(m, t)| format!("{m}：{t}"))
            .collect::<Vec<_>>()
            .join("\n"),
        task_milestones,
        closures,
        closable: published && no_number && caller.principal.is_office(),
        standing_label: progress.as_ref().map(|p| p.label.clone()),
        task_badge: progress.as_ref().and_then(|p| p.task(task.row.id)),
        standings,
        task,
        pieces,
        targets: milestones,
        office: caller.principal.is_office(),
        csrf: caller.csrf_token.clone(),
        error,
    };
    page.render()
        .map_err(|e| PageError::internal(format!("页面生成失败：{e}")))
}

#[derive(Debug, Deserialize)]
pub struct MilestoneForm {
    #[serde(default)]
    milestones: String,
}

/// `9:50, 12:100` → milestones (month, per cent); what is wrong, named, otherwise.
fn parse_milestones(text: &str) -> Result<Vec<luoshi_store::Milestone>, String> {
    text.split([',', '，', '、', ';', '；', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (month, percent) = pair
                .split_once([':', '：'])
                .ok_or_else(|| format!("「{pair}」应写成 月:百分比，如 9:50"))?;
            let month = month
                .trim()
                .trim_end_matches('月')
                .parse::<u32>()
                .map_err(|_| format!("「{pair}」中的月份不是数字"))?;
            let percent = percent
                .trim()
                .trim_end_matches('%')
                .parse::<f64>()
                .map_err(|_| format!("「{pair}」中的百分比不是数字"))?;
            Ok(luoshi_store::Milestone {
                month,
                fraction: percent / 100.0,
            })
        })
        .collect()
}

pub async fn set_milestones(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((task, target)): Path<(i64, i64)>,
    Form(form): Form<MilestoneForm>,
) -> Result<Response, PageError> {
    let detail = s.store.task(task).await?;
    if !detail.targets.iter().any(|t| t.id == target) {
        return Err(PageError(
            StatusCode::NOT_FOUND,
            format!("任务 {task} 没有指标 {target}"),
        ));
    }
    let refused = |message: String| async {
        let body = task_page(&s, &caller, task, Some(message)).await?;
        Ok::<Response, PageError>((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
    };
    let milestones = match parse_milestones(&form.milestones) {
        Ok(m) => m,
        Err(message) => return refused(message).await,
    };
    match s
        .store
        .set_milestones(target, &milestones, &caller.actor())
        .await
    {
        Ok(_) => Ok(see_other(&format!("/tasks/{task}")).into_response()),
        Err(StoreError::Invalid { message, .. }) => refused(message).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "districts.html")]
struct DistrictsPage {
    nav: crate::nav::Nav,
    plan_id: i64,
    groups: Vec<(String, Vec<String>)>,
    /// The office allocates city targets to the districts from here.
    office: bool,
}

pub async fn districts(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    visible(&s, &caller, id).await?;
    s.store.plan(id).await?;
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for d in s.store.districts().await? {
        let group = d.group.unwrap_or_else(|| "其他".into());
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, names)) => names.push(d.name),
            None => groups.push((group, vec![d.name])),
        }
    }
    render(DistrictsPage {
        nav: crate::nav::Nav::build(&s, &caller, Some(id), crate::nav::Here::Districts).await?,
        plan_id: id,
        groups,
        office: caller.principal.is_office(),
    })
}

#[derive(Template)]
#[template(path = "district.html")]
struct DistrictPage {
    nav: crate::nav::Nav,
    table: DistrictTable,
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
    standing_label: Option<String>,
    district_badge: Option<crate::progress::Badge>,
    /// `(path, target, share, standing)` of every share the district owes.
    standings: Vec<(String, String, String, crate::progress::CellStanding)>,
    /// `(path, title, status, its own word)` of the tasks without a number it answers for.
    plain: Vec<(String, String, crate::progress::Badge, String)>,
}

/// A district's own part of a group's words (`江岸区：按计划推进；江汉区：滞后…`).
fn own_word(words: &str, district: &str) -> String {
    words
        .split('；')
        .find_map(|w| w.strip_prefix(district)?.strip_prefix('：'))
        .unwrap_or(words)
        .to_string()
}

pub async fn district(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Html<String>, PageError> {
    visible(&s, &caller, id).await?;
    let table = s.store.district_table(id, &name).await?;
    let rows = district_rows(&table);
    let progress = crate::progress::Progress::load(&s, id).await?;
    let (district_badge, standings) = match &progress {
        Some(p) => {
            let (badge, lines) = p.district(&table.district.name);
            let lines = lines
                .into_iter()
                .map(|(d, st)| {
                    (
                        d.path.clone(),
                        d.target.clone(),
                        format!("{}{}", number(d.share), d.unit),
                        st,
                    )
                })
                .collect();
            (badge, lines)
        }
        None => (None, Vec::new()),
    };
    let plain = progress
        .as_ref()
        .map(|p| {
            p.plain_tasks_of(&table.district.government)
                .into_iter()
                .map(|(t, badge)| {
                    (
                        t.path.clone(),
                        t.title.clone(),
                        badge,
                        own_word(
                            t.confirmation.as_deref().unwrap_or_default(),
                            &table.district.name,
                        ),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    render(DistrictPage {
        nav: crate::nav::Nav::build(&s, &caller, Some(id), crate::nav::Here::Districts).await?,
        standing_label: progress.map(|p| p.label),
        district_badge,
        standings,
        plain,
        table,
        headers: download::DISTRICT_COLUMNS.iter().map(|(h, _)| *h).collect(),
        rows,
    })
}

pub async fn district_xlsx(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    visible(&s, &caller, id).await?;
    let table = s.store.district_table(id, &name).await?;
    let bytes = download::district_sheet(&table, s.demo)
        .map_err(|e| PageError::internal(format!("生成 xlsx 失败：{e}")))?;
    let file = format!("{}-一区一表.xlsx", table.district.name);
    Ok(download::attachment(
        bytes,
        &file,
        "district-table.xlsx",
        download::XLSX,
    ))
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    nav: crate::nav::Nav,
    plan_id: i64,
    unit: String,
    leads: Vec<AssignmentRow>,
    shares: Vec<AssignmentRow>,
    districts: Vec<String>,
    standing_label: Option<String>,
    unit_badge: Option<crate::progress::Badge>,
    /// `(path, target, standing)` of every target the unit leads.
    standings: Vec<(String, String, crate::progress::CellStanding)>,
}

/// Everything a unit leads and shares in a plan, and the districts it works with there.
pub async fn unit(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Html<String>, PageError> {
    visible(&s, &caller, id).await?;
    let own = s.store.assignments(id, Some(&name), None).await?;
    if own.is_empty()
        && !s
            .store
            .units(Some(id))
            .await?
            .iter()
            .any(|u| u.name == name || u.aliases.contains(&name))
    {
        return Err(PageError(
            StatusCode::NOT_FOUND,
            format!("名录中没有单位「{name}」"),
        ));
    }
    let unit = own.first().map(|a| a.unit.clone()).unwrap_or(name);
    let mut leads: Vec<AssignmentRow> = Vec::new();
    let mut shares: Vec<AssignmentRow> = Vec::new();
    for a in own {
        let list = if a.role == "lead" {
            &mut leads
        } else {
            &mut shares
        };
        if !list.iter().any(|b| b.task_id == a.task_id) {
            list.push(a);
        }
    }
    let tasks: std::collections::HashSet<i64> =
        leads.iter().chain(&shares).map(|a| a.task_id).collect();
    let mut districts: Vec<String> = Vec::new();
    for a in s.store.assignments(id, None, None).await? {
        if let Some(d) = a.district
            && tasks.contains(&a.task_id)
            && !districts.contains(&d)
        {
            districts.push(d);
        }
    }
    let progress = crate::progress::Progress::load(&s, id).await?;
    let (unit_badge, standings) = match &progress {
        Some(p) => {
            let (badge, rows) = p.unit(&unit);
            let rows = rows
                .into_iter()
                .map(|(line, st)| (line.path.clone(), line.target.clone(), st))
                .collect();
            (badge, rows)
        }
        None => (None, Vec::new()),
    };
    render(UnitPage {
        nav: crate::nav::Nav::build(&s, &caller, Some(id), crate::nav::Here::Tasks).await?,
        standing_label: progress.map(|p| p.label),
        unit_badge,
        standings,
        plan_id: id,
        unit,
        leads,
        shares,
        districts,
    })
}
