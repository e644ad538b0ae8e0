//! Backups on a schedule: every `every`, the process that leads (see
//! [`luoshi_store::Leadership`]) writes a verified backup into the folder and keeps the newest
//! `keep` of them, deleting older ones it wrote (and copies left half-written by a crash).

use std::path::{Path, PathBuf};
use std::time::Duration;

use luoshi_store::BackupTrigger;

use crate::AppState;

/// Names of the files this schedule writes: `luoshi-<UTC time>.luoshi-backup`, which sort by time.
const PREFIX: &str = "luoshi-";
const SUFFIX: &str = ".luoshi-backup";

#[derive(Debug, Clone)]
pub struct Schedule {
    pub dir: PathBuf,
    pub every: Duration,
    pub keep: usize,
}

/// The file name for a backup started at `at` (stored form, `2026-12-02T08:00:00.000Z`).
pub fn file_name(at: &str) -> String {
    let compact: String = at.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    format!("{PREFIX}{compact}{SUFFIX}")
}

/// Which of `names` (a folder's files) to delete so that the newest `keep` scheduled backups
/// remain; leftovers of interrupted backups (`.partial`) always go. Other files are not ours.
pub fn to_delete(names: &[String], keep: usize) -> Vec<String> {
    // Dated names only: a backup taken before a migration (`luoshi-before-…`) is kept.
    let dated = |n: &str| {
        n.strip_prefix(PREFIX)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    };
    let mut ours: Vec<&String> = names
        .iter()
        .filter(|n| dated(n) && n.ends_with(SUFFIX))
        .collect();
    ours.sort();
    let excess = ours.len().saturating_sub(keep);
    let mut doomed: Vec<String> = ours[..excess].iter().map(|n| n.to_string()).collect();
    doomed.extend(
        names
            .iter()
            .filter(|n| dated(n) && n.ends_with(&format!("{SUFFIX}.partial")))
            .cloned(),
    );
    doomed
}

/// Takes one scheduled backup and prunes the folder.
pub async fn back_up_once(
    state: &AppState,
    schedule: &Schedule,
) -> Result<luoshi_store::BackupRecord, String> {
    let path = schedule.dir.join(file_name(&luoshi_store::time_after(0)));
    let record = state
        .store
        .back_up(&path, BackupTrigger::Scheduled, "luoshi（定时备份）")
        .await
        .map_err(|e| e.to_string())?;
    prune(&schedule.dir, schedule.keep).map_err(|e| format!("清理旧备份失败：{e}"))?;
    Ok(record)
}

fn prune(dir: &Path, keep: usize) -> std::io::Result<()> {
    let names: Vec<String> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    for name in to_delete(&names, keep) {
        std::fs::remove_file(dir.join(name))?;
    }
    Ok(())
}

/// How long to wait before the next backup: `every` after the newest one listed, at once when
/// there is none or it is overdue.
async fn wait_for_next(state: &AppState, every: Duration) -> Duration {
    let newest = state.store.backups(20).await.ok().and_then(|list| {
        list.into_iter()
            .find(|b| b.verified && b.trigger == BackupTrigger::Scheduled)
    });
    let Some(newest) = newest else {
        return Duration::ZERO;
    };
    let since = luoshi_store::age_seconds(&newest.finished_at).unwrap_or(u64::MAX);
    every.saturating_sub(Duration::from_secs(since))
}

/// Runs the schedule in the background.
pub fn spawn(state: AppState, schedule: Schedule) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut lead: Option<luoshi_store::Leadership> = None;
        loop {
            if !luoshi_store::Leadership::keep(&state.store, luoshi_store::Job::Backups, &mut lead)
                .await
            {
                // Another process leads; look again in a minute in case it died.
                tokio::time::sleep(Duration::from_secs(60)).await;
                continue;
            }
            let wait = wait_for_next(&state, schedule.every).await;
            if !wait.is_zero() {
                tokio::time::sleep(wait.min(Duration::from_secs(60))).await;
                continue;
            }
            match back_up_once(&state, &schedule).await {
                Ok(record) if record.verified => {
                    tracing::info!(file = %record.file, bytes = record.bytes, "scheduled backup written and verified");
                }
                Ok(record) => {
                    tracing::error!(file = %record.file, problem = ?record.problem, "scheduled backup failed verification");
                    tokio::time::sleep(Duration::from_secs(300)).await;
                }
                Err(error) => {
                    tracing::error!(%error, "scheduled backup failed");
                    tokio::time::sleep(Duration::from_secs(300)).await;
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_sort_by_time() {
        let a = file_name("2026-12-02T08:00:00.000Z");
        let b = file_name("2026-12-02T14:00:00.000Z");
        assert_eq!(a, "luoshi-20261202T080000000Z.luoshi-backup");
        assert!(a < b);
    }

    #[test]
    fn keeps_the_newest_and_drops_leftovers_only_of_ours() {
        let names: Vec<String> = [
            "luoshi-20261201T000000000Z.luoshi-backup",
            "luoshi-20261202T000000000Z.luoshi-backup",
            "luoshi-20261203T000000000Z.luoshi-backup",
            "luoshi-20261204T000000000Z.luoshi-backup.partial",
            "luoshi-before-0028-x.luoshi-backup",
            "notes.txt",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let mut doomed = to_delete(&names, 2);
        doomed.sort();
        assert_eq!(
            doomed,
            vec![
                "luoshi-20261201T000000000Z.luoshi-backup".to_string(),
                "luoshi-20261204T000000000Z.luoshi-backup.partial".to_string(),
            ]
        );
        assert!(to_delete(&names, 10).len() == 1);
    }
}
