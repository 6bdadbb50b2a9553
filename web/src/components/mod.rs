//! The playground's panels, each a component with its data in `*Props` and
//! its callbacks out.

pub mod cluster_view;
pub mod editor;
pub mod event_log;
pub mod inspector;
pub mod splitter;
pub mod terminal;
pub mod tutorial;
