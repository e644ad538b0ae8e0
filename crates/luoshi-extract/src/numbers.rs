//! Numbers as printed in plans: ASCII and full-width digits, decimals, thousands separators, and
//! Chinese numerals (两, 十, 一百二十, 三千五百).

use crate::text::digit;

/// A number read at the start of a string: its value, the bytes it took, and how it was written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Number {
    pub value: f64,
    pub len: usize,
    pub chinese: bool,
}

/// Reads an Arabic number (`12`, `3.24`, `１２`, `1,000`) at the start of `s`.
pub fn arabic_at(s: &str) -> Option<Number> {
    // Collected as ASCII and parsed once, so `3.24` is exactly the double for 3.24.
    let mut ascii = String::new();
    let mut len = 0;
    let mut seen_point = false;
    for (i, c) in s.char_indices() {
        if let Some(d) = digit(c) {
            ascii.push(char::from(b'0' + d as u8));
            len = i + c.len_utf8();
        } else if matches!(c, '.' | '．') && !ascii.is_empty() && !seen_point {
            // Only a decimal point when a digit follows; `1.` is a list number.
            if s[i + c.len_utf8()..]
                .chars()
                .next()
                .and_then(digit)
                .is_none()
            {
                break;
            }
            seen_point = true;
            ascii.push('.');
        } else if c == ',' && !ascii.is_empty() && !seen_point {
            // A thousands separator is followed by exactly three digits.
            let rest = &s[i + 1..];
            let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
            if digits != 3 {
                break;
            }
        } else {
            break;
        }
    }
    let value = ascii.parse::<f64>().ok()?;
    Some(Number {
        value,
        len,
        chinese: false,
    })
}

fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' | '壹' => 1,
        '二' | '两' | '贰' => 2,
        '三' | '叁' => 3,
        '四' | '肆' => 4,
        '五' | '伍' => 5,
        '六' | '陆' => 6,
        '七' | '柒' => 7,
        '八' | '捌' => 8,
        '九' | '玖' => 9,
        _ => return None,
    })
}

fn chinese_unit(c: char) -> Option<u32> {
    Some(match c {
        '十' | '拾' => 10,
        '百' | '佰' => 100,
        '千' | '仟' => 1000,
        _ => return None,
    })
}

/// Reads a Chinese numeral below ten thousand at the start of `s` (`十`, `两`, `一百二十`,
/// `三千五百`). 万 and 亿 are magnitudes the caller keeps in the unit.
pub fn chinese_at(s: &str) -> Option<Number> {
    let mut total: u32 = 0;
    let mut pending: Option<u32> = None;
    let mut len = 0;
    let mut last_unit = 10_000;
    for (i, c) in s.char_indices() {
        if let Some(d) = chinese_digit(c) {
            if d == 0 && len > 0 {
                // 一百零五: 零 only marks a skipped place.
                len = i + c.len_utf8();
                continue;
            }
            if pending.is_some() {
                // Two digits in a row (`一二`) is not a numeral we read; stop before the second.
                break;
            }
            pending = Some(d);
        } else if let Some(u) = chinese_unit(c) {
            if u >= last_unit {
                break;
            }
            let d = pending.take().unwrap_or(1);
            total += d * u;
            last_unit = u;
        } else {
            break;
        }
        len = i + c.len_utf8();
    }
    if len == 0 {
        return None;
    }
    total += pending.unwrap_or(0);
    Some(Number {
        value: f64::from(total),
        len,
        chinese: true,
    })
}

/// Reads a small Chinese or Arabic ordinal, as used in numbering (`十二`, `3`).
pub fn ordinal_at(s: &str) -> Option<Number> {
    arabic_at(s).or_else(|| chinese_at(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chinese(s: &str) -> f64 {
        chinese_at(s).map(|n| n.value).unwrap_or(-1.0)
    }

    #[test]
    fn reads_chinese_numerals() {
        assert_eq!(chinese("两"), 2.0);
        assert_eq!(chinese("十"), 10.0);
        assert_eq!(chinese("十二个"), 12.0);
        assert_eq!(chinese("二十"), 20.0);
        assert_eq!(chinese("一百二十"), 120.0);
        assert_eq!(chinese("一百零五"), 105.0);
        assert_eq!(chinese("三千五百家"), 3500.0);
        assert_eq!(chinese_at("三千五百家").map(|n| n.len), Some(12));
    }

    #[test]
    fn reads_arabic_numbers_in_every_width() {
        assert_eq!(arabic_at("2000 家").map(|n| n.value), Some(2000.0));
        assert_eq!(arabic_at("3.24%").map(|n| n.value), Some(3.24));
        assert_eq!(arabic_at("１２％").map(|n| n.value), Some(12.0));
        assert_eq!(arabic_at("1,000家").map(|n| n.value), Some(1000.0));
        assert_eq!(
            arabic_at("1.加快").map(|n| (n.value, n.len)),
            Some((1.0, 1))
        );
        assert_eq!(arabic_at("12,5").map(|n| n.value), Some(12.0));
        assert_eq!(arabic_at("家"), None);
    }
}
