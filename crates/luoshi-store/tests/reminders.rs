//! Reminders and the outbox on every backend: a reminder is recorded once per rule and unit
//! with its notice and one outbox entry per channel (SMS: per mobile); entries fall due, are
//! sent, retried or given up, and a given-up one is sent again; channels are checked.

mod common;

use common::*;
use luoshi_reporting::Day;
use luoshi_store::{ChannelKind, NewChannel, NewReminder, ReminderKind, StoreError};

#[tokio::test]
async fn a_reminder_is_recorded_once_and_its_messages_move_through_the_outbox() {
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        let unit = store.units(None).await.expect("units")[0].clone();
        let channel = |kind, url: &str, unit: Option<&str>| NewChannel {
            kind,
            name: "群".into(),
            url: url.into(),
            secret: String::new(),
            body_template: String::new(),
            unit: unit.map(str::to_string),
        };
        assert!(matches!(
            store.add_channel(plan, &channel(ChannelKind::Sms, "https://sms/x?to={phone}", None), "office").await,
            Err(StoreError::Invalid { field, .. }) if field == "url"
        ));
        store
            .add_channel(
                plan,
                &channel(ChannelKind::Webhook, "https://hook.example/x", None),
                "office",
            )
            .await
            .expect("webhook");
        let other = store.units(None).await.expect("units")[1].name.clone();
        store
            .add_channel(
                plan,
                &channel(ChannelKind::Wecom, "https://qy.example/x", Some(&other)),
                "office",
            )
            .await
            .expect("another unit's robot");
        let reminder = NewReminder {
            plan_id: plan,
            rule: "report:2021-06:before3".into(),
            unit_id: unit.id,
            kind: ReminderKind::Report,
            subject_id: 1,
            text: "【自动提醒】请报送".into(),
            message: serde_json::json!({ "text": "请报送" }),
        };
        let today = Day::parse("2021-06-22").expect("day");
        let first = store
            .record_reminder(&reminder, false, today, "luoshi")
            .await
            .expect("recorded");
        assert!(first.is_some());
        assert_eq!(
            store
                .record_reminder(&reminder, false, today, "luoshi")
                .await
                .expect("again"),
            None,
            "once per rule and unit"
        );
        assert_eq!(store.reminders(plan, 10).await.expect("list").len(), 1);
        assert!(
            store
                .notices(unit.id)
                .await
                .expect("notices")
                .iter()
                .any(|n| n.text == "【自动提醒】请报送")
        );

        // Only the plan-wide webhook carries this unit's message.
        let far = "2999-01-01T00:00:00.000Z";
        let due = store.due_deliveries(far, 100).await.expect("due");
        assert_eq!(due.len(), 1);
        assert_eq!(
            due[0].channel.as_ref().map(|c| c.kind),
            Some(ChannelKind::Webhook)
        );
        assert!(
            store
                .due_deliveries("2000-01-01T00:00:00.000Z", 100)
                .await
                .expect("due")
                .is_empty()
        );
        store
            .delivery_failed(due[0].id, "HTTP 500", Some("2998-01-01T00:00:00.000Z"))
            .await
            .expect("failed once");
        let later = store.due_deliveries(far, 100).await.expect("due");
        assert_eq!(
            (later[0].attempts, later[0].last_error.as_deref()),
            (1, Some("HTTP 500"))
        );
        store
            .delivery_failed(due[0].id, "HTTP 500", None)
            .await
            .expect("given up");
        let failed = store
            .plan_deliveries(plan, "failed", 10)
            .await
            .expect("failed");
        assert_eq!(failed.len(), 1);
        store
            .retry_delivery(plan, due[0].id, "office")
            .await
            .expect("again");
        assert!(matches!(
            store.retry_delivery(plan, due[0].id, "office").await,
            Err(StoreError::NotFound { .. })
        ));
        store.delivery_sent(due[0].id).await.expect("sent");
        assert_eq!(
            store
                .plan_deliveries(plan, "sent", 10)
                .await
                .expect("sent")
                .len(),
            1
        );
        assert!(store.verify_audit().await.expect("verify").is_ok());
    }
}
