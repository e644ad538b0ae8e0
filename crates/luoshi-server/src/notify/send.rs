//! Sends what is due in the outbox: each message to its channel over HTTP(S) or by email,
//! marked sent, or retried later with back-off, or given up after the last attempt (then listed
//! for the office). Messages of a plan in its quiet hours wait.

use std::time::Duration;

use luoshi_store::Delivery;

use super::Moment;
use super::format::{self, Message};
use crate::AppState;

/// What one pass over the outbox did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SendRun {
    pub sent: usize,
    /// Failed this time, to be tried again.
    pub retrying: usize,
    /// Failed for the last time.
    pub given_up: usize,
    /// Left for after the quiet hours.
    pub held: usize,
}

/// The HTTP client every channel shares: short timeouts, no redirects (a robot's address is
/// used as configured).
pub fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("HTTP 客户端无法创建：{e}"))
}

/// Reads at most this much of a channel's answer.
const MAX_ANSWER: usize = 64 * 1024;

async fn send_http(
    client: &reqwest::Client,
    request: &format::Request,
) -> Result<(u16, String), String> {
    let method = if request.method == "GET" {
        reqwest::Method::GET
    } else {
        reqwest::Method::POST
    };
    let mut builder = client.request(method, &request.url);
    for (name, value) in &request.headers {
        builder = builder.header(*name, value);
    }
    if let Some(body) = &request.body {
        builder = builder.body(body.clone());
    }
    let mut response = builder.send().await.map_err(|e| format!("发送失败：{e}"))?;
    let status = response.status().as_u16();
    let mut answer = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| format!("应答读取失败：{e}"))?
    {
        let room = MAX_ANSWER.saturating_sub(answer.len());
        answer.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if answer.len() >= MAX_ANSWER {
            break;
        }
    }
    Ok((status, String::from_utf8_lossy(&answer).into_owned()))
}

/// Sends one message; `Err` says why it did not go.
async fn send_one(
    s: &AppState,
    client: &reqwest::Client,
    d: &Delivery,
    at: &Moment,
) -> Result<(), String> {
    let message: Message =
        serde_json::from_str(&d.message).map_err(|e| format!("消息无法读取：{e}"))?;
    match &d.channel {
        Some(channel) => {
            let request = format::request(channel, &d.recipient, &message, d.id, at.unix_ms);
            let (status, body) = send_http(client, &request).await?;
            format::accepted(channel.kind, status, &body)
        }
        None => match &s.mailer {
            Some(mailer) => {
                mailer
                    .send(
                        &d.recipient,
                        &message.unit,
                        &message.title,
                        &format!(
                            "{}：\n\n{}\n\n（{}）",
                            message.unit, message.text, message.plan
                        ),
                    )
                    .await
            }
            None => Err("未配置 SMTP，邮件无法发送".into()),
        },
    }
}

/// Sends every message due at `at` (at most `limit`), plan by plan outside its quiet hours.
pub async fn deliver_due(
    s: &AppState,
    client: &reqwest::Client,
    at: &Moment,
    limit: i64,
) -> Result<SendRun, crate::ApiError> {
    let mut run = SendRun::default();
    let mut quiet: std::collections::HashMap<i64, bool> = std::collections::HashMap::new();
    for d in s.store.due_deliveries(&at.utc, limit).await? {
        let hold = match quiet.get(&d.plan_id) {
            Some(q) => *q,
            None => {
                let q = s
                    .store
                    .reminder_rules(d.plan_id)
                    .await?
                    .quiet_at(at.beijing_minute);
                quiet.insert(d.plan_id, q);
                q
            }
        };
        if hold {
            run.held += 1;
            continue;
        }
        match send_one(s, client, &d, at).await {
            Ok(()) => {
                s.store.delivery_sent(d.id).await?;
                run.sent += 1;
            }
            Err(error) => match format::retry_after(d.attempts + 1) {
                Some(seconds) => {
                    s.store
                        .delivery_failed(d.id, &error, Some(&at.after(seconds)))
                        .await?;
                    run.retrying += 1;
                }
                None => {
                    s.store.delivery_failed(d.id, &error, None).await?;
                    run.given_up += 1;
                }
            },
        }
    }
    Ok(run)
}
