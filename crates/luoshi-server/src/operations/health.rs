//! `/healthz`: the process answers. `/readyz`: it can do its work: the database answers, its
//! schema is this build's, and the data folders have room. Neither needs a login (a load
//! balancer asks them); neither says more than a check's name and outcome. `/metrics`: the
//! Prometheus exposition, for the bearer of the configured token.

use std::path::Path;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use crate::AppState;

pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(alive))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .with_state(state)
}

async fn alive() -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(serde_json::json!({ "status": "alive" })),
    )
        .into_response()
}

#[derive(Debug, Serialize)]
struct Check {
    name: &'static str,
    ok: bool,
    detail: String,
}

#[derive(Debug, Serialize)]
struct Readiness {
    status: &'static str,
    checks: Vec<Check>,
}

/// Free bytes for unprivileged writers on the filesystem holding `dir`.
pub fn free_bytes(dir: &Path) -> std::io::Result<u64> {
    let stat = rustix::fs::statvfs(dir)?;
    Ok(stat.f_bavail.saturating_mul(stat.f_frsize))
}

async fn ready(State(state): State<AppState>) -> Response {
    let mut checks = Vec::new();
    let database =
        tokio::time::timeout(std::time::Duration::from_secs(5), state.store.ping()).await;
    let reachable = matches!(database, Ok(Ok(())));
    checks.push(Check {
        name: "database",
        ok: reachable,
        detail: match database {
            Ok(Ok(())) => "数据库可连接".into(),
            Ok(Err(_)) => "数据库无法查询".into(),
            Err(_) => "数据库 5 秒内没有应答".into(),
        },
    });
    if reachable {
        let current = state.store.migrations_current().await;
        checks.push(Check {
            name: "migrations",
            ok: matches!(current, Ok(true)),
            detail: match current {
                Ok(true) => "数据库结构为当前版本".into(),
                Ok(false) => "数据库结构与本程序版本不符".into(),
                Err(_) => "无法读取数据库结构版本".into(),
            },
        });
    }
    let minimum = state.operations.min_free_bytes;
    for dir in &state.operations.data_dirs {
        let free = free_bytes(dir);
        checks.push(Check {
            name: "disk",
            ok: free.as_ref().is_ok_and(|f| *f >= minimum),
            detail: match free {
                Ok(free) => format!(
                    "{}：剩余 {} MB（下限 {} MB）",
                    dir.display(),
                    free / 1_000_000,
                    minimum / 1_000_000
                ),
                Err(_) => format!("{}：无法读取剩余空间", dir.display()),
            },
        });
    }
    let ok = checks.iter().all(|c| c.ok);
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CACHE_CONTROL, "no-store")],
        axum::Json(Readiness {
            status: if ok { "ready" } else { "not_ready" },
            checks,
        }),
    )
        .into_response()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = state.operations.metrics_token.as_deref() else {
        return (
            StatusCode::NOT_FOUND,
            "metrics are off: start the server with --metrics-token\n",
        )
            .into_response();
    };
    let given = bearer(&headers).unwrap_or_default();
    if !crate::auth::constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "a valid token is required: Authorization: Bearer <token>\n",
        )
            .into_response();
    }
    let metrics = &state.operations.metrics;
    let (size, idle) = state.store.pool_use();
    metrics.pool_connections.set(i64::from(size));
    metrics.pool_idle.set(idle as i64);
    if let Ok(counts) = state.store.operation_counts().await {
        // Every state has a series, zero included, so that alerts need not guess.
        for status in ["pending", "sent", "failed"] {
            let n = counts
                .deliveries
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n);
            metrics
                .deliveries
                .get_or_create(&super::metrics::StatusLabels {
                    status: status.to_string(),
                })
                .set(n);
        }
        metrics.reminders.set(counts.reminders);
        metrics
            .backup_age
            .set(counts.backup_age_seconds.unwrap_or(-1.0));
        metrics.backups_failed.set(counts.backups_failed);
    }
    match metrics.render() {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(_) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "metrics could not be encoded\n",
        )
            .into_response(),
    }
}
