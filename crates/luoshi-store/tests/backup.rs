//! Backups that restore: a backup taken during a burst of saves holds every save acknowledged
//! before it began, verifies, and restores into a new, empty ledger of either kind; a restore
//! refuses a ledger that is not empty and a file that is not a good backup.

mod common;

use std::sync::Arc;
use std::time::Instant;

use common::*;
use luoshi_reporting::Day;
use luoshi_reporting::report::ReportAction;
use luoshi_store::{BackupTrigger, ReportInput, Store};

/// Saves acknowledged, per assignment: (version answered, when).
type Acks = Vec<(i64, i64, Instant)>;

async fn burst(
    store: Store,
    period: i64,
    assignments: Vec<i64>,
    stop: Arc<tokio::sync::Notify>,
) -> Acks {
    let today = Day::parse("2021-06-20").expect("day");
    let mut acks = Vec::new();
    let mut versions = vec![0i64; assignments.len()];
    let stopped = stop.notified();
    tokio::pin!(stopped);
    for round in 0.. {
        for (k, assignment) in assignments.iter().enumerate() {
            let input = ReportInput {
                progress: format!("第 {round} 轮：按计划推进"),
                version: versions[k],
                ..ReportInput::default()
            };
            let saved = store
                .save_report(
                    period,
                    *assignment,
                    &input,
                    ReportAction::Save,
                    today,
                    "江岸区",
                )
                .await
                .expect("save");
            versions[k] = saved.version;
            acks.push((*assignment, saved.version, Instant::now()));
        }
        if futures_ready(&mut stopped).await {
            break;
        }
    }
    acks
}

/// Whether `notified` has fired, without waiting.
async fn futures_ready(
    notified: &mut std::pin::Pin<&mut tokio::sync::futures::Notified<'_>>,
) -> bool {
    tokio::select! {
        biased;
        () = notified.as_mut() => true,
        () = tokio::task::yield_now() => false,
    }
}

async fn backup_during_a_burst(source: &TestStore, restore_into: &Store) {
    let store = &source.store;
    let (plan, unit) = jiangan_reporting(store).await;
    let june = store.period_by_key(plan, "2021-06").await.expect("june");
    let forms = store.unit_reports(june.id, unit).await.expect("forms");
    let assignments: Vec<i64> = forms.iter().map(|f| f.assignment_id).collect();
    assert!(assignments.len() >= 4, "{}", assignments.len());
    let stop = Arc::new(tokio::sync::Notify::new());
    let mut workers = Vec::new();
    for chunk in assignments.chunks(assignments.len().div_ceil(4)) {
        workers.push(tokio::spawn(burst(
            store.clone(),
            june.id,
            chunk.to_vec(),
            stop.clone(),
        )));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("during.luoshi-backup");
    let began = Instant::now();
    let record = store
        .back_up(&file, BackupTrigger::Manual, "测试")
        .await
        .expect("backup");
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    stop.notify_waiters();
    let mut acks = Vec::new();
    for worker in workers {
        acks.extend(worker.await.expect("worker"));
    }
    assert!(record.verified, "{:?}", record.problem);
    assert!(record.bytes > 0 && record.sha256.len() == 64);
    let before: Vec<_> = acks.iter().filter(|(_, _, at)| *at < began).collect();
    let after = acks.iter().filter(|(_, _, at)| *at > began).count();
    assert!(
        before.len() > 10 && after > 0,
        "the backup ran inside the burst: {} before, {after} after",
        before.len()
    );
    let listed = store.backups(10).await.expect("list");
    assert_eq!(listed[0].file, file.display().to_string());
    assert!(listed[0].verified);

    let scratch = tempfile::tempdir().expect("scratch");
    let restored = restore_into
        .restore_from(&file, scratch.path())
        .await
        .expect("restores");
    assert_eq!(
        restored.audit_records,
        record.audit_records.unwrap_or_default() as u64
    );
    for (assignment, version, _) in before {
        let report = restore_into
            .report(june.id, *assignment)
            .await
            .expect("report");
        assert!(
            report.version >= *version,
            "assignment {assignment}: save {version} was acknowledged before the backup began, restored has {}",
            report.version
        );
    }
    let chain = restore_into.verify_audit().await.expect("verifies");
    assert!(chain.is_ok(), "{chain:?}");
    // A restored ledger is not empty any more: a second restore is refused.
    let again = restore_into.restore_from(&file, scratch.path()).await;
    assert!(again.is_err());
}

#[tokio::test]
async fn sqlite_backup_during_saves_restores_every_acknowledged_save() {
    let source = sqlite().await;
    let target = sqlite().await;
    backup_during_a_burst(&source, &target.store).await;
}

#[tokio::test]
async fn postgres_backup_during_saves_restores_every_acknowledged_save() {
    let Some(source) = postgres().await else {
        eprintln!("skipped: LUOSHI_TEST_POSTGRES not set");
        return;
    };
    let Some(target) = postgres().await else {
        return;
    };
    backup_during_a_burst(&source, &target.store).await;
}

#[tokio::test]
async fn a_file_that_is_not_a_backup_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let junk = dir.path().join("junk.luoshi-backup");
    std::fs::write(&junk, b"not a database at all, just text").expect("write");
    let target = sqlite().await;
    let error = target
        .store
        .restore_from(&junk, dir.path())
        .await
        .expect_err("refused");
    // Named at once, not after the pool's half-minute of retries.
    assert!(
        error.to_string().contains("不是 SQLite 数据库文件"),
        "{error}"
    );
    assert!(target.store.is_empty().await.expect("reads"));
    let missing = luoshi_store::verify_backup(&dir.path().join("none"), None).await;
    assert!(missing.is_err());
}

#[tokio::test]
async fn a_backup_never_overwrites_a_file() {
    let source = sqlite().await;
    published(&source.store).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("exists");
    std::fs::write(&file, b"keep me").expect("write");
    assert!(
        source
            .store
            .back_up(&file, BackupTrigger::Manual, "测试")
            .await
            .is_err()
    );
    assert_eq!(std::fs::read(&file).expect("read"), b"keep me");
}
