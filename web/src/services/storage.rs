//! The browser's localStorage and the page's `#hash`, for saving the
//! session and for share links; the API token of the page's `?token=`,
//! kept in sessionStorage and out of the visible address; and the chosen
//! cluster mode. Everything that can fail here fails
//! quietly into `None`: a browser without storage still runs the playground.
//! Natively (component tests) there is no browser: nothing is stored.

use crate::state::Saved;

/// The localStorage key of the saved session.
const KEY: &str = "sunaba/session/v1";

#[cfg(target_arch = "wasm32")]
fn storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok()?
}

#[cfg(not(target_arch = "wasm32"))]
fn storage() -> Option<web_sys::Storage> {
    None
}

#[cfg(target_arch = "wasm32")]
fn session_storage() -> Option<web_sys::Storage> {
    window()?.session_storage().ok()?
}

#[cfg(not(target_arch = "wasm32"))]
fn session_storage() -> Option<web_sys::Storage> {
    None
}

#[cfg(target_arch = "wasm32")]
fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

#[cfg(not(target_arch = "wasm32"))]
fn window() -> Option<web_sys::Window> {
    None
}

/// The sessionStorage key of the API token.
const TOKEN_KEY: &str = "sunaba/token";

/// The localStorage key of the chosen language; apart from the session,
/// so Reset keeps it.
const LANG_KEY: &str = "sunaba/lang/v1";

/// The localStorage key of the chosen mode.
const MODE_KEY: &str = "sunaba/mode/v1";

/// The token of the API that served the page: taken from the address's
/// `?token=` (as `sunaba serve` prints it), which is then removed from the
/// visible address and kept in sessionStorage for reloads of this tab; else
/// the one kept there. None on a page opened without one.
pub fn api_token() -> Option<String> {
    let from_url = window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| token_in_query(&search));
    match from_url {
        Some(token) => {
            if let Some(s) = session_storage() {
                let _ = s.set_item(TOKEN_KEY, &token);
            }
            remove_query();
            Some(token)
        }
        None => session_storage()?.get_item(TOKEN_KEY).ok()?,
    }
}

/// The `token` parameter of a `?query`, when it has a usable one.
pub fn token_in_query(search: &str) -> Option<String> {
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
        .filter(|token| {
            !token.is_empty()
                && token
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
        .map(str::to_string)
}

/// Replaces the address with the same path and `#hash`, without its query.
fn remove_query() {
    if let Some(window) = window() {
        if let Ok(history) = window.history() {
            let location = window.location();
            let path = location.pathname().unwrap_or_else(|_| "/".into());
            let hash = location.hash().unwrap_or_default();
            let _ = history.replace_state_with_url(
                &wasm_bindgen::JsValue::NULL,
                "",
                Some(&format!("{path}{hash}")),
            );
        }
    }
}

/// Where the panels' layout is kept.
const LAYOUT_KEY: &str = "sunaba/layout/v1";

/// The splitters' positions chosen last (editor's share of the left
/// columns, the upper row's share), in percent.
pub fn load_layout() -> Option<(u8, u8)> {
    let text = storage()?.get_item(LAYOUT_KEY).ok()??;
    let (left, top) = text.split_once(',')?;
    Some((left.parse().ok()?, top.parse().ok()?))
}

/// Keeps the splitters' positions for the next load.
pub fn save_layout(left: u8, top: u8) {
    if let Some(s) = storage() {
        let _ = s.set_item(LAYOUT_KEY, &format!("{left},{top}"));
    }
}

/// The mode chosen last, if any.
pub fn load_mode() -> Option<String> {
    storage()?.get_item(MODE_KEY).ok()?
}

/// Keeps the chosen mode for the next load.
pub fn save_mode(mode: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(MODE_KEY, mode);
    }
}

/// The saved session, if there is a readable one.
pub fn load() -> Option<Result<Saved, String>> {
    let text = storage()?.get_item(KEY).ok()??;
    Some(serde_json::from_str(&text).map_err(|e| format!("the saved session is damaged ({e})")))
}

/// Saves the session; false when the browser refused (private mode, quota).
pub fn save(saved: &Saved) -> bool {
    let Ok(text) = serde_json::to_string(saved) else {
        return false;
    };
    storage().is_some_and(|s| s.set_item(KEY, &text).is_ok())
}

/// Forgets the saved session.
pub fn clear() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}

/// The page's `#fragment`, without the `#`; empty when it has none.
pub fn fragment() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .map(|hash| hash.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Removes the `#hash` (after a share link was opened).
pub fn clear_hash() {
    if let Some(window) = window() {
        if let Ok(history) = window.history() {
            let path = window.location().pathname().unwrap_or_else(|_| "/".into());
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
}

/// The page's address with `fragment` (a share link), for the clipboard.
pub fn share_url(fragment: &str) -> Option<String> {
    let location = window()?.location();
    let base = format!("{}{}", location.origin().ok()?, location.pathname().ok()?);
    Some(format!("{base}#{fragment}"))
}

/// The language chosen last, if any.
pub fn load_lang() -> Option<String> {
    storage()?.get_item(LANG_KEY).ok()?
}

/// Keeps the chosen language for the next load.
pub fn save_lang(tag: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(LANG_KEY, tag);
    }
}

/// Tells the page (`<html lang>`) which language it shows, for screen
/// readers and fonts.
pub fn mark_document_lang(tag: &str) {
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", tag);
    }
}

/// The browser's preferred languages, most wanted first.
pub fn browser_languages() -> Vec<String> {
    let Some(navigator) = window().map(|w| w.navigator()) else {
        return Vec::new();
    };
    let listed: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|tag| tag.as_string())
        .collect();
    if listed.is_empty() {
        navigator.language().into_iter().collect()
    } else {
        listed
    }
}

/// Asks the learner to confirm (Reset); false without a window.
pub fn confirm(message: &str) -> bool {
    window()
        .and_then(|w| w.confirm_with_message(message).ok())
        .unwrap_or(false)
}

/// Copies text to the clipboard, quietly doing nothing where that is not allowed.
pub fn copy_to_clipboard(text: &str) {
    if let Some(window) = window() {
        let _ = window.navigator().clipboard().write_text(text);
    }
}

/// Asks for a line of text (Rename), None when cancelled.
pub fn prompt(message: &str, default: &str) -> Option<String> {
    window()?
        .prompt_with_message_and_default(message, default)
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_read_from_the_query_and_checked() {
        assert_eq!(token_in_query("?token=ab12"), Some("ab12".into()));
        assert_eq!(token_in_query("?x=1&token=a-b_c.d"), Some("a-b_c.d".into()));
        assert_eq!(token_in_query("?token="), None);
        assert_eq!(token_in_query("?token=<script>"), None);
        assert_eq!(token_in_query(""), None);
    }
}
