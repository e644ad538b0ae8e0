//! The contact roster (联络员名单) the office fills to make many accounts at once, and the
//! account handout (账号分发表) it prints afterwards. Reading checks the file's shape only; what
//! the cells mean (is the unit known, is the name taken) is the server's to judge.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use luoshi_document::package::SheetLimits;
use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder, Formula, Workbook,
    XlsxError,
};

use crate::allocation_sheet::column_letters;
use crate::report_sheet::{check_upload, text};
use crate::spreadsheet::{page_setup, print_setup};

/// The sheet the office fills.
pub const SHEET: &str = "联络员名单";
/// The roster's columns, in order. 用户名 may be left blank (the mobile number is used).
pub const COLUMNS: [(&str, f64); 6] = [
    ("单位", 26.0),
    ("姓名", 12.0),
    ("手机", 15.0),
    ("邮箱", 26.0),
    ("角色", 16.0),
    ("用户名", 16.0),
];
/// Columns a roster must have; 用户名 is optional.
const REQUIRED: usize = 5;
/// Rows a roster may have: a province's contacts fit, a runaway file does not.
pub const MAX_ROWS: u32 = 2_000;
/// The role labels the template offers.
pub const ROLE_CHOICES: [&str; 5] = [
    "单位填报员",
    "区填报员",
    "牵头单位审核员",
    "领导",
    "协调办公室",
];

/// One filled row, as typed (trimmed), with its row number as Excel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RosterLine {
    pub row: u32,
    pub unit: String,
    pub name: String,
    pub mobile: String,
    pub email: String,
    pub role: String,
    pub username: String,
}

/// What is wrong with an uploaded roster, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", place(*.row, *.column))]
pub struct RosterError {
    pub row: Option<u32>,
    /// Column index (0 = A).
    pub column: Option<usize>,
    pub message: String,
}

impl RosterError {
    pub fn at(row: u32, column: usize, message: impl Into<String>) -> Self {
        RosterError {
            row: Some(row),
            column: Some(column),
            message: message.into(),
        }
    }

    fn file(message: impl Into<String>) -> Self {
        RosterError {
            row: None,
            column: None,
            message: message.into(),
        }
    }
}

fn place(row: Option<u32>, column: Option<usize>) -> String {
    let column = column.map(|c| {
        let name = COLUMNS.get(c).map_or("", |(n, _)| n);
        format!("{} 列（{name}）", column_letters(c))
    });
    match (row, column) {
        (Some(r), Some(c)) => format!("第 {r} 行 {c}："),
        (Some(r), None) => format!("第 {r} 行："),
        (None, Some(c)) => format!("{c}："),
        (None, None) => String::new(),
    }
}

fn formats() -> (Format, Format) {
    let cell = Format::new()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_font_name("仿宋_GB2312")
        .set_font_size(12);
    let header = cell
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color("#D9E1F2");
    (cell, header)
}

/// The empty roster to fill: the columns, a drop-down of roles, the directory's units and
/// districts on a second sheet (the 单位 column offers them, and warns on other names).
pub fn write_roster_template(units: &[String], districts: &[String]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let (cell, header) = formats();
    let text_cell = cell.clone().set_num_format("@");
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    for (col, (name, width)) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &header)?;
        sheet.set_column_width(col as u16, *width)?;
        sheet.set_column_format(col as u16, &text_cell)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let roles = DataValidation::new()
        .allow_list_strings(&ROLE_CHOICES)?
        .set_error_title("角色")?
        .set_error_message("请从下拉列表中选择角色")?;
    sheet.add_data_validation(1, 4, MAX_ROWS, 4, &roles)?;
    let widths: Vec<f64> = COLUMNS.iter().map(|(_, width)| *width).collect();
    page_setup(sheet, "账号名单", &widths, 1)?;
    let names = workbook.add_worksheet();
    names.set_name("单位与区")?;
    names.write_string_with_format(0, 0, "单位（名录中的规范名称）", &header)?;
    names.write_string_with_format(0, 1, "区", &header)?;
    names.set_column_width(0, 30)?;
    names.set_column_width(1, 16)?;
    for (i, unit) in units.iter().enumerate() {
        names.write_string_with_format(i as u32 + 1, 0, unit, &cell)?;
    }
    for (i, district) in districts.iter().enumerate() {
        names.write_string_with_format(i as u32 + 1, 1, district, &cell)?;
    }
    let known = units.len().max(districts.len());
    print_setup(names, "单位与区", &[30.0, 16.0], 1, known as u32)?;
    if known > 0 {
        let list = Formula::new(format!("='单位与区'!$A$2:$B${}", known + 1));
        let units_check = DataValidation::new()
            .allow_list_formula(list)
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("单位")?
            .set_error_message("名录中没有这个名称；上传时会被拒绝并提示相近的名称")?;
        let sheet = workbook.worksheet_from_name(SHEET)?;
        sheet.add_data_validation(1, 0, MAX_ROWS, 0, &units_check)?;
    }
    let about = workbook.add_worksheet();
    about.set_name("说明")?;
    about.set_column_width(0, 90)?;
    let notes = [
        "每行一个账号。单位：填报单位用名录中的名称或简称；区填报员填区名；协调办公室、领导可不填。",
        "角色：单位填报员、区填报员、牵头单位审核员（牵头单位的账号，可审核责任单位的报送）、领导（查看全部，可批示、圈阅）、协调办公室。不填时按单位判断为单位填报员或区填报员。",
        "手机：11 位手机号；用户名不填时以手机号作为用户名。邮箱用于接收催报邮件，可不填。",
        "整表一起检查：任何一行有误则一个账号也不创建，页面列出每个有误的行和列。",
        "创建后页面给出账号分发表（含一次性密码，只显示一次），可打印或下载；首次登录须修改密码。",
    ];
    let note = cell.clone().set_border(FormatBorder::None);
    for (i, line) in notes.iter().enumerate() {
        about.write_string_with_format(i as u32, 0, *line, &note)?;
    }
    print_setup(about, "说明", &[90.0], 0, notes.len() as u32 - 1)?;
    workbook.save_to_buffer()
}

const LIMITS: SheetLimits = SheetLimits {
    max_rows: MAX_ROWS + 1,
    max_columns: 16,
    max_cells: (MAX_ROWS as u64 + 1) * 16,
    max_shared_strings: (MAX_ROWS as u64 + 1) * 16,
};

/// Reads a filled roster: the header must be the template's (用户名 may be missing), empty rows
/// are skipped, and every other row comes back as typed.
pub fn read_roster(bytes: &[u8]) -> Result<Vec<RosterLine>, RosterError> {
    check_upload(bytes, &LIMITS).map_err(RosterError::file)?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| RosterError::file(format!("无法读取 xlsx 文件：{e}")))?;
    let names = workbook.sheet_names();
    // A roster typed from scratch has one sheet under any name; the template names its own.
    let sheet = if names.iter().any(|n| n == SHEET) {
        SHEET.to_string()
    } else if let [only] = names.as_slice() {
        only.clone()
    } else {
        return Err(RosterError::file(format!(
            "找不到工作表「{SHEET}」（文件中只有：{}）；请用本系统下载的名单模板",
            names.join("、")
        )));
    };
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| RosterError::file(format!("无法读取工作表「{sheet}」：{e}")))?;
    let Some((first_row, first_col)) = range.start() else {
        return Err(RosterError::file("名单是空的"));
    };
    if first_col != 0 {
        return Err(RosterError::file("A 列为空：请勿删除或移动列"));
    }
    let at = |r: u32, c: usize| -> Option<&Data> { range.get_value((r, c as u32)) };
    let header_row = first_row + 1;
    let mut width = REQUIRED;
    for (c, (name, _)) in COLUMNS.iter().enumerate() {
        let found = text(at(first_row, c));
        if c >= REQUIRED && found.is_empty() {
            break;
        }
        if found != *name {
            return Err(RosterError::at(
                header_row,
                c,
                format!("表头应为「{name}」，实为「{found}」；请勿增删或移动列"),
            ));
        }
        width = c + 1;
    }
    let end_row = range.end().map_or(first_row, |e| e.0);
    let mut lines = Vec::new();
    for r in first_row + 1..=end_row {
        let cells: Vec<String> = (0..COLUMNS.len())
            .map(|c| {
                if c < width {
                    text(at(r, c))
                } else {
                    String::new()
                }
            })
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        let [unit, name, mobile, email, role, username] =
            <[String; 6]>::try_from(cells).map_err(|_| RosterError::file("名单的列数不对"))?;
        lines.push(RosterLine {
            row: r + 1,
            unit,
            name,
            mobile,
            email,
            role,
            username,
        });
    }
    if lines.is_empty() {
        return Err(RosterError::file("名单中没有填写任何账号"));
    }
    Ok(lines)
}

/// One account handed over.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HandoutLine {
    pub unit: String,
    pub name: String,
    pub role: String,
    pub username: String,
    pub password: String,
}

/// The 账号分发表: one row per account with its one-time password, set to print on A4.
pub fn write_handout(
    title: &str,
    address: &str,
    lines: &[HandoutLine],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let (cell, header) = formats();
    let title_format = Format::new()
        .set_bold()
        .set_font_name("方正小标宋简体")
        .set_font_size(18)
        .set_align(FormatAlign::Center);
    let password = cell.clone().set_font_name("Consolas").set_font_size(13);
    let sheet = workbook.add_worksheet();
    sheet.set_name("账号分发表")?;
    let columns = [
        ("序号", 6.0),
        ("单位/区", 28.0),
        ("姓名", 12.0),
        ("角色", 16.0),
        ("用户名", 18.0),
        ("一次性密码", 20.0),
    ];
    sheet.merge_range(0, 0, 0, columns.len() as u16 - 1, title, &title_format)?;
    for (col, (name, width)) in columns.iter().enumerate() {
        sheet.write_string_with_format(1, col as u16, *name, &header)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    for (i, line) in lines.iter().enumerate() {
        let row = i as u32 + 2;
        sheet.write_number_with_format(row, 0, i as f64 + 1.0, &cell)?;
        sheet.write_string_with_format(row, 1, &line.unit, &cell)?;
        sheet.write_string_with_format(row, 2, &line.name, &cell)?;
        sheet.write_string_with_format(row, 3, &line.role, &cell)?;
        sheet.write_string_with_format(row, 4, &line.username, &cell)?;
        sheet.write_string_with_format(row, 5, &line.password, &password)?;
    }
    let after = lines.len() as u32 + 3;
    let warning = "一次性密码只能使用一次：首次登录须改为本人设置的密码。请当面或电话逐一告知，勿在群内转发。";
    let note = if address.is_empty() {
        warning.to_string()
    } else {
        format!("登录地址：{address}。{warning}")
    };
    sheet.merge_range(after, 0, after, columns.len() as u16 - 1, &note, &cell)?;
    let widths: Vec<f64> = columns.iter().map(|(_, width)| *width).collect();
    print_setup(sheet, title, &widths, 2, after)?;
    sheet.set_freeze_panes(2, 0)?;
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roster(rows: &[&[&str]]) -> Vec<u8> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        for (r, cells) in rows.iter().enumerate() {
            for (c, value) in cells.iter().enumerate() {
                sheet
                    .write_string(r as u32, c as u16, *value)
                    .expect("a cell writes");
            }
        }
        workbook.save_to_buffer().expect("the roster writes")
    }

    #[test]
    fn the_template_reads_back_as_an_empty_roster() {
        let units = vec!["市发改委".to_string()];
        let bytes = write_roster_template(&units, &["江岸区".into()]).expect("the template writes");
        let err = read_roster(&bytes).expect_err("an empty roster is refused");
        assert_eq!(err.message, "名单中没有填写任何账号");
    }

    #[test]
    fn rows_come_back_as_typed_with_their_excel_row_numbers() {
        let bytes = roster(&[
            &["单位", "姓名", "手机", "邮箱", "角色"],
            &["市发改委", "张三", "13800138000", "", "单位填报员"],
            &[],
            &["江岸区", "李四", "", "li@example.cn", ""],
        ]);
        let lines = read_roster(&bytes).expect("a good roster reads");
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].row, 2);
        assert_eq!(lines[0].mobile, "13800138000");
        assert_eq!(lines[1].row, 4);
        assert_eq!(lines[1].unit, "江岸区");
        assert_eq!(lines[1].username, "");
    }

    #[test]
    fn a_moved_column_is_named_in_the_error() {
        let bytes = roster(&[
            &["单位", "手机", "姓名", "邮箱", "角色"],
            &["市发改委", "13800138000", "张三", "", ""],
        ]);
        let err = read_roster(&bytes).expect_err("a moved column is refused");
        assert_eq!(err.row, Some(1));
        assert_eq!(err.column, Some(1));
        assert!(
            err.to_string().starts_with("第 1 行 B 列（姓名）："),
            "{err}"
        );
    }

    #[test]
    fn what_is_not_a_spreadsheet_is_refused_plainly() {
        let err = read_roster(b"not a zip").expect_err("refused");
        assert!(err.message.contains("xlsx"), "{err}");
    }

    #[test]
    fn the_handout_is_a_spreadsheet_with_every_password() {
        let lines = vec![HandoutLine {
            unit: "市发改委".into(),
            name: "张三".into(),
            role: "单位填报员".into(),
            username: "13800138000".into(),
            password: "abcd-efgh-ijkl".into(),
        }];
        let bytes = write_handout("账号分发表", "https://luoshi.example.cn", &lines)
            .expect("the handout writes");
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("it reads back");
        let range = book.worksheet_range("账号分发表").expect("its sheet");
        assert_eq!(text(range.get_value((2, 5))), "abcd-efgh-ijkl");
        assert_eq!(text(range.get_value((2, 1))), "市发改委");
    }
}
