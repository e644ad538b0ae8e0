//! Saved web pages: the text of the page with block elements as line breaks; scripts, styles and
//! page chrome dropped.

use html5gum::{Token, Tokenizer};

use crate::table::TableWriter;

const BLOCKS: [&str; 22] = [
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "ul",
    "ol",
    "blockquote",
    "pre",
    "hr",
    "title",
];
const HIDDEN: [&str; 5] = ["script", "style", "noscript", "template", "head"];

pub fn looks_like_html(text: &str) -> bool {
    let start: String = text
        .trim_start()
        .chars()
        .take(200)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html") || start.contains("<body")
}

pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut hidden_depth = 0usize;
    let mut title = String::new();
    let mut in_title = false;
    let mut table_depth = 0usize;
    let mut table = TableWriter::default();
    let mut cell_span = (1usize, 1usize);
    let mut in_cell = false;
    let mut cell_paragraph = String::new();
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                let number = |key: &[u8]| -> usize {
                    tag.attributes
                        .iter()
                        .find(|(k, _)| k.as_slice() == key)
                        .and_then(|(_, v)| String::from_utf8_lossy(v).trim().parse().ok())
                        .filter(|n| (1..=1000).contains(n))
                        .unwrap_or(1)
                };
                match name.as_str() {
                    "title" => in_title = true,
                    "table" => table_depth += 1,
                    "tr" if table_depth == 1 => table.start_row(),
                    "td" | "th" if table_depth == 1 => {
                        table.start_cell();
                        cell_span = (number(b"colspan"), number(b"rowspan"));
                        in_cell = true;
                        cell_paragraph.clear();
                    }
                    _ if HIDDEN.contains(&name.as_str()) && !tag.self_closing => hidden_depth += 1,
                    _ if BLOCKS.contains(&name.as_str()) => {
                        if in_cell {
                            table.push_paragraph(&std::mem::take(&mut cell_paragraph));
                        } else if table_depth == 0 {
                            out.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                match name.as_str() {
                    "title" => in_title = false,
                    "table" => table_depth = table_depth.saturating_sub(1),
                    "td" | "th" if table_depth == 1 && in_cell => {
                        table.push_paragraph(&std::mem::take(&mut cell_paragraph));
                        table.end_cell(cell_span.0, cell_span.1);
                        in_cell = false;
                    }
                    "tr" if table_depth == 1 => {
                        if in_cell {
                            table.push_paragraph(&std::mem::take(&mut cell_paragraph));
                            table.end_cell(cell_span.0, cell_span.1);
                            in_cell = false;
                        }
                        table.end_row(&mut out);
                    }
                    _ if HIDDEN.contains(&name.as_str()) => {
                        hidden_depth = hidden_depth.saturating_sub(1)
                    }
                    _ if BLOCKS.contains(&name.as_str()) => {
                        if in_cell {
                            table.push_paragraph(&std::mem::take(&mut cell_paragraph));
                        } else if table_depth == 0 {
                            out.push('\n');
                        }
                    }
                    _ => {}
                }
            }
            Token::String(s) => {
                let s = String::from_utf8_lossy(&s);
                if in_title {
                    title.push_str(&s);
                } else if hidden_depth > 0 {
                } else if in_cell {
                    cell_paragraph.push_str(&s.replace(['\n', '\r'], ""));
                } else if table_depth == 0 {
                    // Inside a paragraph, source line breaks are only layout.
                    out.push_str(&s.replace(['\n', '\r'], ""));
                }
            }
            _ => {}
        }
    }
    if out.trim().is_empty() {
        return title;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_cells_with_row_and_column_spans_line_up() {
        let page = "<table><tr><th>序号</th><th colspan=2>任务</th><th>牵头单位</th></tr>\
<tr><td>1</td><td rowspan=\"2\">创新</td><td>新增企业<br>20家</td><td><p>市科技局</p><p>市财政局</p></td></tr>\
<tr><td>2</td><td>建设平台</td><td>市发改委</td></tr></table>";
        assert_eq!(
            text(page),
            "| 序号 | 任务 |  | 牵头单位 |\n| 1 | 创新 | 新增企业、20家 | 市科技局、市财政局 |\n| 2 |  | 建设平台 | 市发改委 |\n"
        );
    }

    #[test]
    fn paragraphs_become_lines_and_scripts_vanish() {
        let page = "<!DOCTYPE html><html><head><title>标题</title><script>var a = '<p>x</p>';</script><style>p{}</style></head>\
<body><h1>一、主要任务</h1><p>1. 新增企业&nbsp;20&#23478;。<br>（牵头单位：市科技局&amp;市财政局）</p>\
<table><tr><td>序号</td><td>任务</td></tr></table></body></html>";
        let text = text(page);
        assert!(text.contains("一、主要任务\n"));
        assert!(
            text.contains("新增企业\u{a0}20家。\n（牵头单位：市科技局&市财政局）"),
            "{text}"
        );
        assert!(!text.contains("var a"));
        assert!(text.contains("| 序号 | 任务 |\n"), "{text}");
    }
}
