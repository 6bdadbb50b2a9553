//! The web bundle, embedded at build time by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/web_assets.rs"));

/// Shown at `/` when the binary was built before the web bundle existed.
pub const MISSING_BUNDLE_PAGE: &str = "<!doctype html><title>Sunaba</title>\
<p>This <code>sunaba</code> binary was built without the web bundle. \
Run <code>cargo xtask serve</code>, which builds the bundle first.</p>";

/// Looks up an embedded file by its name in the bundle.
pub fn find(name: &str) -> Option<&'static [u8]> {
    WEB_ASSETS
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, bytes)| *bytes)
}

/// The Content-Type for a bundle file, from its extension.
pub fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_follow_extensions() {
        assert_eq!(content_type("sunaba_web_bg.wasm"), "application/wasm");
        assert_eq!(content_type("index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("README"), "application/octet-stream");
    }
}
