//! Sustained report submissions: many clients save and submit monthly reports over HTTP (keep-alive
//! connections, API tokens), each save a versioned, audited transaction. Also the store alone,
//! without HTTP. On SQLite and, when `LUOSHI_BENCH_POSTGRES` names a server, PostgreSQL.
//!
//! Run: `cargo bench -p luoshi-server --bench reports` (results go in BENCHMARKS.md).

use std::sync::Arc;
use std::time::{Duration, Instant};

use luoshi_directory::{Directory, resolve};
use luoshi_reporting::report::ReportAction;
use luoshi_reporting::{Day, Role};
use luoshi_server::AppState;
use luoshi_store::{NewUser, ReportInput, Store, ValueInput};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");
const CLIENTS: usize = 16;
/// Saves per measurement, store-level and HTTP.
const SAVES: usize = 12_000;
const TOKEN: &str = "5ab15ab15ab15ab15ab15ab15ab15ab15ab15ab15ab15ab15ab15ab15ab15ab1";

struct Setup {
    store: Store,
    directory: Arc<Directory>,
    june: i64,
    /// Assignment id and one of its target ids (if any).
    forms: Vec<(i64, Option<i64>)>,
}

async fn setup(url: &str, seal_dir: &std::path::Path) -> Setup {
    let mut store = Store::open(url).await.expect("open");
    // Sealed as `serve` runs: every commit signs its records and rewrites the checkpoint.
    let seal = luoshi_store::seal::Seal::new([7; 32], seal_dir.join("audit.key.head"), None);
    store.attach_seal(seal).await.expect("sealed");
    let directory = Arc::new(Directory::wuhan());
    let plan = store
        .import_plan(
            &resolve(luoshi_extract::extract(PLAN), &directory),
            "wuhan.txt",
            PLAN.as_bytes(),
            "bench",
        )
        .await
        .expect("import");
    store
        .publish_with(
            plan,
            &directory,
            // The whole year due (a generated plan names no year, so it would start this month).
            luoshi_store::Publishing {
                reporting_start: Some(1),
                ..luoshi_store::Publishing::today()
            },
            "bench",
        )
        .await
        .expect("publish");
    let june = store.period_by_key(plan, "2021-06").await.expect("june").id;
    let user = store
        .create_user(
            NewUser {
                username: "bench".into(),
                display_name: None,
                role: Role::Office,
                unit: None,
                district: None,
                email: None,
                password_hash: "unused".into(),
                must_change_password: false,
            },
            "bench",
        )
        .await
        .expect("user");
    store
        .create_session(
            user.id,
            "api",
            Some("bench"),
            &luoshi_server::auth::digest(TOKEN),
            "csrf",
            "2999-01-01T00:00:00.000Z",
        )
        .await
        .expect("token");
    let mut forms = Vec::new();
    for a in store
        .assignments(plan, None, None)
        .await
        .expect("assignments")
    {
        let view = store.report(june, a.id).await.expect("form");
        forms.push((a.id, view.targets.first().map(|t| t.target_id)));
    }
    Setup {
        store,
        directory,
        june,
        forms,
    }
}

/// Cumulative values only grow: `base` keeps July's above June's.
fn input(version: i64, target: Option<i64>, base: f64) -> ReportInput {
    ReportInput {
        progress: format!("第 {} 次保存：按计划推进，完成阶段性工作。", version + 1),
        problems: "无".into(),
        next_steps: "继续推进".into(),
        coordination: String::new(),
        values: target
            .map(|t| {
                vec![ValueInput {
                    target_id: t,
                    value: base + (version + 1) as f64,
                    note: None,
                    // The growing values pass a hundred times some targets: 数值无误.
                    confirmed: true,
                }]
            })
            .unwrap_or_default(),
        version,
        ..ReportInput::default()
    }
}

/// Saves straight into the store from `CLIENTS` tasks; saves per second.
async fn store_level(s: &Setup) -> f64 {
    let today = Day::parse("2021-06-20").expect("day");
    let started = Instant::now();
    let mut handles = Vec::new();
    for client in 0..CLIENTS {
        let store = s.store.clone();
        let mine: Vec<(i64, Option<i64>)> = s
            .forms
            .iter()
            .copied()
            .skip(client)
            .step_by(CLIENTS)
            .collect();
        let june = s.june;
        handles.push(tokio::spawn(async move {
            let mut versions = vec![0i64; mine.len()];
            for i in 0..SAVES / CLIENTS {
                let k = i % mine.len();
                let (a, t) = mine[k];
                let view = store
                    .save_report(
                        june,
                        a,
                        &input(versions[k], t, 0.0),
                        ReportAction::Save,
                        today,
                        "bench",
                    )
                    .await
                    .expect("save");
                versions[k] = view.version;
            }
            versions
        }));
    }
    for h in handles {
        h.await.expect("client");
    }
    (SAVES / CLIENTS * CLIENTS) as f64 / started.elapsed().as_secs_f64()
}

async fn put(
    stream: &mut tokio::io::BufReader<tokio::net::TcpStream>,
    path: &str,
    body: &str,
) -> (u16, String) {
    let request = format!(
        "PUT {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream
        .get_mut()
        .write_all(request.as_bytes())
        .await
        .expect("write");
    let mut status = 0;
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        stream.read_line(&mut line).await.expect("read");
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("http/") {
            status = lower
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
        } else if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        } else if line == "\r\n" {
            break;
        }
    }
    let mut answer = vec![0u8; length];
    stream.read_exact(&mut answer).await.expect("body");
    (status, String::from_utf8_lossy(&answer).into_owned())
}

/// Saves over HTTP from `CLIENTS` keep-alive connections; saves per second and p50/p99.
async fn http_level(s: &Setup, period: i64, today: &str) -> (f64, Duration, Duration) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let mut state = AppState::new(s.store.clone(), s.directory.clone());
    state.today = Day::parse(today);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(luoshi_server::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    let started = Instant::now();
    let mut handles = Vec::new();
    for client in 0..CLIENTS {
        let mine: Vec<(i64, Option<i64>)> = s
            .forms
            .iter()
            .copied()
            .skip(client)
            .step_by(CLIENTS)
            .collect();
        handles.push(tokio::spawn(async move {
            let mut stream = tokio::io::BufReader::new(
                tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .expect("connect"),
            );
            let mut versions = vec![0i64; mine.len()];
            let mut times = Vec::new();
            for i in 0..SAVES / CLIENTS {
                let k = i % mine.len();
                let (a, t) = mine[k];
                let body = serde_json::to_string(&input(versions[k], t, 1e6)).expect("json");
                let begun = Instant::now();
                let (status, answer) = put(
                    &mut stream,
                    &format!("/api/periods/{period}/assignments/{a}/report"),
                    &body,
                )
                .await;
                times.push(begun.elapsed());
                assert_eq!(status, 200, "{answer}");
                versions[k] += 1;
            }
            times
        }));
    }
    let mut times = Vec::new();
    for h in handles {
        times.extend(h.await.expect("client"));
    }
    let rate = times.len() as f64 / started.elapsed().as_secs_f64();
    let _ = stop.send(());
    let _ = server.await;
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p) as usize];
    (rate, at(0.5), at(0.99))
}

async fn run(backend: &str, url: &str, seal_dir: &std::path::Path) -> String {
    let s = setup(url, seal_dir).await;
    eprintln!("{backend}: {} assignments; measuring", s.forms.len());
    let store_rate = store_level(&s).await;
    eprintln!("{backend}: store {store_rate:.0}/s");
    // Over HTTP in July, where every report starts afresh.
    let july = s.store.period_by_key(1, "2021-07").await.expect("july").id;
    let (rate, p50, p99) = http_level(&s, july, "2021-07-20").await;
    eprintln!("{backend}: HTTP {rate:.0}/s");
    format!(
        "| {backend} | {} | {store_rate:.0} | {rate:.0} | {:.1} ms | {:.1} ms |",
        s.forms.len(),
        p50.as_secs_f64() * 1000.0,
        p99.as_secs_f64() * 1000.0
    )
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    for backend in ["sqlite", "postgres"] {
        std::fs::create_dir_all(dir.path().join(backend)).expect("seal dir");
    }
    let mut rows = Vec::new();
    runtime.block_on(async {
        rows.push(
            run(
                "SQLite",
                &format!("sqlite://{}", dir.path().join("reports.db").display()),
                &dir.path().join("sqlite"),
            )
            .await,
        );
        if let Ok(admin) = std::env::var("LUOSHI_BENCH_POSTGRES") {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("postgres");
            let _ = sqlx::query("DROP DATABASE IF EXISTS luoshi_bench_reports")
                .execute(&mut conn)
                .await;
            sqlx::query("CREATE DATABASE luoshi_bench_reports")
                .execute(&mut conn)
                .await
                .expect("create");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            rows.push(
                run(
                    "PostgreSQL",
                    &format!("{base}/luoshi_bench_reports"),
                    &dir.path().join("postgres"),
                )
                .await,
            );
        }
    });
    println!(
        "reports: Wuhan plan, {CLIENTS} concurrent clients, {SAVES} saves per measurement (each a versioned, audited transaction with one target value)"
    );
    println!("| database | assignments | store saves/s | HTTP saves/s | HTTP p50 | HTTP p99 |");
    println!("|---|---|---|---|---|---|");
    for row in rows {
        println!("{row}");
    }
}
