//! luoshi-store: the ledger every later feature reads and writes — plans, sections, tasks,
//! indicators, targets, units, districts, assignments (task × unit × role), per-district target
//! shares, hand-added district rows, review items, amendments and the audit log — in SQLite (the
//! embedded default: one file, WAL, foreign keys on) or PostgreSQL. One API over both; this crate
//! is the only code that speaks SQL.
//!
//! Every write goes through [`Store::write`], which runs it in one transaction together with an
//! audit record chained by hash to the one before, so a write is all or nothing and the log of
//! who changed what cannot be edited unnoticed.

mod account_admin;
mod accounts;
mod allocation;
mod assessment;
mod audit;
mod audit_search;
mod cache;
mod closures;
mod deliveries;
mod directory;
mod document_settings;
mod edit;
mod filter_names;
mod import;
mod indicator_sources;
mod instructions;
mod issued;
mod milestones;
mod periods;
mod plan_list;
mod plan_settings;
mod publish;
mod read;
mod receipts;
mod reminders;
mod reports;
mod review;
mod rows;
mod rules;
mod save_queue;
pub mod seal;
mod series;
mod shares;
mod sign_in;
mod snapshot;
mod supervision;
mod support;
mod table_seal;
mod tokens;
mod unit_names;
mod verify;

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use account_admin::{Refusals, normalise_mobile};
pub use accounts::{Credentials, NewUser, SessionInfo, UserRow};
pub use allocation::{
    Allocation, AllocationInput, AllocationRow, DistrictShare, UnitShare, UnitShareInput,
};
pub use assessment::{AssessmentItem, AssessmentItemInput};
pub use audit::AuditRecord;
pub use audit_search::{AuditFilter, MAX_AUDIT_PAGE};
pub use closures::{Evidence, MAX_EVIDENCE, TaskClosure};
pub use deliveries::{Channel, ChannelKind, Delivery, NewChannel};
pub use directory::SavedDirectory;
pub use document_settings::DocumentSettings;
pub use edit::{DistrictRowInput, TargetPart, UnitsInput};
pub use indicator_sources::IndicatorSource;
pub use instructions::{
    InstructedKind, Instruction, InstructionKind, MAX_INSTRUCTION_TEXT, NewInstruction,
};
pub use issued::{IssueFiles, IssuedDocument, IssuedFile, NextIssue, content_hash};
pub use luoshi_reporting;
pub use milestones::Milestone;
pub use periods::PeriodRow;
pub use plan_list::PlanRef;
pub use publish::{AmendmentRow, Publishing};
pub use read::{Page, TaskFilter};
pub use receipts::{MAX_ACKNOWLEDGE, MAX_REASON, ObjectionAnswer, Receipt, ReceiptState};
pub use reminders::{NewReminder, Reminder, ReminderKind};
pub use reports::{
    AttachmentRow, ContextTarget, Notice, PreviousTexts, ReportInput, ReportTarget, ReportView,
    UnitReporting, ValueInput,
};
pub use review::{MAX_BATCH, PendingReview, ReviewTarget};
pub use rows::*;
pub use rules::PlanRules;
pub use sign_in::LoginLock;
pub use snapshot::{
    SnapAssignment, SnapReport, SnapShare, SnapTarget, SnapTask, SnapValue, Snapshot, Structure,
    Texts,
};
pub use supervision::{MAX_ORDER_TEXT, NewOrder, SubjectKind, SupervisionOrder};
pub use support::SupportRow;
pub use tokens::ApiToken;
pub use unit_names::{UnknownName, unknown_names_message};
pub use verify::{AuditProblem, AuditReport, SealStart};

/// The database a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库地址无法识别：{0}（应为 sqlite://文件 或 postgres://…）")]
    BadUrl(String),
    // The cause is the error's source, so that a chain of causes prints each once.
    #[error("数据库错误")]
    Database(#[from] sqlx::Error),
    #[error("数据库结构升级失败")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{entity} {id} 不存在")]
    NotFound { entity: &'static str, id: String },
    /// Input that names what is wrong and where (`field`).
    #[error("{field}：{message}")]
    Invalid { field: String, message: String },
    #[error("方案已发布，任务清单已冻结；请以修订（amendment）方式变更：{0}")]
    Published(String),
    /// Someone else saved first (optimistic versioning); nothing was written.
    #[error("{0}")]
    Conflict(String),
    #[error("数据格式错误")]
    Json(#[from] serde_json::Error),
    /// The audit seal is missing, unreadable, or the ledger disagrees with its checkpoint.
    #[error("{0}")]
    Seal(String),
}

impl StoreError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Text a person writes into the ledger (a reason, a reply, a requirement): trimmed, required,
/// at most `max` characters; refused with `field` named and `label` in words.
pub(crate) fn required_text(field: &str, label: &str, text: &str, max: usize) -> Result<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(StoreError::invalid(field, format!("请填写{label}")));
    }
    let count = text.chars().count();
    if count > max {
        return Err(StoreError::invalid(
            field,
            format!("{label}不能超过 {max} 个字（填了 {count} 个字）"),
        ));
    }
    Ok(text.to_string())
}

/// The ledger.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// One writer at a time, so audit records chain in order (SQLite allows one writer anyway).
    writer: std::sync::Arc<tokio::sync::Mutex<()>>,
    district_tables: std::sync::Arc<cache::VersionedCache<(i64, String), DistrictTable>>,
    task_pages: std::sync::Arc<cache::VersionedCache<TaskPageKey, Page<TaskRow>>>,
    /// Plans' structures for snapshots, by plan id.
    structures: std::sync::Arc<cache::VersionedCache<i64, snapshot::Structure>>,
    /// Report saves waiting to be committed together.
    save_queue: std::sync::Arc<save_queue::Queue>,
    /// Signs audit records and keeps the checkpoint, when a key is configured.
    seal: Option<std::sync::Arc<seal::Seal>>,
}

/// A task list request: plan, filter, offset, limit.
type TaskPageKey = (i64, TaskFilter, i64, i64);

impl Store {
    /// Opens (creating a SQLite file if needed) and migrates the database at `url`:
    /// `sqlite://luoshi.db`, `sqlite::memory:`, `postgres://user@host/db`.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::BadUrl(url.to_string()));
        };
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
                        conn.execute("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        if backend == Backend::Sqlite && !url.contains(":memory:") {
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
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Now, as ISO-8601 UTC with milliseconds.
pub(crate) fn now() -> String {
    time_after(0)
}

/// The time `seconds` from now, as ISO-8601 UTC with milliseconds — the form every stored time
/// takes, so that times compare as text.
pub fn time_after(seconds: i64) -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    utc_text(since.as_millis() as i64 + seconds * 1000)
}

/// Milliseconds since 1970 as ISO-8601 UTC with milliseconds (the stored form).
pub fn utc_text(unix_ms: i64) -> String {
    let secs = unix_ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        unix_ms.rem_euclid(1000)
    )
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(18_714), (2021, 3, 28));
        assert_eq!(civil_from_days(20_784), (2026, 11, 27));
    }
}
