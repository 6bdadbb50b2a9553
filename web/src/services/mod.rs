//! Thin adapters to the browser: storage and the page's address.

pub mod storage;
