//! The allocation grid as a spreadsheet (目标分解表): one row per city target, one column per
//! district. The office downloads it, fills each district's share in Excel, and uploads it; the
//! file is checked before it is trusted and every problem names its row and column.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use luoshi_document::package::SheetLimits;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Formula, Workbook, XlsxError};

use crate::report_sheet::{check_upload, parse_number, text};
use crate::spreadsheet::print_setup;

/// The sheet holding the grid.
pub const SHEET: &str = "目标分解";
/// The sheet holding the responsible units' shares, one row per target and unit.
pub const UNIT_SHEET: &str = "分解到责任单位";
const UNIT_COLUMNS: [(&str, f64); 5] = [
    ("指标编号", 9.0),
    ("任务编号", 12.0),
    ("年度目标", 40.0),
    ("责任单位", 20.0),
    ("分解值", 10.0),
];
/// The columns before the districts'.
const LEADING: [(&str, f64); 6] = [
    ("指标编号", 9.0),
    ("任务编号", 12.0),
    ("年度目标", 40.0),
    ("全市目标值", 11.0),
    ("计量单位", 9.0),
    ("牵头单位", 16.0),
];
const SUM: &str = "分解合计";
const NOTE: &str = "备注";
/// Districts a grid may have: a province's counties fit.
const MAX_DISTRICTS: usize = 120;
const MAX_ROWS: u32 = 5_000;

/// One city target's row.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GridTarget {
    pub target_id: i64,
    pub task_path: String,
    pub text: String,
    pub value: f64,
    pub unit: String,
    pub lead: String,
    /// Each district's share, in the grid's district order.
    pub shares: Vec<Option<f64>>,
    /// The task's responsible units with their shares.
    pub units: Vec<(String, Option<f64>)>,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    pub districts: Vec<String>,
    pub targets: Vec<GridTarget>,
}

/// A row as read back: the target, each district's share (in the order of the districts the
/// reader was given; `None` for an empty cell) and the note, with its row number as Excel shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct FilledTarget {
    pub row: u32,
    pub target_id: i64,
    pub shares: Vec<Option<f64>>,
    pub note: String,
    /// The units' shares from the units' sheet, with their rows: `None` when the file has no
    /// such sheet (the units' shares are then left as they are).
    pub units: Option<Vec<(u32, String, Option<f64>)>>,
}

/// What is wrong with an uploaded grid, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", place(*.row, *.column, .header.as_deref()))]
pub struct GridError {
    pub row: Option<u32>,
    /// Column index (0 = A).
    pub column: Option<usize>,
    /// The column's header, when known.
    pub header: Option<String>,
    pub message: String,
}

fn place(row: Option<u32>, column: Option<usize>, header: Option<&str>) -> String {
    let column = column.map(|c| match header {
        Some(h) => format!("{} 列（{h}）", column_letters(c)),
        None => format!("{} 列", column_letters(c)),
    });
    match (row, column) {
        (Some(r), Some(c)) => format!("第 {r} 行 {c}："),
        (Some(r), None) => format!("第 {r} 行："),
        (None, Some(c)) => format!("{c}："),
        (None, None) => String::new(),
    }
}

/// `0` → `A`, `26` → `AA`.
pub fn column_letters(col: usize) -> String {
    let mut n = col + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn fail(
    row: Option<u32>,
    column: Option<usize>,
    header: Option<&str>,
    message: impl Into<String>,
) -> GridError {
    GridError {
        row,
        column,
        header: header.map(str::to_string),
        message: message.into(),
    }
}

/// The xlsx of the grid.
pub fn write_allocation_sheet(grid: &Grid) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let cell = Format::new()
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_align(FormatAlign::VerticalCenter)
        .set_font_name("仿宋_GB2312")
        .set_font_size(11);
    let locked = cell.clone().set_background_color("#F2F2F2");
    let locked_number = locked.clone().set_num_format("#,##0.##");
    let input = cell
        .clone()
        .set_background_color("#FFF2CC")
        .set_num_format("#,##0.##");
    let note = cell.clone().set_background_color("#FFF2CC");
    let header = cell
        .clone()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_background_color("#D9E1F2");
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    let first_district = LEADING.len() as u16;
    let sum_col = first_district + grid.districts.len() as u16;
    for (col, (name, width)) in LEADING.iter().enumerate() {
        sheet.write_string_with_format(0, col as u16, *name, &header)?;
        sheet.set_column_width(col as u16, *width)?;
    }
    for (i, district) in grid.districts.iter().enumerate() {
        let col = first_district + i as u16;
        sheet.write_string_with_format(0, col, district, &header)?;
        sheet.set_column_width(col, 10)?;
    }
    sheet.write_string_with_format(0, sum_col, SUM, &header)?;
    sheet.set_column_width(sum_col, 10)?;
    sheet.write_string_with_format(0, sum_col + 1, NOTE, &header)?;
    sheet.set_column_width(sum_col + 1, 24)?;
    sheet.set_freeze_panes(1, first_district)?;
    let widths: Vec<f64> = LEADING
        .iter()
        .map(|(_, width)| *width)
        .chain(grid.districts.iter().map(|_| 10.0))
        .chain([10.0, 24.0])
        .collect();
    print_setup(sheet, "目标分解", &widths, 1, grid.targets.len() as u32)?;
    for (i, t) in grid.targets.iter().enumerate() {
        let row = i as u32 + 1;
        sheet.write_number_with_format(row, 0, t.target_id as f64, &locked)?;
        sheet.write_string_with_format(row, 1, &t.task_path, &locked)?;
        sheet.write_string_with_format(row, 2, &t.text, &locked)?;
        sheet.write_number_with_format(row, 3, t.value, &locked_number)?;
        sheet.write_string_with_format(row, 4, &t.unit, &locked)?;
        sheet.write_string_with_format(row, 5, &t.lead, &locked)?;
        for d in 0..grid.districts.len() {
            let col = first_district + d as u16;
            match t.shares.get(d).copied().flatten() {
                Some(v) => sheet.write_number_with_format(row, col, v, &input)?,
                None => sheet.write_blank(row, col, &input)?,
            };
        }
        let range = format!(
            "{}{}:{}{}",
            column_letters(first_district as usize),
            row + 1,
            column_letters(sum_col as usize - 1),
            row + 1
        );
        let total: f64 = t.shares.iter().flatten().sum();
        sheet.write_formula_with_format(
            row,
            sum_col,
            Formula::new(format!("=SUM({range})")).set_result(total.to_string()),
            &locked_number,
        )?;
        sheet.write_string_with_format(row, sum_col + 1, &t.note, &note)?;
    }
    let units = workbook.add_worksheet();
    units.set_name(UNIT_SHEET)?;
    for (col, (name, width)) in UNIT_COLUMNS.iter().enumerate() {
        units.write_string_with_format(0, col as u16, *name, &header)?;
        units.set_column_width(col as u16, *width)?;
    }
    units.set_freeze_panes(1, 0)?;
    let mut row = 1u32;
    for t in &grid.targets {
        for (unit, share) in &t.units {
            units.write_number_with_format(row, 0, t.target_id as f64, &locked)?;
            units.write_string_with_format(row, 1, &t.task_path, &locked)?;
            units.write_string_with_format(row, 2, &t.text, &locked)?;
            units.write_string_with_format(row, 3, unit, &locked)?;
            match share {
                Some(v) => units.write_number_with_format(row, 4, *v, &input)?,
                None => units.write_blank(row, 4, &input)?,
            };
            row += 1;
        }
    }
    let unit_widths: Vec<f64> = UNIT_COLUMNS.iter().map(|(_, width)| *width).collect();
    print_setup(units, UNIT_SHEET, &unit_widths, 1, row - 1)?;
    let about = workbook.add_worksheet();
    about.set_name("说明")?;
    about.set_column_width(0, 90)?;
    print_setup(about, "说明", &[90.0], 0, 0)?;
    about.write_string_with_format(
        0,
        0,
        "只填黄色格：各区分解值（数字，空格表示不分解给该区）与备注；分解给责任单位的在「分解到责任单位」表填写。「目标分解」表的分解合计只计各区，页面的合计含责任单位。合计可少于或多于全市目标值（页面会提示）。请勿增删行列、合并单元格或改动灰色格。",
        &cell.clone().set_border(FormatBorder::None),
    )?;
    workbook.save_to_buffer()
}

const SHEET_LIMITS: SheetLimits = SheetLimits {
    max_rows: MAX_ROWS,
    max_columns: (LEADING.len() + MAX_DISTRICTS + 2) as u32,
    max_cells: MAX_ROWS as u64 * (LEADING.len() + MAX_DISTRICTS + 2) as u64,
    max_shared_strings: MAX_ROWS as u64 * (LEADING.len() + MAX_DISTRICTS + 2) as u64,
};

/// Reads an uploaded grid against the plan's `districts`: every district needs its column
/// (in any order); a column naming no district, a share that is not a number or is negative,
/// a row without a target number are refused with their place.
pub fn read_allocation_sheet(
    bytes: &[u8],
    districts: &[String],
) -> Result<Vec<FilledTarget>, GridError> {
    check_upload(bytes, &SHEET_LIMITS).map_err(|e| fail(None, None, None, e))?;
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| fail(None, None, None, format!("无法读取 xlsx 文件：{e}")))?;
    let names = workbook.sheet_names();
    if !names.iter().any(|n| n == SHEET) {
        return Err(fail(
            None,
            None,
            None,
            format!(
                "找不到工作表「{SHEET}」（文件中只有：{}）；请用本系统下载的目标分解表",
                names.join("、")
            ),
        ));
    }
    let merged = workbook
        .merge_cells_by_sheet_name(SHEET)
        .map_err(|e| fail(None, None, None, format!("无法读取工作表「{SHEET}」：{e}")))?;
    if let Some(m) = merged.first() {
        return Err(fail(
            Some(m.start.0 + 1),
            Some(m.start.1 as usize),
            None,
            "有合并单元格，请取消合并后再上传",
        ));
    }
    let range = workbook
        .worksheet_range(SHEET)
        .map_err(|e| fail(None, None, None, format!("无法读取工作表「{SHEET}」：{e}")))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    if first_col != 0 {
        return Err(fail(None, Some(0), None, "A 列为空：请勿删除或移动列"));
    }
    let at = |r: u32, c: usize| -> Option<&Data> { range.get_value((r, c as u32)) };
    for (c, (name, _)) in LEADING.iter().enumerate() {
        let found = text(at(first_row, c));
        if found != *name {
            return Err(fail(
                Some(first_row + 1),
                Some(c),
                None,
                format!("表头应为「{name}」，实为「{found}」；请勿增删或移动列"),
            ));
        }
    }
    // The district columns, up to 分解合计; then 备注.
    let width = range.end().map_or(0, |e| e.1 as usize + 1);
    let mut column_of: Vec<Option<usize>> = vec![None; districts.len()];
    let mut note_col = None;
    let mut sum_col = None;
    for c in LEADING.len()..width {
        let name = text(at(first_row, c));
        if name == SUM {
            sum_col = Some(c);
            continue;
        }
        if name == NOTE {
            note_col = Some(c);
            continue;
        }
        if name.is_empty() {
            continue;
        }
        if sum_col.is_some() {
            return Err(fail(
                Some(first_row + 1),
                Some(c),
                Some(&name),
                "「分解合计」之后只能是「备注」列",
            ));
        }
        match districts.iter().position(|d| *d == name) {
            Some(i) if column_of[i].is_some() => {
                return Err(fail(
                    Some(first_row + 1),
                    Some(c),
                    Some(&name),
                    "这个区的列出现了两次",
                ));
            }
            Some(i) => column_of[i] = Some(c),
            None => {
                return Err(fail(
                    Some(first_row + 1),
                    Some(c),
                    Some(&name),
                    format!("「{name}」不是本方案的区（应为：{}）", districts.join("、")),
                ));
            }
        }
    }
    if let Some(i) = column_of.iter().position(Option::is_none) {
        return Err(fail(
            Some(first_row + 1),
            None,
            None,
            format!("缺少「{}」列；请用本系统下载的目标分解表", districts[i]),
        ));
    }
    let end_row = range.end().map_or(first_row, |e| e.0);
    let mut out = Vec::new();
    for r in first_row + 1..=end_row {
        let row = r + 1;
        let id_cell = at(r, 0);
        let used = (0..width).any(|c| !text(at(r, c)).is_empty() && Some(c) != sum_col);
        if !used {
            continue;
        }
        let target_id = match parse_number(id_cell) {
            Ok(Some(f)) if f.fract() == 0.0 && f > 0.0 && f < 1e15 => f as i64,
            Ok(None) => {
                return Err(fail(Some(row), Some(0), Some("指标编号"), "缺少指标编号"));
            }
            Ok(Some(f)) => {
                return Err(fail(
                    Some(row),
                    Some(0),
                    Some("指标编号"),
                    format!("指标编号「{f}」无效"),
                ));
            }
            Err(e) => return Err(fail(Some(row), Some(0), Some("指标编号"), e)),
        };
        let mut shares = Vec::with_capacity(districts.len());
        for (i, col) in column_of.iter().enumerate() {
            let Some(col) = *col else { continue };
            let header = districts[i].as_str();
            let value = parse_number(at(r, col))
                .map_err(|e| fail(Some(row), Some(col), Some(header), e))?;
            if value.is_some_and(|v| v < 0.0) {
                return Err(fail(Some(row), Some(col), Some(header), "分解值不能为负数"));
            }
            shares.push(value);
        }
        out.push(FilledTarget {
            row,
            target_id,
            shares,
            note: note_col.map(|c| text(at(r, c))).unwrap_or_default(),
            units: None,
        });
    }
    if names.iter().any(|n| n == UNIT_SHEET) {
        let rows = read_unit_sheet(&mut workbook)?;
        for f in &mut out {
            f.units = Some(
                rows.iter()
                    .filter(|(_, id, _, _)| *id == f.target_id)
                    .map(|(row, _, unit, v)| (*row, unit.clone(), *v))
                    .collect(),
            );
        }
        if let Some((row, id, _, _)) = rows
            .iter()
            .find(|(_, id, _, _)| !out.iter().any(|f| f.target_id == *id))
        {
            return Err(fail(
                Some(*row),
                Some(0),
                Some("指标编号"),
                format!("指标编号 {id} 不在「{SHEET}」表中"),
            ));
        }
    }
    Ok(out)
}

/// A row of the units' sheet: `(row, target id, unit, share)`.
type UnitRow = (u32, i64, String, Option<f64>);

/// The units' sheet: every row filled in.
fn read_unit_sheet<R: std::io::Read + std::io::Seek>(
    workbook: &mut Xlsx<R>,
) -> Result<Vec<UnitRow>, GridError> {
    let range = workbook.worksheet_range(UNIT_SHEET).map_err(|e| {
        fail(
            None,
            None,
            None,
            format!("无法读取工作表「{UNIT_SHEET}」：{e}"),
        )
    })?;
    let (first_row, _) = range.start().unwrap_or((0, 0));
    let at = |r: u32, c: usize| -> Option<&Data> { range.get_value((r, c as u32)) };
    for (c, (name, _)) in UNIT_COLUMNS.iter().enumerate() {
        let found = text(at(first_row, c));
        if found != *name {
            return Err(fail(
                Some(first_row + 1),
                Some(c),
                None,
                format!("「{UNIT_SHEET}」表头应为「{name}」，实为「{found}」；请勿增删或移动列"),
            ));
        }
    }
    let end_row = range.end().map_or(first_row, |e| e.0);
    let mut out = Vec::new();
    for r in first_row + 1..=end_row {
        let row = r + 1;
        if (0..UNIT_COLUMNS.len()).all(|c| text(at(r, c)).is_empty()) {
            continue;
        }
        let id = match parse_number(at(r, 0)) {
            Ok(Some(f)) if f.fract() == 0.0 && f > 0.0 && f < 1e15 => f as i64,
            _ => {
                return Err(fail(
                    Some(row),
                    Some(0),
                    Some("指标编号"),
                    "缺少或无效的指标编号",
                ));
            }
        };
        let unit = text(at(r, 3));
        if unit.is_empty() {
            return Err(fail(Some(row), Some(3), Some("责任单位"), "缺少责任单位"));
        }
        let value =
            parse_number(at(r, 4)).map_err(|e| fail(Some(row), Some(4), Some("分解值"), e))?;
        if value.is_some_and(|v| v < 0.0) {
            return Err(fail(Some(row), Some(4), Some("分解值"), "分解值不能为负数"));
        }
        out.push((row, id, unit, value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        Grid {
            districts: vec!["江岸区".into(), "江汉区".into()],
            targets: vec![GridTarget {
                target_id: 7,
                task_path: "二.（三）.2".into(),
                text: "力争达成成果转化意向 500 项以上".into(),
                value: 500.0,
                unit: "项".into(),
                lead: "市科技局".into(),
                shares: vec![Some(40.0), None],
                units: vec![("市财政局".into(), Some(5.0))],
                note: "按上年基数".into(),
            }],
        }
    }

    #[test]
    fn a_grid_reads_back_as_written() {
        let bytes = write_allocation_sheet(&grid()).expect("xlsx");
        let districts = grid().districts;
        let rows = read_allocation_sheet(&bytes, &districts).expect("reads");
        assert_eq!(
            rows,
            vec![FilledTarget {
                row: 2,
                target_id: 7,
                shares: vec![Some(40.0), None],
                note: "按上年基数".into(),
                units: Some(vec![(2, "市财政局".into(), Some(5.0))]),
            }]
        );
        // The same file read against districts in another order maps by name.
        let swapped = vec!["江汉区".to_string(), "江岸区".to_string()];
        let rows = read_allocation_sheet(&bytes, &swapped).expect("reads");
        assert_eq!(rows[0].shares, vec![None, Some(40.0)]);
    }

    #[test]
    fn a_column_for_no_district_and_a_missing_one_are_named() {
        let bytes = write_allocation_sheet(&grid()).expect("xlsx");
        let other = vec!["江岸区".to_string(), "硚口区".to_string()];
        let e = read_allocation_sheet(&bytes, &other).expect_err("江汉区 is not one");
        assert_eq!((e.row, e.column), (Some(1), Some(7)));
        assert!(e.to_string().starts_with("第 1 行 H 列（江汉区）："), "{e}");
        let more = vec!["江岸区".into(), "江汉区".into(), "硚口区".into()];
        let e = read_allocation_sheet(&bytes, &more).expect_err("硚口区 has no column");
        assert!(e.to_string().contains("缺少「硚口区」列"), "{e}");
    }

    #[test]
    fn a_share_that_is_not_a_number_is_named_by_row_and_column() {
        let mut g = grid();
        g.targets[0].shares = vec![Some(-1.0), None];
        let bytes = write_allocation_sheet(&g).expect("xlsx");
        let e = read_allocation_sheet(&bytes, &g.districts).expect_err("negative");
        assert_eq!(e.to_string(), "第 2 行 G 列（江岸区）：分解值不能为负数");
        assert!(read_allocation_sheet(b"not a zip", &g.districts).is_err());
    }

    #[test]
    fn column_letters_go_past_z() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
    }
}
