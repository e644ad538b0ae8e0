//! Tampering with copies of a sealed ledger, the ways the attack tried and more: each is found
//! by verification and names what was done. Someone with the database but not the key can edit,
//! delete, append, recompute the chain, cut its end, empty the log, edit reports, values and
//! the monthly series, or touch the checkpoint; none of it goes unnoticed.

mod common;

use std::path::PathBuf;

use luoshi_reporting::Day;
use luoshi_reporting::report::ReportAction;
use luoshi_store::seal::Seal;
use luoshi_store::{ReportInput, SealStart, Store, StoreError, ValueInput};
use sha2::{Digest, Sha256};
use sqlx::{Connection, Row};

const KEY: [u8; 32] = [42; 32];

struct Ledger {
    dir: tempfile::TempDir,
}

impl Ledger {
    fn db(&self) -> PathBuf {
        self.dir.path().join("ledger.db")
    }
    fn url(&self) -> String {
        format!("sqlite://{}", self.db().display())
    }
    fn seal(&self) -> Seal {
        Seal::new(KEY, self.dir.path().join("audit.key.head"), None)
    }
    async fn open(&self) -> Result<Store, StoreError> {
        let mut store = Store::open(&self.url()).await?;
        store.attach_seal(self.seal()).await?;
        Ok(store)
    }
    async fn inspect(&self) -> Store {
        let mut store = Store::open(&self.url()).await.expect("open");
        store.inspect_with_seal(self.seal());
        store
    }
    async fn raw(&self) -> sqlx::AnyConnection {
        sqlx::any::install_default_drivers();
        sqlx::AnyConnection::connect(&self.url())
            .await
            .expect("raw connection")
    }
    async fn exec(&self, sql: &str) {
        let mut conn = self.raw().await;
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(&mut conn)
            .await
            .expect(sql);
        conn.close().await.expect("close");
    }
    /// What verification finds, as one text.
    async fn findings(&self) -> String {
        let store = self.inspect().await;
        let report = store.audit_report().await.expect("verify");
        store.close().await;
        report
            .problems
            .iter()
            .map(|p| p.reason.clone())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// An account for a district's reporter (its password is never used here).
fn district_reporter(name: &str, district: &str) -> luoshi_store::NewUser {
    luoshi_store::NewUser {
        username: name.into(),
        display_name: None,
        role: luoshi_reporting::Role::DistrictReporter,
        unit: None,
        district: Some(district.into()),
        email: None,
        password_hash: "$argon2id$unused".into(),
        must_change_password: false,
    }
}

/// A sealed ledger with the Wuhan plan published and a report saved, submitted and accepted.
async fn base() -> Ledger {
    let ledger = Ledger {
        dir: tempfile::tempdir().expect("dir"),
    };
    let store = ledger.open().await.expect("open");
    let plan = common::published(&store).await;
    store
        .create_user(district_reporter("jiangan", "江岸区"), "协调办公室")
        .await
        .expect("user");
    let june = store.period_by_key(plan, "2021-06").await.expect("june");
    let mut with_targets = None;
    for a in store
        .assignments(plan, None, None)
        .await
        .expect("assignments")
    {
        let form = store.report(june.id, a.id).await.expect("form");
        if !form.targets.is_empty() {
            with_targets = Some((a, form.targets));
            break;
        }
    }
    let (assignment, targets) = with_targets.expect("an assignment with targets");
    let values = targets
        .iter()
        .map(|t| ValueInput {
            target_id: t.target_id,
            value: 12.5,
            note: Some(" 按月统计 ".into()),
            confirmed: false,
        })
        .collect();
    let day = Day::parse("2021-06-20").expect("day");
    let input = ReportInput {
        progress: "已完成年度任务的一半".into(),
        values,
        ..Default::default()
    };
    let saved = store
        .save_report(
            june.id,
            assignment.id,
            &input,
            ReportAction::Save,
            day,
            "江岸区",
        )
        .await
        .expect("draft");
    let submitted = store
        .save_report(
            june.id,
            assignment.id,
            &ReportInput {
                version: saved.version,
                ..input
            },
            ReportAction::Submit,
            day,
            "江岸区",
        )
        .await
        .expect("submit");
    store
        .review_report(
            june.id,
            assignment.id,
            submitted.version,
            true,
            "",
            "市科技局",
        )
        .await
        .expect("accept");
    assert!(
        store.audit_report().await.expect("verify").intact,
        "the base ledger is intact"
    );
    store.close().await;
    ledger
}

/// A copy of `ledger` to damage.
fn copy(ledger: &Ledger) -> Ledger {
    let to = tempfile::tempdir().expect("dir");
    for entry in std::fs::read_dir(ledger.dir.path()).expect("list") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.path().join(entry.file_name())).expect("copy");
    }
    Ledger { dir: to }
}

/// The audit record hash, as the store computes it (SHA-256 over length-prefixed fields).
fn record_hash(fields: [&str; 8]) -> String {
    let mut h = Sha256::new();
    for f in fields {
        h.update((f.len() as u64).to_be_bytes());
        h.update(f.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Recomputes every hash from `from_id` on, so the chain links again (what someone without
/// the key can do).
async fn rechain(ledger: &Ledger, from_id: i64) {
    let mut conn = ledger.raw().await;
    let rows = sqlx::query("SELECT id, at, actor, action, entity, entity_id, before_json, after_json, prev_hash FROM audit_log ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .expect("rows");
    let mut prev: Option<String> = None;
    for row in rows {
        let id: i64 = row.get("id");
        let stored_prev: String = row.get("prev_hash");
        let prev_hash = match (&prev, id >= from_id) {
            (Some(p), true) => p.clone(),
            _ => stored_prev,
        };
        let entity_id: Option<i64> = row.get("entity_id");
        let entity_id = entity_id.map(|i| i.to_string()).unwrap_or_default();
        let before: Option<String> = row.get("before_json");
        let after: Option<String> = row.get("after_json");
        let at: String = row.get("at");
        let actor: String = row.get("actor");
        let action: String = row.get("action");
        let entity: String = row.get("entity");
        let hash = record_hash([
            &prev_hash,
            &at,
            &actor,
            &action,
            &entity,
            &entity_id,
            before.as_deref().unwrap_or("\u{0}"),
            after.as_deref().unwrap_or("\u{0}"),
        ]);
        if id >= from_id {
            sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
                .bind(&prev_hash)
                .bind(&hash)
                .bind(id)
                .execute(&mut conn)
                .await
                .expect("rechain");
        }
        prev = Some(hash);
    }
    conn.close().await.expect("close");
}

fn assert_found(findings: &str, expected: &str, case: &str) {
    assert!(
        findings.contains(expected),
        "{case}: expected 「{expected}」 in:\n{findings}"
    );
}

async fn last_id(ledger: &Ledger) -> i64 {
    let mut conn = ledger.raw().await;
    let id: i64 = sqlx::query("SELECT MAX(id) AS id FROM audit_log")
        .fetch_one(&mut conn)
        .await
        .expect("max")
        .get("id");
    conn.close().await.expect("close");
    id
}

#[tokio::test]
async fn every_kind_of_tampering_is_found_and_named() {
    let base = base().await;
    let last = last_id(&base).await;
    type Case = (&'static str, String, &'static str);
    let cases: Vec<Case> = vec![
        (
            "editing a record",
            "UPDATE audit_log SET actor = '某人' WHERE id = 1".into(),
            "内容与其哈希不符",
        ),
        (
            "deleting a record in the middle",
            "DELETE FROM audit_log WHERE id = 2".into(),
            "前一哈希与上一条不符",
        ),
        (
            "deleting the last records",
            format!("DELETE FROM audit_log WHERE id > {}", last - 2),
            "被截短",
        ),
        (
            "emptying the log",
            "DELETE FROM audit_log".into(),
            "只有 0 条审计记录",
        ),
        (
            "editing a report's text",
            "UPDATE reports SET progress = '已全部完成'".into(),
            "工作进展",
        ),
        (
            "editing a reported value",
            "UPDATE report_values SET value = 999".into(),
            "填报数值",
        ),
        (
            "editing a report's status",
            "UPDATE reports SET status = 'submitted'".into(),
            "状态",
        ),
        (
            "deleting a report",
            "DELETE FROM reports".into(),
            "已从数据库中删除",
        ),
        (
            "inserting a report",
            "INSERT INTO reports (period_id, assignment_id, status, progress, problems, next_steps, coordination, version, created_at, updated_at, updated_by) SELECT period_id, assignment_id + 1, 'accepted', '伪造', '', '', '', 1, created_at, updated_at, updated_by FROM reports".into(),
            "没有任何记录",
        ),
        (
            "editing the monthly series",
            "UPDATE report_series SET packed = '06|accepted|0|1=1000' WHERE packed <> ''".into(),
            "月度汇总",
        ),
        (
            "an unsigned record",
            "UPDATE audit_log SET mac = NULL WHERE id = 3".into(),
            "没有签名",
        ),
        (
            "editing a target's value",
            "UPDATE targets SET value = value * 2 WHERE id = (SELECT MIN(id) FROM targets)".into(),
            "表 targets 中首列为",
        ),
        (
            "giving a user the office's role",
            "UPDATE users SET role = 'office'".into(),
            "表 users",
        ),
        (
            "deleting an assignment",
            "DELETE FROM assignments WHERE id = (SELECT MAX(id) FROM assignments WHERE id NOT IN (SELECT assignment_id FROM reports))".into(),
            "表 assignments 中首列为",
        ),
        (
            "moving a district's share",
            "UPDATE target_shares SET value = 0".into(),
            "表 target_shares",
        ),
        (
            "renumbering a record",
            "UPDATE audit_log SET seq = seq + 100 WHERE id = 3".into(),
            "序号",
        ),
    ];
    for (case, sql, expected) in cases {
        let ledger = copy(&base);
        ledger.exec(&sql).await;
        assert_found(&ledger.findings().await, expected, case);
    }

    // Editing the last record and recomputing its hash; recomputing the whole chain after an
    // edit: the chain links, the signatures do not.
    for (case, id) in [
        ("rehashing the last record", last),
        ("rechaining after an edit", 1),
    ] {
        let ledger = copy(&base);
        ledger
            .exec(&format!(
                "UPDATE audit_log SET actor = '某人' WHERE id = {id}"
            ))
            .await;
        rechain(&ledger, id).await;
        assert_found(&ledger.findings().await, "签名不符", case);
    }

    // Appending a well-formed record: linked, numbered, signed with a made-up key.
    let ledger = copy(&base);
    {
        let mut conn = ledger.raw().await;
        let row = sqlx::query("SELECT hash, seq FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_one(&mut conn)
            .await
            .expect("last");
        let prev: String = row.get("hash");
        let seq: i64 = row.get("seq");
        let at = "2021-06-30T00:00:00.000Z";
        let after = r#"{"status":"accepted"}"#;
        let hash = record_hash([&prev, at, "某人", "accept", "report", "1", "\u{0}", after]);
        let forged_mac = Seal::new([0; 32], PathBuf::from("x"), None).record_mac(seq + 1, &hash);
        sqlx::query("INSERT INTO audit_log (at, actor, action, entity, entity_id, before_json, after_json, prev_hash, hash, seq, mac) VALUES ($1, '某人', 'accept', 'report', 1, NULL, $2, $3, $4, $5, $6)")
            .bind(at)
            .bind(after)
            .bind(&prev)
            .bind(&hash)
            .bind(seq + 1)
            .bind(forged_mac)
            .execute(&mut conn)
            .await
            .expect("forge");
        conn.close().await.expect("close");
    }
    assert_found(
        &ledger.findings().await,
        "签名不符",
        "appending a forged record",
    );

    // The checkpoint edited, or gone.
    let ledger = copy(&base);
    let head_path = ledger.dir.path().join("audit.key.head");
    let head = std::fs::read_to_string(&head_path).expect("head");
    std::fs::write(&head_path, head.replace("\"records\":", "\"records\":1")).expect("edit");
    assert_found(&ledger.findings().await, "检查点", "editing the checkpoint");
    std::fs::remove_file(&head_path).expect("remove");
    assert_found(
        &ledger.findings().await,
        "不见了",
        "removing the checkpoint",
    );
}

#[tokio::test]
async fn a_cut_ledger_is_refused_at_opening_until_the_office_reseals_it() {
    let base = base().await;
    let ledger = copy(&base);
    let last = last_id(&ledger).await;
    ledger
        .exec(&format!("DELETE FROM audit_log WHERE id > {}", last - 1))
        .await;
    let refused = ledger.open().await.expect_err("refused");
    assert!(
        matches!(&refused, StoreError::Seal(m) if m.contains("被截短") && m.contains("luoshi audit reseal")),
        "{refused}"
    );
    // After looking into it, the office accepts the ledger as it is; the act is in the log.
    let store = ledger.inspect().await;
    let head = store.reseal("协调办公室").await.expect("reseal");
    store.close().await;
    assert_eq!(head.last_id, last);
    let store = ledger.open().await.expect("opens again");
    let log = store.audit_log(1).await.expect("log");
    assert_eq!(log[0].action, "reseal");
    store.close().await;
}

#[tokio::test]
async fn a_ledger_from_before_the_seal_is_signed_once_on_its_first_sealed_start() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let store = Store::open(&url).await.expect("open");
    common::published(&store).await;
    store.close().await;
    let seal = || Seal::new(KEY, dir.path().join("k.head"), None);
    let mut store = Store::open(&url).await.expect("open");
    let start = store.attach_seal(seal()).await.expect("sealed");
    assert!(matches!(start, SealStart::Adopted(n) if n > 0), "{start:?}");
    let report = store.audit_report().await.expect("verify");
    assert!(report.intact && report.sealed, "{report:?}");
    store.close().await;
    let mut store = Store::open(&url).await.expect("open");
    assert_eq!(
        store.attach_seal(seal()).await.expect("sealed"),
        SealStart::Continued
    );
    store.close().await;
}

#[tokio::test]
async fn without_the_key_verification_says_what_it_could_not_check() {
    let base = base().await;
    let mut store = Store::open(&base.url()).await.expect("open");
    let report = store.audit_report().await.expect("verify");
    assert!(!report.intact, "signed records but no key is not 完好");
    assert!(report.problems[0].reason.contains("找不到审计密钥"));
    store.inspect_with_seal(base.seal());
    assert!(store.audit_report().await.expect("verify").intact);
}

#[tokio::test]
async fn a_later_write_elsewhere_does_not_absorb_an_edit_behind_the_logs_back() {
    let base = base().await;
    let ledger = copy(&base);
    ledger
        .exec("UPDATE targets SET value = value * 3 WHERE id = (SELECT MIN(id) FROM targets)")
        .await;
    // Work goes on: a new account is made (tables of no plan are fingerprinted again).
    let store = ledger.open().await.expect("opens");
    store
        .create_user(district_reporter("hanyang", "汉阳区"), "协调办公室")
        .await
        .expect("user");
    store.close().await;
    assert_found(
        &ledger.findings().await,
        "表 targets 中首列为",
        "an edit before a later write",
    );
}
