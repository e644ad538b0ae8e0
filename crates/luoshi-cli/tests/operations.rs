//! Running luoshi as operations do: one configuration from flags, variables and luoshi.toml,
//! shown with its sources; bad settings stopping start-up by name; backups taken, listed,
//! verified and restored from the command line; a SIGTERM that stops the server cleanly.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

fn luoshi(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_luoshi"));
    command.current_dir(dir).args(args);
    for (name, _) in std::env::vars() {
        if name.starts_with("LUOSHI_") {
            command.env_remove(name);
        }
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("luoshi runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The command failed as bad input (exit 2), saying `needle`.
fn refused(out: &Output, needle: &str) {
    let error = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{error}");
    assert!(error.contains(needle), "{error}");
}

fn line<'a>(shown: &'a str, key: &str) -> &'a str {
    shown
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap_or_else(|| panic!("{key} not shown:\n{shown}"))
}

#[test]
fn config_shows_each_value_and_where_it_came_from() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join("luoshi.toml"),
        "# the office's settings\nlisten = \"0.0.0.0:9000\"\nmax_connections = 64\nmetrics-token = \"very-secret\"\ndatabase = \"postgres://luoshi:pw@db.example/ledger\"\n",
    )
    .expect("write");
    let out = luoshi(
        dir.path(),
        &["config", "--request-timeout", "5m"],
        &[("LUOSHI_MAX_CONNECTIONS", "99")],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        line(&shown, "listen").contains("0.0.0.0:9000")
            && line(&shown, "listen").contains("配置文件第 2 行"),
        "{shown}"
    );
    // A variable outranks the file; a flag outranks both.
    assert!(
        line(&shown, "max-connections").contains("99")
            && line(&shown, "max-connections").contains("环境变量 LUOSHI_MAX_CONNECTIONS"),
        "{shown}"
    );
    assert!(
        line(&shown, "request-timeout").contains("5m")
            && line(&shown, "request-timeout").contains("命令行"),
        "{shown}"
    );
    assert!(
        line(&shown, "header-timeout").contains("30s")
            && line(&shown, "header-timeout").contains("默认值"),
        "{shown}"
    );
    // Secrets never printed.
    assert!(
        !shown.contains("very-secret") && !shown.contains(":pw@"),
        "{shown}"
    );
    assert!(line(&shown, "metrics-token").contains("***"), "{shown}");
    assert!(
        line(&shown, "database").contains("postgres://luoshi:***@db.example/ledger"),
        "{shown}"
    );
}

#[test]
fn bad_settings_stop_start_up_with_their_name() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("office.toml");
    std::fs::write(&file, "listen = \"127.0.0.1:0\"\nmax-conections = 5\n").expect("write");
    let out = luoshi(
        dir.path(),
        &["serve", "--config", file.to_str().expect("path")],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let error = text(&out.stderr);
    assert!(
        error.contains("第 2 行") && error.contains("max-conections"),
        "{error}"
    );

    std::fs::write(&file, "max-connections = 0\n").expect("write");
    let out = luoshi(
        dir.path(),
        &["serve", "--config", file.to_str().expect("path")],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let error = text(&out.stderr);
    assert!(
        error.contains("--max-connections") && error.contains("第 1 行"),
        "{error}"
    );

    let out = luoshi(
        dir.path(),
        &["serve", "--backup-every", "soon", "--backup-dir", "b"],
        &[],
    );
    refused(&out, "--backup-every");

    let out = luoshi(
        dir.path(),
        &["serve", "--trusted-proxy", "10.0.0.0/8,intranet"],
        &[],
    );
    refused(&out, "intranet");

    let out = luoshi(
        dir.path(),
        &[
            "serve",
            "--tls-cert",
            "missing.pem",
            "--tls-key",
            "missing.key",
        ],
        &[],
    );
    refused(&out, "missing.pem");
    assert!(
        !dir.path().join("luoshi.db").exists(),
        "nothing is opened before the settings check"
    );
}

#[test]
fn backup_list_verify_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("plan.txt"), PLAN).expect("write");
    let out = luoshi(dir.path(), &["import", "plan.txt", "--publish"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = luoshi(dir.path(), &["backup", "-o", "first.luoshi-backup"], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("校验通过"),
        "{}",
        text(&out.stdout)
    );
    let out = luoshi(dir.path(), &["backup", "-o", "first.luoshi-backup"], &[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an existing file is never overwritten"
    );
    let out = luoshi(dir.path(), &["backup", "--list"], &[]);
    assert!(
        text(&out.stdout).contains("first.luoshi-backup") && text(&out.stdout).contains("手动"),
        "{}",
        text(&out.stdout)
    );
    let out = luoshi(
        dir.path(),
        &["backup", "--verify", "first.luoshi-backup"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("1 个方案"),
        "{}",
        text(&out.stdout)
    );

    // Restored with the ledger's key: the chain's signatures check, a new checkpoint is written.
    let key = dir.path().join("luoshi.db.audit-key");
    let restored_key = dir.path().join("restored.key");
    std::fs::copy(&key, &restored_key).expect("copy key");
    let out = luoshi(
        dir.path(),
        &[
            "restore",
            "first.luoshi-backup",
            "--database",
            "sqlite://restored.db",
            "--audit-key",
            "restored.key",
        ],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("已从 first.luoshi-backup 恢复"),
        "{}",
        text(&out.stdout)
    );
    let out = luoshi(
        dir.path(),
        &[
            "audit",
            "verify",
            "--database",
            "sqlite://restored.db",
            "--audit-key",
            "restored.key",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let out = luoshi(
        dir.path(),
        &[
            "restore",
            "first.luoshi-backup",
            "--database",
            "sqlite://restored.db",
            "--audit-key",
            "restored.key",
        ],
        &[],
    );
    refused(&out, "不是空的");
    // With another key, the signatures do not check: refused, and nothing restored.
    let out = luoshi(
        dir.path(),
        &[
            "restore",
            "first.luoshi-backup",
            "--database",
            "sqlite://other.db",
        ],
        &[],
    );
    refused(&out, "审计链");
    std::fs::write(dir.path().join("notes.txt"), "not a backup").expect("write");
    let started = Instant::now();
    let out = luoshi(
        dir.path(),
        &["restore", "notes.txt", "--database", "sqlite://y.db"],
        &[],
    );
    refused(&out, "不是 SQLite 数据库文件");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "refused at once"
    );
    let out = luoshi(
        dir.path(),
        &[
            "restore",
            "nowhere.luoshi-backup",
            "--database",
            "sqlite://x.db",
        ],
        &[],
    );
    refused(&out, "nowhere.luoshi-backup");
}

#[cfg(unix)]
#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = tempfile::tempdir().expect("dir");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir.path())
        .env("LUOSHI_ADMIN_PASSWORD", "handcheck-secret-1")
        .env_remove("LUOSHI_DATABASE_URL")
        .args([
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--no-scheduler",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("serve starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "server did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = child.wait().expect("exits");
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read");
    assert!(status.success(), "{status:?}: {stderr}");
    assert!(stderr.contains("luoshi 已停止"), "{stderr}");
}
