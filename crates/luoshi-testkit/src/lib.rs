//! Test support shared by the crates that write Office documents: a .docx converted to PDF with
//! LibreOffice and read back with pdftotext (Debian's `libreoffice-writer-nogui` and
//! `poppler-utils`, which `.ci/run` installs), and one part of an Office package as text.
//!
//! Where a tool is missing the helpers return `None` and say what was skipped, unless
//! `LUOSHI_E2E=1` demands the tools (as CI does), in which case they panic.

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

const SOFFICE: [&str; 2] = ["/usr/bin/soffice", "/usr/bin/libreoffice"];
const PDFTOTEXT: &str = "/usr/bin/pdftotext";

fn demanded() -> bool {
    std::env::var("LUOSHI_E2E").as_deref() == Ok("1")
}

fn missing(what: &str, package: &str) {
    assert!(
        !demanded(),
        "LUOSHI_E2E=1 but {what} is missing (apt-get install {package})"
    );
    eprintln!("skipped: {what} is needed (apt-get install {package})");
}

/// Converts `docx` to PDF with LibreOffice in `dir`, as `name.pdf`; `None` without LibreOffice.
pub fn to_pdf(dir: &Path, name: &str, docx: &[u8]) -> Option<PathBuf> {
    let Some(soffice) = SOFFICE.into_iter().find(|p| Path::new(p).exists()) else {
        missing("LibreOffice", "libreoffice-writer-nogui");
        return None;
    };
    let input = dir.join(format!("{name}.docx"));
    std::fs::write(&input, docx).expect("write the docx");
    // A profile of its own, so parallel tests do not wait on each other's.
    let profile = dir.join(format!("lo-profile-{name}"));
    let out = Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(&input)
        .output()
        .expect("LibreOffice runs");
    let pdf = dir.join(format!("{name}.pdf"));
    assert!(
        pdf.exists(),
        "converted: {} {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Some(pdf)
}

/// The PDF's text, pages separated by form feeds; `None` without pdftotext.
pub fn pdf_text(pdf: &Path) -> Option<String> {
    if !Path::new(PDFTOTEXT).exists() {
        missing("pdftotext", "poppler-utils");
        return None;
    }
    let out = Command::new(PDFTOTEXT)
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The text of a .docx as LibreOffice prints it, one entry per page; `None` where a tool is
/// missing.
pub fn printed_pages(dir: &Path, name: &str, docx: &[u8]) -> Option<Vec<String>> {
    let pdf = to_pdf(dir, name, docx)?;
    let text = pdf_text(&pdf)?;
    Some(
        text.split('\u{c}')
            .filter(|page| !page.trim().is_empty())
            .map(str::to_string)
            .collect(),
    )
}

/// One part of an Office package (a zip: `word/document.xml`, `docProps/core.xml`), as text.
pub fn package_part(package: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(package)).expect("an Office package");
    let mut text = String::new();
    archive
        .by_name(name)
        .unwrap_or_else(|_| panic!("the package has {name}"))
        .read_to_string(&mut text)
        .expect("utf-8");
    text
}
