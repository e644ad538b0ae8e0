//! `luoshi parse` end to end: the same plan as .txt, GB18030, .docx and .html gives the same
//! output; bad input is refused with the file named and exit code 2.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod word;

use word::{docx, docx_body, word_paragraph};

const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

fn luoshi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_luoshi"))
        .args(args)
        .output()
        .expect("luoshi runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("utf-8 output")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write fixture");
    path
}

fn html(text: &str) -> Vec<u8> {
    let mut page = String::from(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>武汉市人民政府</title><script>var x = 1;</script></head><body>\n<div class=\"nav\"></div>\n",
    );
    for line in text.lines() {
        let escaped = line.replace('&', "&amp;").replace('<', "&lt;");
        page.push_str(&format!("<p>{escaped}</p>\n"));
    }
    page.push_str("</body></html>\n");
    page.into_bytes()
}

/// The JSON of `text` without source line numbers, which count the lines of the text as read.
fn without_lines(text: String) -> serde_json::Value {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.remove("line");
                map.values_mut().for_each(walk);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("json");
    walk(&mut value);
    value
}

#[test]
fn builtin_plan_is_the_default() {
    let out = luoshi(&["parse"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["doc_number"], "武政办〔2021〕26号");
    assert_eq!(json["tasks"].as_array().map(Vec::len), Some(19));
    assert!(String::from_utf8_lossy(&out.stderr).contains("19 项任务"));
}

#[test]
fn txt_gb18030_and_docx_give_identical_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let txt = write(dir.path(), "plan.txt", PLAN.as_bytes());
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(PLAN);
    assert!(!unmappable);
    let gb = write(dir.path(), "plan-gbk.txt", &gbk);
    let word = write(dir.path(), "plan.docx", &docx(PLAN));
    let reference = stdout(&luoshi(&["parse", &txt.to_string_lossy()]));
    assert_eq!(
        stdout(&luoshi(&["parse", &gb.to_string_lossy()])),
        reference,
        "GB18030"
    );
    assert_eq!(
        stdout(&luoshi(&["parse", &word.to_string_lossy()])),
        reference,
        ".docx"
    );
}

/// Line numbers count the lines of the text as read; everything else is the same for a saved page.
#[test]
fn saved_html_gives_the_same_table() {
    let dir = tempfile::tempdir().expect("tempdir");
    let txt = write(dir.path(), "plan.txt", PLAN.as_bytes());
    let page = write(dir.path(), "plan.html", &html(PLAN));
    let reference = without_lines(stdout(&luoshi(&["parse", &txt.to_string_lossy()])));
    assert_eq!(
        without_lines(stdout(&luoshi(&["parse", &page.to_string_lossy()]))),
        reference
    );
}

#[test]
fn output_format_follows_the_file_name_or_the_flag() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, magic) in [
        ("t.xlsx", &b"PK"[..]),
        ("t.csv", &[0xEF, 0xBB, 0xBF][..]),
        ("t.md", "# 武汉市".as_bytes()),
        ("t.json", b"{"),
    ] {
        let out = dir.path().join(name);
        stdout(&luoshi(&["parse", "-o", &out.to_string_lossy()]));
        let bytes = std::fs::read(&out).expect("written");
        assert!(bytes.starts_with(magic), "{name}");
    }
    let md = stdout(&luoshi(&["parse", "--format", "md"]));
    assert!(md.contains("| 序号 | 工作任务 | 目标 | 牵头单位 | 责任单位 | 备注 |"));
}

#[test]
fn bad_input_names_the_file_and_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let empty = write(dir.path(), "empty.txt", b"");
    let binary = write(
        dir.path(),
        "binary.txt",
        &[0x7F, b'E', b'L', b'F', 0, 0, 1, 2, 3],
    );
    let junk = write(dir.path(), "junk.txt", &[0xFF, 0xFE, 0x00, 0xD8, 0xFF]);
    let doc = write(
        dir.path(),
        "old.doc",
        &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
    );
    let fake_docx = write(dir.path(), "fake.docx", b"PK\x03\x04 not really a zip");
    let missing = dir.path().join("missing.txt");
    for (path, words) in [
        (&empty, "文件是空的"),
        (&binary, "不是文本文件"),
        (&junk, "编码"),
        (&doc, ".doc"),
        (&fake_docx, "Word"),
        (&missing, "文件不存在"),
        (&dir.path().to_path_buf(), "目录"),
    ] {
        let out = luoshi(&["parse", &path.to_string_lossy()]);
        assert_eq!(out.status.code(), Some(2), "{}", path.display());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&*path.to_string_lossy()),
            "names the file: {err}"
        );
        assert!(err.contains(words), "says why ({words}): {err}");
        assert!(!err.contains("panicked"));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn an_edited_directory_is_used_and_a_broken_one_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("wuhan.toml");
    stdout(&luoshi(&["directory", "-o", &file.to_string_lossy()]));
    let mut edited = std::fs::read_to_string(&file).expect("written");
    edited.push_str("\n[[units]]\nname = \"有关专班单位\"\n");
    std::fs::write(&file, edited).expect("edit");
    let json: serde_json::Value = serde_json::from_str(&stdout(&luoshi(&[
        "parse",
        "--directory",
        &file.to_string_lossy(),
    ])))
    .expect("json");
    let reasons: Vec<String> = json["review"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| f["reason"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(
        !reasons.iter().any(|r| r.contains("有关专班单位")),
        "{reasons:?}"
    );

    std::fs::write(&file, "[[units]]\nname = \n").expect("break");
    let out = luoshi(&["parse", "--directory", &file.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("wuhan.toml") && err.contains("第 2 行"),
        "{err}"
    );
}

#[test]
fn a_plan_from_another_city_uses_an_empty_directory_that_learns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = "某市科技创新工作方案\n一、重点任务\n1. 各区分别建设孵化器 2 家以上。（牵头单位：市科技局；责任单位：东城区人民政府、西城区人民政府）";
    let path = write(dir.path(), "other.md", plan.as_bytes());
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&luoshi(&["parse", &path.to_string_lossy()]))).expect("json");
    assert_eq!(
        json["tasks"][0]["targets"][0]["districts"],
        serde_json::json!(["东城区", "西城区"])
    );
    assert_eq!(json["review"], serde_json::json!([]));
}

#[test]
fn task_tables_in_word_and_html_become_tasks() {
    let rows = [
        ["序号", "重点任务", "牵头单位", "配合单位", "完成时限"],
        [
            "1",
            "新建市级以上孵化载体 50 家以上",
            "市科技局",
            "各区人民政府",
            "2021年12月底",
        ],
        [
            "2",
            "推动 30 家企业上市",
            "市金融局",
            "市财政局、市发改委",
            "2021年底",
        ],
    ];
    let cell = |t: &str| format!("<w:tc>{}</w:tc>", word_paragraph(t));
    let table: String = rows
        .iter()
        .map(|r| {
            format!(
                "<w:tr>{}</w:tr>",
                r.iter().map(|c| cell(c)).collect::<String>()
            )
        })
        .collect();
    let body = format!(
        "{}{}<w:tbl>{table}</w:tbl>",
        word_paragraph("某市2021年科技创新工作要点"),
        word_paragraph("附件：重点任务分工表")
    );
    let page = format!(
        "<html><body><p>某市2021年科技创新工作要点</p><p>附件：重点任务分工表</p><table>{}</table></body></html>",
        rows.iter()
            .map(|r| format!(
                "<tr>{}</tr>",
                r.iter()
                    .map(|c| format!("<td>{c}</td>"))
                    .collect::<String>()
            ))
            .collect::<String>()
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let word = write(dir.path(), "tasks.docx", &docx_body(&body));
    let html_file = write(dir.path(), "tasks.html", page.as_bytes());
    let from_word = without_lines(stdout(&luoshi(&["parse", &word.to_string_lossy()])));
    let from_html = without_lines(stdout(&luoshi(&["parse", &html_file.to_string_lossy()])));
    for json in [&from_word, &from_html] {
        let tasks = json["tasks"].as_array().expect("tasks");
        assert_eq!(tasks.len(), 2);
        assert_eq!(
            tasks[0]["path"], "附件.1",
            "the table is printed under 附件"
        );
        assert_eq!(tasks[0]["lead"], serde_json::json!(["市科技局"]));
        assert_eq!(tasks[0]["deadline"], "2021年12月底");
        assert_eq!(tasks[0]["targets"][0]["qualifier"], "at_least");
        assert_eq!(
            tasks[1]["responsible"],
            serde_json::json!(["市财政局", "市发改委"])
        );
    }
    assert_eq!(from_word["tasks"], from_html["tasks"]);
}

/// A government web page saved as it is served: GB2312 declared, navigation, a metadata table,
/// the notice as paragraphs, a footer.
#[test]
fn a_saved_government_page_in_gbk_reads_like_the_text() {
    let fields = [
        "索引号",
        "发文机构",
        "发文字号",
        "主题分类",
        "成文日期",
        "发布日期",
        "有效性",
    ];
    let lines: Vec<&str> = PLAN
        .lines()
        .map(|l| l.trim_start_matches('#').trim())
        .filter(|l| !l.is_empty())
        .collect();
    let (title, body): (&str, Vec<&str>) = (
        lines[0],
        lines[1..]
            .iter()
            .copied()
            .filter(|l| !fields.iter().any(|f| l.starts_with(f)))
            .collect(),
    );
    let paragraphs: String = body
        .iter()
        .map(|l| format!("<p>{}</p>\n", l.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    let page = format!(
        "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>{title}_武汉市人民政府</title>\
<script>var nav = \"<p>x</p>\";</script></head><body><div class=\"nav\"><a href=\"/\">首页</a> &gt; <a>政务公开</a></div>\
<table><tr><td>索引号：</td><td>K28044908/2021-29412</td><td>主题分类：</td><td>科技</td></tr>\
<tr><td>发文机构：</td><td>武汉市人民政府办公厅</td><td>成文日期：</td><td>2021年03月28日</td></tr>\
<tr><td>发文字号：</td><td>武政办〔2021〕26号</td><td>发布日期：</td><td>2021年04月02日</td></tr></table>\
<h1>{title}</h1><div class=\"article\">{paragraphs}</div><div class=\"footer\">主办：武汉市人民政府办公厅 | 网站标识码：4201000003</div></body></html>"
    );
    let (gbk, _, unmappable) = encoding_rs::GB18030.encode(&page);
    assert!(!unmappable);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "wuhan.htm", &gbk);
    let txt = write(dir.path(), "wuhan.txt", PLAN.as_bytes());
    assert_eq!(
        without_lines(stdout(&luoshi(&["parse", &file.to_string_lossy()]))),
        without_lines(stdout(&luoshi(&["parse", &txt.to_string_lossy()])))
    );
}
