//! The whole pipeline — read, extract, resolve, render in every format — never panics on
//! arbitrary input.

use luoshi_directory::{Directory, resolve};
use luoshi_export::{Format, render};
use proptest::prelude::*;

fn pieces() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "一、",
        "（一）",
        "1.",
        "（1）",
        "①",
        "| 序号 | 重点任务 | 牵头单位 | 责任单位 |",
        "| 1 | 新增企业 5 家 | 市科技局 |  |",
        "|---|---|",
        "牵头单位：",
        "责任单位：",
        "配合单位：",
        "（",
        "）",
        "【",
        "】",
        "市发改委",
        "各区人民政府",
        "〈含开发区管委会，下同〉",
        "洪山区",
        "、",
        "，",
        "；",
        "。",
        "\n",
        "分别",
        "力争",
        "以上",
        "1—2",
        "万",
        "亿元",
        "个",
        "家",
        "其中，江岸区以",
        "为重点",
        "索引号：",
        "完成时限：",
    ]);
    prop::collection::vec(words, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn plan_fragments(text in pieces(), wuhan in any::<bool>()) {
        let document = luoshi_document::read("plan.txt", text.as_bytes());
        if let Ok(document) = document {
            let directory = if wuhan { Directory::wuhan() } else { Directory::empty() };
            let plan = resolve(luoshi_extract::extract(&document.text), &directory).draft;
            for format in [Format::Json, Format::Markdown, Format::Csv, Format::Xlsx] {
                prop_assert!(render(&plan, format).is_ok());
            }
        }
    }
}
