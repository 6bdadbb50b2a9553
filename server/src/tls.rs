//! HTTPS beside plain HTTP on `sunaba serve`'s one port.
//!
//! kubectl (client-go) sends a kubeconfig's credentials only over TLS: to
//! a `http://` server it never sends the bearer token. So each start makes
//! a throw-away certificate authority and a server certificate it signs
//! (for `localhost`, `127.0.0.1`, `::1` and the address bound), kept in
//! memory only; the kubeconfig trusts that CA (`certificate-authority-data`)
//! and points at `https://`. The browser keeps plain `http://` (no
//! certificate warning), with the token from the printed URL.
//!
//! [`DualListener`] tells the two apart by a connection's first byte: a TLS
//! handshake opens with a handshake record (`0x16`), an HTTP request with a
//! method's letter.

use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// How long a new connection has to send its first byte and, for TLS,
/// finish its handshake; one that takes longer is closed.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The first byte of a TLS connection: a handshake record.
const TLS_HANDSHAKE_RECORD: u8 = 0x16;

/// A server certificate and the CA that signed it, made at start.
#[derive(Clone)]
pub struct Tls {
    acceptor: TlsAcceptor,
    ca_pem: String,
}

impl Tls {
    /// A fresh CA, and a server certificate it signs for `localhost`,
    /// `127.0.0.1`, `::1` and `addr`'s IP when it names one.
    pub fn generate(addr: SocketAddr) -> io::Result<Self> {
        let (ca_pem, issuer) = certificate_authority().map_err(io::Error::other)?;
        let key = KeyPair::generate().map_err(io::Error::other)?;
        let server = server_params(addr)
            .and_then(|params| params.signed_by(&key, &issuer))
            .map_err(io::Error::other)?;
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(server.der().to_vec())], key)
            .map_err(io::Error::other)?;
        // HTTP/1.1 only, as over plain HTTP: exec's WebSockets upgrade from it.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            ca_pem,
        })
    }

    /// The CA's certificate (PEM), for a kubeconfig's `certificate-authority-data`.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }
}

/// A self-signed CA: its certificate (PEM) and what signs with it.
fn certificate_authority() -> Result<(String, Issuer<'static, KeyPair>), rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "sunaba serve CA");
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
    ];
    let key = KeyPair::generate()?;
    let certificate = params.self_signed(&key)?;
    Ok((pem_certificate(certificate.der()), Issuer::new(params, key)))
}

/// A certificate's DER as PEM: base64 in lines of 64 between the markers.
fn pem_certificate(der: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .filter_map(|line| std::str::from_utf8(line).ok())
        .collect();
    format!(
        "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
        lines.join("\n")
    )
}

/// The server certificate's names and uses.
fn server_params(addr: SocketAddr) -> Result<CertificateParams, rcgen::Error> {
    let mut names = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    if let Some(ip) = named_ip(addr) {
        names.push(ip.to_string());
    }
    let mut params = CertificateParams::new(names)?;
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "sunaba serve");
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    Ok(params)
}

/// A connection as served: plain, or inside TLS.
pub enum Connection {
    /// Plain HTTP (browsers, scripts, tests).
    Plain(TcpStream),
    /// HTTPS (kubectl and other kubeconfig clients).
    Tls(Box<TlsStream<TcpStream>>),
}

/// A listener for `axum::serve` that hands out [`Connection`]s: a task
/// accepts TCP connections and, for each, one of its own reads the first
/// byte and does the TLS handshake, so a slow client holds up no other.
pub struct DualListener {
    ready: mpsc::Receiver<(Connection, SocketAddr)>,
    local_addr: SocketAddr,
    accepting: JoinHandle<()>,
}

impl DualListener {
    /// Starts accepting on `listener`, with `tls` for the connections that open with a handshake.
    pub fn new(listener: TcpListener, tls: &Tls) -> io::Result<Self> {
        let local_addr = listener.local_addr()?;
        let (sender, ready) = mpsc::channel(64);
        let accepting = tokio::spawn(accept_loop(listener, tls.acceptor.clone(), sender));
        Ok(Self {
            ready,
            local_addr,
            accepting,
        })
    }
}

impl Drop for DualListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl axum::serve::Listener for DualListener {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accepting task ended: nothing will come any more.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.local_addr)
    }
}

/// Accepts connections for ever, each opened on a task of its own.
async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    ready: mpsc::Sender<(Connection, SocketAddr)>,
) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                // Out of file descriptors and the like: wait, then go on.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let acceptor = acceptor.clone();
        let ready = ready.clone();
        tokio::spawn(async move {
            let opened = tokio::time::timeout(HANDSHAKE_TIMEOUT, open(stream, &acceptor)).await;
            if let Ok(Ok(connection)) = opened {
                let _ = ready.send((connection, peer)).await;
            }
        });
    }
}

/// Plain or TLS, as the first byte says; the handshake done for TLS.
async fn open(stream: TcpStream, acceptor: &TlsAcceptor) -> io::Result<Connection> {
    let mut first = [0u8; 1];
    stream.peek(&mut first).await?;
    if first[0] == TLS_HANDSHAKE_RECORD {
        let tls = acceptor.accept(stream).await?;
        Ok(Connection::Tls(Box::new(tls)))
    } else {
        Ok(Connection::Plain(stream))
    }
}

impl AsyncRead for Connection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(stream) => Pin::new(stream).poll_read(cx, buf),
            Connection::Tls(stream) => Pin::new(stream.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Connection::Plain(stream) => Pin::new(stream).poll_write(cx, buf),
            Connection::Tls(stream) => Pin::new(stream.as_mut()).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Connection::Plain(stream) => Pin::new(stream).poll_write_vectored(cx, bufs),
            Connection::Tls(stream) => Pin::new(stream.as_mut()).poll_write_vectored(cx, bufs),
        }
    }

    fn is_write_vectored(&self) -> bool {
        match self {
            Connection::Plain(stream) => stream.is_write_vectored(),
            Connection::Tls(stream) => stream.is_write_vectored(),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(stream) => Pin::new(stream).poll_flush(cx),
            Connection::Tls(stream) => Pin::new(stream.as_mut()).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Connection::Plain(stream) => Pin::new(stream).poll_shutdown(cx),
            Connection::Tls(stream) => Pin::new(stream.as_mut()).poll_shutdown(cx),
        }
    }
}

/// The IP a certificate for `addr` names besides loopback's, if any.
fn named_ip(addr: SocketAddr) -> Option<IpAddr> {
    let ip = addr.ip();
    (!ip.is_unspecified() && !ip.is_loopback()).then_some(ip)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::ServerName;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A client that trusts only `tls`'s CA.
    fn client_trusting(tls: &Tls) -> tokio_rustls::TlsConnector {
        let mut roots = rustls::RootCertStore::empty();
        let ca =
            CertificateDer::from_pem_slice(tls.ca_pem().as_bytes()).expect("a PEM certificate");
        roots.add(ca).expect("a CA certificate");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        tokio_rustls::TlsConnector::from(Arc::new(config))
    }

    /// Echoes what each connection sends first, tagged with how it came.
    async fn serve_tagged(mut listener: DualListener) {
        use axum::serve::Listener;
        loop {
            let (mut io, _) = listener.accept().await;
            tokio::spawn(async move {
                let tag: &[u8] = match &io {
                    Connection::Plain(_) => b"plain:",
                    Connection::Tls(_) => b"tls:",
                };
                let mut buffer = [0u8; 64];
                let read = io.read(&mut buffer).await.unwrap_or(0);
                let _ = io.write_all(&[tag, &buffer[..read]].concat()).await;
                let _ = io.shutdown().await;
            });
        }
    }

    #[tokio::test]
    async fn one_port_answers_plain_and_tls_clients_alike() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("bound");
        let tls = Tls::generate(addr).expect("certificates");
        tokio::spawn(serve_tagged(
            DualListener::new(listener, &tls).expect("listening"),
        ));

        let mut plain = TcpStream::connect(addr).await.expect("connect");
        plain.write_all(b"GET").await.expect("sent");
        let mut answer = Vec::new();
        plain.read_to_end(&mut answer).await.expect("answered");
        assert_eq!(answer, b"plain:GET");

        for name in ["localhost", "127.0.0.1", "::1"] {
            let stream = TcpStream::connect(addr).await.expect("connect");
            let server_name = ServerName::try_from(name.to_string()).expect("a name");
            let mut secure = client_trusting(&tls)
                .connect(server_name, stream)
                .await
                .unwrap_or_else(|e| panic!("the certificate is good for {name}: {e}"));
            secure.write_all(b"GET").await.expect("sent");
            let mut answer = Vec::new();
            let _ = secure.read_to_end(&mut answer).await;
            assert_eq!(answer, b"tls:GET", "{name}");
        }
    }

    #[tokio::test]
    async fn another_servers_ca_is_not_trusted() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("bound");
        let tls = Tls::generate(addr).expect("certificates");
        let other = Tls::generate(addr).expect("other certificates");
        tokio::spawn(serve_tagged(
            DualListener::new(listener, &tls).expect("listening"),
        ));
        let stream = TcpStream::connect(addr).await.expect("connect");
        let name = ServerName::try_from("localhost").expect("a name");
        assert!(client_trusting(&other).connect(name, stream).await.is_err());
    }
}
