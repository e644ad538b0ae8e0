//! Headline goals (主要目标): each dash item or sentence of the goals section, split into one
//! indicator per number (`…增长12%，R&D经费支出…达到3.24%` holds two).

use crate::model::{Indicator, Target};
use crate::outline::Outline;
use crate::targets::targets;
use crate::text::trim;

const CREATION_VERBS: [&str; 8] = [
    "新增", "增加", "新建", "引进", "培育", "建成", "减少", "累计",
];
const TRAILING_WORDS: [&str; 14] = [
    "稳定在",
    "保持在",
    "控制在",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "增加到",
    "增加至",
    "达到",
    "达",
    "为",
    "超过",
    "突破",
];

/// Indicators from every goals section (a section whose title names 目标).
pub fn collect(outline: &Outline, is_task: &[bool]) -> Vec<Indicator> {
    let mut out = Vec::new();
    // A goals item read as a task (`（二）主要目标。到2025年…`) still states the plan's goals.
    let goals = |i: usize| {
        let head = &outline.blocks[i].head;
        let title = head.split(['。', '：', ':']).next().unwrap_or(head);
        head.contains("目标")
            && (!is_task[i] || (title.contains("目标") && title.chars().count() <= 8))
    };
    for (index, _) in outline.blocks.iter().enumerate() {
        let is_goals = goals(index);
        let inside_goals = ancestors(outline, index).any(goals);
        if !is_goals || inside_goals {
            continue;
        }
        // `2021年的主要目标：` or `到2025年：` on a line of its own names the year of what follows.
        let mut year = None;
        for (line, text) in outline.subtree_paragraphs(index) {
            year = read_line(&text, line, year, &mut out);
        }
    }
    out
}

fn ancestors(outline: &Outline, index: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(outline.blocks[index].parent, |&p| outline.blocks[p].parent)
}

/// Reads the indicators of one paragraph; returns the year in force after it.
fn read_line(text: &str, line: usize, year: Option<i32>, out: &mut Vec<Indicator>) -> Option<i32> {
    let item = trim(text.trim_start_matches(['—', '-', '•', '·', '●', '▲', '■', '－']));
    let years = horizon_years(item);
    if item.ends_with('：') || item.ends_with(':') {
        return years.last().map(|&(_, y)| y).or(year);
    }
    let mut previous_name: Option<String> = None;
    for target in targets(item, &[]) {
        let name = name(&target, previous_name.as_deref());
        previous_name = Some(name.clone());
        let year = years
            .iter()
            .rev()
            .find(|&&(at, _)| at <= target.span.start)
            .map(|&(_, y)| y)
            .or(year);
        out.push(Indicator {
            year,
            text: target.text,
            name,
            value: target.value,
            max: target.max,
            unit: target.unit,
            qualifier: target.qualifier,
            aspirational: target.aspirational,
            line,
        });
    }
    year
}

/// Where a paragraph names the year its goals are for: `到2025年`, `2021年的主要目标`, `2020年底前`;
/// not a base year (`比2020年增长`, `在2020年基础上`). Byte offsets with years.
fn horizon_years(text: &str) -> Vec<(usize, i32)> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices('年') {
        let digits = &text[..i];
        let Some(start) = digits
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_ascii_digit())
            .last()
            .map(|(at, _)| at)
        else {
            continue;
        };
        let Ok(year) = digits[start..].parse::<i32>() else {
            continue;
        };
        let before = &text[..start];
        let after = &text[i + '年'.len_utf8()..];
        let base = ["比", "较", "与", "同", "在", "从", "自"]
            .iter()
            .any(|w| before.ends_with(w))
            && !before.ends_with("到")
            || after.starts_with("基础上")
            || after.starts_with("水平")
            || after.starts_with("度");
        if (1990..=2100).contains(&year) && digits.len() - start == 4 && !base {
            out.push((start, year));
        }
    }
    out
}

/// A short name for what the indicator measures, in the plan's words: `全社会研发投入增长12%` →
/// `全社会研发投入增长率`; `高新技术企业数量新增2000家` → `新增高新技术企业数量`; a clause that
/// starts with 占 borrows the subject of the clause before it.
fn name(target: &Target, previous: Option<&str>) -> String {
    let text = target.text.as_str();
    // Everything before the number (and before the qualifier word that leads into it).
    let quantity = crate::targets::quantities(text, &[]).into_iter().next();
    let number_at = quantity.as_ref().map_or(text.len(), |q| q.start);
    let lead_in = quantity.as_ref().map_or(number_at, |q| q.lead_in);
    let mut prefix = trim(&text[..lead_in]).to_string();
    if text[lead_in..number_at].contains("增长") || text[lead_in..number_at].contains("增速") {
        prefix.push_str("增长");
    }
    let mut growth = false;
    for word in ["增长", "增速"] {
        if let Some(stripped) = prefix.strip_suffix(word) {
            prefix = stripped.to_string();
            growth = true;
        }
    }
    for word in TRAILING_WORDS {
        if let Some(stripped) = prefix.strip_suffix(word) {
            prefix = stripped.to_string();
            break;
        }
    }
    for verb in CREATION_VERBS {
        if let Some(stripped) = prefix.strip_suffix(verb) {
            prefix = format!("{verb}{stripped}");
            break;
        }
    }
    if prefix.ends_with("实现") {
        prefix.truncate(prefix.len() - "实现".len());
    }
    // `到2025年，其中…`: the year and the connective are not part of what is measured.
    for lead in ["其中", "同时", "并且", "并"] {
        if let Some(rest) = prefix.strip_prefix(lead) {
            prefix = trim(rest).trim_start_matches(['，', ',']).to_string();
        }
    }
    for (from, to) in [("的比重", "比重"), ("的占比", "占比")] {
        prefix = prefix.replace(from, to);
    }
    for w in ["力争", "争取", "努力"] {
        prefix = prefix.replace(w, "");
    }
    if growth && target.unit == "%" {
        prefix.push_str("增长率");
    }
    // `占…比重`, `年均增长15%`: a clause without its own subject takes the one before it.
    let needs_subject = prefix.starts_with('占')
        || prefix.starts_with("年均")
        || prefix.starts_with("同比")
        || prefix.chars().count() <= 2;
    if needs_subject && let Some(previous) = previous {
        let base = ["年均增长率", "增长率", "增速", "增长"]
            .iter()
            .fold(previous.to_string(), |acc, w| {
                acc.strip_suffix(w).map(str::to_string).unwrap_or(acc)
            });
        prefix = format!("{base}{prefix}");
    }
    if prefix.is_empty() {
        target.text.clone()
    } else {
        prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<String> {
        let mut out = Vec::new();
        read_line(line, 1, None, &mut out);
        out.into_iter().map(|i| i.name).collect()
    }

    #[test]
    fn goals_with_two_horizons_keep_each_year_and_whole_subjects() {
        let mut out = Vec::new();
        let year = read_line(
            "到2020年，全国农作物耕种收综合机械化率达到70%；到2025年，全国农作物耕种收综合机械化率达到75%，全国农机总动力稳定在11亿千瓦左右。",
            3,
            None,
            &mut out,
        );
        let read: Vec<(&str, f64, Option<i32>)> = out
            .iter()
            .map(|i| (i.name.as_str(), i.value, i.year))
            .collect();
        assert_eq!(
            read,
            vec![
                ("全国农作物耕种收综合机械化率", 70.0, Some(2020)),
                ("全国农作物耕种收综合机械化率", 75.0, Some(2025)),
                ("全国农机总动力", 11.0, Some(2025)),
            ]
        );
        assert_eq!(
            year, None,
            "a sentence's year does not carry to the next paragraph"
        );
    }

    #[test]
    fn a_heading_line_names_the_year_and_base_years_are_not_horizons() {
        let mut out = Vec::new();
        let year = read_line("2021年的主要目标：", 1, None, &mut out);
        assert_eq!(year, Some(2021));
        let year = read_line("——全社会研发投入比2020年增长12%；", 2, year, &mut out);
        read_line("——其中，高新技术企业达到500家。", 3, year, &mut out);
        let years: Vec<Option<i32>> = out.iter().map(|i| i.year).collect();
        assert_eq!(years, vec![Some(2021), Some(2021)], "2020 is the base year");
        assert_eq!(out[1].name, "高新技术企业");
    }

    #[test]
    fn names_in_the_plan_s_words() {
        assert_eq!(
            names("——全社会研发投入增长12%，R&D经费支出占地区生产总值的比重达到3.24%；"),
            vec!["全社会研发投入增长率", "R&D经费支出占地区生产总值比重"]
        );
        assert_eq!(
            names("——高新技术企业数量新增2000家；"),
            vec!["新增高新技术企业数量"]
        );
        assert_eq!(
            names("数字经济核心产业增加值突破3000亿元，年均增长15%以上；建成5G基站6万个。"),
            vec![
                "数字经济核心产业增加值",
                "数字经济核心产业增加值年均增长率",
                "建成5G基站"
            ]
        );
    }
}
