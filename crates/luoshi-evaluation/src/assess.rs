//! The annual assessment (全年一考核): a score out of 100 per unit and per district — target
//! completion (each target capped at 100 %, weighted), reporting discipline (deductions for late
//! and missing reports), the office's review marks — plus bonus and deduction items, ranked within
//! groups, with the evidence behind every point.

use serde::{Deserialize, Serialize};

use crate::forecast::thousands;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssessmentRules {
    pub completion_weight: f64,
    pub discipline_weight: f64,
    pub review_weight: f64,
    /// Points off per late report.
    pub late_deduction: f64,
    /// Points off per missing report.
    pub missing_deduction: f64,
}

impl Default for AssessmentRules {
    fn default() -> AssessmentRules {
        AssessmentRules {
            completion_weight: 70.0,
            discipline_weight: 20.0,
            review_weight: 10.0,
            late_deduction: 1.0,
            missing_deduction: 2.0,
        }
    }
}

/// What one unit or district is scored on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreInput {
    pub name: String,
    pub group: Option<String>,
    /// `(weight, progress)` per target, progress as a fraction of the year's value.
    pub targets: Vec<(f64, f64)>,
    /// For those without numeric targets: the share of their due reports they made (0–1).
    pub fallback_completion: f64,
    pub late: u32,
    pub missing: u32,
    /// The office's mark, out of the review weight; `None` if not yet entered.
    pub review_mark: Option<f64>,
    /// Bonus (positive) and deduction (negative) items with their reasons.
    pub adjustments: Vec<(f64, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Score {
    pub name: String,
    pub group: Option<String>,
    pub completion: f64,
    pub discipline: f64,
    pub review: f64,
    pub adjustments: f64,
    pub total: f64,
    /// Rank within the group (1 = best; equal totals share a rank); 0 until ranked.
    pub rank: u32,
    /// Where every point came from, in words.
    pub evidence: Vec<String>,
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// Scores one unit or district.
pub fn score(input: &ScoreInput, rules: &AssessmentRules) -> Score {
    let mut evidence = Vec::new();
    let weights: f64 = input.targets.iter().map(|(w, _)| w.max(0.0)).sum();
    let (rate, how) = if weights > 0.0 {
        let reached: f64 = input
            .targets
            .iter()
            .map(|(w, p)| w.max(0.0) * p.clamp(0.0, 1.0))
            .sum();
        let rate = reached / weights;
        (
            rate,
            format!(
                "{} 项指标和无量化指标任务加权完成率 {:.1}%（单项最高按 100% 计；任务按状态计：完成或按计划 100%、滞后 50%、严重滞后或未报送 0）",
                input.targets.len(),
                rate * 100.0
            ),
        )
    } else {
        let rate = input.fallback_completion.clamp(0.0, 1.0);
        (
            rate,
            format!("无量化指标，按应报报告的报送率 {:.1}% 计", rate * 100.0),
        )
    };
    let completion = round1(rules.completion_weight * rate);
    evidence.push(format!(
        "目标完成：{how}，得 {} 分（满分 {}）",
        thousands(completion),
        thousands(rules.completion_weight)
    ));
    let deducted = f64::from(input.late) * rules.late_deduction
        + f64::from(input.missing) * rules.missing_deduction;
    let discipline = round1((rules.discipline_weight - deducted).max(0.0));
    evidence.push(format!(
        "报送纪律：迟报 {} 次（每次扣 {} 分），漏报 {} 次（每次扣 {} 分），得 {} 分（满分 {}）",
        input.late,
        thousands(rules.late_deduction),
        input.missing,
        thousands(rules.missing_deduction),
        thousands(discipline),
        thousands(rules.discipline_weight)
    ));
    let review = round1(
        input
            .review_mark
            .unwrap_or(0.0)
            .clamp(0.0, rules.review_weight),
    );
    evidence.push(match input.review_mark {
        Some(_) => format!(
            "协调办公室评议：{} 分（满分 {}）",
            thousands(review),
            thousands(rules.review_weight)
        ),
        None => format!(
            "协调办公室评议：尚未评分，计 0 分（满分 {}）",
            thousands(rules.review_weight)
        ),
    });
    let mut adjustments = 0.0;
    for (points, reason) in &input.adjustments {
        adjustments += points;
        let kind = if *points >= 0.0 { "加分" } else { "减分" };
        evidence.push(format!(
            "{kind}：{reason}（{}{} 分）",
            if *points >= 0.0 { "+" } else { "" },
            thousands(*points)
        ));
    }
    let adjustments = round1(adjustments);
    Score {
        name: input.name.clone(),
        group: input.group.clone(),
        completion,
        discipline,
        review,
        adjustments,
        total: round1((completion + discipline + review + adjustments).max(0.0)),
        rank: 0,
        evidence,
    }
}

/// Sorts by group, then by total (best first), and ranks within each group.
pub fn rank_within_groups(scores: &mut [Score]) {
    scores.sort_by(|a, b| {
        a.group
            .cmp(&b.group)
            .then(b.total.total_cmp(&a.total))
            .then(a.name.cmp(&b.name))
    });
    let mut i = 0;
    while i < scores.len() {
        let group = scores[i].group.clone();
        let mut rank = 0;
        let mut previous: Option<f64> = None;
        let mut position = 0;
        while i < scores.len() && scores[i].group == group {
            position += 1;
            if previous != Some(scores[i].total) {
                rank = position;
                previous = Some(scores[i].total);
            }
            scores[i].rank = rank;
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(
        name: &str,
        group: &str,
        targets: Vec<(f64, f64)>,
        late: u32,
        missing: u32,
    ) -> ScoreInput {
        ScoreInput {
            name: name.into(),
            group: Some(group.into()),
            targets,
            fallback_completion: 0.0,
            late,
            missing,
            review_mark: Some(8.0),
            adjustments: Vec::new(),
        }
    }

    #[test]
    fn a_score_by_hand() {
        // Targets: weight 2 at 120 % (capped at 100 %), weight 1 at 40 % → (2 + 0.4) / 3 = 80 %.
        let mut i = input("江岸区", "中心城区", vec![(2.0, 1.2), (1.0, 0.4)], 2, 1);
        i.adjustments = vec![
            (2.0, "获评国家级创新平台".into()),
            (-1.0, "数据报送失实".into()),
        ];
        let s = score(&i, &AssessmentRules::default());
        assert_eq!(s.completion, 56.0, "70 × 80 %");
        assert_eq!(s.discipline, 16.0, "20 − 2×1 − 1×2");
        assert_eq!(s.review, 8.0);
        assert_eq!(s.adjustments, 1.0);
        assert_eq!(s.total, 81.0);
        assert!(
            s.evidence[0].contains("加权完成率 80.0%"),
            "{:?}",
            s.evidence
        );
        assert!(s.evidence[1].contains("迟报 2 次") && s.evidence[1].contains("漏报 1 次"));
        assert!(
            s.evidence
                .iter()
                .any(|e| e == "加分：获评国家级创新平台（+2 分）")
        );
        assert!(
            s.evidence
                .iter()
                .any(|e| e == "减分：数据报送失实（-1 分）")
        );
    }

    #[test]
    fn discipline_and_marks_have_floors_and_ceilings() {
        let mut i = input("甲", "新城区", vec![], 30, 30);
        i.fallback_completion = 0.5;
        i.review_mark = Some(50.0);
        let s = score(&i, &AssessmentRules::default());
        assert_eq!((s.completion, s.discipline, s.review), (35.0, 0.0, 10.0));
        i.review_mark = None;
        assert!(score(&i, &AssessmentRules::default()).evidence[2].contains("尚未评分"));
    }

    #[test]
    fn ranks_are_within_groups_and_ties_share() {
        let rules = AssessmentRules::default();
        let mut scores: Vec<Score> = [
            input("江岸区", "中心城区", vec![(1.0, 1.0)], 0, 0),
            input("江汉区", "中心城区", vec![(1.0, 0.5)], 0, 0),
            input("硚口区", "中心城区", vec![(1.0, 1.0)], 0, 0),
            input("蔡甸区", "新城区", vec![(1.0, 0.2)], 0, 0),
        ]
        .iter()
        .map(|i| score(i, &rules))
        .collect();
        rank_within_groups(&mut scores);
        let ranks: Vec<(&str, u32)> = scores.iter().map(|s| (s.name.as_str(), s.rank)).collect();
        assert_eq!(
            ranks,
            [("江岸区", 1), ("硚口区", 1), ("江汉区", 3), ("蔡甸区", 1)]
        );
    }
}
