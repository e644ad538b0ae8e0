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

/// The text being written and the table cell being filled, if any.
#[derive(Default)]
struct Writer {
    out: String,
    table_depth: usize,
    table: TableWriter,
    cell: Option<(usize, usize)>,
    cell_paragraph: String,
}

impl Writer {
    /// A paragraph boundary: a new paragraph of the cell, or a line break outside tables.
    fn boundary(&mut self) {
        if self.cell.is_some() {
            self.table
                .push_paragraph(&std::mem::take(&mut self.cell_paragraph));
        } else if self.table_depth == 0 {
            self.out.push('\n');
        }
    }

    fn start_cell(&mut self, columns: usize, rows: usize) {
        self.table.start_cell();
        self.cell = Some((columns, rows));
        self.cell_paragraph.clear();
    }

    fn end_cell(&mut self) {
        if let Some((columns, rows)) = self.cell.take() {
            self.table
                .push_paragraph(&std::mem::take(&mut self.cell_paragraph));
            self.table.end_cell(columns, rows);
        }
    }

    fn text(&mut self, s: &str) {
        // Inside a paragraph, source line breaks are only layout.
        let s = s.replace(['\n', '\r'], "");
        if self.cell.is_some() {
            self.cell_paragraph.push_str(&s);
        } else if self.table_depth == 0 {
            self.out.push_str(&s);
        }
    }
}

pub fn text(html: &str) -> String {
    let mut w = Writer::default();
    let mut hidden_depth = 0usize;
    let mut title = String::new();
    let mut in_title = false;
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
                    "table" => w.table_depth += 1,
                    "tr" if w.table_depth == 1 => w.table.start_row(),
                    "td" | "th" if w.table_depth == 1 => {
                        w.start_cell(number(b"colspan"), number(b"rowspan"))
                    }
                    _ if HIDDEN.contains(&name.as_str()) && !tag.self_closing => hidden_depth += 1,
                    _ if BLOCKS.contains(&name.as_str()) => w.boundary(),
                    _ => {}
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                match name.as_str() {
                    "title" => in_title = false,
                    "table" => w.table_depth = w.table_depth.saturating_sub(1),
                    "td" | "th" if w.table_depth == 1 => w.end_cell(),
                    "tr" if w.table_depth == 1 => {
                        w.end_cell();
                        w.table.end_row(&mut w.out);
                    }
                    _ if HIDDEN.contains(&name.as_str()) => {
                        hidden_depth = hidden_depth.saturating_sub(1)
                    }
                    _ if BLOCKS.contains(&name.as_str()) => w.boundary(),
                    _ => {}
                }
            }
            Token::String(s) if in_title => title.push_str(&String::from_utf8_lossy(&s)),
            Token::String(s) if hidden_depth == 0 => w.text(&String::from_utf8_lossy(&s)),
            _ => {}
        }
    }
    if w.out.trim().is_empty() {
        return title;
    }
    w.out
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
