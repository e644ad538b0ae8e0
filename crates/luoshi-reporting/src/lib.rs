//! luoshi-reporting: the rules of 每月一调度 as pure functions over plain data — who may see and
//! do what ([`access`]), when reports are due ([`calendar`]) and what a report must satisfy
//! ([`report`]). No database, no HTTP: the store and the handlers ask these functions and obey.

pub mod access;
pub mod calendar;
pub mod followup;
pub mod months;
pub mod reminders;
pub mod report;

pub use access::{AssignmentScope, Principal, Role, ScoreScope};
pub use calendar::{
    Day, PeriodKind, PeriodSpec, Window, beijing_day_start_utc, beijing_time, utc_seconds,
};
pub use months::Months;
pub use report::{ReportStatus, ValueCheck};
