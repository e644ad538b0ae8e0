//! The task table as a spreadsheet an office prints: a title row, a frozen header, task cells
//! merged over their target rows, wrapped text, A4 landscape one page wide, header rows repeated
//! on every page. Further sheets hold the headline indicators and the review items.

use luoshi_extract::PlanDraft;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use crate::spreadsheet;
use crate::table::{HEADERS, field_label, rows};

const WIDTHS: [f64; 6] = [12.0, 36.0, 40.0, 24.0, 36.0, 30.0];

pub fn to_xlsx(plan: &PlanDraft) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let title = plan
        .plan_title
        .as_deref()
        .or(plan.title.as_deref())
        .unwrap_or("实施方案");
    let cell = spreadsheet::base_format()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let centered = cell.clone().set_align(FormatAlign::Center);
    let header = centered.clone().set_bold().set_background_color("#D9E1F2");
    let heading = spreadsheet::base_format()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);

    let sheet = workbook.add_worksheet();
    sheet.set_name("任务分解表")?;
    sheet.merge_range(0, 0, 0, 5, &format!("{title}任务分解表"), &heading)?;
    sheet.set_row_height(0, 30)?;
    for (col, (name, width)) in HEADERS.iter().zip(WIDTHS).enumerate() {
        let col = col as u16;
        sheet.write_string_with_format(1, col, *name, &header)?;
        sheet.set_column_width(col, width)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    let all = rows(plan);
    for (i, row) in all.iter().enumerate() {
        let r = (i + 2) as u32;
        sheet.write_string_with_format(r, 2, &row.target, &cell)?;
        sheet.write_string_with_format(r, 5, &row.note, &cell)?;
        if row.task_rows == 0 {
            continue;
        }
        let last = r + row.task_rows as u32 - 1;
        for (col, text, format) in [
            (0u16, &row.path, &centered),
            (1, &row.task, &cell),
            (3, &row.lead, &cell),
            (4, &row.responsible, &cell),
        ] {
            if last > r {
                sheet.merge_range(r, col, last, col, text, format)?;
            } else {
                sheet.write_string_with_format(r, col, text, format)?;
            }
        }
    }
    // Spreadsheets do not grow rows for wrapped text in merged cells, so heights are set here:
    // each row fits its own cells, and a task's rows together fit its merged cells.
    let mut heights: Vec<f64> = all
        .iter()
        .map(|row| row_height(&[(&row.target, WIDTHS[2]), (&row.note, WIDTHS[5])]))
        .collect();
    for (i, row) in all.iter().enumerate() {
        if row.task_rows == 0 {
            continue;
        }
        let span = i..(i + row.task_rows).min(all.len());
        let needed = row_height(&[
            (&row.path, WIDTHS[0]),
            (&row.task, WIDTHS[1]),
            (&row.lead, WIDTHS[3]),
            (&row.responsible, WIDTHS[4]),
        ]);
        let have: f64 = heights[span.clone()].iter().sum();
        if needed > have {
            let extra = (needed - have) / span.len() as f64;
            heights[span].iter_mut().for_each(|h| *h += extra);
        }
    }
    for (i, height) in heights.into_iter().enumerate() {
        sheet.set_row_height((i + 2) as u32, height)?;
    }
    spreadsheet::print_setup(
        sheet,
        &format!("{title}任务分解表"),
        &WIDTHS,
        2,
        all.len() as u32 + 1,
    )?;

    if !plan.indicators.is_empty() {
        let sheet = workbook.add_worksheet();
        sheet.set_name("主要目标")?;
        header_row(
            sheet,
            &[
                ("指标", 36.0),
                ("目标年份", 10.0),
                ("目标值", 12.0),
                ("单位", 10.0),
                ("要求", 10.0),
                ("原文", 50.0),
            ],
            &header,
            "主要目标",
            plan.indicators.len(),
        )?;
        for (i, ind) in plan.indicators.iter().enumerate() {
            let r = (i + 1) as u32;
            sheet.write_string_with_format(r, 0, &ind.name, &cell)?;
            match ind.year {
                Some(year) => sheet.write_number_with_format(r, 1, f64::from(year), &centered)?,
                None => sheet.write_string_with_format(r, 1, "", &centered)?,
            };
            sheet.write_number_with_format(r, 2, ind.value, &centered)?;
            sheet.write_string_with_format(r, 3, &ind.unit, &centered)?;
            sheet.write_string_with_format(r, 4, ind.qualifier.label(), &centered)?;
            sheet.write_string_with_format(r, 5, &ind.text, &cell)?;
        }
    }

    // 政策支持: offices track 政策兑现 as well, apart from the targets.
    let support: Vec<(&str, &luoshi_extract::SupportMeasure)> = plan
        .tasks
        .iter()
        .flat_map(|t| t.support.iter().map(move |m| (t.path.as_str(), m)))
        .collect();
    if !support.is_empty() {
        let sheet = workbook.add_worksheet();
        sheet.set_name("政策支持")?;
        header_row(
            sheet,
            &[
                ("任务编号", 12.0),
                ("类别", 8.0),
                ("额度", 12.0),
                ("单位", 8.0),
                ("要求", 10.0),
                ("原文", 70.0),
            ],
            &header,
            "政策支持",
            support.len(),
        )?;
        for (i, (path, m)) in support.into_iter().enumerate() {
            let r = (i + 1) as u32;
            sheet.write_string_with_format(r, 0, path, &centered)?;
            sheet.write_string_with_format(r, 1, m.kind.label(), &centered)?;
            sheet.write_number_with_format(r, 2, m.value, &centered)?;
            sheet.write_string_with_format(r, 3, &m.unit, &centered)?;
            let bound = match m.qualifier {
                luoshi_extract::Qualifier::AtMost => "最高",
                luoshi_extract::Qualifier::AtLeast => "不低于",
                other => other.label(),
            };
            sheet.write_string_with_format(r, 4, bound, &centered)?;
            sheet.write_string_with_format(r, 5, &m.purpose, &cell)?;
        }
    }

    if !plan.review.is_empty() {
        let sheet = workbook.add_worksheet();
        sheet.set_name("待核对事项")?;
        header_row(
            sheet,
            &[
                ("序号", 12.0),
                ("行号", 8.0),
                ("事项", 14.0),
                ("原因", 70.0),
            ],
            &header,
            "待核对事项",
            plan.review.len(),
        )?;
        for (i, flag) in plan.review.iter().enumerate() {
            let r = (i + 1) as u32;
            sheet.write_string_with_format(r, 0, flag.path.as_deref().unwrap_or(""), &centered)?;
            match flag.line {
                Some(line) => sheet.write_number_with_format(r, 1, line as f64, &centered)?,
                None => sheet.write_string_with_format(r, 1, "", &centered)?,
            };
            sheet.write_string_with_format(r, 2, field_label(&flag.field), &centered)?;
            sheet.write_string_with_format(r, 3, &flag.reason, &cell)?;
        }
    }
    workbook.save_to_buffer()
}

/// A titled table an office prints: title row, frozen header, wrapped cells with rows sized to
/// them, numbers stored as numbers, A4 one page wide (landscape when wide), header rows repeated
/// on every page, page numbers, a print area. `columns` give each header with its widest width;
/// the width used follows the content up to that.
pub fn table_xlsx(
    title: &str,
    columns: &[(&str, f64)],
    rows: &[Vec<String>],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let cell = spreadsheet::base_format()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let header = cell
        .clone()
        .set_align(FormatAlign::Center)
        .set_bold()
        .set_background_color("#D9E1F2");
    let heading = spreadsheet::base_format()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let sheet = workbook.add_worksheet();
    sheet.set_name(spreadsheet::fit_sheet_name(title))?;
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let widths: Vec<f64> = spreadsheet::column_widths(&names, rows, 6.0, 60.0)
        .into_iter()
        .zip(columns)
        .map(|(content, (_, widest))| content.min(*widest))
        .collect();
    let last_col = columns.len().saturating_sub(1) as u16;
    if last_col > 0 {
        sheet.merge_range(0, 0, 0, last_col, title, &heading)?;
    } else {
        sheet.write_string_with_format(0, 0, title, &heading)?;
    }
    sheet.set_row_height(0, 30)?;
    for (col, (name, width)) in names.iter().zip(&widths).enumerate() {
        sheet.write_string_with_format(1, col as u16, *name, &header)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_freeze_panes(2, 0)?;
    for (i, row) in rows.iter().enumerate() {
        let r = (i + 2) as u32;
        for (col, text) in row.iter().enumerate().take(columns.len()) {
            spreadsheet::write_cell(sheet, r, col as u16, text, &cell)?;
        }
        let cells: Vec<(&str, f64)> = row
            .iter()
            .zip(&widths)
            .map(|(t, w)| (t.as_str(), *w))
            .collect();
        sheet.set_row_height(r, row_height(&cells))?;
    }
    spreadsheet::print_setup(sheet, title, &widths, 2, rows.len() as u32 + 1)?;
    workbook.save_to_buffer()
}

/// Points a row needs to show each `(text, column width)` wrapped: a CJK character takes about
/// two width units at this font size, a line about 14 points.
fn row_height(cells: &[(&str, f64)]) -> f64 {
    const LINE: f64 = 14.0;
    const PADDING: f64 = 4.0;
    let lines = cells
        .iter()
        .map(|(text, width)| {
            let units: f64 = text
                .chars()
                .map(|c| if c.is_ascii() { 1.1 } else { 2.1 })
                .sum();
            (units / (width - 1.0).max(1.0)).ceil().max(1.0)
        })
        .fold(1.0, f64::max);
    lines * LINE + PADDING
}

/// A frozen first row of headers with the columns' widths, and the sheet's print setup for
/// `rows` rows under it.
fn header_row(
    sheet: &mut Worksheet,
    columns: &[(&str, f64)],
    format: &Format,
    title: &str,
    rows: usize,
) -> Result<(), XlsxError> {
    for (col, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, format)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let widths: Vec<f64> = columns.iter().map(|(_, w)| *w).collect();
    spreadsheet::print_setup(sheet, title, &widths, 1, rows as u32)
}
