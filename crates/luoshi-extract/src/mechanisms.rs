//! The mechanisms that carry the plan out: one table per district (一区一表) and the cadence of
//! monthly dispatch, quarterly summary, half-year review and annual assessment.

use crate::model::{Mechanism, MechanismKind};
use crate::text::{split_ranges, trim, trim_punct};

struct Cadence {
    kind: MechanismKind,
    slogans: &'static [&'static str],
    /// Words that open a sentence describing this step of the cadence.
    time_words: &'static [&'static str],
}

const CADENCE: [Cadence; 4] = [
    Cadence {
        kind: MechanismKind::MonthlyDispatch,
        slogans: &[
            "每月一调度",
            "每月一通报",
            "每月调度",
            "按月调度",
            "月度调度",
            "月调度",
            "月通报",
        ],
        time_words: &["每月", "按月"],
    },
    Cadence {
        kind: MechanismKind::QuarterlySummary,
        slogans: &[
            "每季一小结",
            "季度通报",
            "按季通报",
            "季度调度",
            "每季度一小结",
            "每季一通报",
            "每季度通报",
            "季度小结",
            "季小结",
            "季通报",
        ],
        time_words: &["每季", "按季"],
    },
    Cadence {
        kind: MechanismKind::SemiannualReview,
        slogans: &[
            "半年一讲评",
            "半年一总结",
            "半年一评估",
            "半年讲评",
            "半年总结",
        ],
        time_words: &["半年", "年中"],
    },
    Cadence {
        kind: MechanismKind::AnnualAssessment,
        slogans: &[
            "全年一考核",
            "年终一考核",
            "年终考核",
            "年度考核",
            "年底考核",
            "全年考核",
        ],
        time_words: &["年终", "年底", "年末"],
    },
];

/// Mechanisms stated in one block of text (`path`, `title` say where).
pub fn find(path: &str, title: &str, text: &str, out: &mut Vec<Mechanism>) {
    let mention = |kind, text: String, detail| Mechanism {
        path: path.to_string(),
        title: title.to_string(),
        kind,
        text,
        detail,
    };
    if text.contains('表')
        && let Some(clause) = clauses(text).into_iter().find(|c| is_district_table(c))
    {
        out.push(mention(MechanismKind::DistrictTable, clause, None));
    }
    for cadence in &CADENCE {
        let Some(slogan) = cadence.slogans.iter().find(|s| text.contains(**s)) else {
            continue;
        };
        let detail = detail(text, cadence);
        out.push(mention(cadence.kind, (*slogan).to_string(), detail));
    }
    if title.contains("宣传") {
        let sentences: Vec<String> = split_ranges(text, |c| c == '。')
            .into_iter()
            .map(|(a, b)| trim_punct(&text[a..b]).to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if let Some(first) = sentences.first() {
            out.push(mention(
                MechanismKind::Publicity,
                first.clone(),
                sentences.get(1).cloned(),
            ));
        }
    }
}

fn clauses(text: &str) -> Vec<String> {
    split_ranges(text, |c| matches!(c, '，' | '。' | '；' | '\n'))
        .into_iter()
        .map(|(a, b)| trim_punct(&text[a..b]).to_string())
        .collect()
}

/// `一区一表`, `一县一表`, `一单位一表`.
fn is_district_table(clause: &str) -> bool {
    clause.char_indices().any(|(i, c)| {
        c == '一' && {
            let rest = &clause[i + c.len_utf8()..];
            rest.char_indices()
                .take(4)
                .any(|(j, d)| d == '一' && rest[j + d.len_utf8()..].starts_with('表'))
        }
    })
}

/// The sentence that says how this step is done, without the sentence that only lists slogans.
fn detail(text: &str, cadence: &Cadence) -> Option<String> {
    for (a, b) in split_ranges(text, |c| c == '。') {
        let sentence = &text[a..b];
        if CADENCE
            .iter()
            .any(|c| c.slogans.iter().any(|s| sentence.contains(s)))
        {
            continue;
        }
        // Clauses that open with a time word start a new step; the rest belong to the step before.
        let mut current: Option<&Cadence> = None;
        let mut collected: Vec<&str> = Vec::new();
        for (c, d) in split_ranges(sentence, |ch| matches!(ch, '，' | '；')) {
            let clause = trim(&sentence[c..d]);
            if let Some(step) = CADENCE
                .iter()
                .find(|k| k.time_words.iter().any(|w| clause.starts_with(w)))
            {
                if current.is_some_and(|k| k.kind == cadence.kind) {
                    break;
                }
                current = Some(step);
            }
            if current.is_some_and(|k| k.kind == cadence.kind) && !clause.is_empty() {
                collected.push(clause);
            }
        }
        if !collected.is_empty() {
            return Some(collected.join("，"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cadence_with_details() {
        let text = "实行每月一调度、每季一小结、半年一讲评、全年一考核推进机制。每月召开工作调度会，推进落实落地。每季度总结交流，协调解决问题。半年召开一次工作讲评会，年终进行一次综合考核。";
        let mut out = Vec::new();
        find("三.（二）", "建立常态高效推进机制", text, &mut out);
        let kinds: Vec<MechanismKind> = out.iter().map(|m| m.kind).collect();
        assert_eq!(
            kinds,
            vec![
                MechanismKind::MonthlyDispatch,
                MechanismKind::QuarterlySummary,
                MechanismKind::SemiannualReview,
                MechanismKind::AnnualAssessment
            ]
        );
        assert_eq!(
            out[0].detail.as_deref(),
            Some("每月召开工作调度会，推进落实落地")
        );
        assert_eq!(out[2].detail.as_deref(), Some("半年召开一次工作讲评会"));
        assert_eq!(out[3].detail.as_deref(), Some("年终进行一次综合考核"));
    }

    #[test]
    fn district_table_in_other_wordings() {
        for text in [
            "制定各区“一区一表”（附后），压实责任。",
            "建立“一县一表”工作台账。",
        ] {
            let mut out = Vec::new();
            find("三", "机制", text, &mut out);
            assert_eq!(out.len(), 1, "{text}");
            assert_eq!(out[0].kind, MechanismKind::DistrictTable);
        }
    }
}
