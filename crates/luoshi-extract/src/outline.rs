//! Numbering (一、 （一） 1. （1） ① 第一章 …) and the outline tree built from it. Levels come from
//! the order in which numbering styles appear, never from markdown heading marks.

use crate::numbers::{arabic_at, chinese_at};
use crate::text::{Paragraph, is_space};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Chapter,
    Part,
    Article,
    ChineseComma,
    ChineseParen,
    ArabicDot,
    ArabicParen,
    ArabicHalfParen,
    Circled,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    pub style: Style,
    /// The label used in paths, in one canonical form per style (`二`, `（一）`, `1`, `（1）`, `①`).
    pub label: String,
    /// Bytes of the paragraph the marker (and the space after it) takes.
    pub len: usize,
}

const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";
const PAREN_DIGITS: &str = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇";
const DOT_DIGITS: &str = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛";

/// The numbering at the start of a paragraph, if it has one.
pub fn marker_at(text: &str) -> Option<Marker> {
    let first = text.chars().next()?;
    let after_first = first.len_utf8();
    let rest_after_space = |used: usize| -> usize {
        used + text[used..]
            .chars()
            .take_while(|c| is_space(*c))
            .map(char::len_utf8)
            .sum::<usize>()
    };
    if let Some(pos) = CIRCLED.chars().position(|c| c == first) {
        return Some(Marker {
            style: Style::Circled,
            label: CIRCLED.chars().nth(pos)?.to_string(),
            len: rest_after_space(after_first),
        });
    }
    if let Some(pos) = PAREN_DIGITS.chars().position(|c| c == first) {
        return Some(Marker {
            style: Style::ArabicParen,
            label: format!("（{}）", pos + 1),
            len: rest_after_space(after_first),
        });
    }
    if let Some(pos) = DOT_DIGITS.chars().position(|c| c == first) {
        return Some(Marker {
            style: Style::ArabicDot,
            label: (pos + 1).to_string(),
            len: rest_after_space(after_first),
        });
    }
    if first == '第' {
        let n = chinese_at(&text[after_first..]).or_else(|| arabic_at(&text[after_first..]))?;
        let after_n = after_first + n.len;
        let rest = &text[after_n..];
        let (style, word) = if rest.starts_with('章') {
            (Style::Chapter, "章")
        } else if rest.starts_with("部分") {
            (Style::Part, "部分")
        } else if rest.starts_with('条') {
            (Style::Article, "条")
        } else {
            return None;
        };
        let label = text[..after_n + word.len()].to_string();
        return Some(Marker {
            style,
            label,
            len: rest_after_space(after_n + word.len()),
        });
    }
    if matches!(first, '（' | '(') {
        let inner = &text[after_first..];
        let (n, style) = match arabic_at(inner) {
            Some(n) if n.len <= 2 => (n, Style::ArabicParen),
            Some(_) => return None,
            None => (chinese_at(inner)?, Style::ChineseParen),
        };
        let close = inner[n.len..].chars().next()?;
        if !matches!(close, '）' | ')') {
            return None;
        }
        let used = after_first + n.len + close.len_utf8();
        let value = n.value as u32;
        let label = match style {
            Style::ArabicParen => format!("（{value}）"),
            _ => format!("（{}）", &inner[..n.len]),
        };
        return Some(Marker {
            style,
            label,
            len: rest_after_space(used),
        });
    }
    if let Some(n) = arabic_at(text) {
        if n.len > 3 {
            return None;
        }
        let sep = text[n.len..].chars().next()?;
        let style = match sep {
            '.' | '．' | '、' => Style::ArabicDot,
            '）' | ')' => Style::ArabicHalfParen,
            _ => return None,
        };
        // `3.24%` was read as a decimal already; `1.5G` etc. cannot reach here.
        let used = n.len + sep.len_utf8();
        let label = match style {
            Style::ArabicHalfParen => format!("{}）", n.value as u32),
            _ => (n.value as u32).to_string(),
        };
        return Some(Marker {
            style,
            label,
            len: rest_after_space(used),
        });
    }
    if let Some(n) = chinese_at(text) {
        let sep = text[n.len..].chars().next()?;
        if !matches!(sep, '、' | '．') {
            return None;
        }
        let used = n.len + sep.len_utf8();
        return Some(Marker {
            style: Style::ChineseComma,
            label: text[..n.len].to_string(),
            len: rest_after_space(used),
        });
    }
    None
}

/// One numbered item of the document with the paragraphs that follow it up to the next number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub style: Style,
    pub label: String,
    pub path: String,
    pub parent: Option<usize>,
    pub depth: usize,
    /// The first paragraph without its number.
    pub head: String,
    /// Unnumbered paragraphs after the first one.
    pub rest: Vec<Paragraph>,
    pub line: usize,
    pub children: Vec<usize>,
}

impl Block {
    /// The block's own text: its first paragraph and the unnumbered ones after it.
    pub fn own_text(&self) -> String {
        let mut text = self.head.clone();
        for p in &self.rest {
            text.push('\n');
            text.push_str(&p.text);
        }
        text
    }
}

/// The document as an outline: what comes before the first number, then the numbered blocks in
/// document order (parents before children).
#[derive(Debug, Clone, Default)]
pub struct Outline {
    pub preamble: Vec<Paragraph>,
    pub blocks: Vec<Block>,
}

impl Outline {
    pub fn build(paragraphs: Vec<Paragraph>) -> Outline {
        let mut outline = Outline::default();
        let mut stack: Vec<usize> = Vec::new();
        for p in paragraphs {
            let Some(marker) = marker_at(&p.text) else {
                match stack.last() {
                    Some(&open) => outline.blocks[open].rest.push(p),
                    None => outline.preamble.push(p),
                }
                continue;
            };
            if let Some(pos) = stack
                .iter()
                .position(|&b| outline.blocks[b].style == marker.style)
            {
                stack.truncate(pos);
            }
            let parent = stack.last().copied();
            let path = match parent {
                Some(parent) => format!("{}.{}", outline.blocks[parent].path, marker.label),
                None => marker.label.clone(),
            };
            let index = outline.blocks.len();
            outline.blocks.push(Block {
                style: marker.style,
                label: marker.label,
                path,
                parent,
                depth: stack.len() + 1,
                head: p.text[marker.len..].to_string(),
                rest: Vec::new(),
                line: p.line,
                children: Vec::new(),
            });
            if let Some(parent) = parent {
                outline.blocks[parent].children.push(index);
            }
            stack.push(index);
        }
        outline
    }

    /// The block and everything numbered below it, as one text.
    pub fn subtree_text(&self, index: usize) -> String {
        let mut text = self.blocks[index].own_text();
        for &child in &self.blocks[index].children {
            let block = &self.blocks[child];
            text.push('\n');
            text.push_str(&block.label_prefix());
            text.push_str(&self.subtree_text(child));
        }
        text
    }
}

impl Outline {
    /// The paragraphs of a block and its descendants with their source lines, numbers removed.
    pub fn subtree_paragraphs(&self, index: usize) -> Vec<(usize, String)> {
        let block = &self.blocks[index];
        let mut out = vec![(block.line, block.head.clone())];
        out.extend(block.rest.iter().map(|p| (p.line, p.text.clone())));
        for &child in &block.children {
            out.extend(self.subtree_paragraphs(child));
        }
        out
    }
}

impl Block {
    fn label_prefix(&self) -> String {
        match self.style {
            Style::ChineseComma => format!("{}、", self.label),
            Style::ArabicDot => format!("{}. ", self.label),
            Style::Chapter | Style::Part | Style::Article => format!("{} ", self.label),
            _ => self.label.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::paragraphs;

    fn label(s: &str) -> Option<(Style, String)> {
        marker_at(s).map(|m| (m.style, m.label))
    }

    #[test]
    fn recognises_every_numbering_style() {
        assert_eq!(
            label("一、工作目标"),
            Some((Style::ChineseComma, "一".into()))
        );
        assert_eq!(
            label("（一）建设"),
            Some((Style::ChineseParen, "（一）".into()))
        );
        assert_eq!(
            label("(十二)建设"),
            Some((Style::ChineseParen, "（十二）".into()))
        );
        assert_eq!(label("1. 加快"), Some((Style::ArabicDot, "1".into())));
        assert_eq!(label("1．加快"), Some((Style::ArabicDot, "1".into())));
        assert_eq!(label("12、加快"), Some((Style::ArabicDot, "12".into())));
        assert_eq!(label("１．加快"), Some((Style::ArabicDot, "1".into())));
        assert_eq!(
            label("（1）加快"),
            Some((Style::ArabicParen, "（1）".into()))
        );
        assert_eq!(label("(3)加快"), Some((Style::ArabicParen, "（3）".into())));
        assert_eq!(
            label("2）加快"),
            Some((Style::ArabicHalfParen, "2）".into()))
        );
        assert_eq!(label("①加快"), Some((Style::Circled, "①".into())));
        assert_eq!(label("⑵加快"), Some((Style::ArabicParen, "（2）".into())));
        assert_eq!(
            label("第三章 保障"),
            Some((Style::Chapter, "第三章".into()))
        );
        assert_eq!(
            label("第十二条 任务"),
            Some((Style::Article, "第十二条".into()))
        );
    }

    #[test]
    fn ignores_numbers_that_are_not_numbering() {
        for s in [
            "2021年的主要目标：",
            "3.24%",
            "1000家企业",
            "十大高端产业",
            "一是加强",
            "（牵头单位：市科技局）",
            "5G基站",
            "（2021年）",
        ] {
            assert_eq!(label(s), None, "{s}");
        }
    }

    #[test]
    fn levels_follow_the_order_styles_appear_in() {
        let text = "# 一、目标\n正文。\n## 二、任务\n#### （一）第一组\n1. 甲。\n2. 乙。\n### （二）第二组\n3. 丙。\n三、保障\n（一）机制。";
        let outline = Outline::build(paragraphs(text));
        let paths: Vec<&str> = outline.blocks.iter().map(|b| b.path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "一",
                "二",
                "二.（一）",
                "二.（一）.1",
                "二.（一）.2",
                "二.（二）",
                "二.（二）.3",
                "三",
                "三.（一）"
            ]
        );
        assert_eq!(outline.blocks[0].rest.len(), 1);
    }
}
