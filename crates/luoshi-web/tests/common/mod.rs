//! A ledger holding the Wuhan plan, for the page tests.

#![allow(dead_code)]

use std::sync::Arc;

use luoshi_directory::{Directory, resolve};
use luoshi_server::AppState;

pub const PLAN: &str = include_str!("../../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

/// A fresh SQLite ledger with the Wuhan plan imported, and published when `publish`.
pub async fn wuhan(publish: bool) -> (AppState, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store =
        luoshi_store::Store::open(&format!("sqlite://{}", dir.path().join("web.db").display()))
            .await
            .expect("store");
    let directory = Arc::new(Directory::wuhan());
    let id = store
        .import_plan(
            &resolve(luoshi_extract::extract(PLAN), &directory),
            "wuhan.txt",
            PLAN.as_bytes(),
            "测试",
        )
        .await
        .expect("import");
    if publish {
        store
            .publish(id, &directory, "测试")
            .await
            .expect("publish");
    }
    (AppState { store, directory }, dir)
}

/// Percent-encodes everything but ASCII letters and digits, for paths and forms.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
