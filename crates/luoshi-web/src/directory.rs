//! 名录: the office keeps the directory — units and their aliases, districts, groups — in the
//! browser, downloads and uploads the same TOML `--directory` reads, and finds entries by a
//! partial name (发改委 finds 市发展改革委). Every form goes through the API's functions, so a save
//! is checked, kept as a version, audited and in force for later resolution at once.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use luoshi_directory::suggest::matches_partially;
use luoshi_directory::{DirectoryEdit, District, Group, Unit};
use luoshi_server::AppState;
use luoshi_server::auth::{Caller, Office};
use luoshi_server::directory::{self, Saved};
use serde::Deserialize;

use crate::nav::{Here, Nav};
use crate::pages::{PageError, render};

#[derive(Template)]
#[template(path = "directory.html")]
struct DirectoryPage {
    nav: Nav,
    csrf: String,
    /// 第 N 版, by whom, when (Beijing time); `None`: as the server started.
    version: Option<String>,
    query: String,
    units: Vec<Unit>,
    districts: Vec<District>,
    groups: Vec<Group>,
    total_units: usize,
    message: Option<String>,
    changes: Vec<String>,
    /// The form that failed (`unit:市科技局`, `unit:`, `upload`) and why.
    error_form: String,
    error: Option<String>,
    /// What the failed form held.
    typed: Vec<(String, String)>,
}

impl DirectoryPage {
    fn error_for(&self, form: &str) -> Option<&str> {
        (self.error_form == form)
            .then_some(self.error.as_deref())
            .flatten()
    }

    /// A field of the failed form `form`, else `stored`.
    fn value<'a>(&'a self, form: &str, field: &str, stored: &'a str) -> &'a str {
        if self.error_form == form {
            self.typed
                .iter()
                .find(|(k, _)| k == field)
                .map_or("", |(_, v)| v.as_str())
        } else {
            stored
        }
    }

    fn joined(names: &[String]) -> String {
        names.join("、")
    }
}

#[derive(Default)]
struct Outcome {
    status: Option<StatusCode>,
    message: Option<String>,
    changes: Vec<String>,
    error_form: String,
    error: Option<String>,
    typed: Vec<(String, String)>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Filter {
    #[serde(default)]
    q: String,
}

/// Whether the filter `q` finds one of an entry's names.
fn found<'a>(q: &str, mut names: impl Iterator<Item = &'a String>) -> bool {
    names.any(|n| matches_partially(q, n))
}

async fn page(
    s: &AppState,
    caller: &Caller,
    query: &str,
    outcome: Outcome,
) -> Result<Response, PageError> {
    let current = s.directory.current();
    let version = s.store.saved_directory().await?.map(|v| {
        let at = luoshi_reporting::beijing_time(&v.saved_at).unwrap_or(v.saved_at);
        format!("第 {} 版，{} 于 {at} 保存", v.version, v.saved_by)
    });
    let q = query.trim();
    let units = current
        .units
        .iter()
        .filter(|u| found(q, std::iter::once(&u.name).chain(&u.aliases)))
        .cloned()
        .collect();
    let districts = current
        .districts
        .iter()
        .filter(|d| found(q, [&d.name, &d.government].into_iter().chain(&d.aliases)))
        .cloned()
        .collect();
    let groups = current
        .groups
        .iter()
        .filter(|g| found(q, std::iter::once(&g.name).chain(&g.aliases)))
        .cloned()
        .collect();
    let body = DirectoryPage {
        nav: Nav::build(s, caller, None, Here::Directory).await?,
        csrf: caller.csrf_token.clone(),
        version,
        query: q.to_string(),
        units,
        districts,
        groups,
        total_units: current.units.len(),
        message: outcome.message,
        changes: outcome.changes,
        error_form: outcome.error_form,
        error: outcome.error,
        typed: outcome.typed,
    };
    Ok((outcome.status.unwrap_or(StatusCode::OK), render(body)?).into_response())
}

pub async fn directory_page(
    State(s): State<AppState>,
    Office(caller): Office,
    Query(filter): Query<Filter>,
) -> Result<Response, PageError> {
    page(&s, &caller, &filter.q, Outcome::default()).await
}

fn saved(
    result: Result<Saved, luoshi_server::ApiError>,
    form: String,
    typed: Vec<(String, String)>,
) -> Result<Outcome, PageError> {
    match result {
        Ok(saved) if saved.changes.is_empty() => Ok(Outcome {
            message: Some("名录没有变化。".into()),
            ..Outcome::default()
        }),
        Ok(saved) => Ok(Outcome {
            message: Some("名录已保存，此后导入、核对和发布的方案按新名录识别单位。".into()),
            changes: saved.changes,
            ..Outcome::default()
        }),
        Err(e) if e.status.is_client_error() => Ok(Outcome {
            status: Some(e.status),
            error_form: form,
            error: Some(e.body.error),
            typed,
            ..Outcome::default()
        }),
        Err(e) => Err(e.into()),
    }
}

fn field(fields: &[(String, String)], key: &str) -> String {
    fields
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_default()
}

fn optional(fields: &[(String, String)], key: &str) -> Option<String> {
    Some(field(fields, key)).filter(|v| !v.is_empty())
}

/// `简称一、简称二` (or separated by ，,；; or spaces) → the names.
fn list(fields: &[(String, String)], key: &str) -> Vec<String> {
    field(fields, key)
        .split(['、', '，', ',', '；', ';', ' ', '　'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect()
}

/// The edit a 名录 form asks for: its `kind` (`unit`, `district`, `group`, each with `remove`
/// set to delete), the entry's `previous` name when it changes one, and the entry's fields.
fn edit_of(fields: &[(String, String)]) -> Result<DirectoryEdit, String> {
    let name = field(fields, "name");
    let previous = optional(fields, "previous");
    let remove = !field(fields, "remove").is_empty();
    // 删除 removes the entry the form shows, whatever was typed over its name.
    let shown = || previous.clone().unwrap_or_else(|| name.clone());
    Ok(match (field(fields, "kind").as_str(), remove) {
        ("unit", true) => DirectoryEdit::RemoveUnit { name: shown() },
        ("unit", false) => DirectoryEdit::PutUnit {
            previous,
            name,
            aliases: list(fields, "aliases"),
        },
        ("district", true) => DirectoryEdit::RemoveDistrict { name: shown() },
        ("district", false) => DirectoryEdit::PutDistrict {
            previous,
            name,
            government: field(fields, "government"),
            group: optional(fields, "group"),
            zone: optional(fields, "zone"),
            aliases: list(fields, "aliases"),
        },
        ("group", true) => DirectoryEdit::RemoveGroup { name: shown() },
        ("group", false) => DirectoryEdit::PutGroup {
            previous,
            name,
            aliases: list(fields, "aliases"),
            all_districts: !field(fields, "all_districts").is_empty(),
            district_group: optional(fields, "district_group"),
            members: list(fields, "members"),
            selective: !field(fields, "selective").is_empty(),
        },
        (other, _) => return Err(format!("没有「{other}」这类名录条目")),
    })
}

/// One entry added, changed or removed.
pub async fn edit(
    State(s): State<AppState>,
    Office(caller): Office,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let form = format!("{}:{}", field(&fields, "kind"), field(&fields, "previous"));
    let edit = edit_of(&fields).map_err(|e| PageError::new(StatusCode::BAD_REQUEST, e))?;
    let result = directory::apply_edit(&s, &caller, &edit).await;
    let query = field(&fields, "q");
    let outcome = saved(result, form, fields)?;
    page(&s, &caller, &query, outcome).await
}

/// The directory as TOML, to edit in a text editor or pass to `--directory`.
pub async fn download(State(s): State<AppState>, Office(_): Office) -> Result<Response, PageError> {
    let text = directory::current_toml(&s).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/toml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"directory.toml\"",
            ),
        ],
        text,
    )
        .into_response())
}

/// A whole directory uploaded as TOML (the multipart field `file`).
pub async fn upload(
    State(s): State<AppState>,
    Office(caller): Office,
    mut form: Multipart,
) -> Result<Response, PageError> {
    let refuse = |message: String| Outcome {
        status: Some(StatusCode::BAD_REQUEST),
        error_form: "upload".into(),
        error: Some(message),
        ..Outcome::default()
    };
    let bytes = match crate::upload_field::file_field(
        &mut form,
        directory::MAX_DIRECTORY_BYTES,
        "请选择名录文件（.toml）",
    )
    .await
    {
        Ok((_, bytes)) => bytes,
        Err(message) => return page(&s, &caller, "", refuse(message)).await,
    };
    let result = directory::save_toml(&s, &caller, &bytes).await;
    let outcome = saved(result, "upload".into(), Vec::new())?;
    page(&s, &caller, "", outcome).await
}
