//! Where a task's text carries its annotation: a bracket at the end of a sentence, a role line.

use super::list::{looks_like_unit, split_list};
use super::roles::{role_key_at, starts_with_role_key, verb_suffix};
use crate::model::Span;
use crate::text::{is_close_bracket, is_open_bracket, is_space, split_ranges, trim};

/// One annotation found in a task's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte range in the searched text, brackets included.
    pub span: Span,
    /// The annotation without its brackets.
    pub content: String,
}

/// Finds the annotations in a task's own text.
pub fn find(text: &str) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        let line_end = line_start + line.len();
        if starts_with_role_key(line) {
            // `责任单位：…` and `配合单位：…` on consecutive lines are one annotation.
            match found.last_mut() {
                Some(previous) if previous.span.end + 1 == line_start => {
                    previous.span.end = line_end;
                    previous.content.push('；');
                    previous.content.push_str(trim(line));
                }
                _ => found.push(Found {
                    span: Span {
                        start: line_start,
                        end: line_end,
                    },
                    content: trim(line).to_string(),
                }),
            }
        } else {
            find_in_line(line, line_start, &mut found);
        }
        line_start = line_end + 1;
    }
    found
}

fn find_in_line(line: &str, offset: usize, found: &mut Vec<Found>) {
    let mut depth = 0usize;
    let mut open_at = 0;
    for (i, c) in line.char_indices() {
        if is_open_bracket(c) && !matches!(c, '《' | '「' | '『') {
            if depth == 0 {
                open_at = i;
            }
            depth += 1;
        } else if is_close_bracket(c) && !matches!(c, '》' | '」' | '』') && depth > 0 {
            depth -= 1;
            if depth == 0 {
                let end = i + c.len_utf8();
                let inner =
                    &line[open_at + line[open_at..].chars().next().map_or(0, char::len_utf8)..i];
                // A note closes a sentence: at the end of the line, or right after a `。` with
                // the next sentence following (`…示范企业。（工业和信息化部指导）以铅酸蓄电池…`).
                let at_end = line[end..]
                    .chars()
                    .all(|c| is_space(c) || matches!(c, '。' | '；' | ';' | '.' | '，' | ','))
                    || line[..open_at].ends_with(['。', '；', ';']);
                if is_annotation(inner, at_end) {
                    found.push(Found {
                        span: Span {
                            start: offset + open_at,
                            end: offset + end,
                        },
                        content: trim(inner).to_string(),
                    });
                }
            }
        }
    }
    if found.iter().any(|f| f.span.start >= offset) {
        return;
    }
    // An unbracketed annotation after the last sentence: `…建设。牵头单位：市科技局`.
    for (i, c) in line.char_indices() {
        if matches!(c, '。' | '；') {
            let rest = &line[i + c.len_utf8()..];
            if starts_with_role_key(rest) {
                let start = i + c.len_utf8();
                found.push(Found {
                    span: Span {
                        start: offset + start,
                        end: offset + line.len(),
                    },
                    content: trim(rest).to_string(),
                });
                return;
            }
        }
    }
}

fn is_annotation(inner: &str, at_end: bool) -> bool {
    let inner = trim(inner);
    if role_key_at(inner).is_some() {
        return true;
    }
    if !at_end || inner.is_empty() {
        return false;
    }
    let has_role_word = [
        "牵头",
        "负责",
        "配合",
        "参与",
        "协助",
        "协同",
        "落实",
        "指导",
        "组织实施",
    ]
    .iter()
    .any(|w| inner.contains(w));
    if has_role_word {
        // `A牵头，B配合` / `A、B等负责`: some piece must end with a role verb.
        return split_ranges(inner, |c| matches!(c, '，' | ',' | '；' | ';' | '。'))
            .into_iter()
            .any(|(a, b)| verb_suffix(trim(&inner[a..b])).is_some());
    }
    let items = split_list(inner);
    !items.is_empty() && items.iter().all(|item| looks_like_unit(&item.name))
}
