//! Two `luoshi serve` processes on one PostgreSQL ledger, as behind a load balancer: concurrent
//! saves and edits go through both, one is killed with SIGKILL mid-burst, and afterwards every
//! acknowledged write is there, the audit chain (signatures, checkpoint, table fingerprints)
//! verifies, and each process's caches see the other's writes. Skipped without
//! `LUOSHI_TEST_POSTGRES`.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const ADMIN_PASSWORD: &str = "两台服务器共用一个库2021!";

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn luoshi(dir: &Path, url: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir)
        .env("LUOSHI_DATABASE_URL", url)
        .env("LUOSHI_AUDIT_KEY_FILE", dir.join("audit.key"))
        .args(args)
        .output()
        .expect("luoshi runs")
}

fn serve(dir: &Path, url: &str) -> Server {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir)
        .env("LUOSHI_DATABASE_URL", url)
        .env("LUOSHI_AUDIT_KEY_FILE", dir.join("audit.key"))
        .env("LUOSHI_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--today",
            "2021-06-20",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let deadline = Instant::now() + Duration::from_secs(90);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Server { child, port }
}

fn token(dir: &Path, url: &str, user: &str) -> String {
    let out = luoshi(dir, url, &["user", "token", user, "--label", "tests"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

async fn fresh_database() -> Option<String> {
    let admin = std::env::var("LUOSHI_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())?;
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&admin)
        .await
        .expect("postgres");
    let name = format!("luoshi_two_servers_{}", std::process::id());
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await
    .expect("drop");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create");
    let base = admin
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .unwrap_or(admin);
    Some(format!("{base}/{name}"))
}

async fn json(response: reqwest::Response) -> serde_json::Value {
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_one_ledger_survive_a_sigkill() {
    let Some(url) = fresh_database().await else {
        eprintln!("skipped: LUOSHI_TEST_POSTGRES not set");
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    // The first server seeds the ledger; the second starts on it.
    let a = serve(dir.path(), &url);
    let b = serve(dir.path(), &url);
    let mut add = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir.path())
        .env("LUOSHI_DATABASE_URL", &url)
        .env("LUOSHI_AUDIT_KEY_FILE", dir.path().join("audit.key"))
        .args([
            "user",
            "add",
            "--role",
            "district",
            "--district",
            "江岸区",
            "--password-stdin",
            "jiangan",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("user add");
    use std::io::Write;
    add.stdin
        .take()
        .expect("stdin")
        .write_all("江岸区填报2021!\n".as_bytes())
        .expect("password");
    assert!(add.wait().expect("waits").success());
    let office = token(dir.path(), &url, "admin");
    let reporter = token(dir.path(), &url, "jiangan");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client");
    let base = |port: u16| format!("http://127.0.0.1:{port}");

    let periods = json(
        http.get(format!("{}/api/plans/1/periods", base(a.port)))
            .bearer_auth(&office)
            .send()
            .await
            .expect("periods"),
    )
    .await;
    let june = periods
        .as_array()
        .expect("periods")
        .iter()
        .find(|p| p["key"] == "2021-06")
        .and_then(|p| p["id"].as_i64())
        .expect("june");
    let forms = json(
        http.get(format!("{}/api/periods/{june}/my-reports", base(b.port)))
            .bearer_auth(&reporter)
            .send()
            .await
            .expect("forms"),
    )
    .await;
    let assignments: Vec<i64> = forms
        .as_array()
        .expect("forms")
        .iter()
        .filter_map(|f| f["assignment_id"].as_i64())
        .collect();
    assert!(assignments.len() >= 8, "{}", assignments.len());

    // A cache on B sees a write made through A.
    let table = |port: u16| {
        let http = http.clone();
        let office = office.clone();
        async move {
            http.get(format!(
                "{}/api/plans/1/districts/%E6%B1%9F%E5%B2%B8%E5%8C%BA/table",
                base(port)
            ))
            .bearer_auth(&office)
            .send()
            .await
            .expect("table")
            .text()
            .await
            .expect("text")
        }
    };
    assert!(!table(b.port).await.contains("两台服务器加的一行"));
    let added = http
        .post(format!("{}/api/plans/1/district-rows", base(a.port)))
        .bearer_auth(&office)
        .json(&serde_json::json!({ "district": "江岸区", "text": "两台服务器加的一行" }))
        .send()
        .await
        .expect("row");
    assert_eq!(
        added.status(),
        201,
        "{}",
        added.text().await.unwrap_or_default()
    );
    assert!(
        table(b.port).await.contains("两台服务器加的一行"),
        "B's cache saw A's write"
    );

    // The burst: eight clients, each with its own assignments, alternating servers.
    let killed = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let ports = [a.port, b.port];
    let mut clients = Vec::new();
    for (c, mine) in assignments
        .chunks(assignments.len().div_ceil(8))
        .enumerate()
    {
        let mine = mine.to_vec();
        let http = http.clone();
        let reporter = reporter.clone();
        let killed = killed.clone();
        let stop = stop.clone();
        clients.push(tokio::spawn(async move {
            let mut acknowledged: Vec<(i64, i64, u16, bool)> = Vec::new();
            let mut versions = vec![0i64; mine.len()];
            for round in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                for (k, assignment) in mine.iter().enumerate() {
                    let port = if killed.load(Ordering::SeqCst) { ports[0] } else { ports[(round + k + c) % 2] };
                    let body = serde_json::json!({ "progress": format!("第 {round} 轮"), "version": versions[k] });
                    let answer = http
                        .put(format!("http://127.0.0.1:{port}/api/periods/{june}/assignments/{assignment}/report"))
                        .bearer_auth(&reporter)
                        .json(&body)
                        .send()
                        .await;
                    let Ok(answer) = answer else { continue };
                    if answer.status() == 200 {
                        let view = json(answer).await;
                        let version = view["version"].as_i64().expect("version");
                        versions[k] = version;
                        acknowledged.push((*assignment, version, port, killed.load(Ordering::SeqCst)));
                    } else if answer.status() == 409 {
                        // Our previous save was cut off after it committed: read the version.
                        let now = json(http.get(format!("http://127.0.0.1:{}/api/periods/{june}/assignments/{assignment}/report", ports[0])).bearer_auth(&reporter).send().await.expect("read")).await;
                        versions[k] = now["version"].as_i64().unwrap_or(versions[k]);
                    }
                }
            }
            acknowledged
        }));
    }
    // Edits of the plan's tables meanwhile, through both: rows added to 江岸区's table.
    let editor = {
        let http = http.clone();
        let office = office.clone();
        let killed = killed.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut rows = Vec::new();
            for n in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let port = if killed.load(Ordering::SeqCst) {
                    ports[0]
                } else {
                    ports[n % 2]
                };
                let text = format!("并发加的第 {n} 行");
                let answer = http
                    .post(format!("http://127.0.0.1:{port}/api/plans/1/district-rows"))
                    .bearer_auth(&office)
                    .json(&serde_json::json!({ "district": "江岸区", "text": text }))
                    .send()
                    .await;
                if answer.is_ok_and(|a| a.status() == 201) {
                    rows.push(text);
                }
            }
            rows
        })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // SIGKILL: no shutdown, no flush, mid-burst.
    let mut b = b;
    b.child.kill().expect("SIGKILL");
    b.child.wait().expect("reaped");
    killed.store(true, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, Ordering::SeqCst);
    let mut acknowledged = Vec::new();
    for client in clients {
        acknowledged.extend(client.await.expect("client"));
    }
    let rows = editor.await.expect("editor");
    assert!(rows.len() > 10, "{}", rows.len());
    let now = table(a.port).await;
    for row in &rows {
        assert!(now.contains(row.as_str()), "{row} was acknowledged");
    }
    assert!(acknowledged.len() > 100, "{}", acknowledged.len());
    assert!(
        acknowledged.iter().any(|(_, _, port, _)| *port == ports[1]),
        "B answered saves before it was killed"
    );
    assert!(
        acknowledged.iter().any(|(_, _, _, after)| *after),
        "the burst went on after the kill"
    );
    for (assignment, version, _, _) in &acknowledged {
        let now = json(
            http.get(format!(
                "{}/api/periods/{june}/assignments/{assignment}/report",
                base(a.port)
            ))
            .bearer_auth(&reporter)
            .send()
            .await
            .expect("read"),
        )
        .await;
        assert!(
            now["version"].as_i64().unwrap_or(0) >= *version,
            "assignment {assignment}: version {version} was acknowledged, the ledger has {}",
            now["version"]
        );
    }
    drop(a);
    let out = luoshi(dir.path(), &url, &["audit", "verify"]);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // A restarted server opens the ledger (its checkpoint agrees) and sees everything.
    let again = serve(dir.path(), &url);
    assert!(table(again.port).await.contains("两台服务器加的一行"));
}
