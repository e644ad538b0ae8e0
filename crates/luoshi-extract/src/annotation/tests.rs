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
    assert_eq!(rules.lead_rule, Some(LeadRule::FirstListed));
    let later = parse("市教育局、市民政局负责", &mut rules);
    assert_eq!(
        (later.lead, later.responsible),
        (v(&["市教育局"]), v(&["市民政局"]))
    );
    assert!(later.flags.is_empty());
}

#[test]
fn lead_marked_in_the_list_fields_that_are_not_units_and_mechanical_splits() {
    let parsed = parse(
        "责任单位：市科技局、市发展改革委（牵头）、各市、州、县人民政府；完成时限：2021年12月底",
        &mut Rules::default(),
    );
    assert_eq!(parsed.lead, v(&["市发展改革委"]));
    // The directory, not the list splitter, knows that 各市、州、县人民政府 is one group.
    assert_eq!(
        parsed.responsible,
        v(&["市科技局", "各市", "州", "县人民政府"])
    );
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
    // `负责` names who carries the task, not who leads it.
    assert_eq!(roles("由市民政局负责"), (v(&[]), v(&["市民政局"])));
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
    assert!(parsed.lead.is_empty(), "list order names no lead");
    assert_eq!(parsed.responsible, v(&["市发改委", "市科技局"]));
    assert_eq!(parsed.flags.len(), 1);
}

#[test]
fn lead_verbs_split_the_note_at_the_verb_not_at_the_last_comma() {
    for note in [
        "市人社局牵头负责，市财政局、市税务局配合",
        "市人社局牵头，市财政局、市税务局配合",
        "市人社局牵头，市财政局、市税务局参与",
    ] {
        assert_eq!(
            roles(note),
            (v(&["市人社局"]), v(&["市财政局", "市税务局"])),
            "{note}"
        );
    }
}

#[test]
fn duty_and_guidance_verbs_name_no_lead() {
    for (note, all) in [
        (
            "市教育局、市人社局按职责分工负责",
            v(&["市教育局", "市人社局"]),
        ),
        ("市教育局、市人社局负责", v(&["市教育局", "市人社局"])),
        (
            "生态环境部指导，试点城市政府负责落实",
            v(&["生态环境部", "试点城市政府"]),
        ),
        ("农业农村部、商务部指导", v(&["农业农村部", "商务部"])),
        (
            "住房城乡建设部指导，各地参与",
            v(&["住房城乡建设部", "各地"]),
        ),
    ] {
        let parsed = parse(note, &mut Rules::default());
        assert!(parsed.lead.is_empty(), "{note}: {:?}", parsed.lead);
        assert_eq!(parsed.responsible, all, "{note}");
        assert_eq!(parsed.flags.len(), 1, "{note}: the lead is to be decided");
    }
}

#[test]
fn a_star_marks_the_lead_and_is_not_part_of_the_name() {
    assert_eq!(
        roles("责任单位：*县人力社保局、县科技局"),
        (v(&["县人力社保局"]), v(&["县科技局"]))
    );
    assert_eq!(
        roles("责任单位：县科技局、＊县财政局"),
        (v(&["县财政局"]), v(&["县科技局"]))
    );
}

#[test]
fn lead_rules_stated_in_a_clause_apply_here_and_with_xiatong_later() {
    let mut rules = Rules::default();
    let here = parse("市经信局、市科技局负责，列第一位者为牵头单位", &mut rules);
    assert_eq!(
        (here.lead, here.responsible),
        (v(&["市经信局"]), v(&["市科技局"]))
    );
    assert_eq!(
        rules.lead_rule, None,
        "no 下同: the rule stays in this note"
    );
    assert!(here.flags.is_empty());

    let mut rules = Rules::default();
    let first = parse(
        "市发改委、市科技局，市财政局负责。第一个逗号前为牵头单位，下同",
        &mut rules,
    );
    assert_eq!(
        (first.lead, first.responsible),
        (v(&["市发改委", "市科技局"]), v(&["市财政局"]))
    );
    let later = parse("市商务局，市税务局、市财政局按职责分工负责", &mut rules);
    assert_eq!(
        (later.lead, later.responsible),
        (v(&["市商务局"]), v(&["市税务局", "市财政局"]))
    );
    let one = parse("市民政局负责", &mut rules);
    assert_eq!((one.lead, one.responsible), (v(&["市民政局"]), v(&[])));
}

#[test]
fn inheritance_clauses_are_not_units_and_carry_their_units_forward() {
    let mut rules = Rules::default();
    let parsed = parse(
        "生态环境部指导，试点城市政府负责落实。以下均需试点城市政府落实，不再列出",
        &mut rules,
    );
    assert_eq!(parsed.responsible, v(&["生态环境部", "试点城市政府"]));
    assert_eq!(rules.inherited, v(&["试点城市政府"]));

    let mut rules = Rules::default();
    let parsed = parse(
        "责任单位：市数据局，各县区人民政府、市各功能区管委会，以下均涉及各县区、功能区，不再重复列出",
        &mut rules,
    );
    assert_eq!(
        parsed.responsible,
        v(&["市数据局", "各县区人民政府", "市各功能区管委会"])
    );
    assert_eq!(rules.inherited, v(&["各县区", "功能区"]));

    let mut rules = Rules::default();
    let parsed = parse(
        "牵头单位：市发改委；责任单位：市科技局。以下均需各区（县、市）政府落实，不再一一列出",
        &mut rules,
    );
    assert_eq!(parsed.responsible, v(&["市科技局"]));
    assert_eq!(rules.inherited, v(&["各区（县、市）政府"]));
}

#[test]
fn vague_endings_come_off_with_a_flag_and_deng_he_splits() {
    let parsed = parse("牵头单位：市发改委等相关部门", &mut Rules::default());
    assert_eq!(parsed.lead, v(&["市发改委"]));
    assert_eq!(parsed.flags.len(), 1, "{:?}", parsed.flags);
    let parsed = parse(
        "人力资源社会保障部等有关部门和单位负责",
        &mut Rules::default(),
    );
    assert_eq!(parsed.responsible, v(&["人力资源社会保障部"]));
    let parsed = parse(
        "财政部、全国总工会等和各省级人民政府负责",
        &mut Rules::default(),
    );
    assert_eq!(
        parsed.responsible,
        v(&["财政部", "全国总工会", "各省级人民政府"])
    );
    let parsed = parse("各有关部门和单位负责", &mut Rules::default());
    assert_eq!(parsed.responsible, v(&["各有关部门和单位"]));
    let parsed = parse("责任单位：区司法局等", &mut Rules::default());
    assert_eq!(parsed.responsible, v(&["区司法局"]));
    assert_eq!(
        parsed.flags.len(),
        1,
        "only the missing lead: a bare 等 is not vague"
    );
}

#[test]
fn people_on_role_lines_are_not_units() {
    let found = find(
        "地区生产总值增长8%以上。\n牵头负责领导:金力。\n牵头责任单位:市发展改革委。\n协同责任单位:市经信局、滁州经开区管委会等,各县、市、区政府。",
    );
    assert_eq!(found.len(), 1);
    let parsed = parse(&found[0].content, &mut Rules::default());
    assert_eq!(parsed.lead, v(&["市发展改革委"]));
    assert_eq!(
        parsed.responsible,
        v(&["市经信局", "滁州经开区管委会", "各县", "市", "区政府"])
    );
}

#[test]
fn a_rule_printed_as_its_own_paragraph() {
    assert_eq!(
        rule_in_paragraph("注：各项任务中列第一位的为牵头单位。"),
        Some(LeadRule::FirstListed)
    );
    assert_eq!(
        rule_in_paragraph("（各项任务第一个逗号前为牵头单位）"),
        Some(LeadRule::BeforeFirstComma)
    );
    assert_eq!(
        rule_in_paragraph("建立龙头企业牵头、高校院所参与的创新联合体，支持第一批单位先行先试。"),
        None
    );
}

#[test]
fn more_lead_verbs() {
    assert_eq!(
        roles("市科技局为牵头单位，市财政局配合落实"),
        (v(&["市科技局"]), v(&["市财政局"]))
    );
    assert_eq!(
        roles("由市商务局牵头落实，市发改委、市财政局协同"),
        (v(&["市商务局"]), v(&["市发改委", "市财政局"]))
    );
}
