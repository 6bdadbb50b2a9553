//! `kubectl apply -f https://…` in the tab: the browser fetches the URLs
//! a line waits for, with kubectl's attempts and pauses (core's
//! [`sunaba_core::kubectl::url`]), and hands back what came. The browser
//! follows redirects itself; a site that does not allow other sites' pages
//! to read it (CORS) fails like an unreachable one, and the message says so.

use sunaba_core::kubectl::url::{self, FetchError, Fetched};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use yew::Callback;

/// Fetches each URL, then calls `done` with what came, in order.
pub fn fetch_all(urls: Vec<String>, done: Callback<Vec<(String, Fetched)>>) {
    wasm_bindgen_futures::spawn_local(async move {
        let mut fetched = Vec::with_capacity(urls.len());
        for url in urls {
            let result = fetch_with_retries(&url).await;
            fetched.push((url, result));
        }
        done.emit(fetched);
    });
}

async fn fetch_with_retries(url: &str) -> Fetched {
    let mut fetched = fetch_once(url).await;
    for _ in 1..url::ATTEMPTS {
        if !url::retries(&fetched) {
            break;
        }
        sleep(url::RETRY_DELAY_MS as i32).await;
        fetched = fetch_once(url).await;
    }
    fetched
}

async fn fetch_once(url: &str) -> Fetched {
    let unreachable = || {
        FetchError::Transport(format!(
            "Get \"{url}\": the browser could not fetch it (the site is unreachable, or does not let other sites' pages read it)"
        ))
    };
    let window = web_sys::window().ok_or_else(unreachable)?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .ok()
        .and_then(|value| value.dyn_into().ok())
        .ok_or_else(unreachable)?;
    if response.status() != 200 {
        return Err(FetchError::Status {
            code: response.status(),
            reason: response.status_text(),
        });
    }
    let text = response.text().map_err(|_| unreachable())?;
    JsFuture::from(text)
        .await
        .ok()
        .and_then(|value| value.as_string())
        .ok_or_else(unreachable)
}

/// Waits `ms` milliseconds on the page's timer.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let scheduled = web_sys::window().and_then(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
                .ok()
        });
        if scheduled.is_none() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}
