//! 提醒与通知 in the browser: the office sets the reminder rules (a bad day or time refused in
//! words, what was typed kept), adds and removes a channel (a bad address refused), and sees the
//! reminders sent — which 填报情况 lists per unit for its month.

mod common;

use axum::http::StatusCode;
use common::{encode, get, office_cookie, post, send};
use luoshi_reporting::Day;

fn form(fields: &[(&str, &str)]) -> String {
    std::iter::once(format!("csrf={}", common::OFFICE_CSRF))
        .chain(fields.iter().map(|(k, v)| format!("{k}={}", encode(v))))
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn the_office_sets_rules_and_channels_and_sees_what_was_sent() {
    let (mut state, _dir) = common::wuhan(true).await;
    state.today = Day::parse("2021-06-22");
    let page = send(&state, get("/plans/1/notifications", &office_cookie())).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("value=\"22:00\""),
        "quiet hours by default"
    );
    assert!(page.body.contains("尚未发出自动提醒"));

    let rules = [
        ("enabled", "on"),
        ("report_days_before", "5，3"),
        ("report_on_due_day", "on"),
        ("report_days_after", "2"),
        ("deadline_days_before", "1"),
        ("deadline_days_after", ""),
        ("quiet_from", "21:30"),
        ("quiet_until", "7:30"),
    ];
    let saved = send(
        &state,
        post(
            "/plans/1/notifications/rules",
            &office_cookie(),
            &form(&rules),
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert!(saved.body.contains("自动提醒规则已保存"));
    let stored = state.store.reminder_rules(1).await.expect("rules");
    assert_eq!(stored.report_days_before, vec![3, 5]);
    assert_eq!(
        (stored.quiet_from, stored.quiet_until),
        (21 * 60 + 30, 7 * 60 + 30)
    );
    assert!(stored.deadline_days_after.is_empty() && !stored.deadline_on_day);
    let mut bad = rules;
    bad[1] = ("report_days_before", "三");
    let refused = send(
        &state,
        post(
            "/plans/1/notifications/rules",
            &office_cookie(),
            &form(&bad),
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("截止前提醒：「三」不是天数"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("value=\"三\""),
        "what was typed is kept"
    );
    bad[1] = ("report_days_before", "90");
    let too_far = send(
        &state,
        post(
            "/plans/1/notifications/rules",
            &office_cookie(),
            &form(&bad),
        ),
    )
    .await;
    assert_eq!(too_far.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_far.body.contains("1 至 60 天"), "{}", too_far.body);

    let channel = |url: &str| {
        form(&[
            ("kind", "wecom"),
            ("name", "督办工作群"),
            ("url", url),
            ("secret", ""),
            ("body_template", ""),
            ("unit", ""),
        ])
    };
    let wrong = send(
        &state,
        post(
            "/plans/1/notifications/channels",
            &office_cookie(),
            &channel("qyapi.weixin.qq.com"),
        ),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("地址应以 https:// 或 http:// 开头"));
    let added = send(
        &state,
        post(
            "/plans/1/notifications/channels",
            &office_cookie(),
            &channel("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K"),
        ),
    )
    .await;
    assert_eq!(added.status, StatusCode::OK);
    assert!(
        added
            .body
            .contains("已添加通知渠道「督办工作群」（企业微信群机器人）"),
        "{}",
        added.body
    );
    let id = state.store.channels(1).await.expect("channels")[0].id;

    // Reminders sent three days before (rules above: 5 and 3 days) show on both pages.
    let at = luoshi_server::notify::Moment::at(
        (luoshi_reporting::utc_seconds("2021-06-22T02:00:00Z").expect("time")) * 1000,
    );
    let run = luoshi_server::notify::scheduler::remind_once(&state, &at, 10_000)
        .await
        .expect("run");
    assert!(run.reminded > 0);
    let page = send(&state, get("/plans/1/notifications", &office_cookie())).await;
    assert!(
        page.body
            .contains("【自动提醒】2021年6月工作进展还有 3 天截止"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!(
        "待发送 <strong id=\"pending\">{}</strong>",
        run.reminded
    )));
    let reporting = send(
        &state,
        get("/plans/1/reporting?period=2021-06", &office_cookie()),
    )
    .await;
    assert!(
        reporting.body.contains(&format!(
            "本月自动提醒 <strong id=\"reminders-sent\">{}</strong> 次",
            run.reminded
        )),
        "{}",
        reporting.body
    );
    assert!(reporting.body.contains("截止前 3 天（06-22）"));

    let removed = send(
        &state,
        post(
            &format!("/plans/1/notifications/channels/{id}/remove"),
            &office_cookie(),
            &form(&[]),
        ),
    )
    .await;
    assert_eq!(removed.status, StatusCode::OK);
    assert!(removed.body.contains("通知渠道已删除"));
    assert!(state.store.channels(1).await.expect("channels").is_empty());
    let page = send(&state, get("/plans/1/notifications", &office_cookie())).await;
    assert!(
        page.body
            .contains("待发送 <strong id=\"pending\">0</strong>"),
        "queued messages go with it"
    );
}
