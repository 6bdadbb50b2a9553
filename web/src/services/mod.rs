//! Thin adapters to the browser: storage, the page's address, WebSockets
//! to the server, and the data fetched beside the bundle.

pub mod data;
pub mod socket;
pub mod storage;
