//! Monthly reporting through the JSON API: save, conflict, submit, review, upload, reminders,
//! attachments — and bad input that is refused with its place named and nothing changed.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use luoshi_export::report_sheet::{read_report_sheet, write_report_sheet};
use luoshi_reporting::Day;
use serde_json::{Value, json};
use tower::ServiceExt;

mod common;

use common::*;

#[tokio::test]
async fn save_conflict_submit_and_review_over_http() {
    let app = app().await;
    let june = app.june;
    let (status, mine) = app
        .json(
            &app.jiangan,
            "GET",
            &format!("/api/periods/{june}/my-reports"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let form = mine
        .as_array()
        .and_then(|m| {
            m.iter()
                .find(|r| !r["targets"].as_array().is_some_and(Vec::is_empty))
        })
        .expect("a form with targets")
        .clone();
    assert_eq!(form["status"], Value::Null);
    let a = form["assignment_id"].as_i64().expect("id");
    let target = form["targets"][0]["target_id"].as_i64().expect("target");
    let uri = format!("/api/periods/{june}/assignments/{a}/report");
    let (status, saved) = app.json(&app.jiangan, "PUT", &uri, json!({ "version": 0, "progress": "第一稿", "values": [{ "target_id": target, "value": 2 }] })).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(
        (saved["status"].as_str(), saved["version"].as_i64()),
        (Some("draft"), Some(1))
    );
    // A second editor working from version 0 is refused with 409; the first draft stands.
    let (status, refused) = app
        .json(
            &app.office,
            "PUT",
            &uri,
            json!({ "version": 0, "progress": "办公室改的" }),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert!(
        refused["error"]
            .as_str()
            .is_some_and(|e| e.contains("第 1 版")),
        "{refused}"
    );
    let (_, now) = app.json(&app.jiangan, "GET", &uri, Value::Null).await;
    assert_eq!(now["progress"], "第一稿");
    // A value that is not a number is a 400 naming the field; a negative one a 422.
    let (status, bad) = app
        .json(
            &app.jiangan,
            "PUT",
            &uri,
            json!({ "version": 1, "values": [{ "target_id": target, "value": "三" }] }),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    let (status, bad) = app
        .json(
            &app.jiangan,
            "PUT",
            &uri,
            json!({ "version": 1, "values": [{ "target_id": target, "value": -3 }] }),
        )
        .await;
    assert_eq!(
        (status, bad["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("values[0]")),
        "{bad}"
    );
    let (status, submitted) = app.json(&app.jiangan, "PUT", &uri, json!({ "version": 1, "progress": "第一稿", "values": [{ "target_id": target, "value": 2 }], "submit": true })).await;
    assert_eq!(
        (status, submitted["status"].as_str()),
        (StatusCode::OK, Some("submitted")),
        "{submitted}"
    );
    let (status, returned) = app
        .json(
            &app.office,
            "POST",
            &format!("/api/periods/{june}/assignments/{a}/review"),
            json!({ "version": 2, "accept": false, "comment": "数字有误" }),
        )
        .await;
    assert_eq!(
        (status, returned["status"].as_str()),
        (StatusCode::OK, Some("returned")),
        "{returned}"
    );
    // Reminders go to every unit with missing reports; 江岸区 reads its notice.
    let (status, sent) = app
        .json(
            &app.office,
            "POST",
            &format!("/api/periods/{june}/reminders"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert!(
        sent["units"]
            .as_array()
            .is_some_and(|u| u.iter().any(|u| u == "江岸区人民政府")),
        "{sent}"
    );
    let (_, notices) = app
        .json(&app.jiangan, "GET", "/api/notices", Value::Null)
        .await;
    assert!(
        notices[0]["text"]
            .as_str()
            .is_some_and(|t| t.contains("2021-06-25")),
        "{notices}"
    );
    let (status, missing) = app
        .json(
            &app.office,
            "GET",
            &format!("/api/periods/{june}/reporting-status"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let row = missing
        .as_array()
        .and_then(|m| m.iter().find(|u| u["unit"] == "江岸区人民政府"))
        .expect("江岸区");
    assert_eq!(row["returned"], 1);
}

#[tokio::test]
async fn the_sheet_round_trips_and_bad_sheets_change_nothing() {
    let app = app().await;
    let june = app.june;
    let (status, sheet) = app
        .call(
            &app.jiangan,
            "GET",
            &format!("/api/periods/{june}/template.xlsx"),
            Body::empty(),
            "",
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (info, lines) = read_report_sheet(&sheet).expect("our own sheet reads back");
    assert_eq!(info.period_key, "2021-06");
    assert_eq!(info.unit, "江岸区人民政府");
    assert!(lines.len() >= 5);
    let upload = |bytes: Vec<u8>, submit: bool| {
        let uri = format!("/api/periods/{june}/upload?submit={submit}");
        let token = app.jiangan.clone();
        let app = &app;
        async move {
            app.call(
                &token,
                "POST",
                &uri,
                Body::from(bytes),
                "application/octet-stream",
            )
            .await
        }
    };
    let audit_len = || async {
        app.state
            .store
            .audit_log(1_000_000)
            .await
            .expect("audit")
            .len()
    };
    let before = audit_len().await;

    // Rows filled in, one of them for a target of another task: refused whole, naming the row.
    let mut filled: Vec<_> = lines.iter().map(|l| l.line.clone()).collect();
    // The tasks whose lead must give 本月进展 (no numeric target at all).
    let (_, forms) = app
        .json(
            &app.jiangan,
            "GET",
            &format!("/api/periods/{june}/my-reports"),
            Value::Null,
        )
        .await;
    let asked: Vec<String> = forms
        .as_array()
        .expect("forms")
        .iter()
        .filter(|f| f["asks_status"] == true)
        .filter_map(|f| f["task_path"].as_str().map(str::to_string))
        .collect();
    assert!(!asked.is_empty(), "江岸区 leads tasks without a number");
    for line in filled.iter_mut() {
        line.progress = format!("{} 按计划推进", line.task_path);
        if line.target_id.is_some() {
            line.value = Some(1.0);
        }
        if asked.contains(&line.task_path) && line.role == "牵头" {
            line.confirmation = "按计划推进".into();
        }
    }
    let mut wrong = filled.clone();
    let target_row = wrong
        .iter()
        .position(|l| l.target_id.is_some())
        .expect("a target row");
    wrong[target_row].target_id = Some(999_999);
    let (status, body) = upload(write_report_sheet(&info, &wrong).expect("xlsx"), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = serde_json::from_slice(&body).expect("json");
    let message = body["error"].as_str().unwrap_or_default();
    assert!(
        message.starts_with(&format!(
            "第 {} 行 D 列（指标编号）：指标 999999 不属于任务",
            target_row + 2
        )),
        "{message}"
    );
    let mut unknown = filled.clone();
    unknown[0].task_path = "九.（九）.9".into();
    let (status, body) = upload(write_report_sheet(&info, &unknown).expect("xlsx"), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        String::from_utf8_lossy(&body)
            .contains("第 2 行 A 列（任务编号）：任务「九.（九）.9」不在本单位本期的清单中")
    );
    let mut other_period = info.clone();
    other_period.period_key = "2021-05".into();
    let (status, body) = upload(
        write_report_sheet(&other_period, &filled).expect("xlsx"),
        true,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(String::from_utf8_lossy(&body).contains("这是 2021-05 的填报表"));
    let (status, body) = upload(vec![0x55; 6 * 1024 * 1024], true).await;
    assert_eq!(
        status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let (status, _) = upload(b"PK\x03\x04 junk".to_vec(), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // The attack's reproductions: the template with a cell at the grid's end, or a string table
    // declaring 10^11 or 2^64−1 entries. Refused with the part named; the server stays up.
    let crafted = [
        (
            "xl/worksheets/sheet1.xml",
            "</sheetData>",
            r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#,
        ),
        (
            "xl/sharedStrings.xml",
            "uniqueCount=\"",
            "uniqueCount=\"100000000000\" x=\"",
        ),
        (
            "xl/sharedStrings.xml",
            "uniqueCount=\"",
            "uniqueCount=\"18446744073709551615\" x=\"",
        ),
    ];
    for (part, from, to) in crafted {
        let bytes = edit_part(&sheet, part, |xml| xml.replacen(from, to, 1));
        let (status, body) = upload(bytes, true).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{part} {to}");
        let body = String::from_utf8_lossy(&body);
        assert!(body.contains(part), "{body}");
    }
    assert_eq!(
        audit_len().await,
        before,
        "nothing of the refused uploads was stored"
    );

    // 本月进展 takes only its three words, named by row and column.
    let mut bad_word = filled.clone();
    if let Some(l) = bad_word.iter_mut().find(|l| !l.confirmation.is_empty()) {
        l.confirmation = "差不多".into();
    }
    let (status, body) = upload(write_report_sheet(&info, &bad_word).expect("xlsx"), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = String::from_utf8_lossy(&body);
    assert!(
        body.contains("O 列（本月进展）") && body.contains("「差不多」不是可填的本月进展"),
        "{body}"
    );
    assert_eq!(audit_len().await, before);

    // The good sheet submits every report at once.
    let (status, body) = upload(write_report_sheet(&info, &filled).expect("xlsx"), true).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    let saved: Value = serde_json::from_slice(&body).expect("json");
    let (_, mine) = app
        .json(
            &app.jiangan,
            "GET",
            &format!("/api/periods/{june}/my-reports"),
            Value::Null,
        )
        .await;
    let mine = mine.as_array().expect("reports");
    assert_eq!(saved["reports"].as_u64(), Some(mine.len() as u64));
    assert!(
        mine.iter().all(|r| r["status"] == "submitted"),
        "all submitted"
    );
    // The same sheet again: the submitted reports are skipped as unchanged, and with nothing
    // left to save the upload says so.
    let (status, _) = upload(write_report_sheet(&info, &filled).expect("xlsx"), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn attachments_are_checked_and_served_as_downloads() {
    let app = app().await;
    let june = app.june;
    let (_, mine) = app
        .json(
            &app.jiangan,
            "GET",
            &format!("/api/periods/{june}/my-reports"),
            Value::Null,
        )
        .await;
    let a = mine[0]["assignment_id"].as_i64().expect("assignment");
    let base = format!("/api/periods/{june}/assignments/{a}");
    let (status, _) = app
        .call(
            &app.jiangan,
            "POST",
            &format!("{base}/attachments?filename=a.pdf"),
            Body::from("%PDF-1.4"),
            "application/pdf",
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "save the report first");
    app.json(
        &app.jiangan,
        "PUT",
        &format!("{base}/report"),
        json!({ "version": 0 }),
    )
    .await;
    let (status, body) = app
        .call(
            &app.jiangan,
            "POST",
            &format!("{base}/attachments?filename=evil.pdf"),
            Body::from(&b"MZ\x90\x00"[..]),
            "application/pdf",
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let (status, _) = app
        .call(
            &app.jiangan,
            "POST",
            &format!("{base}/attachments?filename=big.pdf"),
            Body::from(vec![b'%'; 11 * 1024 * 1024]),
            "application/pdf",
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, body) = app
        .call(
            &app.jiangan,
            "POST",
            &format!("{base}/attachments?filename=..%2F..%2F%E8%BF%9B%E5%B1%95.pdf"),
            Body::from("%PDF-1.7 report"),
            "application/pdf",
        )
        .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let id = serde_json::from_slice::<Value>(&body).expect("json")["id"]
        .as_i64()
        .expect("id");
    let request = Request::builder()
        .uri(format!("/api/attachments/{id}"))
        .header(header::AUTHORIZATION, format!("Bearer {}", app.jiangan))
        .body(Body::empty())
        .expect("request");
    let response = luoshi_server::router(app.state.clone())
        .oneshot(request)
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert_eq!(
        headers
            .get(header::X_CONTENT_TYPE_OPTIONS)
            .and_then(|v| v.to_str().ok()),
        Some("nosniff")
    );
    let disposition = headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        disposition.starts_with("attachment;") && !disposition.contains(".."),
        "{disposition}"
    );
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    assert_eq!(&bytes[..], b"%PDF-1.7 report");

    // A quota per report: ten files.
    let attach = |name: String| {
        let app = &app;
        let uri = format!("{base}/attachments?filename={name}");
        async move {
            app.call(
                &app.jiangan,
                "POST",
                &uri,
                Body::from("%PDF-1.7 more"),
                "application/pdf",
            )
            .await
        }
    };
    for i in 2..=10 {
        let (status, _) = attach(format!("p{i}.pdf")).await;
        assert_eq!(status, StatusCode::CREATED, "file {i}");
    }
    let (status, body) = attach("p11.pdf".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(String::from_utf8_lossy(&body).contains("最多 10 个附件"));
    // Nothing can be added once the period has closed, nor to a report already submitted.
    let report_id = app
        .state
        .store
        .report(june, a)
        .await
        .expect("report")
        .id
        .expect("saved");
    let closed = app
        .state
        .store
        .add_attachment(
            report_id,
            "late.pdf",
            "application/pdf",
            b"%PDF-1.7",
            luoshi_reporting::Day::parse("2021-12-31").expect("day"),
            "江岸区",
        )
        .await;
    assert!(
        matches!(&closed, Err(luoshi_store::StoreError::Conflict(m)) if m.contains("不能再添加附件")),
        "{closed:?}"
    );
    let version = app
        .state
        .store
        .report(june, a)
        .await
        .expect("report")
        .version;
    let (status, _) = app
        .json(
            &app.jiangan,
            "PUT",
            &format!("{base}/report"),
            json!({ "version": version, "submit": true, "progress": "已完成" }),
        )
        .await;
    assert!(status.is_success(), "{status}");
    let (status, body) = attach("after.pdf".into()).await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "{}",
        String::from_utf8_lossy(&body)
    );
}

/// A minimal SMTP server that accepts every message and hands over what it received.
async fn fake_smtp() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (sent, received) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let sent = sent.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read);
                let mut transcript = String::new();
                let _ = write.write_all(b"220 fake ESMTP\r\n").await;
                let mut in_data = false;
                let mut line = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await.unwrap_or(0) == 0 {
                        break;
                    }
                    transcript.push_str(&line);
                    let reply: &[u8] = if in_data {
                        if line == ".\r\n" {
                            in_data = false;
                            b"250 queued\r\n"
                        } else {
                            continue;
                        }
                    } else {
                        let upper = line.to_ascii_uppercase();
                        if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                            b"250 fake\r\n"
                        } else if upper.starts_with("DATA") {
                            in_data = true;
                            b"354 go on\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 ok\r\n"
                        }
                    };
                    let _ = write.write_all(reply).await;
                }
                let _ = sent.send(transcript);
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn reminders_go_by_email_when_smtp_is_configured() {
    let mut app = app().await;
    let june = app.june;
    app.state
        .store
        .set_email("jiangan", Some("jiangan-kjj@wuhan.gov.cn"), "测试")
        .await
        .expect("email");
    let e = app
        .state
        .store
        .set_email("jiangan", Some("not an address"), "测试")
        .await
        .expect_err("bad address");
    assert!(e.to_string().contains("不是有效的邮箱地址"), "{e}");
    let (port, mut received) = fake_smtp().await;
    let mailer = luoshi_server::mail::Mailer::new(
        &format!("smtp://127.0.0.1:{port}"),
        "协调办公室 <office@wuhan.gov.cn>",
    )
    .expect("mailer");
    app.state.mailer = Some(Arc::new(mailer));
    let (status, sent) = app
        .json(
            &app.office,
            "POST",
            &format!("/api/periods/{june}/reminders"),
            json!({ "units": ["江岸区"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(
        (
            sent["emailed"].as_u64(),
            sent["email_failures"].as_array().map(Vec::len)
        ),
        (Some(1), Some(0)),
        "{sent}"
    );
    let transcript = tokio::time::timeout(std::time::Duration::from_secs(10), received.recv())
        .await
        .expect("in time")
        .expect("a message");
    assert!(
        transcript.contains("RCPT TO:<jiangan-kjj@wuhan.gov.cn>"),
        "{transcript}"
    );
    assert!(
        transcript.contains("MAIL FROM:<office@wuhan.gov.cn>"),
        "{transcript}"
    );
    assert!(transcript.contains("Subject:"), "{transcript}");

    // A relay that is not there: the in-app notice still goes out and the failure is reported.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let mailer = luoshi_server::mail::Mailer::new(
        &format!("smtp://127.0.0.1:{closed}"),
        "office@wuhan.gov.cn",
    )
    .expect("mailer");
    app.state.mailer = Some(Arc::new(mailer));
    let (status, sent) = app
        .json(
            &app.office,
            "POST",
            &format!("/api/periods/{june}/reminders"),
            json!({ "units": ["江岸区"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{sent}");
    assert_eq!(sent["emailed"], 0);
    assert!(
        sent["email_failures"][0]
            .as_str()
            .is_some_and(|f| f.contains("jiangan-kjj@wuhan.gov.cn")),
        "{sent}"
    );
    let (_, notices) = app
        .json(&app.jiangan, "GET", "/api/notices", Value::Null)
        .await;
    assert_eq!(notices.as_array().map(Vec::len), Some(2));
    assert!(luoshi_server::mail::Mailer::new("ftp://x", "a@b.cn").is_err());
    assert!(luoshi_server::mail::Mailer::new("smtp://x", "不是地址").is_err());
}

/// The plan's standing as JSON: 市科技局's June report of 760 of 2,000 enterprises makes that
/// target 滞后 (38 % against 50 %), with its warning, and its task and lead unit at least as bad;
/// the indicator stating the same number can be re-linked and given entered figures over the API.
#[tokio::test]
async fn the_plans_standing_and_its_indicators_over_the_api() {
    let app = app().await;
    let store = &app.state.store;
    let snapshot = store.snapshot(1).await.expect("snapshot");
    let target = snapshot
        .targets
        .iter()
        .find(|t| t.text.contains("新增高新技术企业") && t.value == 2000.0)
        .expect("target");
    let lead = snapshot
        .assignments
        .iter()
        .find(|a| a.task_id == target.task_id && a.role == "lead")
        .expect("lead");
    store
        .save_report(
            app.june,
            lead.id,
            &luoshi_store::ReportInput {
                values: vec![luoshi_store::ValueInput {
                    target_id: target.id,
                    value: 760.0,
                    note: None,
                    confirmed: false,
                }],
                ..Default::default()
            },
            luoshi_reporting::report::ReportAction::Submit,
            Day::parse("2021-06-20").expect("day"),
            &lead.unit,
        )
        .await
        .expect("report");

    let (status, body) = app
        .json(&app.jiangan, "GET", "/api/plans/1/standing", Value::Null)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["period"], "2021-06");
    let line = body["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .find(|t| t["target_id"] == target.id)
        .expect("the target");
    assert_eq!(line["evaluation"]["status"], "lagging");
    assert_eq!(line["actual"], 760.0);
    assert_eq!(
        line["warning"],
        "按当前进度，年底预计完成 1,520家，缺口 480家"
    );
    let task = body["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .find(|t| t["of"].as_str().and_then(|id| id.parse().ok()) == Some(target.task_id))
        .expect("the task");
    assert_ne!(task["status"], "on_pace");
    assert!(
        body["units"]
            .as_array()
            .expect("units")
            .iter()
            .any(|u| u["of"] == lead.unit.as_str())
    );
    let counted: u64 = body["counts"]
        .as_array()
        .expect("counts")
        .iter()
        .map(|c| c["count"].as_u64().unwrap_or(0))
        .sum();
    assert!(counted > 0);
    for bad in ["2021-Q2", "2030-01"] {
        let (status, _) = app
            .json(
                &app.office,
                "GET",
                &format!("/api/plans/1/standing?period={bad}"),
                Value::Null,
            )
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{bad}");
    }

    let indicators = store.indicators(1).await.expect("indicators");
    let first = indicators[0].id;
    let (status, body) = app
        .json(
            &app.office,
            "PUT",
            &format!("/api/indicators/{first}/source"),
            json!({ "source": "entered" }),
        )
        .await;
    assert_eq!(
        (status, body),
        (StatusCode::OK, json!({ "source": "entered" }))
    );
    let (status, _) = app
        .json(
            &app.office,
            "PUT",
            &format!("/api/indicators/{first}/values"),
            json!({ "month": 6, "value": 10.5 }),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, body) = app
        .json(
            &app.office,
            "PUT",
            &format!("/api/indicators/{first}/values"),
            json!({ "month": 13, "value": 1 }),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = app
        .json(
            &app.jiangan,
            "PUT",
            &format!("/api/indicators/{first}/source"),
            json!({ "source": "auto" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, listed) = app
        .json(&app.office, "GET", "/api/plans/1/indicators", Value::Null)
        .await;
    assert_eq!(listed[0]["source"], "entered");
    assert_eq!(listed[0]["entered"], json!([[6, 10.5]]));
}

/// `bytes` (an xlsx) with one part's XML edited.
fn edit_part(bytes: &[u8], name: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).expect("entry");
        let entry_name = entry.name().expect("name").into_owned();
        let mut data = Vec::new();
        entry.read_to_end(&mut data).expect("inflate");
        if entry_name == name {
            data = edit(&String::from_utf8(data).expect("xml")).into_bytes();
        }
        out.start_file(entry_name, zip::write::SimpleFileOptions::default())
            .expect("start");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("zip").into_inner()
}

#[tokio::test]
async fn tokens_are_listed_and_revoked_one_by_one() {
    let app = app().await;
    let (status, issued) = app
        .json(
            &app.jiangan,
            "POST",
            "/api/tokens",
            json!({ "label": "区平台对接", "days": 30 }),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{issued}");
    let second = issued["token"].as_str().expect("token").to_string();
    for days in [0, 3651, -1] {
        let (status, body) = app
            .json(
                &app.jiangan,
                "POST",
                "/api/tokens",
                json!({ "label": "x", "days": days }),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{days}: {body}");
        assert_eq!(body["field"], "days");
    }
    let (status, listed) = app.json(&second, "GET", "/api/tokens", Value::Null).await;
    assert_eq!(status, StatusCode::OK);
    let listed = listed.as_array().expect("list").clone();
    assert_eq!(listed.len(), 2, "{listed:?}");
    assert!(
        listed.iter().all(|t| t.get("token").is_none()),
        "secrets are never listed"
    );
    let labels: Vec<&str> = listed.iter().filter_map(|t| t["label"].as_str()).collect();
    assert_eq!(labels, ["区平台对接", "tests"]);
    let first_id = listed[1]["id"].as_i64().expect("id");
    // Another user cannot revoke it; its owner can, and then it no longer works.
    let (status, _) = app
        .json(
            &app.office,
            "DELETE",
            &format!("/api/tokens/{first_id}"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = app
        .json(
            &second,
            "DELETE",
            &format!("/api/tokens/{first_id}"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = app.json(&app.jiangan, "GET", "/api/me", Value::Null).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the revoked token is dead"
    );
    let (status, _) = app.json(&second, "GET", "/api/me", Value::Null).await;
    assert_eq!(status, StatusCode::OK, "the other token lives on");
    let log = app.state.store.audit_log(1).await.expect("log");
    assert_eq!(log[0].action, "revoke_token");
}
