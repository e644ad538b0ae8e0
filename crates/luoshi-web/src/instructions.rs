//! 领导批示 in the browser: a leader (or the office for a leader) writes on a task or one of its
//! targets, a 督办单 or an issued document's item; the unit that answers finds it on 我的任务 and
//! answers on its page; the plan's list shows every instruction and which wait or are overdue;
//! the task and order pages show theirs.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_reporting::Day;
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Instructor, UnitMember};
use luoshi_server::instructions::{oversees, readable_instruction, write_for};
use luoshi_server::redirect::see_other;
use luoshi_store::{InstructedKind, Instruction, InstructionKind, NewInstruction, PlanSummary};
use serde::Deserialize;

use crate::pages::PageError;

/// Instructions as another page shows them (task, order): the list, and where to write one.
pub struct OnPage {
    pub items: Vec<Instruction>,
    pub today: Day,
    /// The link to write one here, for those who may.
    pub write_link: Option<String>,
}

impl OnPage {
    pub(crate) fn new(
        caller: &Caller,
        items: Vec<Instruction>,
        today: Day,
        plan_id: i64,
        subject: &str,
    ) -> OnPage {
        OnPage {
            items,
            today,
            write_link: oversees(caller)
                .then(|| format!("/plans/{plan_id}/instructions/new?subject={subject}")),
        }
    }

    pub fn overdue(&self, i: &Instruction) -> bool {
        i.overdue(self.today)
    }

    pub fn waiting(&self) -> usize {
        self.items.iter().filter(|i| i.awaits_answer()).count()
    }
}

#[derive(Template)]
#[template(path = "instructions.html")]
struct ListPage {
    nav: crate::nav::Nav,
    plan: PlanSummary,
    list: OnPage,
    show: String,
    total: usize,
    waiting: usize,
    overdue: usize,
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    #[serde(default)]
    show: Option<String>,
}

/// 领导批示: the plan's instructions and readings, all or those waiting or overdue.
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Path(plan_id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    if !oversees(&caller) {
        return Err(PageError::new(
            StatusCode::FORBIDDEN,
            "只有协调办公室和领导可以查看全部领导批示".into(),
        ));
    }
    let plan = s.store.plan(plan_id).await?;
    let all = s.store.instructions(plan_id).await?;
    let today = s.today();
    let show = q.show.unwrap_or_else(|| "all".into());
    let keep: fn(&Instruction, Day) -> bool = match show.as_str() {
        "all" => |_, _| true,
        "waiting" => |i, _| i.awaits_answer(),
        "overdue" => |i, today| i.overdue(today),
        other => {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                format!("筛选「{other}」无效：应为全部、未办理或逾期"),
            ));
        }
    };
    let page = ListPage {
        nav: crate::nav::Nav::build(&s, &caller, Some(plan_id), crate::nav::Here::Instructions)
            .await?,
        plan,
        total: all.len(),
        waiting: all.iter().filter(|i| i.awaits_answer()).count(),
        overdue: all.iter().filter(|i| i.overdue(today)).count(),
        list: OnPage {
            items: all.into_iter().filter(|i| keep(i, today)).collect(),
            today,
            write_link: None,
        },
        show,
    };
    Ok(crate::pages::render(page)?.into_response())
}

/// What a new instruction may be written on, as the form offers it.
struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "instruction_new.html")]
struct NewPage {
    nav: crate::nav::Nav,
    plan_id: i64,
    /// What is written on, in words.
    about: String,
    subject: String,
    /// The task and its targets (on a task), or the document's tasks (on a document).
    subjects: Vec<Choice>,
    items: Vec<Choice>,
    /// The units that may answer (on a task or target) and whether each leads, lead units first.
    units: Vec<(String, bool)>,
    office: bool,
    form: InstructionForm,
    csrf: String,
    error: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct InstructionForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    task_id: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    leader: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    due_on: String,
}

/// `task:12` → (kind, id), or a 400 naming it.
fn parse_subject(subject: &str) -> Result<(InstructedKind, i64), PageError> {
    let bad = || {
        PageError::new(
            StatusCode::BAD_REQUEST,
            format!("批示对象「{subject}」无效：应如 task:12、target:34、order:5、document:2"),
        )
    };
    let (kind, id) = subject.split_once(':').ok_or_else(bad)?;
    let id: i64 = id.trim().parse().map_err(|_| bad())?;
    let kind = match kind.trim() {
        "task" => InstructedKind::Task,
        "target" => InstructedKind::Target,
        "order" => InstructedKind::Order,
        "document" => InstructedKind::Document,
        _ => return Err(bad()),
    };
    Ok((kind, id))
}

/// The form page for `form.subject`, with what was typed and the refusal when there is one.
async fn new_page(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    mut form: InstructionForm,
    status: StatusCode,
    error: Option<String>,
) -> Result<Response, PageError> {
    let (kind, id) = parse_subject(&form.subject)?;
    let missing = || PageError::new(StatusCode::NOT_FOUND, "该方案没有这个批示对象".into());
    let mut subjects = Vec::new();
    let mut items = Vec::new();
    let mut units = Vec::new();
    let about = match kind {
        InstructedKind::Task | InstructedKind::Target => {
            let task_id = if kind == InstructedKind::Task {
                id
            } else {
                s.store.target_task(id).await?.ok_or_else(missing)?
            };
            let task = s.store.task(task_id).await?;
            if task.row.plan_id != plan_id {
                return Err(missing());
            }
            subjects.push(Choice {
                value: format!("task:{task_id}"),
                label: format!("任务：{} {}", task.row.path, task.row.title),
            });
            for t in &task.targets {
                subjects.push(Choice {
                    value: format!("target:{}", t.id),
                    label: format!("目标：{}", t.text),
                });
            }
            // The units that hold an assignment, lead units first: only they may answer.
            let mut held: Vec<&luoshi_store::AssignmentRow> = task.assignments.iter().collect();
            held.sort_by_key(|a| a.role != "lead");
            for a in held {
                if !units.iter().any(|(u, _)| *u == a.unit) {
                    units.push((a.unit.clone(), a.role == "lead"));
                }
            }
            format!("{} {}", task.row.path, task.row.title)
        }
        InstructedKind::Order => {
            let order = luoshi_server::supervision::readable_order(s, caller, id).await?;
            if order.plan_id != plan_id {
                return Err(missing());
            }
            format!(
                "{}（{}）：{} {}，由{}办理",
                order.number_label(),
                order.level.label(),
                order.task_path,
                order.item,
                order.unit
            )
        }
        InstructedKind::Document => {
            let document = s
                .store
                .issues(plan_id)
                .await?
                .into_iter()
                .find(|d| d.id == id)
                .ok_or_else(missing)?;
            items.push(Choice {
                value: String::new(),
                label: "整份文件（只能圈阅）".into(),
            });
            for t in s.store.plan_task_refs(plan_id).await? {
                items.push(Choice {
                    value: t.0.to_string(),
                    label: format!("{} {}", t.1, t.2),
                });
            }
            format!("{}（第 {} 期）", document.title, document.number)
        }
    };
    if form.kind.is_empty() {
        form.kind = "instruction".into();
    }
    if form.due_on.is_empty() {
        form.due_on = Day::from_unix_days(s.today().unix_days() + 7).to_string();
    }
    let page = NewPage {
        nav: crate::nav::Nav::build(s, caller, Some(plan_id), crate::nav::Here::Instructions)
            .await?,
        plan_id,
        about,
        subject: form.subject.clone(),
        subjects,
        items,
        units,
        office: caller.principal.is_office(),
        form,
        csrf: caller.csrf_token.clone(),
        error,
    };
    Ok((status, crate::pages::render(page)?).into_response())
}

pub async fn new_form(
    State(s): State<AppState>,
    Instructor(caller): Instructor,
    Path(plan_id): Path<i64>,
    Query(form): Query<InstructionForm>,
) -> Result<Response, PageError> {
    new_page(&s, &caller, plan_id, form, StatusCode::OK, None).await
}

/// Writes the instruction and opens its page; a refusal re-opens the form with it in words.
pub async fn write(
    State(s): State<AppState>,
    Instructor(caller): Instructor,
    Path(plan_id): Path<i64>,
    Form(form): Form<InstructionForm>,
) -> Result<Response, PageError> {
    let (subject_kind, subject_id) = parse_subject(&form.subject)?;
    let kind = match form.kind.as_str() {
        "read" => InstructionKind::Read,
        "instruction" | "" => InstructionKind::Instruction,
        other => {
            return Err(PageError::new(
                StatusCode::BAD_REQUEST,
                format!("「{other}」无效：应为批示或圈阅"),
            ));
        }
    };
    let task_id =
        match form.task_id.trim() {
            "" => None,
            text => Some(text.parse::<i64>().map_err(|_| {
                PageError::new(StatusCode::BAD_REQUEST, format!("任务「{text}」无效"))
            })?),
        };
    let new = NewInstruction {
        subject_kind,
        subject_id,
        task_id,
        kind,
        leader: form.leader.clone(),
        text: form.text.clone(),
        unit: Some(form.unit.clone()).filter(|u| !u.trim().is_empty()),
        due_on: (kind == InstructionKind::Instruction).then(|| form.due_on.clone()),
    };
    match write_for(&s, &caller, plan_id, new).await {
        Ok(written) => Ok(see_other(&format!(
            "/instructions/{}?written=1",
            written.id
        ))),
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            new_page(&s, &caller, plan_id, form, status, Some(e.body.error)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "instruction.html")]
struct InstructionPage {
    nav: crate::nav::Nav,
    i: Instruction,
    today: Day,
    /// The caller's unit answers it.
    own: bool,
    csrf: String,
    message: Option<String>,
    error: Option<String>,
}

impl InstructionPage {
    fn state(&self) -> &'static str {
        self.i.state_label(self.today)
    }

    /// Where the subject is shown.
    fn subject_link(&self) -> Option<String> {
        match self.i.subject_kind {
            InstructedKind::Order => Some(format!("/supervision/{}", self.i.subject_id)),
            InstructedKind::Document => None,
            _ => self.i.task_id.map(|t| format!("/tasks/{t}")),
        }
    }
}

async fn instruction_page(
    s: &AppState,
    caller: &Caller,
    id: i64,
    status: StatusCode,
    message: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let i = readable_instruction(s, caller, id).await?;
    let page = InstructionPage {
        nav: crate::nav::Nav::build(s, caller, Some(i.plan_id), crate::nav::Here::Elsewhere)
            .await?,
        own: caller.principal.reports()
            && caller.principal.unit_id.is_some()
            && i.unit_id == caller.principal.unit_id,
        today: s.today(),
        i,
        csrf: caller.csrf_token.clone(),
        message,
        error,
    };
    Ok((status, crate::pages::render(page)?).into_response())
}

#[derive(Debug, Deserialize)]
pub struct WrittenQuery {
    #[serde(default)]
    written: Option<String>,
}

pub async fn show(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<WrittenQuery>,
) -> Result<Response, PageError> {
    let message = match q.written {
        Some(_) => {
            let i = readable_instruction(&s, &caller, id).await?;
            Some(match (&i.unit, &i.due_on) {
                (Some(unit), Some(due)) => format!("已批示，交{unit}办理，办理期限 {due}。"),
                _ => "已圈阅。".to_string(),
            })
        }
        None => None,
    };
    instruction_page(&s, &caller, id, StatusCode::OK, message, None).await
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

pub async fn answer(
    State(s): State<AppState>,
    member: UnitMember,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    match s
        .store
        .answer_instruction(
            member.unit_id,
            id,
            &form.answer,
            s.today(),
            &member.caller.actor(),
        )
        .await
    {
        Ok(_) => {
            let message = Some("办理情况已反馈，将在下期调度通报中报告。".to_string());
            instruction_page(&s, &member.caller, id, StatusCode::OK, message, None).await
        }
        Err(e) => {
            let (status, error) = crate::pages::refusal(e)?;
            instruction_page(&s, &member.caller, id, status, None, Some(error)).await
        }
    }
}

/// The instructions a unit has still to answer, for 我的任务.
pub(crate) async fn waiting_for_unit(
    s: &AppState,
    unit_id: i64,
) -> Result<Vec<Instruction>, PageError> {
    Ok(s.store
        .unit_instructions(unit_id)
        .await?
        .into_iter()
        .filter(Instruction::awaits_answer)
        .collect())
}
