//! Character classes and the first pass over the document: lines to paragraphs, with page breaks
//! inside a sentence joined back together.

use crate::outline::marker_at;

/// A logical paragraph of the document and the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub text: String,
    pub line: usize,
    /// Printed as a markdown heading (`## …`); its level is ignored, only the fact is kept.
    pub heading: bool,
}

pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '〇')
}

/// ASCII or full-width decimal digit value.
pub fn digit(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '０'..='９' => Some(c as u32 - '０' as u32),
        _ => None,
    }
}

pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{A0}' || c == '\u{FEFF}'
}

pub fn is_open_bracket(c: char) -> bool {
    matches!(
        c,
        '（' | '(' | '【' | '〔' | '[' | '［' | '〈' | '《' | '「' | '『' | '{' | '｛'
    )
}

pub fn is_close_bracket(c: char) -> bool {
    matches!(
        c,
        '）' | ')' | '】' | '〕' | ']' | '］' | '〉' | '》' | '」' | '』' | '}' | '｝'
    )
}

/// Punctuation that ends a clause inside a sentence or the sentence itself.
pub fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '，' | ',' | '。' | '；' | ';' | '！' | '!' | '？' | '?' | '：' | ':' | '\n'
    )
}

pub fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '!' | '？' | '?' | '\n')
}

pub fn trim(s: &str) -> &str {
    s.trim_matches(is_space)
}

/// Trims spaces and trailing sentence punctuation.
pub fn trim_punct(s: &str) -> &str {
    trim(s)
        .trim_end_matches(|c: char| {
            matches!(c, '。' | '；' | ';' | '，' | ',' | '、' | '：' | ':') || is_space(c)
        })
        .trim_start_matches(|c: char| matches!(c, '，' | ',' | '、' | '；' | ';') || is_space(c))
}

/// Splits `text` into `(start, end)` byte ranges at the characters `brk` accepts, ignoring breaks
/// inside brackets. Ranges exclude the break character and may be empty.
pub fn split_ranges(text: &str, brk: impl Fn(char) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if is_open_bracket(c) && c != '《' {
            depth += 1;
        } else if is_close_bracket(c) && c != '》' {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && brk(c) {
            out.push((start, i));
            start = i + c.len_utf8();
        }
    }
    out.push((start, text.len()));
    out
}

/// Lines → paragraphs. Markdown decoration is dropped; a line that breaks a sentence (a page break
/// in the printed document, a hard wrap in plain text) is joined to the next one.
pub fn paragraphs(input: &str) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = Vec::new();
    // Whether the last paragraph may still be continued by the next line.
    let mut open = false;
    for (index, raw) in input.split('\n').enumerate() {
        let (text, heading) = match tab_row(raw) {
            Some(row) => (row, false),
            None => clean_line(raw),
        };
        if text.is_empty() {
            continue;
        }
        let line = index + 1;
        if open
            && !starts_block(&text)
            && !heading
            && let Some(last) = out.last_mut()
        {
            if needs_space(&last.text, &text) {
                last.text.push(' ');
            }
            last.text.push_str(&text);
            open = may_continue(&last.text, false);
            continue;
        }
        open = may_continue(&text, heading);
        out.push(Paragraph {
            text,
            line,
            heading,
        });
    }
    out
}

/// A line of TAB-separated cells (a table copied out of a word processor or a web page) in the
/// `| a | b |` form the document reader writes; `|` inside a cell becomes `｜`.
fn tab_row(raw: &str) -> Option<String> {
    let raw = raw.trim_end_matches(['\r', '\n']);
    if !raw.contains('\t') {
        return None;
    }
    let cells: Vec<&str> = raw.split('\t').map(trim).collect();
    if cells.iter().filter(|c| !c.is_empty()).count() < 2 {
        return None;
    }
    let mut row = String::with_capacity(raw.len() + 4 * cells.len());
    row.push('|');
    for cell in cells {
        row.push(' ');
        row.push_str(&cell.replace('|', "｜"));
        row.push_str(" |");
    }
    Some(row)
}

/// Drops markdown decoration (heading marks, quotes, bullets, emphasis); `\r` and form feeds are
/// whitespace and go with the trim.
fn clean_line(raw: &str) -> (String, bool) {
    let mut s = trim(raw);
    let mut heading = false;
    if s.starts_with('#') {
        let rest = s.trim_start_matches('#');
        if rest.is_empty() || rest.starts_with(is_space) {
            heading = true;
            s = trim(rest);
        }
    }
    while let Some(rest) = s.strip_prefix('>') {
        s = trim(rest);
    }
    for bullet in ["- ", "* ", "+ ", "• ", "· "] {
        if let Some(rest) = s.strip_prefix(bullet) {
            s = trim(rest);
            break;
        }
    }
    if !s.contains(['*', '_']) {
        return (s.to_string(), heading);
    }
    let mut text = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        // Markdown emphasis markers carry no meaning in a plan.
        if (c == '*' || c == '_') && chars.peek() == Some(&c) {
            chars.next();
            continue;
        }
        text.push(c);
    }
    (trim(&text).to_string(), heading)
}

fn needs_space(before: &str, after: &str) -> bool {
    let a = before.chars().next_back();
    let b = after.chars().next();
    matches!((a, b), (Some(x), Some(y)) if x.is_ascii_alphanumeric() && y.is_ascii_alphanumeric())
}

/// A line that begins something new: numbering, a dash bullet, a table row, a role line.
fn starts_block(text: &str) -> bool {
    if marker_at(text).is_some() {
        return true;
    }
    let first = text.chars().next();
    if matches!(
        first,
        Some('—' | '-' | '|' | '•' | '·' | '●' | '▲' | '■' | '◆' | '★')
    ) {
        return true;
    }
    crate::annotation::starts_with_role_key(text)
        || is_field_line(text)
        || text.starts_with("附件")
        || text.starts_with("附表")
}

/// A row of a table as the document reader writes it (`| 1 | 任务 | 市科技局 |`).
pub fn is_table_row(text: &str) -> bool {
    text.starts_with('|') && text.len() > 1
}

/// A `标签：值` line of a document header (`索引号： K2804…`, `成文日期：…`).
fn is_field_line(text: &str) -> bool {
    // Labels are short: look for the colon among the first few characters only.
    let Some((pos, _)) = text
        .char_indices()
        .take(8)
        .find(|(_, c)| matches!(c, '：' | ':'))
    else {
        return false;
    };
    let label = &text[..pos];
    let n = label.chars().count();
    (2..=6).contains(&n) && label.chars().all(is_cjk)
}

/// Whether a paragraph looks cut off mid-sentence, so the next line continues it.
fn may_continue(text: &str, heading: bool) -> bool {
    if heading || is_field_line(text) || is_table_row(text) {
        return false;
    }
    let Some(last) = text.chars().next_back() else {
        return false;
    };
    let terminal = matches!(
        last,
        '。' | '！' | '？' | '；' | '：' | ';' | ':' | '!' | '?' | '）' | ')' | '】' | '〕' | '…'
    );
    if terminal {
        return false;
    }
    if matches!(last, '”' | '"' | '’' | '」' | '』') {
        // A closing quote ends the paragraph only if the sentence ended inside it.
        let before = text.chars().rev().nth(1);
        if matches!(before, Some('。' | '！' | '？')) {
            return false;
        }
    }
    const DOCUMENT_KINDS: [&str; 12] = [
        "方案", "计划", "意见", "通知", "办法", "规划", "要点", "清单", "决定", "细则", "报告",
        "纲要",
    ];
    if DOCUMENT_KINDS.iter().any(|k| text.ends_with(k)) {
        return false;
    }
    let chars = text.chars().count();
    // Short lines are titles, signatures and headings; a numbered line without a full stop is a
    // heading unless it is long enough to be a broken sentence.
    if marker_at(text).is_some() && !text.contains('。') {
        return chars >= 40 || (chars >= 26 && text.contains('，'));
    }
    chars >= 20
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(input: &str) -> Vec<String> {
        paragraphs(input).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn joins_a_page_break_inside_a_sentence() {
        let input = "其中，东湖新技术开发区重点突出大学科技园、环大学创新带、硅谷小镇、移动\n\n互联创谷以及创业街等创新街区建设。";
        assert_eq!(
            texts(input),
            vec![
                "其中，东湖新技术开发区重点突出大学科技园、环大学创新带、硅谷小镇、移动互联创谷以及创业街等创新街区建设。"
            ]
        );
    }

    #[test]
    fn keeps_headings_titles_and_signatures_apart() {
        let input = "武汉市大力推进科技创新提能工作实施方案\n为贯彻决策部署，特制订本方案。\n武汉市人民政府办公厅\n2021年3月28日\n（一）建设东湖科学城，打造创新之核\n1. 加快东湖科学城规划建设。";
        assert_eq!(texts(input).len(), 6);
    }

    #[test]
    fn does_not_join_a_numbered_item_or_role_line() {
        let input = "加强对实验室的对口服务，完成全部专班组建工作，推进各实验室召开第一届理事会\n2. 下一项任务。\n完善湖北实验室运行机制，推进各实验室召开第一届理事会和学术委员会会议\n责任单位：市科技局";
        assert_eq!(texts(input).len(), 4);
    }

    #[test]
    fn strips_markdown_decoration_and_records_headings() {
        let ps = paragraphs("#### **（四）优化创新创业环境**\n- 1. 第一项。");
        assert_eq!(ps[0].text, "（四）优化创新创业环境");
        assert!(ps[0].heading);
        assert_eq!(ps[1].text, "1. 第一项。");
        assert_eq!(ps[1].line, 2);
    }

    #[test]
    fn joins_latin_words_with_a_space() {
        let ps = texts("围绕新一代信息技术领域开展研究，推动建设 high\nperformance 计算平台。");
        assert_eq!(
            ps,
            vec!["围绕新一代信息技术领域开展研究，推动建设 high performance 计算平台。"]
        );
    }

    #[test]
    fn split_ranges_ignores_breaks_inside_brackets() {
        let text = "甲（乙，丙）丁，戊";
        let parts: Vec<&str> = split_ranges(text, |c| c == '，')
            .into_iter()
            .map(|(a, b)| &text[a..b])
            .collect();
        assert_eq!(parts, vec!["甲（乙，丙）丁", "戊"]);
    }
}
