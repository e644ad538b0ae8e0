//! Every output format of the Wuhan plan, read back.

mod common;

use std::io::{Cursor, Read};

use common::xlsx_part;

use calamine::{Data, Reader, Xlsx};
use luoshi_directory::{Directory, resolve};
use luoshi_export::{Format, render};

const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

fn plan() -> luoshi_extract::PlanDraft {
    resolve(luoshi_extract::extract(PLAN), &Directory::wuhan()).draft
}

#[test]
fn xlsx_is_a_real_spreadsheet_with_the_table() {
    let bytes = render(&plan(), Format::Xlsx).expect("xlsx");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("opens");
    assert_eq!(
        book.sheet_names(),
        vec!["任务分解表", "主要目标", "待核对事项"]
    );
    let range = book.worksheet_range("任务分解表").expect("sheet");
    let text = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    let headers: Vec<String> = (0..6).map(|c| text(1, c)).collect();
    assert_eq!(
        headers,
        vec!["序号", "工作任务", "目标", "牵头单位", "责任单位", "备注"]
    );
    assert_eq!(text(2, 0), "二.（一）.1");
    assert_eq!(text(2, 1), "加快东湖科学城规划建设");
    assert_eq!(text(2, 3), "武汉东湖新技术开发区管委会");
    let targets: usize = plan().tasks.iter().map(|t| t.targets.len().max(1)).sum();
    assert_eq!(
        range.height(),
        2 + targets,
        "title, header, one row per target"
    );
    let all: Vec<String> = (2..range.height() as u32).map(|r| text(r, 2)).collect();
    assert!(all.iter().any(|t| t == "各区分别举办对接活动 5 场以上"));

    let review = book.worksheet_range("待核对事项").expect("review sheet");
    assert!(
        matches!(review.get_value((1, 2)), Some(Data::String(s)) if s == "责任分工注释"),
        "field names in Chinese"
    );

    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .expect("sheet1")
        .read_to_string(&mut sheet)
        .expect("utf-8");
    assert!(sheet.contains(r#"state="frozen""#), "header is frozen");
    assert!(
        sheet.contains("<mergeCell "),
        "task cells merged over their targets"
    );
    assert!(sheet.contains(r#"orientation="landscape""#));
    assert!(
        sheet.contains(r#"customHeight="1""#),
        "rows sized for their wrapped text"
    );
}

#[test]
fn csv_has_the_same_rows_with_a_bom() {
    let bytes = render(&plan(), Format::Csv).expect("csv");
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = reader
        .headers()
        .expect("headers")
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(headers[0], "序号");
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    let targets: usize = plan().tasks.iter().map(|t| t.targets.len().max(1)).sum();
    assert_eq!(rows.len(), targets);
    assert!(
        rows.iter()
            .any(|r| r[0] == *"二.（三）.1" && r[5].contains("待核对"))
    );
}

#[test]
fn markdown_has_header_indicators_table_and_review() {
    let text = String::from_utf8(render(&plan(), Format::Markdown).expect("md")).expect("utf-8");
    assert!(text.starts_with("# 武汉市大力推进科技创新提能工作实施方案"));
    assert!(text.contains("- 发文字号：武政办〔2021〕26号"));
    assert!(text.contains("| 技术合同成交额 | 1000亿元 |"));
    assert!(text.contains("| 序号 | 工作任务 | 目标 | 牵头单位 | 责任单位 | 备注 |"));
    assert!(text.contains("## 待核对事项"));
}

#[test]
fn json_carries_the_format_version_and_gold_field_names() {
    let text = String::from_utf8(render(&plan(), Format::Json).expect("json")).expect("utf-8");
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(value["format_version"], 1);
    assert_eq!(value["doc_number"], "武政办〔2021〕26号");
    assert_eq!(
        value["tasks"][0]["assignees"][0]["unit"],
        "武汉东湖新技术开发区管委会"
    );
}

#[test]
fn formats_from_file_names() {
    assert_eq!(Format::from_path("a/b.XLSX"), Some(Format::Xlsx));
    assert_eq!(Format::from_path("t.md"), Some(Format::Markdown));
    assert_eq!(Format::from_path("t.txt"), None);
}

/// A 若干措施 plan: its awards and subsidies go to their own sheet, never into the task table's
/// targets.
#[test]
fn support_measures_have_their_own_sheet_and_are_not_targets() {
    let text = "某区支持人工智能企业发展若干措施\n一、支持企业成长\n1. 培育创新企业。全区新增人工智能企业50家以上；对首次认定的高新技术企业，给予最高30万元奖励；按不超过实际研发投入的20%给予补助。（责任单位：区科技局）\n2. 提供办公空间。提供7天免费住宿，最长6个月。（责任单位：区人社局）";
    let draft = luoshi_extract::extract(text);
    let targets: Vec<f64> = draft
        .tasks
        .iter()
        .flat_map(|t| t.targets.iter().map(|g| g.value))
        .collect();
    assert_eq!(targets, vec![50.0], "only the count of firms is a target");
    let bytes = render(&draft, Format::Xlsx).expect("xlsx");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).expect("opens");
    assert!(book.sheet_names().contains(&"政策支持".to_string()));
    let range = book.worksheet_range("政策支持").expect("sheet");
    let cell = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => f.to_string(),
        _ => String::new(),
    };
    let rows: Vec<(String, String, String, String, String)> = (1..range.height() as u32)
        .map(|r| (cell(r, 0), cell(r, 1), cell(r, 2), cell(r, 3), cell(r, 4)))
        .collect();
    let s = |a: &str, b: &str, c: &str, d: &str, e: &str| {
        (a.into(), b.into(), c.into(), d.into(), e.into())
    };
    assert_eq!(
        rows,
        vec![
            s("一.1", "资金", "30", "万元", "最高"),
            s("一.1", "比例", "20", "%", "最高"),
            s("一.2", "期限", "7", "天", ""),
            s("一.2", "期限", "6", "个月", "最高"),
        ]
    );
    assert!(
        cell(1, 5).contains("首次认定的高新技术企业"),
        "what it is given for"
    );
}

#[test]
fn a_printed_table_holds_numbers_as_numbers_and_prints_on_a4() {
    let rows = vec![
        vec![
            "二.（一）.1".to_string(),
            "新建孵化载体".to_string(),
            "50家".to_string(),
            "1,200".to_string(),
            "12.5%".to_string(),
        ],
        vec![
            "二.（一）.2".to_string(),
            "引进人才".to_string(),
            "10场以上".to_string(),
            "".to_string(),
            "—".to_string(),
        ],
    ];
    let title = "【演示数据】武汉市科技创新提能工作专班办公室 江岸区 年度任务表（一区一表）";
    let bytes = luoshi_export::table_xlsx(
        title,
        &[
            ("序号", 12.0),
            ("工作任务", 34.0),
            ("年度目标", 20.0),
            ("完成", 10.0),
            ("比例", 10.0),
        ],
        &rows,
    )
    .expect("xlsx");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).expect("opens");
    let sheet = book.sheet_names()[0].clone();
    assert!(sheet.chars().count() <= 31, "{sheet}");
    assert_eq!(sheet, "武汉市科技创新提能工作专班办公室 江岸区 年度任务表");
    let range = book.worksheet_range(&sheet).expect("sheet");
    let value = |r: u32, c: u32| range.get_value((r, c)).cloned();
    assert_eq!(
        value(2, 2),
        Some(Data::Float(50.0)),
        "50家 is the number 50"
    );
    assert_eq!(value(2, 3), Some(Data::Float(1200.0)));
    assert_eq!(value(2, 4), Some(Data::Float(0.125)));
    assert_eq!(
        value(3, 2),
        Some(Data::String("10场以上".into())),
        "a requirement stays text"
    );
    assert_eq!(value(2, 0), Some(Data::String("二.（一）.1".into())));

    let workbook = xlsx_part(&bytes, "xl/workbook.xml");
    assert!(workbook.contains("_xlnm.Print_Area"), "{workbook}");
    assert!(
        workbook.contains("_xlnm.Print_Titles"),
        "header rows repeat"
    );
    let styles = xlsx_part(&bytes, "xl/styles.xml");
    assert!(styles.contains("宋体"), "a CJK font");
    assert!(
        styles.contains("0&quot;家&quot;") || styles.contains("0\"家\""),
        "{styles}"
    );
    let sheet_xml = xlsx_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(sheet_xml.contains("paperSize=\"9\""), "A4");
    assert!(sheet_xml.contains("fitToHeight=\"0\""), "one page wide");
}
