//! Writing a group of saves of one period inside an open write: the forms read together, every
//! save checked, then the new reports inserted by one statement, the edited ones updated by one,
//! and their values replaced by one delete and one insert. A save refused by its checks, or one
//! that lost a race with another server, is answered with its error; the others stand.

use std::collections::HashMap;

use luoshi_reporting::access::Principal;
use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{Day, ReportStatus};
use sqlx::{AnyConnection, Row};

use super::check::{Prepared, check_period, prepare};
use super::load::{Unreadable, load_views, placeholders};
use super::{ReportInput, ReportView};
use crate::periods::PeriodRow;
use crate::{Result, StoreError, now};

/// One save of a group.
pub(crate) struct SaveRequest<'a> {
    pub assignment_id: i64,
    pub input: &'a ReportInput,
    pub action: ReportAction,
    pub today: Day,
    pub actor: &'a str,
    /// Who saves, when the store is to check that they may edit the report (`None`: the caller
    /// checked, or it is the system).
    pub editor: Option<&'a Principal>,
    /// Names a value's place for messages (`values[0]`, a spreadsheet cell).
    pub field_of: &'a (dyn Fn(usize) -> String + Sync),
}

/// A save as written.
#[derive(Debug)]
pub(crate) struct Saved {
    pub id: i64,
    pub status: ReportStatus,
    /// The audit record's body.
    pub after: serde_json::Value,
    pub view: ReportView,
}

impl Saved {
    /// The audit verb of the save.
    pub fn verb(&self) -> &'static str {
        if self.status == ReportStatus::Submitted {
            "submit"
        } else {
            "save"
        }
    }
}

/// Rows per statement: within both databases' parameter limits.
const CHUNK: usize = 200;

const LOST_RACE: &str = "这份报告刚被他人保存，您的内容未保存，请刷新后重试";

/// Saves `requests` (all of `period`) in the caller's transaction, in order: one answer per
/// request. Two saves of one assignment behave as one after the other: the k-th save of an
/// assignment is written in round k, checked against the report as the earlier round left it.
/// An `Err` of the whole is a database error, after which the transaction must not commit.
pub(crate) async fn save_group(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    requests: &[SaveRequest<'_>],
) -> Result<Vec<Result<Saved>>> {
    let mut answers: Vec<Option<Result<Saved>>> = requests.iter().map(|_| None).collect();
    let ids: Vec<i64> = requests.iter().map(|r| r.assignment_id).collect();
    let mut views = load_views(conn, period, &ids).await?;
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let rounds: Vec<usize> = requests
        .iter()
        .map(|request| {
            let count = seen.entry(request.assignment_id).or_default();
            *count += 1;
            *count - 1
        })
        .collect();
    let round_count = rounds.iter().max().map_or(0, |last| last + 1);
    for round in 0..round_count {
        let mut prepared: Vec<(usize, Prepared<'_>)> = Vec::new();
        for (i, request) in requests.iter().enumerate() {
            if rounds[i] != round {
                continue;
            }
            let view = match views.get(&request.assignment_id) {
                Some(Ok(view)) => view,
                Some(Err(unreadable)) => {
                    answers[i] = Some(Err(unreadable.error(request.assignment_id)));
                    continue;
                }
                None => {
                    answers[i] = Some(Err(Unreadable::Missing.error(request.assignment_id)));
                    continue;
                }
            };
            if let Some(editor) = request.editor
                && !editor.can_edit_report(&view.scope())
            {
                answers[i] = Some(Err(StoreError::Forbidden(
                    "无权填报这份报告：它不属于您的单位".into(),
                )));
                continue;
            }
            let window = match check_period(period, request.today) {
                Ok(window) => window,
                Err(e) => {
                    answers[i] = Some(Err(e));
                    continue;
                }
            };
            let view = view.clone();
            match prepare(
                period,
                window,
                view,
                request.input,
                request.action,
                request.field_of,
            ) {
                Ok(ready) => prepared.push((i, ready)),
                Err(e) => answers[i] = Some(Err(e)),
            }
        }
        let at = now();
        let ids = write_round(conn, period, requests, &prepared, &at).await?;
        for (i, ready) in prepared {
            let request = &requests[i];
            answers[i] = Some(match ids.get(&request.assignment_id) {
                Some(&id) => {
                    let status = ready.to;
                    let (after, view) = ready.saved(id, &at, request.actor);
                    if round + 1 < round_count {
                        views.insert(request.assignment_id, Ok(view.clone()));
                    }
                    Ok(Saved {
                        id,
                        status,
                        after,
                        view,
                    })
                }
                None => Err(StoreError::Conflict(LOST_RACE.into())),
            });
        }
    }
    Ok(answers
        .into_iter()
        .map(|answer| answer.unwrap_or_else(|| Err(StoreError::Conflict(LOST_RACE.into()))))
        .collect())
}

/// Writes one round's checked saves (at most one per assignment); the report id of each
/// assignment whose save was written.
async fn write_round(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    requests: &[SaveRequest<'_>],
    prepared: &[(usize, Prepared<'_>)],
    at: &str,
) -> Result<HashMap<i64, i64>> {
    let (new, edited): (Vec<_>, Vec<_>) = prepared
        .iter()
        .map(|(i, ready)| (&requests[*i], ready))
        .partition(|(_, ready)| ready.view.id.is_none());
    let mut written: HashMap<i64, i64> = HashMap::with_capacity(prepared.len());
    for chunk in new.chunks(CHUNK) {
        insert_reports(conn, period, chunk, at, &mut written).await?;
    }
    for chunk in edited.chunks(CHUNK) {
        update_reports(conn, chunk, at, &mut written).await?;
    }
    // An edited report's values are overwritten below; where it holds one the save leaves out
    // (shown on the form or not), its values are cleared first.
    let stale_values: Vec<i64> = edited
        .iter()
        .filter(|(_, ready)| {
            written.contains_key(&ready.view.assignment_id) && leaves_values_out(ready)
        })
        .filter_map(|(_, ready)| ready.view.id)
        .collect();
    for chunk in stale_values.chunks(CHUNK * 2) {
        let sql = format!(
            "DELETE FROM report_values WHERE report_id IN ({})",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(*id);
        }
        query.execute(&mut *conn).await?;
    }
    let values: Vec<(i64, &super::ValueInput)> = prepared
        .iter()
        .filter_map(|(_, ready)| {
            written
                .get(&ready.view.assignment_id)
                .map(|id| (*id, ready.input))
        })
        .flat_map(|(id, input)| input.values.iter().map(move |value| (id, value)))
        .collect();
    for chunk in values.chunks(CHUNK) {
        let mut sql =
            String::from("INSERT INTO report_values (report_id, target_id, value, note) VALUES ");
        let upsert = " ON CONFLICT (report_id, target_id) DO UPDATE SET value = excluded.value, note = excluded.note";
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let n = i * 4;
            sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
        }
        sql.push_str(upsert);
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, value) in chunk {
            query = query
                .bind(*id)
                .bind(value.target_id)
                .bind(value.value)
                .bind(Prepared::note(value.note.as_deref()));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(written)
}

/// Whether the stored report holds a value that the save does not give again.
fn leaves_values_out(ready: &Prepared<'_>) -> bool {
    let shown: Vec<i64> = ready
        .view
        .targets
        .iter()
        .filter(|t| t.value.is_some())
        .map(|t| t.target_id)
        .collect();
    ready.view.stored_values > shown.len() as i64
        || shown
            .iter()
            .any(|id| !ready.input.values.iter().any(|v| v.target_id == *id))
}

/// Inserts first reports; one that another server inserted meanwhile is left out of `written`.
async fn insert_reports(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    chunk: &[(&SaveRequest<'_>, &Prepared<'_>)],
    at: &str,
    written: &mut HashMap<i64, i64>,
) -> Result<()> {
    const PER_ROW: usize = 11;
    let mut sql = String::from(
        "INSERT INTO reports (period_id, created_at, updated_at, version, assignment_id, status, progress, problems, next_steps, coordination, updated_by, submitted_at, submitted_late, task_status, status_reason) VALUES ",
    );
    for i in 0..chunk.len() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!(
            "($1, $2, $2, 1, {})",
            placeholders(3 + i * PER_ROW, PER_ROW)
        ));
    }
    sql.push_str(" ON CONFLICT (period_id, assignment_id) DO NOTHING RETURNING id, assignment_id");
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(period.id)
        .bind(at);
    for (request, ready) in chunk {
        query = bind_report(query.bind(ready.view.assignment_id), request, ready, at);
    }
    for row in query.fetch_all(&mut *conn).await? {
        written.insert(row.try_get("assignment_id")?, row.try_get("id")?);
    }
    Ok(())
}

/// Updates edited reports, each only if still at the version its save started from; one saved
/// meanwhile (by another server) is left out of `written`.
async fn update_reports(
    conn: &mut AnyConnection,
    chunk: &[(&SaveRequest<'_>, &Prepared<'_>)],
    at: &str,
    written: &mut HashMap<i64, i64>,
) -> Result<()> {
    const PER_ROW: usize = 12;
    let mut rows = String::new();
    for i in 0..chunk.len() {
        if i > 0 {
            rows.push_str(", ");
        }
        rows.push('(');
        rows.push_str(&placeholders(2 + i * PER_ROW, PER_ROW));
        rows.push(')');
    }
    let sql = format!(
        "WITH v (rid, version, status, progress, problems, next_steps, coordination, updated_by, submitted_at, late, task_status, status_reason) AS (VALUES {rows}) UPDATE reports SET status = v.status, progress = v.progress, problems = v.problems, next_steps = v.next_steps, coordination = v.coordination, version = reports.version + 1, updated_at = $1, updated_by = v.updated_by, submitted_at = COALESCE(v.submitted_at, reports.submitted_at), submitted_late = CASE WHEN v.submitted_at IS NULL THEN reports.submitted_late ELSE v.late END, task_status = v.task_status, status_reason = v.status_reason FROM v WHERE reports.id = v.rid AND reports.version = v.version RETURNING id, assignment_id"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(at);
    for (request, ready) in chunk {
        query = bind_report(
            query.bind(ready.view.id).bind(ready.input.version),
            request,
            ready,
            at,
        );
    }
    for row in query.fetch_all(&mut *conn).await? {
        written.insert(row.try_get("assignment_id")?, row.try_get("id")?);
    }
    Ok(())
}

type ReportQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// Binds what a save writes into its report, in the order both statements list it: status,
/// the four texts, who saved, when submitted (if now), whether late, the lead's word and why.
fn bind_report<'q>(
    query: ReportQuery<'q>,
    request: &'q SaveRequest<'_>,
    ready: &'q Prepared<'_>,
    at: &'q str,
) -> ReportQuery<'q> {
    let input = ready.input;
    query
        .bind(ready.to.as_str())
        .bind(&input.progress)
        .bind(&input.problems)
        .bind(&input.next_steps)
        .bind(&input.coordination)
        .bind(request.actor)
        .bind(ready.submitting.then_some(at))
        // Only a submission sets whether it was late.
        .bind(i64::from(ready.late && ready.submitting))
        .bind(ready.task_status.as_deref())
        .bind(ready.status_reason.as_deref())
}
