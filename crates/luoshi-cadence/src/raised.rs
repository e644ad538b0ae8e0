//! What units raised in their reports, as a bulletin states it: each problem or request once,
//! with every unit that raised it and every task it was raised on, instead of one line per report.

use crate::document::Block;
use crate::monthly::RaisedLine;

/// How many lines of each kind the bulletin's text shows; the rest are counted there and listed
/// whole in a table (an appendix of the printed document).
pub const SHOWN: usize = 3;

/// How many tasks or units a line of the text names before it counts them instead.
const NAMED: usize = 3;

/// The table listing everything raised when the text shows only the first lines.
pub const TABLE_CAPTION: &str = "存在问题和需协调事项";

/// One problem or request (the same words) with the tasks it was raised on, and for each task the
/// units that raised it there, in the order first raised.
struct Raised<'a> {
    text: &'a str,
    on: Vec<(&'a str, Vec<&'a str>)>,
}

impl<'a> Raised<'a> {
    fn tasks(&self) -> Vec<&'a str> {
        self.on.iter().map(|(path, _)| *path).collect()
    }

    /// Every unit that raised it, each once.
    fn units(&self) -> Vec<&'a str> {
        let mut units: Vec<&str> = Vec::new();
        for unit in self.on.iter().flat_map(|(_, units)| units) {
            if !units.contains(unit) {
                units.push(unit);
            }
        }
        units
    }

    /// The text names only some of its tasks or units (the table names all).
    fn abbreviated(&self) -> bool {
        self.on.len() > NAMED || self.units().len() > NAMED
    }

    /// The tasks `unit` raised it on.
    fn tasks_of(&self, unit: &str) -> Vec<&'a str> {
        self.on
            .iter()
            .filter(|(_, units)| units.contains(&unit))
            .map(|(path, _)| *path)
            .collect()
    }
}

fn group<'a>(raised: &'a [RaisedLine], text: fn(&RaisedLine) -> &str) -> Vec<Raised<'a>> {
    let mut groups: Vec<Raised<'a>> = Vec::new();
    for r in raised {
        let said = text(r).trim();
        if said.is_empty() {
            continue;
        }
        let index = match groups.iter().position(|g| g.text == said) {
            Some(i) => i,
            None => {
                groups.push(Raised {
                    text: said,
                    on: Vec::new(),
                });
                groups.len() - 1
            }
        };
        let on = &mut groups[index].on;
        match on.iter_mut().find(|(path, _)| *path == r.path) {
            Some((_, units)) if !units.contains(&r.unit.as_str()) => units.push(&r.unit),
            Some(_) => {}
            None => on.push((&r.path, vec![&r.unit])),
        }
    }
    groups
}

/// Up to three names as they are, else the first two and how many in all
/// (`汉阳区人民政府、青山区人民政府等 5 个单位`); the table names every one.
fn named(names: &[&str], counted: &str) -> String {
    if names.len() <= NAMED {
        names.join("、")
    } else {
        format!("{}等 {} {counted}", names[..2].join("、"), names.len())
    }
}

/// One line of the text: the tasks, the units and what they said
/// (`二.（四）.3、二.（四）.4 汉阳区人民政府、青山区人民政府：项目推进慢于预期`).
fn line(g: &Raised) -> String {
    format!(
        "{} {}：{}",
        named(&g.tasks(), "项任务"),
        named(&g.units(), "个单位"),
        g.text
    )
}

/// Problems and coordination requests, each text once with every unit that raised it and every
/// task it was raised on, under 存在问题 and 需协调事项, in the order first raised: at most
/// [`SHOWN`] of each in the text, the rest counted there and everything listed in a table, so
/// nothing is dropped.
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
        blocks.push(Block::Items(groups.iter().take(SHOWN).map(line).collect()));
        if groups.len() > SHOWN {
            cut = true;
            blocks.push(Block::Paragraph(format!(
                "另有 {} 条，详见「{TABLE_CAPTION}」表。",
                groups.len() - SHOWN
            )));
        } else if groups.iter().any(Raised::abbreviated) {
            cut = true;
            blocks.push(Block::Paragraph(format!(
                "提出的单位和任务详见「{TABLE_CAPTION}」表。"
            )));
        }
    }
    if cut {
        // One row per text and unit, with the tasks that unit raised it on.
        let rows = kinds
            .iter()
            .flat_map(|(heading, groups)| {
                groups.iter().flat_map(move |g| {
                    g.units().into_iter().map(move |unit| {
                        vec![
                            heading.to_string(),
                            unit.to_string(),
                            g.tasks_of(unit).join("、"),
                            g.text.to_string(),
                        ]
                    })
                })
            })
            .collect();
        blocks.push(Block::Table {
            caption: TABLE_CAPTION.to_string(),
            headers: ["类别", "提出单位", "任务", "内容"]
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

    fn report(unit: &str, path: &str, problems: &str, coordination: &str) -> RaisedLine {
        RaisedLine {
            unit: unit.into(),
            path: path.into(),
            problems: problems.into(),
            coordination: coordination.into(),
        }
    }

    #[test]
    fn the_same_text_is_one_line_naming_every_unit_and_task() {
        let blocks = grouped(&[
            report("汉阳区人民政府", "二.（四）.3", "项目推进慢于预期。", ""),
            report(
                "青山区人民政府",
                "二.（四）.3",
                "项目推进慢于预期。",
                "请市财政局加快拨付资金。",
            ),
            report("青山区人民政府", "二.（四）.3", "项目推进慢于预期。", ""),
            report("洪山区人民政府", "二.（四）.4", "项目推进慢于预期。", ""),
            report("新洲区人民政府", "二.（四）.3", "用地指标不足。", ""),
        ]);
        assert_eq!(
            blocks,
            vec![
                Block::Subheading("存在问题".into()),
                Block::Items(vec![
                    "二.（四）.3、二.（四）.4 汉阳区人民政府、青山区人民政府、洪山区人民政府：项目推进慢于预期。".into(),
                    "二.（四）.3 新洲区人民政府：用地指标不足。".into(),
                ]),
                Block::Subheading("需协调事项".into()),
                Block::Items(vec![
                    "二.（四）.3 青山区人民政府：请市财政局加快拨付资金。".into()
                ]),
            ]
        );
        assert!(grouped(&[report("市科技局", "一.1", " ", "")]).is_empty());
    }

    #[test]
    fn the_table_says_who_raised_it_on_which_task() {
        let many: Vec<RaisedLine> = (1..=SHOWN + 1)
            .map(|i| report("市科技局", "二.1", &format!("进度慢{i}。"), ""))
            .chain([
                report("市科技局", "二.2", "进度慢1。", ""),
                report("洪山区人民政府", "二.3", "进度慢1。", ""),
                report("洪山区人民政府", "二.4", "进度慢1。", ""),
                report("江岸区人民政府", "二.4", "进度慢1。", ""),
            ])
            .collect();
        let blocks = grouped(&many);
        assert_eq!(
            blocks[1],
            Block::Items(vec![
                "二.1、二.2等 4 项任务 市科技局、洪山区人民政府、江岸区人民政府：进度慢1。".into(),
                "二.1 市科技局：进度慢2。".into(),
                "二.1 市科技局：进度慢3。".into(),
            ])
        );
        let Some(Block::Table { rows, .. }) = blocks.last() else {
            panic!("{blocks:?}")
        };
        let table: Vec<[&str; 3]> = rows
            .iter()
            .map(|r| [r[1].as_str(), r[2].as_str(), r[3].as_str()])
            .collect();
        assert_eq!(
            table,
            [
                ["市科技局", "二.1、二.2", "进度慢1。"],
                ["洪山区人民政府", "二.3、二.4", "进度慢1。"],
                ["江岸区人民政府", "二.4", "进度慢1。"],
                ["市科技局", "二.1", "进度慢2。"],
                ["市科技局", "二.1", "进度慢3。"],
                ["市科技局", "二.1", "进度慢4。"],
            ]
        );
    }

    #[test]
    fn a_line_naming_only_some_units_sends_the_reader_to_the_table() {
        let blocks = grouped(
            &["甲区", "乙区", "丙区", "丁区"].map(|unit| report(unit, "二.1", "缺资金。", "")),
        );
        assert_eq!(
            blocks[1..3],
            [
                Block::Items(vec!["二.1 甲区、乙区等 4 个单位：缺资金。".into()]),
                Block::Paragraph("提出的单位和任务详见「存在问题和需协调事项」表。".into()),
            ]
        );
        assert!(
            matches!(&blocks[3], Block::Table { rows, .. } if rows.len() == 4 && rows[3][1] == "丁区")
        );
    }

    #[test]
    fn many_units_are_counted_in_the_text() {
        assert_eq!(named(&["甲", "乙", "丙"], "个单位"), "甲、乙、丙");
        assert_eq!(
            named(&["甲", "乙", "丙", "丁"], "个单位"),
            "甲、乙等 4 个单位"
        );
    }

    #[test]
    fn past_the_first_lines_the_rest_are_counted_and_listed_whole() {
        let many: Vec<RaisedLine> = (1..=SHOWN + 3)
            .map(|i| report("市科技局", "二.1", &format!("进度慢{i}。"), ""))
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
                assert_eq!(rows[0], vec!["存在问题", "市科技局", "二.1", "进度慢1。"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
