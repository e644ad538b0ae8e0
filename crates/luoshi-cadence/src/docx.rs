//! A bulletin as a Word document in the layout of official documents (GB/T 9704): A4 with the
//! standard margins, the title in 2号方正小标宋, body in 3号仿宋 at a fixed 28.95 pt line, 一、 headings
//! in 黑体, （一） in 楷体, first lines indented two characters, page numbers 「— 1 —」 in 4号宋体.
//! Fonts are named, not embedded: the reader's machine supplies them (or substitutes).

use docx_rs::{
    AlignmentType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin, PageNum, Paragraph, Run,
    RunFonts, SpecialIndentType, Table, TableCell, TableRow, WidthType,
};

use crate::RenderError;
use crate::document::{Block, NumberedBlock, OfficialDocument};

const TITLE_FONT: &str = "方正小标宋简体";
const BODY_FONT: &str = "仿宋_GB2312";
const HEADING_FONT: &str = "黑体";
const SUBHEADING_FONT: &str = "楷体_GB2312";
const PAGE_NUMBER_FONT: &str = "宋体";
/// Half-points.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
const TABLE_SIZE: usize = 21;
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

fn heading(text: &str, font: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, BODY_SIZE))
        .line_spacing(exact())
        .indent(None, Some(SpecialIndentType::FirstLine(INDENT)), None, None)
}

fn centered(text: &str, font: &str, size: usize) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, size))
        .align(AlignmentType::Center)
        .line_spacing(exact())
}

fn cell(text: &str, bold: bool) -> TableCell {
    let mut r = run(text, BODY_FONT, TABLE_SIZE);
    if bold {
        r = r.bold();
    }
    TableCell::new().add_paragraph(Paragraph::new().add_run(r))
}

fn table(headers: &[String], rows: &[Vec<String>]) -> Table {
    let columns = headers.len().max(1);
    let width = TEXT_WIDTH / columns;
    let mut table_rows = vec![TableRow::new(
        headers
            .iter()
            .map(|h| cell(h, true).width(width, WidthType::Dxa))
            .collect(),
    )];
    for row in rows {
        table_rows.push(TableRow::new(
            row.iter()
                .map(|c| cell(c, false).width(width, WidthType::Dxa))
                .collect(),
        ));
    }
    Table::new(table_rows)
        .set_grid(vec![width; columns])
        .width(TEXT_WIDTH, WidthType::Dxa)
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
    let mut docx = Docx::new()
        .page_size(11906, 16838)
        .page_margin(
            PageMargin::new()
                .top(2098)
                .bottom(1984)
                .left(1588)
                .right(1474)
                .header(851)
                .footer(992),
        )
        .footer(footer);
    if doc.demo {
        docx = docx.add_paragraph(centered("演示数据", HEADING_FONT, BODY_SIZE));
    }
    if let Some(issue) = &doc.issue {
        docx = docx.add_paragraph(centered(issue, BODY_FONT, BODY_SIZE));
    }
    docx = docx
        .add_paragraph(centered(&doc.title, TITLE_FONT, TITLE_SIZE))
        .add_paragraph(centered(&doc.subtitle, BODY_FONT, BODY_SIZE))
        .add_paragraph(Paragraph::new().line_spacing(exact()));
    for (section_heading, blocks) in doc.numbered() {
        docx = docx.add_paragraph(heading(&section_heading, HEADING_FONT));
        for block in blocks {
            docx = match block {
                NumberedBlock::Subheading(text) => {
                    docx.add_paragraph(heading(&text, SUBHEADING_FONT))
                }
                NumberedBlock::Other(Block::Subheading(text)) => {
                    docx.add_paragraph(heading(text, SUBHEADING_FONT))
                }
                NumberedBlock::Other(Block::Paragraph(text)) => docx.add_paragraph(body(text)),
                NumberedBlock::Other(Block::Items(items)) => {
                    items.iter().enumerate().fold(docx, |d, (i, item)| {
                        d.add_paragraph(body(&format!("{}. {item}", i + 1)))
                    })
                }
                NumberedBlock::Other(Block::Table { headers, rows, .. }) => {
                    docx.add_table(table(headers, rows))
                }
            };
        }
    }
    docx = docx.add_paragraph(Paragraph::new().line_spacing(exact()));
    for line in &doc.signature {
        docx = docx.add_paragraph(
            Paragraph::new()
                .add_run(run(line, BODY_FONT, BODY_SIZE))
                .align(AlignmentType::Right)
                .line_spacing(exact()),
        );
    }
    if doc.demo {
        docx = docx.add_paragraph(centered("演示数据", HEADING_FONT, BODY_SIZE));
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    docx.build()
        .pack(&mut bytes)
        .map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(bytes.into_inner())
}
