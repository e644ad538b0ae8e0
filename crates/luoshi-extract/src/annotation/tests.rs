use super::*;

fn roles(content: &str) -> (Vec<String>, Vec<String>) {
    let parsed = parse(content, &mut Rules::default());
    (parsed.lead, parsed.responsible)
}

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn lead_and_responsible_with_semicolon() {
    assert_eq!(
        roles(
            "牵头单位：市发展改革委；责任单位：市科技局、市自然资源和规划局、市经济和信息化局，武汉东湖新技术开发区管委会"
        ),
        (
            v(&["市发展改革委"]),
            v(&[
                "市科技局",
                "市自然资源和规划局",
                "市经济和信息化局",
                "武汉东湖新技术开发区管委会"
            ])
        )
    );
}

#[test]
fn lead_and_cooperating_with_comma() {
    assert_eq!(
        roles("牵头单位：市商务局，配合单位：市财政局、市税务局"),
        (v(&["市商务局"]), v(&["市财政局", "市税务局"]))
    );
}

#[test]
fn splits_on_he_only_between_unit_names() {
    assert_eq!(
        roles("牵头单位：市科技局和市财政局；责任单位：市自然资源和规划局、市经济和信息化局"),
        (
            v(&["市科技局", "市财政局"]),
            v(&["市自然资源和规划局", "市经济和信息化局"])
        )
    );
}

#[test]
fn splits_once_on_ji() {
    assert_eq!(
        roles("牵头单位：各依托单位；责任单位：市财政局及有关专班单位"),
        (v(&["各依托单位"]), v(&["市财政局", "有关专班单位"]))
    );
}

#[test]
fn responsible_alone_is_flagged() {
    let parsed = parse("责任单位：市科技局、市财政局", &mut Rules::default());
    assert!(parsed.lead.is_empty());
    assert_eq!(parsed.responsible, v(&["市科技局", "市财政局"]));
    assert_eq!(parsed.flags.len(), 1);
}

#[test]
fn first_listed_rule_carries_forward() {
    let mut rules = Rules::default();
    let first = parse(
        "市科技局、市财政局等负责。列第一位者为牵头单位，下同",
        &mut rules,
    );
    assert_eq!(
        (first.lead, first.responsible),
        (v(&["市科技局"]), v(&["市财政局"]))
    );
    assert!(first.flags.is_empty());
    assert!(rules.first_listed_leads);
    let later = parse("市教育局、市民政局负责", &mut rules);
    assert_eq!(
        (later.lead, later.responsible),
        (v(&["市教育局"]), v(&["市民政局"]))
    );
    assert!(later.flags.is_empty());
}

#[test]
fn lead_marked_in_the_list_fields_that_are_not_units_and_grouped_lists() {
    let parsed = parse(
        "责任单位：市科技局、市发展改革委（牵头）、各市、州、县人民政府；完成时限：2021年12月底",
        &mut Rules::default(),
    );
    assert_eq!(parsed.lead, v(&["市发展改革委"]));
    assert_eq!(parsed.responsible, v(&["市科技局", "各市、州、县人民政府"]));
    assert_eq!(parsed.deadline.as_deref(), Some("2021年12月底"));
    assert!(parsed.flags.is_empty());
}

#[test]
fn responsible_beside_cooperating_leads() {
    assert_eq!(
        roles("责任单位：县行政审批局；配合单位：县直各相关部门、各乡镇人民政府"),
        (
            v(&["县行政审批局"]),
            v(&["县直各相关部门", "各乡镇人民政府"])
        )
    );
    assert_eq!(
        roles("责任单位：市经信局（市新经济委）牵头，市通信管理局、各区（市）县政府配合"),
        (
            v(&["市经信局（市新经济委）"]),
            v(&["市通信管理局", "各区（市）县政府"])
        )
    );
}

#[test]
fn role_lines_on_consecutive_lines_are_one_annotation() {
    let found =
        find("深化改革。\n责任单位：县行政审批局\n配合单位：各乡镇人民政府\n完成时限：2022年6月底");
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].content,
        "责任单位：县行政审批局；配合单位：各乡镇人民政府"
    );
}

#[test]
fn verb_forms() {
    assert_eq!(
        roles("市科技局牵头，市财政局、各区人民政府配合"),
        (v(&["市科技局"]), v(&["市财政局", "各区人民政府"]))
    );
    assert_eq!(roles("由市民政局负责"), (v(&["市民政局"]), v(&[])));
}

#[test]
fn brackets_inside_names_stay_and_scope_notes_come_off() {
    let parsed = parse(
        "牵头单位：市委组织部（市委人才办）；责任单位：各县（市、区）政府，各相关区人民政府〈含开发区管委会，下同〉",
        &mut Rules::default(),
    );
    assert_eq!(parsed.lead, v(&["市委组织部（市委人才办）"]));
    assert_eq!(
        parsed.responsible,
        v(&["各县（市、区）政府", "各相关区人民政府"])
    );
    assert_eq!(
        parsed.notes,
        vec![Note {
            unit: "各相关区人民政府".into(),
            note: "含开发区管委会".into(),
            carries_forward: true
        }]
    );
}

#[test]
fn finds_annotations_in_every_bracket_and_as_a_line() {
    for text in [
        "加快建设。（牵头单位：市科技局）",
        "加快建设。【牵头单位：市科技局】",
        "加快建设。〔牵头单位：市科技局〕",
        "加快建设。(牵头单位:市科技局)",
        "加快建设。\n牵头单位：市科技局",
        "加快建设。牵头单位：市科技局",
        "加快建设。（市科技局牵头）",
    ] {
        let found = find(text);
        assert_eq!(found.len(), 1, "{text}");
        let parsed = parse(&found[0].content, &mut Rules::default());
        assert_eq!(parsed.lead, v(&["市科技局"]), "{text}");
    }
}

#[test]
fn brackets_that_are_not_annotations() {
    for text in [
        "推进中国（武汉）知识产权保护中心建设。",
        "制定各区“一区一表”（附后），压实责任。",
        "建立龙头企业牵头的核心技术攻关新机制（试行）。",
    ] {
        assert!(find(text).is_empty(), "{text}");
    }
}

#[test]
fn bare_unit_list_at_the_end_is_an_annotation_with_a_flag() {
    let found = find("推进改革。（市发改委、市科技局）");
    assert_eq!(found.len(), 1);
    let parsed = parse(&found[0].content, &mut Rules::default());
    assert_eq!(parsed.lead, v(&["市发改委"]));
    assert_eq!(parsed.flags.len(), 1);
}
