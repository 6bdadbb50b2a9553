//! Thin adapters to the browser: storage, the page's address, and
//! WebSockets to the server.

pub mod socket;
pub mod storage;
