//! The stable JSON format: the extractor's field names (those of the gold annotation) plus a
//! format version. Documented in `docs/plan-json.md`.

use luoshi_extract::{FORMAT_VERSION, PlanDraft};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct PlanJson<'a> {
    pub format_version: u32,
    #[serde(flatten)]
    pub plan: &'a PlanDraft,
}

pub fn to_json(plan: &PlanDraft) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(&PlanJson {
        format_version: FORMAT_VERSION,
        plan,
    })?;
    text.push('\n');
    Ok(text)
}
