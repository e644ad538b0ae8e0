//! A bulletin as a workbook: a 通报 sheet with the text in order, and one sheet per table with the
//! same rows as the document.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use crate::RenderError;
use crate::document::{Block, NumberedBlock, OfficialDocument};

fn sheet_name(caption: &str, used: &mut Vec<String>) -> String {
    let mut name: String = caption
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(28)
        .collect();
    if name.is_empty() {
        name = "表".into();
    }
    let mut candidate = name.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{name}{n}");
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

/// The .xlsx bytes.
pub fn render(doc: &OfficialDocument) -> Result<Vec<u8>, RenderError> {
    let mut workbook = Workbook::new();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(16);
    let red = Format::new().set_bold().set_font_color("#B00020");
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#D9E1F2")
        .set_text_wrap();
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let mut used = vec!["通报".to_string()];
    let mut tables = Vec::new();
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name("通报")?;
        sheet.set_column_width(0, 110)?;
        let mut row = 0u32;
        if doc.demo {
            sheet.write_string_with_format(row, 0, "演示数据", &red)?;
            row += 1;
        }
        sheet.write_string_with_format(row, 0, &doc.title, &title)?;
        match &doc.issue {
            Some(issue) => sheet.write_string(row + 1, 0, format!("{issue}　{}", doc.subtitle))?,
            None => sheet.write_string(row + 1, 0, &doc.subtitle)?,
        };
        row += 3;
        for (heading, blocks) in doc.numbered() {
            sheet.write_string_with_format(row, 0, &heading, &bold)?;
            row += 1;
            for block in blocks {
                match block {
                    NumberedBlock::Subheading(text) => {
                        sheet.write_string_with_format(row, 0, text.as_str(), &bold)?;
                        row += 1;
                    }
                    NumberedBlock::Other(Block::Subheading(text)) => {
                        sheet.write_string_with_format(row, 0, text.as_str(), &bold)?;
                        row += 1;
                    }
                    NumberedBlock::Other(Block::Paragraph(text)) => {
                        sheet.write_string_with_format(row, 0, text, &wrap)?;
                        row += 1;
                    }
                    NumberedBlock::Other(Block::Items(items)) => {
                        for (i, item) in items.iter().enumerate() {
                            sheet.write_string_with_format(
                                row,
                                0,
                                format!("{}. {item}", i + 1),
                                &wrap,
                            )?;
                            row += 1;
                        }
                    }
                    NumberedBlock::Other(Block::Table {
                        caption,
                        headers,
                        rows,
                    }) => {
                        let name = sheet_name(caption, &mut used);
                        sheet.write_string(
                            row,
                            0,
                            format!("见工作表「{name}」（{} 行）", rows.len()),
                        )?;
                        row += 1;
                        tables.push((name, headers.clone(), rows.clone()));
                    }
                }
            }
        }
        for line in &doc.signature {
            row += 1;
            sheet.write_string(row, 0, line)?;
        }
    }
    for (name, headers, rows) in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name)?;
        let offset = u32::from(doc.demo);
        if doc.demo {
            sheet.write_string_with_format(0, 0, "演示数据", &red)?;
        }
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string_with_format(offset, c as u16, h, &header)?;
            sheet.set_column_width(c as u16, if c == 1 { 40 } else { 14 })?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                sheet.write_string_with_format(offset + 1 + r as u32, c as u16, value, &cell)?;
            }
        }
        sheet.set_freeze_panes(offset + 1, 0)?;
    }
    Ok(workbook.save_to_buffer()?)
}
