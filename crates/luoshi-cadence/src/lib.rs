//! luoshi-cadence: what the office walks into each meeting with. [`monthly`] computes the monthly
//! dispatch bulletin (调度通报) from a ledger [`Snapshot`](luoshi_store::Snapshot) with the rules of
//! `luoshi-evaluation`; [`document`] lays any bulletin out as an official document and renders it
//! as .docx ([`docx`]), .xlsx ([`xlsx`]) or printable HTML ([`html`]).

pub mod document;
pub mod docx;
pub mod html;
pub mod monthly;
pub mod simulate;
pub mod xlsx;

pub use document::{Block, OfficialDocument, Section};
pub use monthly::MonthlyBulletin;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("生成 Word 文档失败：{0}")]
    Docx(String),
    #[error("生成 xlsx 失败：{0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// The formats a bulletin comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Xlsx,
    Html,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        match text.trim().to_ascii_lowercase().as_str() {
            "docx" => Some(Format::Docx),
            "xlsx" => Some(Format::Xlsx),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Html => "html",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Html => "text/html; charset=utf-8",
        }
    }
}

/// Renders `doc` in `format`.
pub fn render(doc: &OfficialDocument, format: Format) -> Result<Vec<u8>, RenderError> {
    match format {
        Format::Docx => docx::render(doc),
        Format::Xlsx => xlsx::render(doc),
        Format::Html => Ok(html::render(doc).into_bytes()),
    }
}
