//! Commands over the ledger: `import`, `publish`, `serve`.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use luoshi_directory::resolve;
use luoshi_store::Store;

use crate::Failure;
pub use crate::database::Database;
use crate::input::{ledger_directory, read_document};

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Failure::other)
}

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// 方案文件或文件夹（文件夹中的 .txt .md .docx .html 都会导入）
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    database: Database,
    /// 单位名录：auto、wuhan、empty 或 TOML 文件
    #[arg(short, long, default_value = "auto")]
    directory: String,
    /// 导入后立即发布
    #[arg(long)]
    publish: bool,
    /// 操作人（写入审计日志）
    #[arg(long, default_value = "协调办公室")]
    actor: String,
}

const DOCUMENT_EXTENSIONS: [&str; 6] = ["txt", "md", "markdown", "docx", "html", "htm"];

/// The documents named, folders walked in order. A folder reached again through a symbolic
/// link (a loop), and a file reached twice, or with the same content as one already taken,
/// are skipped with a note, so each document is imported once.
fn collect(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<String>), Failure> {
    let mut walk = Walk::default();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| {
            Failure::input(anyhow!(
                "无法读取 {}：{}",
                path.display(),
                crate::input::io_reason(&e)
            ))
        })?;
        if meta.is_dir() {
            walk.dir(path)
                .map_err(|e| Failure::input(anyhow!("无法读取文件夹 {}：{e}", path.display())))?;
        } else {
            walk.file(path);
        }
    }
    Ok((walk.files, walk.notes))
}

#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    notes: Vec<String>,
    seen_dirs: std::collections::HashSet<PathBuf>,
    seen_files: std::collections::HashMap<PathBuf, PathBuf>,
    seen_contents: std::collections::HashMap<[u8; 32], PathBuf>,
}

impl Walk {
    fn dir(&mut self, dir: &Path) -> std::io::Result<()> {
        let real = std::fs::canonicalize(dir)?;
        if !self.seen_dirs.insert(real) {
            self.notes.push(format!(
                "跳过 {}：已读过该文件夹（符号链接循环或重复指定）",
                dir.display()
            ));
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .map(|e| e.map(|e| e.path()))
            .collect::<Result<_, _>>()?;
        entries.sort();
        for path in entries {
            if path.is_dir() {
                self.dir(&path)?;
            } else if path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| DOCUMENT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
            {
                self.file(&path);
            }
        }
        Ok(())
    }

    fn file(&mut self, path: &Path) {
        // Unreadable files are kept: importing them reports why, file by file.
        let Ok(real) = std::fs::canonicalize(path) else {
            self.files.push(path.to_path_buf());
            return;
        };
        if let Some(first) = self.seen_files.get(&real) {
            self.notes.push(format!(
                "跳过 {}：与 {} 是同一个文件",
                path.display(),
                first.display()
            ));
            return;
        }
        self.seen_files.insert(real, path.to_path_buf());
        if let Ok(bytes) = std::fs::read(path) {
            use sha2::{Digest, Sha256};
            let digest: [u8; 32] = Sha256::digest(&bytes).into();
            if let Some(first) = self.seen_contents.get(&digest) {
                self.notes.push(format!(
                    "跳过 {}：内容与 {} 完全相同",
                    path.display(),
                    first.display()
                ));
                return;
            }
            self.seen_contents.insert(digest, path.to_path_buf());
        }
        self.files.push(path.to_path_buf());
    }
}

pub fn import(args: ImportArgs) -> Result<(), Failure> {
    let (files, notes) = collect(&args.paths)?;
    for note in &notes {
        eprintln!("{note}");
    }
    if files.is_empty() {
        return Err(Failure::input(anyhow!(
            "没有找到可导入的方案文件（.txt .md .docx .html）"
        )));
    }
    runtime()?.block_on(async {
        let store = args.database.open().await?;
        let bar = indicatif::ProgressBar::new(files.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
                .map_err(Failure::other)?,
        );
        let mut failed = 0usize;
        for file in &files {
            bar.set_message(file.display().to_string());
            match import_one(&store, file, &args).await {
                // `suspend` prints whether or not the bar is drawn (it is not when stderr is no terminal).
                Ok((id, summary)) => {
                    bar.suspend(|| eprintln!("已导入 {}：方案 {id}，{summary}", file.display()))
                }
                Err(e) => {
                    failed += 1;
                    bar.suspend(|| eprintln!("导入失败 {}：{:#}", file.display(), e.error));
                }
            }
            bar.inc(1);
        }
        bar.finish_and_clear();
        let done = files.len() - failed;
        let state = if args.publish {
            "已发布"
        } else {
            "草稿，待核对后发布"
        };
        eprintln!("共导入 {done} 个方案（{state}），{failed} 个失败");
        if failed > 0 {
            Err(Failure::input(anyhow!("{failed} 个文件未能导入，见上")))
        } else {
            Ok(())
        }
    })
}

async fn import_one(
    store: &Store,
    file: &Path,
    args: &ImportArgs,
) -> Result<(i64, String), Failure> {
    let bytes = std::fs::read(file)
        .map_err(|e| Failure::input(anyhow!("{}", crate::input::io_reason(&e))))?;
    let text = read_document(file)?;
    let draft = luoshi_extract::extract(&text);
    if draft.tasks.is_empty() {
        return Err(Failure::input(anyhow!(
            "没有找到编号的任务条目（如“1.”“（一）”），不像是实施方案"
        )));
    }
    let about = [
        draft.title.clone(),
        draft.issuer.clone(),
        draft.doc_number.clone(),
    ];
    let about: Vec<Option<&str>> = about.iter().map(Option::as_deref).collect();
    let directory = ledger_directory(store, &args.directory, &about).await?;
    let resolution = resolve(draft, &directory);
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = store
        .import_plan(&resolution, &name, &bytes, &args.actor)
        .await
        .map_err(Failure::other)?;
    if args.publish {
        store
            .publish(id, &directory, &args.actor)
            .await
            .map_err(Failure::other)?;
    }
    let summary = format!(
        "{} 项任务，待核对 {} 项",
        resolution.draft.tasks.len(),
        resolution.draft.review.len()
    );
    Ok((id, summary))
}

#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// 方案编号（见 import 的输出或 /api/plans）
    plan: i64,
    #[command(flatten)]
    database: Database,
    #[arg(short, long, default_value = "auto")]
    directory: String,
    #[arg(long, default_value = "协调办公室")]
    actor: String,
    /// 自何月起填报（1–12）；默认为发布当月（方案年度之外发布则为 1 月），更早的月份即要求补报
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=12))]
    reporting_start: Option<u32>,
}

pub fn publish(args: PublishArgs) -> Result<(), Failure> {
    runtime()?.block_on(async {
        let store = args.database.open().await?;
        let plan = store.plan(args.plan).await.map_err(Failure::input)?;
        let directory = ledger_directory(
            &store,
            &args.directory,
            &[
                plan.title.as_deref(),
                plan.issuer.as_deref(),
                plan.doc_number.as_deref(),
            ],
        )
        .await?;
        let how = luoshi_store::Publishing {
            reporting_start: args.reporting_start,
            ..luoshi_store::Publishing::today()
        };
        store
            .publish_with(args.plan, &directory, how, &args.actor)
            .await
            .map_err(Failure::input)?;
        let plan = store.plan(args.plan).await.map_err(Failure::other)?;
        eprintln!(
            "已发布方案 {}：{} 项任务，自 {} 月起填报，仍有 {} 项待核对",
            plan.id,
            plan.task_count,
            plan.reporting_start.unwrap_or(1),
            plan.open_review_items
        );
        Ok(())
    })
}
