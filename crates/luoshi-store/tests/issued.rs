//! Issued documents on every backend: numbered per plan and kind, corrections need a reason and
//! name what they correct, a race for the same number is refused, the files come back byte for
//! byte, and a stored file changed behind the log's back is found by `verify`.

mod common;

use common::*;
use luoshi_reporting::Day;
use luoshi_store::{IssueFiles, IssuedFile, StoreError};

fn files(text: &str) -> IssueFiles {
    IssueFiles {
        title: format!("调度通报{text}"),
        docx: format!("docx {text}").into_bytes(),
        xlsx: vec![0, 159, 146, 150],
        html: format!("<p>{text}</p>"),
        figures: vec!["总体情况".into(), format!("表｜{text}")],
    }
}

#[tokio::test]
async fn issues_are_numbered_corrected_with_a_reason_and_sealed() {
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        let day = Day::parse("2021-07-02").expect("day");
        let next = store
            .next_issue(plan, "month", "2021-05")
            .await
            .expect("next");
        assert_eq!((next.number, next.corrects), (1, None));
        let may = store
            .issue_document(
                plan,
                "month",
                "2021-05",
                next,
                None,
                day,
                &files("五月"),
                "办公室",
            )
            .await
            .expect("issue");
        assert_eq!(may.number, 1);
        // The number counts per kind: June is 第 2 期, a quarter starts its own count.
        let next = store
            .next_issue(plan, "month", "2021-06")
            .await
            .expect("next");
        assert_eq!(next.number, 2);
        let quarter = store
            .next_issue(plan, "quarter", "2021-Q2")
            .await
            .expect("next");
        assert_eq!(quarter.number, 1);
        // Someone issued meanwhile: the stale number is refused.
        let stale = store
            .next_issue(plan, "month", "2021-05")
            .await
            .expect("next");
        store
            .issue_document(
                plan,
                "month",
                "2021-06",
                next,
                None,
                day,
                &files("六月"),
                "办公室",
            )
            .await
            .expect("june");
        let refused = store
            .issue_document(
                plan,
                "month",
                "2021-05",
                stale,
                Some("更正"),
                day,
                &files("五月"),
                "办公室",
            )
            .await;
        assert!(
            matches!(refused, Err(StoreError::Conflict(_))),
            "{refused:?}"
        );
        // A correction needs a reason and names the issue it corrects.
        let next = store
            .next_issue(plan, "month", "2021-05")
            .await
            .expect("next");
        assert_eq!((next.number, next.corrects), (3, Some((may.id, 1))));
        let refused = store
            .issue_document(
                plan,
                "month",
                "2021-05",
                next,
                Some("  "),
                day,
                &files("五月"),
                "办公室",
            )
            .await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "reason"),
            "{refused:?}"
        );
        let corrected = store
            .issue_document(
                plan,
                "month",
                "2021-05",
                next,
                Some("补报后更正"),
                day,
                &files("五月更正"),
                "办公室",
            )
            .await
            .expect("correction");
        assert_eq!(corrected.corrects, Some(may.id));
        let listed = store.issues_of(plan, "2021-05").await.expect("list");
        assert_eq!(listed.iter().map(|i| i.number).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(
            store
                .issued_file(may.id, IssuedFile::Xlsx)
                .await
                .expect("xlsx"),
            vec![0, 159, 146, 150],
            "{}",
            t.url
        );
        assert_eq!(
            store
                .issued_file(corrected.id, IssuedFile::Html)
                .await
                .expect("html"),
            "<p>五月更正</p>".as_bytes()
        );
        assert_eq!(
            store.issued_figures(may.id).await.expect("figures"),
            files("五月").figures
        );
        assert!(matches!(
            store.next_issue(plan, "week", "2021-05").await,
            Err(StoreError::Invalid { .. })
        ));
        assert!(store.verify_audit().await.expect("verify").is_ok());

        // A stored copy changed in the database is named.
        use sqlx::Connection;
        sqlx::any::install_default_drivers();
        let mut raw = sqlx::AnyConnection::connect(&t.url).await.expect("raw");
        sqlx::query("UPDATE issued_documents SET html = '<p>改过</p>' WHERE id = $1")
            .bind(may.id)
            .execute(&mut raw)
            .await
            .expect("tamper");
        let report = store.audit_report().await.expect("report");
        assert!(
            report
                .problems
                .iter()
                .any(|p| p.reason.contains("已印发的文件被改动过")),
            "{report:?}"
        );
    }
}
