//! 政策支持 on the pages: what a task gives beneficiaries, in the plan's words, and the plan's
//! 政策支持 sheet for tracking 政策兑现. Never a target: no status, no report asks for it.

use axum::extract::{Path, State};
use axum::response::Response;
use luoshi_extract::SupportKind;
use luoshi_store::SupportRow;

use luoshi_server::AppState;
use luoshi_server::auth::Caller;

use crate::download::{XLSX, attachment};
use crate::pages::{PageError, number, visible};

/// `资金`, `比例`, `期限`, `名额` for a stored kind code.
pub fn kind_label(code: &str) -> &'static str {
    serde_json::from_value::<SupportKind>(serde_json::Value::String(code.to_string()))
        .map_or("其他", SupportKind::label)
}

/// `最高100万元`, `不低于10亿元`, `30%`, `3—12个月`: the amount as a reader says it.
pub fn amount(s: &SupportRow) -> String {
    let v = number(s.value);
    let unit = &s.unit;
    match (s.qualifier.as_str(), s.max) {
        ("range", Some(m)) => format!("{v}—{}{unit}", number(m)),
        ("at_most", _) => format!("最高{v}{unit}"),
        ("at_least", _) => format!("不低于{v}{unit}"),
        ("more_than", _) => format!("超过{v}{unit}"),
        ("about", _) => format!("{v}{unit}左右"),
        _ => format!("{v}{unit}"),
    }
}

const COLUMNS: [(&str, f64); 5] = [
    ("任务编号", 12.0),
    ("任务", 30.0),
    ("类别", 8.0),
    ("额度", 16.0),
    ("原文", 60.0),
];

/// `GET /plans/{id}/support.xlsx`: every support measure of the plan, task by task.
pub async fn support_xlsx(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    visible(&s, &caller, id).await?;
    let plan = s.store.plan(id).await?;
    let rows: Vec<Vec<String>> = s
        .store
        .support_measures(id)
        .await?
        .iter()
        .map(|m| {
            vec![
                m.task_path.clone(),
                m.task_title.clone(),
                kind_label(&m.kind).to_string(),
                amount(m),
                m.purpose.clone(),
            ]
        })
        .collect();
    let demo = if s.demo { "【演示数据】" } else { "" };
    let title = format!(
        "{demo}{} 政策支持清单",
        plan.title.as_deref().unwrap_or("方案")
    );
    let bytes = luoshi_export::table_xlsx(&title, &COLUMNS, &rows)
        .map_err(|e| PageError::internal(format!("生成 xlsx 失败：{e}")))?;
    Ok(attachment(bytes, "政策支持清单.xlsx", "support.xlsx", XLSX))
}
