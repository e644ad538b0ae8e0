//! The sign-in back-off: failures counted per (user name as typed, client address). After
//! `max_failures` in a row that pair waits `lock_seconds`; when the wait is over the count starts
//! again, so one wrong attempt per window cannot hold a lock. An outsider can only ever lock
//! their own address out, never the account for everyone. This is throttle state, not part of
//! the ledger, so it is not written to the audit log.

use serde::Serialize;
use sqlx::Row;

use crate::{Result, Store, time_after};

/// Failures older than this are forgotten.
const KEEP_SECONDS: i64 = 24 * 3600;

/// A (name, address) pair with failed sign-ins, for the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LoginLock {
    pub username: String,
    pub address: String,
    pub failures: i64,
    /// Until when the pair must wait (UTC, ISO 8601), if it must.
    pub locked_until: Option<String>,
    pub last_failure: String,
}

impl Store {
    /// Until when `username` from `address` must wait, if a lock is in force now.
    pub async fn login_lock(&self, username: &str, address: &str) -> Result<Option<String>> {
        let row = sqlx::query(
            "SELECT locked_until FROM login_failures WHERE username = $1 AND address = $2",
        )
        .bind(username)
        .bind(address)
        .fetch_optional(&self.pool)
        .await?;
        let now = time_after(0);
        Ok(row
            .map(|r| r.try_get::<Option<String>, _>("locked_until"))
            .transpose()?
            .flatten()
            .filter(|until| until.as_str() > now.as_str()))
    }

    /// Counts a failed sign-in of `username` from `address`; returns the lock's end when this
    /// failure starts one.
    pub async fn count_login_failure(
        &self,
        username: &str,
        address: &str,
        max_failures: i64,
        lock_seconds: i64,
    ) -> Result<Option<String>> {
        let now = time_after(0);
        let stale = time_after(-lock_seconds);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "DELETE FROM login_failures WHERE last_failure < $1 AND (locked_until IS NULL OR locked_until < $2)",
        )
        .bind(time_after(-KEEP_SECONDS))
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        // A lock that has run out, or failures older than a lock's length, start the count anew.
        let row = sqlx::query(
            "INSERT INTO login_failures (username, address, failures, locked_until, last_failure) VALUES ($1, $2, 1, NULL, $3)
             ON CONFLICT (username, address) DO UPDATE SET
               failures = CASE WHEN login_failures.locked_until IS NOT NULL OR login_failures.last_failure < $4 THEN 1 ELSE login_failures.failures + 1 END,
               locked_until = NULL,
               last_failure = $3
             RETURNING failures",
        )
        .bind(username)
        .bind(address)
        .bind(&now)
        .bind(&stale)
        .fetch_one(&mut *tx)
        .await?;
        let failures: i64 = row.try_get("failures")?;
        let lock = (failures >= max_failures).then(|| time_after(lock_seconds));
        if let Some(until) = &lock {
            sqlx::query(
                "UPDATE login_failures SET locked_until = $1 WHERE username = $2 AND address = $3",
            )
            .bind(until)
            .bind(username)
            .bind(address)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(lock)
    }

    /// Forgets the failures of `username` (from `address`, or from everywhere); the number of
    /// pairs cleared.
    pub async fn clear_login_failures(&self, username: &str, address: Option<&str>) -> Result<u64> {
        let done = match address {
            Some(address) => {
                sqlx::query("DELETE FROM login_failures WHERE username = $1 AND address = $2")
                    .bind(username)
                    .bind(address)
                    .execute(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("DELETE FROM login_failures WHERE username = $1")
                    .bind(username)
                    .execute(&self.pool)
                    .await?
            }
        };
        Ok(done.rows_affected())
    }

    /// Every pair with recent failures, locked ones first.
    pub async fn login_locks(&self) -> Result<Vec<LoginLock>> {
        let rows = sqlx::query(
            "SELECT username, address, failures, locked_until, last_failure FROM login_failures WHERE last_failure >= $1 OR locked_until >= $2 ORDER BY locked_until IS NULL, last_failure DESC LIMIT 500",
        )
        .bind(time_after(-KEEP_SECONDS))
        .bind(time_after(0))
        .fetch_all(&self.pool)
        .await?;
        let now = time_after(0);
        rows.iter()
            .map(|r| {
                Ok(LoginLock {
                    username: r.try_get("username")?,
                    address: r.try_get("address")?,
                    failures: r.try_get("failures")?,
                    locked_until: r
                        .try_get::<Option<String>, _>("locked_until")?
                        .filter(|u| u.as_str() > now.as_str()),
                    last_failure: r.try_get("last_failure")?,
                })
            })
            .collect()
    }
}
