//! A user's API tokens, listed (never their secrets, which are stored only as hashes) and
//! revoked one by one.

use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

/// An API token as its owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub label: String,
    pub created_at: String,
    pub expires_at: String,
}

impl Store {
    /// The live API tokens of a user, newest first.
    pub async fn api_tokens(&self, user_id: i64) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, label, created_at, expires_at FROM sessions WHERE user_id = $1 AND kind = 'api' AND expires_at > $2 ORDER BY id DESC",
        )
        .bind(user_id)
        .bind(now())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ApiToken {
                    id: r.try_get("id")?,
                    label: r.try_get::<Option<String>, _>("label")?.unwrap_or_default(),
                    created_at: r.try_get("created_at")?,
                    expires_at: r.try_get("expires_at")?,
                })
            })
            .collect()
    }

    /// Revokes one of `user_id`'s API tokens; another user's token is not found.
    pub async fn revoke_token(&self, user_id: i64, token_id: i64, actor: &str) -> Result<()> {
        let mut write = self.begin_write(actor).await?;
        let done = sqlx::query(
            "DELETE FROM sessions WHERE id = $1 AND user_id = $2 AND kind = 'api' RETURNING label",
        )
        .bind(token_id)
        .bind(user_id)
        .fetch_optional(write.conn())
        .await?;
        let Some(row) = done else {
            return Err(StoreError::NotFound {
                entity: "API 令牌",
                id: token_id.to_string(),
            });
        };
        let label: Option<String> = row.try_get("label")?;
        write.record(
            Change::new("revoke_token", "user", Some(user_id))
                .after(json!({ "token": token_id, "label": label })),
        );
        write.commit().await
    }
}
