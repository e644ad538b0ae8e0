//! What units raised in their reports, as a bulletin states it: each problem or request once per
//! task, with every unit that raised it, instead of one line per unit.

use crate::document::Block;
use crate::monthly::RaisedLine;

/// Problems and coordination requests, each text once per task with every unit that raised it
/// (`二.（四）.3 汉阳区人民政府、青山区人民政府：项目推进慢于预期`), under 存在问题 and 需协调事项,
/// in the order first raised.
pub fn grouped(raised: &[RaisedLine]) -> Vec<Block> {
    let group = |text: fn(&RaisedLine) -> &str| -> Vec<String> {
        let mut groups: Vec<(&str, &str, Vec<&str>)> = Vec::new();
        for r in raised {
            let said = text(r).trim();
            if said.is_empty() {
                continue;
            }
            match groups
                .iter_mut()
                .find(|(path, t, _)| *path == r.path && *t == said)
            {
                Some((_, _, units)) if !units.contains(&r.unit.as_str()) => units.push(&r.unit),
                Some(_) => {}
                None => groups.push((&r.path, said, vec![&r.unit])),
            }
        }
        groups
            .into_iter()
            .map(|(path, said, units)| format!("{path} {}：{said}", units.join("、")))
            .collect()
    };
    let mut blocks = Vec::new();
    for (heading, lines) in [
        ("存在问题", group(|r| &r.problems)),
        ("需协调事项", group(|r| &r.coordination)),
    ] {
        if !lines.is_empty() {
            blocks.push(Block::Subheading(heading.to_string()));
            blocks.push(Block::Items(lines));
        }
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
}
