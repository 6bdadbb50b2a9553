//! The simulated cluster network: address allocation today; DNS and
//! service routing as they land.

pub mod dns;
pub mod ipam;
pub mod traffic;
