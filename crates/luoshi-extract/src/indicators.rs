//! Headline goals (主要目标): each dash item or sentence of the goals section, split into one
//! indicator per number (`…增长12%，R&D经费支出…达到3.24%` holds two).

use crate::model::{Indicator, Target};
use crate::outline::Outline;
use crate::targets::targets;
use crate::text::trim;

const CREATION_VERBS: [&str; 8] = [
    "新增", "增加", "新建", "引进", "培育", "建成", "减少", "累计",
];
const TRAILING_WORDS: [&str; 6] = ["达到", "达", "为", "超过", "突破", "实现"];

/// Indicators from every goals section (a section whose title names 目标).
pub fn collect(outline: &Outline, is_task: &[bool]) -> Vec<Indicator> {
    let mut out = Vec::new();
    for (index, block) in outline.blocks.iter().enumerate() {
        let is_goals = block.head.contains("目标") && !is_task[index];
        let inside_goals = ancestors(outline, index)
            .any(|a| outline.blocks[a].head.contains("目标") && !is_task[a]);
        if !is_goals || inside_goals {
            continue;
        }
        for (line, text) in outline.subtree_paragraphs(index) {
            read_line(&text, line, &mut out);
        }
    }
    out
}

fn ancestors(outline: &Outline, index: usize) -> impl Iterator<Item = usize> + '_ {
    std::iter::successors(outline.blocks[index].parent, |&p| outline.blocks[p].parent)
}

fn read_line(text: &str, line: usize, out: &mut Vec<Indicator>) {
    let item = trim(text.trim_start_matches(['—', '-', '•', '·', '●', '▲', '■', '－']));
    if item.ends_with('：') || item.ends_with(':') {
        return;
    }
    let mut previous_name: Option<String> = None;
    for target in targets(item, &[]) {
        let name = name(&target, previous_name.as_deref());
        previous_name = Some(name.clone());
        out.push(Indicator {
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
        read_line(line, 1, &mut out);
        out.into_iter().map(|i| i.name).collect()
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
