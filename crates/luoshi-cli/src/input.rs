//! Reading plan documents and choosing the directory, shared by the commands.

use std::path::Path;

use anyhow::anyhow;
use luoshi_directory::Directory;

use crate::Failure;

/// The plan luoshi ships with: 武政办〔2021〕26号.
pub const BUILTIN_PLAN: &str =
    include_str!("../../../data/plans/wuhan-2021-tech-innovation-plan.txt");
pub const BUILTIN_NAME: &str = "内置方案（武政办〔2021〕26号）";

pub fn read_document(path: &Path) -> Result<String, Failure> {
    let shown = path.display();
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::input(anyhow!("无法读取 {shown}：{}", io_reason(&e))))?;
    let document = luoshi_document::read(&path.to_string_lossy(), &bytes)
        .map_err(|e| Failure::input(anyhow!("无法读取 {shown}：{e}")))?;
    Ok(document.text)
}

pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => "文件不存在".into(),
        ErrorKind::PermissionDenied => "没有读取权限".into(),
        ErrorKind::IsADirectory => "这是一个目录，不是文件".into(),
        _ => e.to_string(),
    }
}

/// The directory a command uses: `wuhan`, `empty`, a TOML file, or `auto` — the Wuhan directory
/// for a plan whose title, issuer or number names Wuhan, an empty one that learns otherwise.
pub fn choose_directory(
    choice: &str,
    draft: &luoshi_extract::PlanDraft,
) -> Result<Directory, Failure> {
    directory_for(
        choice,
        &[
            draft.title.as_deref(),
            draft.issuer.as_deref(),
            draft.doc_number.as_deref(),
        ],
    )
}

/// The directory a command on a ledger uses: with `auto`, the one the office keeps in the ledger
/// (the 名录 page) when it has saved one; otherwise as [`directory_for`] chooses.
pub async fn ledger_directory(
    store: &luoshi_store::Store,
    choice: &str,
    about: &[Option<&str>],
) -> Result<Directory, Failure> {
    if choice == "auto"
        && let Some(saved) = store.saved_directory().await.map_err(Failure::other)?
    {
        return Directory::from_toml(&saved.toml).map_err(|e| {
            Failure::input(anyhow!(
                "台账中保存的名录（第 {} 版，{} 保存）有误：{e}",
                saved.version,
                saved.saved_by
            ))
        });
    }
    directory_for(choice, about)
}

pub fn directory_for(choice: &str, about: &[Option<&str>]) -> Result<Directory, Failure> {
    Ok(match choice {
        "wuhan" => Directory::wuhan(),
        "empty" => Directory::empty(),
        "auto" => {
            let about_wuhan = about
                .iter()
                .flatten()
                .any(|t| t.contains("武汉") || t.starts_with("武政"));
            if about_wuhan {
                Directory::wuhan()
            } else {
                Directory::empty()
            }
        }
        path => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Failure::input(anyhow!("无法读取名录 {path}：{}", io_reason(&e))))?;
            Directory::from_toml(&text)
                .map_err(|e| Failure::input(anyhow!("名录 {path} 有误：{e}")))?
        }
    })
}
