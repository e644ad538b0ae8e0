//! An evidence file (佐证材料) sent with a text in one multipart form — a 督办单's answer, a
//! task's 销号 — read and its type checked by content, for the pages and the API alike.

use axum::extract::Multipart;

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
                let Some(kind) = crate::reporting::sniff(&bytes, &name) else {
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
