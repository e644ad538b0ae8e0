//! The spreadsheets handed out to be filled in (报送表, 账号名单, 目标分解) and the 账号分发表 print
//! like every other: A4 fitted to the width, header rows repeated, page numbers, a CJK font on
//! every cell, numbers as numbers.

mod common;

use calamine::Data;
use common::{first_sheet, xlsx_part};
use luoshi_export::allocation_sheet::{Grid, GridTarget, write_allocation_sheet};
use luoshi_export::report_sheet::{SheetInfo, SheetLine, write_report_sheet};
use luoshi_export::roster_sheet::{HandoutLine, write_handout, write_roster_template};

/// Every sheet is set up for A4 with page numbers, the first sheet repeats its header rows, and
/// every cell style names a CJK font (the workbook's default style aside).
fn prints_on_a4(name: &str, bytes: &[u8], sheets: usize) {
    let workbook = xlsx_part(bytes, "xl/workbook.xml");
    assert!(
        workbook.contains("_xlnm.Print_Titles"),
        "{name}: header rows repeat"
    );
    for i in 1..=sheets {
        let sheet = xlsx_part(bytes, &format!("xl/worksheets/sheet{i}.xml"));
        assert!(sheet.contains("paperSize=\"9\""), "{name} sheet {i}: A4");
        assert!(
            sheet.contains("fitToHeight=\"0\""),
            "{name} sheet {i}: one page wide"
        );
        assert!(sheet.contains("&amp;P"), "{name} sheet {i}: page numbers");
    }
    let styles = xlsx_part(bytes, "xl/styles.xml");
    let fonts = styles
        .split("<fonts")
        .nth(1)
        .and_then(|s| s.split("</fonts>").next())
        .expect("fonts");
    let names: Vec<&str> = fonts
        .split("<name val=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    // The first font is the workbook's default style; every other is a cell's.
    assert!(names.len() > 1, "{name}: {names:?}");
    for font in &names[1..] {
        assert!(
            ["宋体", "仿宋_GB2312", "方正小标宋简体", "Consolas"].contains(font),
            "{name}: a cell in {font}"
        );
    }
}

#[test]
fn the_report_sheet_prints_and_holds_numbers() {
    let info = SheetInfo {
        period_key: "2021-06".into(),
        period_label: "2021年6月".into(),
        unit: "江岸区人民政府".into(),
    };
    let lines = [SheetLine {
        task_path: "二.（一）.1".into(),
        task_title: "培育高新技术企业".into(),
        role: "责任".into(),
        target_id: Some(12),
        target_text: "新增高新技术企业 2000 家".into(),
        unit: "家".into(),
        expected: Some(1000.0),
        previous: Some(800.0),
        ..Default::default()
    }];
    let bytes = write_report_sheet(&info, &lines).expect("xlsx");
    prints_on_a4("报送表", &bytes, 2);
    assert!(
        xlsx_part(&bytes, "xl/workbook.xml").contains("_xlnm.Print_Area"),
        "the prefilled rows are the print area"
    );
    let range = first_sheet(&bytes);
    assert_eq!(range.get_value((1, 6)), Some(&Data::Float(1000.0)));
    assert_eq!(range.get_value((1, 7)), Some(&Data::Float(800.0)));
}

#[test]
fn the_roster_template_prints_whatever_rows_are_added() {
    let bytes = write_roster_template(&["市科技局".into()], &["江岸区".into()]).expect("xlsx");
    prints_on_a4("账号名单", &bytes, 3);
    let sheet = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains("paperSize=\"9\""));
    let workbook = xlsx_part(&bytes, "xl/workbook.xml");
    assert!(
        !workbook.contains("_xlnm.Print_Area\" localSheetId=\"0\""),
        "no print area on the sheet still to be filled: {workbook}"
    );
}

#[test]
fn the_handout_prints_with_its_title_rows_repeated() {
    let bytes = write_handout(
        "账号分发表",
        "https://luoshi.example",
        &[HandoutLine {
            unit: "市科技局".into(),
            name: "张三".into(),
            role: "单位填报员".into(),
            username: "13800000000".into(),
            password: "abcd-efgh".into(),
        }],
    )
    .expect("xlsx");
    prints_on_a4("账号分发表", &bytes, 1);
    let range = first_sheet(&bytes);
    assert_eq!(range.get_value((2, 0)), Some(&Data::Float(1.0)), "序号");
}

#[test]
fn the_allocation_grid_prints_landscape_with_numbers() {
    let districts: Vec<String> = ["江岸区", "江汉区", "硚口区", "汉阳区", "武昌区", "青山区"]
        .map(String::from)
        .to_vec();
    let grid = Grid {
        targets: vec![GridTarget {
            target_id: 3,
            task_path: "二.（二）.1".into(),
            text: "新建市级以上创新孵化载体 50 家".into(),
            value: 50.0,
            unit: "家".into(),
            lead: "市科技局".into(),
            shares: districts
                .iter()
                .enumerate()
                .map(|(i, _)| Some(i as f64 + 1.0))
                .collect(),
            units: vec![("市经信局".into(), Some(2.0))],
            note: String::new(),
        }],
        districts,
    };
    let bytes = write_allocation_sheet(&grid).expect("xlsx");
    prints_on_a4("目标分解", &bytes, 3);
    assert!(
        xlsx_part(&bytes, "xl/worksheets/sheet1.xml").contains("orientation=\"landscape\""),
        "a district per column: landscape"
    );
    let range = first_sheet(&bytes);
    assert_eq!(range.get_value((1, 3)), Some(&Data::Float(50.0)));
    assert_eq!(range.get_value((1, 6)), Some(&Data::Float(1.0)));
}
