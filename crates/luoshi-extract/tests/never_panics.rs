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
        // Tables: TAB-separated cells, markdown rows, header words, group rows.
        "\t",
        "|",
        "| 序号 | 重点任务 | 牵头单位 | 责任单位 |\n",
        "序号\t工作任务\t主要责任单位\t协同配合单位\n",
        "任务名称\t任务单\t限期时间\t责任人\n",
        "附件\n",
        "|---|---|\n",
        // Notes and numbers of support policies.
        "牵头负责，",
        "配合",
        "指导",
        "按职责分工负责",
        "*",
        "＊",
        "第一个逗号前为牵头单位",
        "以下均需各区（县、市）政府落实，不再一一列出",
        "等相关部门",
        "等和",
        "牵头负责领导:",
        "给予最高",
        "按不超过实际投入的",
        "的，",
        "超",
        "上限",
        "套（次）",
        "5000P",
        "个月",
        "前",
        "到2025年",
        "稳定在",
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
