//! What docx-rs cannot write, done on its package: document properties that name the issuing
//! body and the issue date (instead of `unknown` and 1970), table header rows that repeat on every
//! page, and entries stamped with one fixed time, so that the same document gives the same bytes.

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;

use crate::RenderError;

/// The document's properties (File → Properties in Word).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Properties {
    pub title: String,
    /// The issuing body.
    pub author: String,
    /// The issue date as W3CDTF (`2021-07-05T00:00:00Z`), when the document has one.
    pub created: Option<String>,
}

fn err(e: impl std::fmt::Display) -> RenderError {
    RenderError::Docx(e.to_string())
}

/// Rewrites the package docx-rs made: `docProps/core.xml` from `props`, the 附件 `tables` in
/// place of their placeholders, every table's first row marked as a header row
/// (`w:tblHeader`), every entry dated 1980-01-01.
pub fn finish(
    package: &[u8],
    props: &Properties,
    tables: &[String],
) -> Result<Vec<u8>, RenderError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(package)).map_err(err)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(package.len())));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for index in 0..archive.len() {
        let mut entry = archive.by_index(index).map_err(err)?;
        let name = entry.name().map_err(err)?.to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).map_err(err)?;
        let content = match name.as_str() {
            "docProps/core.xml" => core_xml(props).into_bytes(),
            "word/document.xml" => {
                let xml = String::from_utf8(content).map_err(err)?;
                let xml = crate::docx_table::inline_tables(&xml, tables);
                share_footer(&repeat_header_rows(&xml)).into_bytes()
            }
            _ => content,
        };
        out.start_file(name, options).map_err(err)?;
        out.write_all(&content).map_err(err)?;
    }
    Ok(out.finish().map_err(err)?.into_inner())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn core_xml(props: &Properties) -> String {
    let created = props
        .created
        .clone()
        .unwrap_or_else(|| "1980-01-01T00:00:00Z".to_string());
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{title}</dc:title><dc:creator>{author}</dc:creator>",
            "<cp:lastModifiedBy>{author}</cp:lastModifiedBy><dc:language>zh-CN</dc:language>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{created}</dcterms:modified>"#,
            "</cp:coreProperties>"
        ),
        title = escape(&props.title),
        author = escape(&props.author),
        created = escape(&created),
    )
}

/// Marks the first row of every table as a header row, repeated at the top of each page.
fn repeat_header_rows(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + 64);
    let mut rest = xml;
    while let Some(at) = rest.find("<w:tbl>") {
        let (before, table) = rest.split_at(at);
        out.push_str(before);
        let Some(row) = table.find("<w:tr>").or_else(|| table.find("<w:tr ")) else {
            out.push_str(table);
            return out;
        };
        let row_open_end = row + table[row..].find('>').map_or(0, |i| i + 1);
        out.push_str(&table[..row_open_end]);
        let after = &table[row_open_end..];
        if let Some(props) = after.strip_prefix("<w:trPr />") {
            out.push_str("<w:trPr><w:tblHeader /></w:trPr>");
            rest = props;
        } else if let Some(props) = after.strip_prefix("<w:trPr>") {
            out.push_str("<w:trPr><w:tblHeader />");
            rest = props;
        } else {
            out.push_str("<w:trPr><w:tblHeader /></w:trPr>");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Gives every section the document's header and footer (the 演示数据 mark, the page numbers):
/// docx-rs writes their references only into the document's last section.
fn share_footer(xml: &str) -> String {
    share_reference(
        &share_reference(xml, "<w:footerReference"),
        "<w:headerReference",
    )
}

fn share_reference(xml: &str, tag: &str) -> String {
    let Some(start) = xml.rfind(tag) else {
        return xml.to_string();
    };
    let Some(len) = xml[start..].find("/>") else {
        return xml.to_string();
    };
    let reference = &xml[start..start + len + 2];
    let mut out = String::with_capacity(xml.len() + 256);
    let mut rest = xml;
    while let Some(at) = rest.find("<w:sectPr>") {
        let open_end = at + "<w:sectPr>".len();
        out.push_str(&rest[..open_end]);
        let section = &rest[open_end..];
        let end = section.find("</w:sectPr>").unwrap_or(section.len());
        if !section[..end].contains(tag) {
            out.push_str(reference);
        }
        rest = section;
    }
    out.push_str(rest);
    out
}

/// `2021年7月5日` → `(2021, 7, 5)`.
pub fn printed_date(printed: &str) -> Option<(u16, u8, u8)> {
    let (year, rest) = printed.trim().split_once('年')?;
    let (month, rest) = rest.split_once('月')?;
    let day = rest.strip_suffix('日')?;
    let (year, month, day): (u16, u8, u8) = (
        year.trim().parse().ok()?,
        month.trim().parse().ok()?,
        day.trim().parse().ok()?,
    );
    ((1..=12).contains(&month) && (1..=31).contains(&day) && (1980..=9999).contains(&year))
        .then_some((year, month, day))
}

/// `2021年7月5日` → `2021-07-05T00:00:00Z`.
pub fn w3c_date(printed: &str) -> Option<String> {
    printed_date(printed)
        .map(|(year, month, day)| format!("{year:04}-{month:02}-{day:02}T00:00:00Z"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_row_of_every_table_repeats() {
        let xml = "<w:body><w:tbl><w:tblPr /><w:tr><w:trPr /><w:tc>a</w:tc></w:tr><w:tr><w:trPr /><w:tc>b</w:tc></w:tr></w:tbl><w:p /><w:tbl><w:tr><w:trPr><w:cantSplit /></w:trPr></w:tr></w:tbl></w:body>";
        let out = repeat_header_rows(xml);
        assert_eq!(out.matches("<w:tblHeader />").count(), 2, "{out}");
        assert!(out.contains("<w:tr><w:trPr><w:tblHeader /></w:trPr><w:tc>a</w:tc>"));
        assert!(
            out.contains("<w:tr><w:trPr /><w:tc>b</w:tc>"),
            "only the first row"
        );
        assert!(out.contains("<w:trPr><w:tblHeader /><w:cantSplit /></w:trPr>"));
        assert_eq!(repeat_header_rows("<w:p>无表格</w:p>"), "<w:p>无表格</w:p>");
    }

    #[test]
    fn every_section_gets_the_footer() {
        let xml = r#"<w:p><w:pPr><w:sectPr><w:pgSz w:w="11906" /></w:sectPr></w:pPr></w:p><w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1" /><w:pgSz w:w="16838" /></w:sectPr>"#;
        let out = share_footer(xml);
        assert_eq!(out.matches("<w:footerReference").count(), 2, "{out}");
        assert!(out.starts_with(r#"<w:p><w:pPr><w:sectPr><w:footerReference w:type="default" r:id="rIdFooter1" /><w:pgSz"#));
        assert_eq!(
            share_footer("<w:sectPr></w:sectPr>"),
            "<w:sectPr></w:sectPr>"
        );
    }

    #[test]
    fn issue_dates_in_w3c_form() {
        assert_eq!(
            w3c_date("2021年7月5日").as_deref(),
            Some("2021-07-05T00:00:00Z")
        );
        assert_eq!(w3c_date("2021年13月5日"), None);
        assert_eq!(w3c_date("七月"), None);
    }

    #[test]
    fn properties_are_escaped() {
        let xml = core_xml(&Properties {
            title: "A&B<调度通报>".into(),
            author: "武汉市科技局".into(),
            created: Some("2021-07-05T00:00:00Z".into()),
        });
        assert!(xml.contains("<dc:title>A&amp;B&lt;调度通报&gt;</dc:title>"));
        assert!(xml.contains("<dc:creator>武汉市科技局</dc:creator>"));
        assert!(xml.contains(">2021-07-05T00:00:00Z</dcterms:created>"));
    }
}
