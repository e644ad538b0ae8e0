//! The directory (单位名录) the office edits in the browser: every saved version kept, the
//! latest in force. Saving also brings the ledger's units, aliases and districts up to date,
//! so accounts and pickers know a new unit at once; each save is one audit entry listing what
//! changed.

use luoshi_directory::{Directory, changes};
use serde_json::json;
use sqlx::Row;

use crate::audit::Change;
use crate::import::upsert_directory;
use crate::{Result, Store, now};

/// A saved directory: its text as saved, when and by whom.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct SavedDirectory {
    pub version: i64,
    pub toml: String,
    pub saved_at: String,
    pub saved_by: String,
}

impl Store {
    /// The directory in force, if the office has saved one.
    pub async fn saved_directory(&self) -> Result<Option<SavedDirectory>> {
        let mut conn = self.conn().await?;
        let row = sqlx::query(
            "SELECT id, toml, saved_at, saved_by FROM directory_versions ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(&mut *conn)
        .await?;
        row.map(|r| {
            Ok(SavedDirectory {
                version: r.try_get("id")?,
                toml: r.try_get("toml")?,
                saved_at: r.try_get("saved_at")?,
                saved_by: r.try_get("saved_by")?,
            })
        })
        .transpose()
    }

    /// Saves `next` (already checked; `text` is how it is to be downloaded again) as the
    /// directory in force after `previous`, and returns what changed. Saving what is already
    /// in force writes nothing.
    pub async fn save_directory(
        &self,
        previous: &Directory,
        next: &Directory,
        text: &str,
        actor: &str,
    ) -> Result<Vec<String>> {
        let changed = changes(previous, next);
        let same_text = self
            .saved_directory()
            .await?
            .is_some_and(|saved| saved.toml == text);
        if changed.is_empty() && same_text {
            return Ok(changed);
        }
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let row = sqlx::query(
            "INSERT INTO directory_versions (toml, saved_at, saved_by) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(text)
        .bind(now())
        .bind(actor)
        .fetch_one(&mut *conn)
        .await?;
        let version: i64 = row.try_get("id")?;
        upsert_directory(conn, next).await?;
        write.record(
            Change::new("set_directory", "directory", Some(version)).after(json!({
                "changes": changed,
                "units": next.units.len(),
                "districts": next.districts.len(),
                "groups": next.groups.len(),
            })),
        );
        write.commit().await?;
        Ok(changed)
    }
}
