//! 销号 from the task page: the office closes a task without a numeric target as done (a note
//! and an optional evidence file, checked by its content) or reopens it; the evidence downloads
//! for anyone who may read the plan.

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::redirect::see_other;
use luoshi_store::StoreError;
use serde::Deserialize;

use crate::pages::{PageError, task_page};

async fn refused(
    s: &AppState,
    caller: &Caller,
    task: i64,
    message: String,
) -> Result<Response, PageError> {
    let body = task_page(s, caller, task, Some(message)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
}

fn answer(result: Result<(), StoreError>) -> Result<Option<String>, PageError> {
    match result {
        Ok(()) => Ok(None),
        Err(StoreError::Invalid { message, .. }) | Err(StoreError::Conflict(message)) => {
            Ok(Some(message))
        }
        Err(e) => Err(e.into()),
    }
}

/// The 销号 form: a note and an optional evidence file.
pub async fn close(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(task): Path<i64>,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let (note, evidence) = match luoshi_server::evidence::text_and_evidence(&mut form, "note").await
    {
        Ok(read) => read,
        Err(message) => return refused(&s, &caller, task, message).await,
    };
    let result = s
        .store
        .close_task(task, &note, evidence.as_ref(), s.today(), &caller.actor())
        .await
        .map(|_| ());
    match answer(result)? {
        None => Ok(see_other(&format!("/tasks/{task}#progress")).into_response()),
        Some(message) => refused(&s, &caller, task, message).await,
    }
}

#[derive(Debug, Deserialize)]
pub struct ReopenForm {
    #[serde(default)]
    note: String,
}

pub async fn reopen(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(task): Path<i64>,
    Form(form): Form<ReopenForm>,
) -> Result<Response, PageError> {
    let result = s
        .store
        .reopen_task(task, &form.note, s.today(), &caller.actor())
        .await;
    match answer(result)? {
        None => Ok(see_other(&format!("/tasks/{task}#progress")).into_response()),
        Some(message) => refused(&s, &caller, task, message).await,
    }
}

/// A closing's evidence file, for anyone who may read the plan.
pub async fn evidence(
    State(s): State<AppState>,
    caller: Caller,
    Path(closure): Path<i64>,
) -> Result<Response, PageError> {
    let (name, kind, bytes) = s.store.closure_evidence(closure).await?;
    let task = s.store.task_closure(closure).await?.task_id;
    let plan = s.store.task(task).await?.row.plan_id;
    crate::pages::visible(&s, &caller, plan).await?;
    Ok(luoshi_server::reporting::download(bytes, &kind, &name))
}

#[derive(Debug, Deserialize)]
pub struct DeadlineForm {
    #[serde(default)]
    deadline: String,
}

/// The office sets a task's 完成时限 (`9月底前`, `上半年`; empty: the year's end).
pub async fn deadline(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(task): Path<i64>,
    Form(form): Form<DeadlineForm>,
) -> Result<Response, PageError> {
    match luoshi_server::closures::apply_deadline(&s, &caller, task, Some(&form.deadline)).await {
        Ok(()) => Ok(see_other(&format!("/tasks/{task}#progress")).into_response()),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            refused(&s, &caller, task, e.body.error).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, Deserialize)]
pub struct MilestonesForm {
    #[serde(default)]
    milestones: String,
}

/// `6：完成规划编制` lines → milestones; what is wrong, named by its line, otherwise.
fn parse_task_milestones(text: &str) -> Result<Vec<(u32, String)>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
        .map(|(i, line)| {
            let (month, what) = line.split_once(['：', ':']).ok_or_else(|| {
                format!(
                    "第 {} 行「{line}」应写成「月份：节点内容」，如「6：完成规划编制」",
                    i + 1
                )
            })?;
            let month = month.trim().trim_end_matches('月');
            let month: u32 = month
                .parse()
                .map_err(|_| format!("第 {} 行的月份「{month}」不是 1—12 的数字", i + 1))?;
            Ok((month, what.trim().to_string()))
        })
        .collect()
}

/// The office sets a task's milestones (节点), one per line.
pub async fn milestones(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(task): Path<i64>,
    Form(form): Form<MilestonesForm>,
) -> Result<Response, PageError> {
    let list = match parse_task_milestones(&form.milestones) {
        Ok(list) => list,
        Err(message) => return refused(&s, &caller, task, message).await,
    };
    let result = s
        .store
        .set_task_milestones(task, &list, &caller.actor())
        .await;
    match answer(result)? {
        None => Ok(see_other(&format!("/tasks/{task}#progress")).into_response()),
        Some(message) => refused(&s, &caller, task, message).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milestones_as_typed() {
        assert_eq!(
            parse_task_milestones("6：完成规划编制\n 12月: 开工建设 \n"),
            Ok(vec![(6, "完成规划编制".into()), (12, "开工建设".into())])
        );
        assert!(parse_task_milestones("六月完成").is_err());
        assert!(parse_task_milestones("x：完成").is_err());
    }
}
