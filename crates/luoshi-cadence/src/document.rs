//! An official document (公文) as structure: a title, a date line, numbered sections (一、) with
//! numbered subsections (（一）) and items (1.), paragraphs and tables. Every output format renders
//! this one structure, so the .docx, .xlsx and HTML of a bulletin cannot disagree.

/// 一、二、… for section numbers.
pub const CHINESE_NUMBERS: [&str; 20] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四",
    "十五", "十六", "十七", "十八", "十九", "二十",
];

pub fn chinese_number(n: usize) -> String {
    CHINESE_NUMBERS
        .get(n.saturating_sub(1))
        .map_or_else(|| n.to_string(), |s| (*s).to_string())
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Paragraph(String),
    /// A subsection heading: rendered `（一）…`.
    Subheading(String),
    /// Numbered items: rendered `1. …`.
    Items(Vec<String>),
    /// A table with a caption: the caption names the xlsx sheet.
    Table {
        caption: String,
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    /// Without its number: rendered `一、…`.
    pub heading: String,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OfficialDocument {
    pub title: String,
    /// Under the title, e.g. `（2021年6月）`.
    pub subtitle: String,
    /// The issuing office and date, at the end.
    pub signature: Vec<String>,
    /// Marks every page and sheet 演示数据 when the ledger holds simulated reports.
    pub demo: bool,
    pub sections: Vec<Section>,
}

impl OfficialDocument {
    /// Section headings numbered `一、`, subheadings `（一）` restarting in each section.
    pub fn numbered(&self) -> Vec<(String, Vec<NumberedBlock<'_>>)> {
        self.sections
            .iter()
            .enumerate()
            .map(|(i, section)| {
                let mut sub = 0;
                let blocks = section
                    .blocks
                    .iter()
                    .map(|block| match block {
                        Block::Subheading(text) => {
                            sub += 1;
                            NumberedBlock::Subheading(format!("（{}）{text}", chinese_number(sub)))
                        }
                        other => NumberedBlock::Other(other),
                    })
                    .collect();
                (
                    format!("{}、{}", chinese_number(i + 1), section.heading),
                    blocks,
                )
            })
            .collect()
    }
}

/// A block with its number applied.
#[derive(Debug, Clone, PartialEq)]
pub enum NumberedBlock<'a> {
    Subheading(String),
    Other(&'a Block),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering() {
        let doc = OfficialDocument {
            title: "通报".into(),
            subtitle: String::new(),
            signature: vec![],
            demo: false,
            sections: vec![
                Section {
                    heading: "总体情况".into(),
                    blocks: vec![Block::Paragraph("x".into())],
                },
                Section {
                    heading: "滞后事项".into(),
                    blocks: vec![
                        Block::Subheading("严重滞后".into()),
                        Block::Subheading("滞后".into()),
                    ],
                },
            ],
        };
        let numbered = doc.numbered();
        assert_eq!(numbered[0].0, "一、总体情况");
        assert_eq!(numbered[1].0, "二、滞后事项");
        assert_eq!(
            numbered[1].1[1],
            NumberedBlock::Subheading("（二）滞后".into())
        );
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(25), "25");
    }
}
