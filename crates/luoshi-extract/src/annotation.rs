//! The annotation that ends a task and names who carries it out, in every form plans print it:
//! `（牵头单位：…；责任单位：…）`, `（牵头单位：X，配合单位：Y）`, `（责任单位：…）`, a `责任单位：…` line,
//! `（A、B等负责。列第一位者为牵头单位，下同）`, `（A牵头，B配合）`, `【】`/`〔〕` brackets, and names with
//! brackets of their own (`各县（市、区）政府`, `市委组织部（市委人才办）`).

use crate::model::Span;
use crate::text::{is_close_bracket, is_open_bracket, is_space, split_ranges, trim};

/// Role words followed by a colon, longest first.
const ROLE_KEYS: [(&str, Role); 19] = [
    ("牵头单位", Role::Lead),
    ("牵头部门", Role::Lead),
    ("责任单位", Role::Responsible),
    ("责任部门", Role::Responsible),
    ("责任主体", Role::Responsible),
    ("配合单位", Role::Cooperating),
    ("配合部门", Role::Cooperating),
    ("参与单位", Role::Cooperating),
    ("参与部门", Role::Cooperating),
    ("协办单位", Role::Cooperating),
    ("协同单位", Role::Cooperating),
    ("成员单位", Role::Responsible),
    ("实施单位", Role::Responsible),
    ("主办单位", Role::Lead),
    ("承办单位", Role::Responsible),
    ("主责单位", Role::Lead),
    ("牵头", Role::Lead),
    ("责任", Role::Responsible),
    ("配合", Role::Cooperating),
];

/// Role verbs that follow a list (`A牵头`, `B配合`), longest first.
const ROLE_VERBS: [(&str, Role); 10] = [
    ("按职责分工负责", Role::Duty),
    ("分工负责", Role::Duty),
    ("共同负责", Role::Duty),
    ("牵头负责", Role::Lead),
    ("牵头", Role::Lead),
    ("负责", Role::Duty),
    ("配合", Role::Cooperating),
    ("参与", Role::Cooperating),
    ("协助", Role::Cooperating),
    ("落实", Role::Responsible),
];

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Lead,
    Responsible,
    /// 配合单位 / 参与单位: works with the others; beside a 责任单位 it is the 责任单位 that leads.
    Cooperating,
    /// `负责`: carries the task; who leads depends on the rules in force.
    Duty,
    /// A list printed with no role at all.
    Unspecified,
}

/// Whether a line starts with a role key and a colon (`责任单位：…`).
pub fn starts_with_role_key(text: &str) -> bool {
    role_key_at(text).is_some()
}

fn role_key_at(original: &str) -> Option<(Role, usize)> {
    let text = original.trim_start_matches(is_space);
    for (key, role) in ROLE_KEYS {
        if let Some(rest) = text.strip_prefix(key) {
            let rest_trim = rest.trim_start_matches(is_space);
            if let Some(c) = rest_trim.chars().next()
                && matches!(c, '：' | ':')
            {
                return Some((role, original.len() - rest_trim.len() + c.len_utf8()));
            }
        }
    }
    None
}

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
                let at_end = line[end..]
                    .chars()
                    .all(|c| is_space(c) || matches!(c, '。' | '；' | ';' | '.' | '，' | ','));
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
    let has_role_word = ["牵头", "负责", "配合", "参与", "协助", "落实"]
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

fn looks_like_unit(name: &str) -> bool {
    let base = strip_trailing_group(name).0;
    base.chars().count() >= 2 && UNIT_ENDINGS.iter().any(|e| base.ends_with(e))
}

fn verb_suffix(segment: &str) -> Option<(Role, &str)> {
    let segment = segment.trim_end_matches(is_space);
    for (verb, role) in ROLE_VERBS {
        if let Some(list) = segment.strip_suffix(verb) {
            let list = list.strip_prefix('由').unwrap_or(list);
            if !trim(list).is_empty() {
                return Some((role, list));
            }
        }
    }
    None
}

/// Rules stated once and applied to later annotations (`列第一位者为牵头单位，下同`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    pub first_listed_leads: bool,
}

/// A scope note attached to a unit (`各区人民政府〈含开发区管委会，下同〉`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub unit: String,
    pub note: String,
    pub carries_forward: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub lead: Vec<String>,
    pub responsible: Vec<String>,
    pub notes: Vec<Note>,
    /// `(field, reason)` for what the annotation leaves undecided.
    pub flags: Vec<(&'static str, String)>,
    /// `完成时限：2021年底` printed inside the annotation.
    pub deadline: Option<String>,
}

/// Reads who leads and who is responsible. `rules` carries `下同` rules from earlier annotations
/// and takes any this one states.
pub fn parse(content: &str, rules: &mut Rules) -> Parsed {
    let mut parsed = Parsed::default();
    let mut kept = String::new();
    let mut first_listed_here = false;
    for (a, b) in split_ranges(content, |c| c == '。') {
        let sentence = trim(&content[a..b]);
        if sentence.is_empty() || sentence == "下同" {
            continue;
        }
        if states_first_listed_leads(sentence) {
            first_listed_here = true;
            if sentence.contains("下同") {
                rules.first_listed_leads = true;
            }
            continue;
        }
        if !kept.is_empty() {
            kept.push('；');
        }
        kept.push_str(sentence);
    }
    let first_listed_leads = first_listed_here || rules.first_listed_leads;

    let mut lists: Vec<(Role, String)> = Vec::new();
    for (a, b) in split_ranges(&kept, |c| matches!(c, '；' | ';' | '，' | ',')) {
        let segment = trim(&kept[a..b]);
        if segment.is_empty() {
            continue;
        }
        if let Some((role, used)) = role_key_at(segment) {
            // `责任单位：市经信局牵头` — a role verb after the list outranks the key.
            let list = &segment[used..];
            match verb_suffix(list) {
                Some((verb_role, names)) => lists.push((verb_role, names.to_string())),
                None => lists.push((role, list.to_string())),
            }
        } else if let Some((label, value)) = other_field(segment) {
            // `完成时限：…`, `责任领导：…`: not units.
            if label.contains('时') || label.contains("节点") {
                parsed.deadline = Some(value.to_string());
            }
        } else if let Some((role, list)) = verb_suffix(segment) {
            lists.push((role, list.to_string()));
        } else if let Some((_, list)) = lists.last_mut() {
            // A list printed in several comma-separated groups continues the previous role.
            list.push('、');
            list.push_str(segment);
        } else {
            lists.push((Role::Unspecified, segment.to_string()));
        }
    }

    let mut by_role: Vec<(Role, Vec<String>)> = Vec::new();
    let mut marked_leads = Vec::new();
    for (role, list) in lists {
        let mut names = Vec::new();
        for item in split_list(&list) {
            if let Some((note, carries_forward)) = item.note {
                parsed.notes.push(Note {
                    unit: item.name.clone(),
                    note,
                    carries_forward,
                });
            }
            if item.marked_lead {
                marked_leads.push(item.name);
            } else {
                names.push(item.name);
            }
        }
        match by_role.iter_mut().find(|(r, _)| *r == role) {
            Some((_, existing)) => existing.extend(names),
            None => by_role.push((role, names)),
        }
    }
    let take = |role: Role| -> Vec<String> {
        by_role
            .iter()
            .filter(|(r, _)| *r == role)
            .flat_map(|(_, n)| n.clone())
            .collect()
    };
    let lead: Vec<String> = marked_leads.into_iter().chain(take(Role::Lead)).collect();
    let responsible = take(Role::Responsible);
    let cooperating = take(Role::Cooperating);
    let duty = take(Role::Duty);
    let unspecified = take(Role::Unspecified);
    let undecided: Vec<String> = duty.iter().chain(unspecified.iter()).cloned().collect();

    if !lead.is_empty() {
        parsed.lead = lead;
        parsed.responsible = undecided
            .into_iter()
            .chain(responsible)
            .chain(cooperating)
            .collect();
    } else if first_listed_leads {
        let mut all: Vec<String> = undecided
            .into_iter()
            .chain(responsible)
            .chain(cooperating)
            .collect();
        if !all.is_empty() {
            parsed.lead = vec![all.remove(0)];
        }
        parsed.responsible = all;
    } else if !responsible.is_empty() && !cooperating.is_empty() {
        // `责任单位：X；配合单位：Y`: the responsible units lead and the others cooperate.
        parsed.lead = responsible;
        parsed.responsible = undecided.into_iter().chain(cooperating).collect();
    } else if !undecided.is_empty() {
        let mut all: Vec<String> = undecided
            .into_iter()
            .chain(responsible)
            .chain(cooperating)
            .collect();
        parsed.lead = vec![all.remove(0)];
        parsed.responsible = all;
        if !(unspecified.is_empty() && parsed.responsible.is_empty()) {
            parsed.flags.push((
                "lead",
                format!(
                    "注释未写明牵头单位，暂按列第一位的「{}」作为牵头单位，请确认",
                    parsed.lead[0]
                ),
            ));
        }
    } else {
        parsed.responsible = responsible.into_iter().chain(cooperating).collect();
        if !parsed.responsible.is_empty() {
            parsed.flags.push((
                "lead",
                "注释只列出责任单位，未明确牵头单位，请指定".to_string(),
            ));
        }
    }
    dedup(&mut parsed.lead);
    dedup(&mut parsed.responsible);
    parsed
}

fn dedup(names: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
}

fn states_first_listed_leads(sentence: &str) -> bool {
    sentence.contains("牵头")
        && [
            "第一位",
            "第一个",
            "首位",
            "排名第一",
            "排在第一",
            "排序第一",
            "列第一",
            "排第一",
            "居首",
        ]
        .iter()
        .any(|w| sentence.contains(w))
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

/// A `标签：值` segment whose label is not a role (`完成时限：2021年底`, `责任领导：…`).
fn other_field(segment: &str) -> Option<(&str, &str)> {
    let (pos, c) = segment
        .char_indices()
        .take(8)
        .find(|(_, c)| matches!(c, '：' | ':'))?;
    let label = &segment[..pos];
    let is_label =
        (2..=6).contains(&label.chars().count()) && label.chars().all(crate::text::is_cjk);
    is_label.then(|| (label, trim(&segment[pos + c.len_utf8()..])))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(content: &str) -> (Vec<String>, Vec<String>) {
        let parsed = parse(content, &mut Rules::default());
        (parsed.lead, parsed.responsible)
    }

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn lead_and_responsible_with_semicolon() {
        assert_eq!(
            roles(
                "牵头单位：市发展改革委；责任单位：市科技局、市自然资源和规划局、市经济和信息化局，武汉东湖新技术开发区管委会"
            ),
            (
                v(&["市发展改革委"]),
                v(&[
                    "市科技局",
                    "市自然资源和规划局",
                    "市经济和信息化局",
                    "武汉东湖新技术开发区管委会"
                ])
            )
        );
    }

    #[test]
    fn lead_and_cooperating_with_comma() {
        assert_eq!(
            roles("牵头单位：市商务局，配合单位：市财政局、市税务局"),
            (v(&["市商务局"]), v(&["市财政局", "市税务局"]))
        );
    }

    #[test]
    fn splits_on_he_only_between_unit_names() {
        assert_eq!(
            roles("牵头单位：市科技局和市财政局；责任单位：市自然资源和规划局、市经济和信息化局"),
            (
                v(&["市科技局", "市财政局"]),
                v(&["市自然资源和规划局", "市经济和信息化局"])
            )
        );
    }

    #[test]
    fn splits_once_on_ji() {
        assert_eq!(
            roles("牵头单位：各依托单位；责任单位：市财政局及有关专班单位"),
            (v(&["各依托单位"]), v(&["市财政局", "有关专班单位"]))
        );
    }

    #[test]
    fn responsible_alone_is_flagged() {
        let parsed = parse("责任单位：市科技局、市财政局", &mut Rules::default());
        assert!(parsed.lead.is_empty());
        assert_eq!(parsed.responsible, v(&["市科技局", "市财政局"]));
        assert_eq!(parsed.flags.len(), 1);
    }

    #[test]
    fn first_listed_rule_carries_forward() {
        let mut rules = Rules::default();
        let first = parse(
            "市科技局、市财政局等负责。列第一位者为牵头单位，下同",
            &mut rules,
        );
        assert_eq!(
            (first.lead, first.responsible),
            (v(&["市科技局"]), v(&["市财政局"]))
        );
        assert!(first.flags.is_empty());
        assert!(rules.first_listed_leads);
        let later = parse("市教育局、市民政局负责", &mut rules);
        assert_eq!(
            (later.lead, later.responsible),
            (v(&["市教育局"]), v(&["市民政局"]))
        );
        assert!(later.flags.is_empty());
    }

    #[test]
    fn lead_marked_in_the_list_fields_that_are_not_units_and_grouped_lists() {
        let parsed = parse(
            "责任单位：市科技局、市发展改革委（牵头）、各市、州、县人民政府；完成时限：2021年12月底",
            &mut Rules::default(),
        );
        assert_eq!(parsed.lead, v(&["市发展改革委"]));
        assert_eq!(parsed.responsible, v(&["市科技局", "各市、州、县人民政府"]));
        assert_eq!(parsed.deadline.as_deref(), Some("2021年12月底"));
        assert!(parsed.flags.is_empty());
    }

    #[test]
    fn responsible_beside_cooperating_leads() {
        assert_eq!(
            roles("责任单位：县行政审批局；配合单位：县直各相关部门、各乡镇人民政府"),
            (
                v(&["县行政审批局"]),
                v(&["县直各相关部门", "各乡镇人民政府"])
            )
        );
        assert_eq!(
            roles("责任单位：市经信局（市新经济委）牵头，市通信管理局、各区（市）县政府配合"),
            (
                v(&["市经信局（市新经济委）"]),
                v(&["市通信管理局", "各区（市）县政府"])
            )
        );
    }

    #[test]
    fn role_lines_on_consecutive_lines_are_one_annotation() {
        let found = find(
            "深化改革。\n责任单位：县行政审批局\n配合单位：各乡镇人民政府\n完成时限：2022年6月底",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].content,
            "责任单位：县行政审批局；配合单位：各乡镇人民政府"
        );
    }

    #[test]
    fn verb_forms() {
        assert_eq!(
            roles("市科技局牵头，市财政局、各区人民政府配合"),
            (v(&["市科技局"]), v(&["市财政局", "各区人民政府"]))
        );
        assert_eq!(roles("由市民政局负责"), (v(&["市民政局"]), v(&[])));
    }

    #[test]
    fn brackets_inside_names_stay_and_scope_notes_come_off() {
        let parsed = parse(
            "牵头单位：市委组织部（市委人才办）；责任单位：各县（市、区）政府，各相关区人民政府〈含开发区管委会，下同〉",
            &mut Rules::default(),
        );
        assert_eq!(parsed.lead, v(&["市委组织部（市委人才办）"]));
        assert_eq!(
            parsed.responsible,
            v(&["各县（市、区）政府", "各相关区人民政府"])
        );
        assert_eq!(
            parsed.notes,
            vec![Note {
                unit: "各相关区人民政府".into(),
                note: "含开发区管委会".into(),
                carries_forward: true
            }]
        );
    }

    #[test]
    fn finds_annotations_in_every_bracket_and_as_a_line() {
        for text in [
            "加快建设。（牵头单位：市科技局）",
            "加快建设。【牵头单位：市科技局】",
            "加快建设。〔牵头单位：市科技局〕",
            "加快建设。(牵头单位:市科技局)",
            "加快建设。\n牵头单位：市科技局",
            "加快建设。牵头单位：市科技局",
            "加快建设。（市科技局牵头）",
        ] {
            let found = find(text);
            assert_eq!(found.len(), 1, "{text}");
            let parsed = parse(&found[0].content, &mut Rules::default());
            assert_eq!(parsed.lead, v(&["市科技局"]), "{text}");
        }
    }

    #[test]
    fn brackets_that_are_not_annotations() {
        for text in [
            "推进中国（武汉）知识产权保护中心建设。",
            "制定各区“一区一表”（附后），压实责任。",
            "建立龙头企业牵头的核心技术攻关新机制（试行）。",
        ] {
            assert!(find(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn bare_unit_list_at_the_end_is_an_annotation_with_a_flag() {
        let found = find("推进改革。（市发改委、市科技局）");
        assert_eq!(found.len(), 1);
        let parsed = parse(&found[0].content, &mut Rules::default());
        assert_eq!(parsed.lead, v(&["市发改委"]));
        assert_eq!(parsed.flags.len(), 1);
    }
}
