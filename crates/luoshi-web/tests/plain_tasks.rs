//! A task without a numeric target in the browser: its lead confirms the month on the report
//! form (滞后 needs a reason), the task page shows its status, and the office closes it (销号)
//! with an evidence file and reopens it.

mod common;

use axum::http::StatusCode;
use common::{encode, get, multipart_named, post, send};
use luoshi_reporting::{Day, Role};

const LEAD_SECRET: &str = "3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c";
const LEAD_CSRF: &str = "lead-plain-csrf";

#[tokio::test]
async fn the_lead_confirms_the_month_and_the_office_closes_the_task() {
    let (mut state, _dir) = common::wuhan(true).await;
    state.today = Day::parse("2021-06-20");
    let snapshot = state.store.snapshot(1).await.expect("snapshot");
    let (task, lead) = snapshot
        .tasks
        .iter()
        .find_map(|t| {
            let a = snapshot
                .assignments
                .iter()
                .find(|a| a.task_id == t.id && a.role == "lead" && a.district.is_none())?;
            Some((t.clone(), a.clone()))
        })
        .expect("a task without a number led by a department");
    common::sign_in(
        &state.store,
        "lead-plain",
        Role::UnitReporter,
        Some(&lead.unit),
        None,
        LEAD_SECRET,
        LEAD_CSRF,
    )
    .await;
    let cookie = format!("luoshi_session={LEAD_SECRET}");
    let june = state.store.period_by_key(1, "2021-06").await.expect("june");
    let uri = format!("/reports/{}/{}", june.id, lead.id);
    let form = send(&state, get(&uri, &cookie)).await;
    assert!(
        form.body.contains("name=\"task_status\" value=\"behind\"")
            && form.body.contains("本月进展"),
        "{}",
        form.body
    );
    let submit = |status: &str, reason: &str| {
        format!(
            "csrf={LEAD_CSRF}&version=0&action=submit&progress={}&task_status={status}&status_reason={}",
            encode("推进规划编制"),
            encode(reason)
        )
    };
    let missing = send(&state, post(&uri, &cookie, &submit("", ""))).await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.body.contains("请确认本月进展"), "{}", missing.body);
    let unexplained = send(&state, post(&uri, &cookie, &submit("behind", ""))).await;
    assert_eq!(unexplained.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unexplained.body.contains("进展滞后时须说明原因")
            && unexplained.body.contains("value=\"behind\" checked"),
        "what was chosen is kept: {}",
        unexplained.body
    );
    let done = send(
        &state,
        post(&uri, &cookie, &submit("behind", "规划审批未完成")),
    )
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let shown = send(&state, get(&uri, &cookie)).await;
    assert!(
        shown.body.contains("滞后（规划审批未完成）"),
        "{}",
        shown.body
    );

    // The overview and the dashboard count these tasks by status.
    let office = common::office_cookie();
    let dashboard = send(&state, get("/plans/1/dashboard?period=2021-06", &office)).await;
    assert!(
        dashboard.body.contains("无量化指标任务：") && dashboard.body.contains("滞后 1"),
        "{}",
        dashboard.body
    );
    let overview = send(&state, get("/plans/1", &office)).await;
    assert!(
        overview.body.contains("无量化指标任务："),
        "{}",
        overview.body
    );
    // A task a group of districts leads is on each district's table with its own status.
    let group_task = snapshot
        .tasks
        .iter()
        .find(|t| {
            snapshot
                .assignments
                .iter()
                .filter(|a| a.task_id == t.id && a.role == "lead" && a.district.is_some())
                .count()
                > 1
        })
        .expect("a task without a number led by 各区人民政府");
    let table = send(
        &state,
        get(&format!("/plans/1/districts/{}", encode("江岸区")), &office),
    )
    .await;
    assert!(
        table.body.contains("本区承担的无量化指标任务") && table.body.contains(&group_task.title),
        "{}",
        table.body
    );

    // The task page shows the status; the office closes it with evidence, then reopens it.
    let page = send(&state, get(&format!("/tasks/{}", task.id), &office)).await;
    assert!(
        page.body.contains("推进情况与销号") && page.body.contains("牵头单位确认：滞后"),
        "{}",
        page.body
    );
    // A milestone (节点) due in June that the lead reports 滞后 on is seriously lagging.
    let milestones = format!("/tasks/{}/task-milestones", task.id);
    let garbled = send(
        &state,
        post(
            &milestones,
            &office,
            &format!(
                "csrf={}&milestones={}",
                common::OFFICE_CSRF,
                encode("六月完成规划")
            ),
        ),
    )
    .await;
    assert_eq!(garbled.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        garbled.body.contains("应写成「月份：节点内容」"),
        "{}",
        garbled.body
    );
    let set = send(
        &state,
        post(
            &milestones,
            &office,
            &format!(
                "csrf={}&milestones={}",
                common::OFFICE_CSRF,
                encode("6：完成规划编制\n12：开工建设")
            ),
        ),
    )
    .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    let page = send(&state, get(&format!("/tasks/{}", task.id), &office)).await;
    assert!(
        page.body.contains("6 月底前完成规划编制") && page.body.contains("严重滞后"),
        "{}",
        page.body
    );
    let form = send(&state, get(&uri, &cookie)).await;
    assert!(
        form.body.contains("本任务节点") && form.body.contains("6 月底前完成规划编制"),
        "{}",
        form.body
    );

    // The office dates the task: September. A text naming no month is refused beside it.
    let deadline = format!("/tasks/{}/deadline", task.id);
    let vague = send(
        &state,
        post(
            &deadline,
            &office,
            &format!("csrf={}&deadline={}", common::OFFICE_CSRF, encode("尽快")),
        ),
    )
    .await;
    assert_eq!(vague.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        vague.body.contains("「尽快」不是 2021 年内的完成时限"),
        "{}",
        vague.body
    );
    let dated = send(
        &state,
        post(
            &deadline,
            &office,
            &format!(
                "csrf={}&deadline={}",
                common::OFFICE_CSRF,
                encode("9月底前")
            ),
        ),
    )
    .await;
    assert_eq!(dated.status, StatusCode::SEE_OTHER);
    let page = send(&state, get(&format!("/tasks/{}", task.id), &office)).await;
    assert!(page.body.contains("完成时限 9 月底"), "{}", page.body);
    let close = format!("/tasks/{}/closure?csrf={}", task.id, common::OFFICE_CSRF);
    let bad = send(
        &state,
        multipart_named(
            &close,
            &office,
            "批复.pdf",
            b"MZ not a document",
            &[("note", "已完成")],
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("不是允许的佐证材料类型"), "{}", bad.body);
    // A scan of 3 MB: over the default body limit, under the evidence's 10 MB.
    let pdf = [b"%PDF-1.7\n% evidence\n".as_slice(), &vec![b' '; 3 << 20]].concat();
    let closed = send(
        &state,
        multipart_named(
            &close,
            &office,
            "批复.pdf",
            &pdf,
            &[("note", "规划已获批复")],
        ),
    )
    .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let page = send(&state, get(&format!("/tasks/{}", task.id), &office)).await;
    assert!(
        page.body.contains("销号：规划已获批复") && page.body.contains("撤销销号"),
        "{}",
        page.body
    );
    let closure = state
        .store
        .task_closures(task.id)
        .await
        .expect("closures")
        .pop()
        .expect("closed");
    let evidence = send(
        &state,
        get(&format!("/closures/{}/evidence", closure.id), &cookie),
    )
    .await;
    assert_eq!(evidence.status, StatusCode::OK);
    assert_eq!(evidence.bytes, pdf);
    let reopened = send(
        &state,
        post(
            &format!("/tasks/{}/reopen", task.id),
            &office,
            &format!(
                "csrf={}&note={}",
                common::OFFICE_CSRF,
                encode("批复文件待补")
            ),
        ),
    )
    .await;
    assert_eq!(reopened.status, StatusCode::SEE_OTHER);
    let page = send(&state, get(&format!("/tasks/{}", task.id), &office)).await;
    assert!(
        page.body.contains("撤销（批复文件待补）") && page.body.contains("销号（确认已完成）"),
        "{}",
        page.body
    );
}
