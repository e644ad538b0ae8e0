//! What must run once (scheduled reminders, backups) runs on one process at a time: the lead is
//! a PostgreSQL advisory lock on a connection of its own, and passes on when its holder goes.

mod common;

use luoshi_store::{Leadership, Store};

#[tokio::test]
async fn one_process_leads_and_another_takes_over_when_it_goes() {
    let Some(first) = common::postgres().await else {
        eprintln!("skipped: LUOSHI_TEST_POSTGRES not set");
        return;
    };
    let second = Store::open(&first.url)
        .await
        .expect("a second server's store");
    let mut lead_a = None;
    let mut lead_b = None;
    assert!(Leadership::keep(&first.store, &mut lead_a).await);
    assert!(
        !Leadership::keep(&second, &mut lead_b).await,
        "only one leads"
    );
    assert!(
        Leadership::keep(&first.store, &mut lead_a).await,
        "the leader keeps it"
    );
    // The leading process dies: its connection closes and the lock with it.
    drop(lead_a);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !Leadership::keep(&second, &mut lead_b).await {
        assert!(std::time::Instant::now() < deadline, "no take-over");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut lead_c = None;
    assert!(
        !Leadership::keep(&first.store, &mut lead_c).await,
        "now the first waits"
    );
}

#[tokio::test]
async fn a_single_sqlite_server_always_leads() {
    let ledger = common::sqlite().await;
    let mut lead = None;
    assert!(Leadership::keep(&ledger.store, &mut lead).await);
    assert!(Leadership::keep(&ledger.store, &mut lead).await);
}
