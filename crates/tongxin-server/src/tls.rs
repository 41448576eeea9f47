//! TLS as a client (to PostgreSQL on another host, to webhook endpoints):
//! rustls on ring, the server's certificate checked against the system's
//! trusted roots or a PEM file of the operator's own CA. No system OpenSSL.

use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

/// Debian's bundle of the system's trusted certificate authorities.
pub const SYSTEM_ROOTS: &str = "/etc/ssl/certs/ca-certificates.crt";

/// A client configuration trusting the certificates of `root` (a PEM file;
/// the system's roots when `None` or `system`).
pub fn client_config(root: Option<&str>) -> Result<rustls::ClientConfig, String> {
    let path = root.filter(|r| *r != "system").unwrap_or(SYSTEM_ROOTS);
    let fail = |m: String| format!("sslrootcert {path}: {m}");
    let pem = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    let mut roots = rustls::RootCertStore::empty();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<_, _>>()
        .map_err(|e| fail(format!("not PEM certificates ({e})")))?;
    let (added, _) = roots.add_parsable_certificates(certs);
    if added == 0 {
        return Err(fail("no usable certificate in the file".into()));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| fail(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}
