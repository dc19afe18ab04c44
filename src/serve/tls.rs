//! Direct HTTPS: the certificate chain and private key (PEM) read and checked as a pair
//! before anything starts, so a wrong file is named while nothing is listening yet.

use std::path::Path;
use std::sync::Arc;

use rustls::ServerConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::source::{self, Kind};

/// Certificates and keys: PEM files, small.
const PEM_FILE: Kind = Kind {
    noun: "PEM",
    pattern: "*.pem",
    limit: 1024 * 1024,
};

/// The server's TLS settings from `--tls-cert` and `--tls-key`, or what is wrong with them.
pub fn config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, String> {
    let shown = |path: &Path| crate::text::printable(&path.display().to_string());
    let chain = source::read(cert, PEM_FILE).map_err(|e| format!("--tls-cert: {e}"))?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&chain)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("--tls-cert {}: not a PEM certificate: {e}", shown(cert)))?;
    if chain.is_empty() {
        return Err(format!(
            "--tls-cert {}: no certificate in it (a PEM file with -----BEGIN CERTIFICATE-----)",
            shown(cert)
        ));
    }
    let secret = source::read(key, PEM_FILE).map_err(|e| format!("--tls-key: {e}"))?;
    let secret = PrivateKeyDer::from_pem_slice(&secret).map_err(|e| {
        format!(
            "--tls-key {}: no private key in it (a PEM file with -----BEGIN PRIVATE KEY-----): {e}",
            shown(key)
        )
    })?;
    // ring: the one provider compiled in, chosen here rather than process-wide.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .with_no_client_auth()
        .with_single_cert(chain, secret)
        .map_err(|e| {
            format!(
                "--tls-cert {} and --tls-key {} are not a usable pair: {e}",
                shown(cert),
                shown(key)
            )
        })?;
    // The server speaks HTTP/1.1 only (WebSockets upgrade from it).
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("writes");
        path
    }

    #[test]
    fn wrong_files_are_named_before_anything_starts() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pair = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let cert = write(dir.path(), "cert.pem", &pair.cert.pem());
        let key = write(dir.path(), "key.pem", &pair.signing_key.serialize_pem());
        assert!(config(&cert, &key).is_ok());
        let missing = dir.path().join("none.pem");
        let err = config(&missing, &key).expect_err("missing");
        assert!(err.starts_with("--tls-cert: cannot read") && err.contains("no such file"));
        let err = config(&cert, &missing).expect_err("missing key");
        assert!(err.starts_with("--tls-key: cannot read"), "{err}");
        let junk = write(dir.path(), "junk.pem", "not a certificate\n");
        let err = config(&junk, &key).expect_err("junk");
        assert!(err.contains("no certificate in it"), "{err}");
        let err = config(&cert, &junk).expect_err("junk key");
        assert!(err.contains("no private key in it"), "{err}");
        let err = config(&key, &cert).expect_err("swapped");
        assert!(err.contains("no certificate in it"), "{err}");
        let other = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("cert");
        let other_key = write(dir.path(), "other.pem", &other.signing_key.serialize_pem());
        let err = config(&cert, &other_key).expect_err("mismatched");
        assert!(err.contains("not a usable pair"), "{err}");
    }
}
