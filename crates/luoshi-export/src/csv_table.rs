//! CSV of the task table, UTF-8 with a byte-order mark so that Excel shows the Chinese text.
//! Cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
//! at the start) are written with a leading apostrophe, as OWASP advises against CSV
//! injection: Excel shows the text and runs nothing.

use std::borrow::Cow;

use luoshi_extract::PlanDraft;

use crate::table::{HEADERS, rows};

pub fn to_csv(plan: &PlanDraft) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    writer.write_record(HEADERS)?;
    for row in rows(plan) {
        writer.write_record(row.cells().map(|c| inert(c).into_owned()))?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// `cell`, made inert if a spreadsheet would take it for a formula.
pub fn inert(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn formula_cells_are_made_inert() {
        for cell in [
            "=HYPERLINK(\"http://x\")",
            "+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(inert(cell), format!("'{cell}"));
        }
        for cell in ["二.（一）.1", "市科技局", "", "1-2 月", "a=b"] {
            assert_eq!(inert(cell), cell);
        }
    }
}
