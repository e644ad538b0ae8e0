//! What must run on one process at a time when several servers share one PostgreSQL ledger
//! (scheduled reminders, backups): the process that holds a session-level advisory lock on a
//! connection of its own. When that process dies its connection closes, the lock is released,
//! and the next process to try takes over. A SQLite ledger has one server, which always leads.

use sqlx::{AnyConnection, Connection};

use crate::{Backend, Result, Store};

/// What runs on one process at a time. Each job has its own lock, so that one process can lead
/// both, or each another process (a session's advisory lock is its own: a second connection of
/// the same process could not take a lock the first holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Automatic reminders, sending, the daily escalation of overdue 督办单.
    Reminders,
    /// Scheduled backups.
    Backups,
}

impl Job {
    /// The advisory lock's key: "luosh" in ASCII and the job (the writer's transaction lock is
    /// 7215).
    fn key(self) -> i64 {
        let base: i64 = 0x006c_756f_7368_0000;
        base + match self {
            Job::Reminders => 1,
            Job::Backups => 2,
        }
    }
}

/// Held while this process leads; dropping it (or the process dying) lets another lead.
#[derive(Debug)]
pub struct Leadership {
    connection: Option<AnyConnection>,
}

impl Leadership {
    /// Whether the lead still holds: its connection answers. A lost connection has lost the
    /// lock too; the caller should try again with [`Store::try_lead`].
    pub async fn holds(&mut self) -> bool {
        match &mut self.connection {
            None => true,
            Some(connection) => connection.ping().await.is_ok(),
        }
    }
}

impl Leadership {
    /// Keeps `lead` current: drops a lead that no longer holds and tries to take one when
    /// there is none. Whether this process leads now.
    pub async fn keep(store: &Store, job: Job, lead: &mut Option<Leadership>) -> bool {
        if let Some(held) = lead
            && !held.holds().await
        {
            *lead = None;
        }
        if lead.is_none() {
            *lead = store.try_lead(job).await.ok().flatten();
        }
        lead.is_some()
    }
}

impl Store {
    /// Takes the lead of `job` if no other process has it.
    pub async fn try_lead(&self, job: Job) -> Result<Option<Leadership>> {
        if self.backend == Backend::Sqlite {
            return Ok(Some(Leadership { connection: None }));
        }
        let mut connection = AnyConnection::connect(&self.url).await?;
        let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(job.key())
            .fetch_one(&mut connection)
            .await?;
        if taken {
            Ok(Some(Leadership {
                connection: Some(connection),
            }))
        } else {
            let _ = connection.close().await;
            Ok(None)
        }
    }
}
