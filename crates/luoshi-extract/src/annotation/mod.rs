//! The annotation that ends a task and names who carries it out, in every form plans print it:
//! `（牵头单位：…；责任单位：…）`, `（牵头单位：X，配合单位：Y）`, `（责任单位：…）`, a `责任单位：…` line,
//! `（A、B等负责。列第一位者为牵头单位，下同）`, `（A牵头，B配合）`, `【】`/`〔〕` brackets, and names with
//! brackets of their own (`各县（市、区）政府`, `市委组织部（市委人才办）`).

mod find;
mod list;
mod roles;

pub use find::{Found, find};
pub use list::{Item, split_list};
pub use roles::starts_with_role_key;

use crate::text::{split_ranges, trim};
use roles::{Role, role_key_at, verb_suffix};

/// How a plan says who leads when its notes only list units (`列第一位者为牵头单位`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeadRule {
    /// `列第一位者为牵头单位`: the first unit of the note leads.
    FirstListed,
    /// `第一个逗号前为牵头单位`: every unit before the note's first comma leads.
    BeforeFirstComma,
}

/// Rules stated once and applied to later annotations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rules {
    /// A lead rule stated with `下同`: in force for every later note.
    pub lead_rule: Option<LeadRule>,
    /// `以下均需各区政府落实，不再一一列出`: units that take part in every later task.
    pub inherited: Vec<String>,
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
    let (clauses, rule_here) = unit_clauses(content, rules);
    let lead_rule = rule_here.or(rules.lead_rule);

    // (role, list, index of the comma clause it came from)
    let mut lists: Vec<(Role, String, usize)> = Vec::new();
    for (index, segment) in clauses.iter().enumerate() {
        let segment = segment.as_str();
        if let Some((role, used)) = role_key_at(segment) {
            // `责任单位：市经信局牵头` — a role verb after the list outranks the key.
            let list = &segment[used..];
            match verb_suffix(list) {
                Some((verb_role, names)) => lists.push((verb_role, names.to_string(), index)),
                None => lists.push((role, list.to_string(), index)),
            }
        } else if let Some((label, value)) = other_field(segment) {
            // `完成时限：…`, `责任领导：…`: not units.
            if label.contains('时') || label.contains("节点") {
                parsed.deadline = Some(value.to_string());
            }
        } else if let Some((role, list)) = verb_suffix(segment) {
            lists.push((role, list.to_string(), index));
        } else if let Some(&(role, _, _)) = lists.last() {
            // A list printed in several comma-separated groups continues the previous role.
            lists.push((role, segment.to_string(), index));
        } else {
            lists.push((Role::Unspecified, segment.to_string(), index));
        }
    }

    // Every named unit in printed order, with its role and clause.
    let mut named: Vec<(Role, String, usize)> = Vec::new();
    let mut marked_leads = Vec::new();
    for (role, list, clause) in lists {
        if role == Role::Person {
            continue;
        }
        for item in split_list(&list) {
            if let Some((note, carries_forward)) = item.note {
                parsed.notes.push(Note {
                    unit: item.name.clone(),
                    note,
                    carries_forward,
                });
            }
            if item.vague {
                parsed.flags.push((
                    "responsible",
                    format!(
                        "注释写作「{}」，其余单位未一一列出，请核对是否需要补充责任单位",
                        item.printed
                    ),
                ));
            }
            if item.marked_lead {
                marked_leads.push(item.name);
            } else {
                named.push((role, item.name, clause));
            }
        }
    }
    let has = |role: Role| named.iter().any(|(r, _, _)| *r == role);
    let names_where = |keep: &dyn Fn(Role, usize) -> bool| -> Vec<String> {
        named
            .iter()
            .filter(|(r, _, c)| keep(*r, *c))
            .map(|(_, n, _)| n.clone())
            .collect()
    };

    if !marked_leads.is_empty() || has(Role::Lead) {
        parsed.lead = marked_leads
            .into_iter()
            .chain(names_where(&|r, _| r == Role::Lead))
            .collect();
        parsed.responsible = names_where(&|r, _| r != Role::Lead);
    } else if let Some(rule) = lead_rule {
        let all = names_where(&|_, _| true);
        match rule {
            LeadRule::FirstListed => {
                parsed.lead = all.first().cloned().into_iter().collect();
                parsed.responsible = all.into_iter().skip(1).collect();
            }
            LeadRule::BeforeFirstComma => {
                let first = named.first().map(|(_, _, c)| *c);
                parsed.lead = names_where(&|_, c| Some(c) == first);
                parsed.responsible = names_where(&|_, c| Some(c) != first);
            }
        }
    } else if has(Role::Responsible) && has(Role::Cooperating) {
        // `责任单位：X；配合单位：Y`: the responsible units lead and the others cooperate.
        parsed.lead = names_where(&|r, _| r == Role::Responsible);
        parsed.responsible = names_where(&|r, _| r != Role::Responsible);
    } else {
        // `A、B负责`, `A指导，B参与`, `责任单位：…`: the order of a list names no lead.
        parsed.responsible = names_where(&|_, _| true);
        if !parsed.responsible.is_empty() {
            parsed.flags.push((
                "lead",
                "注释只列出责任单位，未明确牵头单位，请指定".to_string(),
            ));
        }
    }
    dedup(&mut parsed.lead);
    dedup(&mut parsed.responsible);
    parsed.responsible.retain(|n| !parsed.lead.contains(n));
    parsed
}

/// The note's comma clauses that name units, with the lead rule it states (if any). Takes out
/// what is not a unit list: the rule itself and `下同` (recorded in `rules` when it carries
/// forward), and `以下均需X落实，不再一一列出` (its units recorded as inherited).
fn unit_clauses(content: &str, rules: &mut Rules) -> (Vec<String>, Option<LeadRule>) {
    let mut kept = Vec::new();
    let mut rule_here = None;
    for (a, b) in split_ranges(content, |c| c == '。') {
        let sentence = trim(&content[a..b]);
        let clauses: Vec<&str> = split_ranges(sentence, |c| matches!(c, '；' | ';' | '，' | ','))
            .into_iter()
            .map(|(x, y)| trim(&sentence[x..y]))
            .filter(|c| !c.is_empty())
            .collect();
        let carries = clauses.iter().any(|c| c.contains("下同"));
        for clause in clauses {
            if let Some(rule) = stated_lead_rule(clause) {
                rule_here = Some(rule);
                if carries {
                    rules.lead_rule = Some(rule);
                }
            } else if clause == "下同" || clause.starts_with("不再") {
                // `下同` belongs to the rule; `不再一一列出` to an inheritance clause.
            } else if let Some(units) = inherited_units(clause) {
                rules.inherited = units;
            } else {
                kept.push(clause.to_string());
            }
        }
    }
    (kept, rule_here)
}

/// `以下均需试点城市政府落实` / `以下均涉及各县区、功能区` → the units named.
fn inherited_units(clause: &str) -> Option<Vec<String>> {
    let rest = clause.strip_prefix("以下")?;
    let rest = ["均需", "均涉及", "均由", "均要", "均为", "均", "需"]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .unwrap_or(rest);
    let rest = ["负责落实", "落实", "负责", "参与", "配合"]
        .iter()
        .find_map(|s| rest.strip_suffix(s))
        .unwrap_or(rest);
    Some(split_list(rest).into_iter().map(|i| i.name).collect())
}

fn dedup(names: &mut Vec<String>) {
    let mut seen = std::collections::HashSet::new();
    names.retain(|n| seen.insert(n.clone()));
}

/// A lead rule printed as a paragraph of its own, for every note of the document
/// (`注：各项任务中列第一位的为牵头单位。`). Only short paragraphs: a task that mentions 牵头 in
/// its prose states no rule.
pub fn rule_in_paragraph(text: &str) -> Option<LeadRule> {
    let text = trim(text);
    if text.chars().nth(60).is_some() || !text.contains("单位") {
        return None;
    }
    split_ranges(text, |c| {
        matches!(c, '。' | '，' | ',' | '；' | ';' | '（' | '）' | '(' | ')')
    })
    .into_iter()
    .find_map(|(a, b)| stated_lead_rule(trim(&text[a..b])))
}

fn stated_lead_rule(clause: &str) -> Option<LeadRule> {
    if !clause.contains("牵头") {
        return None;
    }
    if clause.contains("逗号") {
        return Some(LeadRule::BeforeFirstComma);
    }
    [
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
    .any(|w| clause.contains(w))
    .then_some(LeadRule::FirstListed)
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

#[cfg(test)]
mod tests;
