//! Ledgers to test against: a fresh SQLite file always, and a fresh PostgreSQL database when
//! `LUOSHI_TEST_POSTGRES` names a server (`postgres://user@127.0.0.1/postgres`), as CI does.

#![allow(dead_code)]

use luoshi_directory::{Directory, Resolution, resolve};
use luoshi_reporting::Role;
use luoshi_store::{NewUser, Store};

pub const PLAN: &str = include_str!("../../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

pub struct TestStore {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

pub async fn sqlite() -> TestStore {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("ledger.db").display());
    let store = Store::open(&url).await.expect("sqlite opens");
    TestStore {
        store,
        url,
        _dir: Some(dir),
    }
}

/// A new database on the PostgreSQL server named by `LUOSHI_TEST_POSTGRES`, if any.
pub async fn postgres() -> Option<TestStore> {
    let admin = std::env::var("LUOSHI_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())?;
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .expect("postgres server reachable");
    let name = format!(
        "luoshi_test_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    );
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await
    .expect("drop");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create database");
    let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
    let url = format!("{base}/{name}");
    let store = Store::open(&url).await.expect("postgres opens");
    Some(TestStore {
        store,
        url,
        _dir: None,
    })
}

static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// Every backend available here.
pub async fn stores() -> Vec<TestStore> {
    let mut out = vec![sqlite().await];
    out.extend(postgres().await);
    out
}

pub fn wuhan() -> Resolution {
    resolve(luoshi_extract::extract(PLAN), &Directory::wuhan())
}

pub async fn imported(store: &Store) -> i64 {
    store
        .import_plan(
            &wuhan(),
            "wuhan-2021-tech-innovation-plan.txt",
            PLAN.as_bytes(),
            "测试",
        )
        .await
        .expect("imports")
}

pub async fn published(store: &Store) -> i64 {
    let id = imported(store).await;
    store
        .publish(id, &Directory::wuhan(), "测试")
        .await
        .expect("publishes");
    id
}

/// An account to create: `name` of `role`, bound to a unit or a district.
pub fn user(name: &str, role: Role, unit: Option<&str>, district: Option<&str>) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: None,
        role,
        unit: unit.map(str::to_string),
        district: district.map(str::to_string),
        email: None,
        password_hash: "$argon2id$not-a-real-hash".into(),
        must_change_password: false,
    }
}

/// A published plan and the unit of 江岸区's reporter (`jiangan`), created for it.
pub async fn jiangan_reporting(store: &Store) -> (i64, i64) {
    let plan = published(store).await;
    store
        .create_user(
            user("jiangan", Role::DistrictReporter, None, Some("江岸区")),
            "测试",
        )
        .await
        .expect("user");
    (plan, reporter_unit(store, "jiangan").await)
}

pub async fn reporter_unit(store: &Store, username: &str) -> i64 {
    let creds = store
        .credentials(username)
        .await
        .expect("lookup")
        .expect("user");
    creds.principal.unit_id.expect("bound to a unit")
}
