//! Opening the ledger every command works on, with the audit seal: the key that signs the
//! audit log (a file created on first use, mode 0600, or `LUOSHI_AUDIT_KEY`), its checkpoint
//! next to it, and optionally a journal of every checkpoint on storage the operator trusts.

use std::path::PathBuf;

use anyhow::anyhow;
use luoshi_store::seal::Seal;
use luoshi_store::{SealStart, Store};

use crate::Failure;

/// Where the ledger is: `sqlite://luoshi.db` (the default, created when missing) or
/// `postgres://user:password@host/db`, and where its audit key lives.
#[derive(Debug, Clone, clap::Args)]
pub struct Database {
    /// 台账数据库：sqlite://文件 或 postgres://用户:密码@主机/库
    #[arg(
        long = "database",
        env = "LUOSHI_DATABASE_URL",
        default_value = "sqlite://luoshi.db"
    )]
    url: String,
    /// 审计密钥文件（首次使用时自动生成，权限 600）；默认在 SQLite 文件旁（<文件>.audit-key），PostgreSQL 时为当前目录的 luoshi-audit.key。建议放在数据库所在机器和备份之外。也可用环境变量 LUOSHI_AUDIT_KEY 直接给出 64 位十六进制密钥
    #[arg(long = "audit-key", env = "LUOSHI_AUDIT_KEY_FILE")]
    audit_key: Option<PathBuf>,
    /// 另行追加记录每个审计检查点的日志文件（如只可追加的挂载点、转发到日志服务器的文件）
    #[arg(long = "audit-journal", env = "LUOSHI_AUDIT_JOURNAL")]
    audit_journal: Option<PathBuf>,
}

impl Database {
    /// The SQLite file the URL names, if it names one.
    pub(crate) fn sqlite_file(&self) -> Option<PathBuf> {
        luoshi_store::sqlite_file(&self.url)
    }

    fn key_path(&self) -> Option<PathBuf> {
        if let Some(path) = &self.audit_key {
            return Some(path.clone());
        }
        if self.url.starts_with("sqlite:") {
            return self
                .sqlite_file()
                .map(|f| PathBuf::from(format!("{}.audit-key", f.display())));
        }
        Some(PathBuf::from("luoshi-audit.key"))
    }

    fn seal(&self, create: bool) -> Result<Option<Seal>, Failure> {
        let Some(path) = self.key_path() else {
            return Ok(None);
        };
        let from_env = std::env::var("LUOSHI_AUDIT_KEY")
            .ok()
            .filter(|k| !k.trim().is_empty());
        match Seal::load(
            &path,
            from_env.as_deref(),
            self.audit_journal.clone(),
            create,
        ) {
            Ok(seal) => Ok(Some(seal)),
            Err(luoshi_store::seal::SealError::ReadKey { .. })
                if !create && !path.exists() && from_env.is_none() =>
            {
                Ok(None)
            }
            Err(e) => Err(Failure::input(anyhow!(e))),
        }
    }

    async fn open_unsealed(&self) -> Result<Store, Failure> {
        self.open_unsealed_with(None).await
    }

    async fn open_unsealed_with(
        &self,
        backup_dir: Option<&std::path::Path>,
    ) -> Result<Store, Failure> {
        Store::open_with(&self.url, backup_dir).await.map_err(|e| {
            Failure::input(
                anyhow::Error::from(e).context(format!("无法打开台账 {}", mask_url(&self.url))),
            )
        })
    }

    /// Opens (creating a SQLite file when missing) and seals the ledger for work: refuses a
    /// ledger whose audit log disagrees with its checkpoint.
    pub(crate) async fn open(&self) -> Result<Store, Failure> {
        self.open_for_serving(None).await
    }

    /// As [`Database::open`]; a backup taken before migrating goes to `backup_dir` when given.
    pub(crate) async fn open_for_serving(
        &self,
        backup_dir: Option<&std::path::Path>,
    ) -> Result<Store, Failure> {
        let mut store = self.open_unsealed_with(backup_dir).await?;
        if let Some(seal) = self.seal(true)? {
            match store.attach_seal(seal).await {
                Ok(SealStart::Adopted(n)) if n > 0 => {
                    eprintln!("已用审计密钥为既有的 {n} 条审计记录签名，并写入检查点");
                }
                Ok(_) => {}
                Err(e) => return Err(Failure::other(anyhow!(e))),
            }
        }
        Ok(store)
    }

    /// The audit key, if one is configured, to check a backup's signatures with.
    pub(crate) fn existing_seal(&self) -> Result<Option<std::sync::Arc<Seal>>, Failure> {
        Ok(self.seal(false)?.map(std::sync::Arc::new))
    }

    /// The database's URL with any password replaced by `***`, for printing.
    pub(crate) fn masked_url(&self) -> String {
        mask_url(&self.url)
    }

    /// Opens the ledger for a restore: created and migrated when new, sealed but not checked
    /// against a checkpoint (the restore writes a fresh one).
    pub(crate) async fn open_for_restore(&self) -> Result<Store, Failure> {
        let mut store = self.open_unsealed().await?;
        if let Some(seal) = self.seal(true)? {
            store.inspect_with_seal(seal);
        }
        Ok(store)
    }

    /// Opens an existing ledger as it is, to inspect it: a missing SQLite file is an error (not
    /// a new empty ledger), the key is never created, nothing is signed or checked on opening.
    pub(crate) async fn inspect(&self) -> Result<Store, Failure> {
        if let Some(file) = self.sqlite_file()
            && !file.exists()
        {
            return Err(Failure::input(anyhow!(
                "台账文件 {} 不存在（--database {}）",
                file.display(),
                self.url
            )));
        }
        let mut store = self.open_unsealed().await?;
        if let Some(seal) = self.seal(false)? {
            store.inspect_with_seal(seal);
        }
        Ok(store)
    }
}

/// `scheme://user:password@host/…` with the password replaced by `***`.
pub(crate) fn mask_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((credentials, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match credentials.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_in_urls_are_masked() {
        assert_eq!(
            super::mask_url("postgres://luoshi:s3cret@db.example/ledger"),
            "postgres://luoshi:***@db.example/ledger"
        );
        assert_eq!(super::mask_url("sqlite://luoshi.db"), "sqlite://luoshi.db");
        assert_eq!(
            super::mask_url("smtps://kjj:p@ss@mail.example"),
            "smtps://kjj:***@mail.example"
        );
    }
}
