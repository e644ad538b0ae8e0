//! Bar charts drawn on the server as SVG, for where people would rather look than read.

/// A horizontal bar chart of `(label, count)` pairs, largest first as given.
pub fn bars(title: &str, items: &[(String, i64)]) -> String {
    const ROW: usize = 24;
    const LABEL: usize = 260;
    const BAR: usize = 360;
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = 34 + ROW * items.len();
    let mut svg = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {w} {height}\" width=\"{w}\"><title>{t}</title>\
<text x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"bold\">{t}</text>",
        w = LABEL + BAR + 60,
        t = escape(title)
    );
    for (i, (label, n)) in items.iter().enumerate() {
        let y = 30 + i * ROW;
        // Long names are shortened to fit the label column; the full name is in the bar's tooltip.
        let short: String = if label.chars().count() > 16 {
            label.chars().take(15).chain(std::iter::once('…')).collect()
        } else {
            label.clone()
        };
        let width = (*n as usize * BAR) / max as usize;
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" font-size=\"13\" text-anchor=\"end\">{label}</text>\
<rect x=\"{bx}\" y=\"{y}\" width=\"{width}\" height=\"{h}\" fill=\"#8b1a1a\"><title>{full}：{n}</title></rect>\
<text x=\"{nx}\" y=\"{ty}\" font-size=\"13\">{n}</text>",
            lx = LABEL - 8,
            ty = y + 15,
            label = escape(&short),
            bx = LABEL,
            h = ROW - 6,
            nx = LABEL + width + 6,
            full = escape(label),
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A line chart of monthly series (`name`, colour, one value per month label).
pub fn trend(title: &str, labels: &[String], series: &[(&str, &str, Vec<i64>)]) -> String {
    const LEFT: usize = 40;
    const WIDTH: usize = 560;
    const HEIGHT: usize = 200;
    const TOP: usize = 30;
    let max = series
        .iter()
        .flat_map(|(_, _, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let step = if labels.len() > 1 {
        WIDTH / (labels.len() - 1)
    } else {
        WIDTH
    };
    let x = |i: usize| LEFT + i * step;
    let y = |v: i64| TOP + HEIGHT - (v.max(0) as usize * HEIGHT) / max as usize;
    let mut svg = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\"><title>{t}</title>\
<text x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"bold\">{t}</text>\
<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" stroke=\"#999\"/>\
<text x=\"{lx}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"end\">{max}</text>",
        w = LEFT + WIDTH + 150,
        h = TOP + HEIGHT + 40,
        t = escape(title),
        base = TOP + HEIGHT,
        right = LEFT + WIDTH,
        lx = LEFT - 4,
        ty = TOP + 4,
    );
    for (i, label) in labels.iter().enumerate() {
        svg.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
            x(i),
            TOP + HEIGHT + 16,
            escape(label)
        ));
    }
    for (k, (name, colour, values)) in series.iter().enumerate() {
        let points: Vec<String> = values
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{},{}", x(i), y(*v)))
            .collect();
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"><title>{}</title></polyline>",
            points.join(" "),
            escape(name)
        ));
        for (i, v) in values.iter().enumerate() {
            svg.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{colour}\"><title>{}：{}</title></circle>",
                x(i),
                y(*v),
                escape(&format!("{name} {}", labels.get(i).map_or("", String::as_str))),
                v
            ));
        }
        let ly = TOP + 10 + k * 20;
        svg.push_str(&format!(
            "<rect x=\"{lx}\" y=\"{ry}\" width=\"12\" height=\"12\" fill=\"{colour}\"/><text x=\"{tx}\" y=\"{ty}\" font-size=\"12\">{n}</text>",
            lx = LEFT + WIDTH + 16,
            ry = ly - 10,
            tx = LEFT + WIDTH + 32,
            ty = ly,
            n = escape(name)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A target's year: what pace asks for month by month (grey, dashed), what was reported (red),
/// and, dotted, where December lands at the current rate. Values in the target's unit.
pub fn course(
    title: &str,
    unit: &str,
    actual: &[(u32, f64)],
    pace: &[f64],
    projected: Option<f64>,
) -> String {
    const LEFT: f64 = 56.0;
    const WIDTH: f64 = 440.0;
    const HEIGHT: f64 = 150.0;
    const TOP: f64 = 28.0;
    let top_value = pace
        .iter()
        .copied()
        .chain(actual.iter().map(|(_, v)| *v))
        .chain(projected)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    // Levels (rates, shares) hover near their target all year: the axis starts below the lowest
    // figure rather than at zero, so their course is not a flat line along the top.
    let low_value = pace
        .iter()
        .copied()
        .chain(actual.iter().map(|(_, v)| *v))
        .chain(projected)
        .filter(|v| v.is_finite())
        .fold(top_value, f64::min);
    let floor = if low_value > top_value * 0.5 {
        low_value * 0.9
    } else {
        0.0
    };
    let x = |month: u32| LEFT + (f64::from(month.clamp(1, 12)) - 1.0) * WIDTH / 11.0;
    let y = |v: f64| TOP + HEIGHT - ((v - floor).max(0.0) / (top_value - floor)) * HEIGHT;
    let mut svg = format!(
        "<svg class=\"chart course\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"{w}\"><title>{t}</title>\
<text x=\"0\" y=\"16\" font-size=\"13\" font-weight=\"bold\">{t}</text>\
<line x1=\"{LEFT}\" y1=\"{base}\" x2=\"{right}\" y2=\"{base}\" stroke=\"#999\"/>\
<text x=\"{lx}\" y=\"{ty}\" font-size=\"11\" text-anchor=\"end\">{max}{u}</text>\
<text x=\"{lx}\" y=\"{base}\" font-size=\"11\" text-anchor=\"end\">{min}</text>",
        w = LEFT + WIDTH + 20.0,
        h = TOP + HEIGHT + 34.0,
        t = escape(title),
        base = TOP + HEIGHT,
        right = LEFT + WIDTH,
        lx = LEFT - 4.0,
        ty = TOP + 4.0,
        max = number(top_value),
        min = number(floor),
        u = escape(unit),
    );
    for month in [1u32, 3, 6, 9, 12] {
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\">{month}月</text>",
            x(month),
            TOP + HEIGHT + 16.0
        ));
    }
    let line = |points: &[(u32, f64)]| -> String {
        points
            .iter()
            .map(|(m, v)| format!("{:.1},{:.1}", x(*m), y(*v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let paced: Vec<(u32, f64)> = (1u32..).zip(pace.iter().copied()).collect();
    svg.push_str(&format!(
        "<polyline fill=\"none\" stroke=\"#888\" stroke-width=\"1.5\" stroke-dasharray=\"5 4\" points=\"{}\"><title>序时进度</title></polyline>",
        line(&paced)
    ));
    if let (Some(last), Some(december)) = (actual.last(), projected)
        && last.0 < 12
    {
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"#b00020\" stroke-width=\"1.5\" stroke-dasharray=\"2 4\" points=\"{}\"><title>预计年底 {}{}</title></polyline>",
            line(&[*last, (12, december)]),
            number(december),
            escape(unit)
        ));
    }
    svg.push_str(&format!(
        "<polyline fill=\"none\" stroke=\"#b00020\" stroke-width=\"2.5\" points=\"{}\"><title>实际完成</title></polyline>",
        line(actual)
    ));
    for (m, v) in actual {
        svg.push_str(&format!(
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#b00020\"><title>{m}月：{}{}</title></circle>",
            x(*m),
            y(*v),
            number(*v),
            escape(unit)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// `1640` → `1640`, `10.5` → `10.5`, `3.333…` → `3.33`.
fn number(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_course_draws_pace_reports_and_the_projection() {
        let pace: Vec<f64> = (1..=12).map(|m| 2000.0 * f64::from(m) / 12.0).collect();
        let svg = course(
            "新增高新技术企业 2000 家",
            "家",
            &[(3, 400.0), (6, 820.0)],
            &pace,
            Some(1640.0),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<title>序时进度</title>"));
        assert!(svg.contains("预计年底 1640家"));
        assert!(svg.contains("6月：820家"));
        // The scale is set by the largest value: pace's 2,000 at December, at the top.
        assert!(svg.contains(">2000家</text>"));
        // December reached: nothing left to project.
        let done = course("x", "%", &[(12, 12.5)], &[12.0; 12], Some(12.5));
        assert!(!done.contains("预计年底"));
        // Nothing reported yet: pace alone.
        assert!(course("x", "家", &[], &pace, None).contains("序时进度"));
        // A rate near its 12 % all year: the axis starts below its lowest figure (10 × 0.9).
        let level = course("x", "%", &[(1, 10.0), (6, 11.0)], &[12.0; 12], Some(11.0));
        assert!(level.contains(">9</text>"), "{level}");
        assert!(svg.contains(">0</text>"), "totals start at zero");
    }

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let svg = bars("任务数", &[("市科技局".into(), 9), ("A&B<".into(), 3)]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(
            svg.contains("width=\"360\""),
            "the largest bar is full width"
        );
        assert!(svg.contains("width=\"120\""));
        assert!(svg.contains("A&amp;B&lt;"));
        assert!(bars("空", &[]).contains("</svg>"));
        let t = trend(
            "走势",
            &["1月".into(), "2月".into()],
            &[("滞后", "#e0a800", vec![2, 4])],
        );
        assert!(
            t.contains("<polyline") && t.contains("points=\"40,130 600,30\""),
            "{t}"
        );
        let long = bars(
            "长",
            &[("优化创新创业环境，营造热带雨林式创新生态圈".into(), 4)],
        );
        assert!(
            long.contains(">优化创新创业环境，营造热带雨林…</text>")
                && long.contains("<title>优化创新创业环境，营造热带雨林式创新生态圈：4</title>")
        );
    }
}
