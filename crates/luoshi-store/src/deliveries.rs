//! Channels and the outbox. A plan's channels (generic webhook, 企业微信 or 钉钉 robot, SMS
//! gateway), for all its messages or one unit's; every message to every channel waits in the
//! outbox until sent, is retried on failure at the times the sender chooses, and is listed when
//! given up. The outbox's own bookkeeping is not audited (the reminder it carries is).

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

/// How a channel is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// A JSON POST signed with HMAC-SHA256 over the body.
    Webhook,
    /// A 企业微信 group robot.
    Wecom,
    /// A 钉钉 custom robot (signed mode when it has a secret).
    Dingtalk,
    /// An SMS gateway called by URL template, once per mobile.
    Sms,
}

impl ChannelKind {
    pub const ALL: [ChannelKind; 4] = [
        ChannelKind::Webhook,
        ChannelKind::Wecom,
        ChannelKind::Dingtalk,
        ChannelKind::Sms,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChannelKind::Webhook => "webhook",
            ChannelKind::Wecom => "wecom",
            ChannelKind::Dingtalk => "dingtalk",
            ChannelKind::Sms => "sms",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChannelKind::Webhook => "通用 Webhook",
            ChannelKind::Wecom => "企业微信群机器人",
            ChannelKind::Dingtalk => "钉钉自定义机器人",
            ChannelKind::Sms => "短信网关",
        }
    }

    pub fn parse(text: &str) -> Option<ChannelKind> {
        ChannelKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A channel as the office configures it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NewChannel {
    pub kind: ChannelKind,
    pub name: String,
    /// The address; for SMS a template with `{phone}` and `{text}` (URL-encoded there).
    pub url: String,
    /// The webhook's HMAC key, or 钉钉's signing secret (加签); empty for none.
    #[serde(default)]
    pub secret: String,
    /// For SMS: a JSON body template (`{phone}`, `{text}` JSON-escaped), POSTed; empty: GET.
    #[serde(default)]
    pub body_template: String,
    /// The unit whose messages it carries; none: every message of the plan.
    #[serde(default)]
    pub unit: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Channel {
    pub id: i64,
    pub plan_id: i64,
    pub unit_id: Option<i64>,
    pub unit: Option<String>,
    pub kind: ChannelKind,
    pub name: String,
    pub url: String,
    /// Never shown: only whether there is one.
    #[serde(skip)]
    pub secret: String,
    pub has_secret: bool,
    pub body_template: String,
    pub created_by: String,
    pub created_at: String,
}

/// One message to one channel (or email address) in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Delivery {
    pub id: i64,
    pub plan_id: i64,
    /// `None`: an email to `recipient`.
    pub channel: Option<Channel>,
    pub reminder_id: Option<i64>,
    /// The mobile (SMS) or email address; empty for a robot or webhook.
    pub recipient: String,
    /// The message as JSON (see the server's channel formats).
    pub message: String,
    /// `pending`, `sent` or `failed` (given up).
    pub state: String,
    pub attempts: i64,
    pub next_attempt_at: String,
    pub last_error: Option<String>,
    pub sent_at: Option<String>,
    pub created_at: String,
}

const CHANNEL_SELECT: &str = "SELECT c.*, u.name AS unit_name FROM notification_channels c LEFT JOIN units u ON u.id = c.unit_id";

fn channel_row(r: &AnyRow) -> Result<Channel> {
    let kind: String = r.try_get("kind")?;
    let secret: String = r.try_get("secret")?;
    Ok(Channel {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        unit_id: r.try_get("unit_id")?,
        unit: r.try_get("unit_name")?,
        kind: ChannelKind::parse(&kind)
            .ok_or_else(|| StoreError::Seal(format!("通知渠道类型「{kind}」无法识别")))?,
        name: r.try_get("name")?,
        url: r.try_get("url")?,
        has_secret: !secret.is_empty(),
        secret,
        body_template: r.try_get("body_template")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The longest address or template, in characters.
const MAX_ADDRESS: usize = 2000;

fn check_channel(c: &NewChannel) -> Result<()> {
    crate::required_text("name", "渠道名称", &c.name, 50)?;
    let url = c.url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(StoreError::invalid(
            "url",
            "地址应以 https:// 或 http:// 开头",
        ));
    }
    if url.chars().count() > MAX_ADDRESS || c.body_template.chars().count() > MAX_ADDRESS {
        return Err(StoreError::invalid("url", "地址或模板过长"));
    }
    if c.secret.chars().count() > 200 {
        return Err(StoreError::invalid("secret", "密钥过长（至多 200 个字符）"));
    }
    if c.kind == ChannelKind::Sms {
        let both = format!("{url}{}", c.body_template);
        if !both.contains("{phone}") || !both.contains("{text}") {
            return Err(StoreError::invalid(
                "url",
                "短信网关的地址或请求体模板须含 {phone} 和 {text}",
            ));
        }
        if !c.body_template.trim().is_empty()
            && serde_json::from_str::<serde_json::Value>(
                &c.body_template.replace("{phone}", "").replace("{text}", ""),
            )
            .is_err()
        {
            return Err(StoreError::invalid(
                "body_template",
                "请求体模板应为 JSON（{phone}、{text} 写在字符串里）",
            ));
        }
    }
    Ok(())
}

fn delivery_row(r: &AnyRow, channels: &[Channel]) -> Result<Delivery> {
    let channel_id: Option<i64> = r.try_get("channel_id")?;
    Ok(Delivery {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        channel: channel_id.and_then(|id| channels.iter().find(|c| c.id == id).cloned()),
        reminder_id: r.try_get("reminder_id")?,
        recipient: r.try_get("recipient")?,
        message: r.try_get("message")?,
        state: r.try_get("state")?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        last_error: r.try_get("last_error")?,
        sent_at: r.try_get("sent_at")?,
        created_at: r.try_get("created_at")?,
    })
}

/// Queues `message` for every channel of the plan that carries `unit_id`'s messages (SMS: per
/// mobile of the unit's accounts) and, when `email`, per email address of its accounts — inside
/// the caller's transaction. Returns how many were queued.
pub(crate) async fn enqueue_in(
    conn: &mut AnyConnection,
    plan_id: i64,
    unit_id: i64,
    reminder_id: Option<i64>,
    message: &serde_json::Value,
    email: bool,
    at: &str,
) -> Result<usize> {
    let channels = sqlx::query(
        "SELECT id, kind FROM notification_channels WHERE plan_id = $1 AND (unit_id IS NULL OR unit_id = $2) ORDER BY id",
    )
    .bind(plan_id)
    .bind(unit_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut targets: Vec<(Option<i64>, String)> = Vec::new();
    for c in &channels {
        let id: i64 = c.try_get("id")?;
        if c.try_get::<String, _>("kind")? == "sms" {
            let phones = sqlx::query("SELECT m.mobile FROM user_mobiles m JOIN users u ON u.id = m.user_id WHERE u.unit_id = $1 AND u.disabled = 0 ORDER BY u.id")
                .bind(unit_id)
                .fetch_all(&mut *conn)
                .await?;
            for p in phones {
                targets.push((Some(id), p.try_get("mobile")?));
            }
        } else {
            targets.push((Some(id), String::new()));
        }
    }
    if email {
        let addresses = sqlx::query("SELECT email FROM users WHERE unit_id = $1 AND disabled = 0 AND email IS NOT NULL ORDER BY id")
            .bind(unit_id)
            .fetch_all(&mut *conn)
            .await?;
        for a in addresses {
            targets.push((None, a.try_get("email")?));
        }
    }
    let message = message.to_string();
    for (channel, recipient) in &targets {
        sqlx::query("INSERT INTO deliveries (plan_id, channel_id, reminder_id, recipient, message, state, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)")
            .bind(plan_id)
            .bind(*channel)
            .bind(reminder_id)
            .bind(recipient)
            .bind(&message)
            .bind(at)
            .execute(&mut *conn)
            .await?;
    }
    Ok(targets.len())
}

impl Store {
    /// The plan's channels.
    pub async fn channels(&self, plan_id: i64) -> Result<Vec<Channel>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CHANNEL_SELECT} WHERE c.plan_id = $1 ORDER BY c.id"
        )))
        .bind(plan_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(channel_row).collect()
    }

    /// Adds a channel to the plan (the office), checked; audited without its secret.
    pub async fn add_channel(
        &self,
        plan_id: i64,
        new: &NewChannel,
        actor: &str,
    ) -> Result<Channel> {
        self.plan(plan_id).await?;
        check_channel(new)?;
        let unit_id: Option<i64> = match new.unit.as_deref().map(str::trim) {
            Some(name) if !name.is_empty() => Some(
                sqlx::query("SELECT id FROM units WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?
                    .ok_or_else(|| StoreError::invalid("unit", format!("名录中没有「{name}」")))?
                    .try_get("id")?,
            ),
            _ => None,
        };
        let mut write = self.begin_write(actor).await?;
        let id: i64 = sqlx::query("INSERT INTO notification_channels (plan_id, unit_id, kind, name, url, secret, body_template, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(plan_id)
            .bind(unit_id)
            .bind(new.kind.as_str())
            .bind(new.name.trim())
            .bind(new.url.trim())
            .bind(new.secret.trim())
            .bind(new.body_template.trim())
            .bind(actor)
            .bind(now())
            .fetch_one(&mut *write.conn())
            .await?
            .try_get("id")?;
        write.record(
            Change::new("add_channel", "notification_channel", Some(id)).after(json!({
                "kind": new.kind.label(),
                "name": new.name.trim(),
                "url": new.url.trim(),
                "unit": new.unit,
                "signed": !new.secret.trim().is_empty(),
            })),
        );
        write.commit().await?;
        self.channels(plan_id)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| StoreError::NotFound {
                entity: "通知渠道",
                id: id.to_string(),
            })
    }

    /// Removes a channel of the plan; its queued messages go with it.
    pub async fn remove_channel(&self, plan_id: i64, id: i64, actor: &str) -> Result<()> {
        let channel = self
            .channels(plan_id)
            .await?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| StoreError::NotFound {
                entity: "通知渠道",
                id: id.to_string(),
            })?;
        let mut write = self.begin_write(actor).await?;
        sqlx::query("DELETE FROM notification_channels WHERE id = $1")
            .bind(id)
            .execute(&mut *write.conn())
            .await?;
        write.record(
            Change::new("remove_channel", "notification_channel", Some(id)).before(
                json!({ "kind": channel.kind.label(), "name": channel.name, "url": channel.url }),
            ),
        );
        write.commit().await?;
        Ok(())
    }

    /// Queues `message` for `unit_ids`' channels of the plan (a 催报 the office sends by hand,
    /// whose notices and emails go out as before).
    pub async fn enqueue_messages(
        &self,
        plan_id: i64,
        unit_ids: &[i64],
        message: &serde_json::Value,
    ) -> Result<usize> {
        let _turn = self.writer_turn().await;
        let mut tx = self.pool.begin().await?;
        let at = now();
        let mut queued = 0;
        for unit in unit_ids {
            queued += enqueue_in(&mut tx, plan_id, *unit, None, message, false, &at).await?;
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// The rows as deliveries, each with its channel.
    async fn with_channels(&self, rows: Vec<AnyRow>) -> Result<Vec<Delivery>> {
        let mut channels: Vec<Channel> = Vec::new();
        let mut plans: Vec<i64> = Vec::new();
        for r in &rows {
            let plan: i64 = r.try_get("plan_id")?;
            if !plans.contains(&plan) {
                plans.push(plan);
                channels.extend(self.channels(plan).await?);
            }
        }
        rows.iter().map(|r| delivery_row(r, &channels)).collect()
    }

    /// Messages whose (next) attempt is due at `at` (ISO-8601 UTC), oldest first.
    pub async fn due_deliveries(&self, at: &str, limit: i64) -> Result<Vec<Delivery>> {
        let rows = sqlx::query("SELECT * FROM deliveries WHERE state = 'pending' AND next_attempt_at <= $1 ORDER BY id LIMIT $2")
            .bind(at.to_string())
            .bind(limit.clamp(1, 10_000))
            .fetch_all(&self.pool)
            .await?;
        self.with_channels(rows).await
    }

    /// The plan's messages in `state` (`pending`, `sent`, `failed`), newest first.
    pub async fn plan_deliveries(
        &self,
        plan_id: i64,
        state: &str,
        limit: i64,
    ) -> Result<Vec<Delivery>> {
        let rows = sqlx::query(
            "SELECT * FROM deliveries WHERE plan_id = $1 AND state = $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(plan_id)
        .bind(state.to_string())
        .bind(limit.clamp(1, 10_000))
        .fetch_all(&self.pool)
        .await?;
        self.with_channels(rows).await
    }

    /// A message went out.
    pub async fn delivery_sent(&self, id: i64) -> Result<()> {
        let _turn = self.writer_turn().await;
        sqlx::query("UPDATE deliveries SET state = 'sent', attempts = attempts + 1, sent_at = $1, last_error = NULL WHERE id = $2 AND state = 'pending'")
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// An attempt failed with `error`: tried again at `retry_at`, or given up when `None`.
    pub async fn delivery_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<&str>,
    ) -> Result<()> {
        let _turn = self.writer_turn().await;
        let error: String = error.chars().take(500).collect();
        match retry_at {
            Some(at) => sqlx::query("UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3 AND state = 'pending'")
                .bind(error)
                .bind(at.to_string())
                .bind(id),
            None => sqlx::query("UPDATE deliveries SET state = 'failed', attempts = attempts + 1, last_error = $1 WHERE id = $2 AND state = 'pending'")
                .bind(error)
                .bind(id),
        }
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The office sends a given-up message again (now), audited.
    pub async fn retry_delivery(&self, plan_id: i64, id: i64, actor: &str) -> Result<()> {
        let mut write = self.begin_write(actor).await?;
        let done = sqlx::query("UPDATE deliveries SET state = 'pending', next_attempt_at = $1 WHERE id = $2 AND plan_id = $3 AND state = 'failed'")
            .bind(now())
            .bind(id)
            .bind(plan_id)
            .execute(&mut *write.conn())
            .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NotFound {
                entity: "发送失败的消息",
                id: id.to_string(),
            });
        }
        write.record(Change::new("retry_delivery", "delivery", Some(id)));
        write.commit().await?;
        Ok(())
    }
}
