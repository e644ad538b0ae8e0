//! 签收 / 异议 on every backend: a published plan's assignments wait for their units; a unit
//! acknowledges its own (several at once, all or none), objects with a reason, cannot touch
//! another unit's; the office keeps or amends after an objection; every step is audited.

mod common;

use common::*;
use luoshi_store::{ObjectionAnswer, ReceiptState, StoreError};

#[tokio::test]
async fn assignments_are_acknowledged_or_objected_to_and_answered() {
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        let all = store.plan_receipts(plan).await.expect("receipts");
        assert!(!all.is_empty());
        assert!(
            all.iter().all(|r| r.state == ReceiptState::Pending),
            "a new plan's assignments all wait for their units"
        );
        let unit = all
            .iter()
            .find(|r| r.unit == "市科技局")
            .expect("市科技局 has tasks")
            .unit_id;
        let own = store.unit_receipts(unit).await.expect("own");
        assert!(own.len() >= 3, "{own:?}");
        assert!(own.iter().all(|r| r.unit_id == unit));
        let other = all
            .iter()
            .find(|r| r.unit_id != unit)
            .expect("another unit");

        // Another unit's assignment is not found, and nothing is acknowledged with it.
        let refused = store
            .acknowledge(unit, &[own[0].assignment_id, other.assignment_id], "kjj")
            .await;
        assert!(
            matches!(refused, Err(StoreError::NotFound { .. })),
            "{refused:?}"
        );
        assert_eq!(
            store.receipt(own[0].assignment_id).await.expect("r").state,
            ReceiptState::Pending,
            "all or none"
        );

        let done = store
            .acknowledge(unit, &[own[0].assignment_id, own[1].assignment_id], "kjj")
            .await
            .expect("acknowledged");
        assert_eq!(done, 2);
        let first = store.receipt(own[0].assignment_id).await.expect("r");
        assert_eq!(first.state, ReceiptState::Acknowledged);
        assert_eq!(first.by.as_deref(), Some("kjj"));
        assert!(first.at.is_some());
        let again = store
            .acknowledge(unit, &[own[0].assignment_id], "kjj")
            .await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

        // An objection needs a reason, then waits for the office.
        let third = own[2].assignment_id;
        let empty = store.object(unit, third, "  ", "kjj").await;
        assert!(
            matches!(&empty, Err(StoreError::Invalid { field, .. }) if field == "reason"),
            "{empty:?}"
        );
        let long = store.object(unit, third, &"长".repeat(501), "kjj").await;
        assert!(matches!(long, Err(StoreError::Invalid { .. })), "{long:?}");
        let objected = store
            .object(unit, third, "本单位不承担此项职能", "kjj")
            .await
            .expect("objected");
        assert_eq!(objected.state, ReceiptState::Objected);
        assert_eq!(objected.reason, "本单位不承担此项职能");
        let blocked = store.acknowledge(unit, &[third], "kjj").await;
        assert!(
            matches!(blocked, Err(StoreError::Conflict(_))),
            "{blocked:?}"
        );
        assert!(matches!(
            store.object(other.unit_id, third, "不是我们的", "x").await,
            Err(StoreError::NotFound { .. })
        ));

        // The office keeps the assignment: the unit reads why and acknowledges it.
        let no_reply = store
            .answer_objection(third, ObjectionAnswer::Keep, "", "office")
            .await;
        assert!(matches!(no_reply, Err(StoreError::Invalid { .. })));
        let kept = store
            .answer_objection(
                third,
                ObjectionAnswer::Keep,
                "方案明确由市科技局承担",
                "office",
            )
            .await
            .expect("kept");
        assert_eq!(kept.state, ReceiptState::Kept);
        assert!(kept.state.awaits_unit());
        assert_eq!(kept.reply, "方案明确由市科技局承担");
        let twice = store
            .answer_objection(third, ObjectionAnswer::Amended, "改", "office")
            .await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
        store
            .acknowledge(unit, &[third], "kjj")
            .await
            .expect("acknowledged after all");
        let after = store.receipt(third).await.expect("r");
        assert_eq!(after.state, ReceiptState::Acknowledged);
        assert_eq!(after.reply, "方案明确由市科技局承担", "the answer stays");

        // Amended: the objection is closed.
        let fourth = own
            .get(3)
            .map(|r| r.assignment_id)
            .unwrap_or(other.assignment_id);
        let holder = store.receipt(fourth).await.expect("r").unit_id;
        store
            .object(holder, fourth, "应由区里承担", "u")
            .await
            .expect("objected");
        let amended = store
            .answer_objection(fourth, ObjectionAnswer::Amended, "已调整为区承担", "office")
            .await
            .expect("amended");
        assert_eq!(amended.state, ReceiptState::Amended);
        assert!(!amended.state.awaits_unit());

        let log = store.audit_log(50).await.expect("log");
        for action in [
            "acknowledge_assignment",
            "object_to_assignment",
            "answer_objection",
        ] {
            assert!(log.iter().any(|r| r.action == action), "{action} audited");
        }
        assert!(store.verify_audit().await.expect("verify").is_ok());
    }
}
