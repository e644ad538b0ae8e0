//! Every text colour in the stylesheet reads at a contrast of at least 4.5:1 (WCAG AA) against
//! what it is drawn on: status words and chips, errors, notes, the header bar.

const CSS: &str = include_str!("../src/luoshi.css");
/// The tinted backgrounds text sits on besides white: table heads, notices, grey cells.
const TINTS: [&str; 4] = ["#ffffff", "#eef1f6", "#fff8e1", "#f2f2f2"];
const BODY_TEXT: &str = "#1f2328";

fn channel(c: f64) -> f64 {
    if c <= 0.039_28 {
        c / 12.92
    } else {
        ((c + 0.055) / 1.055).powf(2.4)
    }
}

fn luminance(hex: &str) -> Option<f64> {
    let h = hex.trim_start_matches('#');
    let full: String = match h.len() {
        3 => h.chars().flat_map(|c| [c, c]).collect(),
        6 => h.to_string(),
        _ => return None,
    };
    let v = |i: usize| {
        u8::from_str_radix(full.get(i..i + 2)?, 16)
            .ok()
            .map(|b| channel(f64::from(b) / 255.0))
    };
    Some(0.2126 * v(0)? + 0.7152 * v(2)? + 0.0722 * v(4)?)
}

fn contrast(a: &str, b: &str) -> Option<f64> {
    let (x, y) = (luminance(a)?, luminance(b)?);
    let (hi, lo) = if x > y { (x, y) } else { (y, x) };
    Some((hi + 0.05) / (lo + 0.05))
}

/// A rule's selector with its `color` and `background`, when they are plain hex colours.
type Rule = (String, Option<String>, Option<String>);

fn rules() -> Vec<Rule> {
    let mut text = CSS.to_string();
    while let Some(start) = text.find("/*") {
        let end = text[start..]
            .find("*/")
            .map_or(text.len(), |e| start + e + 2);
        text.replace_range(start..end, "");
    }
    let mut out = Vec::new();
    for block in text.split('}') {
        let Some((selector, body)) = block.rsplit_once('{') else {
            continue;
        };
        let selector = selector.rsplit('{').next().unwrap_or(selector).trim();
        let prop = |name: &str| {
            body.split(';')
                .filter_map(|d| d.split_once(':'))
                .find(|(k, _)| k.trim() == name)
                .map(|(_, v)| v.trim().to_string())
                .filter(|v| v.starts_with('#'))
        };
        let background = prop("background").or_else(|| prop("background-color"));
        out.push((selector.to_string(), prop("color"), background));
    }
    out
}

#[test]
fn every_text_colour_reads_at_4_5_to_1() {
    let rules = rules();
    let find = |selector: &str, pick: fn(&Rule) -> Option<String>| {
        rules.iter().find(|r| r.0 == selector).and_then(pick)
    };
    let bar = find(".top", |r| r.2.clone()).expect("the header bar's colour");
    let badge_text = find(".badge", |r| r.1.clone()).expect("the chips' text colour");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (selector, colour, background) in &rules {
        let pairs: Vec<(String, String)> = match (colour, background) {
            (Some(c), Some(b)) => vec![(c.clone(), b.clone())],
            (Some(c), None) if selector.starts_with(".top") => vec![(c.clone(), bar.clone())],
            // The chips' text colour: checked against each chip's background below.
            (Some(_), None) if selector == ".badge" => continue,
            (Some(c), None) => TINTS.iter().map(|t| (c.clone(), t.to_string())).collect(),
            (None, Some(b)) if selector.starts_with(".badge.") => {
                vec![(badge_text.clone(), b.clone())]
            }
            (None, Some(b)) => vec![(BODY_TEXT.to_string(), b.clone())],
            (None, None) => continue,
        };
        for (fg, bg) in pairs {
            checked += 1;
            match contrast(&fg, &bg) {
                Some(ratio) if ratio >= 4.5 => {}
                Some(ratio) => failures.push(format!("{selector}: {fg} on {bg} is {ratio:.2}:1")),
                None => failures.push(format!("{selector}: cannot read {fg} / {bg}")),
            }
        }
    }
    assert!(
        checked > 20,
        "the stylesheet's colours were found ({checked})"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_measure_is_the_wcag_one() {
    let black_on_white = contrast("#000", "#fff").expect("ratio");
    assert!((black_on_white - 21.0).abs() < 0.01);
    assert!(contrast("#777", "#fff").is_some_and(|r| r < 4.5));
}
