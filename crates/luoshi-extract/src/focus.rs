//! District focuses: the parks and streets a plan names for each district
//! (`江岸区以汉口文创谷、岱家山知识产权创业小镇为重点`).

use crate::model::DistrictFocus;
use crate::text::{split_ranges, trim};

/// Words that open a group sentence followed by `其中，` sentences about its members.
const GROUP_ENDINGS: [&str; 6] = ["开发区", "中心城区", "新城区", "远城区", "功能区", "城区"];

pub fn find(text: &str) -> Vec<DistrictFocus> {
    let mut out = Vec::new();
    if !["重点", "突出", "聚焦", "为主"]
        .iter()
        .any(|w| text.contains(w))
    {
        return out;
    }
    let mut group: Option<String> = None;
    for (a, b) in split_ranges(text, |c| matches!(c, '。' | '\n')) {
        let sentence = trim(&text[a..b]);
        let (in_list, sentence) = match sentence.strip_prefix("其中") {
            Some(rest) => (true, trim(rest.trim_start_matches(['，', ',', '：', ':']))),
            None => (false, sentence),
        };
        if !in_list {
            group = group_at_start(sentence);
        }
        for (c, d) in split_ranges(sentence, |c| matches!(c, '；' | ';')) {
            let statement = trim(&sentence[c..d]);
            if let Some((district, focus)) = statement_focus(statement) {
                let group = if in_list { group.clone() } else { None };
                out.push(DistrictFocus {
                    district,
                    group,
                    focus,
                });
            }
        }
    }
    out
}

fn group_at_start(sentence: &str) -> Option<String> {
    let head = sentence.split(['，', ',', '；']).next().unwrap_or(sentence);
    if !head.contains('区') {
        return None;
    }
    for ending in GROUP_ENDINGS {
        if let Some(pos) = head.find(ending) {
            let phrase = &head[..pos + ending.len()];
            if phrase.chars().count() <= 10 {
                let phrase = phrase.strip_prefix('各').unwrap_or(phrase);
                return Some(phrase.to_string());
            }
        }
    }
    None
}

/// Verbs that follow a district's name and introduce its list (`X区重点突出A、B`).
const FOCUS_VERBS: [&str; 6] = [
    "重点突出",
    "重点打造",
    "重点建设",
    "重点推进",
    "突出",
    "聚焦",
];

/// `X区以A、B为重点` or `X区重点突出A、B等…`: the district opens the statement and a focus verb
/// (or 以…为重点) follows its name directly.
fn statement_focus(statement: &str) -> Option<(String, Vec<String>)> {
    for (i, c) in statement.char_indices().take(25) {
        if !matches!(c, '区' | '县' | '市' | '）' | ')') {
            continue;
        }
        let end = i + c.len_utf8();
        let district = trim(&statement[..end]);
        if !is_district(district) {
            continue;
        }
        let rest = &statement[end..];
        for verb in FOCUS_VERBS {
            if let Some(list) = rest.strip_prefix(verb) {
                let list = list.split(['，', ',']).next().unwrap_or(list);
                return Some((district.to_string(), items(list)));
            }
        }
        if let Some(rest) = rest.strip_prefix('以') {
            let list_end = rest.find("为重点").or_else(|| rest.find("为主"))?;
            return Some((district.to_string(), items(&rest[..list_end])));
        }
    }
    None
}

fn is_district(name: &str) -> bool {
    let n = name.chars().count();
    (2..=24).contains(&n)
        && !name.contains(['，', ',', '、'])
        && ["区", "县", "市", "）", ")"]
            .iter()
            .any(|e| name.ends_with(e))
}

fn items(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (a, b) in split_ranges(list, |c| c == '、') {
        for part in list[a..b].split("以及") {
            let part = match part.find('等') {
                Some(pos) if pos > 0 => &part[..pos],
                _ => part,
            };
            let part = trim(part).trim_end_matches("建设");
            if !part.is_empty() {
                out.push(part.to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn focus_lists_with_their_group() {
        let text = "各中心城区发挥综合优势，推进区域创新。其中，江岸区以汉口文创谷、岱家山知识产权创业小镇为重点；青山区以武钢大数据产业园为重点，加快推进建设。";
        let found = find(text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].district, "江岸区");
        assert_eq!(found[0].group.as_deref(), Some("中心城区"));
        assert_eq!(found[0].focus, vec!["汉口文创谷", "岱家山知识产权创业小镇"]);
        assert_eq!(found[1].focus, vec!["武钢大数据产业园"]);
    }

    #[test]
    fn highlighted_streets_with_yiji_and_deng() {
        let found = find(
            "其中，武汉经济技术开发区（汉南区）重点突出智能网联汽车示范区、南太子湖创谷以及智慧生态城等创新园区街区建设。",
        );
        assert_eq!(found[0].district, "武汉经济技术开发区（汉南区）");
        assert_eq!(
            found[0].focus,
            vec!["智能网联汽车示范区", "南太子湖创谷", "智慧生态城"]
        );
        assert_eq!(found[0].group, None);
    }
}
