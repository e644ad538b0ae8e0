//! Automatic reminders through real channels: a receiver started on 127.0.0.1 stands in for a
//! generic webhook, a 企业微信 robot, a signed 钉钉 robot and an SMS gateway. Three days before
//! June's due day every unit still missing reports is reminded once — also across a restart in
//! the middle of a run — as is 江岸区 for its 督办单 and 批示; nothing goes out in the quiet
//! hours; each message reaches each channel once, with the exact payload and signature; a
//! failed one is retried after its back-off, one that keeps failing is given up and listed, and
//! the office sends it again.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode, Uri};
use common::app;
use luoshi_reporting::Day;
use luoshi_reporting::followup::Level;
use luoshi_server::notify::Moment;
use luoshi_server::notify::format::{dingtalk_sign, hmac_hex};
use luoshi_server::notify::scheduler::remind_once;
use luoshi_server::notify::send::{client, deliver_due};
use luoshi_store::{InstructedKind, InstructionKind, NewInstruction, NewOrder, Store, SubjectKind};
use serde_json::{Value, json};

#[derive(Debug, Clone)]
struct Received {
    path: String,
    query: String,
    headers: HeaderMap,
    body: String,
}

/// A receiver on 127.0.0.1 that records every request; `/hook` answers 500 to its first.
async fn receiver() -> (u16, Arc<Mutex<Vec<Received>>>) {
    let seen: Arc<Mutex<Vec<Received>>> = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: String| {
        let log = log.clone();
        async move {
            let mut log = log.lock().expect("log");
            let first_hook = uri.path() == "/hook" && !log.iter().any(|r| r.path == "/hook");
            log.push(Received {
                path: uri.path().to_string(),
                query: uri.query().unwrap_or_default().to_string(),
                headers,
                body,
            });
            match uri.path() {
                "/hook" if first_hook => (StatusCode::INTERNAL_SERVER_ERROR, "busy".to_string()),
                "/wecom" | "/ding" => {
                    (StatusCode::OK, r#"{"errcode":0,"errmsg":"ok"}"#.to_string())
                }
                _ => (StatusCode::OK, "OK".to_string()),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, seen)
}

/// Tomorrow (on the real clock, which stamps the outbox) at `hour`:00 Beijing time; the
/// ledger's day is fixed at 2021-06-22 apart from it.
fn at(hour: i64) -> Moment {
    let now = Moment::now().unix_ms / 1000;
    let beijing_midnight = (now + 8 * 3600).div_euclid(86_400) * 86_400 - 8 * 3600;
    Moment::at((beijing_midnight + 86_400 + hour * 3600) * 1000)
}

#[tokio::test]
async fn reminders_reach_every_channel_once_across_a_restart() {
    let mut app = app().await;
    app.state.today = Day::parse("2021-06-22");
    let store = app.state.store.clone();
    store
        .set_mobile("jiangan", Some("13800000000"), "测试")
        .await
        .expect("mobile");
    let (port, received) = receiver().await;
    let base = format!("http://127.0.0.1:{port}");
    let add = |body: Value| {
        let app = &app;
        async move {
            app.json(&app.office, "POST", "/api/plans/1/channels", body)
                .await
        }
    };
    for bad in [
        json!({ "kind": "webhook", "name": "x", "url": "ftp://x" }),
        json!({ "kind": "sms", "name": "x", "url": format!("{base}/sms?to={{phone}}") }),
        json!({ "kind": "wecom", "name": "x", "url": format!("{base}/w"), "unit": "火星局" }),
    ] {
        let (status, body) = add(bad).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
    for channel in [
        json!({ "kind": "webhook", "name": "办公室系统", "url": format!("{base}/hook"), "secret": "k3y" }),
        json!({ "kind": "dingtalk", "name": "督办群", "url": format!("{base}/ding?access_token=T"), "secret": "SEC" }),
        json!({ "kind": "wecom", "name": "江岸区群", "url": format!("{base}/wecom?key=K"), "unit": "江岸区人民政府" }),
        json!({ "kind": "sms", "name": "短信", "url": format!("{base}/sms?to={{phone}}&msg={{text}}"), "unit": "江岸区人民政府" }),
    ] {
        let (status, body) = add(channel).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(body.get("secret").is_none(), "secrets are never shown");
    }

    // 江岸区 also has a 督办单 due tomorrow and a 批示 due today.
    let jiangan = store
        .credentials("jiangan")
        .await
        .expect("credentials")
        .and_then(|c| c.principal.unit_id)
        .expect("江岸区's unit");
    let task = store.unit_receipts(jiangan).await.expect("receipts")[0].task_id;
    let today = Day::parse("2021-06-22").expect("day");
    let order = store
        .issue_order(
            1,
            &NewOrder {
                level: Level::Prompt,
                subject_kind: SubjectKind::Task,
                subject_id: task,
                unit: "江岸区人民政府".into(),
                period_key: "2021-05".into(),
                reason: "5 月未报送".into(),
                requirement: "补报".into(),
                due_on: "2021-06-23".into(),
            },
            today,
            "office",
        )
        .await
        .expect("order");
    store
        .write_instruction(
            1,
            &NewInstruction {
                subject_kind: InstructedKind::Task,
                subject_id: task,
                task_id: None,
                kind: InstructionKind::Instruction,
                leader: "张副市长".into(),
                text: "请加快。".into(),
                unit: Some("江岸区人民政府".into()),
                due_on: Some("2021-06-22".into()),
            },
            today,
            "leader",
        )
        .await
        .expect("instruction");
    let missing: usize = store
        .reporting_status(app.june)
        .await
        .expect("status")
        .iter()
        .filter(|u| !u.missing.is_empty())
        .count();
    assert!(missing > 10, "June is missing from many units: {missing}");
    let expected = missing + 2;

    // Quiet at 23:00; at 10:00 a run stops after two, the server restarts, the next run does
    // the rest and repeats none.
    let quiet = remind_once(&app.state, &at(23), 10_000).await.expect("run");
    assert_eq!((quiet.quiet, quiet.reminded), (1, 0));
    let first = remind_once(&app.state, &at(10), 2).await.expect("run");
    assert_eq!(first.reminded, 2);
    let mut restarted = app.state.clone();
    restarted.store = Store::open(&app.database).await.expect("reopened");
    let rest = remind_once(&restarted, &at(10), 10_000).await.expect("run");
    assert_eq!((rest.reminded, rest.already_sent), (expected - 2, 2));
    let again = remind_once(&restarted, &at(11), 10_000).await.expect("run");
    assert_eq!((again.reminded, again.already_sent), (0, expected));
    let (_, recorded) = app
        .json(&app.office, "GET", "/api/plans/1/reminders", Value::Null)
        .await;
    let recorded = recorded.as_array().expect("a list").clone();
    assert_eq!(recorded.len(), expected);
    assert!(
        recorded
            .iter()
            .any(|r| r["rule"] == format!("order:{}:before1", order.id))
    );
    assert!(recorded.iter().any(|r| {
        r["rule"]
            .as_str()
            .is_some_and(|k| k.starts_with("instruction:") && k.ends_with(":due"))
    }));
    let notices = store.notices(jiangan).await.expect("notices");
    assert!(
        notices.iter().any(|n| n
            .text
            .starts_with("【自动提醒】2021年6月工作进展还有 3 天截止（2021-06-25）")),
        "{notices:?}"
    );

    // Sent: the webhook's first attempt fails and waits its minute; nothing at night.
    let client = client().expect("client");
    let night = deliver_due(&restarted, &client, &at(23), 10_000)
        .await
        .expect("send");
    assert_eq!((night.sent, night.held), (0, 2 * expected + 6));
    let day = deliver_due(&restarted, &client, &at(10), 10_000)
        .await
        .expect("send");
    // Per reminder: the webhook and 钉钉 (plan-wide); 江岸区's three: 企业微信 and SMS as well.
    assert_eq!((day.sent, day.retrying), (2 * expected + 6 - 1, 1));
    let soon = deliver_due(&restarted, &client, &at(10), 10_000)
        .await
        .expect("send");
    assert_eq!(soon.sent, 0, "the retry waits for its back-off");
    let later = Moment::at(at(10).unix_ms + 61_000);
    let retried = deliver_due(&restarted, &client, &later, 10_000)
        .await
        .expect("send");
    assert_eq!(retried.sent, 1);

    let seen = received.lock().expect("log").clone();
    let of = |path: &str| {
        seen.iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect::<Vec<_>>()
    };
    let hooks = of("/hook");
    assert_eq!(hooks.len(), expected + 1, "one retried");
    let mut ids: Vec<String> = hooks
        .iter()
        .map(|r| {
            r.headers["x-luoshi-delivery"]
                .to_str()
                .expect("id")
                .to_string()
        })
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), expected, "each message once (and its retry)");
    for r in &hooks {
        assert_eq!(
            r.headers["x-luoshi-signature"].to_str().expect("signature"),
            format!("sha256={}", hmac_hex("k3y", &r.body))
        );
        let body: Value = serde_json::from_str(&r.body).expect("JSON");
        assert_eq!(body["event"], "reminder");
        assert_eq!(body["plan_id"], 1);
    }
    let dings = of("/ding");
    assert_eq!(dings.len(), expected);
    for r in &dings {
        let query: Vec<(&str, &str)> = r
            .query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .collect();
        let get = |k: &str| query.iter().find(|(n, _)| *n == k).map(|(_, v)| *v);
        assert_eq!(get("access_token"), Some("T"));
        let ts: i64 = get("timestamp")
            .and_then(|t| t.parse().ok())
            .expect("timestamp");
        assert_eq!(get("sign"), Some(dingtalk_sign("SEC", ts).as_str()));
        let body: Value = serde_json::from_str(&r.body).expect("JSON");
        assert_eq!(body["msgtype"], "text");
    }
    let wecom = of("/wecom");
    assert_eq!(wecom.len(), 3, "江岸区's report, order and instruction");
    let contents: Vec<String> = wecom
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_str(&r.body).expect("JSON");
            body["text"]["content"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        contents.contains(&format!(
            "【督办提醒】\n江岸区人民政府：{}（提示）还有 1 天截止（2021-06-23），请及时签收并反馈整改措施。",
            order.number_label()
        )),
        "{contents:?}"
    );
    let sms = of("/sms");
    assert_eq!(sms.len(), 3);
    assert!(
        sms.iter()
            .all(|r| r.query.starts_with("to=13800000000&msg=%E3%80%90"))
    );

    // A channel that cannot be reached is tried six times, then given up and listed; the
    // office sends it again. A 催报 by hand goes to the channels too.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dead_port = dead.local_addr().expect("addr").port();
    drop(dead);
    let (status, body) = add(json!({ "kind": "webhook", "name": "旧系统",
        "url": format!("http://127.0.0.1:{dead_port}/gone"), "unit": "江岸区人民政府" }))
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = app
        .json(
            &app.office,
            "POST",
            &format!("/api/periods/{}/reminders", app.june),
            json!({ "units": ["江岸区"] }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut moment = later;
    let mut given_up = 0;
    for _ in 0..8 {
        moment = Moment::at(moment.unix_ms + 7 * 3600 * 1000);
        // Passes at night hold everything; move to the next 10:00 when quiet.
        if restarted
            .store
            .reminder_rules(1)
            .await
            .expect("rules")
            .quiet_at(moment.beijing_minute)
        {
            moment = Moment::at(moment.unix_ms + 10 * 3600 * 1000);
        }
        given_up += deliver_due(&restarted, &client, &moment, 10_000)
            .await
            .expect("send")
            .given_up;
    }
    assert_eq!(given_up, 1);
    let (_, failed) = app
        .json(
            &app.office,
            "GET",
            "/api/plans/1/deliveries?state=failed",
            Value::Null,
        )
        .await;
    let failed = failed.as_array().expect("a list").clone();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0]["attempts"], 6);
    assert!(
        failed[0]["last_error"]
            .as_str()
            .is_some_and(|e| e.contains("发送失败"))
    );
    let id = failed[0]["id"].as_i64().expect("id");
    let (status, _) = app
        .json(
            &app.office,
            "POST",
            &format!("/api/plans/1/deliveries/{id}/retry"),
            Value::Null,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, pending) = app
        .json(
            &app.office,
            "GET",
            "/api/plans/1/deliveries?state=pending",
            Value::Null,
        )
        .await;
    assert_eq!(pending.as_array().map(Vec::len), Some(1));
    let by_hand = received
        .lock()
        .expect("log")
        .iter()
        .filter(|r| r.path == "/wecom" && r.body.contains("【催报】2021年6月工作进展"))
        .count();
    assert_eq!(by_hand, 1, "the 催报 reached 江岸区's robot");
}
