//! Markdown: the plan's header, its indicators, the task table and what is left to review.

use std::fmt::Write;

use luoshi_extract::PlanDraft;

use crate::table::{HEADERS, amount, rows};

pub fn to_markdown(plan: &PlanDraft) -> String {
    let mut out = String::new();
    let title = plan
        .plan_title
        .as_deref()
        .or(plan.title.as_deref())
        .unwrap_or("实施方案");
    let _ = writeln!(out, "# {}\n", escape(title));
    let facts = [
        ("发文机构", &plan.issuer),
        ("发文字号", &plan.doc_number),
        ("索引号", &plan.index_no),
        ("成文日期", &plan.date_written),
        ("发布日期", &plan.date_published),
    ];
    for (label, value) in facts {
        if let Some(value) = value {
            let _ = writeln!(out, "- {label}：{}", escape(value));
        }
    }
    if !plan.indicators.is_empty() {
        let _ = writeln!(
            out,
            "\n## 主要目标\n\n| 指标 | 目标值 | 原文 |\n|---|---|---|"
        );
        for i in &plan.indicators {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                escape(&i.name),
                escape(&amount(i.value, i.max, &i.unit, i.qualifier)),
                escape(&i.text)
            );
        }
    }
    let _ = writeln!(
        out,
        "\n## 任务分解表\n\n| {} |\n|{}",
        HEADERS.join(" | "),
        "---|".repeat(HEADERS.len())
    );
    for row in rows(plan) {
        let cells: Vec<String> = if row.task_rows == 0 {
            vec![
                String::new(),
                String::new(),
                escape(&row.target),
                String::new(),
                String::new(),
                escape(&row.note),
            ]
        } else {
            row.cells().iter().map(|c| escape(c)).collect()
        };
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if !plan.review.is_empty() {
        let _ = writeln!(out, "\n## 待核对事项（{} 项）\n", plan.review.len());
        for flag in &plan.review {
            let place = match (&flag.path, flag.line) {
                (Some(path), Some(line)) => format!("{path}（第 {line} 行）"),
                (Some(path), None) => path.clone(),
                (None, Some(line)) => format!("第 {line} 行"),
                (None, None) => "全文".into(),
            };
            let _ = writeln!(out, "- {place}：{}", escape(&flag.reason));
        }
    }
    out
}

/// Table cells cannot hold `|` or line breaks.
fn escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}
