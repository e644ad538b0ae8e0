//! The one file of an upload form (its multipart field `file`), read whole, with what went
//! wrong in the words the page shows beside the field.

use axum::body::Bytes;
use axum::extract::Multipart;

/// The field's file name as the browser sent it, and its bytes; or why there is none, for the
/// page to show. `limit` (bytes) is the size the form promises, named when a file is larger.
pub async fn file_field(
    form: &mut Multipart,
    limit: usize,
    missing: &str,
) -> Result<(String, Bytes), String> {
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                match field.bytes().await {
                    Ok(bytes) => file = Some((name, bytes)),
                    Err(_) => return Err(format!("文件过大，上限 {}", size(limit))),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(format!("上传失败：{}", e.body_text())),
        }
    }
    file.filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| missing.to_string())
}

fn size(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / 1024 / 1024)
    } else {
        format!("{} KB", bytes / 1024)
    }
}

/// A form of one text field (`text_field`) and an optional evidence file (`file`), its type
/// checked by content: the text, and the evidence when one was chosen; or what was wrong, in
/// the words the page shows.
pub async fn text_and_evidence(
    form: &mut Multipart,
    text_field: &str,
) -> Result<(String, Option<luoshi_store::Evidence>), String> {
    let mut text = String::new();
    let mut evidence = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some(text_field) => {
                text = field.text().await.unwrap_or_default();
            }
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let Ok(bytes) = field.bytes().await else {
                    return Err("佐证材料过大，上限 10 MB".into());
                };
                if name.is_empty() && bytes.is_empty() {
                    continue;
                }
                let Some(kind) = luoshi_server::reporting::sniff(&bytes, &name) else {
                    return Err(format!(
                        "「{name}」不是允许的佐证材料类型（PDF、Word .docx、Excel .xlsx、PNG、JPEG），或扩展名与内容不符"
                    ));
                };
                evidence = Some(luoshi_store::Evidence {
                    filename: name,
                    content_type: kind.to_string(),
                    data: bytes.to_vec(),
                });
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return Err(format!("上传失败：{}", e.body_text())),
        }
    }
    Ok((text, evidence))
}
