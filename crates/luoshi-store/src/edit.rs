//! Changing the ledger: correcting a draft, publishing it, and amending a published plan. Every
//! change is one audited transaction; a published plan's task list changes only by amendment.

use luoshi_directory::Directory;
use luoshi_reporting::Day;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::{AnyConnection, Row};

use crate::audit::Change;
use crate::import::{add_alias, unit_id};
use crate::publish::{amend, effective_month, reassign_task};
use crate::shares::{Holder, district_id, effective_from, plan_of_target, set_shares_in};
use crate::{Result, Store, StoreError};

pub(crate) struct NewTarget<'a> {
    pub text: &'a str,
    pub value: f64,
    pub max: Option<f64>,
    pub unit: &'a str,
    pub qualifier: &'a str,
    pub aspirational: bool,
    pub per_each: Option<&'a str>,
    pub subject: &'a str,
    pub kind: &'a str,
    pub span: Option<(i64, i64)>,
}

pub(crate) async fn insert_target(
    conn: &mut AnyConnection,
    task_id: i64,
    ord: i64,
    t: &NewTarget<'_>,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO targets (task_id, ord, text, value, max_value, unit, qualifier, aspirational, per_each, subject, kind, span_start, span_end) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(task_id)
    .bind(ord)
    .bind(t.text)
    .bind(t.value)
    .bind(t.max)
    .bind(t.unit)
    .bind(t.qualifier)
    .bind(i64::from(t.aspirational))
    .bind(t.per_each)
    .bind(t.subject)
    .bind(t.kind)
    .bind(t.span.map(|s| s.0))
    .bind(t.span.map(|s| s.1))
    // sqlx 0.9's Any driver sends a missing f64 as a float4 NULL; a statement cached with that
    // type then refuses a real f64. Unprepared statements take each call's types afresh.
    .persistent(false)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

/// The units of a task, as the office sets them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UnitsInput {
    pub lead: Vec<String>,
    #[serde(default)]
    pub responsible: Vec<String>,
    /// Why, for the audit log and, on a published plan, the amendment.
    #[serde(default)]
    pub reason: Option<String>,
    /// On a published plan, the month (1–12) the change takes effect in: by default the month
    /// still being reported; never one whose reports are already due.
    #[serde(default)]
    pub effective_month: Option<u32>,
    /// Names the office confirms are units the directory does not have yet; any other name
    /// the directory, the ledger and the plan's document do not know is refused.
    #[serde(default)]
    pub new_units: Vec<String>,
}

/// One part of a target being split.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TargetPart {
    pub text: String,
    pub value: f64,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub per_each: Option<String>,
}

/// A row the office adds to a district's table by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DistrictRowInput {
    pub district: String,
    pub text: String,
    #[serde(default)]
    pub task_path: Option<String>,
    #[serde(default)]
    pub value: Option<f64>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub deadline: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Where a plan stands, read inside a write.
async fn plan_status(conn: &mut AnyConnection, plan_id: i64) -> Result<String> {
    let row = sqlx::query("SELECT status FROM plans WHERE id = $1")
        .bind(plan_id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(row.try_get("status")?),
        None => Err(StoreError::NotFound {
            entity: "方案",
            id: plan_id.to_string(),
        }),
    }
}

async fn task_plan(conn: &mut AnyConnection, task_id: i64) -> Result<i64> {
    let row = sqlx::query("SELECT plan_id FROM tasks WHERE id = $1")
        .bind(task_id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(row.try_get("plan_id")?),
        None => Err(StoreError::NotFound {
            entity: "任务",
            id: task_id.to_string(),
        }),
    }
}

fn clean_names(names: &[String], field: &str) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::invalid(
                format!("{field}[{i}]"),
                "单位名称不能为空",
            ));
        }
        if name.chars().count() > 100 {
            return Err(StoreError::invalid(
                format!("{field}[{i}]"),
                "单位名称过长（超过 100 字）",
            ));
        }
        if !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    Ok(out)
}

impl Store {
    /// Sets who leads and who is responsible for a task. On a draft this corrects it and closes
    /// the task's review items about units; on a published plan it is an amendment and needs a
    /// reason and takes effect from its effective month (see [`crate::publish::reassign_task`]):
    /// the months before keep their assignments and reports.
    pub async fn set_task_units(
        &self,
        task_id: i64,
        input: &UnitsInput,
        directory: &Directory,
        today: Day,
        actor: &str,
    ) -> Result<()> {
        let lead = clean_names(&input.lead, "lead")?;
        let responsible = clean_names(&input.responsible, "responsible")?;
        if lead.is_empty() {
            return Err(StoreError::invalid("lead", "至少需要一个牵头单位"));
        }
        let plan_of_task = task_plan(&mut *self.conn().await?, task_id).await?;
        for (field, names) in [("lead", &lead), ("responsible", &responsible)] {
            let unknown = self
                .unknown_unit_names(plan_of_task, names, &input.new_units, directory)
                .await?;
            if !unknown.is_empty() {
                return Err(StoreError::invalid(
                    field,
                    crate::unit_names::unknown_names_message(&unknown),
                ));
            }
        }
        // What the review flagged stays open while a name still needs a decision (各相关区,
        // 有关单位): setting the units closes it only when every name is plain.
        let settled = lead.iter().chain(&responsible).all(|n| {
            !matches!(
                directory.lookup(n, luoshi_extract::Role::Lead, None),
                Some((_, Some(_)))
            )
        });
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let plan_id = task_plan(conn, task_id).await?;
        let published = plan_status(conn, plan_id).await? == "published";
        let reason = input
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        if published && reason.is_none() {
            return Err(StoreError::invalid(
                "reason",
                "方案已发布，修改责任单位须写明修订理由",
            ));
        }
        let effective = match published {
            true => Some(effective_month(conn, plan_id, today, input.effective_month).await?),
            false => None,
        };
        let before = task_units(conn, task_id).await?;
        sqlx::query("DELETE FROM task_units WHERE task_id = $1")
            .bind(task_id)
            .execute(&mut *conn)
            .await?;
        let all = lead
            .iter()
            .map(|n| ("lead", n))
            .chain(responsible.iter().map(|n| ("responsible", n)));
        for (ord, (role, name)) in all.enumerate() {
            sqlx::query(
                "INSERT INTO task_units (task_id, ord, role, printed) VALUES ($1, $2, $3, $4)",
            )
            .bind(task_id)
            .bind(ord as i64)
            .bind(role)
            .bind(name)
            .execute(&mut *conn)
            .await?;
        }
        if settled {
            let resolution = format!("已指定牵头单位：{}", lead.join("、"));
            sqlx::query("UPDATE review_items SET resolved = 1, resolution = $1 WHERE task_id = $2 AND resolved = 0 AND field IN ('annotation', 'lead', 'responsible')")
                .bind(&resolution)
                .bind(task_id)
                .execute(&mut *conn)
                .await?;
        }
        let mut after = json!({ "lead": lead, "responsible": responsible });
        let added: Vec<&String> = input
            .new_units
            .iter()
            .filter(|u| lead.contains(u) || responsible.contains(u))
            .collect();
        if !added.is_empty() {
            after["new_units"] = json!(added);
        }
        if let Some(from) = effective {
            let done = reassign_task(write.conn(), plan_id, task_id, from, directory).await?;
            after["effective_month"] = json!(from);
            after["assignments"] = json!(done);
            amend(&mut write, plan_id, reason.unwrap_or_default(), Some(from)).await?;
        }
        write.record(
            Change::new("set_units", "task", Some(task_id))
                .before(before)
                .after(after),
        );
        write.commit().await
    }

    /// Merges two spellings of one unit in a draft: every task naming `from` names `into`, and
    /// `from` becomes an alias of `into` for later imports.
    pub async fn merge_units(
        &self,
        plan_id: i64,
        from: &str,
        into: &str,
        actor: &str,
    ) -> Result<u64> {
        let (from, into) = (from.trim(), into.trim());
        if from.is_empty() {
            return Err(StoreError::invalid("from", "要合并的单位名称不能为空"));
        }
        if into.is_empty() || into == from {
            return Err(StoreError::invalid(
                "into",
                "合并后的单位名称不能为空，也不能与原名称相同",
            ));
        }
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        if plan_status(conn, plan_id).await? == "published" {
            return Err(StoreError::Published("合并单位".into()));
        }
        let changed = sqlx::query("UPDATE task_units SET printed = $1 WHERE printed = $2 AND task_id IN (SELECT id FROM tasks WHERE plan_id = $3)")
            .bind(into)
            .bind(from)
            .bind(plan_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(StoreError::invalid(
                "from",
                format!("方案中没有任务写有「{from}」"),
            ));
        }
        let target = unit_id(conn, into, "department").await?;
        add_alias(conn, from, target).await?;
        sqlx::query("UPDATE review_items SET resolved = 1, resolution = $1 WHERE plan_id = $2 AND resolved = 0 AND reason LIKE $3")
            .bind(format!("已并入「{into}」"))
            .bind(plan_id)
            .bind(format!("%「{from}」%"))
            .execute(&mut *conn)
            .await?;
        write.record(
            Change::new("merge_units", "plan", Some(plan_id))
                .before(json!({ "unit": from }))
                .after(json!({ "unit": into, "task_units": changed })),
        );
        write.commit().await?;
        Ok(changed)
    }

    /// Splits one target of a draft into several (`1—2 家` into two rows, a joint target into
    /// its parts).
    pub async fn split_target(
        &self,
        target_id: i64,
        parts: &[TargetPart],
        actor: &str,
    ) -> Result<Vec<i64>> {
        if parts.len() < 2 {
            return Err(StoreError::invalid("parts", "拆分至少需要两个部分"));
        }
        for (i, part) in parts.iter().enumerate() {
            if part.text.trim().is_empty() {
                return Err(StoreError::invalid(
                    format!("parts[{i}].text"),
                    "目标内容不能为空",
                ));
            }
            if !part.value.is_finite() || part.value < 0.0 {
                return Err(StoreError::invalid(
                    format!("parts[{i}].value"),
                    "目标值必须是不小于 0 的数",
                ));
            }
        }
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let row = sqlx::query("SELECT t.task_id, t.ord, t.text, t.value, t.unit, t.qualifier, t.subject, t.kind, k.plan_id FROM targets t JOIN tasks k ON k.id = t.task_id WHERE t.id = $1")
            .bind(target_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound { entity: "目标", id: target_id.to_string() })?;
        let (task_id, ord, plan_id): (i64, i64, i64) = (
            row.try_get("task_id")?,
            row.try_get("ord")?,
            row.try_get("plan_id")?,
        );
        if plan_status(conn, plan_id).await? == "published" {
            return Err(StoreError::Published("拆分目标".into()));
        }
        let before = json!({ "text": row.try_get::<String, _>("text")?, "value": row.try_get::<f64, _>("value")?, "unit": row.try_get::<String, _>("unit")? });
        let unit: String = row.try_get("unit")?;
        let qualifier: String = row.try_get("qualifier")?;
        let subject: String = row.try_get("subject")?;
        let kind: String = row.try_get("kind")?;
        sqlx::query("DELETE FROM targets WHERE id = $1")
            .bind(target_id)
            .execute(&mut *conn)
            .await?;
        // Later targets move down to make room, keeping the task's order.
        sqlx::query("UPDATE targets SET ord = ord + $1 WHERE task_id = $2 AND ord > $3")
            .bind(parts.len() as i64)
            .bind(task_id)
            .bind(ord)
            .execute(&mut *conn)
            .await?;
        let mut ids = Vec::new();
        for (i, part) in parts.iter().enumerate() {
            let new = NewTarget {
                text: part.text.trim(),
                value: part.value,
                max: None,
                unit: part.unit.as_deref().unwrap_or(&unit),
                qualifier: if qualifier == "range" {
                    "exact"
                } else {
                    &qualifier
                },
                aspirational: false,
                per_each: part.per_each.as_deref(),
                subject: &subject,
                kind: &kind,
                span: None,
            };
            ids.push(insert_target(conn, task_id, ord + i as i64, &new).await?);
        }
        write.record(
            Change::new("split_target", "target", Some(target_id))
                .before(before)
                .after(json!({ "parts": parts, "ids": ids })),
        );
        write.commit().await?;
        Ok(ids)
    }

    /// Adds a row to a district's table by hand (the plan's 一区一表 attachment is not in the
    /// document). On a published plan it is recorded as an amendment.
    pub async fn add_district_row(
        &self,
        plan_id: i64,
        input: &DistrictRowInput,
        actor: &str,
    ) -> Result<i64> {
        if input.text.trim().is_empty() {
            return Err(StoreError::invalid("text", "工作任务不能为空"));
        }
        if let Some(v) = input.value
            && (!v.is_finite() || v < 0.0)
        {
            return Err(StoreError::invalid("value", "目标值必须是不小于 0 的数"));
        }
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let published = plan_status(conn, plan_id).await? == "published";
        let district = district_id(conn, input.district.trim(), "district").await?;
        let task_id: Option<i64> = match input
            .task_path
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            Some(path) => {
                let row = sqlx::query("SELECT id FROM tasks WHERE plan_id = $1 AND path = $2")
                    .bind(plan_id)
                    .bind(path)
                    .fetch_optional(&mut *conn)
                    .await?;
                Some(
                    row.ok_or_else(|| {
                        StoreError::invalid(
                            "task_path",
                            format!("方案中没有编号为「{path}」的任务"),
                        )
                    })?
                    .try_get("id")?,
                )
            }
            None => None,
        };
        let row = sqlx::query("INSERT INTO district_rows (plan_id, district_id, task_id, text, value, unit, deadline, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(plan_id)
            .bind(district)
            .bind(task_id)
            .bind(input.text.trim())
            .bind(input.value)
            .bind(&input.unit)
            .bind(&input.deadline)
            .bind(&input.note)
            .persistent(false) // see insert_target: an optional f64 is bound
            .fetch_one(&mut *conn)
            .await?;
        let id: i64 = row.try_get("id")?;
        if published {
            amend(
                &mut write,
                plan_id,
                &format!(
                    "为「{}」增加一区一表行：{}",
                    input.district.trim(),
                    input.text.trim()
                ),
                None,
            )
            .await?;
        }
        write.record(Change::new("add_district_row", "district_row", Some(id)).after(input));
        write.commit().await?;
        Ok(id)
    }

    /// Sets each district's share of a target by hand; the shares need not add up to the
    /// target (the difference is shown as a warning). On a published plan a new share is due
    /// from the month still being reported on `today`, and a share left out is due no longer
    /// from then on: the months before keep the shares they were evaluated with.
    pub async fn set_target_shares(
        &self,
        target_id: i64,
        shares: &[(String, f64)],
        today: Day,
        actor: &str,
    ) -> Result<()> {
        let mut write = self.begin_write(actor).await?;
        let conn = write.conn();
        let plan_id = plan_of_target(conn, target_id).await?;
        let from = effective_from(conn, plan_id, today).await?;
        let change =
            set_shares_in(conn, Holder::District, target_id, shares, from, "shares").await?;
        write.record(change);
        write.commit().await
    }

    /// Deletes a draft plan and everything imported with it (its tasks, targets, review items).
    /// A published plan is never deleted: its reports and issued documents are the record.
    pub async fn delete_draft(&self, plan_id: i64, actor: &str) -> Result<()> {
        let plan = self.plan(plan_id).await?;
        if plan.status == "published" {
            return Err(StoreError::Published(
                "已发布的方案不能删除：它的报告和印发文件是工作记录".into(),
            ));
        }
        let mut write = self.begin_write(actor).await?;
        sqlx::query("DELETE FROM plans WHERE id = $1 AND status = 'draft'")
            .bind(plan_id)
            .execute(write.conn())
            .await?;
        write.record(
            Change::new("delete_plan", "plan", Some(plan_id)).before(json!({
                "title": plan.plan_title, "doc_number": plan.doc_number,
                "source": plan.source_name, "tasks": plan.task_count,
            })),
        );
        write.commit().await
    }

    /// Closes a review item with what the office decided.
    pub async fn resolve_review_item(
        &self,
        item_id: i64,
        resolution: &str,
        actor: &str,
    ) -> Result<()> {
        let resolution = resolution.trim();
        if resolution.is_empty() {
            return Err(StoreError::invalid("resolution", "请写明处理结果"));
        }
        let mut write = self.begin_write(actor).await?;
        let changed =
            sqlx::query("UPDATE review_items SET resolved = 1, resolution = $1 WHERE id = $2")
                .bind(resolution)
                .bind(item_id)
                .execute(write.conn())
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(StoreError::NotFound {
                entity: "待核对事项",
                id: item_id.to_string(),
            });
        }
        write.record(
            Change::new("resolve", "review_item", Some(item_id))
                .after(json!({ "resolution": resolution })),
        );
        write.commit().await
    }
}

async fn task_units(conn: &mut AnyConnection, task_id: i64) -> Result<serde_json::Value> {
    let rows = sqlx::query("SELECT role, printed FROM task_units WHERE task_id = $1 ORDER BY ord")
        .bind(task_id)
        .fetch_all(&mut *conn)
        .await?;
    let mut lead = Vec::new();
    let mut responsible = Vec::new();
    for r in rows {
        let role: String = r.try_get("role")?;
        let printed: String = r.try_get("printed")?;
        if role == "lead" {
            lead.push(printed)
        } else {
            responsible.push(printed)
        }
    }
    Ok(json!({ "lead": lead, "responsible": responsible }))
}
