//! Reading the audit log the way the office looks for something: by who, what, which entity and
//! when, newest first, a page at a time.

use sqlx::Row;

use crate::audit::{AuditRecord, audit_row};
use crate::read::{Page, like};
use crate::{Result, Store, StoreError};

/// What to look for; every field optional. Dates are UTC instants (`2021-06-20T00:00:00Z`)
/// the caller has converted from the office's days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Part of the actor's name (`office` finds `office（张三）`).
    pub actor: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    /// From this instant (inclusive).
    pub from: Option<String>,
    /// Before this instant (exclusive).
    pub until: Option<String>,
}

/// At most this many records per page.
pub const MAX_AUDIT_PAGE: i64 = 500;

impl Store {
    pub async fn audit_search(
        &self,
        filter: &AuditFilter,
        offset: i64,
        limit: i64,
    ) -> Result<Page<AuditRecord>> {
        if !(1..=MAX_AUDIT_PAGE).contains(&limit) {
            return Err(StoreError::invalid(
                "limit",
                format!("每页条数须在 1 到 {MAX_AUDIT_PAGE} 之间"),
            ));
        }
        if offset < 0 {
            return Err(StoreError::invalid("offset", "起始位置不能为负数"));
        }
        let mut clauses = Vec::new();
        let mut texts = Vec::new();
        let mut next = |clause: &str, value: String, texts: &mut Vec<String>| {
            texts.push(value);
            clauses.push(clause.replace('?', &format!("${}", texts.len())));
        };
        if let Some(actor) = filter
            .actor
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            next("actor LIKE ? ESCAPE '\\'", like(actor), &mut texts);
        }
        if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
            next("action = ?", action.to_string(), &mut texts);
        }
        if let Some(entity) = filter.entity.as_deref().filter(|e| !e.is_empty()) {
            next("entity = ?", entity.to_string(), &mut texts);
        }
        if let Some(from) = &filter.from {
            next("at >= ?", from.clone(), &mut texts);
        }
        if let Some(until) = &filter.until {
            next("at < ?", until.clone(), &mut texts);
        }
        let mut condition = if clauses.is_empty() {
            "1 = 1".to_string()
        } else {
            clauses.join(" AND ")
        };
        if let Some(id) = filter.entity_id {
            // A number, not user text: safe to write into the statement.
            condition.push_str(&format!(" AND entity_id = {id}"));
        }
        let mut conn = self.conn().await?;
        let count_sql = format!("SELECT COUNT(*) AS n FROM audit_log WHERE {condition}");
        let mut count = sqlx::query(sqlx::AssertSqlSafe(count_sql));
        for t in &texts {
            count = count.bind(t.clone());
        }
        let total: i64 = count.fetch_one(&mut *conn).await?.try_get("n")?;
        let n = texts.len();
        let list_sql = format!(
            "SELECT id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash \
             FROM audit_log WHERE {condition} ORDER BY id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let mut list = sqlx::query(sqlx::AssertSqlSafe(list_sql));
        for t in &texts {
            list = list.bind(t.clone());
        }
        let rows = list.bind(limit).bind(offset).fetch_all(&mut *conn).await?;
        Ok(Page {
            items: rows.iter().map(audit_row).collect::<Result<_>>()?,
            total,
            offset,
            limit,
        })
    }

    /// The actions and entities the log holds, for the filters' choices.
    pub async fn audit_kinds(&self) -> Result<(Vec<String>, Vec<String>)> {
        let mut conn = self.conn().await?;
        let mut distinct = async |column: &str| -> Result<Vec<String>> {
            let sql = format!("SELECT DISTINCT {column} AS v FROM audit_log ORDER BY {column}");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .fetch_all(&mut *conn)
                .await?
                .iter()
                .map(|r| Ok(r.try_get("v")?))
                .collect()
        };
        let actions = distinct("action").await?;
        let entities = distinct("entity").await?;
        Ok((actions, entities))
    }
}
