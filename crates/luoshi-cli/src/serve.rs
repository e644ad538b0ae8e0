//! `luoshi serve`: the ledger's web pages and API, with what running it for years needs: HTTPS
//! or a trusted proxy, bounds on clients, health and metrics, logs, backups on a schedule, and
//! a shutdown that finishes the saves in flight.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::anyhow;
use luoshi_directory::resolve;
use luoshi_store::Store;

use crate::Failure;
use crate::database::Database;
use crate::input::{BUILTIN_NAME, BUILTIN_PLAN, ledger_directory};
use crate::ledger::runtime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// 每行一条可读的文本
    Text,
    /// 每行一个 JSON 对象（便于日志系统采集）
    Json,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: Database,
    /// 监听地址；默认只监听本机
    #[arg(long, env = "LUOSHI_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// 单位名录：auto、wuhan、empty 或 TOML 文件
    #[arg(short, long, env = "LUOSHI_DIRECTORY", default_value = "auto")]
    pub directory: String,
    /// 把“今天”固定为某日（如 2021-06-20），用于演示和培训：按该日判断填报期间是否开放
    #[arg(long, env = "LUOSHI_TODAY")]
    pub today: Option<String>,
    /// 演示模式：新台账导入武汉方案并模拟一整年的报送（有超前、滞后、迟报、漏报），处处标注“演示数据”
    #[arg(long, env = "LUOSHI_DEMO")]
    pub demo: bool,
    /// 经反向代理以 HTTPS 对外服务时打开：会话 Cookie 加 Secure 标记（用 --tls-cert 时自动打开）
    #[arg(long, env = "LUOSHI_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// 直接提供 HTTPS：证书链文件（PEM，服务器证书在前、中间证书在后）
    #[arg(long, env = "LUOSHI_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// 直接提供 HTTPS：私钥文件（PEM：PKCS#8、PKCS#1 或 SEC1）
    #[arg(long, env = "LUOSHI_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// 部署在反向代理之后时，可信代理的地址或网段（逗号分隔，如 127.0.0.1,10.0.0.0/8）：只有来自这些地址的请求，其 X-Forwarded-For 才被采信（用于登录限流）
    #[arg(long, env = "LUOSHI_TRUSTED_PROXY")]
    pub trusted_proxy: Option<String>,
    /// 可信代理写入客户端地址的请求头
    #[arg(long, env = "LUOSHI_PROXY_HEADER", default_value = "X-Forwarded-For")]
    pub proxy_header: String,
    /// 同时保持的连接数上限；超出的连接在队列中等候
    #[arg(long, env = "LUOSHI_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub max_connections: u32,
    /// 每个请求的时限（含上传和导出），超时答 408；如 120s、5m
    #[arg(long, env = "LUOSHI_REQUEST_TIMEOUT", default_value = "120s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// 客户端须在此时限内发完请求头；空闲的长连接到时关闭；如 30s
    #[arg(long, env = "LUOSHI_HEADER_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub header_timeout: Duration,
    /// 请求行和请求头合计的上限（KB），超出答 431
    #[arg(long, env = "LUOSHI_MAX_HEADER_KB", default_value_t = 32, value_parser = clap::value_parser!(u32).range(8..=1024))]
    pub max_header_kb: u32,
    /// 催报邮件的 SMTP 中继，如 smtps://用户:密码@mail.example.gov.cn 或 smtp://10.0.0.25:25
    #[arg(long, env = "LUOSHI_SMTP_URL", requires = "smtp_from")]
    pub smtp_url: Option<String>,
    /// 催报邮件的发件人，如 "协调办公室 <kjj@example.gov.cn>"
    #[arg(long, env = "LUOSHI_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// 不运行自动提醒（催报、督办单和批示的到期提醒）、消息发送、逾期督办单的每日升级和定时备份
    #[arg(long, env = "LUOSHI_NO_SCHEDULER")]
    pub no_scheduler: bool,
    /// 同时进行的密码校验数（每个约占 19 MB 内存）；超出的登录请求稍候，仍忙则答 503
    #[arg(long, env = "LUOSHI_PASSWORD_CHECKS", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub password_checks: u16,
    /// /metrics 的访问令牌（请求头 Authorization: Bearer 令牌）；不设置则不提供 /metrics
    #[arg(long, env = "LUOSHI_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
    /// 数据所在磁盘的剩余空间低于此值（MB）时 /readyz 报告未就绪
    #[arg(long, env = "LUOSHI_MIN_FREE_DISK_MB", default_value_t = 500)]
    pub min_free_disk_mb: u64,
    /// 定时备份写入的文件夹（不存在则创建）；也用于升级数据库结构前的备份
    #[arg(long, env = "LUOSHI_BACKUP_DIR")]
    pub backup_dir: Option<PathBuf>,
    /// 定时备份的间隔，如 6h、1d；需同时指定 --backup-dir
    #[arg(long, env = "LUOSHI_BACKUP_EVERY", requires = "backup_dir", value_parser = parse_duration)]
    pub backup_every: Option<Duration>,
    /// 定时备份保留的份数（最新的若干份），更早的自动删除
    #[arg(long, env = "LUOSHI_BACKUP_KEEP", default_value_t = 14, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub backup_keep: u32,
    /// 日志格式
    #[arg(long, env = "LUOSHI_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
    /// 日志级别：error、warn、info、debug，或按模块如 info,luoshi::request=warn
    #[arg(long, env = "LUOSHI_LOG_LEVEL", default_value = "info")]
    pub log_level: String,
}

/// `90s`, `30m`, `6h`, `1d`, or plain seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("「{text}」不是时长（应为如 90s、30m、6h、1d）"))?;
    let seconds = match unit.trim() {
        "" | "s" => n,
        "m" | "min" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        "d" => n.saturating_mul(86_400),
        other => {
            return Err(format!(
                "「{text}」的单位「{other}」无法识别（可用 s、m、h、d）"
            ));
        }
    };
    if seconds == 0 {
        return Err(format!("「{text}」：时长须大于零"));
    }
    Ok(Duration::from_secs(seconds))
}

fn init_logging(args: &ServeArgs) -> Result<(), Failure> {
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let targets: tracing_subscriber::filter::Targets = args
        .log_level
        .parse()
        .map_err(|e| Failure::input(anyhow!("--log-level「{}」无法识别：{e}", args.log_level)))?;
    let layer = match args.log_format {
        LogFormat::Text => tracing_subscriber::fmt::layer()
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .with_writer(std::io::stderr)
            .with_filter(targets)
            .boxed(),
        LogFormat::Json => tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .with_filter(targets)
            .boxed(),
    };
    // A second call (tests run serve in one process) keeps the first subscriber.
    let _ = tracing_subscriber::registry().with(layer).try_init();
    Ok(())
}

pub fn serve(args: ServeArgs) -> Result<(), Failure> {
    init_logging(&args)?;
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(
            luoshi_server::front::load_tls(cert, key).map_err(|e| Failure::input(anyhow!(e)))?,
        ),
        _ => None,
    };
    let proxies = match args
        .trusted_proxy
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        None => None,
        Some(list) => Some(
            luoshi_server::proxy::TrustedProxies::parse(&args.proxy_header, list)
                .map_err(|e| Failure::input(anyhow!(e)))?,
        ),
    };
    if let Some(dir) = &args.backup_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::input(anyhow!(
                "--backup-dir {}：无法创建文件夹：{e}",
                dir.display()
            ))
        })?;
    }
    runtime()?.block_on(async {
        let metrics = Arc::new(luoshi_server::operations::Metrics::new());
        let mut store = args.database.open_for_serving(args.backup_dir.as_deref()).await?;
        {
            let metrics = metrics.clone();
            store.observe_commits(move |n| metrics.committed(n));
        }
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
        let listener = tokio::net::TcpListener::bind(&args.listen).await.map_err(|e| Failure::input(anyhow!("无法监听 {}（--listen）：{e}", args.listen)))?;
        let address = listener.local_addr().map_err(Failure::other)?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        eprintln!("luoshi 已启动：{scheme}://{address}/ （接口：/api/plans，OpenAPI：/api/openapi.json，健康检查：/healthz /readyz）；按 Ctrl-C 停止");
        let mut state = luoshi_server::AppState::new(store.clone(), directory);
        state.today = today;
        state.secure_cookies = args.secure_cookies || tls.is_some();
        state.demo = demo;
        state.sign_in = Arc::new(luoshi_server::sign_in::SignInGuard::new(usize::from(args.password_checks)));
        state.proxies = proxies.map(Arc::new);
        state.operations = Arc::new(luoshi_server::operations::Operations {
            metrics: metrics.clone(),
            metrics_token: args.metrics_token.clone().filter(|t| !t.trim().is_empty()),
            data_dirs: data_dirs(&args),
            min_free_bytes: args.min_free_disk_mb.saturating_mul(1_000_000),
        });
        if let (Some(url), Some(from)) = (&args.smtp_url, &args.smtp_from) {
            let mailer = luoshi_server::mail::Mailer::new(url, from).map_err(|e| Failure::input(anyhow!(e)))?;
            state.mailer = Some(Arc::new(mailer));
        }
        let mut jobs = Vec::new();
        if !args.no_scheduler {
            jobs.push(luoshi_server::notify::scheduler::spawn(state.clone()).map_err(|e| Failure::other(anyhow!(e)))?);
            if let (Some(dir), Some(every)) = (&args.backup_dir, args.backup_every) {
                let schedule = luoshi_server::operations::backups::Schedule { dir: dir.clone(), every, keep: args.backup_keep as usize };
                jobs.push(luoshi_server::operations::backups::spawn(state.clone(), schedule));
            }
        }
        let limits = luoshi_server::front::Limits {
            max_connections: args.max_connections as usize,
            header_timeout: args.header_timeout,
            max_header_bytes: args.max_header_kb as usize * 1024,
            request_timeout: args.request_timeout,
            ..luoshi_server::front::Limits::default()
        };
        let app = luoshi_server::router(state.clone())
            .merge(luoshi_web::router(state.clone()))
            .merge(luoshi_server::operations::health::routes(state));
        let served = luoshi_server::front::serve_front(listener, app, limits, tls, Some(metrics), shutdown()).await;
        // Requests in flight have been answered (their saves committed); the jobs stop between
        // steps, and the pool closes cleanly.
        for job in jobs {
            job.abort();
        }
        store.close().await;
        eprintln!("luoshi 已停止");
        served.map_err(Failure::other)
    })
}

/// The folders whose free space decides readiness: the SQLite file's, the backups'.
fn data_dirs(args: &ServeArgs) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(file) = args.database.sqlite_file() {
        let dir = file
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        dirs.push(dir);
    }
    if let Some(dir) = &args.backup_dir
        && !dirs.contains(dir)
    {
        dirs.push(dir.clone());
    }
    dirs
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
