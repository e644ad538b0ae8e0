//! A ledger holding the bundled Wuhan plan, published, for the cadence tests.

#![allow(dead_code)]

use std::sync::Arc;

use luoshi_directory::{Directory, resolve};
use luoshi_store::{Publishing, Store};

pub const PLAN: &str = include_str!("../../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

/// A fresh SQLite ledger with the Wuhan plan published as `how` says.
pub async fn published(how: Publishing) -> (Store, i64, Arc<Directory>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&format!(
        "sqlite://{}",
        dir.path().join("ledger.db").display()
    ))
    .await
    .expect("store");
    let directory = Arc::new(Directory::wuhan());
    let plan = store
        .import_plan(
            &resolve(luoshi_extract::extract(PLAN), &directory),
            "wuhan.txt",
            PLAN.as_bytes(),
            "测试",
        )
        .await
        .expect("import");
    store
        .publish_with(plan, &directory, how, "测试")
        .await
        .expect("publish");
    (store, plan, directory, dir)
}
