//! A small HTTP/1.1 server: a thread per connection, keep-alive, and a
//! handler that turns each request into an answer.

use std::{
    io::{BufReader, Write},
    net::{SocketAddr, TcpListener, TcpStream},
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    thread,
    time::Duration,
};

use crate::http::{self, ReadError, Request, Response};

/// How long an idle kept-alive connection stays open (nginx's `keepalive_timeout`).
const IDLE_TIMEOUT: Duration = Duration::from_secs(65);

/// The connection a request came on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peer {
    /// The client's address.
    pub address: SocketAddr,
    /// The connection's number since the server started, from 1 (nginx's `*N`).
    pub connection: u64,
}

/// What a program does with requests.
pub trait Handler: Send + Sync + 'static {
    /// The answer to one request.
    fn handle(&self, request: &Request, peer: &Peer) -> Response;

    /// The answer to bytes that are not a request; the connection then closes.
    fn bad_request(&self) -> Response;
}

/// Serves `listener` until accepting fails, one thread per connection.
pub fn serve(listener: TcpListener, handler: impl Handler) -> std::io::Error {
    let handler = Arc::new(handler);
    let connections = AtomicU64::new(0);
    loop {
        let (stream, address) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(err) if is_transient(&err) => {
                // Out of descriptors for a moment, say: let connections finish.
                thread::sleep(Duration::from_millis(10));
                continue;
            }
            Err(err) => return err,
        };
        let peer = Peer {
            address,
            connection: connections.fetch_add(1, Ordering::Relaxed) + 1,
        };
        let handler = Arc::clone(&handler);
        // When no thread can start, the connection is dropped; the next may fare better.
        let _ =
            thread::Builder::new().spawn(move || serve_connection(stream, peer, handler.as_ref()));
    }
}

/// Errors after which the listener still works (a client gave up, no fds for a moment).
fn is_transient(err: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        err.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    ) || err.raw_os_error() == Some(24)
}

/// Answers requests on one connection until the client or the protocol closes it.
fn serve_connection(stream: TcpStream, peer: Peer, handler: &impl Handler) {
    if stream.set_read_timeout(Some(IDLE_TIMEOUT)).is_err() {
        return;
    }
    let mut reader = BufReader::new(&stream);
    let mut writer = &stream;
    loop {
        let (answer, keep_alive, head_only) = match http::read_request(&mut reader) {
            Ok(request) => (
                handler.handle(&request, &peer),
                request.keep_alive(),
                request.is_head(),
            ),
            Err(ReadError::Malformed(_)) => (handler.bad_request(), false, false),
            Err(ReadError::Closed | ReadError::Io(_)) => return,
        };
        let answer = if keep_alive {
            answer
        } else {
            answer.with_header("Connection", "close")
        };
        if writer.write_all(&answer.to_bytes(head_only)).is_err() || !keep_alive {
            return;
        }
    }
}
