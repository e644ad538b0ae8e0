//! Notices beyond the page: the scheduler that sends reminders on each plan's rules (and
//! escalates overdue 督办单 daily), the outbox sender, and the channels' formats.

pub mod format;
pub mod scheduler;
pub mod send;

/// A moment as the scheduler reads the clock: UTC for what is stored, Beijing time of day for
/// the quiet hours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moment {
    pub unix_ms: i64,
    /// ISO-8601 UTC, as times are stored.
    pub utc: String,
    /// Minutes after midnight in Beijing (Asia/Shanghai).
    pub beijing_minute: u32,
}

impl Moment {
    pub fn at(unix_ms: i64) -> Moment {
        Moment {
            unix_ms,
            utc: luoshi_store::utc_text(unix_ms),
            beijing_minute: luoshi_reporting::calendar::beijing_minute(unix_ms),
        }
    }

    pub fn now() -> Moment {
        Moment::at(jiff::Timestamp::now().as_millisecond())
    }

    /// `seconds` later, as stored.
    pub fn after(&self, seconds: i64) -> String {
        luoshi_store::utc_text(self.unix_ms + seconds * 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::Moment;

    #[test]
    fn beijing_is_eight_hours_ahead() {
        // 2021-06-20T14:30:00Z is 22:30 in Beijing.
        let m = Moment::at(1_624_199_400_000);
        assert_eq!(m.utc, "2021-06-20T14:30:00.000Z");
        assert_eq!(m.beijing_minute, 22 * 60 + 30);
        assert_eq!(m.after(90), "2021-06-20T14:31:30.000Z");
    }
}
