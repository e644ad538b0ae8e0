//! Arbitrary text never panics the extractor, and whatever it returns has spans inside its texts.

use proptest::prelude::*;

fn plan_like() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "一、",
        "（一）",
        "1.",
        "１．",
        "（1）",
        "①",
        "第一章",
        "牵头单位：",
        "责任单位：",
        "（",
        "）",
        "【",
        "】",
        "〔",
        "〕",
        "〈含开发区管委会，下同〉",
        "市科技局",
        "、",
        "，",
        "；",
        "。",
        "\n",
        "\n\n",
        "力争",
        "分别",
        "以上",
        "左右",
        "不超过",
        "1—2",
        "两",
        "十",
        "一百二十",
        "万",
        "亿元",
        "%",
        "个",
        "家",
        "“",
        "”",
        "《",
        "》",
        "2021年",
        "其中，",
        "江岸区以",
        "为重点",
        "每月一调度",
        "一区一表",
        " ",
        "百分之",
        "3.24",
        "５",
        "第",
        "各区",
        "等负责。列第一位者为牵头单位，下同",
    ]);
    prop::collection::vec(pieces, 0..80).prop_map(|v| v.concat())
}

fn check(text: &str) {
    let draft = luoshi_extract::extract(text);
    for task in &draft.tasks {
        for target in &task.targets {
            assert!(task.text.get(target.span.start..target.span.end).is_some());
        }
    }
    let _ = serde_json::to_string(&draft);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_unicode(text in any::<String>()) {
        check(&text);
    }

    #[test]
    fn arbitrary_chinese_plan_fragments(text in plan_like()) {
        check(&text);
    }

    #[test]
    fn arbitrary_cjk(text in "[\\u4e00-\\u9fff０-９0-9（）()、，。；：\\n 　—～%]{0,300}") {
        check(&text);
    }
}
