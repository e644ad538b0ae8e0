//! Which numbers of a task are targets. Many plans (若干措施, 行动计划) are full of numbers that
//! are not: support given to beneficiaries (`给予最高100万元奖励`, `按不超过实际投入的30%给予补助`),
//! eligibility conditions (`营收首次达到2000万元的`), durations (`最长6个月`), ordinals (`前50名`)
//! and counts of the document's own items (`知识产权保护方面5项`). Support is kept as a
//! [`SupportMeasure`](crate::model::SupportMeasure); the rest is dropped.

use crate::model::{Qualifier, SupportKind};
use crate::targets::Quantity;
use crate::text::{is_sentence_end, trim};

/// What a number found in a task's text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    Target,
    Support(SupportKind, Qualifier),
    /// A condition, a duration, an ordinal or a count of items: neither target nor support.
    Neither,
}

/// Words that make money something handed out (`给予最高100万元奖励`, `每月1000元`,
/// `5000万元算力券`).
const GIVING_CUES: &[&str] = &[
    "给予",
    "奖励",
    "奖补",
    "补贴",
    "补助",
    "资助",
    "扶持",
    "贴息",
    "券",
    "最高",
    "上限",
    "每家",
    "每个",
    "每月",
    "每人",
    "每户",
    "每场",
    "单个",
    "单项",
    "单场",
    "单笔",
    "同一",
    "一次性",
    "发放",
    "返还",
    "减免",
    "报销",
];

/// Funds, credit and loans: support when stated as a size (`信贷额度不低于50亿元`), a target when
/// the plan commits to producing them (`新增普惠小微贷款5亿元`).
const FUND_CUES: &[&str] = &[
    "贷款",
    "担保",
    "额度",
    "经费",
    "专项资金",
    "扶持资金",
    "奖励资金",
    "补助资金",
    "基金",
    "授信",
    "信贷",
];

/// Verbs of a commitment to reach or produce something (`完成投资500亿元`, `增长20%`).
const TARGET_VERBS: &[&str] = &[
    "达到", "完成", "实现", "突破", "增长", "新增", "提高", "提升", "争取", "招引", "引进", "累计",
    "超过",
];

/// Words that say a sentence is about money even where a number lacks its 元.
const MONEY_WORDS: &[&str] = &[
    "元", "金额", "资金", "经费", "奖励", "补贴", "补助", "资助", "扶持", "贴息",
];

/// Words that make a percentage a share of what a beneficiary spends or pays.
const RATE_CUES: &[&str] = &[
    "补贴",
    "补助",
    "奖励",
    "贴息",
    "返还",
    "资助",
    "扶持",
    "减免",
    "给予",
    "报销",
    "优惠",
    "折扣",
    "最高",
    "费用",
    "利息",
    "利率",
    "投资额",
    "投入的",
    "金额的",
    "费的",
];

/// Words that make a duration a benefit (`7天免费住宿`, `最长6个月`).
const DURATION_BENEFIT_CUES: &[&str] = &[
    "免费", "免租", "减免", "给予", "补贴", "最长", "优惠", "支持", "提供",
];

/// Verbs after which a duration is a commitment to reach (`审批时间压缩至5个工作日`).
const DURATION_TARGET_VERBS: &[&str] = &[
    "压缩至",
    "压缩到",
    "压减至",
    "压减到",
    "缩短至",
    "缩短到",
    "控制在",
    "减少至",
    "减少到",
    "降至",
    "降低至",
    "降低到",
    "提速至",
];

/// Units of time: a number with one of these is a period, not a count.
pub const DURATION_UNITS: &[&str] = &[
    "个工作日",
    "工作日",
    "个小时",
    "小时",
    "分钟",
    "个月",
    "天",
    "日",
    "周",
];

pub fn is_duration(unit: &str) -> bool {
    DURATION_UNITS.contains(&unit)
}

fn is_money(unit: &str) -> bool {
    unit.ends_with('元')
}

/// The sentence (to `。`, `；`) around the bytes `start..end`.
pub fn sentence_around(text: &str, start: usize, end: usize) -> (usize, usize) {
    let is_end = |c: char| is_sentence_end(c) || matches!(c, '；' | ';');
    let from = text[..start]
        .char_indices()
        .rev()
        .find(|(_, c)| is_end(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let to = text[end..]
        .char_indices()
        .find(|(_, c)| is_end(*c))
        .map_or(text.len(), |(i, _)| end + i);
    (from, to)
}

/// Reads one quantity `q` of `text`; `clause` is the comma clause it sits in.
pub fn reading(text: &str, q: &Quantity, clause: (usize, usize)) -> Reading {
    let (sentence_start, sentence_end) = sentence_around(text, q.start, q.end);
    let sentence = &text[sentence_start..sentence_end];
    let clause_text = trim(&text[clause.0..clause.1]);
    let before_in_clause = &text[clause.0..q.lead_in.max(clause.0)];
    let after = &text[q.end..clause.1.max(q.end)];
    let has = |cues: &[&str], within: &str| cues.iter().any(|c| within.contains(c));
    let cap = if ["最高", "上限", "不超过", "最多", "最长"]
        .iter()
        .any(|w| before_in_clause.contains(w))
    {
        Qualifier::AtMost
    } else {
        q.qualifier
    };

    // `前50名`, `排名前10`: ordinals.
    if before_in_clause.ends_with('前') || before_in_clause.ends_with("排名") {
        return Reading::Neither;
    }
    // `10个方面190项重点工作`, `知识产权保护方面5项`: counts of the plan's own items.
    if after.starts_with("方面")
        || before_in_clause.ends_with("方面")
        || (matches!(q.unit.as_str(), "项" | "条")
            && ["重点工作", "重点任务", "任务", "措施", "举措", "政策"]
                .iter()
                .any(|w| text[q.unit_end..].starts_with(w)))
    {
        return Reading::Neither;
    }
    // `对营收首次达到2000万元的`, `正常经营18个月以上的`: who qualifies, not what to reach.
    // `对年营业收入首次突破1亿元的企业，给予…`: a number inside 对…的 says who qualifies.
    let in_beneficiary = clause_text.starts_with('对')
        && !before_in_clause.contains("给予")
        && after
            .find('的')
            .is_some_and(|at| !after[..at].contains("给予"));
    if clause_is_condition(clause_text) || in_beneficiary {
        return Reading::Neither;
    }
    // `最高50万`, `30万` in a sentence about money: 元 left unprinted.
    let bare_money = matches!(q.unit.as_str(), "万" | "亿" | "千万" | "百万" | "万亿")
        && has(MONEY_WORDS, sentence);
    // A cue in the number's own clause decides; one elsewhere in the sentence only when this
    // clause does not read as a commitment (`技术合同成交额达到1000亿元，对…给予奖励`).
    let commits = has(TARGET_VERBS, clause_text);
    let cued = |cues: &[&str]| has(cues, clause_text) || (has(cues, sentence) && !commits);
    let funded = cued(GIVING_CUES) || (has(FUND_CUES, sentence) && !commits);
    if (is_money(&q.unit) || bare_money) && funded {
        return Reading::Support(SupportKind::Funding, cap);
    }
    if q.unit == "%" && (cued(RATE_CUES) || rate_of_spending(before_in_clause)) {
        return Reading::Support(SupportKind::Rate, cap);
    }
    if is_duration(&q.unit) {
        let up_to_number = trim(&text[clause.0..q.start.max(clause.0)]);
        if DURATION_TARGET_VERBS
            .iter()
            .any(|v| up_to_number.ends_with(v) || before_in_clause.ends_with(v))
        {
            return Reading::Target;
        }
        if has(DURATION_BENEFIT_CUES, clause_text) {
            return Reading::Support(SupportKind::Duration, cap);
        }
        return Reading::Neither;
    }
    if sentence.contains("名额") && !is_money(&q.unit) {
        return Reading::Support(SupportKind::Quota, cap);
    }
    Reading::Target
}

/// `按不超过实际投入的30%`: a share of what someone spends.
fn rate_of_spending(before: &str) -> bool {
    before
        .rfind('按')
        .is_some_and(|pos| before[pos..].contains('的'))
}

/// A clause that says who qualifies (`…达到2000万元的`, `连续2年达到50万元`, `35岁以下`).
fn clause_is_condition(clause: &str) -> bool {
    let clause = clause.trim_end_matches(['）', ')']);
    clause.ends_with('的')
        || clause.starts_with("符合")
        || clause.starts_with("凡")
        || clause.contains("连续")
        || clause.contains("首次达到")
}

#[cfg(test)]
mod tests {
    use crate::model::{Qualifier, SupportKind};
    use crate::targets::read_numbers;

    fn split(text: &str) -> (Vec<String>, Vec<(String, SupportKind, Qualifier)>) {
        let numbers = read_numbers(text, &[]);
        (
            numbers
                .targets
                .iter()
                .map(|t| format!("{}{}", t.value, t.unit))
                .collect(),
            numbers
                .support
                .iter()
                .map(|s| (format!("{}{}", s.value, s.unit), s.kind, s.qualifier))
                .collect(),
        )
    }

    #[test]
    fn money_handed_out_is_support_not_target() {
        for (text, amount, qualifier) in [
            (
                "对认定的企业给予最高100万元奖励。",
                "100万元",
                Qualifier::AtMost,
            ),
            (
                "每年发放不超过5000万元算力券。",
                "5000万元",
                Qualifier::AtMost,
            ),
            ("服务券规模不少于10亿元。", "10亿元", Qualifier::AtLeast),
            (
                "合作银行信贷额度不低于50亿元。",
                "50亿元",
                Qualifier::AtLeast,
            ),
            ("发放生活补贴每月1000元。", "1000元", Qualifier::Exact),
        ] {
            let (targets, support) = split(text);
            assert!(targets.is_empty(), "{text}: {targets:?}");
            assert_eq!(
                support,
                vec![(amount.to_string(), SupportKind::Funding, qualifier)],
                "{text}"
            );
        }
    }

    #[test]
    fn a_share_of_spending_is_a_rate() {
        let (targets, support) = split("按不超过实际投入的30%给予补助。");
        assert!(targets.is_empty());
        assert_eq!(
            support,
            vec![("30%".to_string(), SupportKind::Rate, Qualifier::AtMost)]
        );
        let (targets, support) = split("对购置智能农机的给予不超过30%的购置补贴。");
        assert!(targets.is_empty());
        assert_eq!(
            support,
            vec![("30%".to_string(), SupportKind::Rate, Qualifier::AtMost)]
        );
        let (targets, support) = split("给予同期贷款市场报价利率最高50%的贴息。");
        assert!(targets.is_empty());
        assert_eq!(support[0].1, SupportKind::Rate);
    }

    #[test]
    fn conditions_durations_ordinals_and_item_counts_are_neither() {
        for text in [
            "对正常经营6、18个月以上的，分别给予奖励。",
            "对年薪连续2年达到50万元的人才，给予奖励。",
            "评选前50名优秀项目。",
            "重点围绕知识产权保护方面5项举措。",
            "企业营收首次达到2000万元的，给予奖励。",
            "对年营业收入首次突破1亿元、5亿元的企业，分别给予奖励。",
            "组织失业青年参加3—12个月的就业见习。",
            "24小时在线受理。",
        ] {
            let (targets, _) = split(text);
            assert!(targets.is_empty(), "{text}: {targets:?}");
        }
        let (targets, support) = split("提供7天免费住宿，最长6个月。");
        assert!(targets.is_empty());
        assert_eq!(
            support.iter().map(|s| s.1).collect::<Vec<_>>(),
            vec![SupportKind::Duration, SupportKind::Duration]
        );
        assert_eq!(support[1].2, Qualifier::AtMost);
    }

    #[test]
    fn targets_stay_targets() {
        for (text, expected) in [
            ("全市建成OPC社区20个以上。", "20个"),
            ("总面积不低于10万平方米。", "10万平方米"),
            ("技术合同成交额达到1000亿元。", "1000亿元"),
            ("审批时间压缩至5个工作日。", "5个工作日"),
            ("综合利用率达到75%以上。", "75%"),
            (
                "技术合同成交额达到1000亿元，对贡献突出的给予奖励。",
                "1000亿元",
            ),
            ("争取中央和省级资金10亿元。", "10亿元"),
            ("新增普惠小微贷款5亿元。", "5亿元"),
            ("高新技术企业数量增长20%，对新认定的企业给予补贴。", "20%"),
        ] {
            let (targets, support) = split(text);
            assert_eq!(targets, vec![expected.to_string()], "{text}");
            assert!(support.is_empty(), "{text}: {support:?}");
        }
    }
}
