//! What every spreadsheet an office prints shares: numbers stored as numbers (the unit kept in the
//! number format, so `50家` is the number 50 shown as 50家), a CJK font, column widths from the
//! content, A4 print setup that fits the width (landscape when the table is wide), repeated header
//! rows, page numbers, a print area, and sheet names that fit Excel's 31 characters without
//! cutting a word.

use rust_xlsxwriter::{Format, FormatAlign, Worksheet, XlsxError};

/// The font of every cell, as the .docx documents use it.
pub const FONT: &str = "宋体";
/// Excel's limit on a sheet name, in characters.
pub const SHEET_NAME_LIMIT: usize = 31;
const A4: u8 = 9;
/// Total column width (in character units) above which a sheet prints landscape.
const PORTRAIT_WIDTH: f64 = 95.0;

/// A cell as a spreadsheet should hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Text(String),
    /// `value` shown with `format` (`#,##0`, `0.0%`, `0"家"`): the cell displays what the document
    /// printed and a formula can sum it.
    Number {
        value: f64,
        format: String,
    },
}

/// Reads a printed cell: `1,234`, `12.5`, `30%`, `50家`, `1000亿元`, `-3.2个百分点` become numbers;
/// everything else (`一.1`, `2021-06-20`, `1—2个`, words) stays text.
pub fn typed(text: &str) -> CellValue {
    let text_value = || CellValue::Text(text.to_string());
    let trimmed = text.trim();
    let digits_end = trimmed
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == ',' || c == '.' || (i == 0 && c == '-')))
        .map_or(trimmed.len(), |(i, _)| i);
    let (number, unit) = trimmed.split_at(digits_end);
    let plain = number.trim_start_matches('-');
    let well_formed = !plain.is_empty()
        && plain.starts_with(|c: char| c.is_ascii_digit())
        && plain.ends_with(|c: char| c.is_ascii_digit())
        && plain.matches('.').count() <= 1
        && grouped_correctly(plain);
    if !well_formed {
        return text_value();
    }
    let Ok(value) = plain.replace(',', "").parse::<f64>() else {
        return text_value();
    };
    let value = if number.starts_with('-') {
        -value
    } else {
        value
    };
    let decimals = plain.split_once('.').map_or(0, |(_, d)| d.len());
    let mut format = if plain.contains(',') {
        "#,##0".to_string()
    } else {
        "0".to_string()
    };
    if decimals > 0 {
        format.push('.');
        format.push_str(&"0".repeat(decimals));
    }
    match unit {
        "" => CellValue::Number { value, format },
        "%" => CellValue::Number {
            value: value / 100.0,
            format: format + "%",
        },
        unit if is_unit(unit) => CellValue::Number {
            value,
            format: format!("{format}\"{unit}\""),
        },
        _ => text_value(),
    }
}

/// `1,234,567` groups by three; `12,34` is not a number someone printed.
fn grouped_correctly(plain: &str) -> bool {
    let integer = plain.split('.').next().unwrap_or(plain);
    if plain.split('.').nth(1).is_some_and(|d| d.contains(',')) {
        return false;
    }
    let groups: Vec<&str> = integer.split(',').collect();
    groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3))
}

/// A measure word after a number (`家`, `亿元`, `个百分点`): a few CJK characters, not a date
/// part and not a qualifier (`10场以上` is a requirement, not a quantity).
fn is_unit(unit: &str) -> bool {
    let count = unit.chars().count();
    (1..=5).contains(&count)
        && unit.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        && !unit.starts_with(|c: char| "年月日时分秒号".contains(c))
        && !["以上", "以下", "左右", "以内", "余", "多", "约"]
            .iter()
            .any(|w| unit.contains(w))
}

/// Writes `text` into a cell as [`typed`] reads it: numbers right-aligned in their format, text
/// in `format` as it is.
pub fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    match typed(text) {
        CellValue::Text(text) => {
            sheet.write_string_with_format(row, col, text, format)?;
        }
        CellValue::Number {
            value,
            format: shown,
        } => {
            let number = format
                .clone()
                .set_num_format(shown)
                .set_align(FormatAlign::Right);
            sheet.write_number_with_format(row, col, value, &number)?;
        }
    }
    Ok(())
}

/// Display width of `text` in Excel's character units: a CJK character takes about two.
pub fn display_width(text: &str) -> f64 {
    text.chars()
        .map(|c| if c.is_ascii() { 1.1 } else { 2.1 })
        .sum()
}

/// Column widths from the content: each column as wide as its widest cell (its header counted,
/// long texts wrapped at `max`), never narrower than `min`.
pub fn column_widths(headers: &[&str], rows: &[Vec<String>], min: f64, max: f64) -> Vec<f64> {
    headers
        .iter()
        .enumerate()
        .map(|(col, header)| {
            let widest = rows
                .iter()
                .filter_map(|row| row.get(col))
                .map(|cell| display_width(cell))
                .fold(display_width(header), f64::max);
            (widest + 2.0).clamp(min, max)
        })
        .collect()
}

/// A4, fitted to one page wide (landscape when the columns are wide), centred, the first
/// `header_rows` repeated on every page, the title in the page header, page numbers in the
/// footer, and the used range as print area.
pub fn print_setup(
    sheet: &mut Worksheet,
    title: &str,
    widths: &[f64],
    header_rows: u32,
    last_row: u32,
) -> Result<(), XlsxError> {
    page_setup(sheet, title, widths, header_rows)?;
    let last_col = widths.len().saturating_sub(1) as u16;
    sheet.set_print_area(0, 0, last_row.max(header_rows.saturating_sub(1)), last_col)?;
    Ok(())
}

/// [`print_setup`] without a print area, for a sheet still to be filled in: whatever rows the
/// user adds print too.
pub fn page_setup(
    sheet: &mut Worksheet,
    title: &str,
    widths: &[f64],
    header_rows: u32,
) -> Result<(), XlsxError> {
    if widths.iter().sum::<f64>() > PORTRAIT_WIDTH {
        sheet.set_landscape();
    } else {
        sheet.set_portrait();
    }
    sheet.set_paper_size(A4);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_print_center_horizontally(true);
    sheet.set_header(format!("&C{}", title.replace('&', "&&")));
    sheet.set_footer("&C第 &P 页，共 &N 页");
    if header_rows > 0 {
        sheet.set_repeat_rows(0, header_rows - 1)?;
    }
    Ok(())
}

/// A sheet name Excel accepts (no `[]:*?/\`, at most 31 characters) that keeps whole words:
/// bracketed asides (`（一区一表）`, `【演示数据】`) go first, then the name is cut at its last
/// separator before the limit.
pub fn fit_sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .collect();
    let clean = clean.trim().trim_matches('\'').to_string();
    if clean.chars().count() <= SHEET_NAME_LIMIT {
        return if clean.is_empty() {
            "表".into()
        } else {
            clean
        };
    }
    let without_asides = strip_asides(&clean);
    if !without_asides.is_empty() && without_asides.chars().count() <= SHEET_NAME_LIMIT {
        return without_asides;
    }
    let source = if without_asides.is_empty() {
        clean
    } else {
        without_asides
    };
    let chars: Vec<char> = source.chars().collect();
    let cut = (1..=SHEET_NAME_LIMIT)
        .rev()
        .find(|&n| chars.get(n).is_some_and(|c| is_separator(*c)))
        .unwrap_or(SHEET_NAME_LIMIT);
    chars[..cut]
        .iter()
        .collect::<String>()
        .trim_end_matches(is_separator)
        .to_string()
}

fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '、' | '，' | ',' | '—' | '-' | '（' | '(' | '·' | '｜' | '；'
        )
}

/// The name without its bracketed parts: `（一区一表）`, `【演示数据】`, `(2021)`.
fn strip_asides(name: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '（' | '(' | '【' | '〔' => depth += 1,
            '）' | ')' | '】' | '〕' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The cell format every sheet starts from: the CJK font at 10.5 pt.
pub fn base_format() -> Format {
    Format::new().set_font_name(FONT).set_font_size(10.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> (f64, String) {
        match typed(text) {
            CellValue::Number { value, format } => (value, format),
            CellValue::Text(t) => panic!("{t} stayed text"),
        }
    }

    #[test]
    fn printed_numbers_become_numbers_that_show_the_same() {
        assert_eq!(number("1,234"), (1234.0, "#,##0".into()));
        assert_eq!(number("12.5"), (12.5, "0.0".into()));
        assert_eq!(number("-3"), (-3.0, "0".into()));
        let (v, f) = number("30%");
        assert!((v - 0.3).abs() < 1e-12);
        assert_eq!(f, "0%");
        assert_eq!(number("3.24%").1, "0.00%");
        assert_eq!(number("50家"), (50.0, "0\"家\"".into()));
        assert_eq!(number("1,000亿元"), (1000.0, "#,##0\"亿元\"".into()));
        assert_eq!(number("1.5个百分点").1, "0.0\"个百分点\"");
    }

    #[test]
    fn what_is_not_one_number_stays_text() {
        for text in [
            "一.1",
            "2021-06-20",
            "1—2个",
            "2021年",
            "6月",
            "滞后",
            "",
            "12,34",
            "1.2.3",
            "5G",
            "二.（一）.1",
            "10场以上",
            "市科技局",
        ] {
            assert_eq!(typed(text), CellValue::Text(text.to_string()), "{text}");
        }
    }

    #[test]
    fn sheet_names_fit_without_cutting_a_word() {
        assert_eq!(fit_sheet_name("任务分解表"), "任务分解表");
        assert_eq!(fit_sheet_name("a/b:c"), "abc");
        assert_eq!(fit_sheet_name(""), "表");
        let long = "【演示数据】武汉市科技创新提能工作专班 江岸区 年度任务表（一区一表）";
        let fitted = fit_sheet_name(long);
        assert_eq!(fitted, "武汉市科技创新提能工作专班 江岸区 年度任务表");
        assert!(fitted.chars().count() <= SHEET_NAME_LIMIT);
        let words = "各区牵头单位填报情况、审核情况、催报情况、退回情况与逾期未报情况汇总表";
        let fitted = fit_sheet_name(words);
        assert!(fitted.chars().count() <= SHEET_NAME_LIMIT, "{fitted}");
        assert!(words.starts_with(&fitted));
        assert!(
            fitted.ends_with("情况"),
            "cut at a separator, not inside a word: {fitted}"
        );
    }

    #[test]
    fn widths_follow_the_content() {
        let rows = vec![
            vec!["1".to_string(), "加快东湖科学城规划建设".to_string()],
            vec!["2".to_string(), "短".to_string()],
        ];
        let widths = column_widths(&["序号", "工作任务"], &rows, 6.0, 40.0);
        assert!(widths[0] < widths[1], "{widths:?}");
        assert!(widths[1] <= 40.0);
    }
}
