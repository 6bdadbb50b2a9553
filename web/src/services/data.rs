//! The data core leaves out of the web bundle to keep it small (the OpenAPI
//! schemas that `kubectl explain` and the editor's field help read, and
//! kubectl's help texts): fetched from beside the bundle once the page is
//! up, and given to core.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::Callback;

/// The schemas' file beside the bundle (copied from `core/data`).
pub const OPENAPI_FILE: &str = "openapi-v1.33.json";
/// kubectl's help texts beside the bundle (copied from `core/data`).
pub const HELP_FILE: &str = "kubectl-1.32-help.txt";

/// Whether core still lacks the data (it was built without it).
pub fn missing() -> bool {
    sunaba_core::api::openapi::schemas().is_empty()
}

/// Fetches both files and gives them to core, then calls `done`. A file
/// that cannot be fetched leaves its feature saying it has nothing.
pub fn fetch_all(done: Callback<()>) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(text) = fetch_text(OPENAPI_FILE).await {
            sunaba_core::api::openapi::install(&text);
        }
        if let Some(text) = fetch_text(HELP_FILE).await {
            sunaba_core::kubectl::help::install(&text);
        }
        done.emit(());
    });
}

async fn fetch_text(path: &str) -> Option<String> {
    let window = web_sys::window()?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(path))
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    if !response.ok() {
        return None;
    }
    JsFuture::from(response.text().ok()?)
        .await
        .ok()?
        .as_string()
}
