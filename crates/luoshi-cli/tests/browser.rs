//! End to end in headless Chromium (Debian's `chromium` and `chromium-driver`, installed by
//! `.ci/run`): open the overview, filter the task list, fix a review item and publish, open
//! 江岸区's table and download its xlsx; a month's reports returned, resubmitted and accepted two
//! at once; a 督办单 signed for, answered and closed; a second plan uploaded as .docx, corrected
//! with the unit picker, published, its contacts' accounts made from an xlsx roster and signed in
//! with the handout's password.
//! Screenshots of the main pages go to `screenshots/`.
//! Without Chromium the test says so and passes, unless `LUOSHI_E2E=1` demands it (as CI does).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod driver;
mod word;

use driver::{Browser, CHROMEDRIVER, CHROMIUM, Killed, free_port, http, wait_for};

const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");
const ADMIN_PASSWORD: &str = "江城科技创新2021!";
/// 江岸区's and 市科技局's reporters (made in the month's round trip).
const PASSWORD: &str = "区里的密码-2021";

/// Runs `luoshi` in `dir` (with `stdin` piped in when given) and returns its trimmed stdout.
fn cli(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir)
        .env_remove("LUOSHI_DATABASE_URL")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("luoshi runs");
    if let (Some(text), Some(mut input)) = (stdin, child.stdin.take()) {
        input.write_all(text.as_bytes()).expect("stdin");
    }
    let out = child.wait_with_output().expect("luoshi ends");
    assert!(
        out.status.success(),
        "luoshi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// With `LUOSHI_VNU` naming the Nu HTML Checker's vnu.jar (CI installs it from npm), the pages
/// as served (saved next to the screenshots) must pass it without errors.
fn validate_pages(folder: &Path, port: u16, token: &str, paths: &[&str]) {
    let Ok(jar) = std::env::var("LUOSHI_VNU") else {
        return;
    };
    let mut files = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        let (status, _, body) = http(port, "GET", path, None, Some(token)).expect("page");
        assert_eq!(status, 200, "{path}");
        let file = folder.join(format!("page-{i}.html"));
        std::fs::write(&file, body).expect("page saved");
        files.push(file);
    }
    let out = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .arg("--errors-only")
        .args(&files)
        .output()
        .expect("java runs the checker");
    assert!(
        out.status.success(),
        "HTML checker: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn available() -> bool {
    Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()
}

#[test]
fn the_office_works_through_the_pages_in_chromium() {
    if !available() {
        assert_ne!(
            std::env::var("LUOSHI_E2E").as_deref(),
            Ok("1"),
            "LUOSHI_E2E=1 but Chromium or ChromeDriver is missing"
        );
        eprintln!(
            "skipped: {CHROMIUM} and {CHROMEDRIVER} are needed (apt-get install chromium chromium-driver)"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("wuhan.txt"), PLAN).expect("write");
    let import = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir.path())
        .env_remove("LUOSHI_DATABASE_URL")
        .args(["import", "wuhan.txt"])
        .output()
        .expect("import");
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let port = free_port();
    // June 20th, 2021: June's reporting window is open.
    let server = Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .current_dir(dir.path())
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
        .expect("serve");
    let _server = Killed(server);
    wait_for(port, "/login");
    let token = cli(
        dir.path(),
        &["user", "token", "admin", "--label", "browser test"],
        None,
    );
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../screenshots");
    let browser = Browser::start(shots);
    let base = format!("http://127.0.0.1:{port}");

    // Anonymous visitors get the login page; the office signs in.
    browser.open(&format!("{base}/"));
    assert_eq!(browser.title(), "登录 · 落实");
    browser.screenshot("login");
    browser.log_in("admin", ADMIN_PASSWORD);

    // The plan list, then the overview.
    assert_eq!(browser.title(), "方案 · 落实");
    assert!(browser.source().contains("草稿（待核对后发布）"));
    browser.screenshot("plans");
    browser.click("a[href='/plans/1']");
    let _ = browser.source_with("方案概览");
    assert_eq!(
        browser.title(),
        "武汉市大力推进科技创新提能工作实施方案 · 落实"
    );
    assert!(browser.source().contains("草稿"));
    assert!(!browser.overflows(), "fits 1366×768");
    browser.screenshot("overview");
    browser.resize(390, 844);
    assert!(
        !browser.overflows(),
        "fits a phone's width (wide tables scroll inside themselves)"
    );
    browser.screenshot("overview-phone");
    browser.resize(1366, 768);

    // Filter the task list.
    browser.open(&format!("{base}/plans/1/tasks"));
    browser.type_into("input[name=section]", "二.（三）");
    browser.click("form.filters button");
    let listed = browser.source_with("共 5 项");
    assert!(listed.contains("共 5 项"), "filtered list");
    assert!(listed.contains("深化成果转化对接"));
    browser.screenshot("tasks");

    // Fix the review item of 二.（三）.1 and publish.
    browser.open(&format!("{base}/plans/1/review"));
    browser.screenshot("review");
    let form = "form[action='/plans/1/review/tasks/11/units']";
    browser.type_into(&format!("{form} input[name=lead]"), "市科技局");
    browser.type_into(&format!("{form} input[name=responsible]"), "各区人民政府");
    browser.click(&format!("{form} button"));
    let deadline = Instant::now() + Duration::from_secs(20);
    while browser.source().contains("二.（三）.1（第 77 行）") && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        !browser.source().contains("二.（三）.1（第 77 行）"),
        "the item is closed"
    );
    browser.click("form.publish button");
    assert!(
        browser.source_with("状态：已发布").contains("状态：已发布"),
        "published"
    );

    // 江岸区's table and its xlsx.
    browser.open(&format!("{base}/plans/1/districts"));
    browser.click("a[href='/plans/1/districts/%E6%B1%9F%E5%B2%B8%E5%8C%BA']");
    let table = browser.source_with("江岸区 年度任务表（一区一表）");
    assert!(table.contains("江岸区 年度任务表（一区一表）"));
    assert!(
        table.contains("深化成果转化对接"),
        "the fixed task now reaches every district"
    );
    browser.screenshot("district");
    browser.resize(390, 844);
    assert!(
        !browser.overflows(),
        "the district table fits a phone's width"
    );
    browser.screenshot("district-phone");
    browser.resize(1366, 768);
    let jiangan = "/plans/1/districts/%E6%B1%9F%E5%B2%B8%E5%8C%BA";
    let unit = "/plans/1/units/%E5%B8%82%E7%A7%91%E6%8A%80%E5%B1%80";
    validate_pages(
        &browser.shots,
        port,
        &token,
        &[
            "/plans/1",
            "/plans/1/tasks?section=%E4%BA%8C",
            "/tasks/12",
            "/plans/1/districts",
            jiangan,
            unit,
            "/plans/1/review",
        ],
    );
    let (status, head, bytes) = http(
        port,
        "GET",
        "/plans/1/districts/%E6%B1%9F%E5%B2%B8%E5%8C%BA/table.xlsx",
        None,
        Some(&token),
    )
    .expect("xlsx");
    assert_eq!(status, 200);
    assert!(head.contains("spreadsheetml") && bytes.starts_with(b"PK"));
    let shared = allocate_a_share(&browser, port, &token);
    browser.log_out();

    monthly_report_round_trip(&browser, dir.path(), port, &token, shared);
    an_order_signed_answered_and_closed(&browser, port, &token);
    a_new_plan_from_the_browser(&browser, dir.path(), port);
}

/// The office gives 江岸区 40 of the city's 500 项 target in the grid, and finds it on 江岸区's
/// table. Returns `(task path, target id)` of the share.
fn allocate_a_share(browser: &Browser, port: u16, token: &str) -> (String, i64) {
    let (status, _, body) =
        http(port, "GET", "/api/plans/1/allocation", None, Some(token)).expect("grid");
    assert_eq!(status, 200);
    let grid: Value = serde_json::from_slice(&body).expect("json");
    let column = grid["districts"]
        .as_array()
        .and_then(|d| d.iter().position(|d| d == "江岸区"))
        .expect("江岸区's column");
    let row = grid["rows"]
        .as_array()
        .and_then(|r| {
            r.iter().find(|r| {
                r["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("成果转化意向"))
            })
        })
        .expect("the 500 项 target");
    let target = row["target_id"].as_i64().expect("id");
    let path = row["task_path"].as_str().expect("path").to_string();
    let base = format!("http://127.0.0.1:{port}");
    browser.open(&format!("{base}/plans/1/districts"));
    browser.click("a[href='/plans/1/allocation']");
    browser.type_into(&format!("input[name=s_{target}_{column}]"), "40");
    browser.screenshot("allocation");
    browser.click("form[action='/plans/1/allocation'] button[type=submit]");
    let saved = browser.source_with("目标分解已保存");
    assert!(
        saved.contains("目标分解已保存") && saved.contains("比全市目标少 460"),
        "saved with the sum against the city total"
    );
    browser.resize(390, 844);
    assert!(
        !browser.overflows(),
        "the grid scrolls inside itself on a phone"
    );
    browser.resize(1366, 768);
    // The leader dashboard prints on one page.
    browser.open(&format!("{base}/plans/1/dashboard"));
    let _ = browser.source_with("领导看板");
    assert_eq!(
        browser.printed_pages(),
        1,
        "the dashboard prints on one A4 page"
    );
    browser.open(&format!(
        "{base}/plans/1/districts/%E6%B1%9F%E5%B2%B8%E5%8C%BA"
    ));
    let table = browser.source_with("江岸区 年度任务表（一区一表）");
    let line = table
        .split("<tr>")
        .find(|r| r.contains("成果转化意向"))
        .unwrap_or_default();
    assert!(
        line.contains("40") && !line.contains("全市目标，未分解"),
        "江岸区's table has its share: {line}"
    );
    // On paper: many rows to a page, and when the table runs on, its header on every page with
    // 备注 wide enough to read (a one-character column splits the word 备注 itself).
    let printed = table
        .split("<table class=\"print\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap_or_default();
    let rows = printed.matches("<tr>").count().saturating_sub(1);
    let pages = browser.printed_text("一区一表", 1.0);
    assert!(
        pages.len() <= rows.div_ceil(10).max(1),
        "{rows} rows print on {} pages",
        pages.len()
    );
    // The first row's 备注 (`本区参与`) reads on one line of the printed page.
    let remark = printed
        .split("<tbody>")
        .nth(1)
        .and_then(|body| body.split("</tr>").next())
        .and_then(|row| row.rsplit("<td>").next())
        .and_then(|cell| cell.split("</td>").next())
        .unwrap_or_default();
    assert!(!remark.is_empty(), "the first row has a 备注");
    assert!(
        pages[0].lines().any(|l| l.contains(remark)),
        "备注 {remark} printed whole: {}",
        pages[0]
    );
    let enlarged = browser.printed_text("一区一表-放大", 2.0);
    assert!(enlarged.len() > 1, "at twice the size the table runs on");
    for (i, page) in enlarged.iter().enumerate() {
        assert!(
            page.contains("工作任务") && page.contains("备注"),
            "page {} repeats the header: {page}",
            i + 1
        );
    }
    // The other pages of this work, checked as HTML and seen at a phone's width.
    validate_pages(
        &browser.shots,
        port,
        token,
        &[
            "/plans/1/allocation",
            "/plans/1/issues",
            "/tasks/1",
            "/accounts",
            "/audit",
            "/reviews",
        ],
    );
    for (path, heading) in [("/accounts", "全部账号"), ("/audit", "链条完整")] {
        browser.open(&format!("{base}{path}"));
        let _ = browser.source_with(heading);
        browser.resize(390, 844);
        assert!(!browser.overflows(), "{path} fits a phone's width");
        browser.screenshot(&format!("{}-phone", &path[1..]));
        browser.resize(1366, 768);
    }
    browser.open(&format!("{base}/plans/1/issues"));
    assert!(browser.source_with("印发记录").contains("未印发"));
    browser.resize(390, 844);
    assert!(!browser.overflows(), "印发记录 fits a phone's width");
    browser.screenshot("issues-phone");
    browser.open(&format!("{base}/tasks/1"));
    assert!(
        browser
            .source_with("推进情况与销号")
            .contains("设置完成时限")
    );
    assert!(!browser.overflows(), "the task page fits a phone's width");
    browser.screenshot("task-plain-phone");
    browser.resize(1366, 768);
    (path, target)
}

/// 江岸区 reports on 二.（三）.1, 市科技局 (its lead unit) returns it with a comment, 江岸区
/// resubmits, and the office sees it counted.
fn monthly_report_round_trip(
    browser: &Browser,
    dir: &Path,
    port: u16,
    token: &str,
    (shared_task, shared_target): (String, i64),
) {
    cli(
        dir,
        &[
            "user",
            "add",
            "jiangan",
            "--role",
            "district",
            "--district",
            "江岸区",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    cli(
        dir,
        &[
            "user",
            "add",
            "kjj",
            "--role",
            "lead",
            "--unit",
            "市科技局",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    let api = |path: &str| -> Value {
        let (status, _, body) = http(port, "GET", path, None, Some(token)).expect("api");
        assert_eq!(status, 200, "{path}");
        serde_json::from_slice(&body).expect("json")
    };
    let periods = api("/api/plans/1/periods");
    let june = periods
        .as_array()
        .and_then(|p| p.iter().find(|p| p["key"] == "2021-06"))
        .and_then(|p| p["id"].as_i64())
        .expect("June");
    let assignments = api("/api/plans/1/assignments?district=%E6%B1%9F%E5%B2%B8%E5%8C%BA");
    let assignment = assignments
        .as_array()
        .and_then(|a| a.iter().find(|a| a["task_path"] == "二.（三）.1"))
        .and_then(|a| a["id"].as_i64())
        .expect("江岸区 is responsible for 二.（三）.1");
    let report = format!("/reports/{june}/{assignment}");
    let base = format!("http://127.0.0.1:{port}");
    let with_share = assignments
        .as_array()
        .and_then(|a| a.iter().find(|a| a["task_path"] == shared_task.as_str()))
        .and_then(|a| a["id"].as_i64())
        .expect("江岸区 is assigned the task it was given a share of");

    // 江岸区 fills in June's report and submits it.
    browser.log_in("jiangan", PASSWORD);
    let my = browser.source_with("我的任务");
    assert!(
        my.contains("我的任务 · 江岸区") && my.contains("二.（三）.1"),
        "my tasks"
    );
    browser.screenshot("my-tasks");
    browser.resize(390, 844);
    assert!(!browser.overflows(), "我的任务 fits a phone's width");
    let cramped = browser.cramped();
    assert!(cramped.is_empty(), "我的任务 at 390 px: {cramped:?}");
    browser.screenshot("my-tasks-phone");
    browser.resize(1366, 768);
    // The share the office gave is asked for on 江岸区's form.
    browser.open(&format!("{base}/reports/{june}/{with_share}"));
    assert!(
        browser
            .source_with("报送")
            .contains(&format!("name=\"value_{shared_target}\"")),
        "the form asks 江岸区 for its share"
    );
    browser.open(&format!("{base}{report}"));
    let form = browser.source_with("报送");
    let value_input = form
        .split("name=\"value_")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(|id| format!("input[name=value_{id}]"));
    if let Some(input) = &value_input {
        browser.type_into(input, "3");
    }
    browser.type_into("textarea[name=progress]", "举办成果转化对接活动 3 场");
    browser.screenshot("report-form");
    browser.resize(390, 844);
    assert!(!browser.overflows(), "the report form fits a phone's width");
    let cramped = browser.cramped();
    assert!(cramped.is_empty(), "the report form at 390 px: {cramped:?}");
    browser.screenshot("report-form-phone");
    browser.resize(1366, 768);
    browser.click("button[value=submit]");
    assert!(
        browser
            .source_with("已报送")
            .contains("id=\"report-status\">已报送"),
        "submitted"
    );
    browser.log_out();

    // The lead unit returns it with a comment.
    browser.log_in("kjj", PASSWORD);
    let my = browser.source_with("待审核");
    assert!(
        my.contains("id=\"pending-reviews-link\""),
        "我的任务 counts what waits for review: {my}"
    );
    browser.open(&format!("{base}/reviews"));
    let pending = browser.source_with("待审核");
    assert!(pending.contains("江岸区人民政府"), "to review: {pending}");
    browser.open(&format!("{base}{report}"));
    browser.type_into("textarea[name=comment]", "请补充活动名称和参与企业数");
    browser.screenshot("review-report");
    browser.click("button[value=return]");
    assert!(
        browser
            .source_with("已退回")
            .contains("请补充活动名称和参与企业数"),
        "returned"
    );
    browser.log_out();

    // 江岸区 sees the comment, completes the report and submits again.
    browser.log_in("jiangan", PASSWORD);
    let my = browser.source_with("退回意见");
    assert!(
        my.contains("退回意见：请补充活动名称和参与企业数"),
        "the comment reaches the district"
    );
    browser.open(&format!("{base}{report}"));
    browser.type_into(
        "textarea[name=progress]",
        "举办成果转化对接活动 3 场（光谷专场等），参与企业 42 家",
    );
    browser.click("button[value=submit]");
    assert!(
        browser
            .source_with("已报送")
            .contains("id=\"report-status\">已报送"),
        "resubmitted"
    );
    browser.log_out();

    // 江汉区's report on the same task arrives too (entered by the office on its behalf), and
    // the lead unit accepts both in one action.
    let jianghan = api("/api/plans/1/assignments?district=%E6%B1%9F%E6%B1%89%E5%8C%BA")
        .as_array()
        .and_then(|a| a.iter().find(|a| a["task_path"] == "二.（三）.1"))
        .and_then(|a| a["id"].as_i64())
        .expect("江汉区 is responsible for 二.（三）.1 too");
    let body = json!({ "progress": "举办对接活动 2 场", "submit": true, "version": 0 }).to_string();
    let (status, _, answer) = http(
        port,
        "PUT",
        &format!("/api/periods/{june}/assignments/{jianghan}/report"),
        Some(&body),
        Some(token),
    )
    .expect("api");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
    browser.log_in("kjj", PASSWORD);
    browser.open(&format!("{base}/reviews"));
    let pending = browser.source_with("接受所选");
    assert!(pending.contains("江汉区人民政府") && pending.contains("江岸区人民政府"));
    browser.click(&format!("#pick-{june}-{assignment}"));
    browser.click(&format!("#pick-{june}-{jianghan}"));
    browser.screenshot("reviews-batch");
    browser.click("button[value=accept]");
    assert!(
        browser.source_with("已接受").contains("已接受 2 份报告"),
        "both accepted in one action"
    );
    browser.log_out();

    // The office sees them counted.
    browser.log_in("admin", ADMIN_PASSWORD);
    browser.open(&format!("{base}/plans/1/reporting?period=2021-06"));
    let status = browser.source_with("填报情况");
    assert!(
        status.contains("id=\"total-reported\">2<"),
        "both reports counted"
    );
    let row = status
        .split("<tr>")
        .find(|r| r.contains("江岸区人民政府"))
        .expect("江岸区's row");
    assert!(row.contains("<td class=\"num\">1</td>"), "{row}");
    browser.screenshot("reporting-status");
}

/// A 督办单 to 江岸区 (issued over the API, as the 督办 page would): the district finds it on
/// 我的任务, signs for it and answers with its 整改措施 on the order's page (at a phone's width
/// too), and the office closes it (办结). Starts and ends signed in as the office.
fn an_order_signed_answered_and_closed(browser: &Browser, port: u16, token: &str) {
    let base = format!("http://127.0.0.1:{port}");
    let (_, _, body) = http(
        port,
        "GET",
        "/api/plans/1/assignments?district=%E6%B1%9F%E5%B2%B8%E5%8C%BA",
        None,
        Some(token),
    )
    .expect("assignments");
    let assignments: Value = serde_json::from_slice(&body).expect("json");
    let task = assignments
        .as_array()
        .and_then(|a| a.iter().find(|a| a["task_path"] == "二.（三）.1"))
        .and_then(|a| a["task_id"].as_i64())
        .expect("江岸区's task");
    let order = json!({ "level": "yellow", "subject_kind": "task", "subject_id": task,
        "unit": "江岸区人民政府", "period_key": "2021-06", "reason": "连续 2 个月滞后",
        "requirement": "6 月 30 日前报送整改措施", "due_on": "2021-06-30" });
    let (status, _, body) = http(
        port,
        "POST",
        "/api/plans/1/supervision/orders",
        Some(&order.to_string()),
        Some(token),
    )
    .expect("issue");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    let order: Value = serde_json::from_slice(&body).expect("json");
    let id = order["id"].as_i64().expect("id");
    let number = format!("督办〔2021〕第 {} 号", order["number"]);
    browser.log_out();

    browser.log_in("jiangan", PASSWORD);
    assert!(
        browser.source_with("我的任务").contains(&number),
        "on 我的任务"
    );
    browser.open(&format!("{base}/supervision/{id}"));
    browser.source_with("签收督办单");
    browser.click("form[action$='/sign'] button");
    assert!(browser.source_with("已签收督办").contains("办理中"));
    browser.resize(390, 844);
    assert!(
        !browser.overflows(),
        "the order's page fits a phone's width"
    );
    let cramped = browser.cramped();
    assert!(cramped.is_empty(), "the order at 390 px: {cramped:?}");
    browser.screenshot("order-phone");
    browser.resize(1366, 768);
    browser.type_into("textarea[name=measures]", "已召开专题会，6 月底前补齐进度");
    browser.click("form[action*='/answer'] button");
    assert!(
        browser
            .source_with("等待协调办公室复核")
            .contains("已召开专题会"),
        "answered"
    );
    browser.log_out();

    browser.log_in("admin", ADMIN_PASSWORD);
    browser.open(&format!("{base}/supervision/{id}"));
    browser.source_with("办结");
    browser.click("button[value=close]");
    assert!(
        browser
            .source_with("id=\"order-state\">已办结")
            .contains("已办结"),
        "closed"
    );
    browser.screenshot("order-closed");
}

/// A second plan, entirely in the browser: the office uploads it as .docx, corrects its unknown
/// lead unit with the directory picker, publishes it, makes the contacts' accounts from an xlsx
/// roster; the new reporter signs in with the one-time password from the 账号分发表, chooses
/// their own, and finds the new plan's task on 我的任务.
fn a_new_plan_from_the_browser(browser: &Browser, dir: &Path, port: u16) {
    let base = format!("http://127.0.0.1:{port}");
    let plan = "武汉市科技成果转化专项行动方案\n一、重点任务\n1. 新建成果转化平台 3 个。（牵头单位：市科技厅；责任单位：江岸区人民政府）\n2. 举办成果对接活动 5 场。（牵头单位：市经信局；责任单位：江汉区人民政府）\n";
    let document = dir.join("成果转化专项行动方案.docx");
    std::fs::write(&document, word::docx(plan)).expect("docx");
    browser.open(&format!("{base}/"));
    browser.choose_file("form[action^='/plans/import'] input[name=file]", &document);
    browser.click("form[action^='/plans/import'] button");
    let review = browser.source_with("待核对事项");
    assert!(
        review.contains("名录中没有「市科技厅」"),
        "the unknown lead unit is flagged: {review}"
    );
    assert!(review.contains("<datalist id=\"unit-names\">"));
    browser.screenshot("new-plan-review");
    browser.resize(390, 844);
    assert!(
        !browser.overflows(),
        "the review with its picker fits a phone's width"
    );
    let cramped = browser.cramped();
    assert!(cramped.is_empty(), "the review at 390 px: {cramped:?}");
    browser.screenshot("new-plan-review-phone");
    browser.resize(1366, 768);
    // The picker: the directory's name replaces the misspelt one, and the item closes.
    browser.type_into("form.units-picker input[name=lead]", "市科技局");
    browser.click("form.units-picker button[type=submit]");
    assert!(
        browser
            .source_with("没有未处理的待核对事项")
            .contains("没有未处理的待核对事项"),
        "resolved with the picker"
    );
    browser.click("form.publish button");
    let _ = browser.source_with("方案概览");
    // Accounts from the contact roster.
    let roster = dir.join("联络员名单.xlsx");
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in ["单位", "姓名", "手机", "邮箱", "角色"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (c, v) in ["江汉区", "赵六", "13700137000", "", "区填报员"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, c as u16, *v).expect("cell");
    }
    std::fs::write(&roster, workbook.save_to_buffer().expect("xlsx")).expect("roster");
    browser.open(&format!("{base}/accounts"));
    browser.choose_file("#roster-upload input[name=file]", &roster);
    browser.click("#roster-upload button");
    let handout = browser.source_with("账号分发表");
    assert!(handout.contains("已按名单创建 1 个账号"), "{handout}");
    let password = handout
        .split("class=\"password\"><code>")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .expect("the handout's one-time password")
        .to_string();
    browser.screenshot("handout");
    browser.resize(390, 844);
    assert!(!browser.overflows(), "the handout fits a phone's width");
    browser.resize(1366, 768);
    browser.log_out();
    // The contact signs in with it and must choose their own password first.
    browser.log_in("13700137000", &password);
    let _ = browser.source_with("新密码");
    browser.type_into("input[name=current]", &password);
    browser.type_into("input[name=new]", "江汉区联络员的密码-2021");
    browser.type_into("input[name=repeat]", "江汉区联络员的密码-2021");
    browser.click("form[action='/account/password'] button");
    browser.open(&format!("{base}/my"));
    let my = browser.source_with("我的任务");
    assert!(my.contains("举办成果对接活动"), "the new plan's task: {my}");
    browser.screenshot("new-reporter-my");
    browser.log_out();
}
