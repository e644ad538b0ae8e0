//! The unit names a plan's review may use: what the directory (名录) knows — or, for a city with
//! no directory, which learns from its documents, the ledger's units and the names the plan
//! printed. A name outside them is a typing mistake until the office says it is a new unit (or
//! adds it to the 名录); with a directory, a printed name it lacks (市科技厅) is exactly what the
//! review asks about, so it is not taken as known even though the import recorded it.

use luoshi_directory::{Directory, suggest};
use sqlx::Row;

use crate::{Result, Store};

/// A name no one knows, with the closest known names (best first).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct UnknownName {
    pub name: String,
    pub closest: Vec<String>,
}

impl Store {
    /// Every unit name plan `plan_id`'s review may use, canonical names first, each once.
    pub async fn known_unit_names(
        &self,
        plan_id: i64,
        directory: &Directory,
    ) -> Result<Vec<String>> {
        let mut names: Vec<String> = directory.names().into_iter().map(str::to_string).collect();
        if directory.is_empty() {
            // No directory: the city learns its names from its documents and the ledger.
            let mut conn = self.conn().await?;
            let rows = sqlx::query(
                "SELECT name FROM units UNION ALL SELECT alias AS name FROM unit_aliases \
                 UNION ALL SELECT DISTINCT tu.printed AS name FROM task_units tu JOIN tasks t ON t.id = tu.task_id WHERE t.plan_id = $1",
            )
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
            for row in &rows {
                names.push(row.try_get("name")?);
            }
        }
        let mut seen = std::collections::HashSet::new();
        names.retain(|n| seen.insert(n.clone()));
        Ok(names)
    }

    /// The names among `names` that plan `plan_id`'s review does not know (see
    /// [`Store::known_unit_names`]), except those in `new_units`, which the office has said are
    /// new units.
    pub async fn unknown_unit_names(
        &self,
        plan_id: i64,
        names: &[String],
        new_units: &[String],
        directory: &Directory,
    ) -> Result<Vec<UnknownName>> {
        let candidates: Vec<&String> = names
            .iter()
            .filter(|n| !directory.knows(n) && !new_units.iter().any(|u| u.trim() == n.as_str()))
            .collect();
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let known = self.known_unit_names(plan_id, directory).await?;
        Ok(candidates
            .into_iter()
            .filter(|n| !known.contains(n))
            .map(|n| UnknownName {
                name: n.clone(),
                closest: suggest::closest(n, known.iter().map(String::as_str), 3)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
            })
            .collect())
    }
}

/// The refusal of unknown names, for the field they were typed in.
pub fn unknown_names_message(unknown: &[UnknownName]) -> String {
    let each: Vec<String> = unknown
        .iter()
        .map(|u| {
            if u.closest.is_empty() {
                format!("「{}」不在名录中", u.name)
            } else {
                format!("「{}」不在名录中，是否为：{}", u.name, u.closest.join("、"))
            }
        })
        .collect();
    format!(
        "{}。请从名录中选择；确为名录外的新单位，请勾选「作为新单位加入」",
        each.join("；")
    )
}
