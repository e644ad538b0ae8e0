use super::*;

fn one(text: &str) -> Target {
    let found = targets(text, &[]);
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    found.into_iter().next().expect("one target")
}

fn none(text: &str) {
    let found = targets(text, &[]);
    assert!(found.is_empty(), "{text}: {found:?}");
}

#[test]
fn qualifiers() {
    assert_eq!(one("新增高新技术企业 2000 家").qualifier, Qualifier::Exact);
    assert_eq!(one("建成园区 30 个以上").qualifier, Qualifier::AtLeast);
    assert_eq!(one("建成园区不少于30个").qualifier, Qualifier::AtLeast);
    assert_eq!(one("建成园区不低于30个").qualifier, Qualifier::AtLeast);
    assert_eq!(
        one("引进 10 名左右战略科技人才").qualifier,
        Qualifier::About
    );
    assert_eq!(one("增长率超过 14%").qualifier, Qualifier::MoreThan);
    assert_eq!(one("能耗不超过 500 吨").qualifier, Qualifier::AtMost);
    assert_eq!(one("成交额达到1000亿元").qualifier, Qualifier::Exact);
    assert_eq!(one("培育企业30余家").qualifier, Qualifier::MoreThan);
    assert_eq!(one("建成厂房超50万平方米").qualifier, Qualifier::MoreThan);
    assert_eq!(one("调度算力规模超5000P").qualifier, Qualifier::MoreThan);
    assert_eq!(one("每期培训上限100名").qualifier, Qualifier::AtMost);
    assert_eq!(one("总面积不低于10万平方米").qualifier, Qualifier::AtLeast);
}

#[test]
fn units_in_latin_letters_and_with_their_alternative() {
    let t = one("调度算力规模超5000P");
    assert_eq!((t.value, t.unit.as_str()), (5000.0, "P"));
    let t = one("推广应用首台套装备100套（次）以上");
    assert_eq!(
        (t.value, t.unit.as_str(), t.qualifier),
        (100.0, "套（次）", Qualifier::AtLeast)
    );
    none("建设5G基站");
    let t = one("建成厂房超50万平方米");
    assert_eq!((t.value, t.unit.as_str()), (50.0, "万平方米"));
}

#[test]
fn ranges_in_every_notation() {
    for text in [
        "力争立项 1—2 个",
        "立项1-2个",
        "立项1～2个",
        "立项1到2个",
        "立项1~2个",
        "立项两到三个",
    ] {
        let t = one(text);
        assert_eq!(t.qualifier, Qualifier::Range, "{text}");
        assert!(t.max.is_some(), "{text}");
    }
    let t = one("力争立项 1—2 个");
    assert_eq!(
        (t.value, t.max, t.unit.as_str(), t.aspirational),
        (1.0, Some(2.0), "个", true)
    );
}

#[test]
fn magnitudes_stay_in_the_unit() {
    let t = one("力争 30 万以上大学毕业生留汉就业创业");
    assert_eq!(
        (t.value, t.unit.as_str(), t.qualifier),
        (30.0, "万", Qualifier::AtLeast)
    );
    let t = one("技术合同成交额达到1000亿元");
    assert_eq!((t.value, t.unit.as_str()), (1000.0, "亿元"));
    assert_eq!(one("投入5000万元").unit, "万元");
    assert_eq!(one("完成1.2万亿元").unit, "万亿元");
}

#[test]
fn full_width_digits_and_chinese_numerals() {
    assert_eq!(one("新建载体５０家").value, 50.0);
    assert_eq!(one("引进两名院士").value, 2.0);
    assert_eq!(one("举办十场活动").value, 10.0);
    assert_eq!(one("培育一百二十家企业").value, 120.0);
    assert_eq!(one("占比提高到百分之二十").unit, "%");
}

#[test]
fn numbers_that_are_not_targets() {
    none("制定各区 2021 年度推进创新提能方案");
    none("2021年3月28日印发");
    none("打造“五个中心”");
    none("实施传统企业“百企转高”专项");
    none("推进十大高端产业发展行动");
    none("加快打造五个中心，落实两个维护");
    none("建设5G基站网络");
    none("按照一个实验室一个专班服务模式");
    none("推进第四代同步辐射光源建设");
    none("召开第一届理事会");
    none("2021—2025年");
    none("《武汉市“十四五”规划》");
    none("一是加强组织，二是强化保障");
}

#[test]
fn per_each_names_the_printed_group() {
    assert_eq!(
        one("各区分别举办对接活动 5 场以上").per_each.as_deref(),
        Some("各区")
    );
    assert_eq!(
        one("三大国家级开发区分别举办对接活动 10 场以上")
            .per_each
            .as_deref(),
        Some("三大国家级开发区")
    );
    assert_eq!(one("每个区举办活动2场").per_each.as_deref(), Some("每个区"));
    assert_eq!(one("全年组织市级大型专场对接活动 10 场以上").per_each, None);
}

#[test]
fn existing_counts() {
    assert_eq!(
        one("加强对 7 个湖北实验室的对口服务").kind,
        TargetKind::ExistingCount
    );
    assert_eq!(
        one("推动 28 家国家重点实验室优化调整").kind,
        TargetKind::ExistingCount
    );
    assert_eq!(
        one("推动 50 项以上院士专家项目落地转化").kind,
        TargetKind::Target
    );
    assert_eq!(
        one("新谋划布局 8 个重大科技基础设施").kind,
        TargetKind::Target
    );
    assert_eq!(
        one("派驻 100 名科技成果转化联络员").kind,
        TargetKind::Target
    );
}

#[test]
fn numbers_that_describe_what_is_counted() {
    let t = one("培育超百亿元软件企业3家");
    assert_eq!((t.value, t.unit.as_str()), (3.0, "家"));
    let t = one("年营业收入1亿元以上的企业达到100家");
    assert_eq!((t.value, t.unit.as_str()), (100.0, "家"));
    none("打造千亿级产业集群");
    assert_eq!(
        one("企业开办时间压缩至1个工作日以内").qualifier,
        Qualifier::AtMost
    );
    assert_eq!(one("企业开办时间压缩至1个工作日以内").unit, "个工作日");
    assert_eq!(one("每个乡镇至少帮扶企业5家").qualifier, Qualifier::AtLeast);
}

#[test]
fn two_targets_in_one_clause_are_split_at_the_enumeration_comma() {
    let found = targets("引进 10 名左右战略科技人才、200 名左右产业领军人才。", &[]);
    let texts: Vec<&str> = found.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(
        texts,
        vec!["引进 10 名左右战略科技人才", "200 名左右产业领军人才"]
    );
}

#[test]
fn aspiration_covers_its_clause_only() {
    let found = targets("力争立项 1—2 个，新增企业 20 家", &[]);
    assert_eq!(
        found.iter().map(|t| t.aspirational).collect::<Vec<_>>(),
        vec![true, false]
    );
}

#[test]
fn masked_ranges_are_skipped() {
    let text = "新增企业 20 家（牵头单位：市第2医院等3家单位）";
    let start = text.find('（').unwrap_or(0);
    assert_eq!(targets(text, &[(start, text.len())]).len(), 1);
}
