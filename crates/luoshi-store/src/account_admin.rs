//! What the office does to accounts besides creating them: mobile numbers, unlocking, and the
//! rule that the ledger always keeps an office account that can sign in.

use serde_json::json;
use sqlx::Row;

use crate::accounts::{NewUser, UserRow, insert_user};
use crate::audit::Change;
use crate::{Result, Store, StoreError};

/// The rows of [`Store::create_users`] that could not be made: (index, field, message).
pub type Refusals = Vec<(usize, String, String)>;

/// A mainland mobile number: 11 digits starting with 1 (spaces and dashes as typed are dropped).
pub fn normalise_mobile(text: &str) -> Result<Option<String>> {
    let digits: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '　'))
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    let digits = digits.strip_prefix("+86").unwrap_or(&digits).to_string();
    if digits.len() == 11 && digits.starts_with('1') && digits.chars().all(|c| c.is_ascii_digit()) {
        Ok(Some(digits))
    } else {
        Err(StoreError::invalid(
            "mobile",
            format!("手机号「{text}」无效：应为 11 位数字，以 1 开头"),
        ))
    }
}

impl Store {
    /// Creates every account in `entries` (each with its mobile number) in one transaction, or
    /// none: every entry is checked, and all the entries at fault come back with their index.
    pub async fn create_users(
        &self,
        entries: &[(NewUser, Option<String>)],
        actor: &str,
    ) -> Result<std::result::Result<Vec<UserRow>, Refusals>> {
        let mut refusals = Refusals::new();
        let mut write = self.begin_write(actor).await?;
        for (index, (user, mobile)) in entries.iter().enumerate() {
            let mobile = match normalise_mobile(mobile.as_deref().unwrap_or("")) {
                Ok(m) => m,
                Err(e) => {
                    refusals.push(refusal(index, e)?);
                    continue;
                }
            };
            // Validation refusals are SELECTs that found nothing, so the transaction stays usable.
            match insert_user(&mut write, user).await {
                Ok(id) => {
                    if let Some(m) = mobile {
                        sqlx::query("INSERT INTO user_mobiles (user_id, mobile) VALUES ($1, $2)")
                            .bind(id)
                            .bind(&m)
                            .execute(&mut *write.conn())
                            .await?;
                        write.record(
                            Change::new("set_mobile", "user", Some(id))
                                .after(json!({ "mobile": m })),
                        );
                    }
                }
                Err(e) => refusals.push(refusal(index, e)?),
            }
        }
        if !refusals.is_empty() {
            // Dropped uncommitted: nothing of the batch is stored.
            return Ok(Err(refusals));
        }
        write.commit().await?;
        let mut made = Vec::with_capacity(entries.len());
        for (user, _) in entries {
            made.push(self.user(&user.username).await?);
        }
        Ok(Ok(made))
    }

    /// Sets (or with `None` clears) a user's mobile number.
    pub async fn set_mobile(
        &self,
        username: &str,
        mobile: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let mobile = normalise_mobile(mobile.unwrap_or(""))?;
        let user = self.user(username).await?;
        let before = self.mobile_of(user.id).await?;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        sqlx::query("DELETE FROM user_mobiles WHERE user_id = $1")
            .bind(user.id)
            .execute(&mut *conn)
            .await?;
        if let Some(m) = &mobile {
            sqlx::query("INSERT INTO user_mobiles (user_id, mobile) VALUES ($1, $2)")
                .bind(user.id)
                .bind(m)
                .execute(&mut *conn)
                .await?;
        }
        write.record(
            Change::new("set_mobile", "user", Some(user.id))
                .before(json!({ "mobile": before }))
                .after(json!({ "mobile": mobile })),
        );
        write.commit().await
    }

    async fn mobile_of(&self, user_id: i64) -> Result<Option<String>> {
        let mut conn = self.conn().await?;
        let row = sqlx::query("SELECT mobile FROM user_mobiles WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?;
        Ok(row.map(|r| r.try_get("mobile")).transpose()?)
    }

    /// Every user's mobile number: (user id, mobile).
    pub async fn mobiles(&self) -> Result<Vec<(i64, String)>> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query("SELECT user_id, mobile FROM user_mobiles ORDER BY user_id")
            .fetch_all(&mut *conn)
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("user_id")?, r.try_get("mobile")?)))
            .collect()
    }

    /// Lifts a user's sign-in lock: the failures counted on the name, from every address.
    pub async fn unlock_user(&self, username: &str, actor: &str) -> Result<u64> {
        let user = self.user(username).await?;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(user.id)
            .execute(&mut *conn)
            .await?;
        let cleared = sqlx::query("DELETE FROM login_failures WHERE username = $1")
            .bind(username)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        write.record(
            Change::new("unlock", "user", Some(user.id)).after(json!({ "cleared": cleared })),
        );
        write.commit().await?;
        Ok(cleared)
    }
}

/// An entry's validation error as a refusal; anything else (the database failing) stays an error.
fn refusal(index: usize, e: StoreError) -> Result<(usize, String, String)> {
    match e {
        StoreError::Invalid { field, message } => Ok((index, field, message)),
        other => Err(other),
    }
}
