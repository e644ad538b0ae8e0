//! 领导批示 and 圈阅 on every backend: written on a task, a target, a 督办单 or an issued
//! document's item; an instruction goes to the task's lead unit (or a named unit of the task, or
//! the order's unit) and is answered once, by that unit only; 圈阅 asks nothing; every step is
//! audited.

mod common;

use common::*;
use luoshi_reporting::Day;
use luoshi_reporting::followup::Level;
use luoshi_store::{
    InstructedKind, InstructionKind, IssueFiles, NewInstruction, NewOrder, StoreError, SubjectKind,
};

fn day(text: &str) -> Day {
    Day::parse(text).expect("a day")
}

fn instruction(kind: InstructedKind, id: i64) -> NewInstruction {
    NewInstruction {
        subject_kind: kind,
        subject_id: id,
        task_id: None,
        kind: InstructionKind::Instruction,
        leader: "张副市长".into(),
        text: "请抓紧推进，确保年底前完成。".into(),
        unit: None,
        due_on: Some("2021-07-15".into()),
    }
}

#[tokio::test]
async fn instructions_go_to_the_lead_unit_and_are_answered_once() {
    for t in stores().await {
        let store = &t.store;
        let plan = published(store).await;
        let mut found = None;
        for id in 1..200 {
            if let Ok(d) = store.task(id).await
                && d.row.plan_id == plan
                && !d.targets.is_empty()
                && d.row.lead.len() == 1
                && !d.row.responsible.is_empty()
            {
                found = Some(d);
                break;
            }
        }
        let detail = found.expect("a task with targets, one lead and responsible units");
        let task = detail.row.id;
        let units = store.units(None).await.expect("units");
        let id_of = |name: &str| units.iter().find(|u| u.name == name).expect("unit").id;
        let lead = detail.row.lead[0].clone();
        let other = detail.row.responsible[0].clone();
        let today = day("2021-07-02");

        // Refused: no words, a past date, a unit without the task, another plan's subject.
        let mut empty = instruction(InstructedKind::Task, task);
        empty.text = "  ".into();
        assert!(matches!(
            store.write_instruction(plan, &empty, today, "leader").await,
            Err(StoreError::Invalid { field, .. }) if field == "text"
        ));
        let mut past = instruction(InstructedKind::Task, task);
        past.due_on = Some("2021-07-01".into());
        assert!(matches!(
            store.write_instruction(plan, &past, today, "leader").await,
            Err(StoreError::Invalid { field, .. }) if field == "due_on"
        ));
        let mut stranger = instruction(InstructedKind::Task, task);
        stranger.unit = Some("不存在的单位".into());
        assert!(matches!(
            store.write_instruction(plan, &stranger, today, "leader").await,
            Err(StoreError::Invalid { field, .. }) if field == "unit"
        ));
        assert!(matches!(
            store
                .write_instruction(plan, &instruction(InstructedKind::Target, 9_999_999), today, "leader")
                .await,
            Err(StoreError::Invalid { field, .. }) if field == "subject_id"
        ));

        // On the task: to its lead unit; on a target with a unit named: to that unit.
        let on_task = store
            .write_instruction(
                plan,
                &instruction(InstructedKind::Task, task),
                today,
                "leader",
            )
            .await
            .expect("written");
        assert_eq!(on_task.unit.as_deref(), Some(lead.as_str()));
        assert_eq!(on_task.item, detail.row.title);
        assert_eq!(on_task.written_on, "2021-07-02");
        assert!(on_task.awaits_answer());
        let mut named = instruction(InstructedKind::Target, detail.targets[0].id);
        named.unit = Some(other.clone());
        let on_target = store
            .write_instruction(plan, &named, today, "office")
            .await
            .expect("written");
        assert_eq!(on_target.unit.as_deref(), Some(other.as_str()));
        assert_eq!(on_target.item, detail.targets[0].text);
        assert_eq!(on_target.task_id, Some(task));

        // On a 督办单: to the order's unit.
        let order = store
            .issue_order(
                plan,
                &NewOrder {
                    level: Level::Yellow,
                    subject_kind: SubjectKind::Task,
                    subject_id: task,
                    unit: other.clone(),
                    period_key: "2021-06".into(),
                    reason: "连续 2 个月滞后".into(),
                    requirement: "报送整改措施".into(),
                    due_on: "2021-07-10".into(),
                },
                today,
                "office",
            )
            .await
            .expect("order");
        let on_order = store
            .write_instruction(
                plan,
                &instruction(InstructedKind::Order, order.id),
                today,
                "leader",
            )
            .await
            .expect("written");
        assert_eq!(on_order.unit.as_deref(), Some(other.as_str()));
        assert_eq!(on_order.item, "督办〔2021〕第 1 号");

        // On an issued document: 圈阅 of the whole; 批示 needs the item's task.
        let next = store
            .next_issue(plan, "month", "2021-06")
            .await
            .expect("next");
        let bulletin = store
            .issue_document(
                plan,
                "month",
                "2021-06",
                next,
                None,
                today,
                &IssueFiles {
                    title: "调度通报".into(),
                    docx: b"docx".to_vec(),
                    xlsx: b"xlsx".to_vec(),
                    html: "<p>通报</p>".into(),
                    figures: vec![],
                },
                "office",
            )
            .await
            .expect("issued");
        let whole = instruction(InstructedKind::Document, bulletin.id);
        assert!(matches!(
            store.write_instruction(plan, &whole, today, "leader").await,
            Err(StoreError::Invalid { field, .. }) if field == "task_id"
        ));
        let read = store
            .write_instruction(
                plan,
                &NewInstruction {
                    kind: InstructionKind::Read,
                    text: String::new(),
                    due_on: None,
                    ..whole.clone()
                },
                today,
                "leader",
            )
            .await
            .expect("read");
        assert_eq!(read.kind, InstructionKind::Read);
        assert_eq!((read.unit.as_deref(), read.task_id), (None, None));
        assert!(!read.awaits_answer());
        assert_eq!(read.state_label(today), "已圈阅");
        let on_item = store
            .write_instruction(
                plan,
                &NewInstruction {
                    task_id: Some(task),
                    ..whole
                },
                today,
                "leader",
            )
            .await
            .expect("item");
        assert_eq!(on_item.unit.as_deref(), Some(lead.as_str()));
        assert_eq!(on_item.item, format!("调度通报（{}）", detail.row.title));

        // Answered by its unit only, once; overdue when the date passes unanswered.
        let late = day("2021-07-16");
        assert!(on_task.overdue(late));
        assert_eq!(on_task.state_label(late), "逾期未办理");
        assert!(matches!(
            store
                .answer_instruction(id_of(&other), on_task.id, "已办", today, "u")
                .await,
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store.answer_instruction(id_of(&lead), on_task.id, " ", today, "u").await,
            Err(StoreError::Invalid { field, .. }) if field == "answer"
        ));
        let answered = store
            .answer_instruction(id_of(&lead), on_task.id, "已召开专题会部署推进", late, "u")
            .await
            .expect("answered");
        assert_eq!(answered.answered_on.as_deref(), Some("2021-07-16"));
        assert!(answered.answered_late());
        assert_eq!(answered.state_label(late), "已办理");
        assert!(matches!(
            store
                .answer_instruction(id_of(&lead), on_task.id, "再答", late, "u")
                .await,
            Err(StoreError::Conflict(_))
        ));
        assert!(matches!(
            store
                .answer_instruction(id_of(&lead), read.id, "答", late, "u")
                .await,
            Err(StoreError::NotFound { .. })
        ));

        // Listed by plan, task and unit; every step audited.
        assert_eq!(store.instructions(plan).await.expect("plan").len(), 5);
        assert_eq!(store.task_instructions(task).await.expect("task").len(), 4);
        let lead_list = store.unit_instructions(id_of(&lead)).await.expect("unit");
        assert_eq!(lead_list.len(), 2);
        let log = store.audit_log(50).await.expect("log");
        assert_eq!(
            log.iter()
                .filter(|r| r.action == "write_instruction")
                .count(),
            5
        );
        assert!(log.iter().any(|r| r.action == "answer_instruction"));
        assert!(store.verify_audit().await.expect("verify").is_ok());
    }
}
