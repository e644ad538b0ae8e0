//! The report spreadsheet: what is written reads back the same, and every malformed upload is
//! refused with its row and column named.

use std::io::Write;

use luoshi_export::report_sheet::*;
use rust_xlsxwriter::{Format, Workbook};

fn info() -> SheetInfo {
    SheetInfo {
        period_key: "2021-06".into(),
        period_label: "2021年6月".into(),
        unit: "江岸区人民政府".into(),
    }
}

fn lines() -> Vec<SheetLine> {
    vec![
        SheetLine {
            task_path: "二.（一）.1".into(),
            task_title: "培育高新技术企业".into(),
            role: "责任".into(),
            target_id: Some(12),
            target_text: "新增高新技术企业 2000 家".into(),
            unit: "家".into(),
            expected: Some(2000.0),
            previous: Some(800.0),
            value: Some(1010.0),
            note: String::new(),
            progress: "已认定 1010 家".into(),
            ..Default::default()
        },
        SheetLine {
            task_path: "二.（一）.2".into(),
            task_title: "完善服务体系".into(),
            role: "牵头".into(),
            coordination: "请市财政局拨付奖补资金".into(),
            ..Default::default()
        },
    ]
}

#[test]
fn a_sheet_reads_back_what_was_written() {
    let bytes = write_report_sheet(&info(), &lines()).expect("xlsx");
    let (read_info, read) = read_report_sheet(&bytes).expect("reads");
    assert_eq!(read_info, info());
    assert_eq!(read.len(), 2);
    assert_eq!(read[0].row, 2);
    assert_eq!(read[0].line.target_id, Some(12));
    assert_eq!(read[0].line.value, Some(1010.0));
    assert_eq!(read[0].line.progress, "已认定 1010 家");
    assert_eq!(read[1].line.target_id, None);
    assert_eq!(read[1].line.coordination, "请市财政局拨付奖补资金");
}

/// A workbook with our header and the given extra cells on the 填报 sheet.
fn custom(cells: &[(u32, u16, &str)], merge: bool, sheet_name: &str) -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name).expect("name");
    for (c, (name, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string(0, c as u16, *name).expect("header");
    }
    for (r, c, text) in cells {
        sheet.write_string(*r, *c, *text).expect("cell");
    }
    if merge {
        sheet
            .merge_range(3, 10, 4, 10, "合并", &Format::new())
            .expect("merge");
    }
    let about = workbook.add_worksheet();
    about.set_name(INFO_SHEET).expect("name");
    about.write_string(0, 0, "填报期间").expect("k");
    about.write_string(0, 1, "2021-06").expect("v");
    workbook.save_to_buffer().expect("xlsx")
}

#[test]
fn text_in_a_number_column_is_named_by_row_and_column() {
    let bytes = custom(
        &[(1, 0, "二.（一）.1"), (1, 3, "12"), (1, 8, "约三十")],
        false,
        SHEET,
    );
    let e = read_report_sheet(&bytes).expect_err("text value");
    assert_eq!((e.row, e.column), (Some(2), Some(8)));
    assert_eq!(
        e.to_string(),
        "第 2 行 I 列（本期累计）：「约三十」不是数字"
    );
    // Numbers typed as text are fine.
    let bytes = custom(
        &[(1, 0, "二.（一）.1"), (1, 3, "12"), (1, 8, " 1,234 ")],
        false,
        SHEET,
    );
    let (_, read) = read_report_sheet(&bytes).expect("numeric text");
    assert_eq!(read[0].line.value, Some(1234.0));
}

#[test]
fn wrong_sheet_and_merged_cells_are_refused() {
    let e = read_report_sheet(&custom(&[], false, "Sheet1")).expect_err("wrong sheet");
    assert!(e.to_string().contains("找不到工作表「填报」"), "{e}");
    assert!(e.to_string().contains("Sheet1"), "{e}");
    let e = read_report_sheet(&custom(&[(1, 0, "二.（一）.1")], true, SHEET)).expect_err("merged");
    assert!(e.to_string().contains("合并单元格（K4:K5）"), "{e}");
    assert_eq!(e.row, Some(4));
}

#[test]
fn moved_columns_and_missing_task_numbers_are_refused() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET).expect("name");
    sheet.write_string(0, 0, "任务编号").expect("h");
    sheet.write_string(0, 1, "备注").expect("h");
    let about = workbook.add_worksheet();
    about.set_name(INFO_SHEET).expect("name");
    about.write_string(0, 0, "填报期间").expect("k");
    about.write_string(0, 1, "2021-06").expect("v");
    let e = read_report_sheet(&workbook.save_to_buffer().expect("xlsx")).expect_err("columns");
    assert_eq!(
        e.to_string(),
        "第 1 行 B 列（工作任务）：表头应为「工作任务」，实为「备注」；请勿增删或移动列"
    );
    let e = read_report_sheet(&custom(&[(2, 10, "进展")], false, SHEET)).expect_err("no task");
    assert_eq!(e.to_string(), "第 3 行 A 列（任务编号）：缺少任务编号");
}

#[test]
fn junk_oversized_files_and_zip_bombs_are_refused() {
    let junk: Vec<u8> = (0..10 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let e = read_report_sheet(&junk).expect_err("10 MB of junk");
    assert!(e.to_string().contains("文件过大"), "{e}");
    let e = read_report_sheet(&junk[..4096]).expect_err("junk");
    assert!(e.to_string().contains("不是有效的 xlsx 文件"), "{e}");
    let e = read_report_sheet(b"").expect_err("empty");
    assert!(e.to_string().contains("不是有效的 xlsx 文件"), "{e}");

    // 70 MB of zeros deflate to a few hundred KB.
    let mut bomb = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bomb));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        zip.start_file("xl/worksheets/sheet1.xml", options)
            .expect("entry");
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..70 {
            zip.write_all(&zeros).expect("write");
        }
        zip.finish().expect("finish");
    }
    assert!(
        bomb.len() < MAX_UPLOAD_BYTES,
        "the bomb is small: {}",
        bomb.len()
    );
    let e = read_report_sheet(&bomb).expect_err("bomb");
    assert!(e.to_string().contains("压缩炸弹"), "{e}");
}

#[test]
fn a_file_without_its_period_is_refused() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET).expect("name");
    for (c, (name, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string(0, c as u16, *name).expect("header");
    }
    let e = read_report_sheet(&workbook.save_to_buffer().expect("xlsx")).expect_err("no info");
    assert!(e.to_string().contains("「说明」"), "{e}");
}
