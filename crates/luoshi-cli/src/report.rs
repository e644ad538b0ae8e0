//! `luoshi report monthly`: the monthly dispatch bulletin (调度通报) of a published plan, as .docx,
//! .xlsx or .html.

use std::path::PathBuf;

use anyhow::anyhow;
use luoshi_cadence::{Format, MonthlyBulletin, render};
use luoshi_evaluation::Rules;

use crate::Failure;
use crate::ledger::{Database, runtime};

#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// 月度调度通报：滞后和严重滞后事项、存在问题和需协调事项、未报送、本月完成
    Monthly(MonthlyArgs),
}

#[derive(Debug, clap::Args)]
pub struct MonthlyArgs {
    /// 填报月份，如 2021-06
    #[arg(long)]
    period: String,
    /// docx（公文版式）、xlsx 或 html；省略则按 -o 的扩展名
    #[arg(long)]
    format: Option<String>,
    /// 输出文件
    #[arg(short, long)]
    output: PathBuf,
    /// 方案编号；省略则为最新发布的方案
    #[arg(long)]
    plan: Option<i64>,
    /// 落款单位
    #[arg(long, default_value = "协调办公室")]
    issuer: String,
    #[command(flatten)]
    database: Database,
}

pub fn run(command: ReportCommand) -> Result<(), Failure> {
    let ReportCommand::Monthly(args) = command;
    let format = match args.format.as_deref() {
        Some(f) => Format::parse(f).ok_or_else(|| Failure::input(anyhow!("--format「{f}」无效：应为 docx、xlsx 或 html")))?,
        None => args
            .output
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::parse)
            .ok_or_else(|| Failure::input(anyhow!("请用 --format 指定格式（docx、xlsx 或 html），或让 -o 的文件名以 .docx/.xlsx/.html 结尾")))?,
    };
    let month = luoshi_reporting::Day::parse(&format!("{}-01", args.period.trim()))
        .map(|d| d.month)
        .ok_or_else(|| {
            Failure::input(anyhow!(
                "--period「{}」无效：应为 年-月，如 2021-06",
                args.period
            ))
        })?;
    runtime()?.block_on(async {
        let store = args.database.open().await?;
        let plans = store.plans().await.map_err(Failure::other)?;
        let plan = match args.plan {
            Some(id) => plans
                .iter()
                .find(|p| p.id == id)
                .ok_or_else(|| Failure::input(anyhow!("台账中没有方案 {id}")))?,
            None => plans
                .iter()
                .rev()
                .find(|p| p.status == "published")
                .ok_or_else(|| Failure::input(anyhow!("台账中还没有已发布的方案")))?,
        };
        if plan.status != "published" {
            return Err(Failure::input(anyhow!(
                "方案 {} 尚未发布，没有填报期间",
                plan.id
            )));
        }
        let snapshot = store.snapshot(plan.id).await.map_err(Failure::other)?;
        if !snapshot.months.iter().any(|p| p.key == args.period) {
            let first = snapshot
                .months
                .first()
                .map(|p| p.key.clone())
                .unwrap_or_default();
            let last = snapshot
                .months
                .last()
                .map(|p| p.key.clone())
                .unwrap_or_default();
            return Err(Failure::input(anyhow!(
                "方案 {} 没有 {} 这个填报月份（{first} 至 {last}）",
                plan.id,
                args.period
            )));
        }
        let bulletin =
            MonthlyBulletin::build(&snapshot, month, &Rules::default()).ok_or_else(|| {
                Failure::input(anyhow!(
                    "方案 {} 没有 {} 这个填报月份",
                    plan.id,
                    args.period
                ))
            })?;
        let today = luoshi_reporting::Day::today_in_china();
        let date = format!("{}年{}月{}日", today.year, today.month, today.day);
        let doc = bulletin.document(&args.issuer, &date, plan.demo);
        let bytes = render(&doc, format).map_err(Failure::other)?;
        crate::write_output(Some(&args.output), &bytes)?;
        let lagging = bulletin
            .targets
            .iter()
            .filter(|t| !t.aspirational && t.evaluation.status.is_behind())
            .count();
        eprintln!(
            "已生成{}调度通报：{}（滞后 {lagging} 项，未报送报告 {} 份）",
            bulletin.period_label,
            args.output.display(),
            bulletin.reports_due - bulletin.reports_in
        );
        Ok(())
    })
}
