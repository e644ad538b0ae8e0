//! The monthly report as a spreadsheet: a unit downloads its own rows for a period, fills the
//! 本期累计 and text columns in Excel, and uploads the file. Reading it back checks the file before
//! trusting it (size, zip bomb, sheet, merged cells, numbers) and names the row and column of
//! every problem.

use std::io::{Cursor, Read};

use luoshi_document::package::{Package, PackageError, PackageLimits, SheetLimits};

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{FormatAlign, FormatBorder, Workbook, XlsxError};

use crate::spreadsheet::{base_format, print_setup};

/// The sheet holding the rows.
pub const SHEET: &str = "填报";
/// The sheet naming the period and unit the file belongs to.
pub const INFO_SHEET: &str = "说明";
/// Largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// Largest total the file may expand to when unzipped (a real sheet is a few hundred KB).
const MAX_UNZIPPED_BYTES: u64 = 64 * 1024 * 1024;
const MAX_ZIP_ENTRIES: usize = 200;
const MAX_ROWS: usize = 20_000;
/// Columns a sheet may use: the template's 14 and room for notes beside them (A–Z).
const MAX_COLUMNS: u32 = 26;

/// The columns, in order. Column letters in messages come from this order.
pub const COLUMNS: [(&str, f64); 15] = [
    ("任务编号", 12.0),
    ("工作任务", 30.0),
    ("分工", 8.0),
    ("指标编号", 9.0),
    ("年度目标", 30.0),
    ("计量单位", 9.0),
    ("目标值", 9.0),
    ("上期累计", 10.0),
    ("本期累计", 10.0),
    ("变动说明", 16.0),
    ("工作进展", 36.0),
    ("存在问题", 24.0),
    ("下步计划", 24.0),
    ("需协调事项", 24.0),
    ("本月进展", 12.0),
];
/// 本月进展: for a task without a numeric target, its lead's word on the month.
const STATUS_COL: usize = 14;
/// The words 本月进展 accepts, as the report stores them.
pub const CONFIRMATIONS: [(&str, &str); 3] = [
    ("按计划推进", "on_plan"),
    ("已完成", "done"),
    ("滞后", "behind"),
];
const VALUE_COL: usize = 8;

/// One row of a unit's sheet: a target of one of its assignments, or the assignment itself when
/// the task has no numeric target.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SheetLine {
    pub task_path: String,
    pub task_title: String,
    /// `牵头` or `责任`.
    pub role: String,
    pub target_id: Option<i64>,
    pub target_text: String,
    pub unit: String,
    pub expected: Option<f64>,
    pub previous: Option<f64>,
    pub value: Option<f64>,
    pub note: String,
    pub progress: String,
    pub problems: String,
    pub next_steps: String,
    pub coordination: String,
    /// The lead of a task without a numeric target gives 本月进展 (按计划推进 / 已完成 / 滞后;
    /// the reason for 滞后 in 变动说明).
    pub asks_status: bool,
    pub confirmation: String,
}

/// What a file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetInfo {
    pub period_key: String,
    pub period_label: String,
    pub unit: String,
}

/// A row as read back, with its row number in the sheet (1-based, as Excel shows it).
#[derive(Debug, Clone, PartialEq)]
pub struct FilledLine {
    pub row: u32,
    pub line: SheetLine,
}

/// What is wrong with an uploaded file, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", place(*.row, *.column))]
pub struct SheetError {
    pub row: Option<u32>,
    /// Column index (0 = A).
    pub column: Option<usize>,
    pub message: String,
}

/// `第 5 行 I 列（本期累计）：`, or as much of it as is known.
pub fn place(row: Option<u32>, column: Option<usize>) -> String {
    match (row, column) {
        (Some(r), Some(c)) => format!("第 {r} 行 {} 列（{}）：", column_letter(c), column_name(c)),
        (Some(r), None) => format!("第 {r} 行："),
        (None, Some(c)) => format!("{} 列（{}）：", column_letter(c), column_name(c)),
        (None, None) => String::new(),
    }
}

pub fn column_letter(col: usize) -> char {
    (b'A' + (col % 26) as u8) as char
}

fn column_name(col: usize) -> &'static str {
    COLUMNS.get(col).map_or("", |c| c.0)
}

fn fail(row: Option<u32>, column: Option<usize>, message: impl Into<String>) -> SheetError {
    SheetError {
        row,
        column,
        message: message.into(),
    }
}

/// The xlsx a unit fills in for a period.
pub fn write_report_sheet(info: &SheetInfo, lines: &[SheetLine]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let cell = base_format()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter);
    let locked = cell.clone().set_background_color("#F2F2F2");
    let input = cell.clone().set_background_color("#FFF2CC");
    let header = cell
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color("#D9E1F2");
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    for (col, (name, width)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &header)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    sheet.set_freeze_panes(1, 2)?;
    for (i, line) in lines.iter().enumerate() {
        let row = i as u32 + 1;
        let texts = [
            (0, &line.task_path),
            (1, &line.task_title),
            (2, &line.role),
            (4, &line.target_text),
            (5, &line.unit),
        ];
        for (col, text) in texts {
            sheet.write_string_with_format(row, col, text.as_str(), &locked)?;
        }
        match line.target_id {
            Some(id) => sheet.write_number_with_format(row, 3, id as f64, &locked)?,
            None => sheet.write_blank(row, 3, &locked)?,
        };
        for (col, number) in [(6, line.expected), (7, line.previous)] {
            match number {
                Some(n) => sheet.write_number_with_format(row, col, n, &locked)?,
                None => sheet.write_blank(row, col, &locked)?,
            };
        }
        match (line.target_id, line.value) {
            (Some(_), Some(v)) => sheet.write_number_with_format(row, 8, v, &input)?,
            (Some(_), None) => sheet.write_blank(row, 8, &input)?,
            (None, _) => sheet.write_blank(row, 8, &locked)?,
        };
        let inputs = [
            (9, &line.note),
            (10, &line.progress),
            (11, &line.problems),
            (12, &line.next_steps),
            (13, &line.coordination),
        ];
        for (col, text) in inputs {
            sheet.write_string_with_format(row, col, text.as_str(), &input)?;
        }
        if line.asks_status || !line.confirmation.is_empty() {
            sheet.write_string_with_format(row, STATUS_COL as u16, &line.confirmation, &input)?;
        } else {
            sheet.write_blank(row, STATUS_COL as u16, &locked)?;
        }
    }
    let widths: Vec<f64> = COLUMNS.iter().map(|(_, width)| *width).collect();
    print_setup(
        sheet,
        &format!("{} {} 填报表", info.unit, info.period_label),
        &widths,
        1,
        lines.len() as u32,
    )?;
    let about = workbook.add_worksheet();
    about.set_name(INFO_SHEET)?;
    about.set_column_width(0, 14)?;
    about.set_column_width(1, 60)?;
    let note = base_format().set_text_wrap().set_align(FormatAlign::Top);
    let rows = [
        ("填报期间", info.period_key.as_str()),
        ("期间名称", info.period_label.as_str()),
        ("填报单位", info.unit.as_str()),
        (
            "填写说明",
            "只填黄色格：本期累计（数字，自年初起累计）、变动说明（累计值低于上期时必填）与四项文字。无量化指标任务的牵头单位在「本月进展」填 按计划推进、已完成 或 滞后（滞后时在变动说明写明原因），报送时必填。同一任务的文字填在任一行即可；多行填写时内容须一致。请勿增删列、合并单元格或改动灰色格。",
        ),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        about.write_string_with_format(i as u32, 0, *k, &note)?;
        about.write_string_with_format(i as u32, 1, *v, &note)?;
    }
    print_setup(about, INFO_SHEET, &[14.0, 60.0], 0, rows.len() as u32 - 1)?;
    workbook.save_to_buffer()
}

/// Limits on the file as a package: size, parts, and what each part inflates to.
const PACKAGE_LIMITS: PackageLimits = PackageLimits {
    max_file_bytes: MAX_UPLOAD_BYTES,
    max_parts: MAX_ZIP_ENTRIES,
    max_part_bytes: MAX_UNZIPPED_BYTES / 2,
    max_total_bytes: MAX_UNZIPPED_BYTES,
};

/// Limits on what the sheets declare: the template's columns with room to spare, rows up to
/// [`MAX_ROWS`]. The reader builds a grid from the cells it finds, so these bound its memory.
const SHEET_LIMITS: SheetLimits = SheetLimits {
    max_rows: MAX_ROWS as u32,
    max_columns: MAX_COLUMNS,
    max_cells: MAX_ROWS as u64 * MAX_COLUMNS as u64,
    max_shared_strings: MAX_ROWS as u64 * MAX_COLUMNS as u64,
};

/// Refuses files that are too big, not zip archives, expand beyond reason (zip bombs), or
/// declare cells, ranges or string tables beyond the limits, before any spreadsheet reader
/// allocates from what the file declares.
fn check_package(bytes: &[u8]) -> Result<(), SheetError> {
    check_upload(bytes, &SHEET_LIMITS).map_err(|e| fail(None, None, e))
}

/// The package checks of an uploaded sheet under `limits`, with the message for the user.
pub(crate) fn check_upload(bytes: &[u8], limits: &SheetLimits) -> Result<(), String> {
    let package = Package::open(bytes, &PACKAGE_LIMITS).map_err(|e| match e {
        PackageError::NotZip => {
            "不是有效的 xlsx 文件（请用本系统下载的表格，在 Excel 或 WPS 中另存为 .xlsx）"
                .to_string()
        }
        other => other.to_string(),
    })?;
    package.check_spreadsheet(limits).map_err(|e| e.to_string())
}

pub(crate) fn text(cell: Option<&Data>) -> String {
    match cell {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => s.trim().to_string(),
        Some(Data::Float(f)) => format_number(*f),
        Some(Data::Int(i)) => i.to_string(),
        Some(Data::Bool(b)) => b.to_string(),
        Some(other) => other.to_string(),
    }
}

fn format_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// A number cell, or a text cell holding a number (`1,234`, ` 56 `).
fn number(cell: Option<&Data>, row: u32, col: usize) -> Result<Option<f64>, SheetError> {
    parse_number(cell).map_err(|e| fail(Some(row), Some(col), e))
}

/// A number cell, or a text cell holding a number; the message says what was there instead.
pub(crate) fn parse_number(cell: Option<&Data>) -> Result<Option<f64>, String> {
    match cell {
        None | Some(Data::Empty) => Ok(None),
        Some(Data::Float(f)) => Ok(Some(*f)),
        Some(Data::Int(i)) => Ok(Some(*i as f64)),
        Some(Data::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Data::String(s)) => s
            .trim()
            .replace([',', '，'], "")
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| format!("「{}」不是数字", s.trim())),
        Some(other) => Err(format!("「{other}」不是数字")),
    }
}

/// Reads an uploaded sheet: the period it was made for, and its rows.
pub fn read_report_sheet(bytes: &[u8]) -> Result<(SheetInfo, Vec<FilledLine>), SheetError> {
    check_package(bytes)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| fail(None, None, format!("无法读取 xlsx 文件：{e}")))?;
    let names = workbook.sheet_names();
    if !names.iter().any(|n| n == SHEET) {
        return Err(fail(
            None,
            None,
            format!(
                "找不到工作表「{SHEET}」（文件中只有：{}）；请用本系统下载的填报表",
                names.join("、")
            ),
        ));
    }
    let merged = workbook
        .merge_cells_by_sheet_name(SHEET)
        .map_err(|e| fail(None, None, format!("无法读取工作表「{SHEET}」：{e}")))?;
    if let Some(m) = merged.first() {
        return Err(fail(
            Some(m.start.0 + 1),
            Some(m.start.1 as usize),
            format!(
                "有合并单元格（{}{}:{}{}），请取消合并后再上传",
                column_letter(m.start.1 as usize),
                m.start.0 + 1,
                column_letter(m.end.1 as usize),
                m.end.0 + 1
            ),
        ));
    }
    let info = read_info(&mut workbook)?;
    let range = workbook
        .worksheet_range(SHEET)
        .map_err(|e| fail(None, None, format!("无法读取工作表「{SHEET}」：{e}")))?;
    if range.get_size().0 > MAX_ROWS {
        return Err(fail(
            None,
            None,
            format!("行数过多（{} 行）", range.get_size().0),
        ));
    }
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    if first_col != 0 {
        return Err(fail(None, Some(0), "A 列为空：请勿删除或移动列"));
    }
    let at = |r: u32, c: usize| range.get_value((r, c as u32));
    // The header row must be ours, column for column.
    for (c, (name, _)) in COLUMNS.iter().enumerate() {
        let found = text(at(first_row, c));
        if found != *name {
            return Err(fail(
                Some(first_row + 1),
                Some(c),
                format!("表头应为「{name}」，实为「{found}」；请勿增删或移动列"),
            ));
        }
    }
    let end_row = range.end().map_or(first_row, |e| e.0);
    let mut lines = Vec::new();
    for r in first_row + 1..=end_row {
        let row = r + 1;
        let cells: Vec<String> = (0..COLUMNS.len()).map(|c| text(at(r, c))).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if cells[0].is_empty() {
            return Err(fail(Some(row), Some(0), "缺少任务编号"));
        }
        let target_id = match number(at(r, 3), row, 3)? {
            None => None,
            Some(f) if f.fract() == 0.0 && f > 0.0 => Some(f as i64),
            Some(f) => return Err(fail(Some(row), Some(3), format!("指标编号「{f}」无效"))),
        };
        let value = number(at(r, VALUE_COL), row, VALUE_COL)?;
        if value.is_some() && target_id.is_none() {
            return Err(fail(
                Some(row),
                Some(VALUE_COL),
                "这一行没有指标编号，不能填本期累计",
            ));
        }
        lines.push(FilledLine {
            row,
            line: SheetLine {
                task_path: cells[0].clone(),
                task_title: cells[1].clone(),
                role: cells[2].clone(),
                target_id,
                target_text: cells[4].clone(),
                unit: cells[5].clone(),
                expected: None,
                previous: None,
                value,
                note: cells[9].clone(),
                progress: cells[10].clone(),
                problems: cells[11].clone(),
                next_steps: cells[12].clone(),
                coordination: cells[13].clone(),
                asks_status: false,
                confirmation: cells[STATUS_COL].clone(),
            },
        });
    }
    Ok((info, lines))
}

fn read_info<R: Read + std::io::Seek>(workbook: &mut Xlsx<R>) -> Result<SheetInfo, SheetError> {
    let range = workbook.worksheet_range(INFO_SHEET).map_err(|_| {
        fail(
            None,
            None,
            format!("找不到工作表「{INFO_SHEET}」，无法确认文件所属期间；请用本系统下载的填报表"),
        )
    })?;
    let value = |key: &str| {
        range
            .rows()
            .find(|r| text(r.first()) == key)
            .map(|r| text(r.get(1)))
            .unwrap_or_default()
    };
    let info = SheetInfo {
        period_key: value("填报期间"),
        period_label: value("期间名称"),
        unit: value("填报单位"),
    };
    if info.period_key.is_empty() {
        return Err(fail(
            None,
            None,
            format!("工作表「{INFO_SHEET}」中缺少填报期间"),
        ));
    }
    Ok(info)
}
