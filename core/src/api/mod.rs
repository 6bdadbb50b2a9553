//! The Kubernetes API surface: kinds, objects, decoding, selectors, and
//! errors as `Status` values.

pub mod decode;
pub mod kinds;
pub mod object;
pub mod openapi;
pub mod selector;
pub mod status;
pub mod strict;

pub use kinds::{Behaviour, Kind, Scope};
pub use object::Object;
pub use status::{FieldError, StatusError};
