//! 任务分解表 per unit: what 市科技局 leads and shares in the Wuhan plan, as a spreadsheet with
//! numbers as numbers and as a Word document with the table as its 附件; every unit's and district's
//! sheet in one .zip.

mod common;

use std::io::{Cursor, Read};

use axum::http::StatusCode;
use calamine::{Data, Reader, Xlsx};
use common::{encode, get, office_cookie, send};

/// The text of a .docx's `word/document.xml`.
fn document_xml(docx: Vec<u8>) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a docx");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .expect("utf-8");
    xml
}

/// The document converts to PDF with LibreOffice, its text page(s) then the table as 附件1 on
/// pages of its own, and the printed text holds `words` (spaces aside, which pdftotext may add).
fn printed_with(docx: &[u8], name: &str, words: &[&str]) {
    let dir = tempfile::tempdir().expect("a folder");
    let Some(pages) = luoshi_testkit::printed_pages(dir.path(), name, docx) else {
        return;
    };
    let appendix = pages
        .iter()
        .position(|page| page.lines().any(|l| l.trim().replace(' ', "") == "附件1"))
        .expect("the table prints as 附件1");
    assert!(appendix >= 1, "the 附件 starts a page of its own");
    let text: String = pages.concat().split_whitespace().collect();
    for word in words {
        assert!(text.contains(word), "{word} printed: {text}");
    }
}

#[tokio::test]
async fn a_unit_gets_its_own_task_sheet_as_xlsx_and_docx() {
    let (state, _dir) = common::wuhan(true).await;
    let unit = encode("市科技局");
    let xlsx = send(
        &state,
        get(
            &format!("/plans/1/units/{unit}/tasks.xlsx"),
            &office_cookie(),
        ),
    )
    .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.bytes)).expect("an xlsx");
    let sheet = book.sheet_names()[0].clone();
    assert_eq!(sheet, "市科技局任务分解表");
    let range = book.worksheet_range(&sheet).expect("sheet");
    let text = |r: u32, c: u32| match range.get_value((r, c)) {
        Some(Data::String(s)) => s.clone(),
        _ => String::new(),
    };
    let header: Vec<String> = (0..7).map(|c| text(1, c)).collect();
    assert_eq!(
        header,
        vec![
            "序号",
            "工作任务",
            "本单位职责",
            "目标",
            "节点",
            "完成时限",
            "牵头单位 / 责任单位"
        ]
    );
    let roles: Vec<String> = (2..range.height() as u32).map(|r| text(r, 2)).collect();
    assert!(
        roles.iter().any(|r| r == "牵头") && roles.iter().any(|r| r == "责任"),
        "{roles:?}"
    );
    let first_shared = roles
        .iter()
        .position(|r| r == "责任")
        .expect("a shared task");
    assert!(
        roles[..first_shared].iter().all(|r| r == "牵头"),
        "what it leads comes first"
    );
    let rows: Vec<String> = (2..range.height() as u32).map(|r| text(r, 1)).collect();
    assert!(
        rows.iter().any(|t| t.contains("激发市场主体创新活力")),
        "{rows:?}"
    );

    let docx = send(
        &state,
        get(
            &format!("/plans/1/units/{unit}/tasks.docx"),
            &office_cookie(),
        ),
    )
    .await;
    assert_eq!(docx.status, StatusCode::OK);
    printed_with(
        &docx.bytes,
        "任务分解表",
        &["市科技局任务分解表", "激发市场主体创新活力"],
    );
    let xml = document_xml(docx.bytes);
    assert!(xml.contains("市科技局任务分解表"));
    assert!(xml.contains("附件1"), "the table is the document's 附件");
    assert!(xml.contains("激发市场主体创新活力"));

    let missing = send(
        &state,
        get(
            &format!("/plans/1/units/{}/tasks.xlsx", encode("不存在的局")),
            &office_cookie(),
        ),
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_units_and_districts_sheet_at_once() {
    let (state, _dir) = common::wuhan(true).await;
    let answer = send(&state, get("/plans/1/task-sheets.zip", &office_cookie())).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type.as_deref(), Some("application/zip"));
    let mut archive = zip::ZipArchive::new(Cursor::new(answer.bytes)).expect("a zip");
    let names: Vec<String> = archive
        .file_names()
        .map(|n| n.expect("a name").to_string())
        .collect();
    assert!(
        names.contains(&"单位/市科技局任务分解表.xlsx".to_string()),
        "{names:?}"
    );
    assert!(
        names.contains(&"各区/江岸区一区一表.xlsx".to_string()),
        "{names:?}"
    );
    let mut sheet = Vec::new();
    archive
        .by_name("各区/江岸区一区一表.xlsx")
        .expect("江岸区")
        .read_to_end(&mut sheet)
        .expect("read");
    let book: Xlsx<_> = Xlsx::new(Cursor::new(sheet)).expect("an xlsx inside");
    assert!(!book.sheet_names().is_empty());
}

#[tokio::test]
async fn a_districts_table_as_a_word_document() {
    let (state, _dir) = common::wuhan(true).await;
    let answer = send(
        &state,
        get(
            &format!("/plans/1/districts/{}/table.docx", encode("江岸区")),
            &office_cookie(),
        ),
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    printed_with(
        &answer.bytes,
        "一区一表",
        &["江岸区年度任务表（一区一表）", "推进各区创新发展"],
    );
    let xml = document_xml(answer.bytes);
    assert!(xml.contains("江岸区年度任务表（一区一表）"));
    assert!(xml.contains("附件1"));
    let page = send(
        &state,
        get(
            &format!("/plans/1/districts/{}", encode("江岸区")),
            &office_cookie(),
        ),
    )
    .await;
    assert!(page.body.contains("/table.docx"), "the page links it");
}
