//! CSV of the task table, UTF-8 with a byte-order mark so that Excel shows the Chinese text.

use luoshi_extract::PlanDraft;

use crate::table::{HEADERS, rows};

pub fn to_csv(plan: &PlanDraft) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    writer.write_record(HEADERS)?;
    for row in rows(plan) {
        writer.write_record(row.cells())?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}
