//! Filters as people type them: a unit by part of its name or an abbreviation (发改委 finds
//! 市发展改革委), a section by its number in either width of brackets (二.(一) finds 二.（一）).
//! The typed text is widened here to the stored names it means; the queries stay exact.

use luoshi_directory::suggest::{fold, matches_partially};
use sqlx::Row;

use crate::{Result, Store};

impl Store {
    /// The unit names (canonical, alias, or as printed in plan `plan_id`) `typed` stands for:
    /// itself when it is one, else every name it finds partially; itself when it finds none.
    pub(crate) async fn unit_spellings(&self, plan_id: i64, typed: &str) -> Result<Vec<String>> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query(
            "SELECT name FROM units UNION SELECT alias AS name FROM unit_aliases \
             UNION SELECT tu.printed AS name FROM task_units tu JOIN tasks t ON t.id = tu.task_id WHERE t.plan_id = $1",
        )
        .bind(plan_id)
        .fetch_all(&mut *conn)
        .await?;
        let names: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String, _>("name"))
            .collect::<std::result::Result<_, _>>()?;
        if names.iter().any(|n| n == typed) {
            return Ok(vec![typed.to_string()]);
        }
        let found: Vec<String> = names
            .into_iter()
            .filter(|n| matches_partially(typed, n))
            .collect();
        Ok(if found.is_empty() {
            vec![typed.to_string()]
        } else {
            found
        })
    }

    /// The section path of plan `plan_id` that `typed` names, whatever the width of its
    /// brackets and dots; `typed` itself when none does.
    pub(crate) async fn section_spelling(&self, plan_id: i64, typed: &str) -> Result<String> {
        let mut conn = self.conn().await?;
        let rows = sqlx::query("SELECT path FROM sections WHERE plan_id = $1")
            .bind(plan_id)
            .fetch_all(&mut *conn)
            .await?;
        let wanted = fold(typed);
        for row in rows {
            let path: String = row.try_get("path")?;
            if fold(&path) == wanted {
                return Ok(path);
            }
        }
        Ok(typed.to_string())
    }
}
