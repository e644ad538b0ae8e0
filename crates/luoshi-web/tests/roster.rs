//! Many accounts at once on the 账号 page: from an uploaded contact roster (all or nothing, every
//! problem named by row and column), for every unit and district of a published plan, and the
//! account handout (账号分发表) with the one-time passwords, printable and as xlsx.

mod common;

use std::io::Cursor;

use axum::http::StatusCode;
use calamine::{Reader, Xlsx};
use common::*;
use luoshi_reporting::Role;

const CSRF: &str = OFFICE_CSRF;

fn roster(rows: &[[&str; 6]]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("联络员名单").expect("name");
    for (c, h) in ["单位", "姓名", "手机", "邮箱", "角色", "用户名"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).expect("header");
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            if !value.is_empty() {
                sheet
                    .write_string(r as u32 + 1, c as u16, *value)
                    .expect("cell");
            }
        }
    }
    workbook.save_to_buffer().expect("xlsx")
}

/// The one-time passwords of a page's handout, in order.
fn passwords(body: &str) -> Vec<String> {
    body.split("class=\"password\"><code>")
        .skip(1)
        .filter_map(|r| r.split('<').next())
        .map(str::to_string)
        .collect()
}

async fn upload(state: &luoshi_server::AppState, bytes: &[u8]) -> Answer {
    send(
        state,
        multipart(
            &format!("/accounts/roster?csrf={CSRF}"),
            &office_cookie(),
            bytes,
            &[],
        ),
    )
    .await
}

#[tokio::test]
async fn a_roster_makes_every_account_and_hands_out_their_passwords() {
    let (state, _dir) = wuhan(true).await;
    let before = state.store.users().await.expect("users").len();
    let bytes = roster(&[
        [
            "市发改委",
            "张三",
            "138 0013 8000",
            "zhang@example.cn",
            "牵头单位审核员",
            "",
        ],
        ["江岸区", "李四", "13900139000", "", "", ""],
        ["", "王局长", "", "", "领导", "wangjz"],
    ]);
    let page = upload(&state, &bytes).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("已按名单创建 3 个账号"), "{}", page.body);
    assert!(page.body.contains("id=\"handout\""));
    let shown = passwords(&page.body);
    assert_eq!(shown.len(), 3);
    assert_eq!(state.store.users().await.expect("users").len(), before + 3);
    // The mobile number is the user name when none is given; the alias resolves to its unit.
    let lead = state.store.user("13800138000").await.expect("by mobile");
    assert_eq!(lead.role, Role::LeadReviewer);
    assert_eq!(lead.unit.as_deref(), Some("市发展改革委"));
    assert_eq!(lead.display_name, "张三");
    assert!(lead.must_change_password);
    let district = state.store.user("13900139000").await.expect("district");
    assert_eq!(district.role, Role::DistrictReporter, "a district's row");
    assert_eq!(district.district.as_deref(), Some("江岸区"));
    let credentials = state
        .store
        .credentials("13800138000")
        .await
        .expect("c")
        .expect("u");
    assert!(luoshi_server::auth::password::verify(
        &shown[0],
        &credentials.password_hash
    ));
    // The handout's xlsx holds what the page showed, from what the page posts back.
    let form = page
        .body
        .split("id=\"handout-xlsx\">")
        .nth(1)
        .and_then(|f| f.split("</form>").next())
        .expect("handout form");
    let fields: Vec<String> = form
        .split("<input type=\"hidden\" name=\"")
        .skip(1)
        .filter_map(|i| {
            let (name, rest) = i.split_once("\" value=\"")?;
            let value = rest.split('"').next()?;
            Some(format!("{name}={}", encode(value)))
        })
        .collect();
    let xlsx = send(
        &state,
        post(
            "/accounts/handout.xlsx",
            &office_cookie(),
            &fields.join("&"),
        ),
    )
    .await;
    assert_eq!(xlsx.status, StatusCode::OK, "{}", xlsx.body);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(xlsx.bytes)).expect("an xlsx");
    let sheet = book.worksheet_range("账号分发表").expect("its sheet");
    let cell = |r: u32, c: u32| {
        sheet
            .get_value((r, c))
            .map(ToString::to_string)
            .unwrap_or_default()
    };
    assert_eq!(cell(2, 1), "市发展改革委");
    assert_eq!(cell(2, 4), "13800138000");
    assert_eq!(cell(2, 5), shown[0]);
    assert_eq!(cell(4, 4), "wangjz");
    // Shown once: the page does not show them again.
    let again = send(&state, get("/accounts", &office_cookie())).await;
    assert!(passwords(&again.body).is_empty());
}

#[tokio::test]
async fn a_roster_with_mistakes_makes_no_account_and_names_each_row() {
    let (state, _dir) = wuhan(true).await;
    let before = state.store.users().await.expect("users").len();
    let bytes = roster(&[
        ["市科技厅", "赵六", "13700137000", "", "单位填报员", ""],
        ["市教育局", "钱七", "12345", "", "", ""],
        ["市教育局", "孙八", "13600136000", "", "管理员", ""],
        ["市教育局", "周九", "", "", "", ""],
        ["市教育局", "吴十", "13500135000", "", "", "office"],
        ["市经信局", "郑一", "13400134000", "not-mail", "", "jxj"],
        ["市经信局", "郑二", "13300133000", "", "", "jxj"],
        ["市财政局", "冯三", "13200132000", "", "", ""],
    ]);
    let page = upload(&state, &bytes).await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    for expected in [
        "未创建任何账号",
        "第 2 行「单位」：名录中没有名为「市科技厅」的单位；是否为：市科技局",
        "第 3 行「手机」：手机号「12345」无效",
        "第 4 行「角色」：角色「管理员」无效",
        "第 5 行「用户名」：用户名和手机不能都为空",
        "第 8 行「用户名」：用户名「jxj」与第 7 行重复",
    ] {
        assert!(page.body.contains(expected), "{expected}: {}", page.body);
    }
    assert_eq!(
        state.store.users().await.expect("users").len(),
        before,
        "all or nothing"
    );
    assert!(state.store.user("13200132000").await.is_err());
    // What only the store can tell (a name taken, a bad address) is named by row too.
    let taken = upload(
        &state,
        &roster(&[
            ["市经信局", "郑一", "13400134000", "not-mail", "", "jxj"],
            ["市教育局", "吴十", "13500135000", "", "", "office"],
        ]),
    )
    .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        taken
            .body
            .contains("第 2 行「邮箱」：「not-mail」不是有效的邮箱地址"),
        "{}",
        taken.body
    );
    assert!(
        taken
            .body
            .contains("第 3 行「用户名」：用户名「office」已被使用"),
        "{}",
        taken.body
    );
    assert!(state.store.user("jxj").await.is_err());
}

#[tokio::test]
async fn what_is_not_a_roster_is_refused_beside_the_field() {
    let (state, _dir) = wuhan(true).await;
    let not_xlsx = upload(&state, b"name,mobile\n").await;
    assert_eq!(not_xlsx.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(not_xlsx.body.contains("id=\"roster-error\""));
    assert!(
        not_xlsx.body.contains("不是有效的 xlsx 文件"),
        "{}",
        not_xlsx.body
    );
    let empty = upload(&state, &roster(&[])).await;
    assert!(empty.body.contains("名单中没有填写任何账号"));
    let none = upload(&state, b"").await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert!(none.body.contains("请选择填好的联络员名单"));
}

#[tokio::test]
async fn the_template_lists_the_directory_and_reads_back() {
    let (state, _dir) = wuhan(true).await;
    let template = send(
        &state,
        get("/accounts/roster-template.xlsx", &office_cookie()),
    )
    .await;
    assert_eq!(template.status, StatusCode::OK);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(template.bytes.clone())).expect("xlsx");
    let names = book.worksheet_range("单位与区").expect("the names sheet");
    let listed: Vec<String> = names.rows().map(|r| r[0].to_string()).collect();
    assert!(listed.iter().any(|n| n == "市发展改革委"));
    let header = book
        .worksheet_range("联络员名单")
        .expect("the roster sheet");
    assert_eq!(
        header.rows().next().map(|r| r.len()),
        Some(6),
        "six columns"
    );
    // Uploaded unfilled, it says there is nothing in it (its header is what the reader wants).
    let back = upload(&state, &template.bytes).await;
    assert!(
        back.body.contains("名单中没有填写任何账号"),
        "{}",
        back.body
    );
}

async fn open_accounts_for_plan_1(state: &luoshi_server::AppState) -> Answer {
    send(
        state,
        post(
            "/accounts/for-plan",
            &office_cookie(),
            &format!("csrf={CSRF}&plan=1"),
        ),
    )
    .await
}

#[tokio::test]
async fn one_action_opens_an_account_for_every_unit_and_district_of_a_plan() {
    let (state, _dir) = wuhan(true).await;
    let page = send(&state, get("/accounts", &office_cookie())).await;
    assert!(page.body.contains("id=\"for-plan-1\""), "{}", page.body);
    let made = open_accounts_for_plan_1(&state).await;
    assert_eq!(made.status, StatusCode::OK, "{}", made.body);
    let units = state.store.units(Some(1)).await.expect("units");
    let with_tasks = units
        .iter()
        .filter(|u| u.lead_count + u.responsible_count > 0)
        .count();
    assert_eq!(passwords(&made.body).len(), with_tasks);
    let lead = state.store.user("市发展改革委").await.expect("a lead unit");
    assert_eq!(lead.role, Role::LeadReviewer);
    let district = state.store.user("江岸区").await.expect("a district");
    assert_eq!(district.role, Role::DistrictReporter);
    assert_eq!(district.district.as_deref(), Some("江岸区"));
    // Pressed again, nobody is missing.
    let again = open_accounts_for_plan_1(&state).await;
    assert!(again.body.contains("都已有账号"), "{}", again.body);
    assert!(passwords(&again.body).is_empty());
}

#[tokio::test]
async fn a_draft_plan_gets_no_accounts() {
    let (state, _dir) = wuhan(false).await;
    let refused = open_accounts_for_plan_1(&state).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("方案尚未发布"));
}
