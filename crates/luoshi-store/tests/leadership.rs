//! What must run once (scheduled reminders, backups) runs on one process at a time: the lead is
//! a PostgreSQL advisory lock on a connection of its own, and passes on when its holder goes.

mod common;

use luoshi_store::{Job, Leadership, Store};

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
    assert!(Leadership::keep(&first.store, Job::Reminders, &mut lead_a).await);
    assert!(
        !Leadership::keep(&second, Job::Reminders, &mut lead_b).await,
        "only one leads"
    );
    assert!(
        Leadership::keep(&first.store, Job::Reminders, &mut lead_a).await,
        "the leader keeps it"
    );
    // The leading process dies: its connection closes and the lock with it.
    drop(lead_a);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !Leadership::keep(&second, Job::Reminders, &mut lead_b).await {
        assert!(std::time::Instant::now() < deadline, "no take-over");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut lead_c = None;
    assert!(
        !Leadership::keep(&first.store, Job::Reminders, &mut lead_c).await,
        "now the first waits"
    );
}

#[tokio::test]
async fn a_single_sqlite_server_always_leads() {
    let ledger = common::sqlite().await;
    let mut lead = None;
    assert!(Leadership::keep(&ledger.store, Job::Reminders, &mut lead).await);
    assert!(Leadership::keep(&ledger.store, Job::Reminders, &mut lead).await);
}

#[tokio::test]
async fn each_job_has_its_own_lead() {
    let Some(ledger) = common::postgres().await else {
        eprintln!("skipped: LUOSHI_TEST_POSTGRES not set");
        return;
    };
    let other = Store::open(&ledger.url)
        .await
        .expect("a second server's store");
    let (mut reminders, mut backups) = (None, None);
    // One process leads both jobs: the second lock is not held against it by the first.
    assert!(Leadership::keep(&ledger.store, Job::Reminders, &mut reminders).await);
    assert!(Leadership::keep(&ledger.store, Job::Backups, &mut backups).await);
    let mut theirs = None;
    assert!(!Leadership::keep(&other, Job::Backups, &mut theirs).await);
    // Let go of backups only: the other process takes them, reminders stay here.
    drop(backups);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !Leadership::keep(&other, Job::Backups, &mut theirs).await {
        assert!(std::time::Instant::now() < deadline, "no take-over");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let mut not_theirs = None;
    assert!(!Leadership::keep(&other, Job::Reminders, &mut not_theirs).await);
    assert!(Leadership::keep(&ledger.store, Job::Reminders, &mut reminders).await);
}
