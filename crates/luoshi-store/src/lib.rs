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
mod backup;
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
mod leadership;
mod milestones;
mod open;
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

use sqlx::AnyPool;

pub use account_admin::{Refusals, normalise_mobile};
pub use accounts::{Credentials, NewUser, SessionInfo, UserRow};
pub use allocation::{
    Allocation, AllocationInput, AllocationRow, DistrictShare, UnitShare, UnitShareInput,
};
pub use assessment::{AssessmentItem, AssessmentItemInput};
pub use audit::AuditRecord;
pub use audit_search::{AuditFilter, MAX_AUDIT_PAGE};
pub use backup::{
    BackupRecord, BackupTrigger, OperationCounts, Restored, Verification, verify_backup,
};
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
pub use leadership::{Job, Leadership};
pub use luoshi_reporting;
pub use milestones::Milestone;
pub use open::{Durability, sqlite_file};
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
    /// The acting user may not do this (to this record); nothing was written.
    #[error("{0}")]
    Forbidden(String),
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
    /// Told each group commit's size.
    commit_observer: Option<save_queue::CommitObserver>,
    /// Where it was opened, for connections of its own (see [`Leadership`]).
    url: String,
    /// A backup opened to be verified: see `backup::verify_backup`.
    backup_copy: bool,
}

/// A task list request: plan, filter, offset, limit.
type TaskPageKey = (i64, TaskFilter, i64, i64);

/// Now, as ISO-8601 UTC with milliseconds.
pub(crate) fn now() -> String {
    time_after(0)
}

/// The time `seconds` from now, as ISO-8601 UTC with milliseconds — the form every stored time
/// takes, so that times compare as text.
pub fn time_after(seconds: i64) -> String {
    utc_text(jiff::Timestamp::now().as_millisecond() + seconds * 1000)
}

/// A stored time (ISO-8601 UTC, as [`utc_text`] writes it) as milliseconds since 1970.
pub(crate) fn unix_ms(text: &str) -> Option<i64> {
    text.parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_millisecond())
}

/// Whole seconds since a stored time, if it reads as one.
pub fn age_seconds(stored: &str) -> Option<u64> {
    let then = unix_ms(stored)?;
    let now = jiff::Timestamp::now().as_millisecond();
    u64::try_from((now - then).max(0) / 1000).ok()
}

/// Milliseconds since 1970 as ISO-8601 UTC with milliseconds (the stored form).
pub fn utc_text(unix_ms: i64) -> String {
    let at = jiff::Timestamp::from_millisecond(unix_ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    at.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_times_read_back() {
        assert_eq!(utc_text(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(utc_text(1_616_889_600_007), "2021-03-28T00:00:00.007Z");
        for ms in [0, 1_614_556_800_123, 1_796_000_000_999] {
            assert_eq!(unix_ms(&utc_text(ms)), Some(ms));
        }
        assert_eq!(unix_ms("not a time"), None);
    }
}
