//! Plans in the shapes other governments write them (written for these tests after real
//! documents): a provincial 实施意见 with numbering running on, a city 行动计划 in markdown with
//! 【】 annotations, a county 工作方案 with role lines under each task.

use luoshi_extract::{MechanismKind, PlanDraft, Qualifier, extract};

fn plan(text: &str) -> PlanDraft {
    extract(text)
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn provincial_opinion() {
    let d = plan(include_str!("fixtures/other/provincial-opinion.txt"));
    assert_eq!(
        d.title.as_deref(),
        Some("湖北省人民政府关于加快推进科技强省建设的实施意见")
    );
    assert_eq!(d.doc_number.as_deref(), Some("鄂政发〔2021〕5号"));
    assert_eq!(
        (d.issuer.as_deref(), d.date_written.as_deref()),
        (Some("湖北省人民政府"), Some("2021-03-01"))
    );
    let paths: Vec<&str> = d.tasks.iter().map(|t| t.path.as_str()).collect();
    // Every item at the level the notes sit on is a task, general sections included; the
    // numbering runs on across sections.
    assert_eq!(
        paths,
        vec![
            "一.（一）",
            "一.（二）",
            "二.（三）",
            "二.（四）",
            "二.（五）",
            "三.（六）",
            "三.（七）"
        ]
    );
    let d = PlanDraft {
        tasks: d.tasks[2..5].to_vec(),
        ..d
    };
    // Printed lists are split mechanically; the directory resolves the pieces.
    assert_eq!(
        d.tasks[0].responsible[d.tasks[0].responsible.len() - 3..],
        v(&["各市", "州", "县人民政府"])
    );
    assert_eq!(d.tasks[2].lead, v(&["省委组织部"]));
    let indicators: Vec<(f64, &str, Qualifier)> = d
        .indicators
        .iter()
        .map(|i| (i.value, i.unit.as_str(), i.qualifier))
        .collect();
    assert_eq!(
        indicators,
        vec![
            (2.5, "%", Qualifier::Exact),
            (2.0, "万家", Qualifier::MoreThan),
            (3000.0, "亿元", Qualifier::AtLeast)
        ]
    );
    let kinds: Vec<MechanismKind> = d.mechanisms.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        vec![
            MechanismKind::QuarterlySummary,
            MechanismKind::AnnualAssessment
        ]
    );
}

#[test]
fn city_action_plan_in_markdown() {
    let d = plan(include_str!("fixtures/other/city-action-plan.md"));
    assert_eq!(
        d.title.as_deref(),
        Some("成都市促进数字经济发展三年行动计划（2021—2023年）")
    );
    let t = &d.tasks[0];
    assert_eq!(t.path, "二.（一）.1");
    assert_eq!(t.lead, v(&["市经信局（市新经济委）"]));
    assert_eq!(t.responsible, v(&["市通信管理局", "各区（市）县政府"]));
    assert_eq!(
        (
            t.targets.len(),
            t.targets[0].value,
            t.targets[0].unit.as_str()
        ),
        (1, 1.0, "万个"),
        "5G is not a number"
    );
    let software = &d.tasks[2];
    let values: Vec<(f64, &str, bool)> = software
        .targets
        .iter()
        .map(|t| (t.value, t.unit.as_str(), t.aspirational))
        .collect();
    assert_eq!(
        values,
        vec![(2000.0, "亿元", true), (3.0, "家", false)],
        "超百亿元 describes the firms"
    );
    assert_eq!(d.indicators[1].name, "全市数字经济核心产业增加值年均增长率");
    assert!(
        d.mechanisms
            .iter()
            .any(|m| m.kind == MechanismKind::MonthlyDispatch)
    );
}

#[test]
fn county_work_plan_with_role_lines() {
    let d = plan(include_str!("fixtures/other/county-work-plan.txt"));
    assert_eq!(d.issuer.as_deref(), Some("××县人民政府办公室"));
    let first = &d.tasks[0];
    assert_eq!(
        first.lead,
        v(&["县行政审批局"]),
        "责任单位 beside 配合单位 leads"
    );
    assert_eq!(first.responsible, v(&["县直各相关部门", "各乡镇人民政府"]));
    assert_eq!(first.deadline.as_deref(), Some("2022年6月底"));
    assert_eq!(d.tasks[1].lead, v(&["县金融办"]));
    let third = &d.tasks[2];
    assert_eq!(third.targets[1].per_each.as_deref(), Some("每个乡镇"));
    assert_eq!(third.targets[1].qualifier, Qualifier::AtLeast);
    assert_eq!(d.indicators[1].qualifier, Qualifier::AtMost);
    assert!(d.review.iter().all(|f| f.field != "lead"), "{:?}", d.review);
}
