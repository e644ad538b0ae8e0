//! Users, browser sessions and API tokens. Passwords arrive here already hashed (argon2id, by the
//! server) and session secrets as their SHA-256: nothing that could log someone in is stored.

use luoshi_reporting::{Principal, Role};
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::audit::Change;
use crate::{Result, Store, StoreError, now};

/// A user as the office sees it in lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub district: Option<String>,
    pub email: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub created_at: String,
}

/// What logging in needs to know about a user.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub principal: Principal,
    pub password_hash: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub failed_logins: i64,
    pub locked_until: Option<String>,
}

/// A new user; `unit` names a unit (or alias), `district` a district, as the directory spells them.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub unit: Option<String>,
    pub district: Option<String>,
    /// Where 催报 reminders go by email (when the server has SMTP configured).
    pub email: Option<String>,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// A live session or token, resolved.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub principal: Principal,
    pub csrf_token: String,
    pub must_change_password: bool,
    /// `browser` or `api`.
    pub kind: String,
    pub expires_at: String,
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.unit_id, un.name AS unit_name, d.name AS district_name, u.disabled, u.must_change_password, u.created_at, u.password_hash, u.email, u.failed_logins, u.locked_until";
const USER_JOINS: &str = "FROM users u LEFT JOIN units un ON un.id = u.unit_id LEFT JOIN districts d ON d.id = u.district_id";

fn principal(row: &AnyRow) -> Result<Principal> {
    let role: String = row.try_get("role")?;
    Ok(Principal {
        user_id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(&role).ok_or_else(|| StoreError::invalid("role", role.clone()))?,
        unit_id: row.try_get("unit_id")?,
        unit: row.try_get("unit_name")?,
        district: row.try_get("district_name")?,
    })
}

fn user_row(row: &AnyRow) -> Result<UserRow> {
    let p = principal(row)?;
    Ok(UserRow {
        id: p.user_id,
        username: p.username,
        display_name: p.display_name,
        role: p.role,
        unit: p.unit,
        district: p.district,
        email: row.try_get("email")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        created_at: row.try_get("created_at")?,
    })
}

/// The username of a user id, for the audit log.
async fn username_of(conn: &mut sqlx::AnyConnection, user_id: i64) -> Result<String> {
    let row = sqlx::query("SELECT username FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "用户",
            id: user_id.to_string(),
        })?;
    Ok(row.try_get("username")?)
}

/// Usernames people can type and read back: 1–64 characters, no spaces or control characters.
fn check_username(name: &str) -> Result<()> {
    let chars = name.chars().count();
    if chars == 0 || chars > 64 || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(StoreError::invalid(
            "username",
            format!("用户名「{name}」无效：须为 1–64 个字符，不含空格"),
        ));
    }
    Ok(())
}

/// An address that can take mail: one `@`, something either side, no spaces.
fn check_email(email: &str) -> Result<()> {
    let ok = matches!(email.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.contains('@'))
        && !email
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        && email.len() <= 254;
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            "email",
            format!("「{email}」不是有效的邮箱地址"),
        ))
    }
}

impl Store {
    pub async fn user_count(&self) -> Result<i64> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?)
    }

    pub async fn users(&self) -> Result<Vec<UserRow>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} {USER_JOINS} ORDER BY u.id"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(user_row).collect()
    }

    pub async fn user(&self, username: &str) -> Result<UserRow> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} {USER_JOINS} WHERE u.username = $1"
        )))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound {
            entity: "用户",
            id: username.to_string(),
        })?;
        user_row(&row)
    }

    pub async fn create_user(&self, new: NewUser, actor: &str) -> Result<UserRow> {
        let mut write = self.begin_write(actor).await?;
        insert_user(&mut write, &new).await?;
        write.commit().await?;
        self.user(&new.username).await
    }

    pub async fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} {USER_JOINS} WHERE u.username = $1"
        )))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Credentials {
            principal: principal(&row)?,
            password_hash: row.try_get("password_hash")?,
            disabled: row.try_get::<i64, _>("disabled")? != 0,
            must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
            failed_logins: row.try_get("failed_logins")?,
            locked_until: row.try_get("locked_until")?,
        }))
    }

    /// Starts a session (or issues an API token) for a user whose password was checked.
    pub async fn create_session(
        &self,
        user_id: i64,
        kind: &str,
        label: Option<&str>,
        token_hash: &str,
        csrf_token: &str,
        expires_at: &str,
    ) -> Result<()> {
        let mut write = self.begin_write("登录").await?;
        let who = username_of(write.conn(), user_id).await?;
        // Sign-in failures live in login_failures now; signing in touches no ledger table.
        let conn = write.conn();
        let row = sqlx::query("INSERT INTO sessions (token_hash, user_id, kind, label, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(token_hash)
            .bind(user_id)
            .bind(kind)
            .bind(label)
            .bind(csrf_token)
            .bind(now())
            .bind(expires_at)
            .fetch_one(&mut *conn)
            .await?;
        let id: i64 = row.try_get("id")?;
        write.record(
            Change::new(
                if kind == "api" {
                    "issue_token"
                } else {
                    "login"
                },
                "user",
                Some(user_id),
            )
            .by(&who)
            .after(
                json!({ "session": id, "kind": kind, "label": label, "expires_at": expires_at }),
            ),
        );
        write.commit().await
    }

    /// The live session or token whose secret hashes to `token_hash`, if any.
    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionInfo>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.kind, s.expires_at {USER_JOINS} JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
        )))
        .bind(token_hash)
        .bind(now())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(SessionInfo {
            principal: principal(&row)?,
            csrf_token: row.try_get("csrf_token")?,
            must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
            kind: row.try_get("kind")?,
            expires_at: row.try_get("expires_at")?,
        }))
    }

    /// Ends a session (logging out); unknown tokens are ignored.
    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
            .bind(token_hash)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Sets a password (hashed by the caller). `one_time` makes the user choose a new one at the
    /// next login. Every session of the user ends, except the one passed as `keep`.
    pub async fn set_password(
        &self,
        username: &str,
        password_hash: &str,
        one_time: bool,
        keep: Option<&str>,
        actor: &str,
    ) -> Result<()> {
        let user = self.user(username).await?;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        sqlx::query("UPDATE users SET password_hash = $1, must_change_password = $2, failed_logins = 0, locked_until = NULL WHERE id = $3")
            .bind(password_hash)
            .bind(i64::from(one_time))
            .bind(user.id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user.id)
            .bind(keep.unwrap_or(""))
            .execute(&mut *conn)
            .await?;
        // A new password lifts every sign-in back-off on the name.
        sqlx::query("DELETE FROM login_failures WHERE username = $1")
            .bind(username)
            .execute(&mut *conn)
            .await?;
        write.record(
            Change::new("set_password", "user", Some(user.id))
                .after(json!({ "one_time": one_time })),
        );
        write.commit().await
    }

    /// Disables (or re-enables) a user; disabling ends every session and token.
    pub async fn set_disabled(&self, username: &str, disabled: bool, actor: &str) -> Result<()> {
        let user = self.user(username).await?;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        if disabled && user.role == Role::Office && !user.disabled {
            // Counted inside the write, so two offices cannot disable each other at once.
            let others: i64 = sqlx::query(
                "SELECT COUNT(*) AS n FROM users WHERE role = 'office' AND disabled = 0 AND id <> $1",
            )
            .bind(user.id)
            .fetch_one(&mut *conn)
            .await?
            .try_get("n")?;
            if others == 0 {
                return Err(StoreError::invalid(
                    "username",
                    format!("「{username}」是最后一个可用的协调办公室账号，不能停用"),
                ));
            }
        }
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(user.id)
            .execute(&mut *conn)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.id)
                .execute(&mut *conn)
                .await?;
        }
        write.record(
            Change::new(
                if disabled { "disable" } else { "enable" },
                "user",
                Some(user.id),
            )
            .before(json!({ "disabled": user.disabled }))
            .after(json!({ "disabled": disabled })),
        );
        write.commit().await
    }
}

impl Store {
    /// Sets (or with `None` clears) a user's email address.
    pub async fn set_email(&self, username: &str, email: Option<&str>, actor: &str) -> Result<()> {
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(email) = email {
            check_email(email)?;
        }
        let user = self.user(username).await?;
        let mut write = self.begin_write(actor).await?;
        sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
            .bind(email)
            .bind(user.id)
            .execute(write.conn())
            .await?;
        write.record(
            Change::new("set_email", "user", Some(user.id))
                .before(json!({ "email": user.email }))
                .after(json!({ "email": email })),
        );
        write.commit().await
    }

    /// The email addresses of the enabled users of each unit: (unit id, address, name).
    pub async fn unit_emails(&self, unit_ids: &[i64]) -> Result<Vec<(i64, String, String)>> {
        let mut out = Vec::new();
        for unit in unit_ids {
            let rows = sqlx::query("SELECT email, display_name FROM users WHERE unit_id = $1 AND disabled = 0 AND email IS NOT NULL ORDER BY id")
                .bind(unit)
                .fetch_all(&self.pool)
                .await?;
            for row in rows {
                out.push((*unit, row.try_get("email")?, row.try_get("display_name")?));
            }
        }
        Ok(out)
    }
}

/// Inserts `new` inside `write` (checked as [`Store::create_user`] documents), returning its id.
pub(crate) async fn insert_user(write: &mut crate::audit::Write<'_>, new: &NewUser) -> Result<i64> {
    check_username(&new.username)?;
    let email = new
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty());
    if let Some(email) = email {
        check_email(email)?;
    }
    let conn = write.conn();
    let taken = sqlx::query("SELECT id FROM users WHERE username = $1")
        .bind(&new.username)
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some() {
        return Err(StoreError::invalid(
            "username",
            format!("用户名「{}」已被使用", new.username),
        ));
    }
    let (unit_id, district_id) = match new.role {
        Role::DistrictReporter => {
            let name = new
                .district
                .as_deref()
                .or(new.unit.as_deref())
                .ok_or_else(|| {
                    StoreError::invalid("district", "区填报员须指定所属区（--district）")
                })?;
            let row = sqlx::query("SELECT d.id, d.unit_id FROM districts d JOIN units u ON u.id = d.unit_id WHERE d.name = $1 OR u.name = $1")
                    .bind(name)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(|| StoreError::invalid("district", format!("没有名为「{name}」的区")))?;
            (
                Some(row.try_get::<i64, _>("unit_id")?),
                Some(row.try_get::<i64, _>("id")?),
            )
        }
        role if role.needs_unit() => {
            let name = new.unit.as_deref().ok_or_else(|| {
                StoreError::invalid("unit", format!("{}须指定所属单位（--unit）", role.label()))
            })?;
            let row = sqlx::query("SELECT u.id FROM units u LEFT JOIN unit_aliases a ON a.unit_id = u.id WHERE u.name = $1 OR a.alias = $1 LIMIT 1")
                    .bind(name)
                    .fetch_optional(&mut *conn)
                    .await?
                    .ok_or_else(|| StoreError::invalid("unit", format!("没有名为「{name}」的单位")))?;
            (Some(row.try_get::<i64, _>("id")?), None)
        }
        _ => (None, None),
    };
    let display = new
        .display_name
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| new.username.clone());
    let row = sqlx::query("INSERT INTO users (username, display_name, role, unit_id, district_id, password_hash, must_change_password, created_at, email) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
            .bind(&new.username)
            .bind(&display)
            .bind(new.role.as_str())
            .bind(unit_id)
            .bind(district_id)
            .bind(&new.password_hash)
            .bind(i64::from(new.must_change_password))
            .bind(now())
            .bind(email)
            .fetch_one(&mut *conn)
            .await?;
    let id: i64 = row.try_get("id")?;
    write.record(Change::new("create", "user", Some(id)).after(json!({
            "username": new.username, "role": new.role.as_str(), "unit_id": unit_id, "district_id": district_id,
        })));
    Ok(id)
}
