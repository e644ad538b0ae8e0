//! What each channel is sent, as plain data: the request (method, address, headers, body) for
//! a message, signed where the channel signs, and whether the channel's answer means it took
//! the message. No I/O, so the exact payloads and signatures are tested on their own.

use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use luoshi_store::{Channel, ChannelKind};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Sha256;

/// A message as the outbox holds it, before any channel's format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// `reminder` (automatic) or `notice` (a 催报 the office sent).
    pub event: String,
    pub plan_id: i64,
    pub plan: String,
    pub unit: String,
    /// The headline (`【催报】2021年6月工作进展`).
    pub title: String,
    pub text: String,
    /// Where on the site it is dealt with (`/my`, `/supervision/3`).
    pub link: String,
}

/// An HTTP request to make.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<String>,
}

/// HMAC-SHA256 of `body` under `key`, in lower-case hex.
pub fn hmac_hex(key: &str, body: &str) -> String {
    hmac(key, body).iter().map(|b| format!("{b:02x}")).collect()
}

fn hmac(key: &str, body: &str) -> Vec<u8> {
    // Any key length is accepted by HMAC; the error arm cannot happen.
    match Hmac::<Sha256>::new_from_slice(key.as_bytes()) {
        Ok(mut mac) => {
            mac.update(body.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// 钉钉's signature in signed mode (加签): base64 of HMAC-SHA256 of `timestamp\nsecret` under the
/// secret, URL-encoded.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let mac = hmac(secret, &format!("{timestamp_ms}\n{secret}"));
    url_encode(&base64::engine::general_purpose::STANDARD.encode(mac))
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
pub fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A JSON string's inside: `text` escaped as JSON escapes it, without the quotes.
fn json_escaped(text: &str) -> String {
    let quoted = serde_json::Value::String(text.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

/// The words a robot or phone shows.
fn content(message: &Message) -> String {
    format!("{}\n{}：{}", message.title, message.unit, message.text)
}

/// The request that sends `message` to `channel` (to `recipient` for SMS), as delivery
/// `delivery_id` at `timestamp_ms` (钉钉's signature, the webhook's timestamp header).
pub fn request(
    channel: &Channel,
    recipient: &str,
    message: &Message,
    delivery_id: i64,
    timestamp_ms: i64,
) -> Request {
    let json_header = (
        "Content-Type",
        "application/json; charset=utf-8".to_string(),
    );
    match channel.kind {
        ChannelKind::Webhook => {
            let body = json!({
                "id": delivery_id,
                "event": message.event,
                "plan_id": message.plan_id,
                "plan": message.plan,
                "unit": message.unit,
                "title": message.title,
                "text": message.text,
                "link": message.link,
            })
            .to_string();
            let mut headers = vec![
                json_header,
                ("X-Luoshi-Delivery", delivery_id.to_string()),
                ("X-Luoshi-Timestamp", timestamp_ms.to_string()),
            ];
            if !channel.secret.is_empty() {
                headers.push((
                    "X-Luoshi-Signature",
                    format!("sha256={}", hmac_hex(&channel.secret, &body)),
                ));
            }
            Request {
                method: "POST",
                url: channel.url.clone(),
                headers,
                body: Some(body),
            }
        }
        ChannelKind::Wecom | ChannelKind::Dingtalk => {
            let body =
                json!({ "msgtype": "text", "text": { "content": content(message) } }).to_string();
            let url = if channel.kind == ChannelKind::Dingtalk && !channel.secret.is_empty() {
                let join = if channel.url.contains('?') { '&' } else { '?' };
                format!(
                    "{}{join}timestamp={timestamp_ms}&sign={}",
                    channel.url,
                    dingtalk_sign(&channel.secret, timestamp_ms)
                )
            } else {
                channel.url.clone()
            };
            Request {
                method: "POST",
                url,
                headers: vec![json_header],
                body: Some(body),
            }
        }
        ChannelKind::Sms => {
            let text = format!("{}：{}", message.title, message.text);
            let url = channel
                .url
                .replace("{phone}", &url_encode(recipient))
                .replace("{text}", &url_encode(&text));
            if channel.body_template.trim().is_empty() {
                Request {
                    method: "GET",
                    url,
                    headers: Vec::new(),
                    body: None,
                }
            } else {
                let body = channel
                    .body_template
                    .replace("{phone}", &json_escaped(recipient))
                    .replace("{text}", &json_escaped(&text));
                Request {
                    method: "POST",
                    url,
                    headers: vec![json_header],
                    body: Some(body),
                }
            }
        }
    }
}

/// Whether the channel took the message, from its answer: a 2xx, and for the robots also
/// `errcode` 0 in the body (they answer 200 to a refused message). The refusal in words else.
pub fn accepted(kind: ChannelKind, status: u16, body: &str) -> Result<(), String> {
    if !(200..300).contains(&status) {
        let start: String = body.chars().take(200).collect();
        return Err(format!("HTTP {status}：{start}"));
    }
    if matches!(kind, ChannelKind::Wecom | ChannelKind::Dingtalk) {
        let answer: serde_json::Value = serde_json::from_str(body).map_err(|_| {
            format!(
                "机器人的应答不是 JSON：{}",
                body.chars().take(200).collect::<String>()
            )
        })?;
        let code = answer.get("errcode").and_then(serde_json::Value::as_i64);
        if code != Some(0) {
            return Err(format!(
                "机器人拒收（errcode {}）：{}",
                code.map_or_else(|| "缺失".to_string(), |c| c.to_string()),
                answer
                    .get("errmsg")
                    .and_then(serde_json::Value::as_str)
                    .unwrap_or_default()
            ));
        }
    }
    Ok(())
}

/// When to try again after `attempts` failed attempts, in seconds; `None`: give up.
pub fn retry_after(attempts: i64) -> Option<i64> {
    match attempts {
        1 => Some(60),
        2 => Some(5 * 60),
        3 => Some(30 * 60),
        4 => Some(2 * 3600),
        5 => Some(6 * 3600),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel(kind: ChannelKind, url: &str, secret: &str, body: &str) -> Channel {
        Channel {
            id: 1,
            plan_id: 1,
            unit_id: None,
            unit: None,
            kind,
            name: "群".into(),
            url: url.into(),
            secret: secret.into(),
            has_secret: !secret.is_empty(),
            body_template: body.into(),
            created_by: "office".into(),
            created_at: "2021-06-01T00:00:00.000Z".into(),
        }
    }

    fn message() -> Message {
        Message {
            event: "reminder".into(),
            plan_id: 1,
            plan: "科技创新实施方案".into(),
            unit: "江岸区人民政府".into(),
            title: "【自动提醒】2021年6月工作进展".into(),
            text: "请于 2021-06-25 前报送。".into(),
            link: "/my".into(),
        }
    }

    #[test]
    fn the_webhook_is_signed_over_its_body() {
        let r = request(
            &channel(ChannelKind::Webhook, "https://hook.example/x", "k3y", ""),
            "",
            &message(),
            42,
            1_624_000_000_000,
        );
        let body = r.body.clone().expect("a body");
        assert_eq!(
            body,
            r#"{"event":"reminder","id":42,"link":"/my","plan":"科技创新实施方案","plan_id":1,"text":"请于 2021-06-25 前报送。","title":"【自动提醒】2021年6月工作进展","unit":"江岸区人民政府"}"#
        );
        let signature = r
            .headers
            .iter()
            .find(|(h, _)| *h == "X-Luoshi-Signature")
            .map(|(_, v)| v.clone());
        assert_eq!(
            signature,
            Some(format!("sha256={}", hmac_hex("k3y", &body)))
        );
        // RFC 4231 test case 2: the HMAC itself.
        assert_eq!(
            hmac_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn robots_get_text_messages_and_dingtalk_signs_its_url() {
        let wecom = request(
            &channel(
                ChannelKind::Wecom,
                "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K",
                "",
                "",
            ),
            "",
            &message(),
            1,
            0,
        );
        assert_eq!(
            wecom.body.as_deref(),
            Some(
                r#"{"msgtype":"text","text":{"content":"【自动提醒】2021年6月工作进展\n江岸区人民政府：请于 2021-06-25 前报送。"}}"#
            )
        );
        let ding = request(
            &channel(
                ChannelKind::Dingtalk,
                "https://oapi.dingtalk.com/robot/send?access_token=T",
                "SEC",
                "",
            ),
            "",
            &message(),
            1,
            1_624_000_000_000,
        );
        let sign = dingtalk_sign("SEC", 1_624_000_000_000);
        assert_eq!(
            ding.url,
            format!(
                "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1624000000000&sign={sign}"
            )
        );
        let raw =
            base64::engine::general_purpose::STANDARD.encode(hmac("SEC", "1624000000000\nSEC"));
        assert_eq!(sign, url_encode(&raw));
        assert!(accepted(ChannelKind::Dingtalk, 200, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        let refused = accepted(
            ChannelKind::Wecom,
            200,
            r#"{"errcode":93000,"errmsg":"invalid webhook url"}"#,
        );
        assert_eq!(
            refused,
            Err("机器人拒收（errcode 93000）：invalid webhook url".into())
        );
        assert!(accepted(ChannelKind::Webhook, 500, "oops").is_err());
    }

    #[test]
    fn sms_fills_its_templates() {
        let get = request(
            &channel(
                ChannelKind::Sms,
                "https://sms.example/send?to={phone}&msg={text}",
                "",
                "",
            ),
            "13800000000",
            &message(),
            1,
            0,
        );
        assert_eq!(get.method, "GET");
        assert!(
            get.url
                .starts_with("https://sms.example/send?to=13800000000&msg=%E3%80%90")
        );
        let post = request(
            &channel(
                ChannelKind::Sms,
                "https://sms.example/api",
                "",
                r#"{"mobile": "{phone}", "content": "{text}"}"#,
            ),
            "13800000000",
            &Message {
                text: "含\"引号\"".into(),
                ..message()
            },
            1,
            0,
        );
        assert_eq!(post.method, "POST");
        let body: serde_json::Value =
            serde_json::from_str(post.body.as_deref().expect("body")).expect("JSON");
        assert_eq!(body["content"], "【自动提醒】2021年6月工作进展：含\"引号\"");
        assert_eq!(body["mobile"], "13800000000");
    }

    #[test]
    fn retries_back_off_then_give_up() {
        assert_eq!(retry_after(1), Some(60));
        assert!(retry_after(4) > retry_after(3));
        assert_eq!(retry_after(6), None);
    }
}
