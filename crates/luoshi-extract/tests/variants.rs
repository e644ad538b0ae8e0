//! Whole small documents in the shapes real plans come in, each checked through `extract`.

use luoshi_extract::{Qualifier, TargetKind, extract};

fn v(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn plain_text_with_circled_and_parenthesised_numbering_running_on() {
    let doc = "某市数字经济三年行动计划\n\
一、重点任务\n\
（一）夯实数字基础\n\
1．建设5G基站 3000 个以上。（牵头单位：市通信管理局，配合单位：市经信局）\n\
2．推进数据中心建设。（责任单位：市发改委）\n\
（二）壮大数字产业\n\
3．培育数字经济企业１２０家。（市经信局牵头，各区政府配合）\n\
二、保障措施\n\
（一）加强组织领导。建立月调度机制。";
    let d = extract(doc);
    let paths: Vec<&str> = d.tasks.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(paths, vec!["一.（一）.1", "一.（一）.2", "一.（二）.3"]);
    assert_eq!(d.tasks[0].lead, v(&["市通信管理局"]));
    assert_eq!(d.tasks[0].responsible, v(&["市经信局"]));
    assert_eq!(
        d.tasks[0].targets.len(),
        1,
        "5G is a name, 3000 个以上 the target"
    );
    assert_eq!(
        (d.tasks[0].targets[0].value, d.tasks[0].targets[0].qualifier),
        (3000.0, Qualifier::AtLeast)
    );
    assert!(d.tasks[1].lead.is_empty());
    assert_eq!(d.tasks[1].responsible, v(&["市发改委"]));
    assert!(
        d.review
            .iter()
            .any(|f| f.path.as_deref() == Some("一.（一）.2") && f.field == "lead")
    );
    assert_eq!(d.tasks[2].targets[0].value, 120.0);
    assert_eq!(d.tasks[2].lead, v(&["市经信局"]));
    assert_eq!(d.tasks[2].responsible, v(&["各区政府"]));
    assert!(
        d.mechanisms
            .iter()
            .any(|m| m.kind == luoshi_extract::MechanismKind::MonthlyDispatch)
    );
}

#[test]
fn markdown_with_inconsistent_heading_levels_and_lower_numbering() {
    let doc = "# 某区工作方案\n\
## 一、主要任务\n\
#### （一）产业\n\
### 1. 招商引资\n\
（1）引进项目 20 个。【牵头单位：区商务局；责任单位：区发改局】\n\
（2）签约金额 50 亿元以上。【牵头单位：区商务局】\n\
## 二、工作要求\n\
各单位按时报送。";
    let d = extract(doc);
    let paths: Vec<&str> = d.tasks.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(paths, vec!["一.（一）.1.（1）", "一.（一）.1.（2）"]);
    assert_eq!(d.tasks[1].targets[0].unit, "亿元");
    let sections: Vec<&str> = d.sections.iter().map(|s| s.path.as_str()).collect();
    assert_eq!(sections, vec!["一", "一.（一）", "一.（一）.1", "二"]);
}

#[test]
fn first_listed_rule_stated_once_applies_later() {
    let doc = "一、主要任务\n\
1. 实施人才计划，引进高层次人才 10 名左右。（市委组织部（市委人才办）、市人社局等负责。列第一位者为牵头单位，下同）\n\
2. 推进县域创新，每个县建设创新平台2个。（各县（市、区）政府、市科技局负责）\n\
3. 建设孵化器。\n\
责任单位：市科技局、市财政局";
    let d = extract(doc);
    assert_eq!(d.tasks[0].lead, v(&["市委组织部（市委人才办）"]));
    assert_eq!(d.tasks[0].responsible, v(&["市人社局"]));
    assert_eq!(d.tasks[1].lead, v(&["各县（市、区）政府"]));
    assert_eq!(d.tasks[1].targets[0].per_each.as_deref(), Some("每个县"));
    assert_eq!(
        d.tasks[2].lead,
        v(&["市科技局"]),
        "责任单位 line after the task, rule in force"
    );
    assert_eq!(d.tasks[2].responsible, v(&["市财政局"]));
    assert!(d.review.is_empty(), "{:?}", d.review);
}

#[test]
fn page_break_inside_a_sentence_and_inside_a_number_clause() {
    let doc = "一、重点任务\n1. 加快推动光谷科技创新大走廊建设，引导产业带延伸发展，推进移动\n\n互联创谷建设，新建众创空间 15 家以上，力争引进\n\n创新团队 1到2 个。（牵头单位：市科技局）";
    let d = extract(doc);
    assert_eq!(d.tasks.len(), 1);
    assert!(d.tasks[0].text.contains("移动互联创谷"));
    let t = &d.tasks[0].targets;
    assert_eq!(t.len(), 2, "{t:?}");
    assert_eq!(
        (t[1].value, t[1].max, t[1].aspirational),
        (1.0, Some(2.0), true)
    );
}

#[test]
fn qualifiers_and_magnitudes_in_goals() {
    let doc = "一、工作目标\n\
到年底，研发投入不少于 300 亿元，科技型企业不低于1.2万家，能耗增长不超过3%，专利授权量达到两万件左右，技术交易额超过百分之十五。\n\
二、主要任务\n\
1. 推进工作。（牵头单位：市科技局）";
    let d = extract(doc);
    let got: Vec<(f64, &str, Qualifier)> = d
        .indicators
        .iter()
        .map(|i| (i.value, i.unit.as_str(), i.qualifier))
        .collect();
    assert_eq!(
        got,
        vec![
            (300.0, "亿元", Qualifier::AtLeast),
            (1.2, "万家", Qualifier::AtLeast),
            (3.0, "%", Qualifier::AtMost),
            (2.0, "万件", Qualifier::About),
            (15.0, "%", Qualifier::MoreThan),
        ]
    );
}

#[test]
fn unannotated_plan_takes_items_of_its_task_section() {
    let doc = "一、总体要求\n（一）指导思想。坚持创新驱动。\n二、重点任务\n（一）建设创新平台。新建平台 5 个。\n（二）培育企业。培育企业 100 家。\n三、保障措施\n（一）加强领导。";
    let d = extract(doc);
    let paths: Vec<&str> = d.tasks.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(paths, vec!["二.（一）", "二.（二）"]);
    assert_eq!(
        d.review.iter().filter(|f| f.field == "annotation").count(),
        2
    );
    assert_eq!(d.tasks[0].targets[0].kind, TargetKind::Target);
}

#[test]
fn chapter_and_article_numbering() {
    let doc = "第一章 总则\n第一条 为推进工作，制定本办法。\n第二章 任务\n第二条 新建实验室 3 个。（牵头单位：省科技厅）\n第三条 举办活动十场。（牵头单位：省科协）";
    let d = extract(doc);
    let paths: Vec<&str> = d.tasks.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(paths, vec!["第二章.第二条", "第二章.第三条"]);
    assert_eq!(d.tasks[1].targets[0].value, 10.0);
}

#[test]
fn duplicate_numbers_are_flagged() {
    let doc = "一、任务\n1. 甲任务。（牵头单位：市科技局）\n1. 乙任务。（牵头单位：市财政局）";
    let d = extract(doc);
    let paths: Vec<&str> = d.tasks.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(paths, vec!["一.1", "一.1-2"], "paths stay unique");
    assert!(
        d.review
            .iter()
            .any(|f| f.field == "path" && f.path.as_deref() == Some("一.1-2"))
    );
}

#[test]
fn empty_and_odd_input_gives_an_empty_draft() {
    for doc in [
        "",
        "\n\n\n",
        "没有编号的一段文字。",
        "（）【】〔〕",
        "1.\n2.\n（一）",
    ] {
        let d = extract(doc);
        assert!(d.tasks.iter().all(|t| !t.path.is_empty()), "{doc}");
    }
}

#[test]
fn unannotated_plan_without_a_task_section_takes_its_items() {
    let doc = "一、总体要求\n（一）指导思想。坚持创新驱动。\n二、聚焦重点领域\n（一）发展数字经济。新建数据中心 2 个。\n（二）发展生物医药。引进企业 10 家。\n三、保障措施\n（一）加强领导。";
    let paths: Vec<String> = extract(doc).tasks.into_iter().map(|t| t.path).collect();
    assert_eq!(paths, vec!["二.（一）", "二.（二）"]);
    let flat = "一、加快发展数字经济。新建数据中心 2 个。\n二、加快发展生物医药。引进企业 10 家。\n三、加强组织保障。";
    let paths: Vec<String> = extract(flat).tasks.into_iter().map(|t| t.path).collect();
    assert_eq!(paths, vec!["一", "二"]);
}

#[test]
fn deadline_in_brackets_and_year_from_the_title() {
    let d = extract(
        "某县2022年招商引资工作方案\n一、重点任务\n1. 签约项目 30 个。（牵头单位：县商务局）\n（完成时限：2022年12月底）",
    );
    assert_eq!(d.tasks[0].deadline.as_deref(), Some("2022年12月底"));
    assert_eq!(d.year, Some(2022));
    let span = extract(
        "某市数字经济三年行动计划（2021—2023年）\n一、重点任务\n1. 建设平台 3 个。（牵头单位：市经信局）",
    );
    assert_eq!(span.year, None);
}

#[test]
fn a_document_with_numbered_items_and_a_task_table_yields_both() {
    let doc = "某市2021年工作方案\n一、重点任务\n1. 建设创新平台。新建平台5个。（牵头单位：市科技局）\n2. 培育企业。培育企业100家。（牵头单位：市经信局）\n附件\n重点任务分工表\n序号\t工作任务\t牵头单位\t责任单位\n1\t推进项目建设\t市发改委\t各区人民政府";
    let d = extract(doc);
    let paths: Vec<&str> = d.tasks.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(paths, vec!["一.1", "一.2", "附件.1"]);
    assert_eq!(d.tasks[2].lead, vec!["市发改委".to_string()]);
    assert!(
        d.review.iter().all(|f| f.field != "path"),
        "the table's paths do not collide with the body's"
    );
}

#[test]
fn several_notes_in_a_task_merge_and_ask_once() {
    let doc = "二、主要任务\n（一）推进工业绿色生产。开展绿色设计。（工业和信息化部、商务部指导）\n推动资源化利用。（工业和信息化部、生态环境部指导）\n（二）推行农业绿色生产。建立回收体系。（农业农村部牵头，财政部参与）\n推动秸秆利用。（农业农村部、生态环境部指导）";
    let d = extract(doc);
    let first = &d.tasks[0];
    assert!(first.lead.is_empty());
    assert_eq!(
        first.responsible,
        vec!["工业和信息化部", "商务部", "生态环境部"]
    );
    let lead_flags = |path: &str| {
        d.review
            .iter()
            .filter(|f| f.field == "lead" && f.path.as_deref() == Some(path))
            .count()
    };
    assert_eq!(
        lead_flags("二.（一）"),
        1,
        "two notes without a lead ask once"
    );
    let second = &d.tasks[1];
    assert_eq!(second.lead, vec!["农业农村部"]);
    assert_eq!(
        second.responsible,
        vec!["财政部", "生态环境部"],
        "the lead is not also responsible"
    );
    assert_eq!(lead_flags("二.（二）"), 0, "another note names the lead");
}

#[test]
fn provisions_about_the_document_are_not_tasks() {
    let doc = "某市促进数字经济发展若干措施\n第一条 支持企业上云。对上云企业给予补贴。\n责任单位：市工信局\n第二条 引进人才。每年引进人才2000名以上。\n责任单位：市人社局\n第三条 本措施由市工信局负责解释。\n第四条 本措施自2024年1月1日起施行，有效期3年。";
    let d = extract(doc);
    let paths: Vec<&str> = d.tasks.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(paths, vec!["第一条", "第二条"]);
}
