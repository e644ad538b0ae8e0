//! Backups that restore. A backup is one SQLite file holding the whole ledger (attachments,
//! issued documents and the audit log included): for SQLite, `VACUUM INTO`, a consistent copy
//! taken inside one read transaction while others go on writing; for PostgreSQL, every table
//! read in one repeatable-read snapshot and copied into a fresh SQLite ledger. Each backup is
//! written under a temporary name, synced, verified (it opens, passes SQLite's integrity check,
//! its audit chain verifies) and only then given its name, and is listed with the outcome.
//! A backup restores into an empty ledger of either kind, migrated to this build's schema.

mod copy;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::seal::Seal;
use crate::{Backend, Result, Store, StoreError, now};

/// Why a backup was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BackupTrigger {
    /// `luoshi backup`.
    Manual,
    /// The server's schedule (`--backup-every`).
    Scheduled,
    /// Before migrating the ledger to a newer schema.
    Migration,
}

impl BackupTrigger {
    fn as_str(self) -> &'static str {
        match self {
            BackupTrigger::Manual => "manual",
            BackupTrigger::Scheduled => "scheduled",
            BackupTrigger::Migration => "migration",
        }
    }

    fn parse(text: &str) -> BackupTrigger {
        match text {
            "scheduled" => BackupTrigger::Scheduled,
            "migration" => BackupTrigger::Migration,
            _ => BackupTrigger::Manual,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BackupTrigger::Manual => "手动",
            BackupTrigger::Scheduled => "定时",
            BackupTrigger::Migration => "升级前",
        }
    }
}

/// One backup as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BackupRecord {
    pub id: i64,
    pub file: String,
    pub trigger: BackupTrigger,
    pub started_at: String,
    pub finished_at: String,
    pub bytes: i64,
    pub sha256: String,
    /// Audit records the copy holds (its chain verified), when it verified.
    pub audit_records: Option<i64>,
    pub verified: bool,
    /// Why verification failed.
    pub problem: Option<String>,
    pub taken_by: String,
}

/// A backup written and verified, before it is listed.
#[derive(Debug, Clone)]
pub(crate) struct WrittenBackup {
    file: String,
    started_at: String,
    finished_at: String,
    bytes: i64,
    sha256: String,
    audit_records: Option<i64>,
    problem: Option<String>,
}

/// What verifying a backup file found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub audit_records: u64,
    pub plans: i64,
    pub reports: i64,
}

/// What a restore copied.
#[derive(Debug, Clone, Serialize)]
pub struct Restored {
    pub tables: Vec<(String, u64)>,
    pub audit_records: u64,
}

/// Counts for the metrics, read from the ledger so that every process reports the same.
#[derive(Debug, Clone, Default)]
pub struct OperationCounts {
    /// Outbox messages by state (`pending`, `sent`, `failed`).
    pub deliveries: Vec<(String, i64)>,
    pub reminders: i64,
    /// Seconds since the newest verified backup finished.
    pub backup_age_seconds: Option<f64>,
    pub backups_failed: i64,
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::invalid("backup", format!("{what} {}：{e}", path.display()))
}

/// The SQLite URL of a file, opened read-only or read-write-create.
fn sqlite_url(path: &Path, mode: &str) -> String {
    format!("sqlite://{}?mode={mode}", path.display())
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// SHA-256 and size of a file, read in pieces.
fn digest_file(path: &Path) -> Result<(String, i64)> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| io_error("无法读取", path, e))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut bytes = 0i64;
    loop {
        let n = file
            .read(&mut buffer)
            .map_err(|e| io_error("无法读取", path, e))?;
        if n == 0 {
            break;
        }
        bytes += n as i64;
        hasher.update(&buffer[..n]);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, bytes))
}

fn sync_file(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error("无法写入磁盘", path, e))?;
    // The new name must reach the disk too.
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Opens a backup file (or any ledger file) read-only and checks it: SQLite's integrity check,
/// then the audit chain record by record, and each record's signature when `seal` holds the
/// key the ledger signs with.
pub async fn verify_backup(path: &Path, seal: Option<Arc<Seal>>) -> Result<Verification> {
    if !path.is_file() {
        return Err(StoreError::invalid(
            "backup",
            format!("备份文件 {} 不存在", path.display()),
        ));
    }
    let mut store = Store::connect(&sqlite_url(path, "ro")).await?;
    store.backup_copy = true;
    store.seal = seal;
    let result = async {
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&store.pool)
            .await?;
        if integrity != "ok" {
            return Err(StoreError::invalid(
                "backup",
                format!("完整性检查未通过：{integrity}"),
            ));
        }
        let records = match store.verify_audit().await? {
            Ok(records) => records,
            Err(problem) => {
                return Err(StoreError::invalid(
                    "backup",
                    format!("审计链校验未通过：{}", problem.reason),
                ));
            }
        };
        let plans: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plans")
            .fetch_one(&store.pool)
            .await?;
        let reports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
            .fetch_one(&store.pool)
            .await?;
        Ok(Verification {
            audit_records: records,
            plans,
            reports,
        })
    }
    .await;
    store.close().await;
    result
}

impl Store {
    /// Writes a consistent copy of the whole ledger to `path` (which must not exist), verifies
    /// it, and lists it with the outcome. A copy that fails verification keeps the name
    /// `<path>.partial` and is listed as failed.
    pub async fn back_up(
        &self,
        path: &Path,
        trigger: BackupTrigger,
        actor: &str,
    ) -> Result<BackupRecord> {
        let written = self.write_backup(path).await?;
        self.record_backup(written, trigger, actor).await
    }

    /// The copy and its verification, not yet listed (the list may not exist yet when the
    /// backup precedes the migration that creates it).
    pub(crate) async fn write_backup(&self, path: &Path) -> Result<WrittenBackup> {
        if path.exists() {
            return Err(StoreError::invalid(
                "backup",
                format!("{} 已存在，备份不会覆盖已有文件", path.display()),
            ));
        }
        let partial = partial_path(path);
        match std::fs::remove_file(&partial) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_error("无法清理", &partial, e)),
        }
        let started_at = now();
        match self.backend {
            Backend::Sqlite => {
                sqlx::query("VACUUM INTO $1")
                    .bind(partial.display().to_string())
                    .execute(&self.pool)
                    .await?;
            }
            Backend::Postgres => self.export_to_sqlite(&partial).await?,
        }
        sync_file(&partial)?;
        let verification = verify_backup(&partial, self.seal.clone()).await;
        let (file, problem, audit_records) = match verification {
            Ok(v) => {
                std::fs::rename(&partial, path).map_err(|e| io_error("无法命名", path, e))?;
                sync_file(path)?;
                (path.to_path_buf(), None, Some(v.audit_records as i64))
            }
            Err(e) => (partial.clone(), Some(e.to_string()), None),
        };
        let (sha256, bytes) = digest_file(&file)?;
        Ok(WrittenBackup {
            file: file.display().to_string(),
            started_at,
            finished_at: now(),
            bytes,
            sha256,
            audit_records,
            problem,
        })
    }

    pub(crate) async fn record_backup(
        &self,
        written: WrittenBackup,
        trigger: BackupTrigger,
        actor: &str,
    ) -> Result<BackupRecord> {
        let record = BackupRecord {
            id: 0,
            file: written.file,
            trigger,
            started_at: written.started_at,
            finished_at: written.finished_at,
            bytes: written.bytes,
            sha256: written.sha256,
            audit_records: written.audit_records,
            verified: written.problem.is_none(),
            problem: written.problem,
            taken_by: actor.to_string(),
        };
        // Every write takes the writer's turn, or a save committing meanwhile would find its
        // snapshot stale (SQLite) and fail.
        let _turn = self.writer_turn().await;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO backups (file, trigger, started_at, finished_at, bytes, sha256, audit_records, verified, problem, taken_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(&record.file)
        .bind(trigger.as_str())
        .bind(&record.started_at)
        .bind(&record.finished_at)
        .bind(record.bytes)
        .bind(&record.sha256)
        .bind(record.audit_records)
        .bind(i64::from(record.verified))
        .bind(&record.problem)
        .bind(&record.taken_by)
        .fetch_one(&self.pool)
        .await?;
        Ok(BackupRecord { id, ..record })
    }

    /// Every table, read in one snapshot, into a fresh SQLite ledger at `path`.
    async fn export_to_sqlite(&self, path: &Path) -> Result<()> {
        let target = Store::open_fresh(&sqlite_url(path, "rwc")).await?;
        let result = async {
            let mut to = target.pool.acquire().await?;
            let tables = copy::tables(&mut to, Backend::Sqlite).await?;
            sqlx::query("PRAGMA foreign_keys = OFF")
                .execute(&mut *to)
                .await?;
            let mut from = self.pool.acquire().await?;
            sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *from)
                .await?;
            sqlx::query("BEGIN").execute(&mut *to).await?;
            let copied = copy::copy_tables(&mut from, &mut to, Backend::Sqlite, &tables).await;
            let _ = sqlx::query("COMMIT").execute(&mut *from).await;
            match copied {
                Ok(_) => {
                    sqlx::query("COMMIT").execute(&mut *to).await?;
                }
                Err(e) => {
                    let _ = sqlx::query("ROLLBACK").execute(&mut *to).await;
                    return Err(e);
                }
            }
            Ok(())
        }
        .await;
        target.close().await;
        result?;
        // One self-contained file, no -wal beside it: switched alone, once the pool is gone.
        use sqlx::Connection;
        let mut single = sqlx::AnyConnection::connect(&sqlite_url(path, "rw")).await?;
        sqlx::query("PRAGMA journal_mode = DELETE")
            .execute(&mut single)
            .await?;
        single.close().await?;
        Ok(())
    }

    /// The latest backups, newest first.
    pub async fn backups(&self, limit: i64) -> Result<Vec<BackupRecord>> {
        let rows = sqlx::query(
            "SELECT id, file, trigger, started_at, finished_at, bytes, sha256, audit_records, verified, problem, taken_by FROM backups ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(BackupRecord {
                    id: r.try_get("id")?,
                    file: r.try_get("file")?,
                    trigger: BackupTrigger::parse(&r.try_get::<String, _>("trigger")?),
                    started_at: r.try_get("started_at")?,
                    finished_at: r.try_get("finished_at")?,
                    bytes: r.try_get("bytes")?,
                    sha256: r.try_get("sha256")?,
                    audit_records: r.try_get("audit_records")?,
                    verified: r.try_get::<i64, _>("verified")? != 0,
                    problem: r.try_get("problem")?,
                    taken_by: r.try_get("taken_by")?,
                })
            })
            .collect()
    }

    /// Whether the ledger holds nothing yet (only the schema): what a restore needs.
    pub async fn is_empty(&self) -> Result<bool> {
        let mut conn = self.pool.acquire().await?;
        for table in copy::tables(&mut conn, self.backend).await? {
            let any: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                "SELECT 1 FROM \"{}\" LIMIT 1",
                table.name
            )))
            .fetch_optional(&mut *conn)
            .await?;
            if any.is_some() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Copies the backup at `backup` into this ledger, which must be empty. The backup is
    /// verified first, and brought to this build's schema in a scratch copy (it may come
    /// from an older version), so the backup file itself is never changed.
    pub async fn restore_from(&self, backup: &Path, scratch: &Path) -> Result<Restored> {
        let verification = verify_backup(backup, self.seal.clone()).await?;
        if !self.is_empty().await? {
            return Err(StoreError::invalid(
                "restore",
                "目标台账不是空的：恢复只能写入新建的空台账（请另指定 --database）",
            ));
        }
        let copy = scratch.join("restore-source.db");
        std::fs::copy(backup, &copy).map_err(|e| io_error("无法复制", backup, e))?;
        let source = Store::open_fresh(&sqlite_url(&copy, "rw")).await?;
        let result = async {
            let mut to = self.pool.acquire().await?;
            let tables = copy::tables(&mut to, self.backend).await?;
            if self.backend == Backend::Sqlite {
                sqlx::query("PRAGMA foreign_keys = OFF")
                    .execute(&mut *to)
                    .await?;
            }
            let mut from = source.pool.acquire().await?;
            sqlx::query("BEGIN").execute(&mut *to).await?;
            let copied = copy::copy_tables(&mut from, &mut to, self.backend, &tables).await;
            match copied {
                Ok(tables) => {
                    sqlx::query("COMMIT").execute(&mut *to).await?;
                    if self.backend == Backend::Sqlite {
                        sqlx::query("PRAGMA foreign_keys = ON")
                            .execute(&mut *to)
                            .await?;
                    }
                    Ok(Restored {
                        tables,
                        audit_records: verification.audit_records,
                    })
                }
                Err(e) => {
                    let _ = sqlx::query("ROLLBACK").execute(&mut *to).await;
                    Err(e)
                }
            }
        }
        .await;
        source.close().await;
        result
    }

    /// Counts for the metrics; see [`OperationCounts`].
    pub async fn operation_counts(&self) -> Result<OperationCounts> {
        let deliveries = sqlx::query("SELECT state, COUNT(*) AS n FROM deliveries GROUP BY state")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get::<String, _>("state")?, r.try_get::<i64, _>("n")?)))
            .collect::<Result<Vec<_>>>()?;
        let reminders: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reminders")
            .fetch_one(&self.pool)
            .await?;
        let newest: Option<String> =
            sqlx::query_scalar("SELECT MAX(finished_at) FROM backups WHERE verified = 1")
                .fetch_one(&self.pool)
                .await?;
        let backups_failed: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM backups WHERE verified = 0")
                .fetch_one(&self.pool)
                .await?;
        let backup_age_seconds = newest
            .and_then(|at| crate::age_seconds(&at))
            .map(|s| s as f64);
        Ok(OperationCounts {
            deliveries,
            reminders,
            backup_age_seconds,
            backups_failed,
        })
    }
}
