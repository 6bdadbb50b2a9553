//! `sunaba/service-proxy`: a Service's address on the Docker backend, doing
//! what kube-proxy does for a ClusterIP. It reads the Service's table from a
//! file that sunaba rewrites (atomically, by rename) whenever the endpoints
//! change, re-reads it every [`POLL`], listens on each service port that has
//! ready endpoints, and passes each accepted TCP connection to one of that
//! port's endpoints, chosen at random per connection.
//!
//! A port without endpoints is not listened on, so a connection to it is
//! refused at once, as a ClusterIP without endpoints rejects.
//!
//! The table's format, one service port a line (`#` starts a comment):
//!
//! ```text
//! # Service default/echo
//! 80 172.18.0.5:8080 172.18.0.6:8080
//! 443
//! ```

use std::{
    collections::{hash_map::RandomState, BTreeMap, BTreeSet},
    fs,
    hash::BuildHasher,
    io::{self, ErrorKind},
    net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream},
    path::Path,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, PoisonError, RwLock,
    },
    thread,
    time::{Duration, SystemTime},
};

/// Where the table is when no argument names it: in the directory sunaba mounts.
pub const DEFAULT_TABLE: &str = "/run/sunaba/table";

/// How often the table file is read again.
pub const POLL: Duration = Duration::from_millis(150);

/// How long connecting to an endpoint may take before the client's connection is closed.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A Service's routes: each service port and its ready endpoints' addresses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// The endpoints of each service port (none: the port refuses connections).
    pub ports: BTreeMap<u16, Vec<SocketAddr>>,
}

impl Table {
    /// Reads a table: lines `<port> <ip>:<port>…`, blank lines and `#`
    /// comments ignored. A mistake names its line.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut ports = BTreeMap::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default();
            let mut words = line.split_whitespace();
            let Some(port) = words.next() else { continue };
            let line_error = |what: String| format!("line {}: {what}", number + 1);
            let port: u16 = match port.parse() {
                Ok(port) if port != 0 => port,
                _ => return Err(line_error(format!("{port:?} is not a port"))),
            };
            let backends = words
                .map(|word| {
                    word.parse::<SocketAddr>()
                        .map_err(|_| line_error(format!("{word:?} is not an address and port")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            if ports.insert(port, backends).is_some() {
                return Err(line_error(format!("port {port} is listed twice")));
            }
        }
        Ok(Self { ports })
    }

    /// The endpoints of a service port (none when it is not listed).
    pub fn backends(&self, port: u16) -> &[SocketAddr] {
        self.ports.get(&port).map_or(&[], Vec::as_slice)
    }

    /// The ports to listen on: those with at least one endpoint.
    pub fn listening_ports(&self) -> BTreeSet<u16> {
        self.ports
            .iter()
            .filter(|(_, backends)| !backends.is_empty())
            .map(|(port, _)| *port)
            .collect()
    }
}

impl std::fmt::Display for Table {
    /// One line a port, the endpoints after it: `80 -> 172.18.0.5:8080 172.18.0.6:8080`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.ports.is_empty() {
            return write!(f, "no ports");
        }
        for (i, (port, backends)) in self.ports.iter().enumerate() {
            if i > 0 {
                write!(f, "; ")?;
            }
            write!(f, "{port} ->")?;
            if backends.is_empty() {
                write!(f, " no endpoints")?;
            }
            for backend in backends {
                write!(f, " {backend}")?;
            }
        }
        Ok(())
    }
}

/// The endpoint a connection goes to, given a random number: one of
/// `backends`, each as likely; None when there is none.
pub fn choose(backends: &[SocketAddr], random: u64) -> Option<SocketAddr> {
    let count = u64::try_from(backends.len()).ok().filter(|n| *n > 0)?;
    let index = usize::try_from(random % count).ok()?;
    backends.get(index).copied()
}

/// A small random generator (SplitMix64), seeded from std's per-process
/// random hash keys: enough to spread connections, with no dependency.
#[derive(Clone, Debug)]
pub struct Random {
    state: u64,
}

impl Random {
    /// A generator seeded unpredictably.
    pub fn seeded() -> Self {
        Self::from_seed(RandomState::new().hash_one(SystemTime::now()))
    }

    /// A generator with a fixed seed (for tests).
    pub fn from_seed(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The proxy: the current table, shared with the threads that accept
/// connections, and a listener per port that has endpoints.
pub struct Proxy {
    /// The address the listeners bind (all of the container's).
    bind: IpAddr,
    table: Arc<RwLock<Table>>,
    /// Each listening port's stop flag.
    listeners: BTreeMap<u16, Arc<AtomicBool>>,
    /// Ports whose binding failed and was reported, so it is reported once.
    failed: BTreeSet<u16>,
}

impl Proxy {
    /// A proxy with an empty table, whose listeners will bind `bind`.
    pub fn new(bind: IpAddr) -> Self {
        Self {
            bind,
            table: Arc::default(),
            listeners: BTreeMap::new(),
            failed: BTreeSet::new(),
        }
    }

    /// Takes `table` as the routes from now on (connections already passed
    /// on stay where they are), then listens as it says ([`Proxy::listen`]).
    pub fn apply(&mut self, table: Table) {
        *self.table.write().unwrap_or_else(PoisonError::into_inner) = table;
        self.listen();
    }

    /// Listens on each port with endpoints that is not listened on yet (a
    /// failed bind is tried again on the next call) and stops listening on
    /// the others.
    pub fn listen(&mut self) {
        let wanted = self
            .table
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .listening_ports();
        let unwanted: Vec<u16> = self
            .listeners
            .keys()
            .filter(|port| !wanted.contains(port))
            .copied()
            .collect();
        for port in unwanted {
            if let Some(stop) = self.listeners.remove(&port) {
                self.stop_listening(port, &stop);
            }
        }
        self.failed.retain(|port| wanted.contains(port));
        for port in wanted {
            if self.listeners.contains_key(&port) {
                continue;
            }
            match TcpListener::bind((self.bind, port)) {
                Ok(listener) => {
                    let stop = Arc::new(AtomicBool::new(false));
                    let table = Arc::clone(&self.table);
                    let flag = Arc::clone(&stop);
                    let spawned = thread::Builder::new()
                        .spawn(move || accept_loop(&listener, port, &table, &flag));
                    if spawned.is_ok() {
                        self.listeners.insert(port, stop);
                        self.failed.remove(&port);
                    }
                }
                Err(err) => {
                    if self.failed.insert(port) {
                        eprintln!("service-proxy: cannot listen on port {port}: {err}");
                    }
                }
            }
        }
    }

    /// The ports listened on.
    pub fn listening(&self) -> BTreeSet<u16> {
        self.listeners.keys().copied().collect()
    }

    /// Tells a port's accept loop to end, and wakes it with a connection of its own.
    fn stop_listening(&self, port: u16, stop: &AtomicBool) {
        stop.store(true, Ordering::SeqCst);
        let local = if self.bind.is_unspecified() {
            IpAddr::V4(Ipv4Addr::LOCALHOST)
        } else {
            self.bind
        };
        let _ = TcpStream::connect_timeout(&SocketAddr::new(local, port), Duration::from_secs(1));
    }
}

/// Accepts connections on a port until told to stop, passing each to an
/// endpoint chosen at random (closing it when the port has none left).
fn accept_loop(listener: &TcpListener, port: u16, table: &RwLock<Table>, stop: &AtomicBool) {
    let mut random = Random::seeded();
    loop {
        let accepted = listener.accept();
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let client = match accepted {
            Ok((client, _)) => client,
            Err(err) if is_transient(&err) => {
                thread::sleep(Duration::from_millis(10));
                continue;
            }
            Err(err) => {
                eprintln!("service-proxy: accepting on port {port} failed: {err}");
                thread::sleep(Duration::from_millis(100));
                continue;
            }
        };
        let backend = {
            let table = table.read().unwrap_or_else(PoisonError::into_inner);
            choose(table.backends(port), random.next_u64())
        };
        // No endpoint (they went meanwhile): dropping the client closes it.
        if let Some(backend) = backend {
            let _ = thread::Builder::new().spawn(move || forward(client, backend));
        }
    }
}

/// Errors after which the listener still works.
fn is_transient(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        ErrorKind::ConnectionAborted
            | ErrorKind::ConnectionReset
            | ErrorKind::Interrupted
            | ErrorKind::WouldBlock
    ) || err.raw_os_error() == Some(24)
}

/// Connects to `backend` and copies bytes both ways until both sides are
/// done; a side that ends passes its end on (half-close), a side that fails
/// ends both. When the endpoint cannot be reached, the client is closed.
pub fn forward(client: TcpStream, backend: SocketAddr) {
    let Ok(server) = TcpStream::connect_timeout(&backend, CONNECT_TIMEOUT) else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (Ok(client_reader), Ok(server_reader)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let upstream = thread::Builder::new().spawn(move || pipe(client_reader, server));
    pipe(server_reader, client);
    if let Ok(upstream) = upstream {
        let _ = upstream.join();
    }
}

/// Copies `from` into `to` until `from` ends, then shuts `to`'s writing
/// half; on an error, shuts both sockets down so the other direction ends too.
fn pipe(mut from: TcpStream, to: TcpStream) {
    match io::copy(&mut from, &mut &to) {
        Ok(_) => {
            let _ = to.shutdown(Shutdown::Write);
        }
        Err(_) => {
            let _ = to.shutdown(Shutdown::Both);
            let _ = from.shutdown(Shutdown::Both);
        }
    }
}

/// Follows the table at `path` forever: reads it every [`POLL`] and, when
/// its text changed, applies it (a table that does not parse is reported
/// and the previous one kept; a missing file is an empty table).
pub fn run(path: &Path) -> ! {
    let mut proxy = Proxy::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let mut last: Option<String> = None;
    loop {
        let text = match fs::read_to_string(path) {
            Ok(text) => Some(text),
            Err(err) if err.kind() == ErrorKind::NotFound => Some(String::new()),
            Err(err) => {
                if last.is_none() {
                    eprintln!("service-proxy: cannot read {}: {err}", path.display());
                }
                None
            }
        };
        if let Some(text) = text.filter(|text| last.as_ref() != Some(text)) {
            match Table::parse(&text) {
                Ok(table) => {
                    println!("service-proxy: {table}");
                    proxy.apply(table);
                }
                Err(err) => eprintln!(
                    "service-proxy: {}: {err}; the previous table stays",
                    path.display()
                ),
            }
            last = Some(text);
        } else {
            proxy.listen();
        }
        thread::sleep(POLL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    fn addr(text: &str) -> SocketAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn a_table_lists_ports_and_their_endpoints() {
        let table = Table::parse(
            "# Service default/echo\n\n80 172.18.0.5:8080 172.18.0.6:8080\n443   # no endpoints\n",
        );
        let expected = Table {
            ports: BTreeMap::from([
                (80, vec![addr("172.18.0.5:8080"), addr("172.18.0.6:8080")]),
                (443, vec![]),
            ]),
        };
        assert_eq!(table, Ok(expected.clone()));
        assert_eq!(expected.backends(80).len(), 2);
        assert_eq!(expected.backends(8080), &[] as &[SocketAddr]);
        assert_eq!(expected.listening_ports(), BTreeSet::from([80]));
        assert_eq!(
            expected.to_string(),
            "80 -> 172.18.0.5:8080 172.18.0.6:8080; 443 -> no endpoints"
        );
        assert_eq!(Table::parse(""), Ok(Table::default()));
    }

    #[test]
    fn a_broken_table_names_its_line() {
        assert_eq!(
            Table::parse("80 10.0.0.1:8080\nhttp 10.0.0.2:8080\n"),
            Err("line 2: \"http\" is not a port".into())
        );
        assert_eq!(
            Table::parse("80 10.0.0.1\n"),
            Err("line 1: \"10.0.0.1\" is not an address and port".into())
        );
        assert_eq!(
            Table::parse("0\n"),
            Err("line 1: \"0\" is not a port".into())
        );
        assert_eq!(
            Table::parse("80\n80 10.0.0.1:1\n"),
            Err("line 2: port 80 is listed twice".into())
        );
    }

    #[test]
    fn each_endpoint_is_chosen_and_none_without_endpoints() {
        let backends = [
            addr("10.0.0.1:80"),
            addr("10.0.0.2:80"),
            addr("10.0.0.3:80"),
        ];
        assert_eq!(choose(&[], 7), None);
        assert_eq!(choose(&backends, 0), Some(backends[0]));
        assert_eq!(choose(&backends, 4), Some(backends[1]));
        let mut random = Random::from_seed(1);
        let mut counts = [0u32; 3];
        for _ in 0..3000 {
            let chosen = choose(&backends, random.next_u64()).expect("a backend");
            let index = backends.iter().position(|b| *b == chosen).expect("known");
            counts[index] += 1;
        }
        assert!(counts.iter().all(|n| (800..1200).contains(n)), "{counts:?}");
    }

    #[test]
    fn seeded_generators_differ() {
        assert_ne!(Random::seeded().next_u64(), Random::seeded().next_u64());
    }

    /// A free loopback port (free a moment ago).
    fn free_port() -> u16 {
        TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port")
    }

    /// A backend that answers each connection with `reply` and what it read.
    fn backend(reply: &'static str) -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a backend");
        let address = listener.local_addr().expect("its address");
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut stream = stream;
                let mut asked = String::new();
                let _ = stream.read_to_string(&mut asked);
                let _ = write!(stream, "{reply}:{asked}");
            }
        });
        address
    }

    fn ask(port: u16, question: &str) -> io::Result<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        stream.write_all(question.as_bytes())?;
        stream.shutdown(Shutdown::Write)?;
        let mut answer = String::new();
        stream.read_to_string(&mut answer)?;
        Ok(answer)
    }

    #[test]
    fn connections_reach_the_endpoints_and_a_port_without_any_refuses() {
        let (a, b) = (backend("a"), backend("b"));
        let port = free_port();
        let mut proxy = Proxy::new(IpAddr::V4(Ipv4Addr::LOCALHOST));
        proxy.apply(Table {
            ports: BTreeMap::from([(port, vec![a, b])]),
        });
        assert_eq!(proxy.listening(), BTreeSet::from([port]));
        let mut seen = BTreeSet::new();
        for _ in 0..40 {
            let answer = ask(port, "hi").expect("an answer");
            assert!(answer == "a:hi" || answer == "b:hi", "{answer}");
            seen.insert(answer);
        }
        assert_eq!(seen.len(), 2, "both endpoints get connections");

        // The endpoints go: the port refuses.
        proxy.apply(Table {
            ports: BTreeMap::from([(port, vec![])]),
        });
        assert!(proxy.listening().is_empty());
        let refused = (0..50).any(|_| {
            let refused = TcpStream::connect(("127.0.0.1", port))
                .is_err_and(|err| err.kind() == ErrorKind::ConnectionRefused);
            if !refused {
                thread::sleep(Duration::from_millis(20));
            }
            refused
        });
        assert!(refused, "the port still accepts");

        // One comes back: the port answers again.
        proxy.apply(Table {
            ports: BTreeMap::from([(port, vec![b])]),
        });
        let answer = (0..50).find_map(|_| {
            proxy.listen();
            let answer = ask(port, "again").ok();
            if answer.is_none() {
                thread::sleep(Duration::from_millis(20));
            }
            answer
        });
        assert_eq!(answer.as_deref(), Some("b:again"));
    }
}
