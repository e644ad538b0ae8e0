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
    /// The piece as printed, before `等…` and marks came off.
    pub printed: String,
    /// The scope note printed after the name (`含开发区管委会`) and whether it carries forward.
    pub note: Option<(String, bool)>,
    /// `市发展改革委（牵头）` or `*县人力社保局`: the list marks this name as the lead.
    pub marked_lead: bool,
    /// `市发改委等相关部门`: the list names others only vaguely.
    pub vague: bool,
}

/// Splits a printed list of units on 、，；/ and 及 (and `等和`), keeping bracketed parts of
/// names whole. The split is mechanical: `各县、市、区政府` gives three pieces, which the unit
/// directory resolves.
pub fn split_list(list: &str) -> Vec<Item> {
    // `全国总工会等和各省级人民政府`: `等和` ends one list and joins another.
    let list = list.replace("等和", "、");
    let pieces: Vec<&str> = split_ranges(&list, |c| {
        matches!(c, '、' | '，' | ',' | '；' | ';' | '/' | '／')
    })
    .into_iter()
    .flat_map(|(a, b)| split_on_ji(&list[a..b]))
    .map(trim)
    .collect();
    let mut out = Vec::new();
    for part in pieces {
        let starred = part.strip_prefix(['*', '＊', '★']).map(trim);
        let unstarred = starred.unwrap_or(part);
        let (name, group) = strip_trailing_group(unstarred);
        let marked_in_brackets = group
            .as_deref()
            .is_some_and(|g| matches!(trim(g), "牵头" | "牵头单位" | "牵头部门"));
        let note = group.filter(|inner| is_scope_note(inner));
        let name = if note.is_some() || marked_in_brackets {
            name
        } else {
            unstarred
        };
        let (name, vague) = clean_name(name);
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
            printed: part.to_string(),
            note,
            marked_lead: marked_in_brackets || starred.is_some(),
            vague,
        });
    }
    out
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
                    let next = after.split(['和', '与']).next().unwrap_or(after);
                    looks_like_unit(before) && looks_like_unit(next) && !is_generic(next)
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

/// `单位`, `部门`: words that finish a group name (`各有关部门和单位`) rather than name a body.
fn is_generic(name: &str) -> bool {
    matches!(trim(name), "单位" | "部门" | "机构" | "单位等" | "部门等")
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

/// Endings that say "and others" (`等有关部门和单位`), longest first; all but a bare `等` name the
/// others vaguely enough that someone should check the list.
const VAGUE_ENDINGS: [&str; 12] = [
    "等有关部门和单位",
    "等相关部门和单位",
    "等有关部门",
    "等相关部门",
    "等有关单位",
    "等相关单位",
    "等部门和单位",
    "等单位",
    "等部门",
    "等有关方面",
    "等相关方面",
    "等",
];

/// The name without `由` before it or `等…` after it, and whether a vague ending came off.
fn clean_name(name: &str) -> (&str, bool) {
    let mut name = trim(name);
    name = name.strip_prefix('由').unwrap_or(name);
    let mut vague = false;
    for suffix in VAGUE_ENDINGS {
        if let Some(stripped) = name.strip_suffix(suffix)
            && !stripped.is_empty()
        {
            name = stripped;
            vague = suffix != "等";
            break;
        }
    }
    let name = trim(name).trim_matches(|c: char| matches!(c, '。' | '.' | '：' | ':'));
    (name, vague)
}
