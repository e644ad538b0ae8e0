//! How a plan's documents are framed as 公文 (GB/T 9704): the issuing body printed in red in the
//! 版头, the 签发人 where the office uses one, and the 版记's 抄送 list and 印发机关. Until the office
//! sets them, the issuing body is 协调办公室 and nothing is copied.

use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

/// The longest name a 版头 or 版记 line holds, in characters.
pub const MAX_NAME: usize = 40;
/// The most bodies a 抄送 line lists.
pub const MAX_COPIES: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DocumentSettings {
    /// 发文机关: `武汉市科技创新提能工作专班办公室`.
    pub issuer: String,
    /// 签发人, printed in the 版头 where set.
    pub signer: Option<String>,
    /// 抄送机关, in order.
    pub copies_to: Vec<String>,
    /// 印发机关 in the 版记; the issuer when not set.
    pub printed_by: Option<String>,
}

impl Default for DocumentSettings {
    fn default() -> DocumentSettings {
        DocumentSettings {
            issuer: "协调办公室".into(),
            signer: None,
            copies_to: Vec::new(),
            printed_by: None,
        }
    }
}

impl DocumentSettings {
    /// The 印发机关: as set, else the issuer.
    pub fn printer(&self) -> &str {
        self.printed_by.as_deref().unwrap_or(&self.issuer)
    }

    /// Trimmed, empty optional fields dropped, every name checked (field and message).
    fn checked(&self) -> Result<DocumentSettings> {
        let name = |field: &str, label: &str, value: &str| -> Result<String> {
            let value = value.trim();
            if value.chars().count() > MAX_NAME {
                return Err(StoreError::invalid(
                    field,
                    format!(
                        "{label}不能超过 {MAX_NAME} 个字（填了 {} 个字）",
                        value.chars().count()
                    ),
                ));
            }
            if value.chars().any(char::is_control) {
                return Err(StoreError::invalid(
                    field,
                    format!("{label}不能含换行等控制字符"),
                ));
            }
            Ok(value.to_string())
        };
        let issuer = name("issuer", "发文机关", &self.issuer)?;
        if issuer.is_empty() {
            return Err(StoreError::invalid("issuer", "请填写发文机关（版头）"));
        }
        let optional =
            |field: &str, label: &str, value: &Option<String>| -> Result<Option<String>> {
                value
                    .as_deref()
                    .map(|v| name(field, label, v))
                    .transpose()
                    .map(|v| v.filter(|v| !v.is_empty()))
            };
        let mut copies_to = Vec::new();
        for (i, copy) in self.copies_to.iter().enumerate() {
            let copy = name("copies_to", &format!("抄送第 {} 个单位", i + 1), copy)?;
            if !copy.is_empty() && !copies_to.contains(&copy) {
                copies_to.push(copy);
            }
        }
        if copies_to.len() > MAX_COPIES {
            return Err(StoreError::invalid(
                "copies_to",
                format!(
                    "抄送单位不能超过 {MAX_COPIES} 个（填了 {} 个）",
                    copies_to.len()
                ),
            ));
        }
        Ok(DocumentSettings {
            issuer,
            signer: optional("signer", "签发人", &self.signer)?,
            copies_to,
            printed_by: optional("printed_by", "印发机关", &self.printed_by)?,
        })
    }
}

impl Store {
    /// The plan's document settings, or the defaults.
    pub async fn document_settings(&self, plan_id: i64) -> Result<DocumentSettings> {
        self.plan(plan_id).await?;
        let row = sqlx::query(
            "SELECT issuer, signer, copies_to, printed_by FROM document_settings WHERE plan_id = $1",
        )
        .bind(plan_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(r) = row else {
            return Ok(DocumentSettings::default());
        };
        let copies: String = r.try_get("copies_to")?;
        Ok(DocumentSettings {
            issuer: r.try_get("issuer")?,
            signer: r.try_get("signer")?,
            copies_to: copies.lines().map(str::to_string).collect(),
            printed_by: r.try_get("printed_by")?,
        })
    }

    /// Sets the plan's document settings, checked, recorded with what they were before.
    pub async fn set_document_settings(
        &self,
        plan_id: i64,
        settings: &DocumentSettings,
        actor: &str,
    ) -> Result<DocumentSettings> {
        let settings = settings.checked()?;
        let before = self.document_settings(plan_id).await?;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        sqlx::query("DELETE FROM document_settings WHERE plan_id = $1")
            .bind(plan_id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("INSERT INTO document_settings (plan_id, issuer, signer, copies_to, printed_by, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(plan_id)
            .bind(&settings.issuer)
            .bind(&settings.signer)
            .bind(settings.copies_to.join("\n"))
            .bind(&settings.printed_by)
            .bind(actor)
            .bind(now())
            .execute(&mut *conn)
            .await?;
        write.record(
            Change::new("set_document_settings", "plan", Some(plan_id))
                .before(&before)
                .after(json!(settings)),
        );
        write.commit().await?;
        Ok(settings)
    }
}
