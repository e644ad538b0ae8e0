//! 任务分解表 for one unit: everything it leads and shares in a plan — the tasks, its targets,
//! deadlines and milestones — as the spreadsheet and the Word document an office hands out, from
//! the unit's page; and every unit's and district's sheet at once as a .zip.

use std::io::Write;

use axum::extract::{Path, State};
use axum::response::Response;
use luoshi_cadence::document::{Block, OfficialDocument, Section};
use luoshi_server::AppState;
use luoshi_server::auth::Caller;

use crate::download::{DOCX, XLSX, attachment, district_sheet};
use crate::pages::{PageError, visible};

/// The columns of a unit's sheet.
const COLUMNS: [(&str, f64); 7] = [
    ("序号", 12.0),
    ("工作任务", 30.0),
    ("本单位职责", 10.0),
    ("目标", 30.0),
    ("节点", 16.0),
    ("完成时限", 12.0),
    ("牵头单位 / 责任单位", 30.0),
];

/// One row per task the unit is assigned, leads first, in plan order.
async fn unit_rows(s: &AppState, plan_id: i64, unit: &str) -> Result<Vec<Vec<String>>, PageError> {
    let assignments = s.store.assignments(plan_id, Some(unit), None).await?;
    rows_of(s, assignments).await
}

/// The rows of a unit's sheet from its assignments.
async fn rows_of(
    s: &AppState,
    mut assignments: Vec<luoshi_store::AssignmentRow>,
) -> Result<Vec<Vec<String>>, PageError> {
    // A unit that leads a task is its lead there, whatever else it is assigned.
    assignments.sort_by_key(|a| (a.role != "lead", a.task_id));
    let mut seen = Vec::new();
    let mut rows = Vec::new();
    for a in assignments {
        if seen.contains(&a.task_id) {
            continue;
        }
        seen.push(a.task_id);
        let task = s.store.task(a.task_id).await?;
        let mut targets = Vec::new();
        let mut milestones = Vec::new();
        for t in &task.targets {
            let share = a
                .district
                .as_deref()
                .and_then(|d| t.shares.iter().find(|sh| sh.district == d));
            targets.push(match share {
                Some(sh) => format!(
                    "{}（本区 {}{}）",
                    t.text,
                    crate::pages::number(sh.value),
                    t.unit
                ),
                None => t.text.clone(),
            });
            for m in s.store.milestones(t.id).await? {
                milestones.push(format!(
                    "{}月底 {}%",
                    m.month,
                    crate::pages::number(m.fraction * 100.0)
                ));
            }
        }
        let role = if a.role == "lead" { "牵头" } else { "责任" };
        rows.push(vec![
            a.task_path.clone(),
            a.task_title.clone(),
            role.to_string(),
            targets.join("；"),
            milestones.join("；"),
            task.row.deadline.clone().unwrap_or_default(),
            format!(
                "牵头：{}；责任：{}",
                task.row.lead.join("、"),
                task.row.responsible.join("、")
            ),
        ]);
    }
    Ok(rows)
}

/// The unit `name` stands for (an alias reaches it) and its sheet's rows, for a caller who may
/// see the plan; 404 for a unit without tasks in it.
async fn unit_sheet(
    s: &AppState,
    caller: &Caller,
    plan_id: i64,
    name: &str,
) -> Result<(String, Vec<Vec<String>>), PageError> {
    visible(s, caller, plan_id).await?;
    let own = s.store.assignments(plan_id, Some(name), None).await?;
    let Some(unit) = own.first().map(|a| a.unit.clone()) else {
        return Err(PageError::new(
            axum::http::StatusCode::NOT_FOUND,
            format!("「{name}」在本方案中没有任务"),
        ));
    };
    let rows = rows_of(s, own).await?;
    Ok((unit, rows))
}

/// `GET /plans/{id}/units/{name}/tasks.xlsx`.
pub async fn unit_xlsx(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let (unit, rows) = unit_sheet(&s, &caller, id, &name).await?;
    let title = format!("{unit}任务分解表");
    let bytes = luoshi_export::table_xlsx(&title, &COLUMNS, &rows)
        .map_err(|e| PageError::internal(format!("生成 xlsx 失败：{e}")))?;
    Ok(attachment(
        bytes,
        &format!("{title}.xlsx"),
        "tasks.xlsx",
        XLSX,
    ))
}

/// `GET /plans/{id}/units/{name}/tasks.docx`: the same table as an 附件 of a short 公文 text.
pub async fn unit_docx(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    let (unit, rows) = unit_sheet(&s, &caller, id, &name).await?;
    let leads = rows.iter().filter(|r| r[2] == "牵头").count();
    let paragraph = format!(
        "{unit}在本方案中牵头任务 {leads} 项，承担责任任务 {} 项，逐项列于下表。",
        rows.len() - leads
    );
    let doc = sheet_document(
        &s,
        id,
        &format!("{unit}任务分解表"),
        paragraph,
        &COLUMNS,
        rows,
    )
    .await?;
    word(&doc, &format!("{unit}任务分解表.docx"), "tasks.docx")
}

/// `doc` as a Word download named `file`.
fn word(doc: &OfficialDocument, file: &str, ascii: &str) -> Result<Response, PageError> {
    let bytes = luoshi_cadence::render(doc, luoshi_cadence::Format::Docx)
        .map_err(|e| PageError::internal(format!("生成 Word 文档失败：{e}")))?;
    Ok(attachment(bytes, file, ascii, DOCX))
}

/// `GET /plans/{id}/districts/{name}/table.docx`: the district's 一区一表 as a short 公文 in the
/// plan's frame with the table as its 附件.
pub async fn district_docx(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    visible(&s, &caller, id).await?;
    let table = s.store.district_table(id, &name).await?;
    let district = table.district.name.clone();
    let rows = crate::download::district_rows(&table);
    let title = format!("{district}年度任务表（一区一表）");
    let paragraph = format!(
        "{district}在本方案中承担任务 {} 项，逐项列于下表。",
        rows.len()
    );
    let doc = sheet_document(
        &s,
        id,
        &title,
        paragraph,
        &crate::download::DISTRICT_COLUMNS,
        rows,
    )
    .await?;
    word(
        &doc,
        &format!("{district}-一区一表.docx"),
        "district-table.docx",
    )
}

/// A task sheet as a 公文: a line of text, the table as its 附件, in the plan's frame.
async fn sheet_document(
    s: &AppState,
    plan_id: i64,
    title: &str,
    paragraph: String,
    columns: &[(&str, f64)],
    rows: Vec<Vec<String>>,
) -> Result<OfficialDocument, PageError> {
    let plan = s.store.plan(plan_id).await?;
    let settings = s.store.document_settings(plan_id).await?;
    let today = s.today();
    Ok(OfficialDocument {
        title: title.to_string(),
        subtitle: format!(
            "（{}）",
            plan.plan_title
                .clone()
                .or(plan.title.clone())
                .unwrap_or_default()
        ),
        signature: vec![
            settings.issuer.clone(),
            format!("{}年{}月{}日", today.year, today.month, today.day),
        ],
        demo: plan.demo || s.demo,
        issue: None,
        sections: vec![Section {
            heading: "任务清单".into(),
            blocks: vec![
                Block::Paragraph(paragraph),
                Block::Table {
                    caption: title.to_string(),
                    headers: columns.iter().map(|(h, _)| h.to_string()).collect(),
                    rows,
                },
            ],
        }],
        frame: None,
        foreword: None,
    }
    .framed(&settings))
}

/// `GET /plans/{id}/task-sheets.zip`: every assigned unit's and every district's sheet.
pub async fn all_zip(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    visible(&s, &caller, id).await?;
    let mut units: Vec<String> = Vec::new();
    for a in s.store.assignments(id, None, None).await? {
        if a.district.is_none() && !units.contains(&a.unit) {
            units.push(a.unit);
        }
    }
    let failed = |e: &dyn std::fmt::Display| PageError::internal(format!("生成压缩包失败：{e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for unit in &units {
        let rows = unit_rows(&s, id, unit).await?;
        let title = format!("{unit}任务分解表");
        let bytes = luoshi_export::table_xlsx(&title, &COLUMNS, &rows).map_err(|e| failed(&e))?;
        zip.start_file(format!("单位/{title}.xlsx"), options)
            .map_err(|e| failed(&e))?;
        zip.write_all(&bytes).map_err(|e| failed(&e))?;
    }
    for district in s.store.districts().await? {
        let table = s.store.district_table(id, &district.name).await?;
        if table.rows.is_empty() {
            continue;
        }
        let bytes = district_sheet(&table, s.demo).map_err(|e| failed(&e))?;
        zip.start_file(
            format!("各区/{}一区一表.xlsx", table.district.name),
            options,
        )
        .map_err(|e| failed(&e))?;
        zip.write_all(&bytes).map_err(|e| failed(&e))?;
    }
    let bytes = zip.finish().map_err(|e| failed(&e))?.into_inner();
    Ok(attachment(
        bytes,
        "各单位任务分解表.zip",
        "task-sheets.zip",
        "application/zip",
    ))
}
