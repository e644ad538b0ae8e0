//! Importing a parsed plan as a draft, with the directory that resolved it.

use luoshi_directory::Directory;
use luoshi_directory::Resolution;
use luoshi_extract::{PlanDraft, Qualifier, TargetKind};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use crate::audit::Change;
use crate::{Result, Store, now};

impl Store {
    /// Stores `resolution` (a parsed and resolved plan) as a draft in one transaction: either the
    /// whole plan is there afterwards or none of it. Returns the plan's id.
    pub async fn import_plan(
        &self,
        resolution: &Resolution,
        source_name: &str,
        source: &[u8],
        actor: &str,
    ) -> Result<i64> {
        let draft = &resolution.draft;
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        upsert_directory(conn, &resolution.directory).await?;
        let sha = Sha256::digest(source)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        let plan_id = insert_plan(conn, draft, source_name, &sha).await?;
        insert_contents(conn, plan_id, draft).await?;
        let summary = json!({
            "source_name": source_name,
            "source_sha256": sha,
            "title": draft.plan_title.as_deref().or(draft.title.as_deref()),
            "doc_number": draft.doc_number,
            "tasks": draft.tasks.len(),
            "targets": draft.tasks.iter().map(|t| t.targets.len()).sum::<usize>(),
            "review_items": draft.review.len(),
        });
        write.record(Change::new("import", "plan", Some(plan_id)).after(summary));
        write.commit().await?;
        Ok(plan_id)
    }
}

// Look before inserting: PostgreSQL spends an id on every `ON CONFLICT DO NOTHING`, and the
// ledger's ids should not depend on the database.
pub(crate) async fn unit_id(conn: &mut AnyConnection, name: &str, kind: &str) -> Result<i64> {
    if let Some(row) = sqlx::query("SELECT id FROM units WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(row.try_get("id")?);
    }
    let row = sqlx::query("INSERT INTO units (name, kind) VALUES ($1, $2) RETURNING id")
        .bind(name)
        .bind(kind)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get("id")?)
}

pub(crate) async fn add_alias(conn: &mut AnyConnection, alias: &str, unit: i64) -> Result<()> {
    let known = sqlx::query("SELECT unit_id FROM unit_aliases WHERE alias = $1")
        .bind(alias)
        .fetch_optional(&mut *conn)
        .await?;
    if known.is_none() {
        sqlx::query("INSERT INTO unit_aliases (alias, unit_id) VALUES ($1, $2)")
            .bind(alias)
            .bind(unit)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The directory's units, districts and aliases, added to the ledger's (existing ones kept).
pub(crate) async fn upsert_directory(
    conn: &mut AnyConnection,
    directory: &Directory,
) -> Result<()> {
    for unit in &directory.units {
        let id = unit_id(conn, &unit.name, "department").await?;
        for alias in &unit.aliases {
            add_alias(conn, alias, id).await?;
        }
    }
    for district in &directory.districts {
        let government = unit_id(conn, &district.government, "district_government").await?;
        let existing = sqlx::query("SELECT id FROM districts WHERE name = $1")
            .bind(&district.name)
            .fetch_optional(&mut *conn)
            .await?;
        let sql = match existing {
            Some(_) => "UPDATE districts SET grp = $2, unit_id = $3, zone = $4 WHERE name = $1",
            None => "INSERT INTO districts (name, grp, unit_id, zone) VALUES ($1, $2, $3, $4)",
        };
        sqlx::query(sql)
            .bind(&district.name)
            .bind(&district.group)
            .bind(government)
            .bind(&district.zone)
            .execute(&mut *conn)
            .await?;
        for alias in std::iter::once(&district.name).chain(&district.aliases) {
            add_alias(conn, alias, government).await?;
        }
    }
    Ok(())
}

async fn insert_plan(
    conn: &mut AnyConnection,
    draft: &PlanDraft,
    source_name: &str,
    sha: &str,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO plans (title, plan_title, issuer, doc_number, index_no, date_written, date_published, year, source_name, source_sha256, status, created_at, draft_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $12) RETURNING id",
    )
    .bind(&draft.title)
    .bind(&draft.plan_title)
    .bind(&draft.issuer)
    .bind(&draft.doc_number)
    .bind(&draft.index_no)
    .bind(&draft.date_written)
    .bind(&draft.date_published)
    .bind(draft.year.map(i64::from))
    .bind(source_name)
    .bind(sha)
    .bind(now())
    .bind(serde_json::to_string(draft)?)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

pub(crate) fn qualifier_name(q: Qualifier) -> &'static str {
    match q {
        Qualifier::Exact => "exact",
        Qualifier::AtLeast => "at_least",
        Qualifier::About => "about",
        Qualifier::MoreThan => "more_than",
        Qualifier::AtMost => "at_most",
        Qualifier::Range => "range",
    }
}

async fn insert_contents(conn: &mut AnyConnection, plan_id: i64, draft: &PlanDraft) -> Result<()> {
    for (ord, s) in draft.sections.iter().enumerate() {
        sqlx::query("INSERT INTO sections (plan_id, ord, path, title, level, line) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(plan_id)
            .bind(ord as i64)
            .bind(&s.path)
            .bind(&s.title)
            .bind(s.level as i64)
            .bind(s.line as i64)
            .execute(&mut *conn)
            .await?;
    }
    for (ord, i) in draft.indicators.iter().enumerate() {
        sqlx::query(
            "INSERT INTO indicators (plan_id, ord, text, name, value, max_value, unit, qualifier, aspirational, line, goal_year) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(plan_id)
        .bind(ord as i64)
        .bind(&i.text)
        .bind(&i.name)
        .bind(i.value)
        .bind(i.max)
        .bind(&i.unit)
        .bind(qualifier_name(i.qualifier))
        .bind(i64::from(i.aspirational))
        .bind(i.line as i64)
        .bind(i.year.map(i64::from))
        .persistent(false) // an optional f64 is bound; see edit::insert_target
        .execute(&mut *conn)
        .await?;
    }
    for (ord, m) in draft.mechanisms.iter().enumerate() {
        let kind = serde_json::to_value(m.kind)?
            .as_str()
            .unwrap_or_default()
            .to_string();
        sqlx::query("INSERT INTO mechanisms (plan_id, ord, path, title, kind, text, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(plan_id)
            .bind(ord as i64)
            .bind(&m.path)
            .bind(&m.title)
            .bind(kind)
            .bind(&m.text)
            .bind(&m.detail)
            .execute(&mut *conn)
            .await?;
    }
    let mut task_ids = std::collections::HashMap::new();
    for (ord, task) in draft.tasks.iter().enumerate() {
        let row = sqlx::query(
            "INSERT INTO tasks (plan_id, ord, path, section_path, title, text, annotation, annotation_present, deadline, line, district_scope) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(plan_id)
        .bind(ord as i64)
        .bind(&task.path)
        .bind(&task.section)
        .bind(&task.title)
        .bind(&task.text)
        .bind(&task.annotation)
        .bind(i64::from(task.annotation_present))
        .bind(&task.deadline)
        .bind(task.line as i64)
        .bind(&task.district_scope)
        .fetch_one(&mut *conn)
        .await?;
        let task_id: i64 = row.try_get("id")?;
        task_ids.entry(task.path.clone()).or_insert(task_id);
        // Units an earlier note made part of every later task (`以下均需各区政府落实`) are
        // responsible here as well.
        let units = task
            .lead
            .iter()
            .map(|n| ("lead", n))
            .chain(task.responsible.iter().map(|n| ("responsible", n)))
            .chain(
                task.inherited_responsible
                    .iter()
                    .map(|n| ("responsible", n)),
            );
        for (ord, (role, printed)) in units.enumerate() {
            sqlx::query(
                "INSERT INTO task_units (task_id, ord, role, printed) VALUES ($1, $2, $3, $4)",
            )
            .bind(task_id)
            .bind(ord as i64)
            .bind(role)
            .bind(printed)
            .execute(&mut *conn)
            .await?;
        }
        for (ord, t) in task.targets.iter().enumerate() {
            crate::edit::insert_target(
                conn,
                task_id,
                ord as i64,
                &crate::edit::NewTarget {
                    text: &t.text,
                    value: t.value,
                    max: t.max,
                    unit: &t.unit,
                    qualifier: qualifier_name(t.qualifier),
                    aspirational: t.aspirational,
                    per_each: t.per_each.as_deref(),
                    subject: &t.subject,
                    kind: if t.kind == TargetKind::ExistingCount {
                        "existing_count"
                    } else {
                        "target"
                    },
                    span: Some((t.span.start as i64, t.span.end as i64)),
                },
            )
            .await?;
        }
        crate::support::insert_support(conn, task_id, &task.support).await?;
        for (ord, f) in task.district_focus.iter().enumerate() {
            let district: Option<i64> = sqlx::query("SELECT d.id FROM districts d JOIN units u ON u.id = d.unit_id LEFT JOIN unit_aliases a ON a.unit_id = d.unit_id WHERE d.name = $1 OR u.name = $1 OR a.alias = $1 LIMIT 1")
                .bind(&f.district)
                .fetch_optional(&mut *conn)
                .await?
                .map(|r| r.try_get("id"))
                .transpose()?;
            sqlx::query("INSERT INTO focuses (task_id, ord, district_name, district_id, grp, items) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(task_id)
                .bind(ord as i64)
                .bind(&f.district)
                .bind(district)
                .bind(&f.group)
                .bind(serde_json::to_string(&f.focus)?)
                .execute(&mut *conn)
                .await?;
        }
    }
    for flag in &draft.review {
        let task_id = flag.path.as_ref().and_then(|p| task_ids.get(p)).copied();
        sqlx::query("INSERT INTO review_items (plan_id, task_id, path, line, field, reason, resolved) VALUES ($1, $2, $3, $4, $5, $6, 0)")
            .bind(plan_id)
            .bind(task_id)
            .bind(&flag.path)
            .bind(flag.line.map(|l| l as i64))
            .bind(&flag.field)
            .bind(&flag.reason)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
