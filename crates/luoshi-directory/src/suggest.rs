//! Finding names the way people type them: the closest known names to a misspelt one
//! (市科技厅 → 市科技局), and partial matches for filters (发改委 finds 市发展改革委, 二.(一) finds
//! 二.（一）).

/// Full-width and half-width forms as one, and spaces gone, so a filter typed either way matches.
pub fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '，' => ',',
            '．' | '。' | '、' => '.',
            // The rest of the full-width ASCII block (Ａ, １, ：) maps onto ASCII.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            other => other,
        })
        .collect()
}

/// Whether `typed` finds `name`: its characters appear in `name` in order (an abbreviation such
/// as 发改委 for 市发展改革委 keeps its characters' order), after folding both.
pub fn matches_partially(typed: &str, name: &str) -> bool {
    let typed = fold(typed);
    if typed.is_empty() {
        return true;
    }
    let name = fold(name);
    let mut wanted = typed.chars().peekable();
    for c in name.chars() {
        if wanted.peek() == Some(&c) {
            wanted.next();
        }
    }
    wanted.peek().is_none()
}

/// Up to `limit` of `names` closest to `typed`, best first: abbreviations of a name rank first,
/// then names within a few characters' edits. Names too far off are not suggested at all.
pub fn closest<'a>(
    typed: &str,
    names: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let folded = fold(typed);
    if folded.is_empty() {
        return Vec::new();
    }
    let mut scored: Vec<(f64, &str)> = names
        .into_iter()
        .filter_map(|name| {
            let similarity = strsim::normalized_levenshtein(&folded, &fold(name));
            let score = if matches_partially(&folded, name) {
                1.0 + similarity
            } else {
                similarity
            };
            (score >= 0.5).then_some((score, name))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let mut out: Vec<&str> = Vec::new();
    for (_, name) in scored {
        if !out.contains(&name) {
            out.push(name);
        }
        if out.len() == limit {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNITS: [&str; 5] = [
        "市科技局",
        "市发展改革委",
        "市经信局",
        "市教育局",
        "市自然资源规划局",
    ];

    #[test]
    fn a_wrong_last_character_suggests_the_real_unit() {
        assert_eq!(closest("市科技厅", UNITS, 3).first(), Some(&"市科技局"));
    }

    #[test]
    fn an_abbreviation_ranks_its_unit_first() {
        assert_eq!(closest("发改委", UNITS, 3), vec!["市发展改革委"]);
    }

    #[test]
    fn nothing_near_is_suggested_as_nothing() {
        assert!(closest("长江日报社", UNITS, 3).is_empty());
        assert!(closest("  ", UNITS, 3).is_empty());
    }

    #[test]
    fn filters_find_abbreviations_and_either_width_of_brackets() {
        assert!(matches_partially("发改委", "市发展改革委"));
        assert!(matches_partially("二.(一)", "二.（一）"));
        assert!(matches_partially("二．（一）", "二.(一)"));
        assert!(!matches_partially("改发", "市发展改革委"));
        assert!(matches_partially("", "任何名称"));
    }

    #[test]
    fn full_width_letters_and_digits_fold_to_ascii() {
        assert_eq!(fold("ＧＤＰ　１０％"), "GDP10%");
    }
}
