//! Splitting a printed list of units into names, keeping bracketed parts whole.

use crate::text::{is_close_bracket, is_open_bracket, split_ranges, trim};

/// Endings of names that are units, for bare lists in brackets (`（市发改委、市科技局）`).
const UNIT_ENDINGS: [&str; 21] = [
    "局",
    "委",
    "办",
    "厅",
    "部",
    "院",
    "会",
    "政府",
    "中心",
    "公司",
    "集团",
    "单位",
    "部门",
    "法院",
    "办公室",
    "银行",
    "署",
    "馆",
    "团",
    "社",
    "所",
];

pub(super) fn looks_like_unit(name: &str) -> bool {
    let base = strip_trailing_group(name).0;
    base.chars().count() >= 2 && UNIT_ENDINGS.iter().any(|e| base.ends_with(e))
}

/// One name of a printed list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub name: String,
    /// The scope note printed after the name (`含开发区管委会`) and whether it carries forward.
    pub note: Option<(String, bool)>,
    /// `市发展改革委（牵头）`: the list marks this name as the lead.
    pub marked_lead: bool,
}

/// Splits a printed list of units on 、，；/ and 及, keeping bracketed parts of names whole and
/// `各市、州、县人民政府` as one name.
pub fn split_list(list: &str) -> Vec<Item> {
    let pieces: Vec<&str> = split_ranges(list, |c| {
        matches!(c, '、' | '，' | ',' | '；' | ';' | '/' | '／')
    })
    .into_iter()
    .flat_map(|(a, b)| split_on_ji(&list[a..b]))
    .map(trim)
    .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let (part, used) = merged_short_list(&pieces[i..]);
        i += used;
        let (name, group) = strip_trailing_group(&part);
        let marked_lead = group
            .as_deref()
            .is_some_and(|g| matches!(trim(g), "牵头" | "牵头单位" | "牵头部门"));
        let note = group.filter(|inner| is_scope_note(inner));
        let name = if note.is_some() || marked_lead {
            name
        } else {
            part.as_str()
        };
        let name = clean_name(name);
        if name.is_empty() {
            continue;
        }
        let note = note.map(|inner| {
            let carries = inner.contains("下同");
            let text = inner
                .replace("，下同", "")
                .replace(",下同", "")
                .replace("下同", "");
            (
                trim(&text).trim_end_matches(['，', ',']).to_string(),
                carries,
            )
        });
        out.push(Item {
            name: name.to_string(),
            note,
            marked_lead,
        });
    }
    out
}

/// `各市、州、县人民政府` is printed as a list but names one group: a short `各X` followed by
/// one- or two-character pieces up to one ending in 政府. Returns the name and pieces used.
fn merged_short_list(pieces: &[&str]) -> (String, usize) {
    let first = pieces[0];
    let short = |p: &str| (1..=2).contains(&p.chars().count());
    if let Some(rest) = first.strip_prefix('各')
        && short(rest)
    {
        for end in 1..pieces.len().min(6) {
            let piece = pieces[end];
            if ["政府", "管委会", "党委"]
                .iter()
                .any(|s| piece.ends_with(s))
                && piece.chars().count() <= 8
            {
                return (pieces[..=end].join("、"), end + 1);
            }
            if !short(piece) {
                break;
            }
        }
    }
    (first.to_string(), 1)
}

/// `A及B` / `A以及B` outside brackets; `A和B` / `A与B` only where both sides are unit names
/// (so `市自然资源和规划局` stays whole).
fn split_on_ji(piece: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in piece.char_indices() {
        if is_open_bracket(c) {
            depth += 1;
        } else if is_close_bracket(c) {
            depth = depth.saturating_sub(1);
        } else if depth == 0 && i > start {
            let before = &piece[start..i];
            let after = &piece[i + c.len_utf8()..];
            let split = match c {
                '及' => true,
                '和' | '与' => {
                    looks_like_unit(before)
                        && looks_like_unit(after.split(['和', '与']).next().unwrap_or(after))
                }
                _ => false,
            };
            if split {
                parts.push(before.strip_suffix('以').unwrap_or(before));
                start = i + c.len_utf8();
            }
        }
    }
    parts.push(&piece[start..]);
    parts
}

/// Splits `name（inner）` into the name and the bracket's inner text when it ends in a bracket.
fn strip_trailing_group(name: &str) -> (&str, Option<String>) {
    let Some(last) = name.chars().next_back() else {
        return (name, None);
    };
    if !is_close_bracket(last) {
        return (name, None);
    }
    let mut depth = 0usize;
    for (i, c) in name.char_indices().rev() {
        if is_close_bracket(c) {
            depth += 1;
        } else if is_open_bracket(c) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                let inner = &name[i + c.len_utf8()..name.len() - last.len_utf8()];
                return (trim(&name[..i]), Some(inner.to_string()));
            }
        }
    }
    (name, None)
}

fn is_scope_note(inner: &str) -> bool {
    let inner = trim(inner);
    ["含", "包括", "包含", "不含", "不包括"]
        .iter()
        .any(|p| inner.starts_with(p))
        || inner.contains("下同")
}

fn clean_name(name: &str) -> &str {
    let mut name = trim(name);
    name = name.strip_prefix('由').unwrap_or(name);
    for suffix in ["等有关单位", "等相关单位", "等单位", "等部门", "等"] {
        if let Some(stripped) = name.strip_suffix(suffix) {
            name = stripped;
            break;
        }
    }
    trim(name).trim_matches(|c: char| matches!(c, '。' | '.' | '：' | ':'))
}
