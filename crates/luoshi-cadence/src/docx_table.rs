//! The 附件 tables of a .docx, written as WordprocessingML directly. docx-rs builds every cell as
//! a tree of objects and then walks it into XML; for the 指标进度一览 of a province-scale plan
//! (8,000 rows) that took most of a second. This writes the same XML (a test compares it with
//! docx-rs's, element for element) straight into a string, and the package step puts it where
//! docx-rs left a placeholder paragraph.

use luoshi_export::spreadsheet;

/// Half-points: 5号.
pub(crate) const TABLE_SIZE: usize = 21;
pub(crate) const TABLE_FONT: &str = "仿宋_GB2312";

/// The text of the paragraph a table replaces; no plan's text contains it.
pub(crate) const PLACEHOLDER: &str = "luoshi-docx-table-placeholder-8d1f2c-";

/// Twips a cell's text needs on one line at the table's 10.5 pt: a CJK character is as wide as
/// the font size, other characters about half.
pub(crate) fn text_twips(text: &str) -> usize {
    const CJK: usize = TABLE_SIZE * 10;
    text.chars()
        .map(|c| if c.is_ascii() { CJK * 5 / 8 } else { CJK })
        .sum()
}

/// Column widths in twips from the content. Short columns — numbers, statuses, paths — get what
/// their widest cell needs so they never wrap; the long text columns share the rest of the page
/// width in proportion to their content.
pub(crate) fn column_widths(
    headers: &[String],
    rows: &[Vec<String>],
    text_width: usize,
) -> Vec<usize> {
    // The cell's own margins (2 × 108 twips) and some air.
    const PADDING: usize = 400;
    const SHORT: usize = TABLE_SIZE * 10 * 8 + PADDING;
    const MIN_TEXT: usize = 1200;
    let columns = headers.len().max(1);
    let need: Vec<usize> = (0..columns)
        .map(|col| {
            let widest_cell = rows
                .iter()
                .filter_map(|row| row.get(col))
                .map(|cell| text_twips(cell))
                .max()
                .unwrap_or(0);
            // A header wraps over two lines before it widens a column.
            let header = headers.get(col).map_or(0, |h| text_twips(h).div_ceil(2));
            widest_cell.max(header) + PADDING
        })
        .collect();
    let short: Vec<bool> = need.iter().map(|&n| n <= SHORT).collect();
    let fixed: usize = need
        .iter()
        .zip(&short)
        .filter(|(_, s)| **s)
        .map(|(n, _)| n)
        .sum();
    let text_need: usize = need
        .iter()
        .zip(&short)
        .filter(|(_, s)| !**s)
        .map(|(n, _)| n)
        .sum();
    let text_room = text_width.saturating_sub(fixed);
    if text_need == 0 || fixed >= text_width {
        // Only short columns, or too many to fit: share the width in proportion.
        let total: usize = need.iter().sum::<usize>().max(1);
        return need.iter().map(|n| n * text_width / total).collect();
    }
    need.iter()
        .zip(&short)
        .map(|(&n, &is_short)| {
            if is_short {
                n
            } else {
                (n * text_room / text_need).max(MIN_TEXT.min(text_room))
            }
        })
        .collect()
}

/// How a cell's paragraph is aligned: headers centred, figures on the right (with their units).
pub(crate) fn alignment(text: &str, header: bool) -> Option<&'static str> {
    if header {
        Some("center")
    } else if matches!(
        spreadsheet::typed(text),
        spreadsheet::CellValue::Number { .. }
    ) {
        Some("right")
    } else {
        None
    }
}

/// As docx-rs writes a run's text: line breaks dropped (`Run::add_text`), carriage returns
/// dropped (LibreOffice rejects them escaped), the XML specials escaped.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\n' | '\r' => {}
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

fn cell_into(out: &mut String, text: &str, width: usize, header: bool) {
    use std::fmt::Write;
    let _ = write!(
        out,
        r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa" /></w:tcPr><w:p><w:pPr><w:rPr />"#
    );
    if let Some(jc) = alignment(text, header) {
        let _ = write!(out, r#"<w:jc w:val="{jc}" />"#);
    }
    let _ = write!(
        out,
        r#"</w:pPr><w:r><w:rPr><w:sz w:val="{TABLE_SIZE}" /><w:szCs w:val="{TABLE_SIZE}" />"#
    );
    if header {
        out.push_str("<w:b /><w:bCs />");
    }
    let _ = write!(
        out,
        r#"<w:rFonts w:ascii="{TABLE_FONT}" w:hAnsi="{TABLE_FONT}" w:eastAsia="{TABLE_FONT}" /></w:rPr><w:t xml:space="preserve">"#
    );
    escape_into(out, text);
    out.push_str("</w:t></w:r></w:p></w:tc>");
}

/// The table as `<w:tbl>`: widths from the content, single borders, no row split across pages
/// (the first row is made a repeating header row by the package step, as for every table).
pub(crate) fn table_xml(headers: &[String], rows: &[Vec<String>], text_width: usize) -> String {
    use std::fmt::Write;
    let widths = column_widths(headers, rows, text_width);
    let width_of = |i: usize| {
        widths
            .get(i)
            .copied()
            .unwrap_or(text_width / headers.len().max(1))
    };
    let cells: usize = rows.iter().map(Vec::len).sum::<usize>() + headers.len();
    let mut out = String::with_capacity(600 + cells * 420);
    let _ = write!(
        out,
        r#"<w:tbl><w:tblPr><w:tblW w:w="{text_width}" w:type="dxa" /><w:jc w:val="left" /><w:tblBorders>"#
    );
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        let _ = write!(
            out,
            r#"<w:{side} w:val="single" w:sz="2" w:space="0" w:color="000000" />"#
        );
    }
    out.push_str("</w:tblBorders></w:tblPr><w:tblGrid>");
    for width in &widths {
        let _ = write!(out, r#"<w:gridCol w:w="{width}" w:type="dxa" />"#);
    }
    out.push_str("</w:tblGrid>");
    let row_into = |out: &mut String, cells: &[String], header: bool| {
        out.push_str("<w:tr><w:trPr><w:cantSplit /></w:trPr>");
        for (i, text) in cells.iter().enumerate() {
            cell_into(out, text, width_of(i), header);
        }
        out.push_str("</w:tr>");
    };
    row_into(&mut out, headers, true);
    for row in rows {
        row_into(&mut out, row, false);
    }
    out.push_str("</w:tbl>");
    out
}

/// Puts `tables[i]` where the placeholder paragraph `i` is in `xml` (document.xml).
pub(crate) fn inline_tables(xml: &str, tables: &[String]) -> String {
    if tables.is_empty() {
        return xml.to_string();
    }
    let extra: usize = tables.iter().map(String::len).sum();
    let mut out = String::with_capacity(xml.len() + extra);
    let mut rest = xml;
    while let Some(mark) = rest.find(PLACEHOLDER) {
        let number_end = rest[mark + PLACEHOLDER.len()..]
            .find(|c: char| !c.is_ascii_digit())
            .map_or(rest.len(), |i| mark + PLACEHOLDER.len() + i);
        let index: Option<usize> = rest[mark + PLACEHOLDER.len()..number_end].parse().ok();
        let start = rest[..mark]
            .rfind("<w:p ")
            .or_else(|| rest[..mark].rfind("<w:p>"));
        let end = rest[mark..]
            .find("</w:p>")
            .map(|i| mark + i + "</w:p>".len());
        match (index.and_then(|i| tables.get(i)), start, end) {
            (Some(table), Some(start), Some(end)) => {
                out.push_str(&rest[..start]);
                out.push_str(table);
                rest = &rest[end..];
            }
            _ => {
                // Not one of ours after all: kept as it is.
                out.push_str(&rest[..number_end]);
                rest = &rest[number_end..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// docx-rs's table for the same content, as the renderer built it before.
    fn docx_rs_table(headers: &[String], rows: &[Vec<String>], text_width: usize) -> String {
        use docx_rs::{
            AlignmentType, Paragraph, Run, RunFonts, Table, TableCell, TableRow, WidthType,
        };
        let widths = column_widths(headers, rows, text_width);
        let cell = |text: &str, header: bool, width: usize| {
            let mut run = Run::new().add_text(text).size(TABLE_SIZE).fonts(
                RunFonts::new()
                    .east_asia(TABLE_FONT)
                    .ascii(TABLE_FONT)
                    .hi_ansi(TABLE_FONT),
            );
            if header {
                run = run.bold();
            }
            let mut paragraph = Paragraph::new().add_run(run);
            match alignment(text, header) {
                Some("center") => paragraph = paragraph.align(AlignmentType::Center),
                Some(_) => paragraph = paragraph.align(AlignmentType::Right),
                None => {}
            }
            TableCell::new()
                .add_paragraph(paragraph)
                .width(width, WidthType::Dxa)
        };
        let mut table_rows = vec![
            TableRow::new(
                headers
                    .iter()
                    .enumerate()
                    .map(|(i, h)| cell(h, true, widths[i]))
                    .collect(),
            )
            .cant_split(),
        ];
        for row in rows {
            table_rows.push(
                TableRow::new(
                    row.iter()
                        .enumerate()
                        .map(|(i, c)| cell(c, false, widths[i]))
                        .collect(),
                )
                .cant_split(),
            );
        }
        let table = Table::new(table_rows)
            .set_grid(widths.clone())
            .width(text_width, WidthType::Dxa);
        let xml = docx_rs::Docx::new().add_table(table).build().document;
        let xml = String::from_utf8(xml).expect("utf-8");
        let start = xml.find("<w:tbl>").expect("table");
        let end = xml.find("</w:tbl>").expect("end") + "</w:tbl>".len();
        // Paragraph ids are docx-rs's numbering of the whole document; ours go without.
        let mut table = xml[start..end].to_string();
        while let Some(at) = table.find(" w14:paraId=\"") {
            let close = table[at + 13..]
                .find('"')
                .map_or(table.len(), |i| at + 13 + i + 1);
            table.replace_range(at..close, "");
        }
        table
    }

    #[test]
    fn the_same_xml_as_docx_rs_writes() {
        let headers = strings(&["序号", "指标 & <名称>", "目标值", "完成"]);
        let rows = vec![
            strings(&["1", "高新技术企业 \"净增\" 数", "1000家", "56.5%"]),
            strings(&["2", "技术合同成交额（O'Brien & 区）", "1,200亿元", ""]),
            strings(&["3", "一行\n两行\r", "-3", "是"]),
        ];
        assert_eq!(
            table_xml(&headers, &rows, 12_756),
            docx_rs_table(&headers, &rows, 12_756)
        );
        let wide: Vec<Vec<String>> = (0..40)
            .map(|i| strings(&[&i.to_string(), &"很长的文字".repeat(i % 7)]))
            .collect();
        let two = strings(&["序号", "内容"]);
        assert_eq!(
            table_xml(&two, &wide, 8_844),
            docx_rs_table(&two, &wide, 8_844)
        );
    }

    #[test]
    fn placeholders_become_their_tables() {
        let xml = format!(
            r#"<w:body><w:p w14:paraId="00000001"><w:r><w:t>附件1</w:t></w:r></w:p><w:p w14:paraId="00000002"><w:pPr><w:rPr /></w:pPr><w:r><w:rPr /><w:t xml:space="preserve">{PLACEHOLDER}0</w:t></w:r></w:p><w:p><w:r><w:t>{PLACEHOLDER}1</w:t></w:r></w:p></w:body>"#
        );
        let out = inline_tables(
            &xml,
            &["<w:tbl>A</w:tbl>".into(), "<w:tbl>B</w:tbl>".into()],
        );
        assert_eq!(
            out,
            r#"<w:body><w:p w14:paraId="00000001"><w:r><w:t>附件1</w:t></w:r></w:p><w:tbl>A</w:tbl><w:tbl>B</w:tbl></w:body>"#
        );
        // A placeholder with no table is left alone.
        let lone = format!("<w:p><w:t>{PLACEHOLDER}7</w:t></w:p>");
        assert_eq!(inline_tables(&lone, &["<w:tbl />".into()]), lone);
    }
}
