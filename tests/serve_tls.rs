//! `mvx serve --tls-cert --tls-key`: HTTPS served directly, checked with a certificate
//! made for the test and a client that trusts only it; wrong files stop it at once.

#[path = "support/served.rs"]
mod served;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use rustls::pki_types::{CertificateDer, ServerName};
use served::Server;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_tungstenite::tungstenite::Message;

const FLOW: &str = "flows/espresso-three-menus.yaml";

/// A self-signed certificate for 127.0.0.1, written as cert.pem and key.pem.
fn certificate(dir: &Path) -> (PathBuf, PathBuf, CertificateDer<'static>) {
    let made = rcgen::generate_simple_self_signed(vec!["127.0.0.1".into()]).expect("a cert");
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, made.cert.pem()).expect("writes");
    std::fs::write(&key, made.signing_key.serialize_pem()).expect("writes");
    (cert, key, made.cert.der().clone())
}

/// A TLS connection to `link`'s host that trusts `trusted` alone.
async fn connect(link: &str, trusted: &CertificateDer<'static>) -> TlsStream<TcpStream> {
    let host = link
        .trim_start_matches("https://")
        .split('/')
        .next()
        .expect("a host");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(trusted.clone()).expect("the test's certificate");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    let tcp = TcpStream::connect(host).await.expect("connects");
    let name = ServerName::try_from("127.0.0.1").expect("a name");
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .expect("the TLS handshake succeeds with the trusted certificate")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_are_https_and_the_page_and_its_socket_work_over_tls() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key, trusted) = certificate(dir.path());
    let (cert, key) = (cert.display().to_string(), key.display().to_string());
    let sessions = dir.path().join("sessions");
    let server = Server::start(FLOW, &sessions, &["--tls-cert", &cert, "--tls-key", &key]);
    let link = &server.links[0];
    assert!(link.starts_with("https://127.0.0.1:"), "{link}");
    assert!(server.lines()[0].contains("on https://127.0.0.1:"));
    let path = &link[link.find("/p/").expect("a link path")..];

    let mut tls = connect(link, &trusted).await;
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    tls.write_all(request.as_bytes()).await.expect("sends");
    let mut answer = String::new();
    tls.read_to_string(&mut answer).await.ok();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.to_lowercase().contains("content-security-policy"));

    let tls = connect(link, &trusted).await;
    let url = format!("{}/ws", link.replacen("https://", "wss://", 1));
    let (mut ws, _) = tokio_tungstenite::client_async(url, tls)
        .await
        .expect("the WebSocket opens over TLS");
    let size = r#"{"t":"size","cols":80,"rows":24}"#;
    ws.send(Message::text(size)).await.expect("sends its size");
    let first = ws.next().await.expect("a message").expect("readable");
    assert!(first.is_text(), "the server answers: {first:?}");
}

#[test]
fn a_missing_or_wrong_certificate_starts_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, _, _) = certificate(dir.path());
    let missing = dir.path().join("missing.pem");
    for (cert, key, said) in [
        (&cert, &missing, "--tls-key: cannot read"),
        (&cert, &cert, "--tls-key"),
        (&missing, &cert, "--tls-cert: cannot read"),
    ] {
        let out = served::spawn::mvx()
            .args(["serve", FLOW, "--listen", "127.0.0.1:0", "--sessions"])
            .arg(dir.path().join("sessions"))
            .arg("--tls-cert")
            .arg(cert)
            .arg("--tls-key")
            .arg(key)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(said), "{err}");
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(out.stdout.is_empty(), "nothing was served");
    }
    let alone = served::spawn::mvx()
        .args(["serve", FLOW, "--tls-cert"])
        .arg(&cert)
        .output()
        .expect("runs");
    assert_eq!(alone.status.code(), Some(2), "--tls-cert needs --tls-key");
}

/// 1,100 connections that finished their TLS handshake and then sent half a request
/// (more than a process with 1,024 files can keep) do not stop a page from loading.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_connections_after_the_handshake_never_keep_a_page_from_loading() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (cert, key, trusted) = certificate(dir.path());
    let (cert, key) = (cert.display().to_string(), key.display().to_string());
    let sessions = dir.path().join("sessions");
    let tls = ["--tls-cert", &cert, "--tls-key", &key];
    let server = Server::start_with_open_files(FLOW, &sessions, &tls, 1_024);
    let link = &server.links[0];
    let mut held = Vec::new();
    for _ in 0..1_100 {
        let within = std::time::Duration::from_millis(500);
        // A stranger does not care whether each gets in; the page's load below does.
        if let Ok(mut stream) = tokio::time::timeout(within, connect(link, &trusted)).await {
            let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").await;
            held.push(stream);
        }
    }
    let path = &link[link.find("/p/").expect("a link path")..];
    let load = async {
        let mut tls = connect(link, &trusted).await;
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        tls.write_all(request.as_bytes()).await.expect("sends");
        let mut answer = String::new();
        tls.read_to_string(&mut answer).await.ok();
        answer
    };
    let answer = tokio::time::timeout(served::DEADLINE, load).await;
    let answer = answer.expect("the page loads in time");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
