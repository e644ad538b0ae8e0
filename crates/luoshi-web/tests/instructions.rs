//! 领导批示 in the browser: a leader writes on one of a task's targets for 江岸区, a refusal comes
//! back on the form in words; 江岸区 finds it on 我的任务 and answers on its page; the task page,
//! the plan's list (filtered), the dashboard and the month's bulletin show it; an issued bulletin
//! is 圈阅; units cannot open the writing form.

mod common;

use axum::http::StatusCode;
use common::{encode, get, office_cookie, post, send, sign_in, sign_in_jiangan};
use luoshi_reporting::{Day, Role};

const LEADER: &str = "5555555555555555555555555555555555555555555555555555555555555555";
const JIANGAN: &str = "6666666666666666666666666666666666666666666666666666666666666666";

#[tokio::test]
async fn a_leader_instructs_and_the_district_answers_in_the_browser() {
    let (mut state, _dir) = common::wuhan(true).await;
    state.today = Day::parse("2021-06-20");
    sign_in(&state.store, "zhang", Role::Leader, None, None, LEADER, "l").await;
    sign_in_jiangan(&state.store, JIANGAN, "j").await;
    let leader = format!("luoshi_session={LEADER}");
    let jiangan = format!("luoshi_session={JIANGAN}");
    let receipts = state
        .store
        .unit_receipts(common::unit_of(&state.store, "jiangan").await)
        .await
        .expect("receipts");
    let task = receipts[0].task_id;

    // The task page offers it to the leader, not to the district.
    let page = send(&state, get(&format!("/tasks/{task}"), &leader)).await;
    assert_eq!(page.status, StatusCode::OK);
    let link = format!("/plans/1/instructions/new?subject=task:{task}");
    assert!(page.body.contains(&link), "{}", page.body);
    let theirs = send(&state, get(&format!("/tasks/{task}"), &jiangan)).await;
    assert!(!theirs.body.contains(&link));
    assert_eq!(
        send(&state, get(&link, &jiangan)).await.status,
        StatusCode::FORBIDDEN
    );
    let form = send(&state, get(&link, &leader)).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(form.body.contains("value=\"2021-06-27\""), "due in a week");
    assert!(form.body.contains("<option value=\"江岸区人民政府\""));
    let target = form
        .body
        .split("<option value=\"target:")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a target to choose")
        .to_string();

    // A past date is refused on the form with what was typed kept.
    let write = |due: &str| {
        format!(
            "csrf=l&subject=target:{target}&kind=instruction&leader=&text={}&unit={}&due_on={due}",
            encode("请江岸区加快进度"),
            encode("江岸区人民政府")
        )
    };
    let refused = send(
        &state,
        post("/plans/1/instructions", &leader, &write("2021-06-01")),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("早于今天"), "{}", refused.body);
    assert!(refused.body.contains("请江岸区加快进度"));
    let written = send(
        &state,
        post("/plans/1/instructions", &leader, &write("2021-06-30")),
    )
    .await;
    assert_eq!(written.status, StatusCode::SEE_OTHER, "{}", written.body);
    let at = written.location.expect("to the instruction's page");
    let shown = send(&state, get(&at, &leader)).await;
    assert!(
        shown
            .body
            .contains("已批示，交江岸区人民政府办理，办理期限 2021-06-30。"),
        "{}",
        shown.body
    );
    let id: i64 = at
        .trim_start_matches("/instructions/")
        .split('?')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("id");

    // 江岸区: on 我的任务, answered on its page; a second answer is refused.
    let my = send(&state, get("/my", &jiangan)).await;
    assert!(my.body.contains("1 件待办理"), "{}", my.body);
    assert!(my.body.contains(&format!("/instructions/{id}")));
    let page = send(&state, get(&format!("/instructions/{id}"), &jiangan)).await;
    assert!(page.body.contains("反馈办理情况"));
    let answer = format!("csrf=j&answer={}", encode("已组织专班推进"));
    let answered = send(
        &state,
        post(&format!("/instructions/{id}/answer"), &jiangan, &answer),
    )
    .await;
    assert_eq!(answered.status, StatusCode::OK);
    assert!(
        answered.body.contains("办理情况已反馈"),
        "{}",
        answered.body
    );
    assert!(
        answered
            .body
            .contains("<strong id=\"instruction-state\">已办理</strong>")
    );
    let again = send(
        &state,
        post(&format!("/instructions/{id}/answer"), &jiangan, &answer),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body.contains("已于 2021-06-20 办理反馈"),
        "{}",
        again.body
    );
    let office_answer = send(
        &state,
        post(
            &format!("/instructions/{id}/answer"),
            &office_cookie(),
            &format!("csrf={}&answer=x", common::OFFICE_CSRF),
        ),
    )
    .await;
    assert_eq!(office_answer.status, StatusCode::FORBIDDEN);

    // Shown on the task page, on the plan's list, on the dashboard and in June's bulletin.
    let page = send(&state, get(&format!("/tasks/{task}"), &jiangan)).await;
    assert!(page.body.contains("已组织专班推进"), "{}", page.body);
    let list = send(&state, get("/plans/1/instructions", &leader)).await;
    assert!(
        list.body.contains("<strong id=\"total\">1</strong>"),
        "{}",
        list.body
    );
    let waiting = send(&state, get("/plans/1/instructions?show=waiting", &leader)).await;
    assert!(waiting.body.contains("尚无领导批示"), "{}", waiting.body);
    assert_eq!(
        send(&state, get("/plans/1/instructions?show=x", &leader))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        send(&state, get("/plans/1/instructions", &jiangan))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let dashboard = send(&state, get("/plans/1/dashboard", &leader)).await;
    assert!(dashboard.body.contains("未办理批示"), "{}", dashboard.body);
    let bulletin = send(&state, get("/plans/1/bulletins/2021-06", &leader)).await;
    assert!(
        bulletin.body.contains("领导批示办理情况"),
        "{}",
        bulletin.body
    );
    assert!(
        bulletin
            .body
            .contains("江岸区人民政府已办理：已组织专班推进。")
    );

    // The office records a reading of an issued bulletin for a named leader.
    let issued = send(
        &state,
        post(
            "/plans/1/issues",
            &office_cookie(),
            &format!("csrf={}&period=2021-05&foreword=", common::OFFICE_CSRF),
        ),
    )
    .await;
    assert!(
        issued.status.is_success() || issued.status.is_redirection(),
        "{}",
        issued.body
    );
    let issues = send(&state, get("/plans/1/issues", &leader)).await;
    let read_link = issues
        .body
        .split("/plans/1/instructions/new?subject=document:")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("批示 / 圈阅 beside the issue")
        .to_string();
    let read = send(
        &state,
        post(
            "/plans/1/instructions",
            &office_cookie(),
            &format!(
                "csrf={}&subject=document:{read_link}&task_id=&kind=read&leader={}&text=",
                common::OFFICE_CSRF,
                encode("李市长")
            ),
        ),
    )
    .await;
    assert_eq!(read.status, StatusCode::SEE_OTHER, "{}", read.body);
    let shown = send(&state, get(&read.location.expect("page"), &office_cookie())).await;
    assert!(shown.body.contains("已圈阅"), "{}", shown.body);
    assert!(shown.body.contains("李市长圈阅"));
}
