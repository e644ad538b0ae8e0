//! Resolution of a draft's printed names through a directory.

use luoshi_extract::{Assignee, AssigneeKind, PlanDraft, ReviewFlag, Role};

use crate::{Directory, District, Unit};

/// What resolving a draft gives: the draft with assignees, per-district targets and focus groups
/// filled in (and review flags added), and the directory with the names it learned.
#[derive(Debug, Clone)]
pub struct Resolution {
    pub draft: PlanDraft,
    pub directory: Directory,
    /// Names the directory did not know and now does, in order.
    pub learned: Vec<String>,
}

const GOVERNMENT_SUFFIXES: [&str; 4] = ["人民政府", "政府", "管委会", "管理委员会"];

pub fn resolve(mut draft: PlanDraft, directory: &Directory) -> Resolution {
    let learning = directory.is_empty();
    let mut resolver = Resolver {
        directory: directory.clone(),
        learning,
        learned: Vec::new(),
    };
    if learning {
        resolver.learn_districts(&draft);
    }
    // The scope note carried forward (`含开发区管委会，下同`), once printed.
    let mut scope_from_here_on: Option<String> = None;
    let mut flags = Vec::new();
    for task in &mut draft.tasks {
        let notes: Vec<_> = draft
            .scope_notes
            .iter()
            .filter(|n| n.path == task.path)
            .collect();
        let names: Vec<(Role, String)> = task
            .lead
            .iter()
            .map(|n| (Role::Lead, n.clone()))
            .chain(
                task.responsible
                    .iter()
                    .map(|n| (Role::Responsible, n.clone())),
            )
            .collect();
        let mut assignees = Vec::new();
        for (role, printed) in names {
            let note = notes.iter().find(|n| n.unit == printed);
            if let Some(note) = note.filter(|n| n.carries_forward && widens(&n.note)) {
                scope_from_here_on = Some(note.note.clone());
            }
            let scope = note
                .filter(|n| widens(&n.note))
                .map(|n| n.note.as_str())
                .or(scope_from_here_on.as_deref());
            let (assignee, reason) = resolver.name(&printed, role, scope);
            if let Some(reason) = reason {
                let field = match role {
                    Role::Lead => "lead",
                    Role::Responsible => "responsible",
                };
                flags.push(ReviewFlag {
                    path: Some(task.path.clone()),
                    line: Some(task.line),
                    field: field.into(),
                    reason,
                });
            }
            assignees.push(assignee);
        }
        task.assignees = assignees;
        task.district_scope = scope_from_here_on.clone().or_else(|| {
            notes
                .iter()
                .find(|n| widens(&n.note))
                .map(|n| n.note.clone())
        });
        for target in &mut task.targets {
            let Some(group) = &target.per_each else {
                continue;
            };
            let (assignee, _) =
                resolver.name(group, Role::Responsible, scope_from_here_on.as_deref());
            target.districts = assignee.districts;
        }
        for focus in &mut task.district_focus {
            if focus.group.is_none() {
                focus.group = resolver
                    .directory
                    .district(&focus.district)
                    .and_then(|d| d.group.clone());
            }
        }
    }
    draft.review.extend(flags);
    Resolution {
        draft,
        directory: resolver.directory,
        learned: resolver.learned,
    }
}

/// `含开发区管委会`: a note that widens district-wide names to some functional zones.
fn widens(note: &str) -> bool {
    ["含", "包括", "包含"].iter().any(|w| note.starts_with(w))
}

struct Resolver {
    directory: Directory,
    learning: bool,
    learned: Vec<String>,
}

impl Resolver {
    /// A plan from a city with no directory names its districts as `X区人民政府` or in its
    /// district focuses; those become the districts that `各区` expands to.
    fn learn_districts(&mut self, draft: &PlanDraft) {
        let printed = draft.units.iter().cloned();
        let focused = draft
            .tasks
            .iter()
            .flat_map(|t| t.district_focus.iter().map(|f| f.district.clone()));
        for name in printed.chain(focused) {
            let Some((district, government)) = district_of(&name) else {
                continue;
            };
            if self.directory.district(&district).is_none() {
                self.directory.districts.push(District {
                    name: district.clone(),
                    group: None,
                    government,
                    aliases: Vec::new(),
                    zone: None,
                });
                self.learned.push(district);
            }
        }
    }

    fn name(
        &mut self,
        printed: &str,
        role: Role,
        scope: Option<&str>,
    ) -> (Assignee, Option<String>) {
        if let Some(found) = self.directory.lookup(printed, role, scope) {
            return found;
        }
        self.directory.units.push(Unit {
            name: printed.to_string(),
            aliases: Vec::new(),
        });
        self.learned.push(printed.to_string());
        let reason = (!self.learning).then(|| {
            format!("名录中没有「{printed}」，已按原文新增；如是已有单位的别称，请在名录中合并")
        });
        (
            Assignee {
                printed: printed.to_string(),
                role,
                unit: printed.to_string(),
                kind: AssigneeKind::Unit,
                districts: Vec::new(),
            },
            reason,
        )
    }
}

impl Directory {
    /// What a printed name stands for under the scope note in force, with the reason a person
    /// must look at it, if any; `None` for a name the directory does not know.
    pub fn lookup(
        &self,
        printed: &str,
        role: Role,
        scope: Option<&str>,
    ) -> Option<(Assignee, Option<String>)> {
        let assignee = |unit: &str, kind, districts: Vec<String>| Assignee {
            printed: printed.to_string(),
            role,
            unit: unit.to_string(),
            kind,
            districts,
        };
        if let Some(unit) = self.unit(printed) {
            return Some((assignee(&unit.name, AssigneeKind::Unit, Vec::new()), None));
        }
        if let Some(d) = self.district_named(printed) {
            return Some((
                assignee(&d.government, AssigneeKind::District, vec![d.name.clone()]),
                None,
            ));
        }
        if let Some(group) = self.group(printed) {
            let members = self.members(group, scope);
            let reason = group
                .selective
                .then(|| format!("「{printed}」未写明具体是哪些区，请勾选"));
            return Some((assignee(&group.name, AssigneeKind::Group, members), reason));
        }
        if is_district_wide(printed) {
            let members = self.all_districts(scope);
            let reason = if members.is_empty() {
                Some(format!(
                    "「{printed}」应展开到每个下辖区（县、市），但名录中还没有，请在名录中补充"
                ))
            } else if is_selective(printed) {
                Some(format!("「{printed}」未写明具体是哪些区，请勾选"))
            } else {
                None
            };
            return Some((assignee(printed, AssigneeKind::Group, members), reason));
        }
        if is_unspecified(printed) {
            return Some((
                assignee(printed, AssigneeKind::Unspecified, Vec::new()),
                Some(format!("「{printed}」未指明具体单位，请确认由哪些单位承担")),
            ));
        }
        None
    }

    /// A district by its name, alias or government, also as `X区人民政府` / `X区政府`.
    pub fn district_named(&self, printed: &str) -> Option<&District> {
        self.district(printed).or_else(|| {
            GOVERNMENT_SUFFIXES
                .iter()
                .find_map(|s| printed.strip_suffix(s).and_then(|base| self.district(base)))
        })
    }
}

/// `江夏区人民政府` → (`江夏区`, `江夏区人民政府`); `硚口区` → (`硚口区`, `硚口区人民政府`).
fn district_of(name: &str) -> Option<(String, String)> {
    if name.starts_with('各') || is_unspecified(name) || name.starts_with('市') {
        return None;
    }
    let base = GOVERNMENT_SUFFIXES
        .iter()
        .find_map(|s| name.strip_suffix(s))
        .unwrap_or(name);
    let n = base.chars().count();
    let is_district = (2..=12).contains(&n) && (base.ends_with('区') || base.ends_with('县'));
    let government = if base == name {
        format!("{name}人民政府")
    } else {
        name.to_string()
    };
    is_district.then(|| (base.to_string(), government))
}

/// `各区人民政府`, `各县（市、区）政府`, `各相关区`: a name for every district (or some of them).
fn is_district_wide(name: &str) -> bool {
    let head = name
        .strip_prefix('各')
        .or_else(|| name.strip_prefix("相关"))
        .or_else(|| name.strip_prefix("有关"));
    head.is_some_and(|rest| rest.contains('区') || rest.contains('县')) && !name.contains("单位")
}

fn is_selective(name: &str) -> bool {
    name.contains("相关") || name.contains("有关")
}

fn is_unspecified(name: &str) -> bool {
    ["有关", "相关", "依托", "其他", "各成员", "各责任"]
        .iter()
        .any(|w| name.contains(w))
        || (name.starts_with('各') && name.ends_with("单位"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use luoshi_extract::extract;

    const PLAN: &str = include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");

    fn task<'a>(draft: &'a PlanDraft, path: &str) -> &'a luoshi_extract::Task {
        draft
            .tasks
            .iter()
            .find(|t| t.path == path)
            .expect("task exists")
    }

    #[test]
    fn wuhan_names_resolve_to_canonical_units_and_districts() {
        let r = resolve(extract(PLAN), &Directory::wuhan());
        let t = task(&r.draft, "二.（一）.3");
        let hongshan = t
            .assignees
            .iter()
            .find(|a| a.printed == "洪山区")
            .expect("洪山区");
        assert_eq!(
            (hongshan.unit.as_str(), hongshan.kind),
            ("洪山区人民政府", AssigneeKind::District)
        );
        let yituo = t
            .assignees
            .iter()
            .find(|a| a.printed == "各依托单位")
            .expect("各依托单位");
        assert_eq!(yituo.kind, AssigneeKind::Unspecified);
        assert!(
            r.draft.review.iter().any(
                |f| f.path.as_deref() == Some("二.（一）.3") && f.reason.contains("各依托单位")
            )
        );
        assert!(
            r.learned.is_empty() || r.learned.iter().all(|n| n == "有关专班单位"),
            "{:?}",
            r.learned
        );
    }

    #[test]
    fn district_wide_names_include_zones_after_the_scope_note() {
        let r = resolve(extract(PLAN), &Directory::wuhan());
        let group = |path: &str, printed: &str| {
            task(&r.draft, path)
                .assignees
                .iter()
                .find(|a| a.printed == printed)
                .map(|a| a.districts.clone())
                .unwrap_or_default()
        };
        let districts = group("二.（二）.2", "各区人民政府");
        assert_eq!(
            districts.len(),
            14,
            "the note 〈含开发区管委会，下同〉 comes before: {districts:?}"
        );
        assert!(districts.contains(&"江岸区".to_string()));
        assert!(districts.contains(&"武汉东湖新技术开发区".to_string()));
        let docking = task(&r.draft, "二.（三）.2");
        let each_district = docking
            .targets
            .iter()
            .find(|t| t.per_each.as_deref() == Some("各区"))
            .expect("各区分别");
        assert_eq!(each_district.districts.len(), 14);
        let zones = docking
            .targets
            .iter()
            .find(|t| t.per_each.as_deref() == Some("三大国家级开发区"))
            .expect("开发区分别");
        assert_eq!(zones.districts.len(), 3);
    }

    #[test]
    fn a_plan_without_a_directory_learns_its_districts() {
        let doc = "一、任务\n1. 甲。（牵头单位：某市科技局；责任单位：东城区人民政府、西城区人民政府）\n2. 乙，各区分别建设平台 2 个。（牵头单位：各区人民政府）";
        let r = resolve(extract(doc), &Directory::empty());
        assert_eq!(r.directory.districts.len(), 2);
        let t = task(&r.draft, "一.2");
        assert_eq!(t.assignees[0].districts, vec!["东城区", "西城区"]);
        assert_eq!(t.targets[0].districts, vec!["东城区", "西城区"]);
        assert!(r.draft.review.is_empty(), "{:?}", r.draft.review);
        assert!(r.learned.contains(&"某市科技局".to_string()));
    }

    #[test]
    fn unknown_names_in_a_known_city_are_flagged() {
        let doc = "一、任务\n1. 甲。（牵头单位：市发改委；责任单位：市火星局）";
        let r = resolve(extract(doc), &Directory::wuhan());
        let t = task(&r.draft, "一.1");
        assert_eq!(t.assignees[0].unit, "市发展改革委");
        assert!(r.draft.review.iter().any(|f| f.reason.contains("市火星局")));
    }
}
