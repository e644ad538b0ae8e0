//! Word .docx: the paragraphs of word/document.xml, with the numbers Word draws itself
//! (automatic numbering from word/numbering.xml) written out as they appear on the page.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::DocumentError;
use crate::table::TableWriter;

/// Largest part we inflate; a .docx's document.xml is a few MB at most (zip bombs stop here).
const MAX_PART: u64 = 64 * 1024 * 1024;

pub fn text(bytes: &[u8]) -> Result<String, DocumentError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| DocumentError::Docx(format!("压缩包损坏（{e}）")))?;
    let document = part(&mut archive, "word/document.xml")?.ok_or_else(|| {
        DocumentError::Docx("压缩包中没有 word/document.xml，不是 Word 文档".into())
    })?;
    let numbering = match part(&mut archive, "word/numbering.xml")? {
        Some(xml) => Numbering::parse(&xml),
        None => Numbering::default(),
    };
    paragraphs(&document, numbering)
}

fn part(
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    name: &str,
) -> Result<Option<String>, DocumentError> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(DocumentError::Docx(format!("{name} 无法读取（{e}）"))),
    };
    let mut xml = String::new();
    let read = file
        .take(MAX_PART + 1)
        .read_to_string(&mut xml)
        .map_err(|e| DocumentError::Docx(format!("{name} 无法解压（{e}）")))?;
    if read as u64 > MAX_PART {
        return Err(DocumentError::Docx(format!(
            "{name} 解压后超过 64 MB，拒绝读取"
        )));
    }
    Ok(Some(xml))
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.try_get_attribute(key)
        .ok()
        .flatten()
        .map(|a| a.value.into_owned())
}

fn paragraphs(xml: &str, mut numbering: Numbering) -> Result<String, DocumentError> {
    let mut reader = Reader::from_str(xml);
    let mut out = String::new();
    let mut paragraph = String::new();
    let mut in_text = false;
    let mut num: (Option<String>, usize) = (None, 0);
    // Tables: depth of nesting (inner tables read as part of the outer cell) and the cell's span.
    let mut table_depth = 0usize;
    let mut table = TableWriter::default();
    let mut span = 1usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| DocumentError::Docx(format!("document.xml 格式错误（{e}）")))?;
        match event {
            // An empty paragraph is a blank line of the document.
            Event::Empty(e) if e.name().as_ref() == "w:p" && table_depth == 0 => out.push('\n'),
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "w:p" => {
                    paragraph.clear();
                    num = (None, 0);
                }
                "w:t" => in_text = true,
                "w:tab" => paragraph.push('\t'),
                "w:br" | "w:cr" => paragraph.push('\n'),
                "w:numId" => num.0 = attr(&e, "w:val"),
                "w:ilvl" => num.1 = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(0),
                "w:tbl" => table_depth += 1,
                "w:tr" if table_depth == 1 => table.start_row(),
                "w:tc" if table_depth == 1 => {
                    table.start_cell();
                    span = 1;
                }
                "w:gridSpan" if table_depth == 1 => {
                    span = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" => {
                    let mut text = String::new();
                    if let Some(id) = &num.0
                        && !paragraph.trim().is_empty()
                    {
                        text.push_str(&numbering.next(id, num.1));
                    }
                    text.push_str(&paragraph);
                    if table_depth == 0 {
                        out.push_str(&text);
                        out.push('\n');
                    } else {
                        table.push_paragraph(&text);
                    }
                    paragraph.clear();
                }
                "w:tc" if table_depth == 1 => table.end_cell(span, 1),
                "w:tr" if table_depth == 1 => table.end_row(&mut out),
                "w:tbl" => table_depth = table_depth.saturating_sub(1),
                _ => {}
            },
            Event::Text(t) if in_text => paragraph.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    paragraph.push(c);
                } else {
                    paragraph.push_str(match &*r {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, Default)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// Word's numbering definitions and the running counters of each list.
#[derive(Debug, Default)]
struct Numbering {
    abstract_levels: HashMap<String, HashMap<usize, Level>>,
    num_to_abstract: HashMap<String, String>,
    counters: HashMap<String, Vec<u32>>,
}

impl Numbering {
    fn parse(xml: &str) -> Numbering {
        let mut n = Numbering::default();
        let mut reader = Reader::from_str(xml);
        let mut abstract_id: Option<String> = None;
        let mut num_id: Option<String> = None;
        let mut level: Option<(usize, Level)> = None;
        while let Ok(event) = reader.read_event() {
            match event {
                Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                    "w:abstractNum" => abstract_id = attr(&e, "w:abstractNumId"),
                    "w:lvl" => {
                        level = Some((
                            attr(&e, "w:ilvl").and_then(|v| v.parse().ok()).unwrap_or(0),
                            Level {
                                start: 1,
                                ..Level::default()
                            },
                        ))
                    }
                    "w:start" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.start = attr(&e, "w:val").and_then(|v| v.parse().ok()).unwrap_or(1);
                        }
                    }
                    "w:numFmt" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.format = attr(&e, "w:val").unwrap_or_default();
                        }
                    }
                    "w:lvlText" => {
                        if let Some((_, l)) = level.as_mut() {
                            l.text = attr(&e, "w:val").unwrap_or_default();
                        }
                    }
                    "w:num" => num_id = attr(&e, "w:numId"),
                    "w:abstractNumId" => {
                        if let (Some(num), Some(val)) = (&num_id, attr(&e, "w:val")) {
                            n.num_to_abstract.insert(num.clone(), val);
                        }
                    }
                    _ => {}
                },
                Event::End(e) if e.name().as_ref() == "w:lvl" => {
                    if let (Some(id), Some((ilvl, l))) = (&abstract_id, level.take()) {
                        n.abstract_levels
                            .entry(id.clone())
                            .or_default()
                            .insert(ilvl, l);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        n
    }

    /// The printed number of the next paragraph of list `num_id` at level `ilvl`.
    fn next(&mut self, num_id: &str, ilvl: usize) -> String {
        let Some(levels) = self
            .num_to_abstract
            .get(num_id)
            .and_then(|a| self.abstract_levels.get(a))
        else {
            return String::new();
        };
        let counters = self.counters.entry(num_id.to_string()).or_default();
        if counters.len() <= ilvl {
            counters.resize(ilvl + 1, 0);
        }
        counters[ilvl] += 1;
        counters.truncate(ilvl + 1);
        let Some(level) = levels.get(&ilvl) else {
            return String::new();
        };
        if level.format == "bullet" || level.format == "none" {
            return String::new();
        }
        let mut text = level.text.clone();
        for (i, count) in counters.iter().enumerate() {
            let start = levels.get(&i).map_or(1, |l| l.start);
            let value = start + count - 1;
            let format = levels.get(&i).map_or("decimal", |l| l.format.as_str());
            text = text.replace(&format!("%{}", i + 1), &render(value, format));
        }
        text
    }
}

fn render(value: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "ideographTraditional"
        | "chineseLegalSimplified" => chinese(value),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" => char::from_u32(0x245F + value)
            .filter(|_| (1..=20).contains(&value))
            .map_or(value.to_string(), String::from),
        "decimalFullWidth" | "decimalFullWidth2" => value
            .to_string()
            .chars()
            .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
            .collect(),
        _ => value.to_string(),
    }
}

fn chinese(value: u32) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let digit = |d: u32| DIGITS[d as usize % 10];
    // 十, 十二, 二十, 二十三: the ones digit is left out when it is zero.
    let ones = if value.is_multiple_of(10) {
        String::new()
    } else {
        digit(value % 10).to_string()
    };
    match value {
        0..=9 => digit(value).to_string(),
        10..=19 => format!("十{ones}"),
        20..=99 => format!("{}十{ones}", digit(value / 10)),
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counting() {
        assert_eq!(chinese(1), "一");
        assert_eq!(chinese(10), "十");
        assert_eq!(chinese(12), "十二");
        assert_eq!(chinese(30), "三十");
        assert_eq!(render(3, "decimalEnclosedCircle"), "③");
    }

    #[test]
    fn automatic_numbering_is_written_out() {
        let numbering = r#"<w:numbering xmlns:w="w"><w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
</w:abstractNum><w:num w:numId="7"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;
        let p = |lvl: u8, text: &str| {
            format!(
                r#"<w:p><w:pPr><w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="7"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"#
            )
        };
        let document = format!(
            "<w:document xmlns:w=\"w\"><w:body>{}{}{}{}{}</w:body></w:document>",
            p(0, "任务"),
            p(1, "甲"),
            p(2, "一"),
            p(2, "二"),
            p(1, "乙")
        );
        let text = paragraphs(&document, Numbering::parse(numbering)).expect("parses");
        assert_eq!(text, "一、任务\n（一）甲\n1.一\n2.二\n（二）乙\n");
    }

    #[test]
    fn tables_become_rows_with_merged_cells_expanded() {
        let cell = |text: &str, extra: &str| {
            format!("<w:tc><w:tcPr>{extra}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
        };
        let row = |cells: String| format!("<w:tr>{cells}</w:tr>");
        let document = format!(
            "<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>附件</w:t></w:r></w:p><w:tbl>{}{}{}</w:tbl><w:p/></w:body></w:document>",
            row(format!(
                "{}{}{}",
                cell("序号", ""),
                cell("重点任务", "<w:gridSpan w:val=\"2\"/>"),
                cell("牵头单位", "")
            )),
            row(format!(
                "{}{}{}{}",
                cell("1", ""),
                cell("创新", "<w:vMerge w:val=\"restart\"/>"),
                cell("新增企业 20 家", ""),
                cell("市科技局", "")
            )),
            row(format!(
                "{}{}{}{}",
                cell("2", ""),
                cell("", "<w:vMerge/>"),
                cell("建设平台", ""),
                cell("市发改委", "")
            )),
        );
        let text = paragraphs(&document, Numbering::default()).expect("parses");
        assert_eq!(
            text,
            "附件\n| 序号 | 重点任务 |  | 牵头单位 |\n| 1 | 创新 | 新增企业 20 家 | 市科技局 |\n| 2 |  | 建设平台 | 市发改委 |\n\n"
        );
    }
}
