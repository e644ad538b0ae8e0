//! Uploaded sheets cannot make the reader allocate from what they declare. The reproductions of
//! the crashes found in the attack (a cell at XFD1048576, a shared-string table declaring 10^11
//! or 2^64−1 entries) are kept here, and mutated templates are thrown at the reader under a
//! memory cap: this test binary's allocator refuses to hold more than [`MEMORY_CAP`] at once,
//! so a reader that trusted a declared size would abort the whole binary and fail the run.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Cursor, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use luoshi_export::report_sheet::*;
use proptest::prelude::*;

const MEMORY_CAP: usize = 512 * 1024 * 1024;

struct Capped;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only refuses (returns null) past the cap.
unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = IN_USE.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        if now > MEMORY_CAP {
            IN_USE.fetch_sub(layout.size(), Ordering::SeqCst);
            return std::ptr::null_mut();
        }
        PEAK.fetch_max(now, Ordering::SeqCst);
        // SAFETY: same layout, handed straight on.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        IN_USE.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Capped = Capped;

fn template() -> Vec<u8> {
    let info = SheetInfo {
        period_key: "2021-06".into(),
        period_label: "2021年6月".into(),
        unit: "江岸区人民政府".into(),
    };
    let lines: Vec<SheetLine> = (1..=3)
        .map(|i| SheetLine {
            task_path: format!("二.（一）.{i}"),
            task_title: "培育高新技术企业".into(),
            role: "责任".into(),
            target_id: Some(i),
            target_text: "新增高新技术企业 2000 家".into(),
            unit: "家".into(),
            expected: Some(2000.0),
            value: Some(10.0 * i as f64),
            ..Default::default()
        })
        .collect();
    write_report_sheet(&info, &lines).expect("template")
}

/// The parts of a zip that inflate, in order.
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return Vec::new();
    };
    (0..archive.len())
        .filter_map(|i| {
            let mut entry = archive.by_index(i).ok()?;
            let name = entry.name().ok()?.into_owned();
            let mut data = Vec::new();
            entry.read_to_end(&mut data).ok()?;
            Some((name, data))
        })
        .collect()
}

fn rezip(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        out.start_file(name.as_str(), options).expect("start");
        out.write_all(data).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// The template with one part's text edited.
fn edited(part: &str, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let mut all = parts(&template());
    let found = all
        .iter_mut()
        .find(|(n, _)| n == part)
        .unwrap_or_else(|| panic!("{part} in the template"));
    let text = String::from_utf8(found.1.clone()).expect("utf-8 xml");
    found.1 = edit(&text).into_bytes();
    rezip(&all)
}

const SHEET_XML: &str = "xl/worksheets/sheet1.xml";
const STRINGS_XML: &str = "xl/sharedStrings.xml";

fn refused(bytes: &[u8]) -> String {
    read_report_sheet(bytes).expect_err("refused").to_string()
}

#[test]
fn the_template_itself_reads() {
    let (_, lines) = read_report_sheet(&template()).expect("template reads");
    assert_eq!(lines.len(), 3);
}

/// The message refusing the template with `rows` appended to its sheet.
fn refused_with_rows(rows: &str) -> String {
    refused(&edited(SHEET_XML, |xml| {
        xml.replace("</sheetData>", &format!("{rows}</sheetData>"))
    }))
}

#[test]
fn cells_beyond_the_grid_are_refused_naming_them() {
    let message = refused_with_rows(r#"<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#);
    assert!(message.contains(SHEET_XML), "{message}");
    assert!(message.contains("1048576"), "{message}");
    let message = refused_with_rows(r#"<row r="9"><c r="XFD9"><v>1</v></c></row>"#);
    assert!(message.contains("XFD9"), "{message}");
    assert!(message.contains("A1:Z20000"), "{message}");
}

#[test]
fn a_declared_dimension_beyond_the_grid_is_refused() {
    let bytes = edited(SHEET_XML, |xml| {
        let start = xml.find("<dimension ref=\"").expect("dimension") + 16;
        let end = start + xml[start..].find('"').expect("quote");
        format!("{}A1:XFD1048576{}", &xml[..start], &xml[end..])
    });
    let message = refused(&bytes);
    assert!(message.contains("工作表范围"), "{message}");
    assert!(message.contains("XFD1048576"), "{message}");
}

#[test]
fn huge_declared_string_counts_are_refused_naming_the_part() {
    for declared in [
        "100000000000",
        "18446744073709551615",
        "99999999999999999999999",
        "-1",
    ] {
        let bytes = edited(STRINGS_XML, |xml| {
            let start = xml.find("uniqueCount=\"").expect("uniqueCount") + 13;
            let end = start + xml[start..].find('"').expect("quote");
            format!("{}{declared}{}", &xml[..start], &xml[end..])
        });
        let message = refused(&bytes);
        assert!(message.contains(STRINGS_XML), "{declared}: {message}");
        assert!(message.contains("共享字符串"), "{declared}: {message}");
    }
}

#[test]
fn rows_without_numbers_are_counted_like_the_reader_counts_them() {
    let many: String = "<row><c><v>1</v></c></row>".repeat(20_001);
    let bytes = edited(SHEET_XML, |xml| {
        xml.replace("</sheetData>", &format!("{many}</sheetData>"))
    });
    let message = refused(&bytes);
    assert!(message.contains("行"), "{message}");
}

#[test]
fn cells_without_references_run_past_the_last_column() {
    let row: String = format!("<row r=\"7\">{}</row>", "<c><v>1</v></c>".repeat(27));
    let bytes = edited(SHEET_XML, |xml| {
        xml.replace("</sheetData>", &format!("{row}</sheetData>"))
    });
    let message = refused(&bytes);
    assert!(message.contains("AA7"), "{message}");
}

/// One way to damage a template.
#[derive(Debug, Clone)]
enum Mutation {
    Cell { row: u32, column: u32 },
    Row(u32),
    Dimension(String),
    UniqueCount(u64),
    Count(String),
    Truncate { part: usize, at: usize },
    Byte { part: usize, at: usize, value: u8 },
    TruncateFile(usize),
}

fn reference(column: u32, row: u32) -> String {
    format!(
        "{}{row}",
        luoshi_document::package::column_name(column.max(1))
    )
}

fn apply(bytes: &[u8], mutation: &Mutation) -> Vec<u8> {
    let mut all = parts(bytes);
    let text_of = |all: &mut Vec<(String, Vec<u8>)>, name: &str, f: &dyn Fn(&str) -> String| {
        if let Some(p) = all.iter_mut().find(|(n, _)| n == name) {
            let text = String::from_utf8_lossy(&p.1).into_owned();
            p.1 = f(&text).into_bytes();
        }
    };
    match mutation {
        Mutation::Cell { row, column } => {
            let cell = format!(
                r#"<row r="{row}"><c r="{}"><v>1</v></c></row></sheetData>"#,
                reference(*column, *row)
            );
            text_of(&mut all, SHEET_XML, &|x| x.replace("</sheetData>", &cell));
        }
        Mutation::Row(row) => {
            let r = format!(r#"<row r="{row}"/></sheetData>"#);
            text_of(&mut all, SHEET_XML, &|x| x.replace("</sheetData>", &r));
        }
        Mutation::Dimension(range) => text_of(&mut all, SHEET_XML, &|x| {
            x.replacen(
                "<dimension ref=\"",
                &format!("<dimension ref=\"{range}\" x=\""),
                1,
            )
        }),
        Mutation::UniqueCount(n) => text_of(&mut all, STRINGS_XML, &|x| {
            x.replacen("uniqueCount=\"", &format!("uniqueCount=\"{n}\" y=\""), 1)
        }),
        Mutation::Count(n) => text_of(&mut all, STRINGS_XML, &|x| {
            x.replacen(" count=\"", &format!(" count=\"{n}\" z=\""), 1)
        }),
        Mutation::Truncate { .. } | Mutation::Byte { .. } if all.is_empty() => {}
        Mutation::Truncate { part, at } => {
            let i = part % all.len();
            let len = all[i].1.len();
            all[i].1.truncate(at % (len + 1));
        }
        Mutation::Byte { part, at, value } => {
            let i = part % all.len();
            let len = all[i].1.len();
            if len > 0 {
                all[i].1[at % len] = *value;
            }
        }
        Mutation::TruncateFile(at) => {
            let bytes = rezip(&all);
            return bytes[..at % (bytes.len() + 1)].to_vec();
        }
    }
    rezip(&all)
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (1u32..2_000_000, 1u32..20_000).prop_map(|(row, column)| Mutation::Cell { row, column }),
        any::<u32>().prop_map(Mutation::Row),
        (1u32..20_000, 1u32..2_000_000, 1u32..20_000, 1u32..2_000_000).prop_map(
            |(c1, r1, c2, r2)| Mutation::Dimension(format!(
                "{}:{}",
                reference(c1, r1),
                reference(c2, r2)
            ))
        ),
        any::<u64>().prop_map(Mutation::UniqueCount),
        "[0-9-]{1,25}".prop_map(Mutation::Count),
        (any::<usize>(), any::<usize>()).prop_map(|(part, at)| Mutation::Truncate { part, at }),
        (any::<usize>(), any::<usize>(), any::<u8>())
            .prop_map(|(part, at, value)| Mutation::Byte { part, at, value }),
        any::<usize>().prop_map(Mutation::TruncateFile),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Any damage, up to three at once, is read or refused, never a panic or an abort, and the
    /// reader stays within the cap.
    #[test]
    fn mutated_templates_never_take_the_reader_down(mutations in prop::collection::vec(mutation(), 1..4)) {
        let mut bytes = template();
        for m in &mutations {
            if zip::ZipArchive::new(Cursor::new(bytes.as_slice())).is_err() {
                break;
            }
            bytes = apply(&bytes, m);
        }
        let _ = read_report_sheet(&bytes);
        prop_assert!(PEAK.load(Ordering::SeqCst) < MEMORY_CAP);
    }
}
