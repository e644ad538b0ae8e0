//! luoshi-evaluation: what the office wants to know at each meeting of the cadence — who is on
//! pace, who lags and by how much, where the year will end — as pure functions over plain data.
//! The rules start from DESIGN.md and are configurable per plan through [`Rules`].

pub mod assess;
pub mod forecast;
pub mod status;
pub mod supervision;
pub mod task_status;

pub use assess::{AssessmentRules, Score, ScoreInput, rank_within_groups, score};
pub use forecast::{Forecast, forecast};
pub use status::{
    Evaluation, Qualifier, Rules, Status, TargetSpec, evaluate, pace, pace_from, worst,
};
pub use supervision::{Level, Suggestion, SupervisionRules, suggest};
pub use task_status::{Confirmation, TaskFacts, deadline_month, task_status};
