//! `luoshi report monthly|quarterly|halfyear|annual`: the cadence's documents of a published plan — the
//! monthly dispatch bulletin (调度通报), the quarterly summary (季度小结), the half-year review
//! (半年讲评) — as .docx, .xlsx or .html.

use std::path::PathBuf;

use anyhow::anyhow;
use luoshi_cadence::{Cadence, Format, render};

use crate::Failure;
use crate::ledger::{Database, runtime};

#[derive(Debug, clap::Subcommand)]
pub enum ReportCommand {
    /// 月度调度通报（--period 2021-06）：滞后和严重滞后事项、存在问题和需协调事项、未报送、本月完成
    Monthly(Args),
    /// 季度小结（--period 2021-Q2）：分领域、分牵头单位的进展及较上季度的变化
    Quarterly(Args),
    /// 半年讲评（--period 2021-H1）：各区分组排名、市直单位排名及进退情况
    Halfyear(Args),
    /// 年度考核（--period 2021）：各区、各单位得分、组内排名和每一分的依据
    Annual(Args),
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 期间：月 2021-06，季度 2021-Q2，半年 2021-H1
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
    /// 发文机关（版头和落款）；省略则用方案的公文设置（印发记录页设置，默认「协调办公室」）
    #[arg(long)]
    issuer: Option<String>,
    /// 已印发的期间也按现在的台账重新计算（默认输出印发件）
    #[arg(long)]
    live: bool,
    #[command(flatten)]
    database: Database,
}

pub fn run(command: ReportCommand) -> Result<(), Failure> {
    let (args, example, fits): (Args, &str, fn(Cadence) -> bool) = match command {
        ReportCommand::Monthly(a) => (a, "2021-06", |c| matches!(c, Cadence::Monthly(_))),
        ReportCommand::Quarterly(a) => (a, "2021-Q2", |c| matches!(c, Cadence::Quarterly(_))),
        ReportCommand::Halfyear(a) => (a, "2021-H1", |c| matches!(c, Cadence::HalfYear(_))),
        ReportCommand::Annual(a) => (a, "2021", |c| matches!(c, Cadence::Annual)),
    };
    let format = match args.format.as_deref() {
        Some(f) => Format::parse(f).ok_or_else(|| Failure::input(anyhow!("--format「{f}」无效：应为 docx、xlsx 或 html")))?,
        None => args
            .output
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::parse)
            .ok_or_else(|| Failure::input(anyhow!("请用 --format 指定格式（docx、xlsx 或 html），或让 -o 的文件名以 .docx/.xlsx/.html 结尾")))?,
    };
    let (year, cadence) = Cadence::parse(&args.period)
        .filter(|(_, c)| fits(*c))
        .ok_or_else(|| {
            Failure::input(anyhow!("--period「{}」无效：应如 {example}", args.period))
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
        // An issued period is its issued copy, unless asked for the ledger as it is now.
        let latest = store
            .issues_of(plan.id, &args.period)
            .await
            .map_err(Failure::other)?
            .pop();
        let standing = match &latest {
            Some(issue) => format!(
                "该期已于 {} 印发第 {} 期，此为按现在的台账计算",
                issue.issued_on, issue.number
            ),
            None => "未印发，按现在的台账计算".to_string(),
        };
        if let Some(issue) = latest.filter(|_| !args.live) {
            let file = match format {
                Format::Docx => luoshi_store::IssuedFile::Docx,
                Format::Xlsx => luoshi_store::IssuedFile::Xlsx,
                Format::Html => luoshi_store::IssuedFile::Html,
            };
            let bytes = store
                .issued_file(issue.id, file)
                .await
                .map_err(Failure::other)?;
            crate::write_output(Some(&args.output), &bytes)?;
            eprintln!(
                "已输出印发件：{}（第 {} 期，{} 印发）：{}；如需按现在的台账重新计算，加 --live",
                issue.title,
                issue.number,
                issue.issued_on,
                args.output.display()
            );
            return Ok(());
        }
        let (texts, through) = cadence.scope();
        let snapshot = store
            .snapshot_with(plan.id, texts, through)
            .await
            .map_err(Failure::other)?;
        let plan_year = snapshot
            .months
            .first()
            .and_then(|p| p.key.get(..4))
            .and_then(|y| y.parse::<i32>().ok());
        let today = luoshi_reporting::Day::today_in_china();
        let plan_rules = store.plan_rules(plan.id).await.map_err(Failure::other)?;
        let mut items = store
            .assessment_items(plan.id)
            .await
            .map_err(Failure::other)?;
        let orders = store
            .supervision_orders(plan.id)
            .await
            .map_err(Failure::other)?;
        let instructions = store.instructions(plan.id).await.map_err(Failure::other)?;
        let district_of = store
            .districts()
            .await
            .map_err(Failure::other)?
            .into_iter()
            .map(|d| (d.government, d.name))
            .collect();
        items.extend(luoshi_cadence::supervision::deductions(
            &orders,
            &store
                .supervision_rules(plan.id)
                .await
                .map_err(Failure::other)?,
            &district_of,
        ));
        let mut settings = store
            .document_settings(plan.id)
            .await
            .map_err(Failure::other)?;
        if let Some(issuer) = &args.issuer {
            settings.issuer = issuer.clone();
        }
        let doc = (plan_year == Some(year))
            .then(|| {
                cadence.document(
                    &snapshot,
                    &items,
                    &plan_rules,
                    &settings.issuer,
                    today,
                    plan.demo,
                    // The office's own command: the whole assessment.
                    &luoshi_reporting::ScoreScope::All,
                )
            })
            .flatten()
            .ok_or_else(|| {
                Failure::input(anyhow!(
                    "方案 {} 没有 {} 这个期间（方案年度：{}）",
                    plan.id,
                    args.period,
                    plan_year.map_or_else(|| "未定".to_string(), |y| y.to_string())
                ))
            })?;
        let doc = if matches!(cadence, Cadence::Monthly(_)) {
            let doc = luoshi_cadence::supervision::with_orders(doc, &orders, &args.period, today);
            luoshi_cadence::instructions::with_instructions(doc, &instructions, &args.period, today)
        } else {
            doc
        }
        .framed(&settings);
        let bytes = render(&doc, format).map_err(Failure::other)?;
        crate::write_output(Some(&args.output), &bytes)?;
        eprintln!(
            "已生成{}（{standing}）：{}",
            cadence.titled(doc.subtitle.trim_matches(['（', '）'])),
            args.output.display()
        );
        Ok(())
    })
}
