//! The audit log: every write appends who, when, what, before and after, each record chained by
//! SHA-256 to the one before it, so that editing or deleting a row by hand is detectable.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{Any, AnyConnection, Row, Transaction};

use crate::{Backend, Result, Store, now};

/// The hash before the first record.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One change a write makes, for the log.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    /// Who made this change, when it is not the write's actor (saves committed together).
    pub actor: Option<String>,
    pub action: &'static str,
    pub entity: &'static str,
    pub entity_id: Option<i64>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Change {
    pub fn new(action: &'static str, entity: &'static str, entity_id: Option<i64>) -> Change {
        Change {
            actor: None,
            action,
            entity,
            entity_id,
            before: None,
            after: None,
        }
    }

    pub fn before(mut self, value: impl Serialize) -> Change {
        self.before = serde_json::to_value(value).ok();
        self
    }

    pub fn by(mut self, actor: &str) -> Change {
        self.actor = Some(actor.to_string());
        self
    }

    pub fn after(mut self, value: impl Serialize) -> Change {
        self.after = serde_json::to_value(value).ok();
        self
    }
}

/// A write in progress: its transaction, the changes it has recorded, and the writer lock.
pub(crate) struct Write<'s> {
    tx: Transaction<'static, Any>,
    actor: String,
    changes: Vec<Change>,
    seal: Option<std::sync::Arc<crate::seal::Seal>>,
    _turn: tokio::sync::MutexGuard<'s, ()>,
}

impl Store {
    /// Starts a write by `actor`. Nothing is stored unless [`Write::commit`] runs, which also
    /// appends the audit records.
    pub(crate) async fn begin_write(&self, actor: &str) -> Result<Write<'_>> {
        let turn = self.writer.lock().await;
        self.begin_write_in_turn(turn, actor).await
    }

    /// The writer's turn, for a caller that decides after getting it whether it has anything to
    /// write (see `save_queue`).
    pub(crate) async fn writer_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.writer.lock().await
    }

    /// Starts a write in a turn already held.
    pub(crate) async fn begin_write_in_turn<'s>(
        &'s self,
        turn: tokio::sync::MutexGuard<'s, ()>,
        actor: &str,
    ) -> Result<Write<'s>> {
        let tx = match self.backend {
            // Other processes writing the same database wait here too; sent with the BEGIN in
            // one round trip (a simple query may hold several statements). A write's statements
            // look rows up by id: their generic plans serve every execution, where PostgreSQL
            // would otherwise plan the form reads afresh each time (longer than running them).
            Backend::Postgres => {
                self.pool
                    .begin_with("BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; SELECT pg_advisory_xact_lock(7215)")
                    .await?
            }
            Backend::Sqlite => self.pool.begin().await?,
        };
        Ok(Write {
            tx,
            actor: actor.to_string(),
            changes: Vec::new(),
            seal: self.seal.clone(),
            _turn: turn,
        })
    }
}

/// Audit rows per INSERT: 11 parameters each, within SQLite's and PostgreSQL's limits.
const AUDIT_ROWS_PER_INSERT: usize = 400;

impl Write<'_> {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    pub fn record(&mut self, change: Change) {
        self.changes.push(change);
    }

    pub async fn commit(mut self) -> Result<()> {
        let last = sqlx::query("SELECT hash, seq FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *self.tx)
            .await?;
        let (mut prev, mut seq) = match last {
            Some(row) => (
                row.try_get::<String, _>("hash")?,
                row.try_get::<Option<i64>, _>("seq")?.unwrap_or(0),
            ),
            None => (GENESIS.to_string(), 0),
        };
        let at = now();
        let mut last_id = None;
        let table_changes: Vec<(&'static str, Option<i64>)> = match &self.seal {
            Some(_) => self
                .changes
                .iter()
                .filter(|c| crate::table_seal::changes_tables(c.action))
                .map(|c| (c.entity, c.entity_id))
                .collect(),
            None => Vec::new(),
        };
        // Chained in order here, then written in as few statements as the databases' limits on
        // bound parameters allow (a group commit of report saves is one INSERT, not one each).
        let mut rows: Vec<(AuditRecord, String, i64, Option<String>)> = Vec::new();
        for change in std::mem::take(&mut self.changes) {
            let before = change.before.as_ref().map(Value::to_string);
            let after = change.after.as_ref().map(Value::to_string);
            let record = AuditRecord {
                id: 0,
                at: at.clone(),
                actor: change.actor.clone().unwrap_or_else(|| self.actor.clone()),
                action: change.action.to_string(),
                entity: change.entity.to_string(),
                entity_id: change.entity_id,
                before,
                after,
                prev_hash: prev.clone(),
                hash: String::new(),
            };
            let hash = record.compute_hash();
            seq += 1;
            let mac = self.seal.as_ref().map(|s| s.record_mac(seq, &hash));
            prev = hash.clone();
            rows.push((record, hash, seq, mac));
        }
        for chunk in rows.chunks(AUDIT_ROWS_PER_INSERT) {
            let mut sql = String::from(
                "INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, seq, mac) VALUES ",
            );
            for r in 0..chunk.len() {
                if r > 0 {
                    sql.push_str(", ");
                }
                let n = r * 11;
                sql.push_str(&format!(
                    "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    n + 1,
                    n + 2,
                    n + 3,
                    n + 4,
                    n + 5,
                    n + 6,
                    n + 7,
                    n + 8,
                    n + 9,
                    n + 10,
                    n + 11
                ));
            }
            sql.push_str(" RETURNING id");
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (record, hash, seq, mac) in chunk {
                query = query
                    .bind(&record.at)
                    .bind(&record.actor)
                    .bind(&record.action)
                    .bind(&record.entity)
                    .bind(record.entity_id)
                    .bind(&record.before)
                    .bind(&record.after)
                    .bind(&record.prev_hash)
                    .bind(hash)
                    .bind(*seq)
                    .bind(mac);
            }
            for row in query.fetch_all(&mut *self.tx).await? {
                let id = row.try_get::<i64, _>("id")?;
                last_id = Some(last_id.map_or(id, |last: i64| last.max(id)));
            }
        }
        // Servers sharing the checkpoint files take turns from reading them to rewriting them,
        // so none writes back fingerprints older than another's commit.
        let _files = self.seal.as_ref().and_then(|seal| seal.lock_files());
        // Taken inside the transaction, so they are exactly what this commit leaves; only the
        // plans it may have touched (and the tables of no plan) are taken again.
        let tables = match (&self.seal, table_changes.is_empty()) {
            (Some(seal), false) => {
                let schema = crate::table_seal::schema_version(&mut self.tx).await?;
                let sealed = seal
                    .read_tables()
                    .ok()
                    .flatten()
                    .filter(|t| seal.tables_are_signed(t) && t.schema == schema);
                let plans = match &sealed {
                    Some(_) => {
                        crate::table_seal::affected_plans(&mut self.tx, &table_changes).await?
                    }
                    None => None,
                };
                let fresh =
                    crate::table_seal::fingerprints_of(&mut self.tx, plans.as_ref()).await?;
                let all = match (sealed, plans) {
                    (Some(old), Some(_)) => crate::table_seal::merged(old.tables, fresh),
                    _ => fresh,
                };
                Some((schema, all))
            }
            _ => None,
        };
        self.tx.commit().await?;
        if let (Some(seal), Some(last_id)) = (&self.seal, last_id) {
            seal.checkpoint(seq, last_id, &prev, &at);
            if let Some((schema, tables)) = tables {
                seal.checkpoint_tables(schema, tables, &at);
            }
        }
        Ok(())
    }
}

/// A row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub before: Option<String>,
    pub after: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditRecord {
    /// SHA-256 over the previous hash and every field, separated so that no two records can
    /// run together into the same input.
    pub(crate) fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        let fields = [
            self.prev_hash.as_str(),
            self.at.as_str(),
            self.actor.as_str(),
            self.action.as_str(),
            self.entity.as_str(),
            &self.entity_id.map(|i| i.to_string()).unwrap_or_default(),
            self.before.as_deref().unwrap_or("\u{0}"),
            self.after.as_deref().unwrap_or("\u{0}"),
        ];
        for f in fields {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f.as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

pub(crate) fn audit_row(row: &sqlx::any::AnyRow) -> Result<AuditRecord> {
    Ok(AuditRecord {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        entity: row.try_get("entity")?,
        entity_id: row.try_get("entity_id")?,
        before: row.try_get("before_json")?,
        after: row.try_get("after_json")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

impl Store {
    /// The newest audit records, newest first.
    pub async fn audit_log(&self, limit: i64) -> Result<Vec<AuditRecord>> {
        let rows = sqlx::query(
            "SELECT id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash FROM audit_log ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|row| audit_row(&row)).collect()
    }
}
