//! Load and health in numbers, for Prometheus: requests by route and status with their
//! latency, report saves and the size of each group commit, the pool's connections, reminders
//! and messages by outcome, and the age of the newest good backup.

use std::sync::atomic::AtomicU64;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: String,
    /// The route's pattern (`/api/plans/{id}`), never the address itself, so that the
    /// number of series stays bounded.
    pub route: String,
    pub status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub method: String,
    pub route: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabels {
    pub status: String,
}

/// Every metric the server keeps; scraped at `/metrics`.
pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    pub latency: Family<RouteLabels, Histogram>,
    pub saves: Counter,
    pub save_batches: Histogram,
    pub pool_connections: Gauge,
    pub pool_idle: Gauge,
    pub deliveries: Family<StatusLabels, Gauge>,
    pub reminders: Gauge,
    pub backup_age: Gauge<f64, AtomicU64>,
    pub backups_failed: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("luoshi");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new([
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ])
        });
        registry.register(
            "http_request_duration_seconds",
            "Time from request to answer, by method and route",
            latency.clone(),
        );
        let saves = Counter::default();
        registry.register(
            "report_saves",
            "Report saves committed by this process",
            saves.clone(),
        );
        let save_batches = Histogram::new([1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0]);
        registry.register(
            "report_save_batch_size",
            "Saves committed together in one group commit",
            save_batches.clone(),
        );
        let pool_connections = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Database connections the pool holds",
            pool_connections.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Database connections idle in the pool",
            pool_idle.clone(),
        );
        let deliveries = Family::<StatusLabels, Gauge>::default();
        registry.register(
            "deliveries",
            "Messages to notification channels in the ledger, by status (pending, sent, failed)",
            deliveries.clone(),
        );
        let reminders = Gauge::default();
        registry.register(
            "reminders_sent",
            "Automatic reminders recorded in the ledger",
            reminders.clone(),
        );
        let backup_age = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "backup_age_seconds",
            "Seconds since the newest verified backup (-1: none yet)",
            backup_age.clone(),
        );
        let backups_failed = Gauge::default();
        registry.register(
            "backups_failed",
            "Backups whose verification failed, as listed in the ledger",
            backups_failed.clone(),
        );
        Metrics {
            registry,
            requests,
            latency,
            saves,
            save_batches,
            pool_connections,
            pool_idle,
            deliveries,
            reminders,
            backup_age,
            backups_failed,
        }
    }

    /// Records one group commit of `size` saves.
    pub fn committed(&self, size: usize) {
        self.saves.inc_by(size as u64);
        self.save_batches.observe(size as f64);
    }

    /// The metrics in Prometheus' text exposition format.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut out = String::new();
        prometheus_client::encoding::text::encode(&mut out, &self.registry)?;
        Ok(out)
    }
}
