//! The `luoshi` command line. It only translates between people and the layers below: read a
//! document, extract, resolve through a directory, render.

mod audit;
mod backup;
mod config;
mod database;
mod directory;
mod input;
mod ledger;
mod parse;
mod report;
mod serve;
mod user;

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "luoshi",
    version,
    about = "luoshi（落实）：把实施方案变成可落实、可调度、可考核的任务台账",
    disable_help_subcommand = true
)]
struct Cli {
    /// 配置文件（TOML，键为各选项的长名，如 listen = "0.0.0.0:8080"）；默认读取当前目录的 luoshi.toml（如有）
    #[arg(long, global = true, env = "LUOSHI_CONFIG", value_name = "FILE")]
    config: Option<std::path::PathBuf>,
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
    /// 启动网页和接口服务；新台账会先导入并发布内置的武汉方案
    Serve(serve::ServeArgs),
    /// 显示 serve 生效的配置及每项的来源（命令行、环境变量、配置文件、默认值），密码和令牌隐去
    Config(serve::ServeArgs),
    /// 备份台账（服务运行时也可）：写入、校验并登记；--list 列出备份，--verify 校验备份文件
    Backup(backup::BackupArgs),
    /// 把备份恢复到新建的空台账
    Restore(backup::RestoreArgs),
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
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let file = match config::FileSettings::load(&args) {
        Ok(file) => file,
        Err(message) => {
            eprintln!("luoshi: {message}");
            return ExitCode::from(2);
        }
    };
    let mut command = Cli::command();
    if let Some(file) = &file {
        command = match file.apply(command) {
            Ok(command) => command,
            Err(message) => {
                eprintln!("luoshi: {message}");
                return ExitCode::from(2);
            }
        };
    }
    let matches = match command.clone().try_get_matches_from(&args) {
        Ok(matches) => matches,
        Err(error) => {
            let _ = error.print();
            if let Some(file) = &file
                && let Some(clap::error::ContextValue::String(arg)) =
                    error.get(clap::error::ContextKind::InvalidArg)
                && let Some(long) = arg
                    .strip_prefix("--")
                    .map(|a| a.split([' ', '=']).next().unwrap_or(a))
                && let Some(line) = file.line(long)
            {
                eprintln!("（该值来自配置文件 {} 第 {line} 行）", file.path.display());
            }
            return ExitCode::from(if error.use_stderr() { 2 } else { 0 });
        }
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Parse(args) => parse::run(args),
        Command::Directory(args) => directory::run(args),
        Command::Import(args) => ledger::import(args),
        Command::Publish(args) => ledger::publish(args),
        Command::Serve(args) => serve::serve(args),
        Command::Config(_) => {
            let described = command
                .find_subcommand("config")
                .zip(matches.subcommand_matches("config"))
                .map(|(sub, m)| config::describe(sub, m, file.as_ref()))
                .unwrap_or_default();
            print!("{described}");
            Ok(())
        }
        Command::Backup(args) => backup::backup(args),
        Command::Restore(args) => backup::restore(args),
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
