//! Automatic reminders (自动提醒): on which days a deadline calls for one — N days before it, on
//! the day, N days after it — and the quiet hours in which nothing is sent. Pure rules the
//! server's scheduler applies to monthly reports, 督办单 and 领导批示 alike.

use serde::{Deserialize, Serialize};

use crate::calendar::Day;

/// A plan's reminder rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ReminderRules {
    /// Reminders go out automatically at all.
    pub enabled: bool,
    /// Days before a report's due day to remind those who have not submitted (`[3]`).
    pub report_days_before: Vec<u32>,
    /// Remind on the due day.
    pub report_on_due_day: bool,
    /// Days after the due day to remind those still missing (`[1, 3]`).
    pub report_days_after: Vec<u32>,
    /// Days before a 督办单's or 批示's deadline (`[1]`).
    pub deadline_days_before: Vec<u32>,
    /// Remind on the deadline.
    pub deadline_on_day: bool,
    /// Days after the deadline while still unanswered (`[1]`).
    pub deadline_days_after: Vec<u32>,
    /// Quiet hours, Beijing time, minutes after midnight: from `quiet_from` to `quiet_until`
    /// nothing is sent (22:00 → 08:00 by default; equal means never quiet).
    pub quiet_from: u32,
    pub quiet_until: u32,
}

impl Default for ReminderRules {
    fn default() -> ReminderRules {
        ReminderRules {
            enabled: true,
            report_days_before: vec![3],
            report_on_due_day: true,
            report_days_after: vec![1, 3],
            deadline_days_before: vec![1],
            deadline_on_day: true,
            deadline_days_after: vec![1],
            quiet_from: 22 * 60,
            quiet_until: 8 * 60,
        }
    }
}

/// When a reminder falls, relative to its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Occasion {
    Before(u32),
    OnDay,
    After(u32),
}

impl Occasion {
    /// The part of a reminder's key that names its rule (`before3`, `due`, `after1`).
    pub fn key(self) -> String {
        match self {
            Occasion::Before(n) => format!("before{n}"),
            Occasion::OnDay => "due".into(),
            Occasion::After(n) => format!("after{n}"),
        }
    }

    /// In words, for the message and the page.
    pub fn label(self) -> String {
        match self {
            Occasion::Before(n) => format!("截止前 {n} 天"),
            Occasion::OnDay => "截止当天".into(),
            Occasion::After(n) => format!("逾期 {n} 天"),
        }
    }

    /// A stored key back to its occasion.
    pub fn parse(key: &str) -> Option<Occasion> {
        if key == "due" {
            return Some(Occasion::OnDay);
        }
        if let Some(n) = key.strip_prefix("before") {
            return n.parse().ok().map(Occasion::Before);
        }
        key.strip_prefix("after")
            .and_then(|n| n.parse().ok())
            .map(Occasion::After)
    }
}

/// The longest a rule may reach from its deadline, in days.
pub const MAX_REMINDER_DAYS: u32 = 60;

/// The latest occasion on or before `today` for a deadline on `due`, under `before` / `on_day`
/// / `after`: the one that should have gone out by now. A day the server missed is made up by
/// the next occasion only — a reminder that would have come earlier is not sent late — and
/// `None` before the first occasion or after the last has passed.
fn latest(due: Day, today: Day, before: &[u32], on_day: bool, after: &[u32]) -> Option<Occasion> {
    let offset = today.unix_days() - due.unix_days();
    let mut occasions: Vec<(i64, Occasion)> = before
        .iter()
        .map(|n| (-i64::from(*n), Occasion::Before(*n)))
        .chain(on_day.then_some((0, Occasion::OnDay)))
        .chain(after.iter().map(|n| (i64::from(*n), Occasion::After(*n))))
        .collect();
    occasions.sort();
    let last = occasions.iter().rposition(|(at, _)| *at <= offset)?;
    // Once the next occasion is due the previous one is no longer news; past the last one,
    // nothing more (the last is sent only on its own day or while the next has not come).
    let (at, occasion) = occasions[last];
    let next = occasions.get(last + 1).map(|(n, _)| *n);
    let stale = match next {
        Some(_) => false,
        None => offset > at + 2,
    };
    (!stale).then_some(occasion)
}

impl ReminderRules {
    /// The occasion a report due on `due` calls for on `today`.
    pub fn report_occasion(&self, due: Day, today: Day) -> Option<Occasion> {
        if !self.enabled {
            return None;
        }
        latest(
            due,
            today,
            &self.report_days_before,
            self.report_on_due_day,
            &self.report_days_after,
        )
    }

    /// The occasion a 督办单 or 批示 due on `due` calls for on `today`.
    pub fn deadline_occasion(&self, due: Day, today: Day) -> Option<Occasion> {
        if !self.enabled {
            return None;
        }
        latest(
            due,
            today,
            &self.deadline_days_before,
            self.deadline_on_day,
            &self.deadline_days_after,
        )
    }

    /// Whether `minute` (minutes after midnight, Beijing time) falls in the quiet hours.
    pub fn quiet_at(&self, minute: u32) -> bool {
        let (from, until) = (self.quiet_from, self.quiet_until);
        if from == until {
            false
        } else if from < until {
            (from..until).contains(&minute)
        } else {
            minute >= from || minute < until
        }
    }

    /// The rules refused with the field named, or `Ok`.
    pub fn check(&self) -> Result<(), (&'static str, String)> {
        for (field, days) in [
            ("report_days_before", &self.report_days_before),
            ("report_days_after", &self.report_days_after),
            ("deadline_days_before", &self.deadline_days_before),
            ("deadline_days_after", &self.deadline_days_after),
        ] {
            if days.iter().any(|d| *d == 0 || *d > MAX_REMINDER_DAYS) {
                return Err((
                    field,
                    format!("提醒天数须在 1 至 {MAX_REMINDER_DAYS} 天之间"),
                ));
            }
            if days.len() > 5 {
                return Err((field, "每类提醒至多设 5 个天数".into()));
            }
        }
        for (field, minute) in [
            ("quiet_from", self.quiet_from),
            ("quiet_until", self.quiet_until),
        ] {
            if minute >= 24 * 60 {
                return Err((field, "免打扰时间应在 00:00 至 23:59 之间".into()));
            }
        }
        Ok(())
    }
}

/// `22:00` → minutes after midnight; anything else `None`.
pub fn parse_clock(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once([':', '：'])?;
    let (h, m): (u32, u32) = (h.trim().parse().ok()?, m.trim().parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Minutes after midnight → `08:00`.
pub fn clock(minute: u32) -> String {
    format!("{:02}:{:02}", minute / 60 % 24, minute % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Day {
        Day::parse(text).expect("day")
    }

    #[test]
    fn a_report_is_reminded_before_on_and_after_its_due_day() {
        let rules = ReminderRules::default();
        let due = day("2021-06-25");
        let at = |d: &str| rules.report_occasion(due, day(d));
        assert_eq!(at("2021-06-21"), None, "before the first occasion");
        assert_eq!(at("2021-06-22"), Some(Occasion::Before(3)));
        assert_eq!(
            at("2021-06-24"),
            Some(Occasion::Before(3)),
            "made up while next not due"
        );
        assert_eq!(at("2021-06-25"), Some(Occasion::OnDay));
        assert_eq!(at("2021-06-26"), Some(Occasion::After(1)));
        assert_eq!(at("2021-06-28"), Some(Occasion::After(3)));
        assert_eq!(at("2021-06-30"), Some(Occasion::After(3)));
        assert_eq!(at("2021-07-01"), None, "the last occasion goes stale");
        let off = ReminderRules {
            enabled: false,
            ..rules.clone()
        };
        assert_eq!(off.report_occasion(due, day("2021-06-25")), None);
    }

    #[test]
    fn deadlines_follow_their_own_days() {
        let rules = ReminderRules {
            deadline_days_before: vec![2, 1],
            deadline_on_day: false,
            deadline_days_after: vec![],
            ..ReminderRules::default()
        };
        let due = day("2021-07-10");
        assert_eq!(
            rules.deadline_occasion(due, day("2021-07-08")),
            Some(Occasion::Before(2))
        );
        assert_eq!(
            rules.deadline_occasion(due, day("2021-07-09")),
            Some(Occasion::Before(1))
        );
        assert_eq!(
            rules.deadline_occasion(due, day("2021-07-11")),
            Some(Occasion::Before(1)),
            "the last one stands two days more"
        );
        assert_eq!(rules.deadline_occasion(due, day("2021-07-12")), None);
    }

    #[test]
    fn quiet_hours_wrap_midnight() {
        let rules = ReminderRules::default();
        assert!(rules.quiet_at(23 * 60));
        assert!(rules.quiet_at(2 * 60));
        assert!(!rules.quiet_at(8 * 60));
        assert!(!rules.quiet_at(21 * 60 + 59));
        let day_quiet = ReminderRules {
            quiet_from: 12 * 60,
            quiet_until: 14 * 60,
            ..rules.clone()
        };
        assert!(day_quiet.quiet_at(13 * 60));
        assert!(!day_quiet.quiet_at(23 * 60));
        let never = ReminderRules {
            quiet_from: 0,
            quiet_until: 0,
            ..rules
        };
        assert!(!never.quiet_at(3 * 60));
    }

    #[test]
    fn keys_clocks_and_bad_rules() {
        for o in [Occasion::Before(3), Occasion::OnDay, Occasion::After(1)] {
            assert_eq!(Occasion::parse(&o.key()), Some(o));
        }
        assert_eq!(parse_clock("22:00"), Some(1320));
        assert_eq!(parse_clock("8：30"), Some(510));
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(clock(510), "08:30");
        let bad = ReminderRules {
            report_days_after: vec![0],
            ..ReminderRules::default()
        };
        assert_eq!(bad.check().map_err(|e| e.0), Err("report_days_after"));
        let late = ReminderRules {
            quiet_until: 1440,
            ..ReminderRules::default()
        };
        assert_eq!(late.check().map_err(|e| e.0), Err("quiet_until"));
        assert!(ReminderRules::default().check().is_ok());
    }
}
