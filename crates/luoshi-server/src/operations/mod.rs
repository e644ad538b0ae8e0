//! Running the server for years: liveness and readiness for the load balancer, metrics for
//! Prometheus, and a log line per request.

pub mod backups;
pub mod health;
pub mod metrics;
pub mod observe;

use std::path::PathBuf;

pub use metrics::Metrics;

/// What the operations endpoints need besides the ledger.
#[derive(Debug, Default)]
pub struct Operations {
    pub metrics: std::sync::Arc<Metrics>,
    /// `/metrics` answers only to `Authorization: Bearer <token>`; without one it is off.
    pub metrics_token: Option<String>,
    /// The folder whose free space `/readyz` checks (the SQLite file's, the backups').
    pub data_dirs: Vec<PathBuf>,
    /// Free bytes below which the server is not ready (it could not take saves for long).
    pub min_free_bytes: u64,
}
