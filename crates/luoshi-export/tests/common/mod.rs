//! Reading back what the writers produced, as the tests of several files do.

use std::io::{Cursor, Read};

use calamine::{Data, Range, Reader, Xlsx};

/// One part of an xlsx package (`xl/workbook.xml`, `xl/styles.xml`) as text.
pub fn xlsx_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut part = archive.by_name(name).expect("the part");
    let mut text = String::new();
    part.read_to_string(&mut text).expect("utf-8");
    text
}

/// The cells of the workbook's first sheet.
#[allow(dead_code)] // not every test file reads cells
pub fn first_sheet(bytes: &[u8]) -> Range<Data> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).expect("opens");
    let sheet = book.sheet_names()[0].clone();
    book.worksheet_range(&sheet).expect("sheet")
}
