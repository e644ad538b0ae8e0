//! HTTPS served directly: a certificate chain and its private key in PEM files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("--tls-cert {path}：无法读取证书（应为 PEM 格式）：{reason}")]
    Certificate { path: PathBuf, reason: String },
    #[error("--tls-cert {path}：文件中没有证书（应含 -----BEGIN CERTIFICATE-----）")]
    NoCertificate { path: PathBuf },
    #[error(
        "--tls-key {path}：无法读取私钥（应为 PEM 格式的 PKCS#8、PKCS#1 或 SEC1 私钥）：{reason}"
    )]
    Key { path: PathBuf, reason: String },
    #[error("证书与私钥不匹配或不受支持：{0}")]
    Config(String),
}

/// The TLS configuration for `cert` (the server's certificate first, then intermediates) and
/// `key`, speaking HTTP/1.1.
pub fn load_tls(cert: &Path, key: &Path) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|e| TlsError::Certificate {
            path: cert.to_path_buf(),
            reason: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCertificate {
            path: cert.to_path_buf(),
        });
    }
    let private = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsError::Key {
        path: key.to_path_buf(),
        reason: e.to_string(),
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TlsError::Config(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| TlsError::Config(e.to_string()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
