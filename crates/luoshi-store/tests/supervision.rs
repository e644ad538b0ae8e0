//! 督办单 on every backend: issued and numbered per plan and year, only to a unit that answers for
//! the task; signed for, answered and closed or sent back in that order, each by whom it belongs
//! to; an overdue order flagged and escalated into a new one at the next level; dismissed
//! suggestions remembered; every step audited.

mod common;

use common::*;
use luoshi_reporting::Day;
use luoshi_reporting::followup::{Level, OrderState};
use luoshi_store::{Evidence, NewOrder, StoreError, SubjectKind};

fn day(text: &str) -> Day {
    Day::parse(text).expect("a day")
}

#[tokio::test]
async fn an_order_is_issued_signed_answered_sent_back_and_closed() {
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        let mut detail = None;
        for id in 1..200 {
            if let Ok(d) = store.task(id).await
                && d.row.plan_id == plan
                && !d.targets.is_empty()
                && d.row.lead.len() == 1
            {
                detail = Some(d);
                break;
            }
        }
        let detail = detail.expect("a task with targets and one lead");
        let target = detail.targets[0].id;
        let lead = detail.row.lead[0].clone();
        let lead_id = store
            .units(None)
            .await
            .expect("units")
            .into_iter()
            .find(|u| u.name == lead)
            .expect("the lead")
            .id;
        let june = day("2021-07-02");
        let order = |unit: &str, due: &str| NewOrder {
            level: Level::Yellow,
            subject_kind: SubjectKind::Target,
            subject_id: target,
            unit: unit.into(),
            period_key: "2021-06".into(),
            reason: "连续 2 个月滞后".into(),
            requirement: "7 月 10 日前报送整改措施".into(),
            due_on: due.into(),
        };

        // Refused: a unit without the task, a deadline in the past, no requirement.
        let stranger = store
            .issue_order(plan, &order("市民政局", "2021-07-10"), june, "office")
            .await;
        assert!(
            matches!(&stranger, Err(StoreError::Invalid { field, .. }) if field == "unit"),
            "{stranger:?}"
        );
        let past = store
            .issue_order(plan, &order(&lead, "2021-07-01"), june, "office")
            .await;
        assert!(
            matches!(&past, Err(StoreError::Invalid { field, .. }) if field == "due_on"),
            "{past:?}"
        );
        let mut empty = order(&lead, "2021-07-10");
        empty.requirement = " ".into();
        assert!(matches!(
            store.issue_order(plan, &empty, june, "office").await,
            Err(StoreError::Invalid { .. })
        ));

        let first = store
            .issue_order(plan, &order(&lead, "2021-07-10"), june, "office")
            .await
            .expect("issued");
        assert_eq!(first.number_label(), "督办〔2021〕第 1 号");
        assert_eq!(first.state, OrderState::Issued);
        assert_eq!(first.unit, lead);
        assert_eq!(first.item, detail.targets[0].text);
        let second = store
            .issue_order(plan, &order(&lead, "2021-07-10"), june, "office")
            .await
            .expect("issued");
        assert_eq!(second.number, 2, "numbered in turn");

        // Only the unit signs, once; it answers only after signing.
        assert!(matches!(
            store.sign_order(lead_id + 100_000, first.id, "x").await,
            Err(StoreError::NotFound { .. })
        ));
        let early = store
            .answer_order(lead_id, first.id, "已整改", None, june, "u")
            .await;
        assert!(matches!(early, Err(StoreError::Conflict(_))), "{early:?}");
        let signed = store
            .sign_order(lead_id, first.id, "u")
            .await
            .expect("signed");
        assert_eq!(signed.state, OrderState::Signed);
        assert!(matches!(
            store.sign_order(lead_id, first.id, "u").await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store
                .answer_order(lead_id, first.id, "", None, june, "u")
                .await,
            Err(StoreError::Invalid { .. })
        ));
        let evidence = Evidence {
            filename: "整改台账.pdf".into(),
            content_type: "application/pdf".into(),
            data: b"%PDF-1.4 evidence".to_vec(),
        };
        let answered = store
            .answer_order(
                lead_id,
                first.id,
                "已召开专题会，制定追赶计划",
                Some(&evidence),
                june,
                "u",
            )
            .await
            .expect("answered");
        assert_eq!(answered.state, OrderState::Answered);
        assert_eq!(answered.evidence_name.as_deref(), Some("整改台账.pdf"));
        let (name, _, bytes) = store.supervision_evidence(first.id).await.expect("file");
        assert_eq!(
            (name.as_str(), bytes),
            ("整改台账.pdf", evidence.data.clone())
        );

        // Sent back needs a comment; answered again; closed.
        assert!(matches!(
            store.review_order(first.id, false, "", "office").await,
            Err(StoreError::Invalid { .. })
        ));
        let returned = store
            .review_order(first.id, false, "请补充时间表", "office")
            .await
            .expect("returned");
        assert_eq!(returned.state, OrderState::Returned);
        store
            .answer_order(lead_id, first.id, "补充：8 月底前完成", None, june, "u")
            .await
            .expect("answered again");
        let closed = store
            .review_order(first.id, true, "", "office")
            .await
            .expect("closed");
        assert_eq!(closed.state, OrderState::Closed);
        assert!(!closed.answered_late());
        assert!(matches!(
            store.review_order(first.id, true, "", "office").await,
            Err(StoreError::Conflict(_))
        ));

        // Overdue: the second (yellow) escalates into a red order; the red one is flagged only.
        let later = day("2021-07-12");
        let days = |level: Level| match level {
            Level::Prompt => 10,
            Level::Yellow => 7,
            Level::Red => 5,
        };
        let new = store
            .escalate_overdue(plan, later, days, "luoshi")
            .await
            .expect("escalated");
        assert_eq!(new.len(), 1);
        let red = store.supervision_order(new[0]).await.expect("red");
        assert_eq!(red.level, Level::Red);
        assert_eq!(red.number, 3);
        assert_eq!(red.escalated_from, Some(second.id));
        assert_eq!(red.due_on, "2021-07-17");
        assert!(red.reason.contains("督办〔2021〕第 2 号逾期未办结"));
        let old = store.supervision_order(second.id).await.expect("old");
        assert_eq!(old.escalated_to, Some(red.id));
        assert_eq!(old.overdue_on.as_deref(), Some("2021-07-12"));
        assert!(old.answered_late());
        assert!(
            store
                .escalate_overdue(plan, later, days, "luoshi")
                .await
                .expect("again")
                .is_empty(),
            "once per order"
        );
        let flagged = store
            .escalate_overdue(plan, day("2021-07-20"), days, "luoshi")
            .await
            .expect("red overdue");
        assert!(flagged.is_empty(), "a red order is flagged, not escalated");
        assert_eq!(
            store
                .supervision_order(red.id)
                .await
                .expect("red")
                .overdue_on
                .as_deref(),
            Some("2021-07-20")
        );

        // A dismissed suggestion is remembered for its month.
        store
            .dismiss_suggestion(
                plan,
                "2021-06",
                SubjectKind::Target,
                target,
                &lead,
                Level::Prompt,
                "已专题调度，暂不督办",
                "office",
            )
            .await
            .expect("dismissed");
        assert_eq!(
            store
                .dismissed_suggestions(plan, "2021-06")
                .await
                .expect("list"),
            vec![(SubjectKind::Target, target, lead.clone())]
        );
        assert!(
            store
                .dismissed_suggestions(plan, "2021-07")
                .await
                .expect("list")
                .is_empty()
        );

        let unit_orders = store
            .unit_supervision_orders(lead_id)
            .await
            .expect("unit's");
        assert_eq!(unit_orders.len(), 3);
        let log = store.audit_log(100).await.expect("log");
        for action in [
            "issue_order",
            "sign_order",
            "answer_order",
            "review_order",
            "order_overdue",
            "dismiss_suggestion",
        ] {
            assert!(log.iter().any(|r| r.action == action), "{action} audited");
        }
        assert!(store.verify_audit().await.expect("verify").is_ok());
    }
}

#[tokio::test]
async fn a_plan_keeps_its_own_supervision_rules() {
    use luoshi_reporting::followup::SupervisionRules;
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        assert_eq!(
            store.supervision_rules(plan).await.expect("rules"),
            SupervisionRules::default()
        );
        let upside_down = SupervisionRules {
            prompt_after_lagging: 3,
            yellow_after_lagging: 2,
            ..SupervisionRules::default()
        };
        let refused = store
            .set_supervision_rules(plan, &upside_down, "office")
            .await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid { field, .. }) if field == "prompt_after_lagging"),
            "{refused:?}"
        );
        let patient = SupervisionRules {
            yellow_after_lagging: 3,
            days_to_answer: [15, 10, 5],
            ..SupervisionRules::default()
        };
        store
            .set_supervision_rules(plan, &patient, "office")
            .await
            .expect("set");
        assert_eq!(store.supervision_rules(plan).await.expect("rules"), patient);
        assert!(
            store
                .audit_log(5)
                .await
                .expect("log")
                .iter()
                .any(|r| r.action == "set_supervision_rules")
        );
    }
}
