//! 账号: the office lists, creates, resets, unlocks, disables and enables accounts in the
//! browser. One-time passwords are shown once, on the page that made them, and never stored.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_reporting::Role;
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::users::{self, Account, Issued, NewAccount};

use crate::nav::{Here, Nav};
use crate::pages::{PageError, render};

struct AccountLine {
    username: String,
    display_name: String,
    role: &'static str,
    belongs: String,
    mobile: String,
    email: String,
    state: String,
    disabled: bool,
    locked: bool,
    is_self: bool,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    nav: Nav,
    lines: Vec<AccountLine>,
    roles: Vec<(&'static str, &'static str)>,
    units: Vec<String>,
    districts: Vec<String>,
    /// What the create form holds (kept after an error).
    typed: NewAccount,
    /// The field at fault and why.
    error: Option<(String, String)>,
    issued: Vec<Issued>,
    message: Option<String>,
    csrf: String,
}

impl AccountsPage {
    fn error_for(&self, field: &str) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    fn other_error(&self) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(f, _)| {
                !matches!(
                    f.as_str(),
                    "username" | "role" | "unit" | "district" | "mobile" | "email"
                )
            })
            .map(|(_, m)| m.as_str())
    }

    fn typed_text(value: &Option<String>) -> &str {
        value.as_deref().unwrap_or("")
    }
}

#[derive(Default)]
struct Outcome {
    status: Option<StatusCode>,
    typed: NewAccount,
    error: Option<(String, String)>,
    issued: Vec<Issued>,
    message: Option<String>,
}

fn state_of(a: &Account, now: &str) -> (String, bool) {
    let locked = a.locked_until.as_deref().filter(|u| *u > now);
    let mut parts = Vec::new();
    if a.user.disabled {
        parts.push("已停用".to_string());
    }
    if let Some(until) = locked {
        let at = luoshi_reporting::beijing_time(until).unwrap_or_else(|| until.to_string());
        parts.push(format!("登录锁定至 {at}"));
    }
    if a.user.must_change_password {
        parts.push("待首次登录改密".to_string());
    }
    if parts.is_empty() {
        parts.push("正常".into());
    }
    (parts.join("；"), locked.is_some())
}

async fn page(s: &AppState, caller: &Caller, outcome: Outcome) -> Result<Response, PageError> {
    let now = luoshi_store::time_after(0);
    let lines = users::accounts(s)
        .await?
        .iter()
        .map(|a| {
            let (state, locked) = state_of(a, &now);
            AccountLine {
                username: a.user.username.clone(),
                display_name: a.user.display_name.clone(),
                role: a.user.role.label(),
                belongs: a
                    .user
                    .district
                    .clone()
                    .or(a.user.unit.clone())
                    .unwrap_or_default(),
                mobile: a.mobile.clone().unwrap_or_default(),
                email: a.user.email.clone().unwrap_or_default(),
                state,
                disabled: a.user.disabled,
                locked,
                is_self: a.user.id == caller.principal.user_id,
            }
        })
        .collect();
    let mut units: Vec<String> = s
        .store
        .units(None)
        .await?
        .into_iter()
        .filter(|u| u.kind != "district_government")
        .flat_map(|u| std::iter::once(u.name).chain(u.aliases))
        .collect();
    units.sort();
    units.dedup();
    let districts = s
        .store
        .districts()
        .await?
        .into_iter()
        .map(|d| d.name)
        .collect();
    let body = AccountsPage {
        nav: Nav::build(s, caller, None, Here::Accounts).await?,
        lines,
        roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
        units,
        districts,
        typed: outcome.typed,
        error: outcome.error,
        issued: outcome.issued,
        message: outcome.message,
        csrf: caller.csrf_token.clone(),
    };
    let status = outcome.status.unwrap_or(StatusCode::OK);
    Ok((status, render(body)?).into_response())
}

pub async fn accounts(
    State(s): State<AppState>,
    Office(caller): Office,
) -> Result<Response, PageError> {
    page(&s, &caller, Outcome::default()).await
}

/// An API error as the page shows it: beside its field, with the status kept.
fn refused(e: luoshi_server::ApiError, typed: NewAccount) -> Result<Outcome, PageError> {
    if !e.status.is_client_error() {
        return Err(e.into());
    }
    Ok(Outcome {
        status: Some(e.status),
        typed,
        error: Some((e.body.field.unwrap_or_default(), e.body.error)),
        ..Outcome::default()
    })
}

pub async fn create(
    State(s): State<AppState>,
    Office(caller): Office,
    Form(form): Form<NewAccount>,
) -> Result<Response, PageError> {
    // A district reporter's district comes from the district field; others' unit from theirs.
    let mut new = form.clone();
    if new.role != Role::DistrictReporter.as_str() {
        new.district = None;
    } else {
        new.unit = None;
    }
    if matches!(new.role.as_str(), "office" | "leader") {
        new.unit = None;
    }
    let outcome = match users::create_account(&s, &caller, &new).await {
        Ok(issued) => Outcome {
            message: Some(format!("已创建账号「{}」。", issued.username)),
            issued: vec![issued],
            ..Outcome::default()
        },
        Err(e) => refused(e, form)?,
    };
    page(&s, &caller, outcome).await
}

/// 重置密码, 停用, 启用, 解除锁定: one account, by name.
pub async fn act(
    State(s): State<AppState>,
    Office(caller): Office,
    Path((username, action)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let done = match action.as_str() {
        "reset" => users::reset_password(&s, &caller, &username)
            .await
            .map(|issued| Outcome {
                message: Some(format!(
                    "已重置「{username}」的密码，原有登录和令牌均已失效。"
                )),
                issued: vec![issued],
                ..Outcome::default()
            }),
        "disable" | "enable" => {
            let disable = action == "disable";
            users::set_disabled(&s, &caller, &username, disable)
                .await
                .map(|()| Outcome {
                    message: Some(if disable {
                        format!("已停用「{username}」，其登录和令牌均已失效。")
                    } else {
                        format!("已启用「{username}」。")
                    }),
                    ..Outcome::default()
                })
        }
        "unlock" => s
            .store
            .unlock_user(&username, &caller.actor())
            .await
            .map_err(luoshi_server::ApiError::from)
            .map(|_| Outcome {
                message: Some(format!("已解除「{username}」的登录锁定。")),
                ..Outcome::default()
            }),
        other => {
            return Err(PageError::new(
                StatusCode::NOT_FOUND,
                format!("没有「{other}」这项账号操作"),
            ));
        }
    };
    let outcome = match done {
        Ok(o) => o,
        Err(e) => refused(e, NewAccount::default())?,
    };
    page(&s, &caller, outcome).await
}
