//! A bulletin as a workbook: a 通报 sheet with the text in order, and one sheet per table with the
//! same rows as the document.

use luoshi_export::spreadsheet;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, FormatAlign, FormatBorder, Workbook};

use crate::RenderError;
use crate::document::{Block, NumberedBlock, OfficialDocument};

/// A sheet name for `caption` that fits Excel's limit without cutting a word, unique among `used`.
fn sheet_name(caption: &str, used: &mut Vec<String>) -> String {
    let name = spreadsheet::fit_sheet_name(caption);
    let mut candidate = name.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        let suffix = n.to_string();
        let room = spreadsheet::SHEET_NAME_LIMIT - suffix.len();
        candidate = format!("{}{suffix}", name.chars().take(room).collect::<String>());
        n += 1;
    }
    used.push(candidate.clone());
    candidate
}

/// Width of the 通报 sheet's one column, in character units (a portrait A4 page).
const BODY_WIDTH: f64 = 90.0;

/// The .xlsx bytes.
pub fn render(doc: &OfficialDocument) -> Result<Vec<u8>, RenderError> {
    let mut workbook = Workbook::new();
    let base = spreadsheet::base_format();
    let wrap = base.clone().set_text_wrap().set_align(FormatAlign::Top);
    let bold = base.clone().set_bold();
    let title = base.clone().set_bold().set_font_size(16);
    let red = base.clone().set_bold().set_font_color("#B00020");
    let header = base
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#D9E1F2")
        .set_text_wrap();
    let cell = base
        .clone()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let mut used = vec!["通报".to_string()];
    let mut tables = Vec::new();
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name("通报")?;
        // The text reads as a page: one column a portrait A4 page wide.
        sheet.set_column_width(0, BODY_WIDTH)?;
        let mut row = 0u32;
        if doc.demo {
            sheet.write_string_with_format(row, 0, "演示数据", &red)?;
            row += 1;
        }
        if let Some(frame) = &doc.frame {
            let masthead = title.clone().set_font_color("#C00000");
            sheet.write_string_with_format(row, 0, &frame.issuer, &masthead)?;
            row += 1;
            if let Some(signer) = &frame.signer {
                sheet.write_string_with_format(row, 0, format!("签发人：{signer}"), &base)?;
                row += 1;
            }
        }
        sheet.write_string_with_format(row, 0, &doc.title, &title)?;
        match &doc.issue {
            Some(issue) => sheet.write_string(row + 1, 0, format!("{issue}　{}", doc.subtitle))?,
            None => sheet.write_string(row + 1, 0, &doc.subtitle)?,
        };
        row += 2;
        if let Some(foreword) = &doc.foreword {
            sheet.write_string_with_format(row, 0, format!("按：{foreword}"), &wrap)?;
            row += 1;
        }
        row += 1;
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
            sheet.write_string_with_format(row, 0, line, &base)?;
        }
        if let Some(frame) = &doc.frame {
            row += 1;
            if let Some(copies) = frame.copies_line() {
                row += 1;
                sheet.write_string_with_format(row, 0, copies, &base)?;
            }
            let (by, on) = frame.printed_line();
            row += 1;
            sheet.write_string_with_format(row, 0, format!("{by}　　{on}"), &base)?;
        }
        spreadsheet::print_setup(sheet, &doc.title, &[BODY_WIDTH], 0, row)?;
    }
    for (name, headers, rows) in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&name)?;
        let offset = u32::from(doc.demo);
        if doc.demo {
            sheet.write_string_with_format(0, 0, "演示数据", &red)?;
        }
        let names: Vec<&str> = headers.iter().map(String::as_str).collect();
        let widths = spreadsheet::column_widths(&names, &rows, 6.0, 40.0);
        for (c, (h, width)) in headers.iter().zip(&widths).enumerate() {
            sheet.write_string_with_format(offset, c as u16, h, &header)?;
            sheet.set_column_width(c as u16, *width)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, value) in row.iter().enumerate() {
                spreadsheet::write_cell(sheet, offset + 1 + r as u32, c as u16, value, &cell)?;
            }
        }
        sheet.set_freeze_panes(offset + 1, 0)?;
        spreadsheet::print_setup(
            sheet,
            &name,
            &widths,
            offset + 1,
            offset + rows.len() as u32,
        )?;
    }
    // Author and date from the document, so the same document gives the same bytes.
    let mut properties = DocProperties::new()
        .set_title(&doc.title)
        .set_author(doc.signature.first().map_or("", String::as_str));
    let date = doc
        .signature
        .last()
        .and_then(|d| crate::docx_package::printed_date(d))
        .unwrap_or((1980, 1, 1));
    if let Ok(created) = ExcelDateTime::from_ymd(date.0, date.1, date.2) {
        properties = properties.set_creation_datetime(&created);
    }
    workbook.set_properties(&properties);
    Ok(workbook.save_to_buffer()?)
}
