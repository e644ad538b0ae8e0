//! luoshi-document: a plan document's bytes to plain text. Reads .txt and .md in UTF-8, UTF-16 or
//! GB18030/GBK (detected, not guessed from the name), Word .docx (with Word's automatic
//! numbering rendered as printed), and saved .html pages. Whatever the form, the same text comes
//! out, so the extractor sees one document.

mod docx;
mod html;
pub mod package;
mod table;

use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Docx,
    Html,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub text: String,
    pub format: Format,
    /// The character encoding the bytes were in (`UTF-8`, `GB18030`, `UTF-16LE`, …).
    pub encoding: &'static str,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DocumentError {
    #[error("文件是空的")]
    Empty,
    #[error("不是文本文件（{0}），无法读取")]
    Binary(&'static str),
    #[error("无法识别文字编码：既不是 UTF-8/UTF-16，也不是 GB18030/GBK")]
    UnknownEncoding,
    #[error("这是旧版 Word 文档（.doc），请在 Word 或 WPS 中另存为 .docx 后再导入")]
    LegacyWord,
    #[error("这是 PDF 文件，请先另存为 .docx 或 .txt 后再导入")]
    Pdf,
    #[error("Word 文档（.docx）无法读取：{0}")]
    Docx(String),
    #[error("文件中没有文字内容")]
    NoText,
}

/// Reads a document. `name` is only used for its extension, to tell HTML saved as .htm/.html.
pub fn read(name: &str, bytes: &[u8]) -> Result<Document, DocumentError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DocumentError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        let text = docx::text(bytes)?;
        return finish(text, Format::Docx, "UTF-8");
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(DocumentError::LegacyWord);
    }
    if bytes.starts_with(b"%PDF") {
        return Err(DocumentError::Pdf);
    }
    if encoding_rs::Encoding::for_bom(bytes).is_none()
        && bytes.contains(&0)
        && utf16_without_bom(bytes).is_none()
    {
        return Err(DocumentError::Binary("含有空字节"));
    }
    let (text, encoding) = decode(bytes)?;
    if let Some(reason) = binary_reason(&text) {
        return Err(DocumentError::Binary(reason));
    }
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".html") || lower.ends_with(".htm") || html::looks_like_html(&text) {
        return finish(html::text(&text), Format::Html, encoding);
    }
    finish(text.into_owned(), Format::Text, encoding)
}

fn finish(text: String, format: Format, encoding: &'static str) -> Result<Document, DocumentError> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    if text.trim().is_empty() {
        return Err(DocumentError::NoText);
    }
    Ok(Document {
        text,
        format,
        encoding,
    })
}

/// UTF-16 and UTF-8 by their byte-order mark, then UTF-8 if the bytes are valid UTF-8, then
/// GB18030 (which covers GBK and GB2312) if they decode without error.
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), DocumentError> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(DocumentError::UnknownEncoding);
        }
        return Ok((text, encoding.name()));
    }
    if let Some(encoding) = utf16_without_bom(bytes)
        && let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return Ok((text, encoding.name()));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), "UTF-8"));
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok((text, "GB18030")),
        None => Err(DocumentError::UnknownEncoding),
    }
}

/// UTF-16 saved without a byte-order mark (some editors and exports do): plan text always has
/// line breaks, digits or ASCII punctuation, whose UTF-16 code units carry a zero byte, and
/// those zeros fall on one side of the pair (odd offsets for little-endian, even for
/// big-endian). UTF-8 and GB18030 text has no zero bytes at all.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in bytes.iter().enumerate() {
        if *b == 0 {
            if i.is_multiple_of(2) {
                even += 1
            } else {
                odd += 1
            }
        }
    }
    let units = bytes.len() / 2;
    // At least one unit in fifty is ASCII (a line break per line of text does that), and the
    // zeros lean to one side: a character such as 一 (U+4E00) puts one on the other side.
    let leans = |this: usize, other: usize| this * 50 >= units && this >= other.saturating_mul(8);
    let encoding = if leans(odd, even) {
        encoding_rs::UTF_16LE
    } else if leans(even, odd) {
        encoding_rs::UTF_16BE
    } else {
        return None;
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    (!had_errors && binary_reason(&text).is_none()).then_some(encoding)
}

/// Text that is mostly control characters is a binary file that happened to decode.
fn binary_reason(text: &str) -> Option<&'static str> {
    if text.contains('\0') {
        return Some("含有空字节");
    }
    let total = text.chars().count().max(1);
    let control = text
        .chars()
        .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
        .count();
    (control * 100 > total).then_some("含有大量控制字符")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "一、主要任务\r\n1. 新增高新技术企业 2000 家。（牵头单位：市科技局）\r\n";

    #[test]
    fn utf16_without_a_byte_order_mark_is_read() {
        let le: Vec<u8> = SAMPLE.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = SAMPLE.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let doc = read("a.txt", &bytes).expect(name);
            assert_eq!(doc.encoding, name);
            assert_eq!(doc.text, SAMPLE.replace("\r\n", "\n"));
        }
        // Binary with zero bytes on both sides stays binary.
        assert!(matches!(
            read("a.txt", &[0x50, 0x00, 0x00, 0x41, 0x12, 0x00, 0x00, 0x07]),
            Err(DocumentError::Binary(_))
        ));
    }

    #[test]
    fn utf8_utf16_and_gb18030_give_the_same_text() {
        let utf8 = read("a.txt", SAMPLE.as_bytes()).expect("utf-8");
        assert_eq!(utf8.encoding, "UTF-8");
        assert!(!utf8.text.contains('\r'));
        let (gbk, _, _) = encoding_rs::GB18030.encode(SAMPLE);
        let gb = read("a.txt", &gbk).expect("gb18030");
        assert_eq!(gb.encoding, "GB18030");
        assert_eq!(gb.text, utf8.text);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(SAMPLE.encode_utf16().flat_map(u16::to_le_bytes));
        let wide = read("a.txt", &utf16).expect("utf-16");
        assert_eq!(wide.text, utf8.text);
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend(SAMPLE.as_bytes());
        assert_eq!(read("a.md", &bom).expect("bom").text, utf8.text);
    }

    #[test]
    fn bad_input_is_named() {
        assert_eq!(read("a.txt", b""), Err(DocumentError::Empty));
        assert_eq!(read("a.txt", b"  \n "), Err(DocumentError::Empty));
        assert_eq!(read("a.txt", b"%PDF-1.7 ..."), Err(DocumentError::Pdf));
        assert_eq!(
            read("a.doc", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0]),
            Err(DocumentError::LegacyWord)
        );
        assert_eq!(
            read("a.txt", &[0x00, 0x01, 0x02, 0x41]),
            Err(DocumentError::Binary("含有空字节"))
        );
        assert_eq!(
            read("a.txt", &[0xFF, 0xFF, 0xFF, 0x80]),
            Err(DocumentError::UnknownEncoding)
        );
        assert!(matches!(
            read("a.docx", b"PK\x03\x04garbage"),
            Err(DocumentError::Docx(_))
        ));
    }
}
