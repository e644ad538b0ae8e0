//! Files people download from the pages: the Content-Disposition that names them in Chinese, and
//! the 一区一表 sheet (shared by its page, its download and the .zip of every sheet).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use luoshi_store::DistrictTable;

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub(crate) const DOCX: &str =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// RFC 5987 encoding for a file name in Content-Disposition.
pub(crate) fn percent(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// `bytes` as a download named `file` (`ascii` for clients that cannot read the UTF-8 name).
pub(crate) fn attachment(bytes: Vec<u8>, file: &str, ascii: &str, content_type: &str) -> Response {
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        percent(file)
    );
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The columns offices print a district table with.
pub(crate) const DISTRICT_COLUMNS: [(&str, f64); 7] = [
    ("序号", 12.0),
    ("工作任务", 34.0),
    ("年度目标", 36.0),
    ("牵头单位", 22.0),
    ("责任单位", 30.0),
    ("完成时限", 14.0),
    ("备注", 20.0),
];

/// The district table as printed rows: 序号, 工作任务, 年度目标, 牵头单位, 责任单位, 完成时限, 备注.
pub fn district_rows(table: &DistrictTable) -> Vec<Vec<String>> {
    table
        .rows
        .iter()
        .map(|r| {
            let targets: Vec<String> = r
                .targets
                .iter()
                .map(|t| match (t.source.as_str(), t.value) {
                    ("per_each" | "manual", Some(v)) => format!(
                        "{}（本区 {}{}）",
                        t.text,
                        crate::pages::number(v),
                        t.unit.clone().unwrap_or_default()
                    ),
                    ("existing", _) => format!("{}（现有数量，不评价）", t.text),
                    _ => format!("{}（全市目标，未分解）", t.text),
                })
                .collect();
            let mut note = Vec::new();
            match r.role.as_str() {
                "lead" if !r.hand_added => note.push("本区牵头".to_string()),
                "responsible" => note.push("本区参与".to_string()),
                "share" => note.push("承担分解目标".to_string()),
                _ => {}
            }
            if r.hand_added {
                note.push("一区一表补充".to_string());
            }
            note.extend(r.note.clone());
            vec![
                r.path.clone(),
                r.title.clone(),
                targets.join("；"),
                r.lead.join("、"),
                r.responsible.join("、"),
                r.deadline.clone().unwrap_or_default(),
                note.join("；"),
            ]
        })
        .collect()
}

/// A district's 一区一表 as the spreadsheet it prints as.
pub(crate) fn district_sheet(
    table: &DistrictTable,
    demo: bool,
) -> Result<Vec<u8>, luoshi_export::ExportError> {
    let demo = if demo { "【演示数据】" } else { "" };
    let title = format!("{demo}{} 年度任务表（一区一表）", table.district.name);
    Ok(luoshi_export::table_xlsx(
        &title,
        &DISTRICT_COLUMNS,
        &district_rows(table),
    )?)
}
