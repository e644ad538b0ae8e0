//! 目标分解 in the browser's terms: the office gives 江岸区 a share of a city target in the grid,
//! sees the sum against the city total, and finds the share on 江岸区's table and report form;
//! the grid goes out as xlsx and comes back, all or nothing, errors naming row and column.

mod common;

use axum::http::StatusCode;
use common::{encode, get, multipart, post, send};
use luoshi_export::allocation_sheet::{
    Grid, GridTarget, read_allocation_sheet, write_allocation_sheet,
};
use luoshi_reporting::Day;

const JIANGAN_SECRET: &str = "2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b";
const JIANGAN_CSRF: &str = "jiangan-allocation-csrf";

#[tokio::test]
async fn the_office_allocates_a_city_target_and_the_district_sees_its_share() {
    let (mut state, _dir) = common::wuhan(true).await;
    state.today = Day::parse("2021-06-20");
    common::sign_in_jiangan(&state.store, JIANGAN_SECRET, JIANGAN_CSRF).await;
    let office = common::office_cookie();
    let csrf = common::OFFICE_CSRF;

    let allocation = state.store.allocation(1).await.expect("grid");
    let row = allocation
        .rows
        .iter()
        .find(|r| r.text.contains("成果转化意向"))
        .expect("the city's 500 项 target");
    assert!(
        !allocation.rows.iter().any(|r| r.text.contains("各区分别")),
        "分别 targets are each district's already"
    );
    let column = allocation
        .districts
        .iter()
        .position(|d| d == "江岸区")
        .expect("江岸区's column");
    let cell = format!("s_{}_{column}", row.target_id);
    let page = send(&state, get("/plans/1/allocation", &office)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("成果转化意向") && page.body.contains(&format!("name=\"{cell}\"")),
        "{}",
        page.body
    );

    // Not a number: refused beside the cell, what was typed kept, nothing stored.
    let bad = send(
        &state,
        post(
            "/plans/1/allocation",
            &office,
            &format!("csrf={csrf}&{cell}={}", encode("四十")),
        ),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("「四十」不是数字")
            && bad.body.contains(&format!("data-field=\"{cell}\""))
            && bad.body.contains("value=\"四十\""),
        "{}",
        bad.body
    );
    assert_eq!(
        state.store.allocation(1).await.expect("grid").rows,
        allocation.rows
    );

    let note = format!("n_{}", row.target_id);
    let saved = send(
        &state,
        post(
            "/plans/1/allocation",
            &office,
            &format!("csrf={csrf}&{cell}=40&{note}={}", encode("按上年基数")),
        ),
    )
    .await;
    assert_eq!(
        (saved.status, saved.location.as_deref()),
        (StatusCode::SEE_OTHER, Some("/plans/1/allocation?saved=1"))
    );
    let page = send(&state, get("/plans/1/allocation?saved=1", &office)).await;
    assert!(
        page.body.contains("目标分解已保存")
            && page.body.contains("value=\"40\"")
            && page.body.contains("比全市目标少 460")
            && page.body.contains("按上年基数"),
        "{}",
        page.body
    );

    // 江岸区's table and June form have the share as its own number.
    let table = send(
        &state,
        get(&format!("/plans/1/districts/{}", encode("江岸区")), &office),
    )
    .await;
    let line = table
        .body
        .lines()
        .find(|l| l.contains("成果转化意向"))
        .unwrap_or_default();
    assert!(
        line.contains("40") && !line.contains("全市目标，未分解"),
        "{line}"
    );
    let june = state.store.period_by_key(1, "2021-06").await.expect("june");
    let assignment = state
        .store
        .assignments(1, None, Some("江岸区"))
        .await
        .expect("assignments")
        .into_iter()
        .find(|a| a.task_id == row.task_id)
        .expect("江岸区 on the task");
    let form = send(
        &state,
        get(
            &format!("/reports/{}/{}", june.id, assignment.id),
            &format!("luoshi_session={JIANGAN_SECRET}"),
        ),
    )
    .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(&format!("name=\"value_{}\"", row.target_id)),
        "the form asks 江岸区 for its share: {}",
        form.body
    );

    // Out as xlsx, filled in, back in: 江汉区 gets 10.
    let sheet = send(&state, get("/plans/1/allocation.xlsx", &office)).await;
    assert_eq!(sheet.status, StatusCode::OK);
    let filled = read_allocation_sheet(&sheet.bytes, &allocation.districts).expect("reads");
    let mine = filled
        .iter()
        .find(|f| f.target_id == row.target_id)
        .expect("the row");
    assert_eq!(mine.shares[column], Some(40.0));
    let jianghan = allocation
        .districts
        .iter()
        .position(|d| d == "江汉区")
        .expect("江汉区");
    let grid = |jianghan_share: f64| Grid {
        districts: allocation.districts.clone(),
        targets: vec![GridTarget {
            target_id: row.target_id,
            task_path: row.task_path.clone(),
            text: row.text.clone(),
            value: row.value,
            unit: row.unit.clone(),
            lead: row.lead.clone(),
            shares: (0..allocation.districts.len())
                .map(|c| match c {
                    c if c == column => Some(40.0),
                    c if c == jianghan => Some(jianghan_share),
                    _ => None,
                })
                .collect(),
            units: Vec::new(),
            note: "按上年基数".into(),
        }],
    };
    let upload = format!("/plans/1/allocation/upload?csrf={csrf}");
    let negative = write_allocation_sheet(&grid(-3.0)).expect("xlsx");
    let refused = send(&state, multipart(&upload, &office, &negative, &[])).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("第 2 行") && refused.body.contains("（江汉区）：分解值不能为负数"),
        "{}",
        refused.body
    );
    let good = write_allocation_sheet(&grid(10.0)).expect("xlsx");
    let done = send(&state, multipart(&upload, &office, &good, &[])).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(
        done.body.contains("已按上传的目标分解表更新 1 个目标"),
        "{}",
        done.body
    );
    let after = state.store.allocation(1).await.expect("grid");
    let row_after = after
        .rows
        .iter()
        .find(|r| r.target_id == row.target_id)
        .expect("row");
    assert_eq!(row_after.shares[jianghan], Some(10.0));
    assert_eq!(row_after.allocated(), 50.0);

    // A responsible unit of the task can hold a share too, and its form then asks for it.
    let unit_row = after
        .rows
        .iter()
        .find(|r| !r.units.is_empty())
        .expect("a target whose task has responsible units");
    let unit = unit_row.units[0].unit.clone();
    let keep: Vec<String> = after
        .rows
        .iter()
        .flat_map(|r| {
            r.shares
                .iter()
                .enumerate()
                .filter_map(move |(c, v)| Some(format!("s_{}_{c}={}", r.target_id, (*v)?)))
        })
        .collect();
    let saved = send(
        &state,
        post(
            "/plans/1/allocation",
            &office,
            &format!(
                "csrf={csrf}&{}&n_{}={}&u_{}_0=20",
                keep.join("&"),
                row.target_id,
                encode("按上年基数"),
                unit_row.target_id
            ),
        ),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let grid = state.store.allocation(1).await.expect("grid");
    let held = grid
        .rows
        .iter()
        .find(|r| r.target_id == unit_row.target_id)
        .expect("row");
    assert_eq!(held.units[0].share, Some(20.0));
    let responsible = state
        .store
        .assignments(1, Some(&unit), None)
        .await
        .expect("assignments")
        .into_iter()
        .find(|a| a.task_id == unit_row.task_id && a.role == "responsible")
        .expect("the unit's assignment");
    let form = state
        .store
        .report(june.id, responsible.id)
        .await
        .expect("form");
    assert!(
        form.targets
            .iter()
            .any(|t| t.target_id == unit_row.target_id && t.expected == 20.0),
        "{form:?}"
    );
    // The grid as xlsx carries the unit's share on its own sheet.
    let sheet = send(&state, get("/plans/1/allocation.xlsx", &office)).await;
    let filled = read_allocation_sheet(&sheet.bytes, &grid.districts).expect("reads");
    assert!(filled.iter().any(|f| {
        f.target_id == unit_row.target_id
            && f.units
                .as_ref()
                .is_some_and(|u| u.iter().any(|(_, n, v)| *n == unit && *v == Some(20.0)))
    }));

    // Every change is in the audit log.
    let log = state.store.audit_log(50).await.expect("log");
    assert!(log.iter().filter(|r| r.action == "set_shares").count() >= 2);
    assert!(log.iter().any(|r| r.action == "set_allocation_note"));
    assert!(log.iter().any(|r| r.action == "set_unit_shares"));
    assert!(state.store.verify_audit().await.expect("verify").is_ok());
}
