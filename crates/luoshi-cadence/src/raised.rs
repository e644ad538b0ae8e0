//! What units raised in their reports, as a bulletin states it: each problem or request once per
//! task, with every unit that raised it, instead of one line per unit.

use crate::document::Block;
use crate::monthly::RaisedLine;

/// How many lines of each kind the bulletin's text shows; the rest are counted there and listed
/// whole in a table (an appendix of the printed document).
pub const SHOWN: usize = 3;

/// The table listing everything raised when the text shows only the first lines.
pub const TABLE_CAPTION: &str = "存在问题和需协调事项";

/// One problem or request with every unit that raised it.
struct Raised<'a> {
    path: &'a str,
    text: &'a str,
    units: Vec<&'a str>,
}

fn group<'a>(raised: &'a [RaisedLine], text: fn(&RaisedLine) -> &str) -> Vec<Raised<'a>> {
    let mut groups: Vec<Raised<'a>> = Vec::new();
    for r in raised {
        let said = text(r).trim();
        if said.is_empty() {
            continue;
        }
        match groups
            .iter_mut()
            .find(|g| g.path == r.path && g.text == said)
        {
            Some(g) if !g.units.contains(&r.unit.as_str()) => g.units.push(&r.unit),
            Some(_) => {}
            None => groups.push(Raised {
                path: &r.path,
                text: said,
                units: vec![&r.unit],
            }),
        }
    }
    groups
}

/// The units that raised a line, as the text names them: up to three, else the first two and how
/// many in all (`汉阳区人民政府、青山区人民政府等 5 个单位`); the table names every one.
fn named(units: &[&str]) -> String {
    if units.len() <= 3 {
        units.join("、")
    } else {
        format!("{}等 {} 个单位", units[..2].join("、"), units.len())
    }
}

/// Problems and coordination requests, each text once per task with every unit that raised it
/// (`二.（四）.3 汉阳区人民政府、青山区人民政府：项目推进慢于预期`), under 存在问题 and 需协调事项,
/// in the order first raised: at most [`SHOWN`] of each in the text, the rest counted there and
/// everything listed in a table, so nothing is dropped.
pub fn grouped(raised: &[RaisedLine]) -> Vec<Block> {
    let kinds = [
        ("存在问题", group(raised, |r| &r.problems)),
        ("需协调事项", group(raised, |r| &r.coordination)),
    ];
    let mut blocks = Vec::new();
    let mut cut = false;
    for (heading, groups) in &kinds {
        if groups.is_empty() {
            continue;
        }
        blocks.push(Block::Subheading(heading.to_string()));
        blocks.push(Block::Items(
            groups
                .iter()
                .take(SHOWN)
                .map(|g| format!("{} {}：{}", g.path, named(&g.units), g.text))
                .collect(),
        ));
        if groups.len() > SHOWN {
            cut = true;
            blocks.push(Block::Paragraph(format!(
                "另有 {} 条，详见「{TABLE_CAPTION}」表。",
                groups.len() - SHOWN
            )));
        }
    }
    if cut {
        let rows = kinds
            .iter()
            .flat_map(|(heading, groups)| {
                groups.iter().map(move |g| {
                    vec![
                        heading.to_string(),
                        g.path.to_string(),
                        g.units.join("、"),
                        g.text.to_string(),
                    ]
                })
            })
            .collect();
        blocks.push(Block::Table {
            caption: TABLE_CAPTION.to_string(),
            headers: ["类别", "任务", "提出单位", "内容"]
                .map(String::from)
                .to_vec(),
            rows,
        });
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(unit: &str, path: &str, problems: &str, coordination: &str) -> RaisedLine {
        RaisedLine {
            unit: unit.into(),
            path: path.into(),
            problems: problems.into(),
            coordination: coordination.into(),
        }
    }

    #[test]
    fn the_same_text_on_one_task_is_one_line_naming_every_unit() {
        let blocks = grouped(&[
            line("汉阳区人民政府", "二.（四）.3", "项目推进慢于预期。", ""),
            line(
                "青山区人民政府",
                "二.（四）.3",
                "项目推进慢于预期。",
                "请市财政局加快拨付资金。",
            ),
            line("青山区人民政府", "二.（四）.3", "项目推进慢于预期。", ""),
            line("洪山区人民政府", "二.（四）.4", "项目推进慢于预期。", ""),
            line("新洲区人民政府", "二.（四）.3", "用地指标不足。", ""),
        ]);
        assert_eq!(
            blocks,
            vec![
                Block::Subheading("存在问题".into()),
                Block::Items(vec![
                    "二.（四）.3 汉阳区人民政府、青山区人民政府：项目推进慢于预期。".into(),
                    "二.（四）.4 洪山区人民政府：项目推进慢于预期。".into(),
                    "二.（四）.3 新洲区人民政府：用地指标不足。".into(),
                ]),
                Block::Subheading("需协调事项".into()),
                Block::Items(vec![
                    "二.（四）.3 青山区人民政府：请市财政局加快拨付资金。".into()
                ]),
            ]
        );
        assert!(grouped(&[line("市科技局", "一.1", " ", "")]).is_empty());
    }

    #[test]
    fn many_units_are_counted_in_the_text() {
        assert_eq!(named(&["甲", "乙", "丙"]), "甲、乙、丙");
        assert_eq!(named(&["甲", "乙", "丙", "丁"]), "甲、乙等 4 个单位");
    }

    #[test]
    fn past_the_first_lines_the_rest_are_counted_and_listed_whole() {
        let many: Vec<RaisedLine> = (1..=SHOWN + 3)
            .map(|i| line("市科技局", &format!("二.{i}"), "进度慢。", ""))
            .collect();
        let blocks = grouped(&many);
        assert!(matches!(&blocks[1], Block::Items(items) if items.len() == SHOWN));
        assert_eq!(
            blocks[2],
            Block::Paragraph("另有 3 条，详见「存在问题和需协调事项」表。".into())
        );
        match &blocks[3] {
            Block::Table { caption, rows, .. } => {
                assert_eq!(caption, TABLE_CAPTION);
                assert_eq!(rows.len(), SHOWN + 3, "nothing dropped");
                assert_eq!(rows[0], vec!["存在问题", "二.1", "市科技局", "进度慢。"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
