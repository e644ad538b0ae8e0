//! Where the year will end: a projection from the reported cumulative values, and the early
//! warning when it falls short ("按当前进度，年底预计完成 1,640 家，缺口 360 家").

use serde::{Deserialize, Serialize};

use crate::status::Qualifier;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Forecast {
    /// The projected year-end value.
    pub projected: f64,
    /// How much is missing at year end on this course (None: on course).
    pub shortfall: Option<f64>,
    /// The warning, in the words of a bulletin.
    pub warning: Option<String>,
}

/// Projects the year from `trajectory` — `(month, cumulative value)` pairs, any order — at the
/// pace of the last three months (or of the year so far when shorter), for a target `value` in
/// `unit`. `None` before anything was reported.
pub fn forecast(
    trajectory: &[(u32, f64)],
    value: f64,
    qualifier: Qualifier,
    unit: &str,
) -> Option<Forecast> {
    let mut points: Vec<(u32, f64)> = trajectory
        .iter()
        .copied()
        .filter(|(m, v)| *m >= 1 && *m <= 12 && v.is_finite())
        .collect();
    points.sort_by_key(|(m, _)| *m);
    let &(month, latest) = points.last()?;
    // The value three months back (or at the start of the year, 0).
    let from_month = month.saturating_sub(3);
    let base = points
        .iter()
        .rev()
        .find(|(m, _)| *m <= from_month)
        .map_or((0, 0.0), |&(m, v)| (m, v));
    let span = f64::from(month - base.0).max(1.0);
    let rate = (latest - base.1) / span;
    let projected = latest + rate * f64::from(12 - month);
    let short = match qualifier {
        // A ceiling is at risk when the course goes over it.
        Qualifier::AtMost => None,
        _ => (projected < value).then_some(value - projected),
    };
    let over = (qualifier == Qualifier::AtMost && projected > value).then_some(projected - value);
    let warning = match (short, over) {
        (Some(gap), _) => Some(format!(
            "按当前进度，年底预计完成 {}{unit}，缺口 {}{unit}",
            thousands(projected),
            thousands(gap)
        )),
        (_, Some(excess)) => Some(format!(
            "按当前趋势，年底预计达到 {}{unit}，超出上限 {}{unit}",
            thousands(projected),
            thousands(excess)
        )),
        _ => None,
    };
    Some(Forecast {
        projected,
        shortfall: short,
        warning,
    })
}

/// `1640` → `1,640`; `12.35` → `12.4` (one decimal where there are decimals).
pub fn thousands(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    let negative = rounded < 0.0;
    let whole = rounded.abs().trunc() as u64;
    let tenth = ((rounded.abs() - rounded.abs().trunc()) * 10.0).round() as u64;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if negative { "-" } else { "" };
    if tenth == 0 {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{tenth}")
    }
}

/// `2000` → `2,000`; `3.24` → `3.24`; `3.245` → `3.25` (up to two decimals, none trailing): for
/// rates and shares, where a tenth is too coarse (a plan's 3.24 % is not 3.2 %).
pub fn precise(value: f64) -> String {
    let hundredths = (value.abs() * 100.0).round() as u64;
    let whole = thousands((hundredths / 100) as f64);
    let fraction = format!("{:02}", hundredths % 100);
    let fraction = fraction.trim_end_matches('0');
    let sign = if value < 0.0 && hundredths > 0 {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precise_keeps_two_decimals_and_groups_thousands() {
        assert_eq!(precise(2000.0), "2,000");
        assert_eq!(precise(3.24), "3.24");
        assert_eq!(precise(3.5), "3.5");
        assert_eq!(precise(1234.567), "1,234.57");
        assert_eq!(precise(-0.4), "-0.4");
        assert_eq!(precise(-0.001), "0");
    }

    #[test]
    fn a_short_year_is_warned_about() {
        let f = forecast(&[(6, 820.0)], 2000.0, Qualifier::AtLeast, "家").expect("forecast");
        assert_eq!(f.projected, 1640.0);
        assert_eq!(f.shortfall, Some(360.0));
        assert_eq!(
            f.warning.as_deref(),
            Some("按当前进度，年底预计完成 1,640家，缺口 360家")
        );
    }

    #[test]
    fn the_last_three_months_set_the_pace() {
        // 300 by March, 820 by June: 520 in three months → 1,860 by December.
        let f = forecast(&[(6, 820.0), (3, 300.0)], 2000.0, Qualifier::AtLeast, "家")
            .expect("forecast");
        assert!((f.projected - 1860.0).abs() < 1e-9, "{}", f.projected);
        let on_course =
            forecast(&[(3, 300.0), (6, 1100.0)], 2000.0, Qualifier::AtLeast, "家").expect("f");
        assert_eq!((on_course.shortfall, on_course.warning), (None, None));
        assert_eq!(forecast(&[], 10.0, Qualifier::AtLeast, "个"), None);
    }

    #[test]
    fn ceilings_warn_when_the_course_goes_over() {
        let f = forecast(&[(6, 60.0)], 100.0, Qualifier::AtMost, "万吨").expect("f");
        assert_eq!(
            f.warning.as_deref(),
            Some("按当前趋势，年底预计达到 120万吨，超出上限 20万吨")
        );
    }

    #[test]
    fn numbers_are_grouped() {
        assert_eq!(thousands(1640.0), "1,640");
        assert_eq!(thousands(1234567.0), "1,234,567");
        assert_eq!(thousands(12.35), "12.4");
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(-1500.0), "-1,500");
    }
}
