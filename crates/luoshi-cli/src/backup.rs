//! `luoshi backup` and `luoshi restore`: a consistent copy of the ledger taken while the server
//! runs, verified and listed; and its way back into a new, empty ledger.

use std::path::PathBuf;

use anyhow::anyhow;
use luoshi_store::BackupTrigger;

use crate::Failure;
use crate::database::Database;
use crate::ledger::runtime;

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    database: Database,
    /// 备份文件（不可已存在）；默认为当前目录下的 luoshi-<时间>.luoshi-backup
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// 不备份，列出最近的备份及其校验结果
    #[arg(long, conflicts_with_all = ["output", "verify"])]
    list: bool,
    /// 不备份，校验一个备份文件：能否打开、完整性检查、审计链
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    verify: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    /// 备份文件（luoshi backup 或定时备份生成）
    file: PathBuf,
    /// 恢复到的台账：须为新建的空台账（SQLite 文件不存在，或 PostgreSQL 的空库）
    #[command(flatten)]
    database: Database,
}

fn yes_no(flag: bool) -> &'static str {
    if flag { "通过" } else { "未通过" }
}

pub fn backup(args: BackupArgs) -> Result<(), Failure> {
    runtime()?.block_on(async {
        if let Some(file) = &args.verify {
            let found = luoshi_store::verify_backup(file, args.database.existing_seal()?)
                .await
                .map_err(|e| Failure::input(anyhow!(e).context(format!("备份 {} 校验未通过", file.display()))))?;
            println!(
                "备份 {} 校验通过：完整性检查无误，审计链 {} 条记录逐条相接，含 {} 个方案、{} 份报告",
                file.display(),
                found.audit_records,
                found.plans,
                found.reports
            );
            return Ok(());
        }
        let store = args.database.open().await?;
        if args.list {
            let list = store.backups(50).await.map_err(Failure::other)?;
            if list.is_empty() {
                println!("还没有备份");
            }
            for b in list {
                println!(
                    "{}  {}  {}  {} 字节  校验{}{}  {}",
                    b.finished_at,
                    b.trigger.label(),
                    b.file,
                    b.bytes,
                    yes_no(b.verified),
                    b.problem.map(|p| format!("（{p}）")).unwrap_or_default(),
                    b.taken_by
                );
            }
            return Ok(());
        }
        let output = args.output.clone().unwrap_or_else(|| {
            PathBuf::from(luoshi_server::operations::backups::file_name(&luoshi_store::time_after(0)))
        });
        let record = store
            .back_up(&output, BackupTrigger::Manual, "luoshi backup")
            .await
            .map_err(|e| Failure::input(anyhow!(e).context(format!("无法备份到 {}", output.display()))))?;
        store.close().await;
        if !record.verified {
            return Err(Failure::other(anyhow!(
                "备份已写入 {}，但校验未通过：{}",
                record.file,
                record.problem.unwrap_or_default()
            )));
        }
        println!(
            "已备份到 {}（{} 字节，SHA-256 {}），校验通过：审计链 {} 条记录",
            record.file,
            record.bytes,
            record.sha256,
            record.audit_records.unwrap_or_default()
        );
        Ok(())
    })
}

pub fn restore(args: RestoreArgs) -> Result<(), Failure> {
    if !args.file.is_file() {
        return Err(Failure::input(anyhow!(
            "备份文件 {} 不存在",
            args.file.display()
        )));
    }
    runtime()?.block_on(async {
        let store = args.database.open_for_restore().await?;
        let scratch = tempfile::tempdir().map_err(Failure::other)?;
        let restored = store
            .restore_from(&args.file, scratch.path())
            .await
            .map_err(|e| {
                Failure::input(anyhow!(e).context(format!("无法从 {} 恢复", args.file.display())))
            })?;
        // The restored log ends earlier than the checkpoint of the ledger it came from: record
        // the restore in the log and checkpoint the ledger as restored.
        let actor = format!("luoshi restore（{}）", args.file.display());
        match store.reseal(&actor).await {
            Ok(_) => {}
            Err(luoshi_store::StoreError::Seal(message)) => eprintln!("注意：{message}"),
            Err(e) => return Err(Failure::other(e)),
        }
        let rows: u64 = restored.tables.iter().map(|(_, n)| n).sum();
        println!(
            "已从 {} 恢复到 {}：{} 张表 {} 行，审计链 {} 条记录已校验",
            args.file.display(),
            args.database.masked_url(),
            restored.tables.len(),
            rows,
            restored.audit_records
        );
        store.close().await;
        Ok(())
    })
}
