//! Province-scale ledger benchmark: 50 plans, 5,000 tasks, 20,000 targets, 300 units,
//! 17 districts. Measures import and publish time, then p50/p99 latency of the district table
//! and task list endpoints over HTTP under concurrent load, on SQLite and (when
//! `LUOSHI_BENCH_POSTGRES` names a server) PostgreSQL.
//!
//! Run: `cargo bench -p luoshi-server --bench ledger` (results go in BENCHMARKS.md).

use std::sync::Arc;
use std::time::{Duration, Instant};

use luoshi_directory::{Directory, District, Group, Resolution, Unit, resolve};
use luoshi_extract::{PlanDraft, Qualifier, ReviewFlag, Section, Span, Target, TargetKind, Task};
use luoshi_server::AppState;
use luoshi_store::Store;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

const PLANS: usize = 50;
const TASKS_PER_PLAN: usize = 100;
const TARGETS_PER_TASK: usize = 4;
const DISTRICTS: usize = 17;
const DEPARTMENTS: usize = 300 - DISTRICTS;
const CLIENTS: usize = 16;
const REQUESTS: usize = 2_000;

/// A small deterministic generator, so every run builds the same ledger.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn district_name(i: usize) -> String {
    format!("第{}区", i + 1)
}

fn directory() -> Directory {
    let districts = (0..DISTRICTS)
        .map(|i| District {
            name: district_name(i),
            group: Some(["中心城区", "新城区", "开发区"][i % 3].to_string()),
            government: format!("{}人民政府", district_name(i)),
            aliases: Vec::new(),
            zone: None,
        })
        .collect();
    let units = (0..DEPARTMENTS)
        .map(|i| Unit {
            name: format!("省第{}厅", i + 1),
            aliases: vec![format!("第{}厅", i + 1)],
        })
        .collect();
    let groups = vec![Group {
        name: "各区人民政府".into(),
        aliases: vec!["各区".into()],
        all_districts: true,
        district_group: None,
        members: Vec::new(),
        selective: false,
    }];
    Directory {
        city: Some("某省".into()),
        districts,
        groups,
        units,
    }
}

fn plan(index: usize, rng: &mut Rng, directory: &Directory) -> Resolution {
    let mut draft = PlanDraft {
        title: Some(format!("某省第{}号实施方案", index + 1)),
        year: Some(2021),
        ..PlanDraft::default()
    };
    for s in 0..4 {
        draft.sections.push(Section {
            path: format!("二.（{}）", s + 1),
            title: format!("第{}部分", s + 1),
            level: 2,
            line: 1,
        });
    }
    for t in 0..TASKS_PER_PLAN {
        let lead = format!("省第{}厅", rng.below(DEPARTMENTS) + 1);
        let mut responsible: Vec<String> = (0..2)
            .map(|_| format!("省第{}厅", rng.below(DEPARTMENTS) + 1))
            .collect();
        responsible.push(if t % 3 == 0 {
            "各区人民政府".into()
        } else {
            format!("{}人民政府", district_name(rng.below(DISTRICTS)))
        });
        let targets = (0..TARGETS_PER_TASK)
            .map(|k| {
                let per_each = (k == 0 && t % 3 == 0).then(|| "各区".to_string());
                Target {
                    text: format!("新增项目 {} 个以上", 10 + k),
                    value: (10 + k) as f64,
                    max: None,
                    unit: "个".into(),
                    qualifier: Qualifier::AtLeast,
                    aspirational: k == 3,
                    per_each,
                    subject: "新增项目".into(),
                    kind: TargetKind::Target,
                    span: Span { start: 0, end: 0 },
                    districts: Vec::new(),
                }
            })
            .collect();
        draft.tasks.push(Task {
            path: format!("二.（{}）.{}", t % 4 + 1, t + 1),
            section: format!("二.（{}）", t % 4 + 1),
            title: format!("推进第{}项重点工作", t + 1),
            lead: vec![lead],
            responsible,
            annotation_present: true,
            deadline: Some("2021年12月底".into()),
            targets,
            district_focus: Vec::new(),
            text: format!("推进第{}项重点工作，确保按期完成。", t + 1),
            annotation: None,
            annotation_span: None,
            line: t + 10,
            assignees: Vec::new(),
            district_scope: None,
            inherited_responsible: Vec::new(),
            support: Vec::new(),
        });
    }
    draft.review.push(ReviewFlag {
        path: None,
        line: None,
        field: "annotation".into(),
        reason: "示例".into(),
    });
    draft.units = Vec::new();
    resolve(draft, directory)
}

struct Report {
    backend: &'static str,
    import: Duration,
    publish: Duration,
    /// First pass: most tables computed from the database.
    district_table_cold: Vec<Duration>,
    /// Second pass: the same load once answers are cached (until the next write).
    district_table: Vec<Duration>,
    task_list: Vec<Duration>,
    /// Web pages, first pass: the overview and the district page.
    overview_page: Vec<Duration>,
    district_page: Vec<Duration>,
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(index).copied().unwrap_or_default()
}

/// The API token every simulated client presents (an office account's).
const BENCH_TOKEN: &str = "be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c4be7c";

async fn office_token(store: &Store) {
    let user = store
        .create_user(
            luoshi_store::NewUser {
                username: "bench".into(),
                display_name: None,
                role: luoshi_reporting::Role::Office,
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
            &luoshi_server::auth::digest(BENCH_TOKEN),
            "csrf",
            "2999-01-01T00:00:00.000Z",
        )
        .await
        .expect("token");
}

async fn http_get(
    stream: &mut tokio::io::BufReader<tokio::net::TcpStream>,
    path: &str,
) -> std::io::Result<u16> {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {BENCH_TOKEN}\r\n\r\n"
    );
    stream.get_mut().write_all(request.as_bytes()).await?;
    // Read the head, then exactly Content-Length bytes, keeping the connection for the next call.
    let mut status = 0;
    let mut length = 0usize;
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
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
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await?;
    Ok(status)
}

#[derive(Clone, Copy)]
enum Endpoint {
    DistrictTable,
    TaskList,
    OverviewPage,
    DistrictPage,
}

async fn load(port: u16, plan_ids: Arc<Vec<i64>>, endpoint: Endpoint) -> Vec<Duration> {
    let mut handles = Vec::new();
    for client in 0..CLIENTS {
        let plan_ids = plan_ids.clone();
        handles.push(tokio::spawn(async move {
            let mut rng = Rng(0x9E37_79B9 + client as u64);
            let mut stream = tokio::io::BufReader::new(
                tokio::net::TcpStream::connect(("127.0.0.1", port))
                    .await
                    .expect("connect"),
            );
            let mut times = Vec::new();
            for _ in 0..REQUESTS / CLIENTS {
                let plan = plan_ids[rng.below(plan_ids.len())];
                let d: String = district_name(rng.below(DISTRICTS))
                    .bytes()
                    .map(|b| format!("%{b:02X}"))
                    .collect();
                let path = match endpoint {
                    Endpoint::DistrictTable => format!("/api/plans/{plan}/districts/{d}/table"),
                    Endpoint::TaskList => format!(
                        "/api/plans/{plan}/tasks?offset={}&limit=50",
                        rng.below(2) * 50
                    ),
                    Endpoint::OverviewPage => format!("/plans/{plan}"),
                    Endpoint::DistrictPage => format!("/plans/{plan}/districts/{d}"),
                };
                let started = Instant::now();
                let status = http_get(&mut stream, &path).await.expect("response");
                times.push(started.elapsed());
                assert_eq!(status, 200, "{path}");
            }
            times
        }));
    }
    let mut all = Vec::new();
    for h in handles {
        all.extend(h.await.expect("client"));
    }
    all.sort();
    all
}

async fn run(backend: &'static str, url: &str) -> Report {
    let mut store = Store::open(url).await.expect("open");
    // Sealed as `serve` and the commands run: every write signs its audit records, and every
    // write that may change the plan's tables fingerprints them.
    let seal_dir = tempfile::tempdir().expect("seal dir");
    let seal = luoshi_store::seal::Seal::new([7; 32], seal_dir.path().join("audit.key.head"), None);
    store.attach_seal(seal).await.expect("sealed");
    let directory = Arc::new(directory());
    let mut rng = Rng(42);
    let plans: Vec<Resolution> = (0..PLANS).map(|i| plan(i, &mut rng, &directory)).collect();
    let started = Instant::now();
    let mut ids = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        ids.push(
            store
                .import_plan(p, &format!("plan-{i}.txt"), b"", "bench")
                .await
                .expect("import"),
        );
    }
    let import = started.elapsed();
    eprintln!(
        "{backend}: imported {PLANS} plans in {:.2} s",
        import.as_secs_f64()
    );
    let started = Instant::now();
    for id in &ids {
        store
            .publish_with(
                *id,
                &directory,
                luoshi_store::Publishing {
                    reporting_start: Some(1),
                    ..luoshi_store::Publishing::today()
                },
                "bench",
            )
            .await
            .expect("publish");
    }
    let publish = started.elapsed();
    eprintln!("{backend}: published in {:.2} s", publish.as_secs_f64());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    office_token(&store).await;
    let state = AppState::new(store, directory);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = luoshi_server::router(state.clone()).merge(luoshi_web::router(state));
    let server = tokio::spawn(luoshi_server::serve_router(listener, app, async move {
        let _ = stopped.await;
    }));
    let ids = Arc::new(ids);
    let overview_page = load(port, ids.clone(), Endpoint::OverviewPage).await;
    let district_page = load(port, ids.clone(), Endpoint::DistrictPage).await;
    let district_table_cold = load(port, ids.clone(), Endpoint::DistrictTable).await;
    let district_table = load(port, ids.clone(), Endpoint::DistrictTable).await;
    eprintln!("{backend}: district tables measured");
    let task_list = load(port, ids, Endpoint::TaskList).await;
    let _ = stop.send(());
    let _ = server.await;
    Report {
        backend,
        import,
        publish,
        district_table_cold,
        district_table,
        task_list,
        overview_page,
        district_page,
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut reports = Vec::new();
    runtime.block_on(async {
        reports.push(
            run(
                "SQLite",
                &format!("sqlite://{}", dir.path().join("bench.db").display()),
            )
            .await,
        );
        if let Ok(admin) = std::env::var("LUOSHI_BENCH_POSTGRES") {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .expect("postgres");
            let _ = sqlx::query("DROP DATABASE IF EXISTS luoshi_bench")
                .execute(&mut conn)
                .await;
            sqlx::query("CREATE DATABASE luoshi_bench")
                .execute(&mut conn)
                .await
                .expect("create");
            let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
            reports.push(run("PostgreSQL", &format!("{base}/luoshi_bench")).await);
        }
    });
    println!(
        "ledger: {PLANS} plans, {} tasks, {} targets, 300 units, {DISTRICTS} districts; {CLIENTS} concurrent clients, {REQUESTS} requests per endpoint",
        PLANS * TASKS_PER_PLAN,
        PLANS * TASKS_PER_PLAN * TARGETS_PER_TASK
    );
    println!(
        "| database | import (50 plans) | publish (50 plans) | district table, first pass p50 / p99 | district table p50 | p99 | task list p50 | p99 |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let pages_header = "| database | overview page p50 | p99 | district page p50 | p99 |";
    let mut pages = vec![
        pages_header.to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    for r in &reports {
        pages.push(format!(
            "| {} | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            r.backend,
            percentile(&r.overview_page, 0.5).as_secs_f64() * 1e3,
            percentile(&r.overview_page, 0.99).as_secs_f64() * 1e3,
            percentile(&r.district_page, 0.5).as_secs_f64() * 1e3,
            percentile(&r.district_page, 0.99).as_secs_f64() * 1e3,
        ));
    }
    for r in &reports {
        println!(
            "| {} | {:.2} s | {:.2} s | {:.1} / {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            r.backend,
            r.import.as_secs_f64(),
            r.publish.as_secs_f64(),
            percentile(&r.district_table_cold, 0.5).as_secs_f64() * 1e3,
            percentile(&r.district_table_cold, 0.99).as_secs_f64() * 1e3,
            percentile(&r.district_table, 0.5).as_secs_f64() * 1e3,
            percentile(&r.district_table, 0.99).as_secs_f64() * 1e3,
            percentile(&r.task_list, 0.5).as_secs_f64() * 1e3,
            percentile(&r.task_list, 0.99).as_secs_f64() * 1e3,
        );
    }
    println!();
    println!("web pages (first pass, before the district tables are cached):");
    for line in pages {
        println!("{line}");
    }
}
