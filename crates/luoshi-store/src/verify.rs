//! `luoshi audit verify`: the chain (each record's hash, its link to the one before, its place),
//! the signatures and the checkpoint when the seal is configured, and the reports against the
//! log: every report's state is replayed from its audit records and compared with the row, so
//! a report or value edited in the database behind the log's back is named, and so is a
//! monthly series that no longer matches its reports.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;

use crate::audit::{Change, GENESIS, audit_row};
use crate::seal::{Head, Seal};
use crate::{Result, Store, StoreError, now};

/// Problems listed at most; past this the ledger is plainly not intact.
const MAX_PROBLEMS: usize = 50;

/// What verification found wrong: a record (`id`), a report, or the ledger as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditProblem {
    /// The audit record concerned, when the problem is about one.
    pub id: Option<i64>,
    pub reason: String,
}

/// The whole finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AuditReport {
    /// No problem found.
    pub intact: bool,
    pub records: u64,
    /// Whether signatures and the checkpoint were checked (a key is configured).
    pub sealed: bool,
    pub head: Option<Head>,
    pub reports_checked: u64,
    pub problems: Vec<AuditProblem>,
    /// What could not be checked, and why.
    pub warnings: Vec<String>,
}

/// How a sealed store started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealStart {
    /// The ledger agrees with its checkpoint (or has no records yet).
    Continued,
    /// First start with a key: the existing records (their chain intact) were signed.
    Adopted(u64),
}

/// A report as its audit records say it stands.
#[derive(Debug, Clone, PartialEq)]
struct Replayed {
    assignment: i64,
    status: String,
    version: i64,
    texts: [String; 4],
    values: Vec<(i64, f64, Option<String>)>,
}

fn problem(id: Option<i64>, reason: String) -> AuditProblem {
    AuditProblem { id, reason }
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Applies one report record to the replayed state.
fn replay(state: &mut HashMap<i64, Replayed>, action: &str, id: i64, after: &Value) {
    match action {
        "save" | "submit" => {
            let input = after.get("input").cloned().unwrap_or(Value::Null);
            let mut values: Vec<(i64, f64, Option<String>)> = input
                .get("values")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|v| {
                    let note = v
                        .get("note")
                        .and_then(Value::as_str)
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(str::to_string);
                    Some((
                        v.get("target_id")?.as_i64()?,
                        v.get("value")?.as_f64()?,
                        note,
                    ))
                })
                .collect();
            values.sort_by_key(|v| v.0);
            state.insert(
                id,
                Replayed {
                    assignment: after.get("assignment").and_then(Value::as_i64).unwrap_or(0),
                    status: text(after, "status"),
                    version: after.get("version").and_then(Value::as_i64).unwrap_or(0),
                    texts: [
                        text(&input, "progress"),
                        text(&input, "problems"),
                        text(&input, "next_steps"),
                        text(&input, "coordination"),
                    ],
                    values,
                },
            );
        }
        "accept" | "return" => {
            if let Some(r) = state.get_mut(&id) {
                r.status = text(after, "status");
                r.version += 1;
            }
        }
        _ => {}
    }
}

impl Store {
    /// Attaches the seal: records written from now on are signed and checkpointed. On the
    /// first start with a key, existing unsigned records are signed once their chain checks;
    /// afterwards the ledger must agree with the checkpoint, or the store refuses to open
    /// (someone cut or rewrote the log; see `luoshi audit verify` and `luoshi audit reseal`).
    pub async fn attach_seal(&mut self, seal: Seal) -> Result<SealStart> {
        let start = self.check_seal(&seal).await?;
        self.seal = Some(Arc::new(seal));
        Ok(start)
    }

    /// Attaches the seal without checking the ledger against it or signing anything: for
    /// `luoshi audit verify`, which must read a damaged ledger, and `luoshi audit reseal`.
    pub fn inspect_with_seal(&mut self, seal: Seal) {
        self.seal = Some(Arc::new(seal));
    }

    async fn check_seal(&self, seal: &Seal) -> Result<SealStart> {
        let seal_error = |e: crate::seal::SealError| StoreError::Seal(e.to_string());
        let head = seal.read_head().map_err(seal_error)?;
        let counts = sqlx::query(
            "SELECT COUNT(*) AS records, COUNT(mac) AS signed, MAX(seq) AS last FROM audit_log",
        )
        .fetch_one(&self.pool)
        .await?;
        let records: i64 = counts.try_get("records")?;
        let signed: i64 = counts.try_get("signed")?;
        let start = match head {
            None if records == 0 => SealStart::Continued,
            None if signed > 0 => {
                return Err(StoreError::Seal(format!(
                    "审计检查点 {} 不见了，而台账中已有 {signed} 条签名记录：检查点可能被删除，台账可能被截短。请先运行 luoshi audit verify 核查，确认无误后运行 luoshi audit reseal 重建检查点",
                    seal.head_path().display()
                )));
            }
            None => {
                let adopted = self.adopt(seal).await?;
                SealStart::Adopted(adopted)
            }
            Some(head) => {
                if let Some(p) = self.head_problem(seal, &head).await? {
                    return Err(StoreError::Seal(format!(
                        "{}。在核查清楚之前台账不能使用：请运行 luoshi audit verify；确认无误后运行 luoshi audit reseal",
                        p.reason
                    )));
                }
                self.check_tables_file(seal).await?;
                SealStart::Continued
            }
        };
        Ok(start)
    }

    /// The tables' fingerprints must be there (an upgrade of the schema takes them afresh: the
    /// rows' shapes changed, by the software, not behind its back).
    async fn check_tables_file(&self, seal: &Seal) -> Result<()> {
        let sealed = seal
            .read_tables()
            .map_err(|e| StoreError::Seal(e.to_string()))?;
        let mut conn = self.pool.acquire().await?;
        let schema = crate::table_seal::schema_version(&mut conn).await?;
        match sealed {
            None => Err(StoreError::Seal(format!(
                "台账数据表的指纹 {} 不见了：无法确认计划、任务、指标、分工等未被绕过本系统改动。请先运行 luoshi audit verify 核查，确认无误后运行 luoshi audit reseal",
                seal.tables_path().display()
            ))),
            Some(t) if t.schema < schema => {
                let tables = crate::table_seal::fingerprints(&mut conn).await?;
                seal.write_tables(schema, tables, &now())
                    .map_err(|e| StoreError::Seal(e.to_string()))
            }
            Some(_) => Ok(()),
        }
    }

    /// Signs every unsigned record of a chain that checks, and writes the first checkpoint.
    async fn adopt(&self, seal: &Seal) -> Result<u64> {
        let _turn = self.writer_turn().await;
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(
            "SELECT id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, seq FROM audit_log ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut prev = GENESIS.to_string();
        let mut last = (0i64, 0i64);
        for (i, row) in rows.iter().enumerate() {
            let record = audit_row(row)?;
            let seq = i as i64 + 1;
            if record.prev_hash != prev || record.compute_hash() != record.hash {
                return Err(StoreError::Seal(format!(
                    "无法为既有审计记录签名：第 {} 条记录的哈希链已断开，请先运行 luoshi audit verify 核查",
                    record.id
                )));
            }
            sqlx::query("UPDATE audit_log SET seq = $1, mac = $2 WHERE id = $3")
                .bind(seq)
                .bind(seal.record_mac(seq, &record.hash))
                .bind(record.id)
                .execute(&mut *tx)
                .await?;
            prev = record.hash;
            last = (seq, record.id);
        }
        let schema = crate::table_seal::schema_version(&mut tx).await?;
        let tables = crate::table_seal::fingerprints(&mut tx).await?;
        tx.commit().await?;
        let at = now();
        seal.write_head(&seal.head(last.0, last.1, &prev, &at))
            .map_err(|e| StoreError::Seal(e.to_string()))?;
        seal.write_tables(schema, tables, &at)
            .map_err(|e| StoreError::Seal(e.to_string()))?;
        Ok(rows.len() as u64)
    }

    /// Whether the ledger disagrees with a checkpoint: a bad signature, fewer records, or a
    /// different record in the checkpoint's place.
    async fn head_problem(&self, seal: &Seal, head: &Head) -> Result<Option<AuditProblem>> {
        let shown = seal.head_path().display();
        if !seal.head_is_signed(head) {
            return Ok(Some(problem(
                None,
                format!("审计检查点 {shown} 的签名不符：检查点被改动过"),
            )));
        }
        let at = sqlx::query("SELECT id, hash FROM audit_log WHERE seq = $1")
            .bind(head.records)
            .fetch_optional(&self.pool)
            .await?;
        let count: i64 = sqlx::query("SELECT COUNT(*) AS n FROM audit_log")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        if count < head.records {
            return Ok(Some(problem(
                None,
                format!(
                    "台账中只有 {count} 条审计记录，而检查点（{}）记载已有 {} 条：审计日志被截短或整体删除，或台账被换成了旧的备份",
                    head.at, head.records
                ),
            )));
        }
        match at {
            Some(row)
                if row.try_get::<i64, _>("id")? == head.last_id
                    && row.try_get::<String, _>("hash")? == head.last_hash =>
            {
                Ok(None)
            }
            _ => Ok(Some(problem(
                Some(head.last_id),
                format!(
                    "检查点（{}）记载的第 {} 条记录（编号 {}）在台账中已不是原样：该处记录被删改或替换",
                    head.at, head.records, head.last_id
                ),
            ))),
        }
    }

    /// Accepts the ledger as it is now: writes a fresh checkpoint after recording, in the log
    /// itself, that the office did so (with the old and new heads), so the act stays visible.
    pub async fn reseal(&self, actor: &str) -> Result<Head> {
        let Some(seal) = self.seal.clone() else {
            return Err(StoreError::Seal("未配置审计密钥，无法重建检查点".into()));
        };
        let old = seal.read_head().ok().flatten();
        let mut write = self.begin_write(actor).await?;
        write.record(Change::new("reseal", "audit_log", None).before(&old));
        // The old checkpoint goes, so that the commit's head replaces it even when the ledger
        // is now shorter; the old one is kept in the record just made.
        match std::fs::remove_file(seal.head_path()) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(StoreError::Seal(format!(
                    "无法替换检查点 {}：{e}",
                    seal.head_path().display()
                )));
            }
        }
        write.commit().await?;
        seal.read_head()
            .map_err(|e| StoreError::Seal(e.to_string()))?
            .ok_or_else(|| StoreError::Seal("检查点未能写入".into()))
    }

    /// Checks everything it can; see the module's comment.
    pub async fn audit_report(&self) -> Result<AuditReport> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let add = |problems: &mut Vec<AuditProblem>, p: AuditProblem| {
            if problems.len() < MAX_PROBLEMS {
                problems.push(p);
            }
        };
        let seal = self.seal.clone();
        let mut prev = GENESIS.to_string();
        let mut after_id = 0i64;
        let mut count = 0i64;
        let mut reports: HashMap<i64, Replayed> = HashMap::new();
        // Issued document → the content hash its record carries.
        let mut issued: HashMap<i64, String> = HashMap::new();
        let mut unsigned = 0u64;
        loop {
            let rows = sqlx::query(
                "SELECT id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, seq, mac FROM audit_log WHERE id > $1 ORDER BY id LIMIT 5000",
            )
            .bind(after_id)
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                break;
            }
            for row in rows {
                let record = audit_row(&row)?;
                let seq: Option<i64> = row.try_get("seq")?;
                let mac: Option<String> = row.try_get("mac")?;
                count += 1;
                let id = Some(record.id);
                if record.prev_hash != prev {
                    add(
                        &mut problems,
                        problem(
                            id,
                            format!(
                                "第 {} 条记录的前一哈希与上一条不符：上一条记录被删除、插入或改动过",
                                record.id
                            ),
                        ),
                    );
                }
                if record.compute_hash() != record.hash {
                    add(
                        &mut problems,
                        problem(
                            id,
                            format!(
                                "第 {} 条记录（{} {}）的内容与其哈希不符：该记录被改动过",
                                record.id, record.action, record.entity
                            ),
                        ),
                    );
                }
                if seq != Some(count) {
                    add(
                        &mut problems,
                        problem(
                            id,
                            format!(
                                "第 {} 条记录的序号为 {}，应为 {count}：其前有记录被删除或插入",
                                record.id,
                                seq.map_or("空".to_string(), |s| s.to_string())
                            ),
                        ),
                    );
                }
                if let Some(seal) = &seal {
                    match &mac {
                        Some(mac) if seal.record_is_signed(count, &record.hash, mac) => {}
                        Some(_) => add(
                            &mut problems,
                            problem(
                                id,
                                format!(
                                    "第 {} 条记录的签名不符：记录或整条链被重算过（不持有密钥者所为）",
                                    record.id
                                ),
                            ),
                        ),
                        None => unsigned += 1,
                    }
                }
                if record.entity == "report"
                    && let Some(report) = record.entity_id
                {
                    let after: Value = record
                        .after
                        .as_deref()
                        .and_then(|a| serde_json::from_str(a).ok())
                        .unwrap_or(Value::Null);
                    replay(&mut reports, &record.action, report, &after);
                }
                if record.entity == "issued_document"
                    && record.action == "issue"
                    && let Some(issue) = record.entity_id
                {
                    let after: Value = record
                        .after
                        .as_deref()
                        .and_then(|a| serde_json::from_str(a).ok())
                        .unwrap_or(Value::Null);
                    issued.insert(issue, text(&after, "sha256"));
                }
                prev = record.hash;
                after_id = record.id;
            }
        }
        if unsigned > 0 {
            add(
                &mut problems,
                problem(
                    None,
                    format!(
                        "有 {unsigned} 条记录没有签名：它们是在未配置审计密钥时写入的，或是绕过本系统直接插入的"
                    ),
                ),
            );
        }
        let mut head = None;
        match &seal {
            // A backup is a past state: the live ledger's checkpoint, fingerprints and journal
            // describe a later one. Its chain and, with the key, its signatures are checked.
            _ if self.backup_copy => {}
            Some(seal) => {
                if let Some(failure) = seal.failure() {
                    add(
                        &mut problems,
                        problem(None, format!("最近一次检查点未能写入：{failure}")),
                    );
                }
                match seal.read_head() {
                    Ok(Some(h)) => {
                        if let Some(p) = self.head_problem(seal, &h).await? {
                            add(&mut problems, p);
                        }
                        head = Some(h);
                    }
                    Ok(None) if count > 0 => add(
                        &mut problems,
                        problem(
                            None,
                            format!(
                                "审计检查点 {} 不见了：无法确认末尾的记录未被删除",
                                seal.head_path().display()
                            ),
                        ),
                    ),
                    Ok(None) => {}
                    Err(e) => add(&mut problems, problem(None, e.to_string())),
                }
                match seal.read_tables() {
                    Ok(Some(sealed)) if !seal.tables_are_signed(&sealed) => add(
                        &mut problems,
                        problem(
                            None,
                            format!(
                                "数据表指纹 {} 的签名不符：指纹文件被改动过",
                                seal.tables_path().display()
                            ),
                        ),
                    ),
                    Ok(Some(sealed)) => {
                        let mut conn = self.pool.acquire().await?;
                        let now_tables = crate::table_seal::fingerprints(&mut conn).await?;
                        for (table, key, what) in
                            crate::table_seal::differences(&sealed.tables, &now_tables)
                        {
                            add(
                                &mut problems,
                                problem(
                                    None,
                                    format!(
                                        "表 {table} 中首列为 {key} 的行{what}，审计日志中没有这次变更：它是绕过本系统直接改动数据库的"
                                    ),
                                ),
                            );
                        }
                    }
                    Ok(None) if count > 0 => add(
                        &mut problems,
                        problem(
                            None,
                            format!(
                                "数据表指纹 {} 不见了：无法确认计划、任务、指标、分工等未被绕过本系统改动",
                                seal.tables_path().display()
                            ),
                        ),
                    ),
                    Ok(None) => {}
                    Err(e) => add(&mut problems, problem(None, e.to_string())),
                }
                match seal.journal_head() {
                    Ok(Some(j)) => {
                        if let Some(mut p) = self.head_problem(seal, &j).await? {
                            p.reason = format!("与外部日志对照：{}", p.reason);
                            add(&mut problems, p);
                        }
                    }
                    Ok(None) => {}
                    Err(e) => add(&mut problems, problem(None, e.to_string())),
                }
            }
            None => {
                let signed: i64 = sqlx::query("SELECT COUNT(mac) AS n FROM audit_log")
                    .fetch_one(&self.pool)
                    .await?
                    .try_get("n")?;
                if signed > 0 {
                    add(
                        &mut problems,
                        problem(
                            None,
                            format!(
                                "台账中有 {signed} 条签名记录，但找不到审计密钥：签名与检查点都无法校验（请用 --audit-key 或 LUOSHI_AUDIT_KEY 指明密钥）"
                            ),
                        ),
                    );
                } else {
                    warnings.push(
                        "未配置审计密钥：只校验了哈希链，发现不了整条链被重算、伪造记录或末尾被删除".into(),
                    );
                }
            }
        }
        let reports_checked = self.check_reports(&reports, &mut problems).await?;
        self.check_issued(&issued, &mut problems).await?;
        for assignment in crate::series::stale(&mut *self.pool.acquire().await?).await? {
            add(
                &mut problems,
                problem(
                    None,
                    format!(
                        "分工 {assignment} 的月度汇总（report_series）与其报告不符：汇总被直接改动过"
                    ),
                ),
            );
        }
        problems.truncate(MAX_PROBLEMS);
        Ok(AuditReport {
            intact: problems.is_empty(),
            records: count as u64,
            sealed: seal.is_some(),
            head,
            reports_checked,
            problems,
            warnings,
        })
    }

    /// Hashes every issued document's files again and compares them with the hash its audit
    /// record carries: an issued copy changed, added or swapped in the database is named.
    async fn check_issued(
        &self,
        logged: &HashMap<i64, String>,
        problems: &mut Vec<AuditProblem>,
    ) -> Result<()> {
        let mut after_id = 0i64;
        loop {
            // A few at a time: each row holds whole files.
            let rows = sqlx::query("SELECT id, number, period_key, docx, xlsx, html FROM issued_documents WHERE id > $1 ORDER BY id LIMIT 20")
                .bind(after_id)
                .fetch_all(&self.pool)
                .await?;
            if rows.is_empty() {
                return Ok(());
            }
            for row in rows {
                let id: i64 = row.try_get("id")?;
                after_id = id;
                let docx: Vec<u8> = row.try_get("docx")?;
                let xlsx: Vec<u8> = row.try_get("xlsx")?;
                let html: String = row.try_get("html")?;
                let hash = crate::issued::content_hash(&docx, &xlsx, &html);
                let what = format!(
                    "印发文件 {id}（{} 第 {} 期）",
                    row.try_get::<String, _>("period_key")?,
                    row.try_get::<i64, _>("number")?
                );
                let reason = match logged.get(&id) {
                    None => Some(format!(
                        "{what}在审计日志中没有印发记录：它是绕过系统写入的"
                    )),
                    Some(h) if *h != hash => Some(format!(
                        "{what}的内容与印发时记录的哈希不符：已印发的文件被改动过"
                    )),
                    Some(_) => None,
                };
                if let Some(reason) = reason
                    && problems.len() < MAX_PROBLEMS
                {
                    problems.push(problem(None, reason));
                }
            }
        }
    }

    /// Compares every report and its values with the state replayed from the log.
    async fn check_reports(
        &self,
        replayed: &HashMap<i64, Replayed>,
        problems: &mut Vec<AuditProblem>,
    ) -> Result<u64> {
        let rows = sqlx::query(
            "SELECT id, assignment_id, status, progress, problems, next_steps, coordination, version FROM reports",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut values: HashMap<i64, Vec<(i64, f64, Option<String>)>> = HashMap::new();
        for row in sqlx::query(
            "SELECT report_id, target_id, value, note FROM report_values ORDER BY report_id, target_id",
        )
        .fetch_all(&self.pool)
        .await?
        {
            values.entry(row.try_get("report_id")?).or_default().push((
                row.try_get("target_id")?,
                row.try_get("value")?,
                row.try_get("note")?,
            ));
        }
        let mut seen = std::collections::HashSet::new();
        let mut add = |p: AuditProblem| {
            if problems.len() < MAX_PROBLEMS {
                problems.push(p);
            }
        };
        for row in &rows {
            let id: i64 = row.try_get("id")?;
            seen.insert(id);
            let Some(expected) = replayed.get(&id) else {
                add(problem(
                    None,
                    format!("报告 {id} 在审计日志中没有任何记录：它是绕过本系统直接写入数据库的"),
                ));
                continue;
            };
            let stored = Replayed {
                assignment: row.try_get("assignment_id")?,
                status: row.try_get("status")?,
                version: row.try_get("version")?,
                texts: [
                    row.try_get("progress")?,
                    row.try_get("problems")?,
                    row.try_get("next_steps")?,
                    row.try_get("coordination")?,
                ],
                values: values.remove(&id).unwrap_or_default(),
            };
            let mut changed = Vec::new();
            if stored.status != expected.status {
                changed.push(format!(
                    "状态（日志为 {}，现为 {}）",
                    expected.status, stored.status
                ));
            }
            if stored.version != expected.version {
                changed.push(format!(
                    "版本（日志为 {}，现为 {}）",
                    expected.version, stored.version
                ));
            }
            for (i, name) in ["工作进展", "存在问题", "下步计划", "需协调事项"]
                .iter()
                .enumerate()
            {
                if stored.texts[i] != expected.texts[i] {
                    changed.push((*name).to_string());
                }
            }
            if stored.values != expected.values {
                changed.push("填报数值".into());
            }
            if !changed.is_empty() {
                add(problem(
                    None,
                    format!(
                        "报告 {id}（分工 {}）与审计日志不符：{} 被绕过本系统改动",
                        stored.assignment,
                        changed.join("、")
                    ),
                ));
            }
        }
        for report in values.keys() {
            add(problem(
                None,
                format!("报告 {report} 已不存在，却仍有它的填报数值：数值被直接写入数据库"),
            ));
        }
        let assignments: std::collections::HashSet<i64> = sqlx::query("SELECT id FROM assignments")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>("id"))
            .collect::<std::result::Result<_, _>>()?;
        for (id, r) in replayed {
            if !seen.contains(id) && assignments.contains(&r.assignment) {
                add(problem(
                    None,
                    format!(
                        "报告 {id}（分工 {}）在审计日志中有记录，但已从数据库中删除",
                        r.assignment
                    ),
                ));
            }
        }
        Ok(rows.len() as u64)
    }

    /// The chain's verdict in short: the number of records when everything checks, else the
    /// first problem.
    pub async fn verify_audit(&self) -> Result<std::result::Result<u64, AuditProblem>> {
        let report = self.audit_report().await?;
        Ok(match report.problems.into_iter().next() {
            None => Ok(report.records),
            Some(p) => Err(p),
        })
    }
}
