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
    let number_at = text
        .find(|c: char| c.is_ascii_digit() || ('０'..='９').contains(&c))
        .unwrap_or(text.len());
    let mut prefix = trim(&text[..number_at]).to_string();
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
    if prefix.starts_with('占')
        && let Some(previous) = previous
    {
        let base = ["增长率", "增速", "增长"]
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
