//! When a part of a plan is in force: the months of the plan year in which an assignment, a
//! target or a district's share is due — reported, paced and counted. Publishing makes every
//! part due from the plan's reporting start; an amendment makes what it adds due from its
//! effective month and what it removes due no longer from then on. Months before the effective
//! month keep what they were, so an amendment never re-evaluates the past.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Day;

/// A set of months (1–12), stored as bits (month m is bit m−1); in JSON, the list of months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Months(u16);

impl Serialize for Months {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((1..=12u32).filter(|m| self.contains(*m)))
    }
}

impl<'de> Deserialize<'de> for Months {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Months, D::Error> {
        let months = Vec::<u32>::deserialize(deserializer)?;
        months.iter().try_fold(Months::NONE, |set, m| match m {
            1..=12 => Ok(Months(set.0 | 1 << (m - 1))),
            _ => Err(serde::de::Error::custom(format!(
                "月份须在 1—12 之间（填了 {m}）"
            ))),
        })
    }
}

impl Months {
    /// Every month of the year.
    pub const ALL: Months = Months(0x0fff);
    pub const NONE: Months = Months(0);

    /// From the stored bits; bits beyond December are dropped.
    pub fn from_bits(bits: i64) -> Months {
        Months(u16::try_from(bits & 0x0fff).unwrap_or(0))
    }

    pub fn bits(self) -> i64 {
        i64::from(self.0)
    }

    /// `start` through December (13 or more: none; 0 or 1: all).
    pub fn from_month(start: u32) -> Months {
        match start {
            0 | 1 => Months::ALL,
            13.. => Months::NONE,
            _ => Months(0x0fff & !((1u16 << (start - 1)) - 1)),
        }
    }

    pub fn contains(self, month: u32) -> bool {
        (1..=12).contains(&month) && self.0 & (1 << (month - 1)) != 0
    }

    /// The first month in force.
    pub fn first(self) -> Option<u32> {
        (self.0 != 0).then(|| self.0.trailing_zeros() + 1)
    }

    /// How many months of January through `through` are in force.
    pub fn count_through(self, through: u32) -> u32 {
        (1..=through.min(12)).filter(|m| self.contains(*m)).count() as u32
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// In force from `month` on as well (an amendment adding this part).
    pub fn with_from(self, month: u32) -> Months {
        Months(self.0 | Months::from_month(month).0)
    }

    /// No longer in force from `month` on (an amendment removing this part).
    pub fn without_from(self, month: u32) -> Months {
        Months(self.0 & !Months::from_month(month).0)
    }

    /// 「6 月起」 for a page: the first month, and where the set has gaps or ends early, each run.
    pub fn label(self) -> String {
        let mut runs: Vec<(u32, u32)> = Vec::new();
        for m in (1..=12).filter(|m| self.contains(*m)) {
            match runs.last_mut() {
                Some((_, end)) if *end + 1 == m => *end = m,
                _ => runs.push((m, m)),
            }
        }
        match runs.as_slice() {
            [] => "不填报".to_string(),
            [(1, 12)] => "全年".to_string(),
            [(start, 12)] => format!("{start} 月起"),
            _ => runs
                .iter()
                .map(|(a, b)| {
                    if a == b {
                        format!("{a} 月")
                    } else {
                        format!("{a}—{b} 月")
                    }
                })
                .collect::<Vec<_>>()
                .join("、"),
        }
    }
}

/// The month an amendment made on `day` takes effect in by default: the month still being
/// reported, i.e. the first of `dues` (each month of the plan year with its due day, January
/// first) whose due day is on or after `day`; 13 once December's is past (the year is over and
/// nothing the amendment adds is ever due).
pub fn month_in_progress(dues: &[(u32, Day)], day: Day) -> u32 {
    dues.iter()
        .find(|(_, due)| *due >= day)
        .map_or(13, |(month, _)| *month)
}

/// The reporting start a plan published on `day` gets by default: the month of publication in
/// the plan's year, January when published before the year or after it (then the whole year is
/// back-filled).
pub fn default_reporting_start(year: i32, day: Day) -> u32 {
    if day.year == year { day.month } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).expect("day")
    }

    #[test]
    fn months_from_a_start_and_amended() {
        let june = Months::from_month(6);
        assert!(!june.contains(5) && june.contains(6) && june.contains(12));
        assert_eq!(june.first(), Some(6));
        assert_eq!(june.count_through(8), 3);
        assert_eq!(Months::from_month(1), Months::ALL);
        assert_eq!(Months::from_month(13), Months::NONE);
        let removed = june.without_from(9);
        assert_eq!(removed.count_through(12), 3);
        assert_eq!(removed.label(), "6—8 月");
        let readded = removed.with_from(11);
        assert_eq!(readded.label(), "6—8 月、11—12 月");
        assert_eq!(june.label(), "6 月起");
        assert_eq!(Months::ALL.label(), "全年");
        assert_eq!(Months::NONE.label(), "不填报");
        assert!(!Months::ALL.contains(0) && !Months::ALL.contains(13));
        assert_eq!(Months::from_bits(june.bits()), june);
        assert_eq!(Months::from_bits(-1), Months::ALL);
        let json = serde_json::to_string(&removed).expect("json");
        assert_eq!(json, "[6,7,8]");
        assert_eq!(
            serde_json::from_str::<Months>(&json).expect("back"),
            removed
        );
        assert!(serde_json::from_str::<Months>("[0]").is_err());
    }

    #[test]
    fn the_month_in_progress_turns_after_the_due_day() {
        let dues: Vec<(u32, Day)> = crate::calendar::periods_for_year(2021, 25)
            .into_iter()
            .filter(|p| p.kind == crate::PeriodKind::Month)
            .map(|p| (p.starts_on.month, p.due_on))
            .collect();
        assert_eq!(month_in_progress(&dues, day("2021-06-20")), 6);
        assert_eq!(month_in_progress(&dues, day("2021-06-25")), 6);
        assert_eq!(month_in_progress(&dues, day("2021-06-26")), 7);
        assert_eq!(month_in_progress(&dues, day("2021-12-26")), 13);
        assert_eq!(month_in_progress(&dues, day("2020-11-01")), 1);
        assert_eq!(month_in_progress(&dues, day("2022-01-05")), 13);
        assert_eq!(month_in_progress(&[], day("2021-06-01")), 13);
    }

    #[test]
    fn a_plan_starts_reporting_in_its_month_of_publication() {
        assert_eq!(default_reporting_start(2021, day("2021-06-03")), 6);
        assert_eq!(default_reporting_start(2021, day("2020-12-30")), 1);
        assert_eq!(default_reporting_start(2021, day("2026-12-01")), 1);
    }
}
