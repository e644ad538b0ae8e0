//! Many accounts at once: from the contact roster (联络员名单) the office uploads, and for every
//! unit and district of a published plan that has no account yet. Either way every row is
//! checked first and all of them are created in one transaction, or none; the one-time
//! passwords come back once, for the account handout (账号分发表), and are never stored.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use luoshi_export::roster_sheet::{self, HandoutLine, RosterLine};
use luoshi_reporting::Role;
use luoshi_store::{NewUser, UnitRow, UserRow};

use crate::known_names::Known;
use serde::Serialize;

use crate::AppState;
use crate::auth::{Caller, Office};
use crate::error::ApiError;
use crate::users::{Issued, one_time_hash};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/users/roster", post(upload_roster))
        .route("/api/users/roster-template.xlsx", get(template))
        .route("/api/plans/{id}/accounts", post(accounts_for_plan))
}

/// The largest roster file accepted.
pub const MAX_ROSTER_BYTES: usize = 2 * 1024 * 1024;

/// One thing wrong with a roster, where it is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterProblem {
    /// The row as Excel numbers it.
    pub row: Option<u32>,
    /// The column's header (单位, 姓名, 手机, 邮箱, 角色, 用户名).
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for RosterProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (&self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, "第 {r} 行「{c}」：{}", self.message),
            (Some(r), None) => write!(f, "第 {r} 行：{}", self.message),
            _ => write!(f, "{}", self.message),
        }
    }
}

/// Why a roster made no accounts.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RosterRefusal {
    pub error: String,
    pub problems: Vec<RosterProblem>,
}

#[derive(Debug)]
pub enum RosterFailure {
    /// The roster is wrong: nothing was created.
    Refused(RosterRefusal),
    Api(ApiError),
}

impl From<ApiError> for RosterFailure {
    fn from(e: ApiError) -> RosterFailure {
        RosterFailure::Api(e)
    }
}

impl From<luoshi_store::StoreError> for RosterFailure {
    fn from(e: luoshi_store::StoreError) -> RosterFailure {
        RosterFailure::Api(e.into())
    }
}

impl IntoResponse for RosterFailure {
    fn into_response(self) -> Response {
        match self {
            RosterFailure::Refused(r) => {
                (StatusCode::UNPROCESSABLE_ENTITY, Json(r)).into_response()
            }
            RosterFailure::Api(e) => e.into_response(),
        }
    }
}

fn refused(problems: Vec<RosterProblem>) -> RosterFailure {
    RosterFailure::Refused(RosterRefusal {
        error: format!("名单有 {} 处错误，未创建任何账号", problems.len()),
        problems,
    })
}

fn problem(row: u32, column: &str, message: impl Into<String>) -> RosterProblem {
    RosterProblem {
        row: Some(row),
        column: Some(column.to_string()),
        message: message.into(),
    }
}

/// A roster row checked: the account to make, or what is wrong with it.
fn check_line(
    line: &RosterLine,
    known: &Known,
) -> Result<(NewUser, Option<String>), Vec<RosterProblem>> {
    let row = line.row;
    let mut problems = Vec::new();
    let role = if line.role.is_empty() {
        Some(if known.district(&line.unit).is_some() {
            Role::DistrictReporter
        } else {
            Role::UnitReporter
        })
    } else {
        let role = Role::from_label(&line.role);
        if role.is_none() {
            problems.push(problem(
                row,
                "角色",
                format!(
                    "角色「{}」无效：应为{}",
                    line.role,
                    roster_sheet::ROLE_CHOICES.join("、")
                ),
            ));
        }
        role
    };
    let mobile = match luoshi_store::normalise_mobile(&line.mobile) {
        Ok(m) => m,
        Err(e) => {
            problems.push(problem(row, "手机", store_message(e)));
            None
        }
    };
    let (mut unit, mut district) = (None, None);
    match role {
        Some(Role::DistrictReporter) => match known.district(&line.unit) {
            Some(name) => district = Some(name.to_string()),
            None if line.unit.is_empty() => {
                problems.push(problem(row, "单位", "区填报员须填写所属区"));
            }
            None => problems.push(problem(row, "单位", known.unknown(&line.unit, true))),
        },
        Some(r) if r.needs_unit() => match known.unit(&line.unit) {
            Some(u) => unit = Some(u.name.clone()),
            None if line.unit.is_empty() => {
                problems.push(problem(row, "单位", format!("{}须填写所属单位", r.label())));
            }
            None => problems.push(problem(row, "单位", known.unknown(&line.unit, false))),
        },
        _ => {}
    }
    let username = if line.username.is_empty() {
        mobile.clone().unwrap_or_default()
    } else {
        line.username.clone()
    };
    // A refused mobile has its own message above; only both missing is a problem here.
    if username.is_empty() && line.mobile.is_empty() {
        problems.push(problem(
            row,
            "用户名",
            "用户名和手机不能都为空（不填用户名时以手机号作为用户名）",
        ));
    }
    let Some(role) = role.filter(|_| problems.is_empty()) else {
        return Err(problems);
    };
    let text = |t: &str| (!t.is_empty()).then(|| t.to_string());
    Ok((
        NewUser {
            username,
            display_name: text(&line.name),
            role,
            unit,
            district,
            email: text(&line.email),
            password_hash: String::new(),
            must_change_password: true,
        },
        mobile,
    ))
}

fn store_message(e: luoshi_store::StoreError) -> String {
    match e {
        luoshi_store::StoreError::Invalid { message, .. } => message,
        other => other.to_string(),
    }
}

/// The store's name for a field, as the roster's column header.
fn column_for(field: &str) -> &'static str {
    match field {
        "username" => "用户名",
        "unit" | "district" => "单位",
        "email" => "邮箱",
        "mobile" => "手机",
        "role" => "角色",
        _ => "单位",
    }
}

/// Hashes a one-time password for every entry, then creates them all (or none).
async fn create_all(
    s: &AppState,
    caller: &Caller,
    mut entries: Vec<(NewUser, Option<String>)>,
) -> Result<Result<Vec<Issued>, luoshi_store::Refusals>, ApiError> {
    let mut passwords = Vec::with_capacity(entries.len());
    for (user, _) in &mut entries {
        let (plain, hash) = one_time_hash().await?;
        user.password_hash = hash;
        passwords.push(plain);
    }
    Ok(s.store
        .create_users(&entries, &caller.actor())
        .await?
        .map(|made| {
            made.into_iter()
                .zip(passwords)
                .map(|(user, plain)| Issued::new(user, plain))
                .collect()
        }))
}

/// Creates every account of an uploaded roster, or none; the problems name their rows.
pub async fn import_roster(
    s: &AppState,
    caller: &Caller,
    bytes: &[u8],
) -> Result<Vec<Issued>, RosterFailure> {
    if bytes.len() > MAX_ROSTER_BYTES {
        return Err(refused(vec![RosterProblem {
            row: None,
            column: None,
            message: format!("文件超过 {} MB", MAX_ROSTER_BYTES / 1024 / 1024),
        }]));
    }
    let owned = bytes.to_vec();
    let lines = tokio::task::spawn_blocking(move || roster_sheet::read_roster(&owned))
        .await
        .map_err(|e| ApiError::internal(format!("读取名单中断：{e}")))?
        .map_err(|e| {
            refused(vec![RosterProblem {
                row: e.row,
                column: e
                    .column
                    .and_then(|c| roster_sheet::COLUMNS.get(c))
                    .map(|(n, _)| n.to_string()),
                message: e.message,
            }])
        })?;
    let known = Known::load(s).await?;
    let mut problems = Vec::new();
    let mut entries = Vec::new();
    let mut rows = Vec::new();
    let mut first_row_of: std::collections::HashMap<String, u32> = Default::default();
    for line in &lines {
        match check_line(line, &known) {
            Ok(entry) => {
                if let Some(first) = first_row_of.get(&entry.0.username) {
                    problems.push(problem(
                        line.row,
                        "用户名",
                        format!("用户名「{}」与第 {first} 行重复", entry.0.username),
                    ));
                    continue;
                }
                first_row_of.insert(entry.0.username.clone(), line.row);
                entries.push(entry);
                rows.push(line.row);
            }
            Err(mut p) => problems.append(&mut p),
        }
    }
    if !problems.is_empty() {
        return Err(refused(problems));
    }
    match create_all(s, caller, entries).await? {
        Ok(issued) => Ok(issued),
        Err(refusals) => Err(refused(
            refusals
                .into_iter()
                .map(|(index, field, message)| {
                    problem(
                        rows.get(index).copied().unwrap_or_default(),
                        column_for(&field),
                        message,
                    )
                })
                .collect(),
        )),
    }
}

/// A free user name for `wanted`: itself, or with -2, -3 … when taken.
fn free_name(wanted: &str, taken: &[String]) -> String {
    let mut name = wanted.to_string();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{wanted}-{n}");
        n += 1;
    }
    name
}

/// What one account per unit and district of plan `plan_id` would need: the units and
/// districts with tasks in it and no account that can sign in. A unit that leads a task gets a
/// lead reviewer (who also fills its own reports); a district its district reporter.
pub fn missing_accounts(units: &[UnitRow], users: &[UserRow]) -> Vec<NewUser> {
    let mut taken: Vec<String> = users.iter().map(|u| u.username.clone()).collect();
    let mut out = Vec::new();
    for unit in units
        .iter()
        .filter(|u| u.lead_count + u.responsible_count > 0)
    {
        let (role, belongs) = match &unit.district {
            Some(district) => (Role::DistrictReporter, district),
            None if unit.lead_count > 0 => (Role::LeadReviewer, &unit.name),
            None => (Role::UnitReporter, &unit.name),
        };
        let has_one = users.iter().filter(|u| !u.disabled).any(|u| match role {
            Role::DistrictReporter => u.district.as_deref() == Some(belongs.as_str()),
            _ => {
                matches!(u.role, Role::UnitReporter | Role::LeadReviewer)
                    && u.unit.as_deref() == Some(belongs.as_str())
            }
        });
        if has_one {
            continue;
        }
        let username = free_name(belongs, &taken);
        taken.push(username.clone());
        let (unit_name, district) = match role {
            Role::DistrictReporter => (None, Some(belongs.clone())),
            _ => (Some(belongs.clone()), None),
        };
        out.push(NewUser {
            username,
            display_name: Some(belongs.clone()),
            role,
            unit: unit_name,
            district,
            email: None,
            password_hash: String::new(),
            must_change_password: true,
        });
    }
    out
}

/// Creates the missing reporter accounts of a published plan (see [`missing_accounts`]).
pub async fn create_for_plan(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
) -> Result<Vec<Issued>, ApiError> {
    let plan = s.store.plan(plan_id).await?;
    if plan.status != "published" {
        return Err(ApiError::from(luoshi_store::StoreError::invalid(
            "plan",
            "方案尚未发布：发布后各单位、各区才有任务，再为它们开账号",
        )));
    }
    let units = s.store.units(Some(plan_id)).await?;
    let users = s.store.users().await?;
    let entries = missing_accounts(&units, &users)
        .into_iter()
        .map(|u| (u, None))
        .collect();
    match create_all(s, caller, entries).await? {
        Ok(issued) => Ok(issued),
        // Only a name taken between the read and the write gets here; trying again works.
        Err(refusals) => Err(ApiError::from(luoshi_store::StoreError::Conflict(
            refusals
                .into_iter()
                .map(|(_, _, m)| m)
                .collect::<Vec<_>>()
                .join("；"),
        ))),
    }
}

/// The handout (账号分发表) of `issued`, as an xlsx.
pub fn handout_xlsx(issued: &[Issued], address: &str) -> Result<Vec<u8>, ApiError> {
    let lines: Vec<HandoutLine> = issued
        .iter()
        .map(|i| HandoutLine {
            unit: i.unit.clone().unwrap_or_default(),
            name: i.display_name.clone(),
            role: i.role.clone(),
            username: i.username.clone(),
            password: i.one_time_password.clone(),
        })
        .collect();
    roster_sheet::write_handout("账号分发表", address, &lines)
        .map_err(|e| ApiError::internal(format!("生成账号分发表失败：{e}")))
}

/// The empty roster, with the directory's units and districts to choose from.
pub async fn roster_template(s: &AppState) -> Result<Vec<u8>, ApiError> {
    let known = Known::load(s).await?;
    let units: Vec<String> = known
        .units
        .iter()
        .filter(|u| u.kind != "district_government")
        .map(|u| u.name.clone())
        .collect();
    let districts: Vec<String> = known.districts.iter().map(|d| d.name.clone()).collect();
    roster_sheet::write_roster_template(&units, &districts)
        .map_err(|e| ApiError::internal(format!("生成名单模板失败：{e}")))
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[utoipa::path(post, path = "/api/users/roster", tag = "账号",
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "填好的联络员名单（单位、姓名、手机、邮箱、角色、用户名）"),
    responses((status = 201, body = Vec<Issued>, description = "全部创建，附一次性密码（只返回这一次）"),
        (status = 422, body = RosterRefusal, description = "名单有误：一个账号也未创建，逐行列出问题")))]
pub async fn upload_roster(
    State(s): State<AppState>,
    Office(caller): Office,
    body: Bytes,
) -> Result<(StatusCode, Json<Vec<Issued>>), RosterFailure> {
    let issued = import_roster(&s, &caller, &body).await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

#[utoipa::path(get, path = "/api/users/roster-template.xlsx", tag = "账号",
    responses((status = 200, description = "联络员名单模板（xlsx）")))]
pub async fn template(State(s): State<AppState>, Office(_): Office) -> Result<Response, ApiError> {
    Ok(crate::reporting::download(
        roster_template(&s).await?,
        XLSX,
        "联络员名单模板.xlsx",
    ))
}

#[utoipa::path(post, path = "/api/plans/{id}/accounts", tag = "账号", params(("id" = i64, Path)),
    responses((status = 201, body = Vec<Issued>, description = "为尚无账号的单位和区创建的账号，附一次性密码"),
        (status = 422, body = crate::ErrorBody, description = "方案尚未发布")))]
pub async fn accounts_for_plan(
    State(s): State<AppState>,
    Office(caller): Office,
    Path(plan_id): Path<i64>,
) -> Result<(StatusCode, Json<Vec<Issued>>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(create_for_plan(&s, &caller, plan_id).await?),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, lead: i64, responsible: i64, district: Option<&str>) -> UnitRow {
        UnitRow {
            id: 0,
            name: name.into(),
            kind: if district.is_some() {
                "district_government"
            } else {
                "department"
            }
            .into(),
            aliases: vec![],
            district: district.map(str::to_string),
            lead_count: lead,
            responsible_count: responsible,
        }
    }

    fn user(username: &str, role: Role, unit: Option<&str>, district: Option<&str>) -> UserRow {
        UserRow {
            id: 0,
            username: username.into(),
            display_name: username.into(),
            role,
            unit: unit.map(str::to_string),
            district: district.map(str::to_string),
            email: None,
            disabled: false,
            must_change_password: false,
            created_at: String::new(),
        }
    }

    #[test]
    fn each_unit_and_district_without_an_account_gets_one() {
        let units = [
            unit("市发展改革委", 3, 1, None),
            unit("市教育局", 0, 2, None),
            unit("江岸区人民政府", 0, 5, Some("江岸区")),
            unit("市档案馆", 0, 0, None),
            unit("市科技局", 1, 0, None),
        ];
        let users = [
            user("市科技局", Role::UnitReporter, Some("市科技局"), None),
            // Taken by someone of another unit: the new account gets a suffix.
            user("市教育局", Role::Leader, None, None),
        ];
        let made = missing_accounts(&units, &users);
        let got: Vec<(&str, Role)> = made.iter().map(|u| (u.username.as_str(), u.role)).collect();
        assert_eq!(
            got,
            vec![
                ("市发展改革委", Role::LeadReviewer),
                ("市教育局-2", Role::UnitReporter),
                ("江岸区", Role::DistrictReporter),
            ]
        );
        assert_eq!(made[2].district.as_deref(), Some("江岸区"));
    }

    #[test]
    fn a_disabled_account_does_not_count() {
        let units = [unit("市教育局", 0, 2, None)];
        let mut old = user("jyj", Role::UnitReporter, Some("市教育局"), None);
        old.disabled = true;
        assert_eq!(missing_accounts(&units, &[old]).len(), 1);
    }
}
