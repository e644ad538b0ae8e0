//! A plan whose goals name two horizons: the goal for the plan's own year is followed month by
//! month; the one for a later year is shown with its year and not judged by this year's pace.

mod common;

use axum::http::StatusCode;
use common::{get, office_cookie, send};
use luoshi_directory::Directory;

const PLAN: &str = "武汉市2021年科技创新工作方案\n一、主要目标\n到2021年，全市高新技术企业达到5000家；到2025年，全市高新技术企业达到8000家。\n二、重点任务\n1. 培育企业。新增高新技术企业500家。（牵头单位：市科技局）";

#[tokio::test]
async fn a_later_year_goal_is_shown_with_its_year_and_not_evaluated() {
    let (state, plan, _dir) = common::ledger_with(PLAN, Directory::wuhan(), true).await;
    let rows = state.store.indicators(plan).await.expect("indicators");
    let years: Vec<(f64, Option<i64>)> = rows.iter().map(|r| (r.value, r.goal_year)).collect();
    assert_eq!(years, vec![(5000.0, Some(2021)), (8000.0, Some(2025))]);

    let page = send(
        &state,
        get(&format!("/plans/{plan}/indicators"), &office_cookie()),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    let table = page.body.split("</table>").next().unwrap_or_default();
    let later = table
        .split("<tr>")
        .find(|row| row.contains("8,000家"))
        .expect("the 2025 goal's row");
    assert!(later.contains("8,000家（2025年）"), "{later}");
    assert!(
        later.contains("2025年目标，不按本年度序时进度评价"),
        "{later}"
    );
    let this_year = table
        .split("<tr>")
        .find(|row| row.contains("5,000家"))
        .expect("the 2021 goal's row");
    assert!(!this_year.contains("（2021年）"), "{this_year}");
    assert!(!this_year.contains("不按本年度"), "{this_year}");
}
