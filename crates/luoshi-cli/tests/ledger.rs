//! The ledger commands end to end: import (files and folders), publish, serve, audit verify, and
//! an import killed with SIGKILL halfway.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

fn luoshi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir)
        .env_remove("LUOSHI_DATABASE_URL")
        .args(args)
        .output()
        .expect("luoshi runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

#[test]
fn import_a_folder_publish_and_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plans = dir.path().join("plans");
    std::fs::create_dir_all(plans.join("more")).expect("mkdir");
    std::fs::write(plans.join("wuhan.txt"), PLAN).expect("write");
    std::fs::write(
        plans.join("more").join("county.md"),
        "某县工作方案\n一、重点任务\n1. 新建平台 3 个。（牵头单位：县科技局）",
    )
    .expect("write");
    std::fs::write(plans.join("empty.txt"), "").expect("write");
    std::fs::write(plans.join("notes.json"), "{}").expect("write");
    let out = luoshi(
        dir.path(),
        &["import", "plans", "--database", "sqlite://ledger.db"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "one file failed: {}",
        stderr(&out)
    );
    let err = stderr(&out);
    assert!(
        err.contains("empty.txt") && err.contains("文件是空的"),
        "{err}"
    );
    assert!(err.contains("共导入 2 个方案"), "{err}");
    assert!(
        !err.contains("notes.json"),
        "only plan documents are taken from folders"
    );

    let out = luoshi(
        dir.path(),
        &["publish", "1", "--database", "sqlite://ledger.db"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("已发布方案 1"));
    let out = luoshi(
        dir.path(),
        &["publish", "1", "--database", "sqlite://ledger.db"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "publishing twice is refused: {}",
        stderr(&out)
    );
    let out = luoshi(
        dir.path(),
        &["publish", "99", "--database", "sqlite://ledger.db"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("99"));

    let out = luoshi(
        dir.path(),
        &["audit", "verify", "--database", "sqlite://ledger.db"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("共 3 条记录"), "{}", stderr(&out));
}

#[test]
fn tampering_makes_audit_verify_fail_and_name_the_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("wuhan.txt"), PLAN).expect("write");
    let out = luoshi(dir.path(), &["import", "wuhan.txt", "--publish"]);
    assert!(out.status.success(), "{}", stderr(&out));
    runtime().block_on(async {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}", dir.path().join("luoshi.db").display());
        let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
        sqlx::query("UPDATE audit_log SET after_json = '{\"status\":\"draft\"}' WHERE id = 2")
            .execute(&mut conn)
            .await
            .expect("tamper");
    });
    let out = luoshi(dir.path(), &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("记录 2"), "{}", stderr(&out));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

fn get(port: u16, path: &str, token: Option<&str>) -> Option<(u16, String)> {
    request(port, "GET", path, token, None, b"")
}

/// One HTTP/1.1 request on a fresh connection; the answer's status and body (with headers
/// dropped), or `None` when the server is not there.
fn request(
    port: u16,
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: &[u8],
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let kind = content_type
        .map(|t| format!("Content-Type: {t}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\n{auth}{kind}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .ok()?;
    stream.write_all(body).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text.split(' ').nth(1)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

/// The password `serve` gives `admin` in these tests (LUOSHI_ADMIN_PASSWORD).
const ADMIN_PASSWORD: &str = "江城科技创新2021!";

struct Server {
    child: Child,
    /// An API token of `admin`.
    token: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if get(port, "/login", None).is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("server did not answer on port {port}");
}

/// `luoshi serve` in `dir` on `port`, answering before this returns.
/// On 2021-06-20 (June's reporting window is open), with `admin`'s password set.
fn serve(dir: &Path, port: u16) -> Server {
    let child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir)
        .env_remove("LUOSHI_DATABASE_URL")
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
    let mut server = Server {
        child,
        token: String::new(),
    };
    wait_for(port);
    server.token = token(dir, "admin");
    server
}

/// A fresh API token for `user`, from `luoshi user token`.
fn token(dir: &Path, user: &str) -> String {
    let out = luoshi(dir, &["user", "token", user, "--label", "tests"]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[test]
fn serve_on_a_fresh_machine_seeds_the_wuhan_plan() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let server = serve(dir.path(), port);
    let token = Some(server.token.as_str());
    assert!(
        dir.path().join("luoshi.db").exists(),
        "luoshi.db is created in the working directory"
    );
    let (status, body) = get(port, "/api/plans", token).expect("plans");
    assert_eq!(status, 200);
    assert!(
        body.contains("武政办〔2021〕26号") && body.contains("\"status\":\"published\""),
        "{body}"
    );
    let (status, body) = get(port, "/api/plans/1/review-items", token).expect("review");
    assert_eq!(status, 200);
    assert!(
        body.contains("二.（三）.1"),
        "the known review items are listed: {body}"
    );
    let (status, body) = get(
        port,
        "/api/plans/1/districts/%E6%B1%9F%E5%B2%B8%E5%8C%BA/table",
        token,
    )
    .expect("table");
    assert_eq!(status, 200);
    assert!(body.contains("岱家山知识产权创业小镇"), "{body}");
    let (status, _) = get(port, "/api/openapi.json", token).expect("openapi");
    assert_eq!(status, 200);
}

/// SIGKILL in the middle of importing large plans leaves each plan whole or absent.
#[cfg(unix)]
#[test]
fn killed_import_leaves_each_plan_whole_or_absent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("big");
    std::fs::create_dir_all(&folder).expect("mkdir");
    // 40 copies of the plan in one document: 760 tasks, long enough to be killed halfway.
    let big = PLAN.repeat(40);
    for i in 0..4 {
        std::fs::write(folder.join(format!("plan-{i}.txt")), &big).expect("write");
    }
    let expected = luoshi_extract::extract(&big).tasks.len() as i64;
    let mut child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir.path())
        .env_remove("LUOSHI_DATABASE_URL")
        .args(["import", "big"])
        .stderr(Stdio::null())
        .spawn()
        .expect("import starts");
    // Kill once the database exists, i.e. while plans are being written.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !dir.path().join("luoshi.db").exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(400));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    runtime().block_on(async {
        let url = format!("sqlite://{}", dir.path().join("luoshi.db").display());
        let store = luoshi_store::Store::open(&url)
            .await
            .expect("reopens after the kill");
        for plan in store.plans().await.expect("plans") {
            assert_eq!(plan.task_count, expected, "plan {} is whole", plan.id);
        }
        assert!(store.verify_audit().await.expect("verify").is_ok());
    });
}

/// SIGKILL to the server while it stores a plan posted to the API: afterwards the plan is whole
/// or absent.
#[cfg(unix)]
#[test]
fn killed_server_during_an_api_import_leaves_the_plan_whole_or_absent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut server = serve(dir.path(), port);
    let big = PLAN.repeat(40);
    let expected = luoshi_extract::extract(&big).tasks.len() as i64;
    let body = serde_json::json!({ "source_name": "big.txt", "text": big }).to_string();
    let token = server.token.clone();
    let poster = std::thread::spawn(move || {
        if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) {
            let head = format!(
                "POST /api/plans HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream
                .write_all(head.as_bytes())
                .and_then(|()| stream.write_all(body.as_bytes()));
            let mut answer = Vec::new();
            let _ = stream.read_to_end(&mut answer);
        }
    });
    std::thread::sleep(Duration::from_millis(600));
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
    let _ = poster.join();
    runtime().block_on(async {
        let url = format!("sqlite://{}", dir.path().join("luoshi.db").display());
        let store = luoshi_store::Store::open(&url)
            .await
            .expect("reopens after the kill");
        let plans = store.plans().await.expect("plans");
        assert!(!plans.is_empty(), "the seeded plan is there");
        for plan in plans.iter().filter(|p| p.source_name == "big.txt") {
            assert_eq!(plan.task_count, expected, "the posted plan is whole");
        }
        assert!(store.verify_audit().await.expect("verify").is_ok());
    });
}
