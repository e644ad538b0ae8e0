//! Group commit for report saves. At the end of each month hundreds of reporters submit at once;
//! one transaction per save would spend most of its time beginning, committing and chaining the
//! audit log. Instead a save joins a queue and whoever next holds the writer's turn commits every
//! queued save in one transaction, then answers each. Nobody is answered before the commit, so
//! an answered save survives a crash; a save that fails its checks is answered with its error and
//! does not disturb the others.

use luoshi_reporting::Day;
use luoshi_reporting::access::Principal;
use luoshi_reporting::report::ReportAction;
use tokio::sync::oneshot;

use crate::audit::Change;
use crate::reports::{ReportInput, ReportView, SaveRequest, load_period, save_group};
use crate::{Result, Store, StoreError};

/// A save waiting for its commit.
pub(crate) struct Pending {
    period_id: i64,
    assignment_id: i64,
    input: ReportInput,
    action: ReportAction,
    today: Day,
    actor: String,
    /// Who saves, when the commit is to check that they may edit the report.
    editor: Option<Principal>,
    reply: Option<oneshot::Sender<Result<ReportView>>>,
}

impl Pending {
    pub fn new(
        period_id: i64,
        assignment_id: i64,
        input: ReportInput,
        action: ReportAction,
        today: Day,
        actor: &str,
        editor: Option<Principal>,
    ) -> Pending {
        Pending {
            period_id,
            assignment_id,
            input,
            action,
            today,
            actor: actor.to_string(),
            editor,
            reply: None,
        }
    }

    fn answer(self, result: Result<ReportView>) {
        if let Some(reply) = self.reply {
            // The asker may have gone away; the save stands either way.
            let _ = reply.send(result);
        }
    }
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pending")
            .field("period_id", &self.period_id)
            .field("assignment_id", &self.assignment_id)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

pub(crate) type Queue = std::sync::Mutex<Vec<Pending>>;

/// Told the size of every committed group of saves (for metrics).
#[derive(Clone)]
pub struct CommitObserver(pub std::sync::Arc<dyn Fn(usize) + Send + Sync>);

impl std::fmt::Debug for CommitObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CommitObserver")
    }
}

/// Queues `pending`, makes sure someone commits it, and waits for its answer: the saved report.
pub(crate) async fn save(store: &Store, mut pending: Pending) -> Result<ReportView> {
    let (reply, answer) = oneshot::channel();
    pending.reply = Some(reply);
    store
        .save_queue
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .push(pending);
    // In a task of its own, so that a caller who hangs up cannot abandon others' saves halfway.
    let committer = store.clone();
    tokio::spawn(async move { committer.commit_queued().await });
    answer
        .await
        .map_err(|_| StoreError::Conflict("保存中断，请重试".into()))?
}

/// The batch's saves by period, in order of first arrival, each period's in arrival order.
fn by_period(batch: Vec<Pending>) -> Vec<(i64, Vec<Pending>)> {
    let mut groups: Vec<(i64, Vec<Pending>)> = Vec::new();
    for pending in batch {
        match groups.iter_mut().find(|(id, _)| *id == pending.period_id) {
            Some((_, group)) => group.push(pending),
            None => groups.push((pending.period_id, vec![pending])),
        }
    }
    groups
}

/// Errors after which the transaction cannot be trusted (as opposed to a save refused by its
/// checks before it wrote anything).
fn breaks_transaction(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Database(_) | StoreError::Migrate(_) | StoreError::Json(_)
    )
}

impl Store {
    async fn commit_queued(&self) {
        let turn = self.writer_turn().await;
        // An earlier committer may have taken every queued save while we waited.
        if self
            .save_queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_empty()
        {
            return;
        }
        let mut write = match self.begin_write_in_turn(turn, "填报").await {
            Ok(write) => write,
            Err(e) => {
                let message = e.to_string();
                for pending in self.take_queued() {
                    pending.answer(Err(StoreError::Conflict(format!(
                        "{message}，本次保存未生效，请重试"
                    ))));
                }
                return;
            }
        };
        let batch = self.take_queued();
        if batch.is_empty() {
            return;
        }
        let mut saved: Vec<(Pending, ReportView)> = Vec::new();
        let mut broken: Option<String> = None;
        // A group's saves not yet answered when a database error broke the transaction.
        let mut rest_of_group: Vec<Pending> = Vec::new();
        let mut rest = by_period(batch).into_iter();
        for (period_id, group) in rest.by_ref() {
            let period = match load_period(write.conn(), period_id).await {
                Ok(period) => period,
                Err(e) => {
                    let breaks = breaks_transaction(&e);
                    let message = e.to_string();
                    let mut group = group.into_iter();
                    if let Some(first) = group.next() {
                        first.answer(Err(e));
                    }
                    if breaks {
                        broken = Some(message);
                        // The rest of this period's saves are answered with the batch's error.
                        rest_of_group = group.collect();
                        break;
                    }
                    for pending in group {
                        pending.answer(Err(StoreError::NotFound {
                            entity: "填报期间",
                            id: period_id.to_string(),
                        }));
                    }
                    continue;
                }
            };
            let fields = |i: usize| format!("values[{i}]");
            let requests: Vec<SaveRequest<'_>> = group
                .iter()
                .map(|pending| SaveRequest {
                    assignment_id: pending.assignment_id,
                    input: &pending.input,
                    action: pending.action,
                    today: pending.today,
                    actor: &pending.actor,
                    editor: pending.editor.as_ref(),
                    field_of: &fields,
                })
                .collect();
            let answers = match save_group(write.conn(), &period, &requests).await {
                Ok(answers) => answers,
                Err(e) => {
                    broken = Some(e.to_string());
                    drop(requests);
                    rest_of_group = group;
                    break;
                }
            };
            drop(requests);
            for (pending, answer) in group.into_iter().zip(answers) {
                match answer {
                    Ok(done) => {
                        write.record(
                            Change::new(done.verb(), "report", Some(done.id))
                                .after(done.after)
                                .by(&pending.actor),
                        );
                        saved.push((pending, done.view));
                    }
                    Err(e) => pending.answer(Err(e)),
                }
            }
        }
        if let Some(message) = broken {
            // Nothing of this batch is stored: the transaction rolls back when dropped.
            drop(write);
            let retry = format!("数据库错误（{message}），本次保存未生效，请重试");
            let unanswered = saved
                .into_iter()
                .map(|(pending, _)| pending)
                .chain(rest_of_group)
                .chain(rest.flat_map(|(_, group)| group));
            for pending in unanswered {
                pending.answer(Err(StoreError::Conflict(retry.clone())));
            }
            return;
        }
        // Every saved assignment's packed series, rewritten in one statement for the group.
        let assignments: Vec<i64> = saved.iter().map(|(p, _)| p.assignment_id).collect();
        if let Err(e) = crate::series::refresh_many(write.conn(), &assignments).await {
            drop(write);
            let retry = format!("数据库错误（{e}），本次保存未生效，请重试");
            for (pending, _) in saved {
                pending.answer(Err(StoreError::Conflict(retry.clone())));
            }
            return;
        }
        match write.commit().await {
            Ok(()) => {
                if let Some(observer) = &self.commit_observer {
                    (observer.0)(saved.len());
                }
                for (pending, view) in saved {
                    pending.answer(Ok(view));
                }
            }
            Err(e) => {
                let message = format!("提交失败（{e}），本次保存未生效，请重试");
                for (pending, _) in saved {
                    pending.answer(Err(StoreError::Conflict(message.clone())));
                }
            }
        }
    }

    fn take_queued(&self) -> Vec<Pending> {
        std::mem::take(
            &mut *self
                .save_queue
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        )
    }
}
