//! Saved web pages: the text of the page with block elements as line breaks; scripts, styles and
//! page chrome dropped.

use html5gum::{Token, Tokenizer};

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
    for token in Tokenizer::new(html).flatten() {
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if name == "title" {
                    in_title = true;
                } else if HIDDEN.contains(&name.as_str()) && !tag.self_closing {
                    hidden_depth += 1;
                } else if BLOCKS.contains(&name.as_str()) || name == "td" || name == "th" {
                    out.push(if name == "td" || name == "th" {
                        '\t'
                    } else {
                        '\n'
                    });
                }
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if name == "title" {
                    in_title = false;
                } else if HIDDEN.contains(&name.as_str()) {
                    hidden_depth = hidden_depth.saturating_sub(1);
                } else if BLOCKS.contains(&name.as_str()) {
                    out.push('\n');
                }
            }
            Token::String(s) => {
                let s = String::from_utf8_lossy(&s);
                if in_title {
                    title.push_str(&s);
                } else if hidden_depth == 0 {
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
        assert!(text.contains("序号\t"));
    }
}
