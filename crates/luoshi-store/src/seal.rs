//! The audit log's seal: a secret key kept outside the database signs every record (HMAC-SHA256
//! over its place in the chain and its hash), and the chain's head (records, last id, last hash)
//! is written to a checkpoint file beside the key after every commit, and optionally appended
//! to a journal the operator names (a write-once mount, a file shipped to a log server).
//!
//! Someone who can edit the database but not read the key cannot forge a record, recompute the
//! chain, or cut records off its end without `luoshi audit verify` noticing: the signatures do
//! not match, or the database is behind the checkpoint. Someone holding both can do anything;
//! the journal on another machine is what remains then.

use std::io::Write;
use std::path::{Path, PathBuf};

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Why the seal could not be set up or read.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("无法读取审计密钥 {path}：{reason}")]
    ReadKey { path: String, reason: String },
    #[error("无法创建审计密钥 {path}：{reason}")]
    CreateKey { path: String, reason: String },
    #[error("审计密钥 {0} 内容无效：应为 64 位十六进制（32 字节）")]
    BadKey(String),
    #[error("审计密钥 {path} 的权限为 {mode:o}，其他用户可读；请执行 chmod 600 {path}")]
    OpenKey { path: String, mode: u32 },
    #[error("无法写入审计检查点 {path}：{reason}")]
    WriteHead { path: String, reason: String },
    #[error("审计检查点 {path} 无法解读（{reason}）")]
    BadHead { path: String, reason: String },
}

/// Where the chain stood at a commit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Head {
    /// Records in the chain.
    pub records: i64,
    pub last_id: i64,
    pub last_hash: String,
    /// When it was written (UTC).
    pub at: String,
    /// HMAC of the three above, so the checkpoint cannot be edited without the key either.
    pub mac: String,
}

/// The signed fingerprints of the protected tables (see `table_seal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSeal {
    pub at: String,
    /// The schema version they were taken at.
    pub schema: i64,
    pub tables: crate::table_seal::Fingerprints,
    pub mac: String,
}

/// The key and the files of the seal.
#[derive(Clone)]
pub struct Seal {
    key: [u8; 32],
    head_path: PathBuf,
    journal: Option<PathBuf>,
    /// The last checkpoint that could not be written, for `verify` to report: the commit it
    /// follows has happened and must not be reported as failed.
    failure: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl std::fmt::Debug for Seal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Seal")
            .field("head_path", &self.head_path)
            .field("journal", &self.journal)
            .finish_non_exhaustive()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<[u8; 32]> {
    let text = text.trim();
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(i * 2..i * 2 + 2)?, 16).ok()?;
    }
    Some(out)
}

impl Seal {
    /// A seal with `key`, its checkpoint at `head_path`.
    pub fn new(key: [u8; 32], head_path: PathBuf, journal: Option<PathBuf>) -> Seal {
        Seal {
            key,
            head_path,
            journal,
            failure: Default::default(),
        }
    }

    /// Held while a commit reads and rewrites the checkpoint files, so that servers sharing
    /// them (several processes on one ledger) take turns: see `audit::Write::commit`.
    pub(crate) fn lock_files(&self) -> Option<FilesLock> {
        let path = PathBuf::from(format!("{}.lock", self.head_path.display()));
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .ok()?;
        lock_exclusive(&file).ok()?;
        Some(FilesLock { _file: file })
    }

    /// Writes the head after a commit; a failure is kept for [`Seal::failure`].
    pub(crate) fn checkpoint(&self, records: i64, last_id: i64, last_hash: &str, at: &str) {
        let outcome = self.write_head(&self.head(records, last_id, last_hash, at));
        if let Ok(mut failure) = self.failure.lock() {
            *failure = outcome.err().map(|e| e.to_string());
        }
    }

    /// Why the last checkpoint could not be written, if it could not.
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().ok().and_then(|f| f.clone())
    }

    /// The key from `key_hex` (`LUOSHI_AUDIT_KEY`) when given, else from the file at
    /// `key_path`, created with a fresh random key (mode 0600) when `create` and it is missing.
    /// The checkpoint lives next to the key file: `<key_path>.head`.
    pub fn load(
        key_path: &Path,
        key_hex: Option<&str>,
        journal: Option<PathBuf>,
        create: bool,
    ) -> Result<Seal, SealError> {
        let shown = key_path.display().to_string();
        let head_path = PathBuf::from(format!("{shown}.head"));
        if let Some(given) = key_hex {
            let key = unhex(given).ok_or_else(|| SealError::BadKey("LUOSHI_AUDIT_KEY".into()))?;
            return Ok(Seal::new(key, head_path, journal));
        }
        match std::fs::read_to_string(key_path) {
            Ok(text) => {
                check_private(key_path)?;
                let key = unhex(&text).ok_or_else(|| SealError::BadKey(shown.clone()))?;
                Ok(Seal::new(key, head_path, journal))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let mut key = [0u8; 32];
                getrandom::fill(&mut key).map_err(|e| SealError::CreateKey {
                    path: shown.clone(),
                    reason: e.to_string(),
                })?;
                write_private(key_path, &hex(&key)).map_err(|e| SealError::CreateKey {
                    path: shown,
                    reason: e.to_string(),
                })?;
                Ok(Seal::new(key, head_path, journal))
            }
            Err(e) => Err(SealError::ReadKey {
                path: shown,
                reason: e.to_string(),
            }),
        }
    }

    pub fn head_path(&self) -> &Path {
        &self.head_path
    }

    /// `<key>.tables`, beside the checkpoint.
    pub fn tables_path(&self) -> PathBuf {
        let head = self.head_path.display().to_string();
        PathBuf::from(format!(
            "{}.tables",
            head.strip_suffix(".head").unwrap_or(&head)
        ))
    }

    fn tables_mac(&self, schema: i64, tables: &crate::table_seal::Fingerprints) -> String {
        let text = serde_json::to_string(tables).unwrap_or_default();
        self.mac(&[b"tables", &schema.to_be_bytes(), text.as_bytes()])
    }

    pub fn tables_are_signed(&self, seal: &TableSeal) -> bool {
        constant_time_eq(
            seal.mac.as_bytes(),
            self.tables_mac(seal.schema, &seal.tables).as_bytes(),
        )
    }

    /// Writes the tables' fingerprints (whole, never half-written).
    pub(crate) fn write_tables(
        &self,
        schema: i64,
        tables: crate::table_seal::Fingerprints,
        at: &str,
    ) -> Result<(), SealError> {
        let path = self.tables_path();
        let failed = |e: String| SealError::WriteHead {
            path: path.display().to_string(),
            reason: e,
        };
        let seal = TableSeal {
            at: at.to_string(),
            schema,
            mac: self.tables_mac(schema, &tables),
            tables,
        };
        let text = serde_json::to_string(&seal).map_err(|e| failed(e.to_string()))?;
        let temporary = temporary_beside(&path);
        write_private(&temporary, &text).map_err(|e| failed(e.to_string()))?;
        std::fs::rename(&temporary, &path).map_err(|e| failed(e.to_string()))
    }

    /// The tables' fingerprints, if they were written.
    pub fn read_tables(&self) -> Result<Option<TableSeal>, SealError> {
        let path = self.tables_path();
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| SealError::BadHead {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(SealError::BadHead {
                path: path.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }

    /// Writes the tables after a commit; a failure is kept for [`Seal::failure`].
    pub(crate) fn checkpoint_tables(
        &self,
        schema: i64,
        tables: crate::table_seal::Fingerprints,
        at: &str,
    ) {
        if let Err(e) = self.write_tables(schema, tables, at)
            && let Ok(mut failure) = self.failure.lock()
        {
            *failure = Some(e.to_string());
        }
    }

    fn mac(&self, parts: &[&[u8]]) -> String {
        // Any key length is accepted by HMAC; ours is always 32 bytes.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            return String::new();
        };
        for part in parts {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        hex(&mac.finalize().into_bytes())
    }

    /// The signature of the record at place `seq` (1-based) whose hash is `hash`.
    pub fn record_mac(&self, seq: i64, hash: &str) -> String {
        self.mac(&[b"record", &seq.to_be_bytes(), hash.as_bytes()])
    }

    fn head_mac(&self, records: i64, last_id: i64, last_hash: &str) -> String {
        self.mac(&[
            b"head",
            &records.to_be_bytes(),
            &last_id.to_be_bytes(),
            last_hash.as_bytes(),
        ])
    }

    /// A signed head.
    pub fn head(&self, records: i64, last_id: i64, last_hash: &str, at: &str) -> Head {
        Head {
            records,
            last_id,
            last_hash: last_hash.to_string(),
            at: at.to_string(),
            mac: self.head_mac(records, last_id, last_hash),
        }
    }

    pub fn head_is_signed(&self, head: &Head) -> bool {
        constant_time_eq(
            head.mac.as_bytes(),
            self.head_mac(head.records, head.last_id, &head.last_hash)
                .as_bytes(),
        )
    }

    pub fn record_is_signed(&self, seq: i64, hash: &str, mac: &str) -> bool {
        constant_time_eq(mac.as_bytes(), self.record_mac(seq, hash).as_bytes())
    }

    /// The checkpoint, if one was written.
    pub fn read_head(&self) -> Result<Option<Head>, SealError> {
        let shown = self.head_path.display().to_string();
        match std::fs::read_to_string(&self.head_path) {
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| SealError::BadHead {
                    path: shown,
                    reason: e.to_string(),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(SealError::BadHead {
                path: shown,
                reason: e.to_string(),
            }),
        }
    }

    /// Writes `head` as the checkpoint (replacing it whole, never half-written) unless the one
    /// on disk is further along (another process committed later), and appends it to the
    /// journal.
    pub fn write_head(&self, head: &Head) -> Result<(), SealError> {
        let failed = |path: &Path, e: std::io::Error| SealError::WriteHead {
            path: path.display().to_string(),
            reason: e.to_string(),
        };
        let newer_on_disk = self
            .read_head()
            .ok()
            .flatten()
            .is_some_and(|on_disk| on_disk.records > head.records);
        if !newer_on_disk {
            let text = serde_json::to_string(head).map_err(|e| SealError::WriteHead {
                path: self.head_path.display().to_string(),
                reason: e.to_string(),
            })?;
            let temporary = temporary_beside(&self.head_path);
            write_private(&temporary, &text).map_err(|e| failed(&temporary, e))?;
            std::fs::rename(&temporary, &self.head_path).map_err(|e| failed(&self.head_path, e))?;
        }
        if let Some(journal) = &self.journal {
            let line = format!(
                "{} records={} last_id={} last_hash={} mac={}\n",
                head.at, head.records, head.last_id, head.last_hash, head.mac
            );
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(journal)
                .and_then(|mut f| f.write_all(line.as_bytes()))
                .map_err(|e| failed(journal, e))?;
        }
        Ok(())
    }

    /// The last head in the journal, if there is a journal with a line in it.
    pub fn journal_head(&self) -> Result<Option<Head>, SealError> {
        let Some(journal) = &self.journal else {
            return Ok(None);
        };
        let text = match std::fs::read_to_string(journal) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(SealError::BadHead {
                    path: journal.display().to_string(),
                    reason: e.to_string(),
                });
            }
        };
        let Some(line) = text.lines().rev().find(|l| !l.trim().is_empty()) else {
            return Ok(None);
        };
        let bad = |reason: &str| SealError::BadHead {
            path: journal.display().to_string(),
            reason: format!("{reason}：{}", line.chars().take(80).collect::<String>()),
        };
        let mut fields = line.split(' ');
        let at = fields.next().unwrap_or_default().to_string();
        let mut value = |key: &str| {
            fields
                .next()
                .and_then(|f| f.strip_prefix(key))
                .map(str::to_string)
        };
        let (Some(records), Some(last_id), Some(last_hash), Some(mac)) = (
            value("records="),
            value("last_id="),
            value("last_hash="),
            value("mac="),
        ) else {
            return Err(bad("行格式不符"));
        };
        Ok(Some(Head {
            records: records.parse().map_err(|_| bad("记录数无效"))?,
            last_id: last_id.parse().map_err(|_| bad("编号无效"))?,
            last_hash,
            at,
            mac,
        }))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    // On disk before the rename makes it the checkpoint, so a power cut leaves the old one or
    // the new one, never an empty file.
    file.sync_all()
}

/// An exclusive lock on the checkpoint files, released when dropped (or the process dies).
#[derive(Debug)]
pub(crate) struct FilesLock {
    _file: std::fs::File,
}

#[cfg(unix)]
fn lock_exclusive(file: &std::fs::File) -> std::io::Result<()> {
    rustix::fs::flock(file, rustix::fs::FlockOperation::LockExclusive).map_err(std::io::Error::from)
}

#[cfg(not(unix))]
fn lock_exclusive(_file: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// A temporary name next to `path`, unique to this process and write, so that two processes
/// replacing the same checkpoint never write into each other's file.
fn temporary_beside(path: &Path) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    PathBuf::from(format!("{}.{}-{n}.tmp", path.display(), std::process::id()))
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), SealError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| SealError::ReadKey {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(SealError::OpenKey {
            path: path.display().to_string(),
            mode: mode & 0o777,
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), SealError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_file_is_created_private_and_read_back() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("audit.key");
        let first = Seal::load(&path, None, None, true).expect("created");
        let again = Seal::load(&path, None, None, false).expect("read");
        assert_eq!(first.key, again.key);
        assert_eq!(first.record_mac(1, "ab"), again.record_mac(1, "ab"));
        assert_ne!(first.record_mac(1, "ab"), first.record_mac(2, "ab"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(matches!(
                Seal::load(&path, None, None, false),
                Err(SealError::OpenKey { .. })
            ));
        }
        assert!(matches!(
            Seal::load(&dir.path().join("missing.key"), None, None, false),
            Err(SealError::ReadKey { .. })
        ));
        assert!(matches!(
            Seal::load(&path, Some("not hex"), None, false),
            Err(SealError::BadKey(_))
        ));
    }

    #[test]
    fn heads_are_signed_and_journaled() {
        let dir = tempfile::tempdir().expect("dir");
        let journal = dir.path().join("journal.log");
        let seal = Seal::new([7; 32], dir.path().join("k.head"), Some(journal));
        assert_eq!(seal.read_head().expect("none"), None);
        let head = seal.head(3, 9, "abc", "2021-06-30T00:00:00.000Z");
        assert!(seal.head_is_signed(&head));
        seal.write_head(&head).expect("written");
        assert_eq!(seal.read_head().expect("read"), Some(head.clone()));
        // An older head never replaces a newer one in the checkpoint; the journal keeps both.
        let older = seal.head(2, 8, "abd", "2021-06-30T00:00:01.000Z");
        seal.write_head(&older).expect("written");
        assert_eq!(seal.read_head().expect("read"), Some(head));
        assert_eq!(seal.journal_head().expect("journal"), Some(older.clone()));
        let mut forged = older;
        forged.records = 99;
        assert!(!seal.head_is_signed(&forged));
    }
}
