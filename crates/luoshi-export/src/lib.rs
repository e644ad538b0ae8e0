//! luoshi-export: a resolved plan as the task table (任务分解表) offices print and pass around, in
//! JSON (the stable format of `docs/plan-json.md`), Markdown, CSV and xlsx.

pub mod allocation_sheet;
mod csv_table;
mod json;
mod markdown;
pub mod report_sheet;
pub mod roster_sheet;
pub mod spreadsheet;
mod table;
mod xlsx;

pub use csv_table::to_csv;
pub use json::{PlanJson, to_json};
pub use markdown::to_markdown;
pub use table::{Row, rows};
pub use xlsx::{table_xlsx, to_xlsx};

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("生成 xlsx 失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("生成 CSV 失败：{0}")]
    Csv(#[from] csv::Error),
    #[error("生成 JSON 失败：{0}")]
    Json(#[from] serde_json::Error),
}

/// The output formats of `luoshi parse`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
    Csv,
    Xlsx,
}

impl Format {
    /// The format a file name asks for by its extension.
    pub fn from_path(path: &str) -> Option<Format> {
        let lower = path.to_ascii_lowercase();
        let ext = lower.rsplit_once('.')?.1;
        Some(match ext {
            "json" => Format::Json,
            "md" | "markdown" => Format::Markdown,
            "csv" => Format::Csv,
            "xlsx" => Format::Xlsx,
            _ => return None,
        })
    }
}

/// Renders `plan` in `format`.
pub fn render(plan: &luoshi_extract::PlanDraft, format: Format) -> Result<Vec<u8>, ExportError> {
    Ok(match format {
        Format::Json => to_json(plan)?.into_bytes(),
        Format::Markdown => to_markdown(plan).into_bytes(),
        Format::Csv => to_csv(plan)?,
        Format::Xlsx => to_xlsx(plan)?,
    })
}
