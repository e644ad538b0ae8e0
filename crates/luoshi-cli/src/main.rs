//! The `luoshi` command line. It only translates between people and the layers below: read a
//! document, extract, resolve through a directory, render.

mod audit;
mod database;
mod directory;
mod input;
mod ledger;
mod parse;
mod report;
mod user;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "luoshi",
    version,
    about = "luoshi（落实）：把实施方案变成可落实、可调度、可考核的任务台账",
    disable_help_subcommand = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 读取实施方案，输出任务分解表（JSON / Markdown / CSV / xlsx）
    Parse(parse::Args),
    /// 导出内置的单位和区名录（TOML），供编辑后用 --directory 指定
    Directory(directory::Args),
    /// 把方案导入台账（文件或文件夹），每个方案存为待核对的草稿
    Import(ledger::ImportArgs),
    /// 发布草稿：冻结任务清单，生成任务×单位×角色的分工和各区分解
    Publish(ledger::PublishArgs),
    /// 启动 JSON API 服务；新台账会先导入并发布内置的武汉方案
    Serve(ledger::ServeArgs),
    /// 审计日志
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// 调度通报等周期性报告（docx / xlsx / html）
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// 账号：新建、重置密码、停用、签发 API 令牌
    #[command(subcommand)]
    User(user::UserCommand),
}

/// A failure and the exit code it maps to: 2 for bad input, 1 for anything else.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl Failure {
    pub fn input(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 2,
            error: error.into(),
        }
    }

    pub fn other(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 1,
            error: error.into(),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Parse(args) => parse::run(args),
        Command::Directory(args) => directory::run(args),
        Command::Import(args) => ledger::import(args),
        Command::Publish(args) => ledger::publish(args),
        Command::Serve(args) => ledger::serve(args),
        Command::Audit(command) => audit::run(command),
        Command::User(command) => user::run(command),
        Command::Report(command) => report::run(command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("luoshi: {:#}", failure.error);
            ExitCode::from(failure.code)
        }
    }
}

/// Writes `bytes` to `path`, or to standard output when there is none.
pub fn write_output(path: Option<&std::path::Path>, bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    match path {
        Some(path) => std::fs::write(path, bytes)
            .map_err(|e| Failure::other(anyhow::anyhow!("无法写入 {}：{e}", path.display()))),
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .map_err(|e| Failure::other(anyhow::anyhow!("无法写入标准输出：{e}")))
        }
    }
}
