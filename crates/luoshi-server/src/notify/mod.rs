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
    /// Minutes after midnight in Beijing (UTC+8, no daylight saving).
    pub beijing_minute: u32,
}

impl Moment {
    pub fn at(unix_ms: i64) -> Moment {
        let beijing_seconds = (unix_ms.div_euclid(1000) + 8 * 3600).rem_euclid(86_400);
        Moment {
            unix_ms,
            utc: luoshi_store::utc_text(unix_ms),
            beijing_minute: u32::try_from(beijing_seconds / 60).unwrap_or_default(),
        }
    }

    pub fn now() -> Moment {
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Moment::at(i64::try_from(since.as_millis()).unwrap_or_default())
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
