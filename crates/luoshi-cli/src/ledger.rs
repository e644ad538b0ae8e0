//! Commands over the ledger: `import`, `publish`, `serve`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::anyhow;
use luoshi_directory::resolve;
use luoshi_store::Store;

use crate::Failure;
pub use crate::database::Database;
use crate::input::{BUILTIN_NAME, BUILTIN_PLAN, ledger_directory, read_document};

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Failure::other)
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// 方案文件或文件夹（文件夹中的 .txt .md .docx .html 都会导入）
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    database: Database,
    /// 单位名录：auto、wuhan、empty 或 TOML 文件
    #[arg(short, long, default_value = "auto")]
    directory: String,
    /// 导入后立即发布
    #[arg(long)]
    publish: bool,
    /// 操作人（写入审计日志）
    #[arg(long, default_value = "协调办公室")]
    actor: String,
}

const DOCUMENT_EXTENSIONS: [&str; 6] = ["txt", "md", "markdown", "docx", "html", "htm"];

/// The documents named, folders walked in order. A folder reached again through a symbolic
/// link (a loop), and a file reached twice, or with the same content as one already taken,
/// are skipped with a note, so each document is imported once.
fn collect(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<String>), Failure> {
    let mut walk = Walk::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| {
            Failure::input(anyhow!(
                "无法读取 {}：{}",
                path.display(),
                crate::input::io_reason(&e)
            ))
        })?;
        if meta.is_dir() {
            walk.dir(path)
                .map_err(|e| Failure::input(anyhow!("无法读取文件夹 {}：{e}", path.display())))?;
        } else {
            walk.file(path);
        }
    }
    Ok((walk.files, walk.notes))
}

#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    notes: Vec<String>,
    seen_dirs: std::collections::HashSet<PathBuf>,
    seen_files: std::collections::HashMap<PathBuf, PathBuf>,
    seen_contents: std::collections::HashMap<[u8; 32], PathBuf>,
}

impl Walk {
    fn dir(&mut self, dir: &Path) -> std::io::Result<()> {
        let real = std::fs::canonicalize(dir)?;
        if !self.seen_dirs.insert(real) {
            self.notes.push(format!(
                "跳过 {}：已读过该文件夹（符号链接循环或重复指定）",
                dir.display()
            ));
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for path in entries {
            if path.is_dir() {
                self.dir(&path)?;
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                self.file(&path);
            }
        }
        Ok(())
    }

    fn file(&mut self, path: &Path) {
        // Unreadable files are kept: importing them reports why, file by file.
        let Ok(real) = std::fs::canonicalize(path) else {
            self.files.push(path.to_path_buf());
            return;
        };
        if let Some(first) = self.seen_files.get(&real) {
            self.notes.push(format!(
                "跳过 {}：与 {} 是同一个文件",
                path.display(),
                first.display()
            ));
            return;
        }
        self.seen_files.insert(real, path.to_path_buf());
        if let Ok(bytes) = std::fs::read(path) {
            use sha2::{Digest, Sha256};
            let digest: [u8; 32] = Sha256::digest(&bytes).into();
            if let Some(first) = self.seen_contents.get(&digest) {
                self.notes.push(format!(
                    "跳过 {}：内容与 {} 完全相同",
                    path.display(),
                    first.display()
                ));
                return;
            }
            self.seen_contents.insert(digest, path.to_path_buf());
        }
        self.files.push(path.to_path_buf());
    }
}

pub fn import(args: ImportArgs) -> Result<(), Failure> {
    let (files, notes) = collect(&args.paths)?;
    for note in &notes {
        eprintln!("{note}");
    }
    if files.is_empty() {
        return Err(Failure::input(anyhow!(
            "没有找到可导入的方案文件（.txt .md .docx .html）"
        )));
    }
    runtime()?.block_on(async {
        let store = args.database.open().await?;
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .map_err(Failure::other)?,
        );
        let mut failed = 0usize;
        for file in &files {
            bar.set_message(file.display().to_string());
            match import_one(&store, file, &args).await {
                // `suspend` prints whether or not the bar is drawn (it is not when stderr is no terminal).
                Ok((id, summary)) => {
                    bar.suspend(|| eprintln!("已导入 {}：方案 {id}，{summary}", file.display()))
                }
                Err(e) => {
                    failed += 1;
                    bar.suspend(|| eprintln!("导入失败 {}：{:#}", file.display(), e.error));
                }
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        let done = files.len() - failed;
        let state = if args.publish {
            "已发布"
        } else {
            "草稿，待核对后发布"
        };
        eprintln!("共导入 {done} 个方案（{state}），{failed} 个失败");
        if failed > 0 {
            Err(Failure::input(anyhow!("{failed} 个文件未能导入，见上")))
        } else {
            Ok(())
        }
    })
}

async fn import_one(
    store: &Store,
    file: &Path,
    args: &ImportArgs,
) -> Result<(i64, String), Failure> {
    let bytes = std::fs::read(file)
        .map_err(|e| Failure::input(anyhow!("{}", crate::input::io_reason(&e))))?;
    let text = read_document(file)?;
    let draft = luoshi_extract::extract(&text);
    if draft.tasks.is_empty() {
        return Err(Failure::input(anyhow!(
            "没有找到编号的任务条目（如“1.”“（一）”），不像是实施方案"
        )));
    }
    let about = [
        draft.title.clone(),
        draft.issuer.clone(),
        draft.doc_number.clone(),
    ];
    let about: Vec<Option<&str>> = about.iter().map(Option::as_deref).collect();
    let directory = ledger_directory(store, &args.directory, &about).await?;
    let resolution = resolve(draft, &directory);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = store
        .import_plan(&resolution, &name, &bytes, &args.actor)
        .await
        .map_err(Failure::other)?;
    if args.publish {
        store
            .publish(id, &directory, &args.actor)
            .await
            .map_err(Failure::other)?;
    }
    let summary = format!(
        "{} 项任务，待核对 {} 项",
        resolution.draft.tasks.len(),
        resolution.draft.review.len()
    );
    Ok((id, summary))
}

#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// 方案编号（见 import 的输出或 /api/plans）
    plan: i64,
    #[command(flatten)]
    database: Database,
    #[arg(short, long, default_value = "auto")]
    directory: String,
    #[arg(long, default_value = "协调办公室")]
    actor: String,
    /// 自何月起填报（1–12）；默认为发布当月（方案年度之外发布则为 1 月），更早的月份即要求补报
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=12))]
    reporting_start: Option<u32>,
}

pub fn publish(args: PublishArgs) -> Result<(), Failure> {
    runtime()?.block_on(async {
        let store = args.database.open().await?;
        let plan = store.plan(args.plan).await.map_err(Failure::input)?;
        let directory = ledger_directory(
            &store,
            &args.directory,
            &[
                plan.title.as_deref(),
                plan.issuer.as_deref(),
                plan.doc_number.as_deref(),
            ],
        )
        .await?;
        let how = luoshi_store::Publishing {
            reporting_start: args.reporting_start,
            ..luoshi_store::Publishing::today()
        };
        store
            .publish_with(args.plan, &directory, how, &args.actor)
            .await
            .map_err(Failure::input)?;
        let plan = store.plan(args.plan).await.map_err(Failure::other)?;
        eprintln!(
            "已发布方案 {}：{} 项任务，自 {} 月起填报，仍有 {} 项待核对",
            plan.id,
            plan.task_count,
            plan.reporting_start.unwrap_or(1),
            plan.open_review_items
        );
        Ok(())
    })
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    database: Database,
    /// 监听地址；默认只监听本机
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    #[arg(short, long, default_value = "auto")]
    directory: String,
    /// 把“今天”固定为某日（如 2021-06-20），用于演示和培训：按该日判断填报期间是否开放
    #[arg(long, env = "LUOSHI_TODAY")]
    today: Option<String>,
    /// 演示模式：新台账导入武汉方案并模拟一整年的报送（有超前、滞后、迟报、漏报），处处标注“演示数据”
    #[arg(long)]
    demo: bool,
    /// 通过 HTTPS 对外提供服务时打开：会话 Cookie 加 Secure 标记
    #[arg(long, env = "LUOSHI_SECURE_COOKIES")]
    secure_cookies: bool,
    /// 催报邮件的 SMTP 中继，如 smtps://用户:密码@mail.example.gov.cn 或 smtp://10.0.0.25:25
    #[arg(long, env = "LUOSHI_SMTP_URL", requires = "smtp_from")]
    smtp_url: Option<String>,
    /// 催报邮件的发件人，如 "协调办公室 <kjj@example.gov.cn>"
    #[arg(long, env = "LUOSHI_SMTP_FROM")]
    smtp_from: Option<String>,
    /// 不运行自动提醒（催报、督办单和批示的到期提醒）、消息发送和逾期督办单的每日升级
    #[arg(long, env = "LUOSHI_NO_SCHEDULER")]
    no_scheduler: bool,
    /// 同时进行的密码校验数（每个约占 19 MB 内存）；超出的登录请求稍候，仍忙则答 503
    #[arg(long, env = "LUOSHI_PASSWORD_CHECKS", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    password_checks: u16,
    /// 部署在反向代理之后时，代理写入客户端地址的请求头（如 X-Forwarded-For）；登录限流按该地址计。直接对外服务时不要设置
    #[arg(long, env = "LUOSHI_PROXY_HEADER")]
    proxy_header: Option<String>,
}

pub fn serve(args: ServeArgs) -> Result<(), Failure> {
    runtime()?.block_on(async {
        let store = args.database.open().await?;
        let plans = store.plans().await.map_err(Failure::other)?;
        let about: Vec<Option<String>> = plans.iter().flat_map(|p| [p.title.clone(), p.issuer.clone()]).collect();
        let about: Vec<Option<&str>> = if plans.is_empty() { vec![Some("武汉")] } else { about.iter().map(Option::as_deref).collect() };
        let directory = ledger_directory(&store, &args.directory, &about).await?;
        if args.directory != "auto" {
            // Named at start, it is the one in force: the 名录 page shows and edits it.
            let previous = match store.saved_directory().await.map_err(Failure::other)? {
                Some(saved) => luoshi_directory::Directory::from_toml(&saved.toml).unwrap_or_default(),
                None => luoshi_directory::Directory::empty(),
            };
            store
                .save_directory(&previous, &directory, &directory.to_toml(), &format!("命令行 --directory {}", args.directory))
                .await
                .map_err(Failure::other)?;
        }
        let directory = Arc::new(directory);
        let today = match args.today.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => None,
            Some(text) => Some(luoshi_reporting::Day::parse(text).ok_or_else(|| Failure::input(anyhow!("--today「{text}」不是日期（应为 2021-06-20）")))?),
        };
        if args.demo && plans.iter().any(|p| !p.demo) {
            return Err(Failure::input(anyhow!("--demo 只能用于新台账：演示数据不能混入真实台账，请用 --database 另指定一个文件")));
        }
        if plans.is_empty() {
            // A demonstration simulates the whole year; otherwise reports are due from the month
            // of publication on the server's calendar (`--today`).
            let how = luoshi_store::Publishing {
                today: today.unwrap_or_else(luoshi_reporting::Day::today_in_china),
                reporting_start: args.demo.then_some(1),
            };
            let plan = seed(&store, &directory, how).await?;
            if args.demo {
                let done = luoshi_cadence::simulate::simulate_year(&store, plan).await.map_err(Failure::other)?;
                eprintln!("演示数据：已模拟一整年的报送 {} 份（迟报 {} 份，漏报 {} 份）", done.reports, done.late, done.missing);
            }
        }
        let demo = args.demo || (!plans.is_empty() && plans.iter().all(|p| p.demo));
        let today = match today {
            None if demo => Some(luoshi_reporting::Day { year: 2021, month: 12, day: 20 }),
            other => other,
        };
        for plan in store.plans().await.map_err(Failure::other)? {
            if plan.status == "published" {
                store.ensure_periods(plan.id, "luoshi").await.map_err(Failure::other)?;
            }
        }
        crate::user::bootstrap_admin(&store).await?;
        let listener = tokio::net::TcpListener::bind(&args.listen).await.map_err(|e| Failure::input(anyhow!("无法监听 {}：{e}", args.listen)))?;
        let address = listener.local_addr().map_err(Failure::other)?;
        eprintln!("luoshi 已启动：http://{address}/ （接口：/api/plans，OpenAPI：/api/openapi.json）；按 Ctrl-C 停止");
        let mut state = luoshi_server::AppState::new(store, directory);
        state.today = today;
        state.secure_cookies = args.secure_cookies;
        state.demo = demo;
        state.sign_in = Arc::new(luoshi_server::sign_in::SignInGuard::new(usize::from(args.password_checks)));
        state.proxy_header = args.proxy_header.clone().filter(|h| !h.trim().is_empty());
        if let (Some(url), Some(from)) = (&args.smtp_url, &args.smtp_from) {
            let mailer = luoshi_server::mail::Mailer::new(url, from).map_err(|e| Failure::input(anyhow!(e)))?;
            state.mailer = Some(Arc::new(mailer));
        }
        if !args.no_scheduler {
            luoshi_server::notify::scheduler::spawn(state.clone()).map_err(|e| Failure::other(anyhow!(e)))?;
        }
        let app = luoshi_server::router(state.clone()).merge(luoshi_web::router(state));
        luoshi_server::serve_router(listener, app, shutdown()).await.map_err(Failure::other)
    })
}

/// A fresh ledger starts with the bundled Wuhan plan, imported and published, its review items
/// listed so that nobody mistakes them for settled.
async fn seed(
    store: &Store,
    directory: &luoshi_directory::Directory,
    how: luoshi_store::Publishing,
) -> Result<i64, Failure> {
    let resolution = resolve(luoshi_extract::extract(BUILTIN_PLAN), directory);
    let id = store
        .import_plan(
            &resolution,
            "wuhan-2021-tech-innovation-plan.txt",
            BUILTIN_PLAN.as_bytes(),
            "luoshi",
        )
        .await
        .map_err(Failure::other)?;
    store
        .publish_with(id, directory, how, "luoshi")
        .await
        .map_err(Failure::other)?;
    let items = store.review_items(id).await.map_err(Failure::other)?;
    eprintln!(
        "新台账：已导入并发布{BUILTIN_NAME}（方案 {id}），待核对 {} 项：",
        items.len()
    );
    for item in &items {
        eprintln!(
            "  - {}（第 {} 行）：{}",
            item.path.as_deref().unwrap_or("全文"),
            item.line.unwrap_or_default(),
            item.reason
        );
    }
    Ok(id)
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
