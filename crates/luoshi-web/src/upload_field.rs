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
