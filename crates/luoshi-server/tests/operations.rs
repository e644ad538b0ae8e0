//! The server as operations see it, over real connections: liveness and readiness without a
//! login, metrics only with the token, a request id on every answer, gzip, bounds a slow or
//! greedy client cannot stretch, HTTPS from PEM files, and clear refusals of bad TLS files.

mod common;

use std::sync::Arc;
use std::time::Duration;

use luoshi_server::front::{Limits, load_tls, serve_front};
use luoshi_server::operations::{Metrics, Operations};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Running {
    address: std::net::SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    _app: common::App,
}

impl Running {
    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.server.await.expect("joins").expect("served");
    }
}

async fn start(
    operations: Operations,
    limits: Limits,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> Running {
    let mut app = common::app().await;
    let metrics = operations.metrics.clone();
    app.state.operations = Arc::new(operations);
    let router = luoshi_server::router(app.state.clone())
        .merge(luoshi_web::router(app.state.clone()))
        .merge(luoshi_server::operations::health::routes(app.state.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve_front(
        listener,
        router,
        limits,
        tls,
        Some(metrics),
        async {
            let _ = stopped.await;
        },
    ));
    Running {
        address,
        stop: Some(stop),
        server,
        _app: app,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client")
}

#[tokio::test]
async fn health_and_readiness_need_no_login_and_metrics_need_the_token() {
    let dir = tempfile::tempdir().expect("dir");
    let running = start(
        Operations {
            metrics: Arc::new(Metrics::new()),
            metrics_token: Some("s3cret-token".into()),
            data_dirs: vec![dir.path().to_path_buf()],
            min_free_bytes: 1,
        },
        Limits::default(),
        None,
    )
    .await;
    let base = format!("http://{}", running.address);
    let http = client();
    let alive = http
        .get(format!("{base}/healthz"))
        .send()
        .await
        .expect("alive");
    assert_eq!(alive.status(), 200);
    let id = alive
        .headers()
        .get("x-request-id")
        .expect("request id")
        .to_str()
        .expect("text")
        .to_string();
    assert!(!id.is_empty());
    let ready = http
        .get(format!("{base}/readyz"))
        .header("x-request-id", "lb-probe-7")
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 200);
    assert_eq!(
        ready.headers()["x-request-id"],
        "lb-probe-7",
        "a sane given id is kept"
    );
    let body: serde_json::Value =
        serde_json::from_str(&ready.text().await.expect("text")).expect("json");
    assert_eq!(body["status"], "ready");
    let names: Vec<&str> = body["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, ["database", "migrations", "disk"]);

    // A page, asked for with gzip, comes compressed.
    let page = http
        .get(format!("{base}/login"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("page");
    assert_eq!(
        page.headers().get("content-encoding").map(|v| v.as_bytes()),
        Some(&b"gzip"[..])
    );

    let anonymous = http
        .get(format!("{base}/metrics"))
        .send()
        .await
        .expect("metrics");
    assert_eq!(anonymous.status(), 401);
    let wrong = http
        .get(format!("{base}/metrics"))
        .bearer_auth("guess")
        .send()
        .await
        .expect("metrics");
    assert_eq!(wrong.status(), 401);
    let scraped = http
        .get(format!("{base}/metrics"))
        .bearer_auth("s3cret-token")
        .send()
        .await
        .expect("metrics");
    assert_eq!(scraped.status(), 200);
    let text = scraped.text().await.expect("text");
    assert!(
        text.contains(
            r#"luoshi_http_requests_total{method="GET",route="/healthz",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="/metrics",status="401"} 2"#),
        "{text}"
    );
    for name in [
        "luoshi_http_request_duration_seconds_bucket",
        "luoshi_report_saves_total",
        "luoshi_report_save_batch_size",
        "luoshi_db_pool_connections",
        "luoshi_deliveries",
        "luoshi_reminders_sent",
        "luoshi_backup_age_seconds -1",
    ] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    // The route's pattern is the label, never the address itself.
    http.get(format!("{base}/api/plans/12345"))
        .send()
        .await
        .expect("api");
    let text = http
        .get(format!("{base}/metrics"))
        .bearer_auth("s3cret-token")
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(text.contains(r#"route="/api/plans/{id}""#), "{text}");
    assert!(!text.contains("12345"), "{text}");
    running.stop().await;
}

#[tokio::test]
async fn not_ready_when_the_disk_is_short_and_metrics_off_without_a_token() {
    let dir = tempfile::tempdir().expect("dir");
    let running = start(
        Operations {
            metrics: Arc::new(Metrics::new()),
            metrics_token: None,
            data_dirs: vec![dir.path().to_path_buf()],
            min_free_bytes: u64::MAX,
        },
        Limits::default(),
        None,
    )
    .await;
    let base = format!("http://{}", running.address);
    let http = client();
    let ready = http
        .get(format!("{base}/readyz"))
        .send()
        .await
        .expect("ready");
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value =
        serde_json::from_str(&ready.text().await.expect("text")).expect("json");
    assert_eq!(body["status"], "not_ready");
    let disk = body["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .find(|c| c["name"] == "disk")
        .expect("disk")
        .clone();
    assert_eq!(disk["ok"], false);
    assert_eq!(
        http.get(format!("{base}/healthz"))
            .send()
            .await
            .expect("alive")
            .status(),
        200
    );
    assert_eq!(
        http.get(format!("{base}/metrics"))
            .send()
            .await
            .expect("metrics")
            .status(),
        404
    );
    running.stop().await;
}

async fn read_all(stream: &mut tokio::net::TcpStream, within: Duration) -> Option<String> {
    let mut out = Vec::new();
    let read = tokio::time::timeout(within, stream.read_to_end(&mut out))
        .await
        .ok()?;
    read.ok()?;
    Some(String::from_utf8_lossy(&out).into_owned())
}

#[tokio::test]
async fn slow_idle_and_oversized_clients_are_cut_off() {
    let limits = Limits {
        header_timeout: Duration::from_millis(800),
        max_header_bytes: 8 * 1024,
        max_connections: 2,
        ..Limits::default()
    };
    let running = start(Operations::default(), limits, None).await;
    // Headers beyond the limit: 431, not a buffer that grows.
    let mut big = tokio::net::TcpStream::connect(running.address)
        .await
        .expect("connect");
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    let _ = big.write_all(request.as_bytes()).await;
    let answer = read_all(&mut big, Duration::from_secs(5))
        .await
        .unwrap_or_default();
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer:.80}");

    // A client that connects and says nothing is closed after the header deadline.
    let mut silent = tokio::net::TcpStream::connect(running.address)
        .await
        .expect("connect");
    let closed = read_all(&mut silent, Duration::from_secs(5)).await;
    assert!(
        closed.is_some(),
        "an idle connection is closed by the server"
    );

    // A client sending its headers a byte at a time, slower than the deadline, is cut off too.
    let mut trickle = tokio::net::TcpStream::connect(running.address)
        .await
        .expect("connect");
    let started = std::time::Instant::now();
    for byte in b"GET /healthz HTTP/1.1\r\nHost: x\r\n" {
        if trickle.write_all(&[*byte]).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        if started.elapsed() > Duration::from_secs(4) {
            break;
        }
    }
    let rest = read_all(&mut trickle, Duration::from_secs(5)).await;
    assert!(started.elapsed() < Duration::from_secs(5) && rest.is_some());

    // Two connections held open take both places; a third waits until one closes, then is served.
    let hold_a = tokio::net::TcpStream::connect(running.address)
        .await
        .expect("a");
    let hold_b = tokio::net::TcpStream::connect(running.address)
        .await
        .expect("b");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let third = tokio::spawn(async move {
        client()
            .get(format!("http://{}/healthz", running.address))
            .send()
            .await
            .map(|r| r.status().as_u16())
    });
    drop((hold_a, hold_b));
    let status = tokio::time::timeout(Duration::from_secs(8), third)
        .await
        .expect("served once a place is free")
        .expect("joins")
        .expect("answer");
    assert_eq!(status, 200);
}

fn certificate(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, String) {
    let generated =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
    let cert_pem = generated.cert.pem();
    let cert = dir.join("cert.pem");
    let key = dir.join("key.pem");
    std::fs::write(&cert, &cert_pem).expect("write");
    std::fs::write(&key, generated.signing_key.serialize_pem()).expect("write");
    (cert, key, cert_pem)
}

#[tokio::test]
async fn https_is_served_from_pem_files() {
    let dir = tempfile::tempdir().expect("dir");
    let (cert, key, pem) = certificate(dir.path());
    let tls = load_tls(&cert, &key).expect("loads");
    let running = start(Operations::default(), Limits::default(), Some(tls)).await;
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).expect("pem"))
        .resolve("localhost", running.address)
        .build()
        .expect("client");
    let alive = http
        .get(format!(
            "https://localhost:{}/healthz",
            running.address.port()
        ))
        .send()
        .await
        .expect("https answers");
    assert_eq!(alive.status(), 200);
    // Plain HTTP to the TLS port gets no page.
    let plain = client()
        .get(format!("http://{}/healthz", running.address))
        .send()
        .await;
    assert!(plain.is_err() || plain.is_ok_and(|r| r.status() != 200));
    running.stop().await;
}

#[test]
fn bad_tls_files_are_named() {
    let dir = tempfile::tempdir().expect("dir");
    let (cert, key, _) = certificate(dir.path());
    let missing = dir.path().join("missing.pem");
    let error = load_tls(&missing, &key).expect_err("no file").to_string();
    assert!(
        error.contains("--tls-cert") && error.contains("missing.pem"),
        "{error}"
    );
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "no certificates here\n").expect("write");
    let error = load_tls(&empty, &key)
        .expect_err("no certificate")
        .to_string();
    assert!(error.contains("--tls-cert"), "{error}");
    let error = load_tls(&cert, &cert)
        .expect_err("a certificate is no key")
        .to_string();
    assert!(error.contains("--tls-key"), "{error}");
    let (other_cert, _, _) = certificate(&{
        let d = dir.path().join("other");
        std::fs::create_dir(&d).expect("dir");
        d
    });
    let error = load_tls(&other_cert, &key)
        .expect_err("mismatched")
        .to_string();
    assert!(error.contains("不匹配"), "{error}");
}
