//! 账号: the office lists, creates, resets, unlocks, disables and enables accounts in the
//! browser, makes many at once from a roster or for every unit of a plan, and prints the
//! handout (账号分发表). One-time passwords are shown once, on the page that made them, and
//! never stored: the handout's xlsx is made from what that page posts back.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use luoshi_reporting::Role;
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::roster::{self, RosterFailure};
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
    /// Why the last roster made no accounts: its summary and each problem with its place.
    roster_error: Option<String>,
    roster_problems: Vec<String>,
    /// Published plans, with how many of their units and districts have no account yet.
    plans: Vec<PlanAccounts>,
    csrf: String,
}

struct PlanAccounts {
    id: i64,
    title: String,
    missing: usize,
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
    roster_error: Option<String>,
    roster_problems: Vec<String>,
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
    let users_now = s.store.users().await?;
    let mut plans = Vec::new();
    for plan in s.store.plans().await? {
        if plan.status != "published" {
            continue;
        }
        let units = s.store.units(Some(plan.id)).await?;
        plans.push(PlanAccounts {
            id: plan.id,
            missing: roster::missing_accounts(&units, &users_now).len(),
            title: plan.plan_title.or(plan.title).unwrap_or(plan.source_name),
        });
    }
    plans.reverse();
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
        roster_error: outcome.roster_error,
        roster_problems: outcome.roster_problems,
        plans,
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

/// 批量创建: a filled roster, as one multipart field `file` (the form's CSRF token travels in
/// the address, as for every upload).
pub async fn upload_roster(
    State(s): State<AppState>,
    Office(caller): Office,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let refuse = |message: String| Outcome {
        status: Some(StatusCode::BAD_REQUEST),
        roster_error: Some(message),
        ..Outcome::default()
    };
    let bytes = match crate::upload_field::file_field(
        &mut form,
        roster::MAX_ROSTER_BYTES,
        "请选择填好的联络员名单（xlsx）",
    )
    .await
    {
        Ok((_, bytes)) => bytes,
        Err(message) => return page(&s, &caller, refuse(message)).await,
    };
    let outcome = match roster::import_roster(&s, &caller, &bytes).await {
        Ok(issued) => Outcome {
            message: Some(format!("已按名单创建 {} 个账号。", issued.len())),
            issued,
            ..Outcome::default()
        },
        Err(RosterFailure::Refused(r)) => Outcome {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            roster_error: Some(r.error),
            roster_problems: r.problems.iter().map(ToString::to_string).collect(),
            ..Outcome::default()
        },
        Err(RosterFailure::Api(e)) if e.status.is_client_error() => refuse(e.body.error),
        Err(RosterFailure::Api(e)) => return Err(e.into()),
    };
    page(&s, &caller, outcome).await
}

pub async fn roster_template(
    State(s): State<AppState>,
    Office(_): Office,
) -> Result<Response, PageError> {
    Ok(luoshi_server::reporting::download(
        roster::roster_template(&s).await?,
        roster::XLSX,
        "联络员名单模板.xlsx",
    ))
}

#[derive(serde::Deserialize)]
pub struct PlanChoice {
    plan: i64,
}

/// 为方案开账号: one reporter account for every unit and district of a published plan without one.
pub async fn for_plan(
    State(s): State<AppState>,
    Office(caller): Office,
    Form(choice): Form<PlanChoice>,
) -> Result<Response, PageError> {
    let outcome = match roster::create_for_plan(&s, &caller, choice.plan).await {
        Ok(issued) if issued.is_empty() => Outcome {
            message: Some("本方案的单位和区都已有账号，未新建。".into()),
            ..Outcome::default()
        },
        Ok(issued) => Outcome {
            message: Some(format!(
                "已为 {} 个单位和区创建账号（用户名为单位或区的名称）。",
                issued.len()
            )),
            issued,
            ..Outcome::default()
        },
        Err(e) => refused(e, NewAccount::default())?,
    };
    page(&s, &caller, outcome).await
}

/// The handout's xlsx, from the lines the page that showed the passwords posts back (they
/// are not kept anywhere to make it from): fields `unit`, `name`, `role`, `username`,
/// `password`, repeated in that order for each account.
pub async fn handout(
    Office(_): Office,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let mut issued: Vec<Issued> = Vec::new();
    for (key, value) in fields {
        if key == "unit" {
            issued.push(Issued {
                username: String::new(),
                display_name: String::new(),
                role: String::new(),
                unit: Some(value),
                one_time_password: String::new(),
            });
            continue;
        }
        let Some(line) = issued.last_mut() else {
            continue;
        };
        match key.as_str() {
            "name" => line.display_name = value,
            "role" => line.role = value,
            "username" => line.username = value,
            "password" => line.one_time_password = value,
            _ => {}
        }
    }
    if issued.is_empty() || issued.len() > luoshi_export::roster_sheet::MAX_ROWS as usize {
        return Err(PageError::new(
            StatusCode::BAD_REQUEST,
            "没有可生成账号分发表的账号（一次性密码只在创建或重置的页面上出现）".to_string(),
        ));
    }
    let bytes = roster::handout_xlsx(&issued, "")?;
    Ok(luoshi_server::reporting::download(
        bytes,
        roster::XLSX,
        "账号分发表.xlsx",
    ))
}
