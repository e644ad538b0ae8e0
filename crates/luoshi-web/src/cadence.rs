//! The cadence's documents as pages and downloads — the monthly bulletin, the quarterly summary,
//! the half-year review, the assessment — computed live or as issued (印发), and the leader
//! dashboard; the 演示数据 banner of a demonstration ledger.

use crate::pages::PageError;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::Caller;
use luoshi_server::reporting as api;
use luoshi_store::*;
use serde::Deserialize;

use crate::reporting::*;

#[derive(Debug, Default, Deserialize)]
pub struct BulletinQuery {
    #[serde(default)]
    pub(crate) format: Option<String>,
}

/// A document of the cadence — the monthly bulletin (`2021-06`), the quarterly summary
/// (`2021-Q2`), the half-year review (`2021-H1`), the assessment (`2021`) — as a printable page,
/// .docx or .xlsx. Once issued (印发), every download is the issued copy and the page lists what
/// the ledger now says differently; before, it is computed live and marked 未印发. Circulated to
/// every unit, so every signed-in user may read it (the assessment: see `ScoreScope`).
pub async fn bulletin(
    State(s): State<AppState>,
    caller: Caller,
    Path((plan_id, key)): Path<(i64, String)>,
    Query(q): Query<BulletinQuery>,
) -> Result<Response, PageError> {
    use luoshi_cadence::{Cadence, Format};
    use luoshi_server::issuing;
    let format = match q.format.as_deref() {
        None | Some("") => Format::Html,
        Some(f) => Format::parse(f).ok_or_else(|| {
            PageError::new(
                StatusCode::BAD_REQUEST,
                format!("format「{f}」无效：应为 docx、xlsx 或 html"),
            )
        })?,
    };
    let cadence = issuing::cadence_of(&s, plan_id, &key).await?;
    let scope = caller.principal.score_scope();
    if cadence == Cadence::Annual && scope == luoshi_reporting::ScoreScope::Nothing {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "年度考核结果只对协调办公室、领导和被考核单位本身开放".into(),
        ));
    }
    let (_, live) = issuing::live_document(&s, plan_id, &key, &scope).await?;
    let whole = if scope == luoshi_reporting::ScoreScope::All {
        live.clone()
    } else {
        issuing::live_document(&s, plan_id, &key, &luoshi_reporting::ScoreScope::All)
            .await?
            .1
    };
    let mut standing = issuing::standing(&s, plan_id, &key, &whole).await?;
    let issued = issuing::reads_issued(cadence, &scope);
    if !issued {
        // Only the lines of the score sheets this reader may see.
        let mine = |line: &String| line.split('｜').any(|cell| scope.covers(cell));
        standing.changed.0.retain(mine);
        standing.changed.1.retain(mine);
    }
    let stored = standing.latest().filter(|_| issued).cloned();
    if format == Format::Html {
        let base = format!("/plans/{plan_id}/bulletins/{key}");
        // The role's own navigation (never a link that would answer 403), then the downloads.
        let nav =
            crate::nav::Nav::build(&s, &caller, Some(plan_id), crate::nav::Here::Issues).await?;
        let mut links = nav.pairs();
        links.push(("下载 Word（公文版式）", format!("{base}?format=docx")));
        links.push(("下载 Excel", format!("{base}?format=xlsx")));
        let notices = standing.notices(cadence);
        let page = match &stored {
            Some(issue) => {
                let html = issuing::issued_bytes(&s, issue, Format::Html).await?;
                // The issued page as stored, with this visit's links and notices above it.
                luoshi_cadence::html::with_chrome(&String::from_utf8_lossy(&html), &links, &notices)
            }
            None => luoshi_cadence::html::render_page(&live, &links, &notices),
        };
        return Ok(Html(page).into_response());
    }
    let bytes = match &stored {
        Some(issue) => issuing::issued_bytes(&s, issue, format).await?,
        None => {
            luoshi_cadence::render(&live, format).map_err(|e| PageError::internal(e.to_string()))?
        }
    };
    let label = live.subtitle.trim_matches(['（', '）']).to_string();
    let number = stored
        .map(|i| format!("（第{}期）", i.number))
        .unwrap_or_default();
    Ok(api::download(
        bytes,
        format.content_type(),
        &format!("{}{number}.{}", cadence.titled(&label), format.extension()),
    ))
}

/// Puts a 演示数据 banner at the top of every page of a demonstration ledger.
pub async fn demo_banner(State(s): State<AppState>, response: Response) -> Response {
    let is_html = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !s.demo || !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "页面过大").into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let banner = "<body>\n<div class=\"demo-banner\" role=\"note\">演示数据 · 本台账为模拟的一年报送，仅供演示</div>";
    let marked = html.replacen("<body>", banner, 1);
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(marked))
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    nav: crate::nav::Nav,
    pub(crate) plan: PlanSummary,
    pub(crate) periods: Vec<PeriodOption>,
    pub(crate) period: PeriodRow,
    /// (label, count, colour class)
    pub(crate) cards: Vec<(&'static str, usize, &'static str)>,
    pub(crate) due: usize,
    pub(crate) reported: usize,
    pub(crate) mean: String,
    pub(crate) trend: String,
    pub(crate) warnings: Vec<String>,
    /// Targets due this month with no figure: no forecast can be made for them.
    pub(crate) unreported: usize,
    /// Targets due this month.
    pub(crate) targets_due: usize,
    /// Tasks without a numeric target by status: `(label, how many, colour)`.
    pub(crate) plain: Vec<(&'static str, usize, &'static str)>,
    pub(crate) ranking: Vec<(String, u32, String, String, String, String)>,
    pub(crate) indicators: Vec<crate::indicators::IndicatorView>,
}

/// The leader dashboard: counts by status, the trend month by month, year-end warnings, district
/// ranking and the headline goals, on one printable page.
pub async fn dashboard(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan_id): Path<i64>,
    Query(q): Query<PeriodQuery>,
) -> Result<Response, PageError> {
    use luoshi_evaluation::Status;
    use luoshi_evaluation::forecast::thousands;
    office_or_leader(&caller).await?;
    let plan = s.store.plan(plan_id).await?;
    if plan.status != "published" {
        return Err(PageError::new(StatusCode::NOT_FOUND, "方案尚未发布".into()));
    }
    let (period, periods) = chosen_month(&s, plan_id, q.period.as_deref()).await?;
    let month = month_number(&period.key).unwrap_or(1);
    let snapshot = s
        .store
        .snapshot_with(plan_id, luoshi_store::Texts::None, month)
        .await?;
    let (rules, _) = luoshi_cadence::rules_of(&s.store.plan_rules(plan_id).await?);
    // One index of the ledger for the months' trend and the indicators' courses.
    let ledger = luoshi_cadence::Ledger::through(&snapshot, month);
    let months = ledger.bulletins_through(month, &rules);
    let Some(now) = months.last() else {
        return Err(PageError::new(
            StatusCode::NOT_FOUND,
            "该方案没有填报期间".into(),
        ));
    };
    let counts = now.counts();
    let count = |st: Status| counts.iter().find(|(c, _)| *c == st).map_or(0, |(_, n)| *n);
    let mut cards: Vec<(&str, usize, &str)> = Status::ALL
        .iter()
        .map(|st| (st.label(), count(*st), st.colour()))
        .collect();
    // Once the plan has 督办单: how many are open, and how many of those are overdue.
    let orders = s.store.supervision_orders(plan_id).await?;
    if !orders.is_empty() {
        let open: Vec<_> = orders
            .iter()
            .filter(|o| o.state != luoshi_reporting::followup::OrderState::Closed)
            .collect();
        let overdue = open
            .iter()
            .filter(|o| o.overdue(s.today()) || o.overdue_on.is_some())
            .count();
        cards.push(("未办结督办单", open.len(), "yellow"));
        cards.push(("逾期督办单", overdue, "red"));
    }
    // Once the plan has 领导批示: how many wait for their answer, and how many are overdue.
    let instructions = s.store.instructions(plan_id).await?;
    if instructions
        .iter()
        .any(|i| i.kind == luoshi_store::InstructionKind::Instruction)
    {
        let waiting = instructions.iter().filter(|i| i.awaits_answer()).count();
        let overdue = instructions.iter().filter(|i| i.overdue(s.today())).count();
        cards.push(("未办理批示", waiting, "yellow"));
        cards.push(("逾期未办理批示", overdue, "red"));
    }
    let series = |pick: &dyn Fn(Status) -> bool| -> Vec<i64> {
        months
            .iter()
            .map(|b| {
                b.counts()
                    .iter()
                    .filter(|(st, _)| pick(*st))
                    .map(|(_, n)| *n as i64)
                    .sum()
            })
            .collect()
    };
    let labels: Vec<String> = (1..=months.len()).map(|m| format!("{m}月")).collect();
    let trend = crate::chart::trend(
        "指标状态走势（项）",
        &labels,
        &[
            (
                "完成及符合序时",
                "#1a7f37",
                series(&|st| matches!(st, Status::Completed | Status::OnPace)),
            ),
            (
                "滞后及未启动",
                "#e0a800",
                series(&|st| matches!(st, Status::Lagging | Status::NotStarted)),
            ),
            (
                "严重滞后及未报送",
                "#b00020",
                series(&|st| matches!(st, Status::SeriouslyLagging | Status::NotReported)),
            ),
        ],
    );
    let measured: Vec<f64> = now
        .targets
        .iter()
        .filter(|t| !t.aspirational)
        .filter_map(|t| t.evaluation.progress)
        .map(|p| p.clamp(0.0, 1.0))
        .collect();
    let mean = if measured.is_empty() {
        "—".to_string()
    } else {
        format!(
            "{:.1}%",
            measured.iter().sum::<f64>() * 100.0 / measured.len() as f64
        )
    };
    let warnings = now
        .targets
        .iter()
        .filter_map(|t| {
            t.warning
                .as_ref()
                .map(|w| format!("{} {}（{}）：{w}", t.path, t.target, t.lead))
        })
        .take(15)
        .collect();
    let ranking = luoshi_cadence::halfyear::ranking(&snapshot, &months)
        .into_iter()
        .filter(|sc| sc.group.as_deref() != Some(luoshi_cadence::halfyear::UNIT_GROUP))
        .map(|sc| {
            (
                sc.group.clone().unwrap_or_default(),
                sc.rank,
                sc.name.clone(),
                thousands(sc.total),
                thousands(sc.completion),
                thousands(sc.discipline),
            )
        })
        .collect();
    let rows = s.store.indicators(plan_id).await?;
    let indicators = crate::indicators::views(ledger.indicator_lines(&rows, month, &rules), &rows);
    let unreported = now.targets.iter().filter(|t| t.actual.is_none()).count();
    let plain = Status::ALL
        .iter()
        .map(|st| {
            let n = now.tasks.iter().filter(|t| t.status == *st).count();
            (st.label(), n, st.colour())
        })
        .filter(|(_, n, _)| *n > 0)
        .collect();
    let page = DashboardPage {
        nav: crate::nav::Nav::build(&s, &caller, Some(plan_id), crate::nav::Here::Dashboard)
            .await?,
        plain,
        unreported,
        targets_due: now.targets.len(),
        due: now.reports_due,
        reported: now.reports_in,
        plan,
        periods,
        period,
        cards,
        mean,
        trend,
        warnings,
        ranking,
        indicators,
    };
    Ok(Html(render(page)?).into_response())
}
