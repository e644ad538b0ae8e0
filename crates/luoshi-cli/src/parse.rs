//! `luoshi parse [FILE] [--format json|md|csv|xlsx] [-o OUT] [--directory auto|wuhan|empty|FILE]`

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::anyhow;
use luoshi_directory::resolve;
use luoshi_export::{Format, render};

use crate::input::{choose_directory, read_document};
use crate::{Failure, write_output};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 方案文件（.txt .md .docx .html，UTF-8 或 GB18030）；省略时读取内置的武汉市 2021 年方案
    file: Option<PathBuf>,
    /// 输出格式；省略时按 -o 的扩展名判断，默认 json
    #[arg(short, long, value_enum)]
    format: Option<OutputFormat>,
    /// 输出文件；省略时写到标准输出
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// 单位名录：auto（武汉的方案用内置武汉名录，其他用空名录）、wuhan、empty，或 TOML 文件路径
    #[arg(short, long, default_value = "auto")]
    directory: String,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum OutputFormat {
    Json,
    Md,
    Csv,
    Xlsx,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Json => Format::Json,
            OutputFormat::Md => Format::Markdown,
            OutputFormat::Csv => Format::Csv,
            OutputFormat::Xlsx => Format::Xlsx,
        }
    }
}

pub fn run(args: Args) -> Result<(), Failure> {
    let format = match (args.format, &args.output) {
        (Some(f), _) => f.into(),
        (None, Some(out)) => Format::from_path(&out.to_string_lossy()).unwrap_or(Format::Json),
        (None, None) => Format::Json,
    };
    if format == Format::Xlsx && args.output.is_none() && std::io::stdout().is_terminal() {
        return Err(Failure::input(anyhow!(
            "xlsx 是二进制文件，请用 -o 指定输出文件，例如 -o 任务分解表.xlsx"
        )));
    }
    let (name, text) = match &args.file {
        Some(path) => (path.display().to_string(), read_document(path)?),
        None => (
            crate::input::BUILTIN_NAME.to_string(),
            crate::input::BUILTIN_PLAN.to_string(),
        ),
    };
    let draft = luoshi_extract::extract(&text);
    if draft.tasks.is_empty() {
        eprintln!(
            "luoshi: 提示：{name} 中没有找到编号的任务条目（如“1.”“（一）”），输出中任务为空"
        );
    }
    let directory = choose_directory(&args.directory, &draft)?;
    let resolution = resolve(draft, &directory);
    let plan = resolution.draft;
    let bytes = render(&plan, format).map_err(Failure::other)?;
    write_output(args.output.as_deref(), &bytes)?;
    let targets: usize = plan.tasks.iter().map(|t| t.targets.len()).sum();
    let destination = args
        .output
        .as_ref()
        .map(|p| format!(" → {}", p.display()))
        .unwrap_or_default();
    eprintln!(
        "{name}：{} 项任务，{targets} 个量化目标，{} 项主要目标，{} 个单位；待核对 {} 项{destination}",
        plan.tasks.len(),
        plan.indicators.len(),
        plan.units.len(),
        plan.review.len()
    );
    Ok(())
}
