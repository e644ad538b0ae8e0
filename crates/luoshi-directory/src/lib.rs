//! luoshi-directory: the canonical units, districts and district groups of a city, and the
//! resolution of printed unit names through them (`市发改委` → `市发展改革委`, `洪山区` → 洪山区人民政府,
//! `各区人民政府` → every district, with the development zones where the plan's scope note says so).
//!
//! A directory is data (a TOML file, `data/directory/wuhan.toml` for Wuhan). A plan from a city
//! with no directory starts from an empty one that learns the names the document uses.

mod edit;
mod resolve;
pub mod suggest;

pub use edit::{DirectoryEdit, changes};
pub use resolve::{Resolution, resolve};

use serde::{Deserialize, Serialize};

/// The Wuhan directory shipped with luoshi.
pub const WUHAN_TOML: &str = include_str!("../../../data/directory/wuhan.toml");

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The text is not TOML of the directory's shape, at `line`:`column` (1-based).
    #[error("名录文件第 {line} 行第 {column} 列格式错误：{message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("名录文件中「{name}」出现了两次（{first} 和 {second}）")]
    Duplicate {
        name: String,
        first: String,
        second: String,
    },
    #[error("名录文件中分组「{group}」的成员「{member}」不是名录中的区")]
    UnknownMember { group: String, member: String },
    /// An edit that cannot be made (an empty name, an entry that is not there).
    #[error("{0}")]
    Edit(String),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Directory {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default)]
    pub districts: Vec<District>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub units: Vec<Unit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct District {
    pub name: String,
    /// The ranking group (中心城区, 新城区, 三大国家级开发区).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The unit that answers for the district (`江岸区人民政府`, `…管委会`).
    pub government: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// A functional zone run by a committee (`开发区`, `风景区`, `新区`): covered by 各区人民政府
    /// only where a scope note names its kind (〈含开发区管委会〉) or 功能区.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Every district of the city.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_districts: bool,
    /// The districts whose ranking group is this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district_group: Option<String>,
    /// Listed districts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<String>,
    /// `各相关区`: the plan must say which; flagged for review.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub selective: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unit {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

impl Directory {
    /// An empty directory, for a plan from a city luoshi has no data for.
    pub fn empty() -> Directory {
        Directory::default()
    }

    /// The directory shipped for Wuhan.
    pub fn wuhan() -> Directory {
        // The shipped file is checked by the tests; failing here would be a build defect.
        Directory::from_toml(WUHAN_TOML).unwrap_or_default()
    }

    pub fn from_toml(text: &str) -> Result<Directory, DirectoryError> {
        let directory: Directory = toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start).min(text.len());
            let before = text.get(..at).unwrap_or("");
            DirectoryError::Syntax {
                line: before.matches('\n').count() + 1,
                column: before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1,
                message: e.message().trim().to_string(),
            }
        })?;
        directory.validate()?;
        Ok(directory)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// Every name the directory knows a unit, district or group by: canonical names first, then
    /// aliases and governments, for pickers and suggestions.
    pub fn names(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        out.extend(self.units.iter().map(|u| u.name.as_str()));
        out.extend(self.districts.iter().map(|d| d.name.as_str()));
        out.extend(self.groups.iter().map(|g| g.name.as_str()));
        out.extend(
            self.units
                .iter()
                .flat_map(|u| u.aliases.iter().map(String::as_str)),
        );
        out.extend(self.districts.iter().flat_map(|d| {
            std::iter::once(d.government.as_str()).chain(d.aliases.iter().map(String::as_str))
        }));
        out.extend(
            self.groups
                .iter()
                .flat_map(|g| g.aliases.iter().map(String::as_str)),
        );
        out
    }

    /// Whether a printed unit name means something here: a unit, a district (or its
    /// government), a group, or a district-wide or unspecified phrase the review asks about.
    pub fn knows(&self, printed: &str) -> bool {
        self.lookup(printed, luoshi_extract::Role::Lead, None)
            .is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.districts.is_empty() && self.units.is_empty() && self.groups.is_empty()
    }

    fn validate(&self) -> Result<(), DirectoryError> {
        let mut seen: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
        for d in &self.districts {
            for name in std::iter::once(&d.name)
                .chain(&d.aliases)
                .chain(std::iter::once(&d.government))
            {
                check_unique(&mut seen, name, format!("区「{}」", d.name))?;
            }
        }
        for u in &self.units {
            for name in std::iter::once(&u.name).chain(&u.aliases) {
                check_unique(&mut seen, name, format!("单位「{}」", u.name))?;
            }
        }
        for g in &self.groups {
            for name in std::iter::once(&g.name).chain(&g.aliases) {
                check_unique(&mut seen, name, format!("分组「{}」", g.name))?;
            }
            for member in &g.members {
                if self.district(member).is_none() {
                    return Err(DirectoryError::UnknownMember {
                        group: g.name.clone(),
                        member: member.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// The district a name stands for: its name, an alias, or its government's name.
    pub fn district(&self, name: &str) -> Option<&District> {
        self.districts
            .iter()
            .find(|d| d.name == name || d.government == name || d.aliases.iter().any(|a| a == name))
    }

    pub fn unit(&self, name: &str) -> Option<&Unit> {
        self.units
            .iter()
            .find(|u| u.name == name || u.aliases.iter().any(|a| a == name))
    }

    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups
            .iter()
            .find(|g| g.name == name || g.aliases.iter().any(|a| a == name))
    }

    /// Whether a district-wide name covers `district` under the scope note in force, if any:
    /// districts always, zones only when the note names their kind (`含开发区管委会`) or 功能区.
    pub fn covers(district: &District, scope: Option<&str>) -> bool {
        match (&district.zone, scope) {
            (None, _) => true,
            (Some(kind), Some(note)) => note.contains(kind.as_str()) || note.contains("功能区"),
            (Some(_), None) => false,
        }
    }

    /// Every district a district-wide name covers under `scope`.
    pub fn all_districts(&self, scope: Option<&str>) -> Vec<String> {
        self.districts
            .iter()
            .filter(|d| Directory::covers(d, scope))
            .map(|d| d.name.clone())
            .collect()
    }

    /// The districts a group covers under the scope note in force.
    pub fn members(&self, group: &Group, scope: Option<&str>) -> Vec<String> {
        if group.all_districts {
            return self.all_districts(scope);
        }
        let mut out: Vec<String> = group.members.clone();
        if let Some(rank) = &group.district_group {
            out.extend(
                self.districts
                    .iter()
                    .filter(|d| d.group.as_ref() == Some(rank))
                    .map(|d| d.name.clone()),
            );
        }
        out
    }
}

fn check_unique<'a>(
    seen: &mut std::collections::HashMap<&'a str, String>,
    name: &'a str,
    owner: String,
) -> Result<(), DirectoryError> {
    match seen.get(name) {
        Some(first) if *first != owner => Err(DirectoryError::Duplicate {
            name: name.to_string(),
            first: first.clone(),
            second: owner,
        }),
        _ => {
            seen.insert(name, owner);
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_wuhan_directory_loads() {
        let d = Directory::from_toml(WUHAN_TOML).expect("wuhan.toml is valid");
        assert_eq!(d.districts.len(), 16);
        assert_eq!(
            d.district("东湖高新区").map(|d| d.government.as_str()),
            Some("武汉东湖新技术开发区管委会")
        );
        assert_eq!(
            d.unit("市发改委").map(|u| u.name.as_str()),
            Some("市发展改革委")
        );
        let all = d.group("各区人民政府").expect("group");
        assert_eq!(d.members(all, None).len(), 13);
        assert_eq!(d.members(all, Some("含开发区管委会")).len(), 14);
        assert_eq!(d.members(all, Some("含开发区、风景区管委会")).len(), 15);
        assert_eq!(d.members(all, Some("含功能区")).len(), 16);
        assert_eq!(
            d.members(d.group("三大国家级开发区").expect("group"), None)
                .len(),
            3
        );
    }

    #[test]
    fn bad_files_say_what_is_wrong() {
        let err = Directory::from_toml("[[units]]\nname = 1\n").expect_err("bad type");
        assert!(
            err.to_string()
                .starts_with("名录文件第 2 行第 8 列格式错误"),
            "{err}"
        );
        let err = Directory::from_toml("[[units]]\nname = \"市科技局\"\n[[units]]\nname = \"市财政局\"\naliases = [\"市科技局\"]\n").expect_err("duplicate");
        assert!(err.to_string().contains("市科技局"), "{err}");
        let err = Directory::from_toml("[[groups]]\nname = \"中心城区\"\nmembers = [\"火星区\"]\n")
            .expect_err("member");
        assert!(err.to_string().contains("火星区"), "{err}");
        assert!(
            Directory::from_toml("[[unit]]\nname = \"x\"\n").is_err(),
            "unknown table"
        );
    }

    #[test]
    fn round_trips_through_toml() {
        let d = Directory::wuhan();
        assert_eq!(Directory::from_toml(&d.to_toml()).expect("reloads"), d);
    }
}
