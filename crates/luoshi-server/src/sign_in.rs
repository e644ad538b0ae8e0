//! Signing in under attack. Password checks are argon2id with 19 MiB each, so they run a few at
//! a time ([`SignInGuard`]: a semaphore; callers wait briefly, then get 503 with Retry-After);
//! each client address has a budget of attempts; failures back off per (name, address), the
//! same for names that are not accounts, so neither the answers nor their timing tell which
//! names exist; and a failure inside the hash is a 503, never counted as a wrong password.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use luoshi_store::{Store, StoreError, time_after};
use tokio::sync::Semaphore;

use crate::AppState;
use crate::auth::{SESSION_SECONDS, digest, new_secret, password};

/// Failed attempts in a row, per (name, address), before that pair waits [`LOCK_SECONDS`].
pub const MAX_FAILURES: i64 = 5;
pub const LOCK_SECONDS: i64 = 15 * 60;
/// Password checks running at once by default: 4 × 19 MiB of argon2 memory.
pub const DEFAULT_CONCURRENT_CHECKS: usize = 4;
/// How long an attempt waits for a free check before it is told to come back.
const CHECK_WAIT: Duration = Duration::from_secs(3);
const BUSY_RETRY_SECONDS: u64 = 5;
/// Attempts per client address: a burst of [`ADDRESS_BURST`], then one per
/// [`ADDRESS_REFILL_SECONDS`].
const ADDRESS_BURST: f64 = 20.0;
const ADDRESS_REFILL_SECONDS: f64 = 6.0;
/// Addresses remembered at most; beyond this, those with a full budget are forgotten first.
const MAX_ADDRESSES: usize = 50_000;
/// Longest user name looked up or remembered (longer input is cut here).
const MAX_NAME_CHARS: usize = 64;

/// Why a sign-in (or a check of the current password) did not go through.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    #[error("用户名或密码错误")]
    Wrong,
    #[error("登录失败次数过多，请于 {until}（北京时间）后再试，或联系协调办公室解除")]
    Locked { until: String, retry_after: u64 },
    #[error("本机登录尝试过于频繁，请 {0} 秒后再试")]
    TooFast(u64),
    #[error("登录人数较多，请 {0} 秒后再试")]
    Busy(u64),
    #[error("密码校验暂时无法完成（{0}），请稍后再试；本次不计为密码错误")]
    Unavailable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Internal(String),
}

impl LoginError {
    pub fn status(&self) -> StatusCode {
        match self {
            LoginError::Wrong => StatusCode::UNAUTHORIZED,
            LoginError::Locked { .. } | LoginError::TooFast(_) => StatusCode::TOO_MANY_REQUESTS,
            LoginError::Busy(_) | LoginError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            LoginError::Store(_) | LoginError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds for a `Retry-After` header, when waiting helps.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            LoginError::Locked { retry_after, .. } => Some(*retry_after),
            LoginError::TooFast(s) | LoginError::Busy(s) => Some(*s),
            LoginError::Unavailable(_) => Some(BUSY_RETRY_SECONDS),
            _ => None,
        }
    }
}

/// A new session: the secret for the cookie and its CSRF token.
pub struct NewSession {
    pub secret: String,
    pub csrf_token: String,
    pub must_change_password: bool,
}

struct Budget {
    tokens: f64,
    at: Instant,
}

/// The bounds every password check passes through.
pub struct SignInGuard {
    checks: Semaphore,
    budgets: Mutex<HashMap<IpAddr, Budget>>,
}

impl Default for SignInGuard {
    fn default() -> Self {
        SignInGuard::new(DEFAULT_CONCURRENT_CHECKS)
    }
}

impl SignInGuard {
    /// At most `concurrent_checks` argon2 checks at once (at least one).
    pub fn new(concurrent_checks: usize) -> SignInGuard {
        SignInGuard {
            checks: Semaphore::new(concurrent_checks.max(1)),
            budgets: Mutex::new(HashMap::new()),
        }
    }

    /// Spends one attempt of `address`'s budget, or says how long to wait.
    fn spend(&self, address: IpAddr) -> Result<(), LoginError> {
        let mut budgets = self
            .budgets
            .lock()
            .map_err(|_| LoginError::Internal("登录限流状态损坏".into()))?;
        let now = Instant::now();
        if budgets.len() >= MAX_ADDRESSES && !budgets.contains_key(&address) {
            budgets.retain(|_, b| {
                b.tokens + now.duration_since(b.at).as_secs_f64() / ADDRESS_REFILL_SECONDS
                    < ADDRESS_BURST
            });
            if budgets.len() >= MAX_ADDRESSES {
                return Err(LoginError::Busy(BUSY_RETRY_SECONDS));
            }
        }
        let budget = budgets.entry(address).or_insert(Budget {
            tokens: ADDRESS_BURST,
            at: now,
        });
        let refilled = now.duration_since(budget.at).as_secs_f64() / ADDRESS_REFILL_SECONDS;
        budget.tokens = (budget.tokens + refilled).min(ADDRESS_BURST);
        budget.at = now;
        if budget.tokens < 1.0 {
            let wait = ((1.0 - budget.tokens) * ADDRESS_REFILL_SECONDS).ceil() as u64;
            return Err(LoginError::TooFast(wait.max(1)));
        }
        budget.tokens -= 1.0;
        Ok(())
    }

    /// Checks `password` against `hash` when a slot is free: `Ok(false)` only for a wrong
    /// password; a hash that cannot be computed (memory, a corrupt stored hash) is an error.
    async fn verify(&self, password: &str, hash: &str) -> Result<bool, LoginError> {
        let permit = tokio::time::timeout(CHECK_WAIT, self.checks.acquire())
            .await
            .map_err(|_| LoginError::Busy(BUSY_RETRY_SECONDS))?
            .map_err(|_| LoginError::Busy(BUSY_RETRY_SECONDS))?;
        let (password, hash) = (password.to_string(), hash.to_string());
        let outcome = tokio::task::spawn_blocking(move || password::check(&password, &hash))
            .await
            .map_err(|e| LoginError::Unavailable(format!("校验中断：{e}")))?;
        drop(permit);
        outcome.map_err(LoginError::Unavailable)
    }
}

/// The address a request came from (see [`client_address`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<ClientAddress, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        let peer = peer.map_or(IpAddr::from([0, 0, 0, 0]), |p| p.ip());
        Ok(ClientAddress(match &state.proxies {
            Some(proxies) => proxies.client(&parts.headers, peer),
            None => peer,
        }))
    }
}

/// A valid argon2id hash of a random password, made once, so that an unknown name costs the
/// same check as a real one.
fn dummy_hash() -> Result<&'static str, LoginError> {
    static HASH: OnceLock<Result<String, String>> = OnceLock::new();
    HASH.get_or_init(|| {
        let secret = password::one_time().ok_or("无法生成随机数")?;
        password::hash(&secret)
    })
    .as_ref()
    .map(String::as_str)
    .map_err(|e| LoginError::Unavailable(e.clone()))
}

fn name_key(username: &str) -> String {
    username.trim().chars().take(MAX_NAME_CHARS).collect()
}

fn locked(until: &str) -> LoginError {
    let retry_after = seconds_until(until);
    LoginError::Locked {
        until: luoshi_reporting::beijing_time(until).unwrap_or_else(|| until.to_string()),
        retry_after,
    }
}

fn seconds_until(until: &str) -> u64 {
    let now = luoshi_reporting::utc_seconds(&time_after(0));
    match (luoshi_reporting::utc_seconds(until), now) {
        (Some(a), Some(b)) if a > b => (a - b) as u64,
        _ => 1,
    }
}

/// Checks the password `username` gives from `address`, counting failures per (name, address).
/// Names that are not accounts go through the same steps, so they answer alike.
async fn check_credentials(
    store: &Store,
    guard: &SignInGuard,
    address: IpAddr,
    username: &str,
    password: &str,
) -> Result<Option<luoshi_store::Credentials>, LoginError> {
    guard.spend(address)?;
    let name = name_key(username);
    let address = address.to_string();
    if let Some(until) = store.login_lock(&name, &address).await? {
        return Err(locked(&until));
    }
    let user = store.credentials(&name).await?;
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => dummy_hash()?.to_string(),
    };
    let right = guard.verify(password, &hash).await?;
    match user {
        Some(u) if right && !u.disabled => {
            store.clear_login_failures(&name, Some(&address)).await?;
            Ok(Some(u))
        }
        _ => {
            let lock = store
                .count_login_failure(&name, &address, MAX_FAILURES, LOCK_SECONDS)
                .await?;
            Err(match lock {
                Some(until) => locked(&until),
                None => LoginError::Wrong,
            })
        }
    }
}

/// Signs `username` in from `address` and opens a browser session.
pub async fn login(
    store: &Store,
    guard: &SignInGuard,
    address: IpAddr,
    username: &str,
    password: &str,
) -> Result<NewSession, LoginError> {
    let Some(user) = check_credentials(store, guard, address, username, password).await? else {
        return Err(LoginError::Wrong);
    };
    let session = NewSession {
        secret: new_secret().map_err(|e| LoginError::Internal(e.body.error))?,
        csrf_token: new_secret().map_err(|e| LoginError::Internal(e.body.error))?,
        must_change_password: user.must_change_password,
    };
    store
        .create_session(
            user.principal.user_id,
            "browser",
            None,
            &digest(&session.secret),
            &session.csrf_token,
            &time_after(SESSION_SECONDS),
        )
        .await?;
    Ok(session)
}

/// Checks a signed-in user's current password (before changing it), with the same limits as
/// signing in: guesses are counted and back off.
pub async fn check_current_password(
    store: &Store,
    guard: &SignInGuard,
    address: IpAddr,
    username: &str,
    password: &str,
) -> Result<(), LoginError> {
    check_credentials(store, guard, address, username, password)
        .await
        .map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_spends_its_burst_then_waits() {
        let guard = SignInGuard::new(1);
        let a = IpAddr::from([10, 0, 0, 1]);
        for _ in 0..ADDRESS_BURST as usize {
            guard.spend(a).expect("within the burst");
        }
        let Err(LoginError::TooFast(wait)) = guard.spend(a) else {
            panic!("the burst is spent");
        };
        assert!(
            (1..=ADDRESS_REFILL_SECONDS as u64).contains(&wait),
            "{wait}"
        );
        guard
            .spend(IpAddr::from([10, 0, 0, 2]))
            .expect("another address has its own budget");
    }

    #[tokio::test]
    async fn a_failing_hash_is_unavailable_not_wrong() {
        let guard = SignInGuard::new(1);
        let outcome = guard.verify("anything", "not a hash").await;
        assert!(
            matches!(outcome, Err(LoginError::Unavailable(_))),
            "{outcome:?}"
        );
        let hash = password::hash("correct horse battery").expect("hash");
        assert!(!guard.verify("wrong", &hash).await.expect("checked"));
        assert!(
            guard
                .verify("correct horse battery", &hash)
                .await
                .expect("checked")
        );
    }

    #[tokio::test]
    async fn checks_beyond_the_bound_wait_and_then_are_told_to_come_back() {
        let guard = SignInGuard::new(1);
        let held = guard.checks.acquire().await.expect("permit");
        let outcome = guard.verify("x", "y").await;
        assert!(matches!(outcome, Err(LoginError::Busy(_))), "{outcome:?}");
        drop(held);
    }
}
