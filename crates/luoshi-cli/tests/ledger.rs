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

/// `luoshi audit verify` on the ledger at `url` succeeds: chain, signatures, checkpoint and
/// reports all agree (the key is found next to the SQLite file).
fn assert_audit_intact(url: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(["audit", "verify", "--database", url])
        .output()
        .expect("luoshi runs");
    assert!(out.status.success(), "{}", stderr(&out));
}

/// `luoshi user passwd USER --password-stdin` given `password` on standard input.
fn passwd_from_stdin(dir: &Path, user: &str, password: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir)
        .env_remove("LUOSHI_DATABASE_URL")
        .args(["user", "passwd", user, "--password-stdin"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            if let Some(mut input) = child.stdin.take() {
                input.write_all(format!("{password}\n").as_bytes())?;
            }
            child.wait_with_output()
        })
        .expect("passwd runs")
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
fn import_resolves_through_the_directory_the_office_saved() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("county.md"),
        "某县工作方案\n一、重点任务\n1. 新建平台 3 个。（牵头单位：县科技局）",
    )
    .expect("write");
    let url = format!("sqlite://{}", dir.path().join("ledger.db").display());
    runtime().block_on(async {
        let store = luoshi_store::Store::open(&url).await.expect("store");
        let saved = luoshi_directory::Directory::from_toml(
            "[[units]]\nname = \"县科学技术局\"\naliases = [\"县科技局\"]\n",
        )
        .expect("directory");
        store
            .save_directory(
                &luoshi_directory::Directory::empty(),
                &saved,
                "[[units]]\nname = \"县科学技术局\"\naliases = [\"县科技局\"]\n",
                "名录页",
            )
            .await
            .expect("saved");
    });
    let out = luoshi(
        dir.path(),
        &["import", "county.md", "--publish", "--database", &url],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let lead = runtime().block_on(async {
        let store = luoshi_store::Store::open(&url).await.expect("store");
        store
            .units(Some(1))
            .await
            .expect("units")
            .into_iter()
            .filter(|u| u.lead_count > 0)
            .map(|u| u.name)
            .collect::<Vec<_>>()
    });
    assert_eq!(
        lead,
        vec!["县科学技术局"],
        "the saved directory resolved it"
    );
}

#[cfg(unix)]
#[test]
fn import_follows_no_symlink_loop_and_takes_each_document_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plans = dir.path().join("plans");
    std::fs::create_dir_all(plans.join("sub")).expect("mkdir");
    std::fs::write(plans.join("wuhan.txt"), PLAN).expect("write");
    std::fs::write(plans.join("sub").join("copy.txt"), PLAN).expect("write");
    std::os::unix::fs::symlink(&plans, plans.join("sub").join("loop")).expect("symlink");
    std::os::unix::fs::symlink(plans.join("wuhan.txt"), plans.join("alias.txt")).expect("symlink");
    let out = luoshi(
        dir.path(),
        &[
            "import",
            "plans",
            "plans/wuhan.txt",
            "--database",
            "sqlite://ledger.db",
        ],
    );
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("共导入 1 个方案"), "{err}");
    assert!(err.contains("符号链接循环"), "{err}");
    assert!(err.contains("是同一个文件"), "{err}");
    assert!(err.contains("内容与") && err.contains("完全相同"), "{err}");
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

#[test]
fn verify_refuses_a_missing_ledger_and_a_cut_log_blocks_work_until_resealed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = luoshi(
        dir.path(),
        &["audit", "verify", "--database", "sqlite://missing.db"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("不存在"), "{}", stderr(&out));
    assert!(
        !dir.path().join("missing.db").exists(),
        "no empty ledger made"
    );

    std::fs::write(dir.path().join("wuhan.txt"), PLAN).expect("write");
    let out = luoshi(dir.path(), &["import", "wuhan.txt", "--publish"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let key = dir.path().join("luoshi.db.audit-key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key)
            .expect("key made")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    assert!(dir.path().join("luoshi.db.audit-key.head").exists());
    runtime().block_on(async {
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let url = format!("sqlite://{}", dir.path().join("luoshi.db").display());
        let mut conn = sqlx::AnyConnection::connect(&url).await.expect("connect");
        sqlx::query("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
            .execute(&mut conn)
            .await
            .expect("cut");
    });
    let out = luoshi(dir.path(), &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("被截短"), "{}", stderr(&out));
    // Work on a cut ledger is refused until the office has looked and resealed.
    let out = luoshi(dir.path(), &["publish", "1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("luoshi audit reseal"),
        "{}",
        stderr(&out)
    );
    let out = luoshi(dir.path(), &["audit", "reseal", "--actor", "张三"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = luoshi(dir.path(), &["audit", "verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
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
        assert_audit_intact(&url);
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
        assert_audit_intact(&url);
    });
}

/// SIGKILL to the server in the middle of a burst of report saves: every save that was answered
/// 200 is in the ledger after a restart, and the audit chain is intact.
#[cfg(unix)]
#[test]
fn killed_server_keeps_every_acknowledged_submission() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut server = serve(dir.path(), port);
    let token = server.token.clone();
    let json = |path: &str| -> serde_json::Value {
        let (status, body) = get(port, path, Some(&token)).expect("api");
        assert_eq!(status, 200, "{path}: {body}");
        serde_json::from_str(&body).expect("json")
    };
    let june = json("/api/plans/1/periods")
        .as_array()
        .and_then(|p| p.iter().find(|p| p["key"] == "2021-06"))
        .and_then(|p| p["id"].as_i64())
        .expect("June");
    let assignments: Vec<i64> = json("/api/plans/1/assignments")
        .as_array()
        .expect("assignments")
        .iter()
        .filter_map(|a| a["id"].as_i64())
        .take(8)
        .collect();
    // Each writer saves its own report again and again; it remembers the last version the
    // server acknowledged.
    let writers: Vec<_> = assignments
        .iter()
        .map(|&assignment| {
            let token = token.clone();
            std::thread::spawn(move || {
                let mut acknowledged = 0i64;
                for version in 0..10_000i64 {
                    let body = serde_json::json!({ "version": version, "progress": format!("第 {} 次保存", version + 1) }).to_string();
                    let path = format!("/api/periods/{june}/assignments/{assignment}/report");
                    match request(port, "PUT", &path, Some(&token), Some("application/json"), body.as_bytes()) {
                        Some((200, _)) => acknowledged = version + 1,
                        _ => break,
                    }
                }
                (assignment, acknowledged)
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));
    server.child.kill().expect("SIGKILL");
    let _ = server.child.wait();
    let results: Vec<(i64, i64)> = writers
        .into_iter()
        .map(|w| w.join().expect("writer"))
        .collect();
    assert!(
        results.iter().any(|(_, v)| *v > 3),
        "the burst was under way: {results:?}"
    );
    runtime().block_on(async {
        let url = format!("sqlite://{}", dir.path().join("luoshi.db").display());
        let store = luoshi_store::Store::open(&url)
            .await
            .expect("reopens after the kill");
        for (assignment, acknowledged) in results {
            let report = store.report(june, assignment).await.expect("report");
            assert!(
                report.version >= acknowledged,
                "assignment {assignment}: acknowledged version {acknowledged}, stored {}",
                report.version
            );
            if acknowledged > 0 {
                assert_eq!(report.progress, format!("第 {} 次保存", report.version));
            }
        }
        assert_audit_intact(&url);
    });
}

#[test]
fn user_commands_manage_accounts_without_default_passwords() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("wuhan.txt"), PLAN).expect("write");
    let out = luoshi(dir.path(), &["import", "wuhan.txt", "--publish"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A one-time password is printed, and nothing else on stdout.
    let out = luoshi(
        dir.path(),
        &[
            "user",
            "add",
            "jiangan",
            "--role",
            "district",
            "--district",
            "江岸区",
            "--name",
            "江岸区科技局",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let one_time = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(one_time.chars().count(), 16, "{one_time}");
    assert!(
        stderr(&out).contains("首次登录后须修改"),
        "{}",
        stderr(&out)
    );
    // Bad input: exit 2 and a message naming what is wrong.
    for (args, message) in [
        (
            vec!["user", "add", "x", "--role", "boss"],
            "角色「boss」无效",
        ),
        (
            vec!["user", "add", "x", "--role", "unit", "--unit", "火星局"],
            "没有名为「火星局」的单位",
        ),
        (vec!["user", "add", "x", "--role", "lead"], "--unit"),
        (
            vec!["user", "add", "jiangan", "--role", "leader"],
            "已被使用",
        ),
        (vec!["user", "passwd", "nobody"], "nobody"),
    ] {
        let out = luoshi(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    let weak = passwd_from_stdin(dir.path(), "jiangan", "short");
    assert_eq!(weak.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&weak.stderr).contains("至少 10 个字符"));
    let out = luoshi(dir.path(), &["user", "token", "jiangan", "--label", "对接"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for days in ["0", "-5", "3651", "99999999999999999999"] {
        let out = luoshi(
            dir.path(),
            &[
                "user", "token", "jiangan", "--label", "对接", "--days", days,
            ],
        );
        assert_eq!(
            out.status.code(),
            Some(2),
            "--days {days}: {}",
            stderr(&out)
        );
    }
    let out = luoshi(
        dir.path(),
        &[
            "user", "token", "jiangan", "--label", "十年", "--days", "3650",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Common passwords are refused, with the reason.
    let common = passwd_from_stdin(dir.path(), "jiangan", "Password1!");
    assert_eq!(common.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&common.stderr).contains("过于常见"));
    let out = luoshi(dir.path(), &["user", "disable", "jiangan"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = luoshi(dir.path(), &["user", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        listed.contains("jiangan\t江岸区科技局\tdistrict\t江岸区\t已停用"),
        "{listed}"
    );
    let out = luoshi(dir.path(), &["user", "token", "jiangan", "--label", "对接"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a disabled account gets no token"
    );
}

/// A fresh `serve` prints a one-time password for `admin`; the API refuses anonymous callers and
/// the pages send them to the login page.
#[test]
fn first_start_prints_a_one_time_admin_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir.path())
        .env_remove("LUOSHI_DATABASE_URL")
        .env_remove("LUOSHI_ADMIN_PASSWORD")
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let mut stdout = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    std::io::BufRead::read_line(&mut stdout, &mut line).expect("a line");
    let server = Server {
        child,
        token: String::new(),
    };
    assert!(line.contains("管理员账号 admin，一次性密码："), "{line}");
    wait_for(port);
    let (status, body) = get(port, "/api/plans", None).expect("answer");
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("请先登录"), "{body}");
    let (status, _) = get(port, "/plans/1", None).expect("answer");
    assert_eq!(status, 303);
    let (status, body) = get(port, "/login", None).expect("login page");
    assert_eq!(status, 200);
    assert!(body.contains("<title>登录 · 落实</title>"), "{body}");
    drop(server);
    // A second start does not make another admin or print a password.
    let out = luoshi(dir.path(), &["user", "list"]);
    let listed = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(
        listed.contains("admin") && listed.contains("待改密"),
        "{listed}"
    );
}

/// `serve --demo` fills a fresh ledger with a simulated year, marks every page 演示数据, and
/// refuses a ledger that holds real data; `report monthly` writes the bulletin in each format.
#[test]
fn demo_ledger_and_monthly_bulletins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir.path())
        .env_remove("LUOSHI_DATABASE_URL")
        .env("LUOSHI_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve --demo starts");
    let mut server = Server {
        child,
        token: String::new(),
    };
    wait_for(port);
    server.token = token(dir.path(), "admin");
    let token = Some(server.token.as_str());
    let (status, login) = get(port, "/login", None).expect("login");
    assert_eq!(status, 200);
    assert!(login.contains("演示数据"), "the login page is marked");
    let (status, page) = get(port, "/plans/1/bulletins/2021-06", token).expect("bulletin");
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("2021年6月") && page.contains("一、总体情况") && page.contains("演示数据"),
        "{page}"
    );
    let (status, page) = get(port, "/plans/1/bulletins/2021-Q2", token).expect("quarterly");
    assert_eq!(status, 200);
    assert!(
        page.contains("季度小结") && page.contains("分领域推进情况"),
        "{page}"
    );
    let (status, page) = get(port, "/plans/1/bulletins/2021-H1", token).expect("half-year");
    assert_eq!(status, 200);
    assert!(
        page.contains("半年讲评") && page.contains("各区排名"),
        "{page}"
    );
    let (status, _) = get(port, "/plans/1/bulletins/2021-Q9", token).expect("bad key");
    assert_eq!(status, 404);
    let (status, page) = get(port, "/plans/1/reporting?period=2021-11", token).expect("reporting");
    assert_eq!(status, 200);
    assert!(page.contains("演示数据"));
    // The office issues May's bulletin: from then on `report` writes the issued copy.
    let (status, issued) = request(
        port,
        "POST",
        "/api/plans/1/issues",
        token,
        Some("application/json"),
        br#"{"period": "2021-05"}"#,
    )
    .expect("issue");
    assert_eq!(status, 201, "{issued}");
    drop(server);
    let out = luoshi(
        dir.path(),
        &[
            "report",
            "monthly",
            "--period",
            "2021-05",
            "-o",
            "五月.html",
        ],
    );
    assert!(
        out.status.success()
            && stderr(&out).contains("已输出印发件")
            && stderr(&out).contains("第 1 期"),
        "{}",
        stderr(&out)
    );
    let issued_copy = std::fs::read_to_string(dir.path().join("五月.html")).expect("written");
    assert!(issued_copy.contains("<p class=\"number\"><span>第 1 期</span></p>"));
    let out = luoshi(
        dir.path(),
        &[
            "report",
            "monthly",
            "--period",
            "2021-05",
            "--live",
            "-o",
            "五月-现在.html",
        ],
    );
    assert!(
        stderr(&out).contains("此为按现在的台账计算"),
        "{}",
        stderr(&out)
    );

    for (format, magic) in [
        ("docx", &b"PK"[..]),
        ("xlsx", &b"PK"[..]),
        ("html", &b"<!DOCTYPE html>"[..]),
    ] {
        let file = format!("通报.{format}");
        let out = luoshi(
            dir.path(),
            &["report", "monthly", "--period", "2021-06", "-o", &file],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let bytes = std::fs::read(dir.path().join(&file)).expect("written");
        assert!(bytes.starts_with(magic), "{format}");
        assert!(
            stderr(&out).contains("已生成2021年6月调度通报（未印发"),
            "{}",
            stderr(&out)
        );
    }
    for (args, message) in [
        (
            vec!["report", "monthly", "--period", "2021-13", "-o", "x.docx"],
            "--period「2021-13」无效",
        ),
        (
            vec!["report", "monthly", "--period", "2022-01", "-o", "x.docx"],
            "没有 2022-01 这个期间",
        ),
        (
            vec!["report", "monthly", "--period", "2021-06", "-o", "x.pdf"],
            "请用 --format 指定格式",
        ),
        (
            vec![
                "report", "monthly", "--period", "2021-06", "--format", "odt", "-o", "x",
            ],
            "--format「odt」无效",
        ),
    ] {
        let out = luoshi(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }

    // A real ledger is never mixed with demo data.
    let real = tempfile::tempdir().expect("tempdir");
    std::fs::write(real.path().join("wuhan.txt"), PLAN).expect("write");
    assert!(
        luoshi(real.path(), &["import", "wuhan.txt", "--publish"])
            .status
            .success()
    );
    let out = luoshi(real.path(), &["serve", "--demo", "--listen", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("--demo 只能用于新台账"),
        "{}",
        stderr(&out)
    );
}
