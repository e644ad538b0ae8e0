//! Numeric targets in a task's text: value, range, unit, qualifier, whether aspirational, whether
//! it applies to each member of a group, and whether it counts what already exists.

use crate::model::{Qualifier, Span, SupportMeasure, Target, TargetKind};
use crate::numbers::{Number, arabic_at, chinese_at};
use crate::support::{self, Reading};
use crate::text::{is_cjk, is_clause_break, is_space, split_ranges, trim, trim_punct};

/// A number with its unit and qualifier as found in a text.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// Byte range from the number (or a leading qualifier word after it) to the end of the unit
    /// and trailing qualifier.
    pub start: usize,
    pub end: usize,
    pub value: f64,
    pub max: Option<f64>,
    pub unit: String,
    pub qualifier: Qualifier,
    /// Byte offset where the pre-number qualifier word starts (equal to `start` if none).
    pub lead_in: usize,
    /// Where the unit ends; what follows up to `end` is the trailing qualifier.
    pub unit_end: usize,
    /// Written in Chinese numerals (两, 十, 一百二十).
    pub chinese: bool,
}

/// Measure words, longest first so that `人次` wins over `人`.
const MEASURES: &[&str] = &[
    "个百分点",
    "个工作日",
    "工作日",
    "个小时",
    "个月",
    "分钟",
    "平方公里",
    "万千瓦时",
    "千瓦时",
    "立方米",
    "标准箱",
    "平方米",
    "万千瓦",
    "千瓦",
    "兆瓦",
    "公里",
    "千米",
    "公顷",
    "美元",
    "人次",
    "家次",
    "项次",
    "场次",
    "户次",
    "架次",
    "课时",
    "小时",
    "所学校",
    "倍",
    "家",
    "个",
    "项",
    "场",
    "名",
    "人",
    "次",
    "所",
    "座",
    "条",
    "台",
    "套",
    "件",
    "批",
    "类",
    "户",
    "支",
    "部",
    "种",
    "篇",
    "处",
    "栋",
    "艘",
    "辆",
    "吨",
    "元",
    "天",
    "日",
    "周",
    "亩",
    "只",
    "株",
    "头",
    "张",
    "本",
    "册",
    "份",
    "笔",
    "宗",
    "起",
    "门",
    "间",
    "床",
    "站",
    "片",
    "块",
    "幢",
    "位",
    "组",
    "%",
];

/// Measure words that only count as a unit after a magnitude (`30万`), never alone.
const MAGNITUDES: [&str; 5] = ["万亿", "千万", "百万", "亿", "万"];

const PRE_QUALIFIERS: &[(&str, Qualifier)] = &[
    ("不少于", Qualifier::AtLeast),
    ("不低于", Qualifier::AtLeast),
    ("不下于", Qualifier::AtLeast),
    ("至少", Qualifier::AtLeast),
    ("不超过", Qualifier::AtMost),
    ("不高于", Qualifier::AtMost),
    ("不多于", Qualifier::AtMost),
    ("控制在", Qualifier::AtMost),
    ("压缩至", Qualifier::AtMost),
    ("压缩到", Qualifier::AtMost),
    ("压减至", Qualifier::AtMost),
    ("缩短至", Qualifier::AtMost),
    ("缩短到", Qualifier::AtMost),
    ("降低至", Qualifier::AtMost),
    ("降低到", Qualifier::AtMost),
    ("降至", Qualifier::AtMost),
    ("减少至", Qualifier::AtMost),
    ("低于", Qualifier::AtMost),
    ("超过", Qualifier::MoreThan),
    ("上限", Qualifier::AtMost),
    ("高于", Qualifier::MoreThan),
    ("多于", Qualifier::MoreThan),
    ("突破", Qualifier::MoreThan),
    ("逾", Qualifier::MoreThan),
    ("超", Qualifier::MoreThan),
    ("大约", Qualifier::About),
    ("约", Qualifier::About),
    ("近", Qualifier::About),
    ("达到", Qualifier::Exact),
    ("达", Qualifier::Exact),
    ("提高到", Qualifier::Exact),
    ("提高至", Qualifier::Exact),
    ("提升到", Qualifier::Exact),
    ("提升至", Qualifier::Exact),
    ("增加到", Qualifier::Exact),
    ("增加至", Qualifier::Exact),
    ("增长", Qualifier::Exact),
];

const POST_QUALIFIERS: [(&str, Qualifier); 9] = [
    ("及以上", Qualifier::AtLeast),
    ("以上", Qualifier::AtLeast),
    ("左右", Qualifier::About),
    ("上下", Qualifier::About),
    ("及以下", Qualifier::AtMost),
    ("以内", Qualifier::AtMost),
    ("以下", Qualifier::AtMost),
    ("之内", Qualifier::AtMost),
    ("以上的", Qualifier::AtLeast),
];

const RANGE_MARKS: [char; 8] = ['—', '–', '-', '－', '～', '~', '至', '到'];

const ASPIRATION: [&str; 3] = ["力争", "争取", "努力"];

/// Words before a count that make it the object of work on what exists (`对 7 个实验室`).
const EXISTING_CUES_STRONG: [&str; 7] = ["对", "现有", "已有", "已建", "依托", "围绕", "针对"];
const EXISTING_CUES_WEAK: [&str; 7] = ["推动", "整合", "聚焦", "带动", "用好", "服务", "支持"];
const IMPROVEMENT_WORDS: [&str; 9] = [
    "优化", "调整", "提升", "改造", "升级", "服务", "运行", "整合", "管理",
];

/// Byte ranges inside quotation marks and book-title marks, where numerals are names.
pub fn quoted_ranges(text: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut open: Option<(char, usize)> = None;
    for (i, c) in text.char_indices() {
        match open {
            None => {
                let close = match c {
                    '“' => '”',
                    '‘' => '’',
                    '《' => '》',
                    '「' => '」',
                    '『' => '』',
                    '"' => '"',
                    _ => continue,
                };
                open = Some((close, i));
            }
            Some((close, start)) => {
                if c == close {
                    ranges.push((start, i + c.len_utf8()));
                    open = None;
                } else if c == '\n' {
                    open = None;
                }
            }
        }
    }
    ranges
}

/// Verbs after which a count in Chinese numerals is a target (`引进两名院士`, `举办十场活动`).
const CHINESE_COUNT_VERBS: &[&str] = &[
    "新增", "新建", "建成", "引进", "培育", "举办", "组织", "召开", "开展", "完成", "实现", "支持",
    "认定", "创建", "争创", "获批", "立项", "招引", "派驻", "选派", "培训", "评选", "遴选", "达到",
    "突破", "新设", "设立", "布局",
];

/// Official writing puts counts in Arabic numerals and keeps Chinese numerals for set phrases
/// (`打造五个中心`, `四个全面`); a Chinese-numeral count is a target only with a qualifier or
/// in a clause with a verb that produces something (`引进两名院士`, `举办活动十场`).
fn is_slogan_number(text: &str, q: &Quantity) -> bool {
    if !q.chinese || q.qualifier != Qualifier::Exact || q.max.is_some() || q.unit == "%" {
        return false;
    }
    let before = &text[..q.lead_in];
    let clause = before
        .rfind(is_clause_break)
        .map_or(before, |pos| &before[pos..]);
    !CHINESE_COUNT_VERBS.iter().any(|v| clause.contains(v))
}

/// Cheap test before trying to read a number here: a digit, a Chinese numeral, or 百分之.
fn may_start_number(c: char) -> bool {
    crate::text::digit(c).is_some()
        || matches!(
            c,
            '零' | '〇'
                | '一'
                | '二'
                | '两'
                | '三'
                | '四'
                | '五'
                | '六'
                | '七'
                | '八'
                | '九'
                | '十'
                | '百'
                | '千'
                | '壹'
                | '贰'
                | '叁'
                | '肆'
                | '伍'
                | '陆'
                | '柒'
                | '捌'
                | '玖'
                | '拾'
                | '佰'
                | '仟'
        )
}

fn inside(ranges: &[(usize, usize)], at: usize) -> bool {
    ranges.iter().any(|&(a, b)| a <= at && at < b)
}

fn skip_spaces(text: &str, mut at: usize) -> usize {
    while let Some(c) = text[at..].chars().next() {
        if !is_space(c) || c == '\n' {
            break;
        }
        at += c.len_utf8();
    }
    at
}

fn number_at(text: &str, at: usize) -> Option<Number> {
    let rest = &text[at..];
    let n = arabic_at(rest).or_else(|| chinese_at(rest))?;
    // A lone 一 is an article (一批, 一个专班), not a count.
    if n.chinese && n.value < 2.0 {
        return None;
    }
    Some(n)
}

/// Finds every quantity in `text`, skipping quoted ranges and the `masked` byte ranges.
pub fn quantities(text: &str, masked: &[(usize, usize)]) -> Vec<Quantity> {
    let quoted = quoted_ranges(text);
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut skip_until = 0;
    for (i, c) in text.char_indices() {
        let before = prev;
        prev = Some(c);
        if i < skip_until || !may_start_number(c) {
            continue;
        }
        let mid_token = matches!(before, Some(p) if p.is_ascii_alphanumeric() || crate::text::digit(p).is_some() || matches!(p, '.' | '．' | '第'));
        if mid_token {
            continue;
        }
        let percent_words = text[i..].starts_with("百分之");
        let number_start = if percent_words {
            i + "百分之".len()
        } else {
            i
        };
        let Some(q) = quantity_at(text, i, number_start, percent_words) else {
            continue;
        };
        if inside(&quoted, i) || inside(masked, i) || is_slogan_number(text, &q) {
            continue;
        }
        skip_until = q.end;
        out.push(q);
    }
    out
}

fn quantity_at(
    text: &str,
    start: usize,
    number_start: usize,
    percent_words: bool,
) -> Option<Quantity> {
    let n = number_at(text, number_start)?;
    let mut at = number_start + n.len;
    // `5G`, `3D`: a Latin letter glued to the number makes a name, unless it is a unit (`5000P`).
    if text[at..]
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && latin_measure(&text[at..]).is_none()
    {
        return None;
    }
    // `1.` / `2、` inside a sentence is list numbering.
    if let Some(c) = text[at..].chars().next()
        && matches!(c, '、' | '.' | '．')
        && !n.chinese
    {
        return None;
    }
    let mut max = None;
    let after_number = skip_spaces(text, at);
    if let Some(mark) = text[after_number..].chars().next()
        && RANGE_MARKS.contains(&mark)
    {
        let second_at = skip_spaces(text, after_number + mark.len_utf8());
        if let Some(second) = number_at(text, second_at)
            && second.chinese == n.chinese
            && second.value > n.value
        {
            max = Some(second.value);
            at = second_at + second.len;
        }
    }
    let mut qualifier = None;
    let mut unit = String::new();
    let mut cursor = skip_spaces(text, at);
    for word in ["余", "多"] {
        if text[cursor..].starts_with(word) {
            qualifier = Some(Qualifier::MoreThan);
            cursor += word.len();
            break;
        }
    }
    if percent_words {
        unit.push('%');
    } else {
        if let Some(m) = MAGNITUDES.iter().find(|m| text[cursor..].starts_with(**m)) {
            unit.push_str(m);
            cursor += m.len();
        }
        if let Some(m) = MEASURES.iter().find(|m| text[cursor..].starts_with(**m)) {
            unit.push_str(m);
            cursor += m.len();
        } else if text[cursor..].starts_with('％') {
            unit.push('%');
            cursor += '％'.len_utf8();
        } else if let Some(m) = latin_measure(&text[cursor..]) {
            unit.push_str(m);
            cursor += m.len();
        }
        // `套（次）`: a unit with its alternative in brackets is one unit.
        if !unit.is_empty()
            && let Some(alternative) = bracketed_measure(&text[cursor..])
        {
            unit.push_str(alternative);
            cursor += alternative.len();
        }
    }
    if unit.is_empty() {
        return None;
    }
    let unit_end = cursor;
    let after_unit = skip_spaces(text, cursor);
    let mut end = unit_end;
    for (word, q) in POST_QUALIFIERS {
        if text[after_unit..].starts_with(word) {
            if qualifier.is_none() {
                qualifier = Some(q);
            }
            end = after_unit + word.len();
            break;
        }
    }
    let (pre, lead_in) = pre_qualifier(text, start);
    let qualifier = if max.is_some() {
        Qualifier::Range
    } else {
        qualifier.or(pre).unwrap_or(Qualifier::Exact)
    };
    Some(Quantity {
        start,
        end,
        value: n.value,
        max,
        unit,
        qualifier,
        lead_in,
        unit_end,
        chinese: n.chinese,
    })
}

/// Units written in Latin letters: computing power (`5000P`), storage, power.
const LATIN_MEASURES: [&str; 10] = [
    "PFLOPS", "EFLOPS", "PFlops", "EFlops", "PB", "EB", "TB", "GW", "MW", "P",
];

fn latin_measure(rest: &str) -> Option<&'static str> {
    LATIN_MEASURES.iter().copied().find(|m| {
        rest.starts_with(m)
            && !rest[m.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

/// `（次）` right after a unit: `套（次）`, `人（次）`.
fn bracketed_measure(rest: &str) -> Option<&str> {
    let (open, close) = if rest.starts_with('（') {
        ('（', '）')
    } else if rest.starts_with('(') {
        ('(', ')')
    } else {
        return None;
    };
    let inner_start = open.len_utf8();
    let inner_end = rest[inner_start..].find(close)? + inner_start;
    let inner = &rest[inner_start..inner_end];
    let is_measure = (1..=2).contains(&inner.chars().count()) && MEASURES.contains(&inner);
    is_measure.then(|| &rest[..inner_end + close.len_utf8()])
}

fn pre_qualifier(text: &str, start: usize) -> (Option<Qualifier>, usize) {
    let before = text[..start].trim_end_matches(|c: char| is_space(c) && c != '\n');
    for &(word, q) in PRE_QUALIFIERS {
        if before.ends_with(word) {
            return (Some(q), before.len() - word.len());
        }
    }
    (None, start)
}

/// The numbers of one task: its targets and the support it gives.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Numbers {
    pub targets: Vec<Target>,
    pub support: Vec<SupportMeasure>,
}

/// The targets of one task. `masked` holds byte ranges (the annotation) to leave alone.
pub fn targets(text: &str, masked: &[(usize, usize)]) -> Vec<Target> {
    read_numbers(text, masked).targets
}

/// Targets and support measures of one task; numbers that are neither are left out.
pub fn read_numbers(text: &str, masked: &[(usize, usize)]) -> Numbers {
    let found = quantities(text, masked);
    let mut numbers = Numbers::default();
    if found.is_empty() {
        return numbers;
    }
    // `found` is in text order, so each clause takes the quantities that start before its end.
    let mut taken = 0;
    for (clause_start, clause_end) in split_ranges(text, is_clause_break) {
        let first_in_clause = taken;
        while taken < found.len() && found[taken].start < clause_end {
            taken += 1;
        }
        let all_in_clause = &found[first_in_clause..taken];
        let in_clause: Vec<&Quantity> = all_in_clause
            .iter()
            .enumerate()
            .filter(|(k, q)| !is_descriptor(text, q, all_in_clause.get(k + 1)))
            .map(|(_, q)| q)
            .collect();
        if in_clause.is_empty() {
            continue;
        }
        let items = if in_clause.len() > 1 {
            split_ranges(&text[clause_start..clause_end], |c| c == '、')
                .into_iter()
                .map(|(a, b)| (clause_start + a, clause_start + b))
                .collect()
        } else {
            vec![(clause_start, clause_end)]
        };
        let mut next_item = 0;
        for q in in_clause {
            let Some(item_index) = items.iter().position(|&(a, b)| q.start >= a && q.start < b)
            else {
                continue;
            };
            let first = next_item.min(item_index);
            let (span_start, span_end) = (items[first].0, items[item_index].1.max(q.end));
            next_item = item_index + 1;
            match support::reading(text, q, (clause_start, clause_end)) {
                Reading::Target => {
                    numbers
                        .targets
                        .push(target(text, q, clause_start, span_start, span_end));
                }
                Reading::Support(kind, qualifier) => {
                    let (from, to) = support::sentence_around(text, q.start, q.end);
                    numbers.support.push(SupportMeasure {
                        text: trim_punct(&text[clause_start..clause_end]).to_string(),
                        value: q.value,
                        max: q.max,
                        unit: q.unit.clone(),
                        qualifier,
                        kind,
                        purpose: trim_punct(&text[from..to]).to_string(),
                    });
                }
                Reading::Neither => {}
            }
        }
    }
    numbers
}

/// A number that describes what is counted rather than setting a target: `超百亿元软件企业3家`,
/// `千亿级产业集群`, `1亿元以上的企业达到100家`.
fn is_descriptor(text: &str, q: &Quantity, next: Option<&Quantity>) -> bool {
    if text[q.unit_end..].starts_with('级') {
        return true;
    }
    let glued_to_next = |next: &Quantity| {
        !text[q.end..next.start].contains(['、', '和', '及', '与', '，', ',', '；'])
    };
    // `超百亿元软件企业3家`: 超 describes what the next number counts; alone (`超5000P`) it
    // qualifies the target.
    if text[..q.start].ends_with('超') {
        return next.is_some_and(glued_to_next);
    }
    let has_trailing_qualifier = q.end > q.unit_end;
    match next {
        Some(next) if has_trailing_qualifier && q.qualifier == Qualifier::AtLeast => {
            !text[q.end..next.start].contains(['、', '和', '及', '与', '，'])
        }
        _ => false,
    }
}

fn target(
    text: &str,
    q: &Quantity,
    clause_start: usize,
    span_start: usize,
    span_end: usize,
) -> Target {
    let raw = &text[span_start..span_end];
    let lead_trimmed = raw.len()
        - raw
            .trim_start_matches(|c: char| is_space(c) || matches!(c, '，' | '、' | '；'))
            .len();
    let start = span_start + lead_trimmed;
    let target_text = trim_punct(&text[start..span_end]).to_string();
    let end = start + target_text.len();
    let before = &text[clause_start..q.lead_in];
    let aspirational = ASPIRATION.iter().any(|w| before.contains(w));
    // `每个乡镇至少帮扶企业5家`: 至少 governs the clause even when not next to the number.
    let qualifier = if q.qualifier == Qualifier::Exact && before.contains("至少") {
        Qualifier::AtLeast
    } else {
        q.qualifier
    };
    let per_each = per_each(before);
    let kind = kind(text, q, before, aspirational);
    let subject = subject(text, q, start, end, per_each.as_deref());
    Target {
        text: target_text,
        value: q.value,
        max: q.max,
        unit: q.unit.clone(),
        qualifier,
        aspirational,
        per_each,
        subject,
        kind,
        span: Span { start, end },
        districts: Vec::new(),
    }
}

/// `各区分别举办…` → `各区`; `每个区举办…` → `每个区`.
fn per_each(before: &str) -> Option<String> {
    for word in ["分别", "各自"] {
        if let Some(pos) = before.rfind(word) {
            let group = trim(&before[..pos]);
            let group = strip_connectives(group);
            if !group.is_empty() {
                return Some(group.to_string());
            }
        }
    }
    if let Some(pos) = before.find('每') {
        let rest = &before[pos..];
        let noun_end = [
            "个区",
            "区",
            "个县",
            "县",
            "个街道",
            "个乡镇",
            "个单位",
            "个开发区",
            "个园区",
        ]
        .iter()
        .find_map(|n| rest[3..].starts_with(n).then(|| 3 + n.len()));
        if let Some(len) = noun_end {
            return Some(rest[..len].to_string());
        }
    }
    None
}

fn strip_connectives(mut s: &str) -> &str {
    loop {
        let before = s;
        for w in ["其中", "同时", "全年", "并", "且", "年内"] {
            s = trim(s.strip_prefix(w).unwrap_or(s));
        }
        if s == before {
            return s;
        }
    }
}

fn kind(text: &str, q: &Quantity, before: &str, aspirational: bool) -> TargetKind {
    if q.qualifier != Qualifier::Exact || aspirational || q.unit.contains('%') {
        return TargetKind::Target;
    }
    let after = &text[q.end..];
    let noun_follows = after.chars().next().is_some_and(is_cjk);
    if !noun_follows {
        return TargetKind::Target;
    }
    let word = trim(before);
    let clause_rest: String = after.chars().take_while(|c| !is_clause_break(*c)).collect();
    if EXISTING_CUES_STRONG.iter().any(|c| word.ends_with(c)) {
        return TargetKind::ExistingCount;
    }
    if EXISTING_CUES_WEAK.iter().any(|c| word.ends_with(c))
        && IMPROVEMENT_WORDS.iter().any(|w| clause_rest.contains(w))
    {
        return TargetKind::ExistingCount;
    }
    TargetKind::Target
}

/// What is counted, in the plan's own words: the target text without the number, unit and the
/// words around them that only qualify it.
fn subject(text: &str, q: &Quantity, start: usize, end: usize, per_each: Option<&str>) -> String {
    let prefix_end = q.lead_in.max(start).min(end);
    let mut prefix = trim(&text[start..prefix_end]);
    if let Some(group) = per_each {
        if let Some(pos) = prefix.find(group) {
            prefix = trim(&prefix[pos + group.len()..]);
        }
        for w in ["分别", "各自"] {
            prefix = trim(prefix.strip_prefix(w).unwrap_or(prefix));
        }
    }
    for w in ASPIRATION {
        if let Some(pos) = prefix.find(w) {
            prefix = trim(&prefix[pos + w.len()..]);
        }
    }
    let suffix = if q.end < end {
        trim(&text[q.end..end])
    } else {
        ""
    };
    let suffix = suffix.strip_prefix('的').unwrap_or(suffix);
    let mut subject = String::new();
    subject.push_str(prefix);
    subject.push_str(suffix);
    trim_punct(&subject).to_string()
}

#[cfg(test)]
mod tests;
