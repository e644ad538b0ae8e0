//! A bulletin as a printable HTML page (A4, 仿宋 body, 小标宋 title), self-contained.

use crate::document::{Block, NumberedBlock, OfficialDocument, TITLE_LINE, title_lines};

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The page's style sheet, inline so the page stands alone; the server's Content-Security-Policy
/// allows exactly this sheet by its hash.
pub const STYLE: &str = ".demo-banner{background:#b00020;color:#fff;text-align:center;padding:.3rem;font-weight:bold;letter-spacing:.2em}body{font-family:'FangSong','STFangsong','Noto Serif CJK SC',serif;font-size:16pt;line-height:1.8;max-width:210mm;margin:0 auto;padding:1rem}h1{font-family:'FZXiaoBiaoSong-B05S','STZhongsong','Noto Serif CJK SC',serif;font-size:22pt;text-align:center;font-weight:normal;margin:.5em 0 0}p.sub{text-align:center;margin:0 0 1em}h2{font-family:'SimHei','Noto Sans CJK SC',sans-serif;font-size:16pt;font-weight:normal;margin:.6em 0 0}h3{font-family:'KaiTi','STKaiti','Noto Serif CJK SC',serif;font-size:16pt;font-weight:normal;margin:.4em 0 0}p,li{text-indent:2em;margin:0}ol{list-style:none;padding:0;margin:0}table{border-collapse:collapse;width:100%;font-size:11pt;line-height:1.4;margin:.5em 0}th,td{border:1px solid #333;padding:2px 4px;text-align:left;vertical-align:top}.demo{color:#b00020;text-align:center;font-weight:bold;letter-spacing:.3em}.sign{text-align:right;text-indent:0}nav.links{font-family:sans-serif;font-size:11pt}p.issue{text-align:center;text-indent:0;margin:.3em 0 0}section.issued{font-family:sans-serif;font-size:11pt;line-height:1.5;border:1px solid #8b1a1a;padding:.4rem .6rem;margin:.5rem 0}section.issued p{text-indent:0}section.issued li{text-indent:0}p.foreword{font-family:'KaiTi','STKaiti','Noto Serif CJK SC',serif}header.masthead{border-bottom:2px solid #e00;margin:0 0 1em;padding:0 0 .3em}p.issuer{color:#c00;font-family:'FZXiaoBiaoSong-B05S','STZhongsong','Noto Serif CJK SC',serif;font-size:26pt;text-align:center;text-indent:0;margin:0}p.number{display:flex;justify-content:center;gap:4em;text-indent:0;margin:.3em 0 0}footer.colophon{margin-top:2em;font-size:14pt}footer.colophon p{text-indent:0;border-bottom:1px solid #000;padding:.2em 0}footer.colophon p:first-child{border-top:1px solid #000}p.printed{display:flex;justify-content:space-between}@media print{nav.links,section.issued{display:none}@page{size:A4;margin:37mm 26mm 35mm 28mm}body{padding:0}}";

/// The whole page.
pub fn render(doc: &OfficialDocument) -> String {
    render_with_links(doc, &[])
}

/// The page with a row of links above it (hidden in print): back to the site, downloads.
pub fn render_with_links(doc: &OfficialDocument, links: &[(&str, String)]) -> String {
    render_page(doc, links, &[])
}

/// The links and notices a page shows above a document (hidden in print), to put into a page
/// rendered before (an issued copy) right after its `<body>`.
pub fn chrome(links: &[(&str, String)], notices: &[String]) -> String {
    let mut html = String::new();
    if !links.is_empty() {
        html.push_str("<nav class=\"links\">");
        for (i, (label, href)) in links.iter().enumerate() {
            if i > 0 {
                html.push_str(" · ");
            }
            html.push_str(&format!(
                "<a href=\"{}\">{}</a>",
                escape(href),
                escape(label)
            ));
        }
        html.push_str("</nav>\n");
    }
    if !notices.is_empty() {
        html.push_str("<section class=\"issued\">");
        for notice in notices {
            html.push_str(&format!("<p>{}</p>", escape(notice)));
        }
        html.push_str("</section>\n");
    }
    html
}

/// Puts [`chrome`] into a page this module rendered, right after its `<body>`.
pub fn with_chrome(page: &str, links: &[(&str, String)], notices: &[String]) -> String {
    const BODY: &str = "<body>\n";
    match page.find(BODY) {
        Some(i) => {
            let at = i + BODY.len();
            format!("{}{}{}", &page[..at], chrome(links, notices), &page[at..])
        }
        None => page.to_string(),
    }
}

/// The page with links and notices above it (both hidden in print): whether and when it was
/// issued, what changed since.
pub fn render_page(doc: &OfficialDocument, links: &[(&str, String)], notices: &[String]) -> String {
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} · 落实</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&doc.title)
    );
    html.push_str(&chrome(links, notices));
    if doc.demo {
        html.push_str("<p class=\"demo\">演示数据</p>\n");
    }
    match &doc.frame {
        Some(frame) => {
            html.push_str(&format!(
                "<header class=\"masthead\"><p class=\"issuer\">{}</p>",
                escape(&frame.issuer)
            ));
            let number = doc.issue.as_deref().map(escape).unwrap_or_default();
            let signer = frame
                .signer
                .as_deref()
                .map(|s| format!("<span>签发人：{}</span>", escape(s)))
                .unwrap_or_default();
            html.push_str(&format!(
                "<p class=\"number\"><span>{number}</span>{signer}</p></header>\n"
            ));
        }
        None => {
            if let Some(issue) = &doc.issue {
                html.push_str(&format!("<p class=\"issue\">{}</p>\n", escape(issue)));
            }
        }
    }
    let title_lines: Vec<String> = title_lines(&doc.title, TITLE_LINE)
        .iter()
        .map(|line| escape(line))
        .collect();
    html.push_str(&format!(
        "<h1>{}</h1>\n<p class=\"sub\">{}</p>\n",
        title_lines.join("<br>"),
        escape(&doc.subtitle)
    ));
    if let Some(foreword) = &doc.foreword {
        html.push_str(&format!(
            "<p class=\"foreword\">按：{}</p>\n",
            escape(foreword)
        ));
    }
    for (heading, blocks) in doc.numbered() {
        html.push_str(&format!("<h2>{}</h2>\n", escape(&heading)));
        for block in blocks {
            match block {
                NumberedBlock::Subheading(text) => {
                    html.push_str(&format!("<h3>{}</h3>\n", escape(&text)))
                }
                NumberedBlock::Other(Block::Paragraph(text)) => {
                    html.push_str(&format!("<p>{}</p>\n", escape(text)))
                }
                NumberedBlock::Other(Block::Items(items)) => {
                    html.push_str("<ol>\n");
                    for (i, item) in items.iter().enumerate() {
                        html.push_str(&format!("<li>{}. {}</li>\n", i + 1, escape(item)));
                    }
                    html.push_str("</ol>\n");
                }
                NumberedBlock::Other(Block::Table {
                    caption,
                    headers,
                    rows,
                }) => {
                    html.push_str(&format!(
                        "<table>\n<caption>{}</caption>\n<tr>",
                        escape(caption)
                    ));
                    for h in headers {
                        html.push_str(&format!("<th>{}</th>", escape(h)));
                    }
                    html.push_str("</tr>\n");
                    for row in rows {
                        html.push_str("<tr>");
                        for cell in row {
                            html.push_str(&format!("<td>{}</td>", escape(cell)));
                        }
                        html.push_str("</tr>\n");
                    }
                    html.push_str("</table>\n");
                }
                NumberedBlock::Other(Block::Subheading(text)) => {
                    html.push_str(&format!("<h3>{}</h3>\n", escape(text)))
                }
            }
        }
    }
    for line in &doc.signature {
        html.push_str(&format!("<p class=\"sign\">{}</p>\n", escape(line)));
    }
    if let Some(frame) = &doc.frame {
        html.push_str("<footer class=\"colophon\">");
        if let Some(copies) = frame.copies_line() {
            html.push_str(&format!("<p class=\"copies\">{}</p>", escape(&copies)));
        }
        let (by, on) = frame.printed_line();
        html.push_str(&format!(
            "<p class=\"printed\"><span>{}</span><span>{}</span></p></footer>\n",
            escape(&by),
            escape(&on)
        ));
    }
    if doc.demo {
        html.push_str("<p class=\"demo\">演示数据</p>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}
