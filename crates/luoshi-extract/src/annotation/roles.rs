//! Role words: the keys before a colon (`牵头单位：`) and the verbs after a list (`A牵头`).

use crate::text::{is_space, trim};

/// Role words followed by a colon. A key that starts another (`牵头` / `牵头单位`) is tried after
/// it only because the colon must follow at once.
pub(super) const ROLE_KEYS: [(&str, Role); 33] = [
    ("牵头责任单位", Role::Lead),
    ("主要责任单位", Role::Lead),
    ("牵头单位", Role::Lead),
    ("牵头部门", Role::Lead),
    ("主办单位", Role::Lead),
    ("主责单位", Role::Lead),
    ("协同责任单位", Role::Cooperating),
    ("协同配合单位", Role::Cooperating),
    ("责任单位", Role::Responsible),
    ("责任部门", Role::Responsible),
    ("责任主体", Role::Responsible),
    ("成员单位", Role::Responsible),
    ("实施单位", Role::Responsible),
    ("承办单位", Role::Responsible),
    ("负责单位", Role::Responsible),
    ("配合单位", Role::Cooperating),
    ("配合部门", Role::Cooperating),
    ("参与单位", Role::Cooperating),
    ("参与部门", Role::Cooperating),
    ("协办单位", Role::Cooperating),
    ("协同单位", Role::Cooperating),
    ("牵头负责领导", Role::Person),
    ("牵头领导", Role::Person),
    ("责任领导", Role::Person),
    ("分管领导", Role::Person),
    ("负责领导", Role::Person),
    ("联系领导", Role::Person),
    ("责任人", Role::Person),
    ("联系人", Role::Person),
    ("牵头", Role::Lead),
    ("责任", Role::Responsible),
    ("配合", Role::Cooperating),
    ("协同", Role::Cooperating),
];

/// Role verbs that follow a list (`A牵头`, `B配合`), longest first.
pub(super) const ROLE_VERBS: [(&str, Role); 21] = [
    ("按职责分工负责", Role::Duty),
    ("为牵头单位", Role::Lead),
    ("分工负责", Role::Duty),
    ("共同负责", Role::Duty),
    ("负责落实", Role::Duty),
    ("具体负责", Role::Duty),
    ("负责实施", Role::Duty),
    ("组织实施", Role::Duty),
    ("牵头负责", Role::Lead),
    ("牵头落实", Role::Lead),
    ("牵头推进", Role::Lead),
    ("牵头实施", Role::Lead),
    ("配合落实", Role::Cooperating),
    ("牵头", Role::Lead),
    ("负责", Role::Duty),
    ("指导", Role::Duty),
    ("配合", Role::Cooperating),
    ("参与", Role::Cooperating),
    ("协助", Role::Cooperating),
    ("协同", Role::Cooperating),
    ("落实", Role::Responsible),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Lead,
    Responsible,
    /// 配合单位 / 参与单位: works with the others; beside a 责任单位 it is the 责任单位 that leads.
    Cooperating,
    /// `负责`: carries the task; who leads depends on the rules in force.
    Duty,
    /// A person (`牵头负责领导：金力`), not a unit.
    Person,
    /// A list printed with no role at all.
    Unspecified,
}

/// Whether a line starts with a role key and a colon (`责任单位：…`).
pub fn starts_with_role_key(text: &str) -> bool {
    role_key_at(text).is_some()
}

pub(super) fn role_key_at(original: &str) -> Option<(Role, usize)> {
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

pub(super) fn verb_suffix(segment: &str) -> Option<(Role, &str)> {
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
