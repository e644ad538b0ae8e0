//! Copying every table of one ledger into another of the same schema, row for row and value
//! for value, across SQLite and PostgreSQL: a PostgreSQL ledger's backup is such a copy into a
//! SQLite file, and restoring a backup into PostgreSQL copies it back. The reading side runs in
//! one snapshot transaction, so the copy is consistent while others write.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row, ValueRef};

use crate::{Backend, Result, StoreError};

/// A column's storage class, as the receiving side declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Real,
    Text,
    Blob,
}

fn kind_of(declared: &str) -> Kind {
    let declared = declared.to_ascii_uppercase();
    if declared.contains("INT") || declared.contains("BOOL") || declared.contains("SERIAL") {
        Kind::Integer
    } else if declared.contains("REAL")
        || declared.contains("DOUBLE")
        || declared.contains("FLOAT")
        || declared.contains("NUMERIC")
    {
        Kind::Real
    } else if declared.contains("BLOB") || declared.contains("BYTEA") {
        Kind::Blob
    } else {
        Kind::Text
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub name: String,
    columns: Vec<(String, Kind)>,
}

/// Tables that carry no ledger data of their own.
fn internal(name: &str) -> bool {
    name.starts_with("_sqlx") || name.starts_with("sqlite_")
}

/// The tables of the ledger on `conn`, parents before the children whose foreign keys name them.
pub(crate) async fn tables(conn: &mut AnyConnection, backend: Backend) -> Result<Vec<Table>> {
    let names: Vec<String> = match backend {
        Backend::Sqlite => {
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .fetch_all(&mut *conn)
                .await?
        }
        Backend::Postgres => sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
        )
        .fetch_all(&mut *conn)
        .await?,
    };
    let mut tables = BTreeMap::new();
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in names.into_iter().filter(|n| !internal(n)) {
        let (columns, refs) = match backend {
            Backend::Sqlite => {
                let columns = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT name, type FROM pragma_table_info('{name}') ORDER BY cid"
                )))
                .fetch_all(&mut *conn)
                .await?;
                let refs: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('{name}')"
                )))
                .fetch_all(&mut *conn)
                .await?;
                (columns, refs)
            }
            Backend::Postgres => {
                let columns = sqlx::query(
                    "SELECT column_name::text AS name, data_type::text AS type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?;
                let refs: Vec<String> = sqlx::query_scalar(
                    "SELECT DISTINCT ccu.table_name::text FROM information_schema.table_constraints tc JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1",
                )
                .bind(&name)
                .fetch_all(&mut *conn)
                .await?;
                (columns, refs)
            }
        };
        let columns = columns
            .iter()
            .map(|row| {
                let column: String = row.try_get("name")?;
                let declared: String = row.try_get("type")?;
                Ok((column, kind_of(&declared)))
            })
            .collect::<Result<Vec<_>>>()?;
        parents.insert(
            name.clone(),
            refs.into_iter().filter(|r| *r != name).collect(),
        );
        tables.insert(name.clone(), Table { name, columns });
    }
    // Parents first; a cycle (none in our schema) falls back to name order.
    let mut ordered = Vec::new();
    let mut placed = BTreeSet::new();
    while placed.len() < tables.len() {
        let ready: Vec<String> = tables
            .keys()
            .filter(|t| !placed.contains(*t))
            .filter(|t| {
                parents.get(*t).is_none_or(|ps| {
                    ps.iter()
                        .all(|p| placed.contains(p) || !tables.contains_key(p))
                })
            })
            .cloned()
            .collect();
        let next = if ready.is_empty() {
            tables
                .keys()
                .filter(|t| !placed.contains(*t))
                .take(1)
                .cloned()
                .collect()
        } else {
            ready
        };
        for name in next {
            placed.insert(name.clone());
            if let Some(table) = tables.get(&name) {
                ordered.push(table.clone());
            }
        }
    }
    Ok(ordered)
}

#[derive(Debug, Clone)]
enum Value {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

fn read_value(row: &AnyRow, index: usize) -> Result<Value> {
    use sqlx::any::AnyTypeInfoKind as K;
    let raw = row.try_get_raw(index)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    Ok(match raw.type_info().kind() {
        K::Null => Value::Null,
        K::Bool => Value::Integer(i64::from(row.try_get::<bool, _>(index)?)),
        K::SmallInt | K::Integer | K::BigInt => Value::Integer(row.try_get::<i64, _>(index)?),
        K::Real | K::Double => Value::Real(row.try_get::<f64, _>(index)?),
        K::Text => Value::Text(row.try_get::<String, _>(index)?),
        K::Blob => Value::Blob(row.try_get::<Vec<u8>, _>(index)?),
    })
}

/// `value` as the receiving column stores it.
fn convert(value: Value, kind: Kind, table: &str, column: &str) -> Result<Value> {
    let mismatch = || {
        StoreError::invalid(
            format!("{table}.{column}"),
            "备份中的数据类型与当前数据库结构不符",
        )
    };
    Ok(match (value, kind) {
        (Value::Null, _) => Value::Null,
        (Value::Integer(i), Kind::Integer) => Value::Integer(i),
        (Value::Integer(i), Kind::Real) => Value::Real(i as f64),
        (Value::Real(r), Kind::Real) => Value::Real(r),
        (Value::Text(t), Kind::Text) => Value::Text(t),
        (Value::Integer(i), Kind::Text) => Value::Text(i.to_string()),
        (Value::Blob(b), Kind::Blob) => Value::Blob(b),
        (Value::Text(t), Kind::Blob) => Value::Blob(t.into_bytes()),
        _ => return Err(mismatch()),
    })
}

/// Rows per INSERT: within both databases' bound-parameter limits.
fn rows_per_insert(columns: usize) -> usize {
    (20_000 / columns.max(1)).clamp(1, 500)
}

/// Copies every row of `tables` from `from` to `to` (both of the same schema), returning the
/// rows copied per table. `to` must be inside the transaction the caller commits.
pub(crate) async fn copy_tables(
    from: &mut AnyConnection,
    to: &mut AnyConnection,
    to_backend: Backend,
    tables: &[Table],
) -> Result<Vec<(String, u64)>> {
    let mut counts = Vec::new();
    for table in tables {
        let list = table
            .columns
            .iter()
            .map(|(c, _)| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let select = format!("SELECT {list} FROM \"{}\" ORDER BY 1", table.name);
        let per_insert = rows_per_insert(table.columns.len());
        let mut batch: Vec<Vec<Value>> = Vec::with_capacity(per_insert);
        let mut copied = 0u64;
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch(&mut *from);
        while let Some(row) = rows.try_next().await? {
            let mut values = Vec::with_capacity(table.columns.len());
            for (i, (column, kind)) in table.columns.iter().enumerate() {
                values.push(convert(read_value(&row, i)?, *kind, &table.name, column)?);
            }
            batch.push(values);
            if batch.len() == per_insert {
                copied += insert(to, table, &list, &mut batch).await?;
            }
        }
        drop(rows);
        copied += insert(to, table, &list, &mut batch).await?;
        if to_backend == Backend::Postgres && table.columns.iter().any(|(c, _)| c == "id") {
            // Identity columns go on from the largest id copied, not from 1.
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('\"{0}\"', 'id'), GREATEST((SELECT MAX(id) FROM \"{0}\"), 1)) WHERE pg_get_serial_sequence('\"{0}\"', 'id') IS NOT NULL",
                table.name
            )))
            .execute(&mut *to)
            .await?;
        }
        counts.push((table.name.clone(), copied));
    }
    Ok(counts)
}

async fn insert(
    to: &mut AnyConnection,
    table: &Table,
    list: &str,
    batch: &mut Vec<Vec<Value>>,
) -> Result<u64> {
    if batch.is_empty() {
        return Ok(0);
    }
    let width = table.columns.len();
    let mut sql = format!("INSERT INTO \"{}\" ({list}) VALUES ", table.name);
    for (r, _) in batch.iter().enumerate() {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", r * width + c + 1));
        }
        sql.push(')');
    }
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in batch.drain(..) {
        for (value, (_, kind)) in row.into_iter().zip(&table.columns) {
            query = match value {
                Value::Null => match kind {
                    Kind::Integer => query.bind(None::<i64>),
                    Kind::Real => query.bind(None::<f64>),
                    Kind::Text => query.bind(None::<String>),
                    Kind::Blob => query.bind(None::<Vec<u8>>),
                },
                Value::Integer(i) => query.bind(i),
                Value::Real(r) => query.bind(r),
                Value::Text(t) => query.bind(t),
                Value::Blob(b) => query.bind(b),
            };
        }
    }
    Ok(query.execute(&mut *to).await?.rows_affected())
}
