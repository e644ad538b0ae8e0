//! Every acknowledged write survives a power cut: the settings actually in force on the
//! ledger's connections, as the database reports them.

mod common;

#[tokio::test]
async fn sqlite_commits_are_fsynced_in_wal() {
    let ledger = common::sqlite().await;
    let durability = ledger.store.durability().await.expect("reads pragmas");
    assert_eq!(durability.journal_mode, "wal");
    assert_eq!(durability.synchronous, "full");
    assert!(durability.survives_power_loss());
    // Every pooled connection has it, not only the first: take several at once.
    let reads = durability_on_several_connections(&ledger.store).await;
    assert!(reads.iter().all(|d| d.synchronous == "full"), "{reads:?}");
}

async fn durability_on_several_connections(
    store: &luoshi_store::Store,
) -> Vec<luoshi_store::Durability> {
    let mut handles = Vec::new();
    for _ in 0..6 {
        let store = store.clone();
        handles.push(tokio::spawn(async move { store.durability().await }));
    }
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.expect("joins").expect("reads"));
    }
    out
}

#[tokio::test]
async fn postgres_commits_wait_for_the_disk() {
    let Some(ledger) = common::postgres().await else {
        eprintln!("skipped: LUOSHI_TEST_POSTGRES not set");
        return;
    };
    let durability = ledger.store.durability().await.expect("reads settings");
    assert_eq!(durability.journal_mode, "fsync=on");
    assert_eq!(durability.synchronous, "on");
    assert!(durability.survives_power_loss());
}

#[test]
fn normal_in_wal_is_not_durable() {
    let weak = luoshi_store::Durability {
        journal_mode: "wal".into(),
        synchronous: "normal".into(),
    };
    assert!(!weak.survives_power_loss());
    let off = luoshi_store::Durability {
        journal_mode: "fsync=on".into(),
        synchronous: "off".into(),
    };
    assert!(!off.survives_power_loss());
}
