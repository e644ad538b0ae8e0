//! Opening the ledger: connecting with the settings that make commits durable, backing up a
//! ledger about to be migrated, migrating, and reading back what is in force.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use sqlx::Executor;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};

use crate::{Backend, Result, Store, StoreError};

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database at `url`:
    /// `sqlite://luoshi.db`, `sqlite::memory:`, `postgres://user@host/db`. A SQLite ledger
    /// about to be migrated to a newer schema is first backed up beside its file.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, None).await
    }

    /// As [`Store::open`], with the folder for the backup taken before a migration (a
    /// PostgreSQL ledger is backed up only when one is given; a SQLite ledger defaults to the
    /// folder of its file).
    pub async fn open_with(url: &str, backup_dir: Option<&Path>) -> Result<Store> {
        let store = Store::connect(url).await?;
        let pending = store.pending_migrations().await?;
        let dir = backup_dir
            .map(Path::to_path_buf)
            .or_else(|| store.sqlite_dir());
        let mut before = None;
        if let (Some(version), Some(dir)) = (pending, dir) {
            let name = format!(
                "luoshi-before-{version:04}-{}.luoshi-backup",
                crate::now().replace([':', '-', '.'], "")
            );
            before = Some(store.write_backup(&dir.join(name)).await?);
        }
        store.migrate().await?;
        if let Some(record) = before {
            store
                .record_backup(
                    record,
                    crate::BackupTrigger::Migration,
                    "luoshi（升级前自动备份）",
                )
                .await?;
        }
        Ok(store)
    }

    /// Opens and migrates without a backup first: for files this crate makes itself (a
    /// backup's scratch copy, a PostgreSQL export).
    pub(crate) async fn open_fresh(url: &str) -> Result<Store> {
        let store = Store::connect(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// The folder of a SQLite ledger's file.
    fn sqlite_dir(&self) -> Option<PathBuf> {
        let file = sqlite_file(&self.url)?;
        Some(match file.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        })
    }

    /// The first migration this build carries that the ledger lacks, when the ledger already
    /// has some (a new, empty one needs no backup).
    async fn pending_migrations(&self) -> Result<Option<i64>> {
        let exists: Option<i64> = match self.backend {
            Backend::Sqlite => sqlx::query_scalar(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
            )
            .fetch_optional(&self.pool)
            .await?,
            Backend::Postgres => sqlx::query_scalar(
                "SELECT 1 FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'",
            )
            .fetch_optional(&self.pool)
            .await?,
        };
        if exists.is_none() {
            return Ok(None);
        }
        let applied = self.applied_migrations().await?;
        if applied.is_empty() {
            return Ok(None);
        }
        Ok(self
            .known_migrations()
            .into_iter()
            .find(|v| !applied.contains(v)))
    }

    /// The versions of the migrations applied, in order.
    async fn applied_migrations(&self) -> Result<Vec<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT version FROM _sqlx_migrations WHERE success ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The versions of the migrations this build carries, in order.
    fn known_migrations(&self) -> Vec<i64> {
        self.migrator()
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .collect()
    }

    fn migrator(&self) -> sqlx::migrate::Migrator {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        }
    }

    /// Connects to the database at `url` as it is, schema untouched (a backup is verified so).
    pub(crate) async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
        if backend == Backend::Sqlite {
            refuse_non_sqlite(url)?;
        }
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") && !url.contains(":memory:") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let options =
            AnyConnectOptions::from_str(&url).map_err(|_| StoreError::BadUrl(url.clone()))?;
        let max = if url.contains(":memory:") { 1 } else { 8 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            // A ping before every checkout doubles the cost of short queries; a dead
            // connection fails its query and the pool replaces it.
            .test_before_acquire(false)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // FULL: a commit is on disk (WAL fsynced) before it is acknowledged, so an
                        // answered save survives a power cut, not only a crash of the process.
                        conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = FULL;").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite && !url.contains(":memory:") && !url.contains("mode=ro") {
            pool.execute("PRAGMA journal_mode = WAL;").await?;
        }
        let store = Store {
            pool,
            backend,
            writer: Default::default(),
            district_tables: Default::default(),
            task_pages: Default::default(),
            structures: Default::default(),
            save_queue: Default::default(),
            seal: None,
            commit_observer: None,
            url,
            backup_copy: false,
        };
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        self.migrator().run(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The durability settings actually in force on a pooled connection, as the database
    /// reports them: SQLite's `journal_mode` and `synchronous`, PostgreSQL's `fsync` and
    /// `synchronous_commit`.
    pub async fn durability(&self) -> Result<Durability> {
        let mut conn = self.pool.acquire().await?;
        let read = |row: sqlx::any::AnyRow| -> Result<String> {
            use sqlx::Row;
            // SQLite answers `synchronous` with a number.
            Ok(match row.try_get::<String, _>(0) {
                Ok(text) => text,
                Err(_) => row.try_get::<i64, _>(0)?.to_string(),
            })
        };
        let (journal, sync) = match self.backend {
            Backend::Sqlite => ("PRAGMA journal_mode", "PRAGMA synchronous"),
            Backend::Postgres => ("SHOW fsync", "SHOW synchronous_commit"),
        };
        let journal = read(sqlx::query(journal).fetch_one(&mut *conn).await?)?;
        let sync = read(sqlx::query(sync).fetch_one(&mut *conn).await?)?;
        Ok(match self.backend {
            Backend::Sqlite => Durability {
                journal_mode: journal.to_lowercase(),
                synchronous: match sync.as_str() {
                    "0" => "off".into(),
                    "1" => "normal".into(),
                    "2" => "full".into(),
                    "3" => "extra".into(),
                    other => other.to_lowercase(),
                },
            },
            Backend::Postgres => Durability {
                journal_mode: format!("fsync={journal}"),
                synchronous: sync,
            },
        })
    }

    /// Calls `observer` with the number of saves in every group commit.
    pub fn observe_commits(&mut self, observer: impl Fn(usize) + Send + Sync + 'static) {
        self.commit_observer = Some(crate::save_queue::CommitObserver(std::sync::Arc::new(
            observer,
        )));
    }

    /// Connections the pool holds, and how many of them are idle.
    pub fn pool_use(&self) -> (u32, usize) {
        (self.pool.size(), self.pool.num_idle())
    }

    /// Whether every migration this build carries has been applied, and none it does not know.
    pub async fn migrations_current(&self) -> Result<bool> {
        Ok(self.applied_migrations().await? == self.known_migrations())
    }

    /// A trivial query: the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The file a `sqlite://FILE[?…]` URL names; none for other URLs and in-memory databases.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.contains(":memory:")).then(|| PathBuf::from(path))
}

/// An existing file that is not a SQLite database is refused at once with its name (the pool
/// would otherwise retry connecting to it until its timeout, half a minute).
fn refuse_non_sqlite(url: &str) -> Result<()> {
    use std::io::Read;
    let Some(path) = sqlite_file(url) else {
        return Ok(());
    };
    let path = path.display();
    let mut header = [0u8; 16];
    let read = std::fs::File::open(path.to_string()).and_then(|mut f| f.read(&mut header));
    match read {
        // Missing (it will be created) or empty (a new database): fine.
        Err(_) | Ok(0) => Ok(()),
        Ok(n) if n == 16 && &header == b"SQLite format 3\0" => Ok(()),
        Ok(_) => Err(StoreError::invalid(
            "database",
            format!("{path} 不是 SQLite 数据库文件（也不是 luoshi 的备份）"),
        )),
    }
}

/// How commits reach the disk; see [`Store::durability`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Durability {
    /// SQLite: `wal`; PostgreSQL: `fsync=on`.
    pub journal_mode: String,
    /// SQLite: `full`; PostgreSQL: `on`.
    pub synchronous: String,
}

impl Durability {
    /// Whether an acknowledged commit survives a power cut under these settings.
    pub fn survives_power_loss(&self) -> bool {
        match self.journal_mode.as_str() {
            "wal" => matches!(self.synchronous.as_str(), "full" | "extra"),
            "fsync=on" => matches!(
                self.synchronous.as_str(),
                "on" | "remote_write" | "remote_apply"
            ),
            // Rollback journals are durable from NORMAL up.
            _ => matches!(self.synchronous.as_str(), "normal" | "full" | "extra"),
        }
    }
}
