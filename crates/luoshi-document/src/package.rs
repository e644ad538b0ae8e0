//! Office Open XML packages (.xlsx, .docx) sent by users, checked before any parser trusts them.
//!
//! A package is a zip of XML parts, and both the zip and the XML declare sizes: entry sizes,
//! a sheet's `<dimension>`, cell references such as `XFD1048576`, a shared-string table's
//! `uniqueCount`. Spreadsheet readers allocate from those declarations, so an 8 KB file can ask
//! for hundreds of gigabytes. Here every part is inflated through a counting limit and every
//! declaration is read as a stream of XML events and compared with a bound, so nothing is
//! allocated from what the file says about itself; only then may a reader open it.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Bounds on a package and its parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PackageLimits {
    /// The file as uploaded.
    pub max_file_bytes: usize,
    pub max_parts: usize,
    /// Any one part once inflated.
    pub max_part_bytes: u64,
    /// All parts together once inflated.
    pub max_total_bytes: u64,
}

/// Bounds on what a spreadsheet may declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SheetLimits {
    /// Rows per sheet (1-based row numbers above this are refused).
    pub max_rows: u32,
    /// Columns per sheet (A = 1).
    pub max_columns: u32,
    /// Cell elements across all sheets.
    pub max_cells: u64,
    /// Entries of the shared-string table, declared or present.
    pub max_shared_strings: u64,
}

/// What is wrong with a package, naming the part and, for a cell, its reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    #[error("文件过大（{:.1} MB），上限 {} MB", *.0 as f64 / 1_048_576.0, .1 / 1_048_576)]
    TooLarge(usize, usize),
    #[error("不是有效的 Office 文件（压缩包无法打开）")]
    NotZip,
    #[error("文件内含 {0} 个部件，超过上限 {1}")]
    TooManyParts(usize, usize),
    #[error("部件 {part} 无法解压（{reason}）")]
    Corrupt { part: String, reason: String },
    #[error("部件 {part} 解压后超过 {limit_mb} MB（疑似压缩炸弹），已拒收")]
    PartTooLarge { part: String, limit_mb: u64 },
    #[error("文件解压后合计超过 {0} MB（疑似压缩炸弹），已拒收")]
    TotalTooLarge(u64),
    #[error("部件 {part} 的 XML 格式错误（{reason}）")]
    Xml { part: String, reason: String },
    #[error("部件 {part} 中的单元格引用「{reference}」无效")]
    BadReference { part: String, reference: String },
    #[error(
        "部件 {part} 中的{what}「{reference}」超出范围（最多 {max_rows} 行、{max_columns} 列，即 A1:{last}）"
    )]
    OutOfRange {
        part: String,
        what: &'static str,
        reference: String,
        max_rows: u32,
        max_columns: u32,
        last: String,
    },
    #[error("部件 {part} 含有超过 {limit} 个单元格")]
    TooManyCells { part: String, limit: u64 },
    #[error("部件 {part} 声明或含有 {count} 个共享字符串，超过上限 {limit}")]
    TooManyStrings {
        part: String,
        count: String,
        limit: u64,
    },
}

impl PackageError {
    /// The part the problem is in, when there is one.
    pub fn part(&self) -> Option<&str> {
        match self {
            PackageError::Corrupt { part, .. }
            | PackageError::PartTooLarge { part, .. }
            | PackageError::Xml { part, .. }
            | PackageError::BadReference { part, .. }
            | PackageError::OutOfRange { part, .. }
            | PackageError::TooManyCells { part, .. }
            | PackageError::TooManyStrings { part, .. } => Some(part),
            _ => None,
        }
    }
}

/// A package's parts, each inflated within the limits, in archive order.
#[derive(Debug, Clone)]
pub struct Package {
    parts: Vec<(String, Vec<u8>)>,
}

impl Package {
    /// Opens `bytes` as a zip and inflates every part through the limits.
    pub fn open(bytes: &[u8], limits: &PackageLimits) -> Result<Package, PackageError> {
        if bytes.len() > limits.max_file_bytes {
            return Err(PackageError::TooLarge(bytes.len(), limits.max_file_bytes));
        }
        let mut archive =
            zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| PackageError::NotZip)?;
        if archive.len() > limits.max_parts {
            return Err(PackageError::TooManyParts(archive.len(), limits.max_parts));
        }
        let mut parts = Vec::new();
        let mut total = 0u64;
        for i in 0..archive.len() {
            let entry = archive.by_index(i).map_err(|e| PackageError::Corrupt {
                part: format!("#{}", i + 1),
                reason: e.to_string(),
            })?;
            let name = entry
                .name()
                .map(|n| n.into_owned())
                .unwrap_or_else(|_| format!("#{}", i + 1));
            if entry.is_dir() {
                continue;
            }
            // Never sized from the entry's declared length: read at most one byte past the cap.
            let mut data = Vec::new();
            entry
                .take(limits.max_part_bytes + 1)
                .read_to_end(&mut data)
                .map_err(|e| PackageError::Corrupt {
                    part: name.clone(),
                    reason: e.to_string(),
                })?;
            if data.len() as u64 > limits.max_part_bytes {
                return Err(PackageError::PartTooLarge {
                    part: name,
                    limit_mb: limits.max_part_bytes / 1_048_576,
                });
            }
            total += data.len() as u64;
            if total > limits.max_total_bytes {
                return Err(PackageError::TotalTooLarge(
                    limits.max_total_bytes / 1_048_576,
                ));
            }
            parts.push((name, data));
        }
        Ok(Package { parts })
    }

    pub fn part(&self, name: &str) -> Option<&[u8]> {
        self.parts
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.as_slice())
    }

    pub fn part_names(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().map(|(n, _)| n.as_str())
    }

    /// Checks what every worksheet and shared-string table declares against `limits`, wherever
    /// in the package the parts are (readers follow the relationships, not the usual paths).
    pub fn check_spreadsheet(&self, limits: &SheetLimits) -> Result<(), PackageError> {
        let mut cells = 0u64;
        for (name, data) in &self.parts {
            if name.ends_with(".xml") || name.ends_with(".XML") {
                check_part(name, data, limits, &mut cells)?;
            }
        }
        Ok(())
    }
}

/// What the root element of a part makes it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Unknown,
    Worksheet,
    SharedStrings,
}

fn check_part(
    part: &str,
    data: &[u8],
    limits: &SheetLimits,
    cells: &mut u64,
) -> Result<(), PackageError> {
    let mut reader = Reader::from_reader(data);
    let mut buf = Vec::new();
    let mut kind = Kind::Unknown;
    let mut row = 0u32;
    let mut column = 0u32;
    let mut strings = 0u64;
    let xml_error = |e: quick_xml::Error| PackageError::Xml {
        part: part.to_string(),
        reason: e.to_string(),
    };
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(xml_error)?;
        let element = match &event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::Eof => return Ok(()),
            _ => continue,
        };
        let local = element.local_name();
        let local = local.as_ref();
        if kind == Kind::Unknown {
            kind = match local {
                "worksheet" | "dialogsheet" => Kind::Worksheet,
                "sst" => Kind::SharedStrings,
                _ => return Ok(()),
            };
        }
        match (kind, local) {
            (Kind::SharedStrings, "sst") => {
                for key in ["uniqueCount", "count"] {
                    if let Some(declared) = attribute(element, key) {
                        let fits = declared
                            .trim()
                            .parse::<u64>()
                            .is_ok_and(|n| n <= limits.max_shared_strings);
                        if !fits {
                            return Err(PackageError::TooManyStrings {
                                part: part.to_string(),
                                count: format!("{key}=\"{declared}\""),
                                limit: limits.max_shared_strings,
                            });
                        }
                    }
                }
            }
            (Kind::SharedStrings, "si") => {
                strings += 1;
                if strings > limits.max_shared_strings {
                    return Err(PackageError::TooManyStrings {
                        part: part.to_string(),
                        count: strings.to_string(),
                        limit: limits.max_shared_strings,
                    });
                }
            }
            (Kind::Worksheet, "dimension") => {
                if let Some(range) = attribute(element, "ref") {
                    for corner in range.split(':') {
                        check_reference(part, "工作表范围", corner, limits)?;
                    }
                }
            }
            (Kind::Worksheet, "mergeCell") => {
                if let Some(range) = attribute(element, "ref") {
                    for corner in range.split(':') {
                        check_reference(part, "合并单元格", corner, limits)?;
                    }
                }
            }
            (Kind::Worksheet, "row") => {
                // Readers number a row without `r` as the one after the last.
                row = match attribute(element, "r") {
                    Some(r) => match r.trim().parse::<u32>() {
                        Ok(n) => n,
                        Err(_) => {
                            return Err(PackageError::BadReference {
                                part: part.to_string(),
                                reference: format!("行号 {r}"),
                            });
                        }
                    },
                    None => row.saturating_add(1),
                };
                column = 0;
                if row == 0 || row > limits.max_rows {
                    return Err(out_of_range(part, "行", format!("第 {row} 行"), limits));
                }
            }
            (Kind::Worksheet, "c") => {
                *cells += 1;
                if *cells > limits.max_cells {
                    return Err(PackageError::TooManyCells {
                        part: part.to_string(),
                        limit: limits.max_cells,
                    });
                }
                match attribute(element, "r") {
                    Some(r) => {
                        let (c, rr) = check_reference(part, "单元格", &r, limits)?;
                        column = c;
                        row = rr;
                    }
                    None => {
                        column = column.saturating_add(1);
                        let row = row.max(1);
                        if column > limits.max_columns {
                            let reference = format!("{}{row}", column_name(column));
                            return Err(out_of_range(part, "单元格", reference, limits));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn attribute(element: &BytesStart, key: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| a.value.into_owned())
}

/// Parses `AB12` (or `$AB$12`) and checks it lies within the limits: (column, row), 1-based.
fn check_reference(
    part: &str,
    what: &'static str,
    reference: &str,
    limits: &SheetLimits,
) -> Result<(u32, u32), PackageError> {
    let bad = || PackageError::BadReference {
        part: part.to_string(),
        reference: reference.chars().take(40).collect(),
    };
    let (column, row) = parse_reference(reference).ok_or_else(bad)?;
    if column > limits.max_columns || row > limits.max_rows {
        return Err(out_of_range(part, what, reference.to_string(), limits));
    }
    Ok((column, row))
}

fn out_of_range(
    part: &str,
    what: &'static str,
    reference: String,
    limits: &SheetLimits,
) -> PackageError {
    PackageError::OutOfRange {
        part: part.to_string(),
        what,
        reference: reference.chars().take(40).collect(),
        max_rows: limits.max_rows,
        max_columns: limits.max_columns,
        last: format!("{}{}", column_name(limits.max_columns), limits.max_rows),
    }
}

/// `B7` → (2, 7). Saturates instead of overflowing, so `XFD1048576` and longer parse, and are
/// then refused by the bounds; a reference with no letters or no digits is `None`.
pub fn parse_reference(reference: &str) -> Option<(u32, u32)> {
    let text = reference.trim().replace('$', "");
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (col, row) = text.split_at(letters);
    if col.is_empty() || row.is_empty() || !row.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let column = col.bytes().fold(0u32, |acc, b| {
        acc.saturating_mul(26)
            .saturating_add(u32::from(b.to_ascii_uppercase() - b'A' + 1))
    });
    let row = row.bytes().fold(0u32, |acc, b| {
        acc.saturating_mul(10).saturating_add(u32::from(b - b'0'))
    });
    (row > 0).then_some((column, row))
}

/// 1 → `A`, 27 → `AA`.
pub fn column_name(mut column: u32) -> String {
    let mut out = Vec::new();
    while column > 0 {
        let rem = (column - 1) % 26;
        out.push(b'A' + rem as u8);
        column = (column - 1) / 26;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_parse_and_saturate() {
        assert_eq!(parse_reference("A1"), Some((1, 1)));
        assert_eq!(parse_reference("$N$20"), Some((14, 20)));
        assert_eq!(parse_reference("xfd1048576"), Some((16384, 1_048_576)));
        assert_eq!(
            parse_reference("ZZZZZZZZZZZZ99999999999999"),
            Some((u32::MAX, u32::MAX))
        );
        assert_eq!(parse_reference("A0"), None);
        assert_eq!(parse_reference("12"), None);
        assert_eq!(parse_reference("AB"), None);
        assert_eq!(parse_reference("A1B"), None);
        assert_eq!(column_name(1), "A");
        assert_eq!(column_name(26), "Z");
        assert_eq!(column_name(27), "AA");
        assert_eq!(column_name(16384), "XFD");
    }
}
