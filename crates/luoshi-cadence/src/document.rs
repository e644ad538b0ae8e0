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

/// Characters of a 2号 title on one line of the A4 text width.
pub const TITLE_LINE: usize = 20;

/// Words a title may break before (the document's kind, its subject's parts); a break is never
/// made inside one of them (`实施|方案`).
const BREAK_BEFORE: [&str; 16] = [
    "关于",
    "调度通报",
    "季度小结",
    "半年讲评",
    "年度考核",
    "工作情况",
    "情况通报",
    "落实情况",
    "实施方案",
    "行动方案",
    "工作方案",
    "行动计划",
    "实施意见",
    "任务分解",
    "推进",
    "工作",
];
/// Characters a title may break after.
const BREAK_AFTER: [char; 6] = ['、', '，', '）', '》', '”', '的'];

/// A title in lines of at most `per_line` characters, broken between words, never inside one
/// (`武汉市2021年推进科技创新提能工作` / `实施方案调度通报`): each line as long as it can be while
/// the rest still fits. A title without any break point is cut at the line length.
pub fn title_lines(title: &str, per_line: usize) -> Vec<String> {
    let chars: Vec<char> = title.chars().collect();
    let n = chars.len();
    // Where each listed word starts (in characters), and the positions strictly inside one.
    let mut starts = vec![false; n + 1];
    let mut inside = vec![false; n + 1];
    for (byte, _) in title.char_indices() {
        let at = title[..byte].chars().count();
        for word in BREAK_BEFORE {
            if title[byte..].starts_with(word) {
                starts[at] = true;
                let len = word.chars().count();
                inside[at + 1..at + len].iter_mut().for_each(|x| *x = true);
            }
        }
    }
    let year_end = |at: usize| {
        at >= 5 && chars[at - 1] == '年' && chars[at - 5..at - 1].iter().all(char::is_ascii_digit)
    };
    let can_break = |at: usize| {
        !inside[at] && (starts[at] || BREAK_AFTER.contains(&chars[at - 1]) || year_end(at))
    };
    let title_at = |at: usize| {
        let byte = title.char_indices().nth(at).map_or(title.len(), |(i, _)| i);
        &title[byte..]
    };
    let mut lines = Vec::new();
    let mut start = 0;
    while n - start > per_line {
        // The last break that leaves a line for the rest; else, when more lines are needed, the
        // last strong break (before 关于, after punctuation), then any.
        let window = || (start + 2..=start + per_line).rev();
        let strong = |at: usize| {
            can_break(at)
                && (title_at(at).starts_with("关于") || BREAK_AFTER.contains(&chars[at - 1]))
        };
        let cut = window()
            .find(|&at| can_break(at) && n - at <= per_line)
            .or_else(|| window().find(|&at| strong(at)))
            .or_else(|| window().find(|&at| can_break(at)))
            .unwrap_or(start + per_line);
        lines.push(chars[start..cut].iter().collect());
        start = cut;
    }
    lines.push(chars[start..].iter().collect());
    lines
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
    /// The issue line above the title once the office issues (印发) it: `第 6 期`,
    /// `第 7 期（更正第 6 期）`.
    pub issue: Option<String>,
    pub sections: Vec<Section>,
    /// The 公文 frame (版头 and 版记) the office set for the plan, once the document is framed.
    pub frame: Option<Frame>,
    /// 按语: what the office writes above the text when it issues the document.
    pub foreword: Option<String>,
}

/// The 公文 frame around a document (GB/T 9704): the 版头 with the issuing body in red, the 期号
/// and a red rule; the 版记 with the 抄送 list and the 印发机关 with its date between rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// 发文机关标志: `武汉市科技创新提能工作专班办公室`.
    pub issuer: String,
    /// 签发人, where the office prints one.
    pub signer: Option<String>,
    pub copies_to: Vec<String>,
    /// 印发机关.
    pub printed_by: String,
    /// 印发日期 as printed (`2021年7月5日`).
    pub printed_on: String,
}

impl OfficialDocument {
    /// The document in the plan's 公文 frame: the issuing body in the 版头 and signature, the
    /// 版记's 抄送 and 印发机关, printed on the document's date.
    pub fn framed(mut self, settings: &luoshi_store::DocumentSettings) -> OfficialDocument {
        let printed_on = self.signature.last().cloned().unwrap_or_default();
        if let Some(first) = self.signature.first_mut() {
            *first = settings.issuer.clone();
        }
        self.frame = Some(Frame {
            issuer: settings.issuer.clone(),
            signer: settings.signer.clone(),
            copies_to: settings.copies_to.clone(),
            printed_by: settings.printer().to_string(),
            printed_on,
        });
        self
    }
}

impl Frame {
    /// `抄送：市委办公厅，市人大常委会办公厅。`, or None when nothing is copied.
    pub fn copies_line(&self) -> Option<String> {
        (!self.copies_to.is_empty()).then(|| format!("抄送：{}。", self.copies_to.join("，")))
    }

    /// `武汉市科技局　　2021年7月5日印发`: the 印发 line's two ends.
    pub fn printed_line(&self) -> (String, String) {
        (self.printed_by.clone(), format!("{}印发", self.printed_on))
    }
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

impl OfficialDocument {
    /// What the document states, line by line: every paragraph, item and table row (a row as
    /// `caption｜cell｜cell…`), in order, without the date and signature. Two documents of one
    /// period state the same numbers exactly when their figures are equal.
    pub fn figures(&self) -> Vec<String> {
        let mut out = vec![self.title.clone(), self.subtitle.clone()];
        for section in &self.sections {
            out.push(section.heading.clone());
            for block in &section.blocks {
                match block {
                    Block::Paragraph(text) | Block::Subheading(text) => out.push(text.clone()),
                    Block::Items(items) => out.extend(items.iter().cloned()),
                    Block::Table { caption, rows, .. } => out.extend(
                        rows.iter()
                            .map(|row| format!("{caption}｜{}", row.join("｜"))),
                    ),
                }
            }
        }
        out
    }
}

/// What changed between two documents' figures: the lines only `issued` states and the lines
/// only `live` states, each in its document's order (a line stated twice counts twice).
pub fn changes(issued: &[String], live: &[String]) -> (Vec<String>, Vec<String>) {
    let mut unmatched: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for line in live {
        *unmatched.entry(line.as_str()).or_default() += 1;
    }
    let mut gone = Vec::new();
    for line in issued {
        match unmatched.get_mut(line.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => gone.push(line.clone()),
        }
    }
    let mut still: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for line in issued {
        *still.entry(line.as_str()).or_default() += 1;
    }
    let mut new = Vec::new();
    for line in live {
        match still.get_mut(line.as_str()) {
            Some(n) if *n > 0 => *n -= 1,
            _ => new.push(line.clone()),
        }
    }
    (gone, new)
}

/// A block with its number applied.
#[derive(Debug, Clone, PartialEq)]
pub enum NumberedBlock<'a> {
    Subheading(String),
    Other(&'a Block),
}

#[cfg(test)]
mod tests {

    #[test]
    fn titles_break_between_words() {
        use super::{TITLE_LINE, title_lines};
        assert_eq!(
            title_lines(
                "武汉市2021年推进科技创新提能工作实施方案调度通报",
                TITLE_LINE
            ),
            vec!["武汉市2021年推进科技创新提能工作", "实施方案调度通报"]
        );
        assert_eq!(
            title_lines("短标题调度通报", TITLE_LINE),
            vec!["短标题调度通报"]
        );
        let long = "湖北省人民政府办公厅关于加快推进科技强省建设若干政策措施落实情况的通报";
        let lines = title_lines(long, TITLE_LINE);
        assert!(
            lines.iter().all(|l| l.chars().count() <= TITLE_LINE),
            "{lines:?}"
        );
        assert_eq!(lines.concat(), long);
        assert!(
            lines[1].starts_with("关于") || lines[0].ends_with("办公厅"),
            "{lines:?}"
        );
        let unbroken = "一".repeat(25);
        assert_eq!(title_lines(&unbroken, TITLE_LINE).concat(), unbroken);
    }

    use super::*;

    #[test]
    fn numbering() {
        let doc = OfficialDocument {
            title: "通报".into(),
            subtitle: String::new(),
            signature: vec![],
            demo: false,
            issue: None,
            frame: None,
            foreword: None,
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

    #[test]
    fn changes_name_the_lines_each_side_states_alone() {
        let lines = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let issued = lines(&["总体", "表｜A｜1", "表｜B｜2", "表｜B｜2"]);
        let live = lines(&["总体", "表｜A｜3", "表｜B｜2"]);
        assert_eq!(
            changes(&issued, &live),
            (lines(&["表｜A｜1", "表｜B｜2"]), lines(&["表｜A｜3"]))
        );
        assert_eq!(changes(&issued, &issued), (vec![], vec![]));
    }
}
