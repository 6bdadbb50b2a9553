//! `sunaba-web`: the Sunaba playground, a Yew app that runs the simulated
//! cluster from `sunaba-core` inside the browser tab.

pub mod app;
pub mod components;
pub mod i18n;
pub mod mirror;
pub mod remote;
pub mod services;
pub mod share;
pub mod state;
pub mod tutorial;

pub use app::App;

/// Mounts the playground on the page's `<body>`.
#[cfg(all(target_arch = "wasm32", not(test)))]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    yew::Renderer::<App>::new().render();
}
