//! Bar charts drawn on the server as SVG, for where people would rather look than read.

/// A horizontal bar chart of `(label, count)` pairs, largest first as given.
pub fn bars(title: &str, items: &[(String, i64)]) -> String {
    const ROW: usize = 24;
    const LABEL: usize = 260;
    const BAR: usize = 360;
    let max = items.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let height = 34 + ROW * items.len();
    let mut svg = format!(
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {w} {height}\" width=\"100%\" style=\"max-width:{w}px\"><title>{t}</title>\
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
        "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {w} {h}\" width=\"100%\" style=\"max-width:{w}px\"><title>{t}</title>\
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
