//! Editing a directory one entry at a time (the office's 名录 page), and what changed between
//! two directories, in words, for the audit log.

use serde::{Deserialize, Serialize};

use crate::{Directory, DirectoryError, District, Group, Unit};

/// One change to a directory. `previous` names the entry being replaced (a rename), `None`
/// adds a new one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DirectoryEdit {
    PutUnit {
        #[serde(default)]
        previous: Option<String>,
        name: String,
        #[serde(default)]
        aliases: Vec<String>,
    },
    RemoveUnit {
        name: String,
    },
    PutDistrict {
        #[serde(default)]
        previous: Option<String>,
        name: String,
        government: String,
        #[serde(default)]
        group: Option<String>,
        #[serde(default)]
        zone: Option<String>,
        #[serde(default)]
        aliases: Vec<String>,
    },
    RemoveDistrict {
        name: String,
    },
    PutGroup {
        #[serde(default)]
        previous: Option<String>,
        name: String,
        #[serde(default)]
        aliases: Vec<String>,
        #[serde(default)]
        all_districts: bool,
        #[serde(default)]
        district_group: Option<String>,
        #[serde(default)]
        members: Vec<String>,
        #[serde(default)]
        selective: bool,
    },
    RemoveGroup {
        name: String,
    },
}

fn clean(text: &str) -> String {
    text.trim().to_string()
}

fn clean_all(list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in list.iter().map(|n| clean(n)).filter(|n| !n.is_empty()) {
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

fn optional(text: &Option<String>) -> Option<String> {
    text.as_deref().map(clean).filter(|t| !t.is_empty())
}

fn named(what: &'static str, name: &str) -> Result<String, DirectoryError> {
    let name = clean(name);
    if name.is_empty() {
        return Err(DirectoryError::Edit(format!("{what}名称不能为空")));
    }
    if name.chars().count() > 100 {
        return Err(DirectoryError::Edit(format!(
            "{what}名称过长（超过 100 字）"
        )));
    }
    Ok(name)
}

/// Puts `entry` where `previous` was (or at the end when new); refuses a `previous` that is not there.
fn put<T>(
    list: &mut Vec<T>,
    what: &'static str,
    previous: &Option<String>,
    name_of: impl Fn(&T) -> &str,
    entry: T,
) -> Result<(), DirectoryError> {
    match optional(previous) {
        Some(old) => match list.iter().position(|e| name_of(e) == old) {
            Some(i) => list[i] = entry,
            None => return Err(DirectoryError::Edit(format!("名录中没有{what}「{old}」"))),
        },
        None => {
            let name = name_of(&entry).to_string();
            if list.iter().any(|e| name_of(e) == name) {
                return Err(DirectoryError::Edit(format!("{what}「{name}」已在名录中")));
            }
            list.push(entry);
        }
    }
    Ok(())
}

fn remove<T>(
    list: &mut Vec<T>,
    what: &'static str,
    name: &str,
    name_of: impl Fn(&T) -> &str,
) -> Result<(), DirectoryError> {
    let before = list.len();
    list.retain(|e| name_of(e) != name.trim());
    if list.len() == before {
        return Err(DirectoryError::Edit(format!(
            "名录中没有{what}「{}」",
            name.trim()
        )));
    }
    Ok(())
}

impl Directory {
    /// This directory with `edit` made, checked as a loaded file is (no name twice, group
    /// members are districts).
    pub fn apply(&self, edit: &DirectoryEdit) -> Result<Directory, DirectoryError> {
        let mut next = self.clone();
        match edit {
            DirectoryEdit::PutUnit {
                previous,
                name,
                aliases,
            } => {
                let unit = Unit {
                    name: named("单位", name)?,
                    aliases: clean_all(aliases),
                };
                put(&mut next.units, "单位", previous, |u| &u.name, unit)?;
            }
            DirectoryEdit::RemoveUnit { name } => {
                remove(&mut next.units, "单位", name, |u| &u.name)?;
            }
            DirectoryEdit::PutDistrict {
                previous,
                name,
                government,
                group,
                zone,
                aliases,
            } => {
                let name = named("区", name)?;
                let government = match clean(government) {
                    g if g.is_empty() => format!("{name}人民政府"),
                    g => g,
                };
                let district = District {
                    name: name.clone(),
                    group: optional(group),
                    government,
                    aliases: clean_all(aliases),
                    zone: optional(zone),
                };
                put(&mut next.districts, "区", previous, |d| &d.name, district)?;
                // A renamed district stays a member of its groups.
                if let Some(old) = optional(previous).filter(|old| *old != name) {
                    for g in &mut next.groups {
                        for m in &mut g.members {
                            if *m == old {
                                m.clone_from(&name);
                            }
                        }
                    }
                }
            }
            DirectoryEdit::RemoveDistrict { name } => {
                remove(&mut next.districts, "区", name, |d| &d.name)?;
            }
            DirectoryEdit::PutGroup {
                previous,
                name,
                aliases,
                all_districts,
                district_group,
                members,
                selective,
            } => {
                let group = Group {
                    name: named("分组", name)?,
                    aliases: clean_all(aliases),
                    all_districts: *all_districts,
                    district_group: optional(district_group),
                    members: clean_all(members),
                    selective: *selective,
                };
                put(&mut next.groups, "分组", previous, |g| &g.name, group)?;
            }
            DirectoryEdit::RemoveGroup { name } => {
                remove(&mut next.groups, "分组", name, |g| &g.name)?;
            }
        }
        next.validate()?;
        Ok(next)
    }
}

/// What changed from `old` to `new`, one line per entry added, removed or changed.
pub fn changes(old: &Directory, new: &Directory) -> Vec<String> {
    let mut out = Vec::new();
    diff(&mut out, "单位", &old.units, &new.units, |u| &u.name);
    diff(&mut out, "区", &old.districts, &new.districts, |d| &d.name);
    diff(&mut out, "分组", &old.groups, &new.groups, |g| &g.name);
    if old.city != new.city {
        out.push(format!(
            "城市：{} → {}",
            old.city.as_deref().unwrap_or("（无）"),
            new.city.as_deref().unwrap_or("（无）")
        ));
    }
    out
}

fn diff<T: PartialEq>(
    out: &mut Vec<String>,
    what: &str,
    old: &[T],
    new: &[T],
    name_of: impl Fn(&T) -> &str,
) {
    for n in new {
        match old.iter().find(|o| name_of(o) == name_of(n)) {
            None => out.push(format!("新增{what}「{}」", name_of(n))),
            Some(o) if o != n => out.push(format!("修改{what}「{}」", name_of(n))),
            Some(_) => {}
        }
    }
    for o in old {
        if !new.iter().any(|n| name_of(n) == name_of(o)) {
            out.push(format!("删除{what}「{}」", name_of(o)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(name: &str, aliases: &[&str]) -> DirectoryEdit {
        DirectoryEdit::PutUnit {
            previous: None,
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// Wuhan with a group that lists 江岸区.
    fn with_pilot_group() -> Directory {
        let mut d = Directory::wuhan();
        d.groups.push(Group {
            name: "试点区".into(),
            aliases: vec![],
            all_districts: false,
            district_group: None,
            members: vec!["江岸区".into()],
            selective: false,
        });
        d
    }

    #[test]
    fn a_new_unit_with_aliases_resolves_at_once() {
        let d = Directory::wuhan()
            .apply(&unit(" 市数据局 ", &["数据局", " ", "数据局"]))
            .expect("added");
        assert_eq!(d.unit("数据局").map(|u| u.name.as_str()), Some("市数据局"));
        assert_eq!(d.unit("市数据局").map(|u| u.aliases.len()), Some(1));
        assert_eq!(
            changes(&Directory::wuhan(), &d),
            vec!["新增单位「市数据局」"]
        );
    }

    #[test]
    fn a_name_already_taken_is_refused_with_its_owner() {
        let err = Directory::wuhan()
            .apply(&unit("市科技厅", &["市发改委"]))
            .expect_err("alias of another unit");
        assert!(err.to_string().contains("市发改委"), "{err}");
        let err = Directory::wuhan()
            .apply(&unit("市科技局", &[]))
            .expect_err("there already");
        assert!(err.to_string().contains("已在名录中"), "{err}");
        let err = Directory::wuhan()
            .apply(&unit("  ", &[]))
            .expect_err("empty");
        assert_eq!(err.to_string(), "单位名称不能为空");
    }

    #[test]
    fn renaming_a_district_keeps_it_in_its_groups() {
        let d = with_pilot_group();
        let renamed = d
            .apply(&DirectoryEdit::PutDistrict {
                previous: Some("江岸区".into()),
                name: "江岸新区".into(),
                government: String::new(),
                group: Some("中心城区".into()),
                zone: None,
                aliases: vec!["江岸区".into()],
            })
            .expect("renamed");
        let group = renamed.group("试点区").expect("group");
        assert_eq!(group.members, vec!["江岸新区"]);
        assert_eq!(
            renamed.district("江岸区").map(|d| d.government.as_str()),
            Some("江岸新区人民政府")
        );
        assert_eq!(
            changes(&d, &renamed),
            vec![
                "新增区「江岸新区」",
                "删除区「江岸区」",
                "修改分组「试点区」"
            ]
        );
    }

    #[test]
    fn a_district_a_group_lists_cannot_be_removed() {
        let d = with_pilot_group();
        let err = d
            .apply(&DirectoryEdit::RemoveDistrict {
                name: "江岸区".into(),
            })
            .expect_err("still a member");
        assert!(err.to_string().contains("试点区"), "{err}");
        let err = d
            .apply(&DirectoryEdit::RemoveUnit {
                name: "市不存在局".into(),
            })
            .expect_err("not there");
        assert_eq!(err.to_string(), "名录中没有单位「市不存在局」");
    }
}
