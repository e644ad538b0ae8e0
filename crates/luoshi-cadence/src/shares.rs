//! The districts' and responsible units' shares of targets, summed up in one sentence for the
//! bulletin's text; the share-by-share table goes to an appendix.

use luoshi_evaluation::Status;

use crate::monthly::DistrictLine;

/// How many of the units with most shares behind the sentence names.
const NAMED: usize = 3;

/// `分解到各区和责任单位的指标份额 40 项，其中滞后 5 项、未报送 2 项，涉及 4 个单位，较多的是
/// 洪山区人民政府 3 项、江岸区人民政府 2 项。`, or `None` when no target
/// is shared out this month.
pub fn summary(lines: &[DistrictLine]) -> Option<String> {
    if lines.is_empty() {
        return None;
    }
    let count = |wanted: &[Status]| {
        lines
            .iter()
            .filter(|l| wanted.contains(&l.evaluation.status))
            .count()
    };
    let parts: Vec<String> = [
        ("滞后", count(&[Status::Lagging])),
        ("未启动", count(&[Status::NotStarted])),
        ("严重滞后", count(&[Status::SeriouslyLagging])),
        ("未报送", count(&[Status::NotReported])),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(label, n)| format!("{label} {n} 项"))
    .collect();
    let total = lines.len();
    if parts.is_empty() {
        return Some(format!(
            "分解到各区和责任单位的指标份额 {total} 项，均已完成或符合序时进度。"
        ));
    }
    // Units by how many of their shares are behind or unreported, most first, ties in the order
    // the table lists them.
    let mut units: Vec<(&str, usize)> = Vec::new();
    for line in lines
        .iter()
        .filter(|l| l.evaluation.status.is_behind() || l.evaluation.status == Status::NotReported)
    {
        match units.iter_mut().find(|(u, _)| *u == line.district) {
            Some((_, n)) => *n += 1,
            None => units.push((&line.district, 1)),
        }
    }
    units.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let names: Vec<&str> = units.iter().map(|(unit, _)| *unit).collect();
    let who = match units.first() {
        // One share each: the units, not their counts.
        Some((_, 1)) if units.len() <= NAMED => format!("涉及{}", names.join("、")),
        Some((_, 1)) => format!("涉及{}等 {} 个单位", names[..NAMED].join("、"), units.len()),
        _ => {
            let most: Vec<String> = units
                .iter()
                .take(NAMED)
                .filter(|(_, n)| *n > 1)
                .map(|(unit, n)| format!("{unit} {n} 项"))
                .collect();
            format!("涉及 {} 个单位，较多的是{}", units.len(), most.join("、"))
        }
    };
    Some(format!(
        "分解到各区和责任单位的指标份额 {total} 项，其中{}，{who}。",
        parts.join("、")
    ))
}

#[cfg(test)]
mod tests {
    use luoshi_evaluation::Evaluation;

    use super::*;

    fn share(unit: &str, status: Status) -> DistrictLine {
        DistrictLine {
            target_id: 1,
            task_id: 1,
            per_each: false,
            held_by_unit: false,
            district: unit.into(),
            path: "二.1".into(),
            target: "新增企业 100 家".into(),
            share: 10.0,
            actual: None,
            unit: "家".into(),
            evaluation: Evaluation {
                status,
                pace: 0.5,
                progress: None,
                gap: None,
            },
        }
    }

    #[test]
    fn the_sentence_counts_what_is_behind_and_names_who_has_most() {
        let lines = [
            share("江岸区", Status::OnPace),
            share("江岸区", Status::Lagging),
            share("洪山区", Status::NotReported),
            share("洪山区", Status::SeriouslyLagging),
            share("洪山区", Status::Lagging),
            share("青山区", Status::NotStarted),
            share("新洲区", Status::Completed),
            share("汉阳区", Status::Lagging),
        ];
        assert_eq!(
            summary(&lines).as_deref(),
            Some(
                "分解到各区和责任单位的指标份额 8 项，其中滞后 3 项、未启动 1 项、严重滞后 1 项、未报送 1 项，涉及 4 个单位，较多的是洪山区 3 项。"
            )
        );
        assert_eq!(
            summary(&lines[..3]).as_deref(),
            Some(
                "分解到各区和责任单位的指标份额 3 项，其中滞后 1 项、未报送 1 项，涉及江岸区、洪山区。"
            )
        );
        assert_eq!(
            summary(&lines[..2]).as_deref(),
            Some("分解到各区和责任单位的指标份额 2 项，其中滞后 1 项，涉及江岸区。")
        );
        let one_each: Vec<DistrictLine> = ["江岸区", "洪山区", "青山区", "汉阳区"]
            .into_iter()
            .map(|unit| share(unit, Status::Lagging))
            .collect();
        assert_eq!(
            summary(&one_each).as_deref(),
            Some(
                "分解到各区和责任单位的指标份额 4 项，其中滞后 4 项，涉及江岸区、洪山区、青山区等 4 个单位。"
            )
        );
    }

    #[test]
    fn nothing_behind_or_nothing_shared_out() {
        assert_eq!(
            summary(&[share("江岸区", Status::OnPace)]).as_deref(),
            Some("分解到各区和责任单位的指标份额 1 项，均已完成或符合序时进度。")
        );
        assert_eq!(summary(&[]), None);
    }
}
