//! The reporting calendar: a plan year's monthly windows with their due day, and the quarter,
//! half-year and year periods of the cadence (每月一调度、每季一小结、半年一讲评、全年一考核).

use std::fmt;

use serde::{Deserialize, Serialize};

/// A calendar date (proleptic Gregorian), written `2021-06-25`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

/// The offices' time zone. Bundled with the binary (jiff's copy of the tz database), so a
/// server without system zone files still shows Beijing time.
pub fn china() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Asia/Shanghai")
        .unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
}

impl Day {
    pub fn new(year: i32, month: u32, day: u32) -> Option<Day> {
        let civil = jiff::civil::Date::new(
            i16::try_from(year).ok()?,
            i8::try_from(month).ok()?,
            i8::try_from(day).ok()?,
        )
        .ok()?;
        Some(Day::from_civil(civil))
    }

    fn from_civil(date: jiff::civil::Date) -> Day {
        Day {
            year: i32::from(date.year()),
            // Always 1–12 and 1–31: jiff's dates are valid by construction.
            month: u32::try_from(date.month()).unwrap_or(1),
            day: u32::try_from(date.day()).unwrap_or(1),
        }
    }

    /// This day as jiff's civil date (every `Day` made here is one).
    pub fn civil(self) -> jiff::civil::Date {
        jiff::civil::Date::new(self.year as i16, self.month as i8, self.day as i8)
            .unwrap_or(jiff::civil::Date::ZERO)
    }

    /// Parses `YYYY-MM-DD` (a longer timestamp is cut at the date).
    pub fn parse(text: &str) -> Option<Day> {
        let text = text.trim();
        let date = text.get(..10)?;
        let mut parts = date.split('-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        if parts.next().is_some() || (text.len() > 10 && !text[10..].starts_with('T')) {
            return None;
        }
        Day::new(year, month, day)
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_unix_days(days: i64) -> Day {
        let epoch = jiff::civil::date(1970, 1, 1);
        let date = jiff::Span::new()
            .try_days(days)
            .ok()
            .and_then(|span| epoch.checked_add(span).ok())
            .unwrap_or(epoch);
        Day::from_civil(date)
    }

    /// Days since 1970-01-01 (the inverse of [`Day::from_unix_days`]).
    pub fn unix_days(self) -> i64 {
        let epoch = jiff::civil::date(1970, 1, 1);
        self.civil()
            .since((jiff::Unit::Day, epoch))
            .map_or(0, |span| i64::from(span.get_days()))
    }

    /// Today in Beijing, the offices' time zone.
    pub fn today_in_china() -> Day {
        Day::from_civil(jiff::Timestamp::now().to_zoned(china()).date())
    }

    /// The month key `2021-06`.
    pub fn month_key(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A stored UTC time (`2021-06-30T17:05:00.000Z`, or to the minute) as an instant.
fn stored_instant(utc: &str) -> Option<jiff::Timestamp> {
    let utc = utc.trim();
    utc.parse::<jiff::Timestamp>().ok().or_else(|| {
        // `2021-06-30T17:05` and `…Z` without seconds, as some older rows have them.
        let minute = utc.strip_suffix('Z').unwrap_or(utc);
        // A date alone is not a time.
        minute
            .contains('T')
            .then(|| minute.parse::<jiff::civil::DateTime>().ok())
            .flatten()
            .and_then(|dt| dt.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
    })
}

/// A stored UTC time (`2021-06-30T17:05:00.000Z`) as the offices read it: Beijing time, to the
/// minute: `2021-07-01 01:05`.
pub fn beijing_time(utc: &str) -> Option<String> {
    let zoned = stored_instant(utc)?.to_zoned(china());
    Some(zoned.strftime("%Y-%m-%d %H:%M").to_string())
}

/// The UTC instant (as stored: `2021-06-19T16:00:00.000Z`) at which `day` begins in Beijing:
/// the lower bound when the office asks for records "from 2021-06-20".
pub fn beijing_day_start_utc(day: Day) -> String {
    let start = day
        .civil()
        .to_zoned(china())
        .map(|z| z.timestamp())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    start.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Minutes after midnight in Beijing at the instant `unix_ms` (for quiet hours).
pub fn beijing_minute(unix_ms: i64) -> u32 {
    let at = jiff::Timestamp::from_millisecond(unix_ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let zoned = at.to_zoned(china());
    u32::try_from(i32::from(zoned.hour()) * 60 + i32::from(zoned.minute())).unwrap_or_default()
}

/// Seconds since 1970-01-01 UTC of a stored time `2021-06-30T17:05[:09…]`.
pub fn utc_seconds(utc: &str) -> Option<i64> {
    stored_instant(utc).map(|t| t.as_second())
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    let Ok(year) = i16::try_from(year) else {
        return 0;
    };
    let Ok(month) = i8::try_from(month) else {
        return 0;
    };
    jiff::civil::Date::new(year, month, 1)
        .map_or(0, |d| u32::try_from(d.days_in_month()).unwrap_or(0))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
    Half,
    Year,
}

impl PeriodKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Half => "half",
            PeriodKind::Year => "year",
        }
    }

    pub fn parse(text: &str) -> Option<PeriodKind> {
        [
            PeriodKind::Month,
            PeriodKind::Quarter,
            PeriodKind::Half,
            PeriodKind::Year,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }

    fn months(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Half => 6,
            PeriodKind::Year => 12,
        }
    }
}

/// One period of the cadence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodSpec {
    pub kind: PeriodKind,
    /// `2021-06`, `2021-Q2`, `2021-H1`, `2021`.
    pub key: String,
    /// `2021年6月`, `2021年第二季度`, `2021年上半年`, `2021年度`.
    pub label: String,
    pub starts_on: Day,
    pub ends_on: Day,
    /// Reports for the period are due by the end of this day.
    pub due_on: Day,
}

/// The periods of a plan year: twelve months, four quarters, two halves and the year, each due on
/// `due_day` of its last month (clamped to the month's length: 31 means the last day).
/// The due day that means each month's last day (月末): clamped to the month, 31 is always it.
pub const MONTH_END: u32 = 31;

/// A due day as the office may set it: 1–28 (every month has them) or 月末. 29 and 30 are
/// refused, since February has neither and would silently move them.
pub fn check_due_day(day: u32) -> Result<u32, String> {
    match day {
        1..=28 | MONTH_END => Ok(day),
        29 | 30 => Err(format!("{day} 日在二月没有：截止日请选 1–28 日或「月末」")),
        other => Err(format!("截止日「{other}」无效：应为 1–28 日或「月末」")),
    }
}

/// A due day typed or picked: `月末` (or 31), or 1–28.
pub fn parse_due_day(text: &str) -> Result<u32, String> {
    let text = text.trim().trim_end_matches('日').trim();
    if text == "月末" {
        return Ok(MONTH_END);
    }
    match text.parse::<u32>() {
        Ok(day) => check_due_day(day),
        Err(_) => Err(format!("截止日「{text}」无效：应为 1–28 日或「月末」")),
    }
}

/// A due day in words: `25 日`, `月末`.
pub fn due_day_label(day: u32) -> String {
    if day == MONTH_END {
        "月末".into()
    } else {
        format!("{day} 日")
    }
}

pub fn periods_for_year(year: i32, due_day: u32) -> Vec<PeriodSpec> {
    const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];
    let due_day = due_day.max(1);
    let mut out = Vec::new();
    for kind in [
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Half,
        PeriodKind::Year,
    ] {
        let span = kind.months();
        for index in 0..12 / span {
            let first = index * span + 1;
            let last = first + span - 1;
            let (key, label) = match kind {
                PeriodKind::Month => (
                    format!("{year:04}-{first:02}"),
                    format!("{year}年{first}月"),
                ),
                PeriodKind::Quarter => (
                    format!("{year:04}-Q{}", index + 1),
                    format!("{year}年第{}季度", QUARTERS[index as usize]),
                ),
                PeriodKind::Half => (
                    format!("{year:04}-H{}", index + 1),
                    format!("{year}年{}", if index == 0 { "上半年" } else { "下半年" }),
                ),
                PeriodKind::Year => (format!("{year:04}"), format!("{year}年度")),
            };
            let end_day = days_in_month(year, last);
            out.push(PeriodSpec {
                kind,
                key,
                label,
                starts_on: Day {
                    year,
                    month: first,
                    day: 1,
                },
                ends_on: Day {
                    year,
                    month: last,
                    day: end_day,
                },
                due_on: Day {
                    year,
                    month: last,
                    day: due_day.min(end_day),
                },
            });
        }
    }
    out
}

/// Where a period stands on a given day, for entering reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// Not begun: nothing to report yet.
    Upcoming,
    /// From the first day to the due day: reports are entered and submitted.
    Open,
    /// Past the due day: no entry unless the office reopens it.
    Closed,
    /// Closed, but reopened by the office until a date: entries count as late.
    Reopened,
}

impl Window {
    pub fn on(today: Day, starts_on: Day, due_on: Day, reopened_until: Option<Day>) -> Window {
        if today < starts_on {
            Window::Upcoming
        } else if today <= due_on {
            Window::Open
        } else if reopened_until.is_some_and(|until| today <= until) {
            Window::Reopened
        } else {
            Window::Closed
        }
    }

    pub fn accepts_entries(self) -> bool {
        matches!(self, Window::Open | Window::Reopened)
    }

    pub fn label(self) -> &'static str {
        match self {
            Window::Upcoming => "未开始",
            Window::Open => "填报中",
            Window::Closed => "已截止",
            Window::Reopened => "已重新开放（补报）",
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_beijing_day_starts_at_four_pm_utc_the_day_before() {
        let day = Day::parse("2021-06-20").expect("day");
        assert_eq!(beijing_day_start_utc(day), "2021-06-19T16:00:00.000Z");
        let first = Day::parse("2021-01-01").expect("day");
        assert_eq!(beijing_day_start_utc(first), "2020-12-31T16:00:00.000Z");
        assert_eq!(
            beijing_time(&beijing_day_start_utc(day)).as_deref(),
            Some("2021-06-20 00:00")
        );
    }

    use super::*;

    #[test]
    fn stored_times_read_in_beijing_time() {
        assert_eq!(
            beijing_time("2021-06-30T17:05:00.000Z").as_deref(),
            Some("2021-07-01 01:05")
        );
        assert_eq!(
            beijing_time("2020-12-31T16:00:00Z").as_deref(),
            Some("2021-01-01 00:00")
        );
        assert_eq!(
            beijing_time("2024-02-28T20:30:00Z").as_deref(),
            Some("2024-02-29 04:30")
        );
        assert_eq!(
            beijing_time("2021-06-30T09:59").as_deref(),
            Some("2021-06-30 17:59")
        );
        assert_eq!(beijing_time("2021-06-30"), None);
        assert_eq!(beijing_time("2021-06-30T25:00"), None);
        assert_eq!(utc_seconds("1970-01-02T00:00:01.000Z"), Some(86_401));
        for days in [-1, 0, 59, 18_000, 20_000] {
            assert_eq!(Day::from_unix_days(days).unix_days(), days);
        }
    }

    fn day(text: &str) -> Day {
        Day::parse(text).expect("date")
    }

    #[test]
    fn a_year_has_nineteen_periods_due_on_the_25th() {
        let periods = periods_for_year(2021, 25);
        assert_eq!(periods.len(), 12 + 4 + 2 + 1);
        let june = &periods[5];
        assert_eq!(
            (june.key.as_str(), june.label.as_str()),
            ("2021-06", "2021年6月")
        );
        assert_eq!(june.due_on, day("2021-06-25"));
        assert_eq!(june.ends_on, day("2021-06-30"));
        let q2 = periods.iter().find(|p| p.key == "2021-Q2").expect("Q2");
        assert_eq!(
            (q2.starts_on, q2.due_on),
            (day("2021-04-01"), day("2021-06-25"))
        );
        assert_eq!(q2.label, "2021年第二季度");
        let h2 = periods.iter().find(|p| p.key == "2021-H2").expect("H2");
        assert_eq!(
            (h2.starts_on, h2.label.as_str()),
            (day("2021-07-01"), "2021年下半年")
        );
        let year = periods.last().expect("year");
        assert_eq!(
            (year.key.as_str(), year.due_on),
            ("2021", day("2021-12-25"))
        );
    }

    #[test]
    fn due_day_is_clamped_to_the_month() {
        let periods = periods_for_year(2021, 31);
        assert_eq!(periods[1].due_on, day("2021-02-28"));
        assert_eq!(periods_for_year(2024, 30)[1].due_on, day("2024-02-29"));
        assert_eq!(periods_for_year(2021, 0)[0].due_on, day("2021-01-01"));
    }

    #[test]
    fn windows_open_close_and_reopen() {
        let (start, due) = (day("2021-06-01"), day("2021-06-25"));
        assert_eq!(
            Window::on(day("2021-05-31"), start, due, None),
            Window::Upcoming
        );
        assert_eq!(
            Window::on(day("2021-06-01"), start, due, None),
            Window::Open
        );
        assert_eq!(
            Window::on(day("2021-06-25"), start, due, None),
            Window::Open
        );
        assert_eq!(
            Window::on(day("2021-06-26"), start, due, None),
            Window::Closed
        );
        let until = Some(day("2021-07-05"));
        assert_eq!(
            Window::on(day("2021-07-05"), start, due, until),
            Window::Reopened
        );
        assert_eq!(
            Window::on(day("2021-07-06"), start, due, until),
            Window::Closed
        );
        assert!(!Window::Closed.accepts_entries());
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(day("2021-06-25T10:00:00Z"), day("2021-06-25"));
        assert_eq!(Day::parse("2021-02-30"), None);
        assert_eq!(Day::parse("2021-6-5"), None);
        assert_eq!(Day::parse("2021-06-25x"), None);
        assert_eq!(Day::from_unix_days(18_714).to_string(), "2021-03-28");
        assert_eq!(Day::from_unix_days(0).to_string(), "1970-01-01");
    }

    #[test]
    fn due_days_are_1_to_28_or_the_month_end() {
        assert_eq!(parse_due_day("月末"), Ok(MONTH_END));
        assert_eq!(parse_due_day(" 25日 "), Ok(25));
        assert_eq!(parse_due_day("31"), Ok(MONTH_END));
        assert!(parse_due_day("30").is_err_and(|e| e.contains("二月")));
        assert!(parse_due_day("0").is_err());
        assert!(parse_due_day("下旬").is_err_and(|e| e.contains("1–28")));
        assert_eq!(due_day_label(MONTH_END), "月末");
        assert_eq!(due_day_label(5), "5 日");
    }
}
