//! A bulletin as a Word document in the layout of official documents (GB/T 9704): A4 with the
//! standard margins, the title in 2号方正小标宋, body in 3号仿宋 at a fixed 28.95 pt line, 一、 headings
//! in 黑体, （一） in 楷体, first lines indented two characters, page numbers 「— 1 —」 in 4号宋体.
//! Fonts are named, not embedded: the reader's machine supplies them (or substitutes).

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Footer, Header, LineSpacing, LineSpacingType,
    PageMargin, PageNum, PageOrientationType, PageSize, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SectionProperty, SpecialIndentType,
    Tab, TabValueType,
};

use crate::document::{
    Block, Frame, NumberedBlock, OfficialDocument, TITLE_LINE, chinese_number, title_lines,
};
use crate::{RenderError, docx_package, docx_table};

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEADING_FONT: &str = "黑体";
const SUBHEADING_FONT: &str = "楷体_GB2312";
const PAGE_NUMBER_FONT: &str = "宋体";
/// Half-points.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
/// Twentieths of a point: 28.95 pt.
const LINE: i32 = 579;
/// Two characters of 3号 (16 pt), in twips.
const INDENT: i32 = 640;
/// A4 text width with 28 mm and 26 mm margins, in twips.
const TEXT_WIDTH: usize = 8844;

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new()
        .add_text(text)
        .size(size)
        .fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font))
}

fn exact() -> LineSpacing {
    LineSpacing::new()
        .line(LINE)
        .line_rule(LineSpacingType::Exact)
}

fn body(text: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, BODY_FONT, BODY_SIZE))
        .line_spacing(exact())
        .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
        .align(AlignmentType::Both)
}

/// A heading line, kept on the page of the text it heads.
fn heading(text: &str, font: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, BODY_SIZE))
        .line_spacing(exact())
        .keep_next(true)
        .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
}

fn centered(text: &str, font: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, size))
        .align(AlignmentType::Center)
        .line_spacing(exact())
}

/// Where a 附件 table goes: a paragraph the package step replaces with the table's XML
/// ([`crate::docx_table`]).
fn table_placeholder(index: usize) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(format!("{}{index}", docx_table::PLACEHOLDER)))
}

/// The title, broken between words into lines that fit (`title_lines`), in one paragraph.
fn title(text: &str) -> Paragraph {
    let mut paragraph = Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(exact());
    for (i, line) in title_lines(text, TITLE_LINE).iter().enumerate() {
        let mut r = run(line, TITLE_FONT, TITLE_SIZE);
        if i > 0 {
            r = Run::new()
                .add_break(BreakType::TextWrapping)
                .size(TITLE_SIZE)
                .fonts(RunFonts::new().east_asia(TITLE_FONT))
                .add_text(line);
        }
        paragraph = paragraph.add_run(r);
    }
    paragraph
}

/// A table of the document, printed as an 附件 after the text.
struct Appendix<'a> {
    caption: &'a str,
    headers: &'a [String],
    rows: &'a [Vec<String>],
}

const A4_WIDTH: u32 = 11906;
const A4_HEIGHT: u32 = 16838;
/// A4 landscape text width with the same margins turned, in twips.
const LANDSCAPE_TEXT_WIDTH: usize = 16838 - 2098 - 1984;

fn portrait_margin() -> PageMargin {
    PageMargin::new()
        .top(2098)
        .bottom(1984)
        .left(1588)
        .right(1474)
        .header(851)
        .footer(992)
}

/// The portrait margins turned with the page: the binding side stays at the top.
fn landscape_margin() -> PageMargin {
    PageMargin::new()
        .top(1588)
        .bottom(1474)
        .left(2098)
        .right(1984)
        .header(851)
        .footer(992)
}

/// The body's section when 附件 in landscape follow it; its page numbers are added on the
/// package (see [`crate::docx_package`]).
fn portrait_section() -> SectionProperty {
    SectionProperty::new()
        .page_size(PageSize::new().size(A4_WIDTH, A4_HEIGHT))
        .page_margin(portrait_margin())
}

/// Red, as GB/T 9704 prints the 发文机关标志 and the rule under the 版头.
const RED: &str = "FF0000";
/// 4号 (14 pt) for the 版记, in half-points.
const COLOPHON_SIZE: usize = 28;

/// A paragraph with rules along `sides` (`(side, eighths of a point thick)`), and no others.
fn ruled(
    paragraph: Paragraph,
    sides: &[(ParagraphBorderPosition, usize)],
    color: &str,
) -> Paragraph {
    let mut paragraph = paragraph;
    let borders = sides.iter().fold(
        ParagraphBorders::with_empty(),
        |borders, (side, eighths)| {
            borders.set(
                ParagraphBorder::new(side.clone())
                    .val(BorderType::Single)
                    .size(*eighths)
                    .space(1)
                    .color(color),
            )
        },
    );
    paragraph.property = paragraph.property.set_borders(borders);
    paragraph
}

/// A run that starts at the paragraph's right-aligned tab stop.
fn after_tab(text: &str, font: &str, size: usize) -> Run {
    Run::new()
        .add_tab()
        .add_text(text)
        .size(size)
        .fonts(RunFonts::new().east_asia(font).ascii(font).hi_ansi(font))
}

/// The 版头: the issuing body in red 小标宋, as large as fits one line (at most 小初); the 期号 and
/// 签发人 under it; a red rule.
fn masthead(frame: &Frame, issue: Option<&str>) -> Vec<Paragraph> {
    // Half-points: at most 36 pt, and the name on one line of the text width (442 pt).
    let chars = frame.issuer.chars().count().max(1);
    let size = (2 * 442 / chars).clamp(32, 72);
    let mark = Paragraph::new()
        .align(AlignmentType::Center)
        .add_run(run(&frame.issuer, TITLE_FONT, size).color(RED));
    let number_line = Paragraph::new()
        .line_spacing(exact())
        .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_WIDTH));
    let signer = |s: &str| format!("签发人：{s}");
    let number_line = match (issue, &frame.signer) {
        (Some(issue), Some(s)) => number_line
            .add_run(run(issue, BODY_FONT, BODY_SIZE))
            .add_run(after_tab(&signer(s), BODY_FONT, BODY_SIZE)),
        (Some(issue), None) => number_line
            .align(AlignmentType::Center)
            .add_run(run(issue, BODY_FONT, BODY_SIZE)),
        (None, Some(s)) => {
            number_line
                .align(AlignmentType::Right)
                .add_run(run(&signer(s), BODY_FONT, BODY_SIZE))
        }
        (None, None) => number_line,
    };
    vec![
        mark,
        ruled(number_line, &[(ParagraphBorderPosition::Bottom, 12)], RED),
    ]
}

/// The 版记 after the text: the 抄送 line and the 印发机关 with its date, between black rules.
fn colophon(frame: &Frame) -> Vec<Paragraph> {
    const BLACK: &str = "000000";
    let mut out = vec![Paragraph::new().line_spacing(exact())];
    let (by, on) = frame.printed_line();
    let printed = Paragraph::new()
        .line_spacing(exact())
        .add_tab(Tab::new().val(TabValueType::Right).pos(TEXT_WIDTH))
        .add_run(run(&by, BODY_FONT, COLOPHON_SIZE))
        .add_run(after_tab(&on, BODY_FONT, COLOPHON_SIZE));
    use ParagraphBorderPosition::{Bottom, Top};
    match frame.copies_line() {
        Some(copies) => {
            let line = Paragraph::new().line_spacing(exact()).add_run(run(
                &copies,
                BODY_FONT,
                COLOPHON_SIZE,
            ));
            out.push(ruled(line, &[(Top, 8), (Bottom, 4)], BLACK));
            out.push(ruled(printed, &[(Bottom, 8)], BLACK));
        }
        None => out.push(ruled(printed, &[(Top, 8), (Bottom, 8)], BLACK)),
    }
    out
}

/// The .docx bytes.
pub fn render(doc: &OfficialDocument) -> Result<Vec<u8>, RenderError> {
    let footer = Footer::new().add_paragraph(
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run("— ", PAGE_NUMBER_FONT, 28))
            .add_page_num(PageNum::new())
            .add_run(run(" —", PAGE_NUMBER_FONT, 28)),
    );
    let has_tables = doc
        .sections
        .iter()
        .any(|s| s.blocks.iter().any(|b| matches!(b, Block::Table { .. })));
    // The body is portrait A4; tables go to 附件 pages after it, in landscape, so the last
    // (document-level) section is the landscape one when there are any.
    let mut docx = if has_tables {
        Docx::new()
            .page_size(A4_HEIGHT, A4_WIDTH)
            .page_orient(PageOrientationType::Landscape)
            .page_margin(landscape_margin())
    } else {
        Docx::new()
            .page_size(A4_WIDTH, A4_HEIGHT)
            .page_margin(portrait_margin())
    }
    .footer(footer);
    let mut appendices: Vec<Appendix> = Vec::new();
    if doc.demo {
        // On every page, in the page header, where it cannot be cut off a copy.
        docx = docx.header(
            Header::new().add_paragraph(
                Paragraph::new()
                    .align(AlignmentType::Center)
                    .add_run(run("演示数据", HEADING_FONT, BODY_SIZE).color(RED)),
            ),
        );
    }
    match &doc.frame {
        Some(frame) => {
            for paragraph in masthead(frame, doc.issue.as_deref()) {
                docx = docx.add_paragraph(paragraph);
            }
        }
        None => {
            if let Some(issue) = &doc.issue {
                docx = docx.add_paragraph(centered(issue, BODY_FONT, BODY_SIZE));
            }
        }
    }
    docx = docx
        .add_paragraph(title(&doc.title))
        .add_paragraph(centered(&doc.subtitle, BODY_FONT, BODY_SIZE));
    if let Some(foreword) = &doc.foreword {
        // 按语 in 楷体, above the text.
        docx = docx.add_paragraph(
            Paragraph::new()
                .add_run(run(&format!("按：{foreword}"), SUBHEADING_FONT, BODY_SIZE))
                .line_spacing(exact())
                .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
                .align(AlignmentType::Both),
        );
    }
    // A section that is only a table (七、指标进度一览) is its 附件: it is named in the 附件说明,
    // and the sections left are numbered on.
    let mut printed = 0;
    for (section, (_, blocks)) in doc.sections.iter().zip(doc.numbered()) {
        let only_tables = !section.blocks.is_empty()
            && section
                .blocks
                .iter()
                .all(|b| matches!(b, Block::Table { .. }));
        if only_tables {
            for block in &section.blocks {
                if let Block::Table {
                    caption,
                    headers,
                    rows,
                } = block
                {
                    appendices.push(Appendix {
                        caption,
                        headers,
                        rows,
                    });
                }
            }
            continue;
        }
        printed += 1;
        let section_heading = format!("{}、{}", chinese_number(printed), section.heading);
        // `五、未报送情况：无。` on one line.
        if let [Block::Paragraph(only)] = section.blocks.as_slice()
            && only == "无。"
        {
            docx = docx.add_paragraph(heading(&format!("{section_heading}：无。"), HEADING_FONT));
            continue;
        }
        docx = docx.add_paragraph(heading(&section_heading, HEADING_FONT));
        // A table goes to its 附件; the line before it says where (`……情况（见附件1）`).
        let next_is_table = |i: usize| {
            matches!(
                blocks.get(i + 1),
                Some(NumberedBlock::Other(Block::Table { .. }))
            )
        };
        for (i, block) in blocks.iter().enumerate() {
            let see = |text: &str| {
                if !next_is_table(i) {
                    return text.to_string();
                }
                let reference = format!("（见附件{}）", appendices.len() + 1);
                match text.strip_suffix('。') {
                    Some(sentence) => format!("{sentence}{reference}。"),
                    None => format!("{text}{reference}"),
                }
            };
            docx = match block {
                NumberedBlock::Subheading(text) => {
                    docx.add_paragraph(heading(&see(text), SUBHEADING_FONT))
                }
                NumberedBlock::Other(Block::Subheading(text)) => {
                    docx.add_paragraph(heading(&see(text), SUBHEADING_FONT))
                }
                NumberedBlock::Other(Block::Paragraph(text)) => {
                    docx.add_paragraph(body(&see(text)))
                }
                NumberedBlock::Other(Block::Items(items)) => {
                    let last = items.len().saturating_sub(1);
                    items.iter().enumerate().fold(docx, |d, (k, item)| {
                        let item = format!("{}. {item}", k + 1);
                        d.add_paragraph(body(&if k == last { see(&item) } else { item }))
                    })
                }
                NumberedBlock::Other(Block::Table {
                    caption,
                    headers,
                    rows,
                }) => {
                    let said = i > 0;
                    appendices.push(Appendix {
                        caption,
                        headers,
                        rows,
                    });
                    if said {
                        docx
                    } else {
                        docx.add_paragraph(body(&format!("（见附件{}）", appendices.len())))
                    }
                }
            };
        }
    }
    docx = docx.add_paragraph(Paragraph::new().line_spacing(exact()));
    // 附件说明: `附件：1.指标进度一览` under the text, the others aligned under the first.
    for (i, appendix) in appendices.iter().enumerate() {
        let label = if i == 0 { "附件：" } else { "　　　" };
        docx = docx.add_paragraph(body(&format!("{label}{}.{}", i + 1, appendix.caption)));
    }
    let signature_lines = doc.signature.len();
    for (i, line) in doc.signature.iter().enumerate() {
        let mut paragraph = Paragraph::new()
            .add_run(run(line, BODY_FONT, BODY_SIZE))
            .align(AlignmentType::Right)
            .line_spacing(exact());
        if has_tables && i + 1 == signature_lines {
            // The portrait body ends here; the 附件 follow in landscape.
            paragraph = paragraph.section_property(portrait_section());
        }
        docx = docx.add_paragraph(paragraph);
    }
    if has_tables && signature_lines == 0 {
        docx = docx.add_paragraph(Paragraph::new().section_property(portrait_section()));
    }
    let mut tables = Vec::with_capacity(appendices.len());
    for (
        i,
        Appendix {
            caption,
            headers,
            rows,
        },
    ) in appendices.iter().enumerate()
    {
        docx = docx
            .add_paragraph(
                Paragraph::new()
                    .page_break_before(i > 0)
                    .line_spacing(exact())
                    .add_run(run(&format!("附件{}", i + 1), HEADING_FONT, BODY_SIZE)),
            )
            .add_paragraph(centered(caption, TITLE_FONT, BODY_SIZE))
            .add_paragraph(table_placeholder(i));
        tables.push(docx_table::table_xml(headers, rows, LANDSCAPE_TEXT_WIDTH));
    }
    if let Some(frame) = &doc.frame {
        for paragraph in colophon(frame) {
            docx = docx.add_paragraph(paragraph);
        }
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    let properties = docx_package::Properties {
        title: doc.title.clone(),
        author: doc.signature.first().cloned().unwrap_or_default(),
        created: doc
            .signature
            .last()
            .and_then(|date| docx_package::w3c_date(date)),
    };
    docx_package::finish(&bytes.into_inner(), &properties, &tables)
}
