//! Driving Chromium for the browser test: ChromeDriver spoken to over plain HTTP/1.1 (WebDriver
//! is JSON over HTTP; no client crate needed for the few calls the test makes), and the luoshi
//! processes the test starts, killed when dropped.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine;
use serde_json::{Value, json};

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// One HTTP/1.1 exchange; returns status, headers (lower-cased) and body. The body is read by
/// its Content-Length (ChromeDriver keeps the connection open), else to the end.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    body: Option<&str>,
    token: Option<&str>,
) -> Option<(u16, String, Vec<u8>)> {
    use std::io::BufRead;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .ok()?;
    let body = body.unwrap_or("");
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len()).ok()?;
    let mut reader = std::io::BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 || line == "\r\n" {
            break;
        }
        head.push_str(&line.to_ascii_lowercase());
    }
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok());
    let mut content = Vec::new();
    match length {
        Some(n) => {
            content.resize(n, 0);
            reader.read_exact(&mut content).ok()?;
        }
        None => {
            reader.read_to_end(&mut content).ok()?;
            if head.contains("transfer-encoding: chunked") {
                content = dechunk(&content);
            }
        }
    }
    Some((status, head, content))
}

/// The body of a `Transfer-Encoding: chunked` response.
pub fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 || data.len() < end + 2 + size {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[(end + 4 + size).min(data.len())..];
    }
    out
}

pub fn wait_for(port: u16, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if http(port, "GET", path, None, None).is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("nothing answered on port {port}");
}

/// A WebDriver session with ChromeDriver, spoken to directly over HTTP.
pub struct Browser {
    port: u16,
    session: String,
    _driver: Killed,
    pub shots: PathBuf,
}

impl Browser {
    pub fn start(shots: PathBuf) -> Browser {
        let port = free_port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Killed(driver);
        wait_for(port, "/status");
        let profile = tempfile::tempdir().expect("profile").keep();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1366,768",
        ];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        let caps = json!({ "capabilities": { "alwaysMatch": { "browserName": "chrome", "goog:chromeOptions": { "binary": CHROMIUM, "args": args } } } });
        let (_, _, body) =
            http(port, "POST", "/session", Some(&caps.to_string()), None).expect("session");
        let value: Value = serde_json::from_slice(&body).expect("json");
        let session = value["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {value}"))
            .to_string();
        std::fs::create_dir_all(&shots).expect("screenshots folder");
        Browser {
            port,
            session,
            _driver: driver,
            shots,
        }
    }

    pub fn call(&self, method: &str, path: &str, body: Value) -> Value {
        let path = format!("/session/{}{path}", self.session);
        let body = if method == "GET" {
            None
        } else {
            Some(body.to_string())
        };
        let (_, _, bytes) =
            http(self.port, method, &path, body.as_deref(), None).expect("webdriver answers");
        let value: Value = serde_json::from_slice(&bytes).expect("json");
        assert!(
            value["value"]["error"].is_null(),
            "{method} {path}: {value}"
        );
        value["value"].clone()
    }

    /// Signs in on the login page (whatever page the browser is on).
    pub fn log_in(&self, username: &str, password: &str) {
        let base = self.current_origin();
        self.open(&format!("{base}/login"));
        self.type_into("input[name=username]", username);
        self.type_into("input[name=password]", password);
        self.click("form.login button");
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.title() == "登录 · 落实" && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(100));
        }
        assert_ne!(self.title(), "登录 · 落实", "{username} signed in");
    }

    pub fn log_out(&self) {
        let base = self.current_origin();
        self.open(&format!("{base}/account"));
        self.click("form[action='/logout'] button");
        let _ = self.source_with("<title>登录");
    }

    pub fn current_origin(&self) -> String {
        let url = self.call("GET", "/url", Value::Null);
        let url = url.as_str().unwrap_or_default();
        url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/")
    }

    pub fn open(&self, url: &str) {
        self.call("POST", "/url", json!({ "url": url }));
    }

    pub fn find(&self, css: &str) -> String {
        let found = self.call(
            "POST",
            "/element",
            json!({ "using": "css selector", "value": css }),
        );
        found
            .as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .expect("element id")
            .to_string()
    }

    pub fn type_into(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/clear"), json!({}));
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        );
    }

    /// Picks `file` in the file input `css` (ChromeDriver takes the path as typed keys).
    pub fn choose_file(&self, css: &str, file: &Path) {
        let element = self.find(css);
        self.call(
            "POST",
            &format!("/element/{element}/value"),
            json!({ "text": file.to_string_lossy() }),
        );
    }

    pub fn click(&self, css: &str) {
        let element = self.find(css);
        self.call("POST", &format!("/element/{element}/click"), json!({}));
    }

    pub fn source(&self) -> String {
        self.call("GET", "/source", Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The page source once it contains `text` (a submitted form's answer may still be loading).
    pub fn source_with(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let source = self.source();
            if source.contains(text) || Instant::now() > deadline {
                return source;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn title(&self) -> String {
        self.call("GET", "/title", Value::Null)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            json!({ "width": width, "height": height }),
        );
    }

    /// Whether the page is wider than the window (a sideways scroll on a phone).
    pub fn overflows(&self) -> bool {
        let widths = self.call("POST", "/execute/sync", json!({ "script": "return [document.documentElement.scrollWidth, window.innerWidth];", "args": [] }));
        widths[0].as_i64().unwrap_or(0) > widths[1].as_i64().unwrap_or(0) + 1
    }

    /// What a phone user cannot reach or read: controls past the window's right edge, and
    /// table cells narrower than two characters. Empty when the page is usable.
    pub fn cramped(&self) -> Vec<String> {
        let script = "const w = window.innerWidth; const out = []; \
            for (const e of document.querySelectorAll('input:not([type=hidden]), button, textarea, select, main a.button')) { \
              const r = e.getBoundingClientRect(); if (r.width > 0 && r.right > w + 1) out.push('control off screen: ' + (e.name || e.textContent.trim())); } \
            for (const c of document.querySelectorAll('main td, main th')) { \
              const r = c.getBoundingClientRect(); if (r.width > 0 && c.textContent.trim().length > 1 && r.width < 28) out.push('narrow cell (' + Math.round(r.width) + 'px): ' + c.textContent.trim().slice(0, 12)); } \
            return out;";
        self.call(
            "POST",
            "/execute/sync",
            json!({ "script": script, "args": [] }),
        )
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
    }

    /// Pages the current page prints on (A4 landscape, as its print stylesheet asks), from
    /// Chromium's own PDF.
    pub fn printed_pages(&self) -> usize {
        let data = self.call(
            "POST",
            "/print",
            json!({ "orientation": "landscape", "page": { "width": 29.7, "height": 21.0 } }),
        );
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("pdf");
        let text = String::from_utf8_lossy(&pdf);
        text.matches("/Type /Page").count() - text.matches("/Type /Pages").count()
    }

    /// The text of each page the current page prints on (A4 landscape at `scale`), through
    /// Chromium's PDF and pdftotext (poppler-utils, which CI installs).
    pub fn printed_text(&self, name: &str, scale: f64) -> Vec<String> {
        let data = self.call(
            "POST",
            "/print",
            json!({
                "orientation": "landscape",
                "scale": scale,
                "page": { "width": 29.7, "height": 21.0 }
            }),
        );
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("pdf");
        let file = self.shots.join(format!("{name}.pdf"));
        std::fs::write(&file, pdf).expect("pdf saved");
        let out = std::process::Command::new("pdftotext")
            .args(["-enc", "UTF-8"])
            .arg(&file)
            .arg("-")
            .output()
            .expect("pdftotext runs (apt-get install poppler-utils)");
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        text.split('\u{c}')
            .filter(|page| !page.trim().is_empty())
            .map(str::to_string)
            .collect()
    }

    pub fn screenshot(&self, name: &str) {
        let data = self.call("GET", "/screenshot", Value::Null);
        let png = base64::engine::general_purpose::STANDARD
            .decode(data.as_str().unwrap_or_default())
            .expect("png");
        std::fs::write(self.shots.join(format!("{name}.png")), png).expect("screenshot saved");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http(
            self.port,
            "DELETE",
            &format!("/session/{}", self.session),
            None,
            None,
        );
    }
}
