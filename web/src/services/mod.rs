//! Thin adapters to the browser: storage, the page's address, WebSockets
//! to the server, the data fetched beside the bundle, and the URLs that
//! `kubectl apply -f` names.

pub mod data;
pub mod socket;
pub mod storage;
pub mod url_fetch;
