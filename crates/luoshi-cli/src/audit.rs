//! `luoshi audit verify` and `luoshi audit reseal`.

use anyhow::anyhow;

use crate::Failure;
use crate::database::Database;
use crate::ledger::runtime;

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// 校验审计日志：哈希链、签名、检查点，并用日志重算每份报告、核对数据库中的报告与数值；发现问题即指出，退出码 1
    Verify {
        #[command(flatten)]
        database: Database,
    },
    /// 核查清楚后，按台账现状重建审计检查点（此操作本身记入审计日志）
    Reseal {
        /// 操作人（记入审计日志）
        #[arg(long, default_value = "协调办公室")]
        actor: String,
        #[command(flatten)]
        database: Database,
    },
}

pub fn run(command: AuditCommand) -> Result<(), Failure> {
    runtime()?.block_on(async {
        match command {
            AuditCommand::Verify { database } => {
                let store = database.inspect().await?;
                let report = store.audit_report().await.map_err(Failure::other)?;
                for warning in &report.warnings {
                    eprintln!("注意：{warning}");
                }
                if report.intact {
                    eprintln!(
                        "审计日志完好：共 {} 条记录，哈希链连续{}；{} 份报告与日志一致",
                        report.records,
                        if report.sealed {
                            "，签名与检查点相符"
                        } else {
                            ""
                        },
                        report.reports_checked
                    );
                    return Ok(());
                }
                for p in &report.problems {
                    match p.id {
                        Some(id) => eprintln!("记录 {id}：{}", p.reason),
                        None => eprintln!("{}", p.reason),
                    }
                }
                Err(Failure::other(anyhow!(
                    "审计日志校验失败：发现 {} 处问题（共 {} 条记录）",
                    report.problems.len(),
                    report.records
                )))
            }
            AuditCommand::Reseal { actor, database } => {
                let store = database.inspect().await?;
                let head = store.reseal(&actor).await.map_err(Failure::other)?;
                eprintln!(
                    "已按台账现状重建审计检查点：共 {} 条记录，最后一条编号 {}",
                    head.records, head.last_id
                );
                Ok(())
            }
        }
    })
}
