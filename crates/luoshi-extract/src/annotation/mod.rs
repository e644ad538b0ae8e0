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
