//! Email for 催报 reminders, through an SMTP relay configured by URL (`smtps://user:pass@host`,
//! `smtp://host:25`, `smtp://host:587?tls=required`). Without one, reminders are in-app only.

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

/// A configured SMTP relay and the sender address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// The relay at `url`, sending as `from` (`协调办公室 <office@example.gov.cn>`).
    pub fn new(url: &str, from: &str) -> Result<Mailer, String> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("发件人「{from}」无效：{e}"))?;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| {
                format!("SMTP 地址无效：{e}（应如 smtps://用户:密码@主机 或 smtp://主机:25）")
            })?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        Ok(Mailer { transport, from })
    }

    /// Sends one plain-text message.
    pub async fn send(
        &self,
        to: &str,
        name: &str,
        subject: &str,
        body: &str,
    ) -> Result<(), String> {
        let to = Mailbox::new(
            Some(name.to_string()),
            to.parse().map_err(|e| format!("{to}：{e}"))?,
        );
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.clone())
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("{to}：{e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| format!("{to}：{e}"))
    }
}
