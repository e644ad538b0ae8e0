//! The names accounts can belong to — the ledger's units (names and aliases) and districts —
//! and the refusal of a name not among them, with the closest ones suggested.

use luoshi_directory::suggest;
use luoshi_store::UnitRow;

use crate::AppState;
use crate::error::ApiError;

/// What accounts can belong to: the directory's units (names and aliases) and districts.
pub struct Known {
    pub units: Vec<UnitRow>,
    pub districts: Vec<luoshi_store::DistrictRow>,
}

impl Known {
    pub async fn load(s: &AppState) -> Result<Known, ApiError> {
        Ok(Known {
            units: s.store.units(None).await?,
            districts: s.store.districts().await?,
        })
    }

    pub fn district(&self, name: &str) -> Option<&str> {
        self.districts
            .iter()
            .find(|d| d.name == name || d.government == name)
            .map(|d| d.name.as_str())
    }

    pub fn unit(&self, name: &str) -> Option<&UnitRow> {
        self.units
            .iter()
            .filter(|u| u.kind != "district_government")
            .find(|u| u.name == name || u.aliases.iter().any(|a| a == name))
    }

    pub fn unit_names(&self) -> impl Iterator<Item = &str> {
        self.units
            .iter()
            .filter(|u| u.kind != "district_government")
            .flat_map(|u| {
                std::iter::once(u.name.as_str()).chain(u.aliases.iter().map(String::as_str))
            })
    }

    /// Why `typed` is refused, with the closest known names (市科技厅 → 市科技局).
    pub fn unknown(&self, typed: &str, districts: bool) -> String {
        let near: Vec<&str> = if districts {
            suggest::closest(typed, self.districts.iter().map(|d| d.name.as_str()), 3)
        } else {
            suggest::closest(typed, self.unit_names(), 3)
        };
        let what = if districts { "区" } else { "单位" };
        if near.is_empty() {
            format!("名录中没有名为「{typed}」的{what}")
        } else {
            format!(
                "名录中没有名为「{typed}」的{what}；是否为：{}？",
                near.join("、")
            )
        }
    }
}
