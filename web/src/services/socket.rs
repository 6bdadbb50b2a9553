//! A WebSocket to the server that served the page, as a thin adapter:
//! text messages in through a callback, a callback when it closes, text
//! out. The API's token goes as the bearer subprotocol, since browsers
//! cannot set headers on a WebSocket. Natively (component tests) there is
//! no browser, and none opens.

use sunaba_core::remote::BEARER_PROTOCOL_PREFIX;
use yew::Callback;

use crate::share::base64url_encode;

/// The subprotocols to offer: `protocol`, and the token as Kubernetes reads
/// it (`base64url.bearer.authorization.k8s.io.<base64url(token)>`).
pub fn offered_protocols(protocol: &str, token: &str) -> [String; 2] {
    [
        protocol.to_string(),
        format!(
            "{BEARER_PROTOCOL_PREFIX}{}",
            base64url_encode(token.as_bytes())
        ),
    ]
}

/// An open (or opening) WebSocket; dropping it closes it quietly.
pub struct Socket {
    #[cfg(target_arch = "wasm32")]
    inner: wasm::Inner,
}

impl Socket {
    /// Opens `path` on the page's own host (`ws://`, or `wss://` under
    /// `https://`), offering `protocol` and the token. Each text message
    /// goes to `on_message`; `on_close` hears once that it closed (or never
    /// opened). None when the browser would not even start it.
    pub fn open(
        path: &str,
        protocol: &str,
        token: &str,
        on_message: Callback<String>,
        on_close: Callback<()>,
    ) -> Option<Self> {
        #[cfg(target_arch = "wasm32")]
        {
            wasm::Inner::open(
                path,
                &offered_protocols(protocol, token),
                on_message,
                on_close,
            )
            .map(|inner| Self { inner })
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = (path, protocol, token, on_message, on_close);
            None
        }
    }

    /// Sends a text message; false when the socket is not open.
    pub fn send(&self, text: &str) -> bool {
        #[cfg(target_arch = "wasm32")]
        {
            self.inner.send(text)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = text;
            false
        }
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{CloseEvent, MessageEvent, WebSocket};
    use yew::Callback;

    /// The socket and the handlers it calls, kept alive together.
    pub struct Inner {
        socket: WebSocket,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_close: Closure<dyn FnMut(CloseEvent)>,
    }

    impl Inner {
        pub fn open(
            path: &str,
            protocols: &[String; 2],
            on_message: Callback<String>,
            on_close: Callback<()>,
        ) -> Option<Self> {
            let location = web_sys::window()?.location();
            let scheme = match location.protocol().ok()?.as_str() {
                "https:" => "wss",
                _ => "ws",
            };
            let url = format!("{scheme}://{}{path}", location.host().ok()?);
            let offered = js_sys::Array::new();
            for protocol in protocols {
                offered.push(&protocol.into());
            }
            let socket = WebSocket::new_with_str_sequence(&url, &offered).ok()?;
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                if let Some(text) = event.data().as_string() {
                    on_message.emit(text);
                }
            });
            let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| {
                on_close.emit(());
            });
            socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
            Some(Self {
                socket,
                _on_message: on_message,
                _on_close: on_close,
            })
        }

        pub fn send(&self, text: &str) -> bool {
            self.socket.ready_state() == WebSocket::OPEN && self.socket.send_with_str(text).is_ok()
        }
    }

    impl Drop for Inner {
        fn drop(&mut self) {
            self.socket.set_onmessage(None);
            self.socket.set_onclose(None);
            let _ = self.socket.close();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_offered_as_kubernetes_bearer_subprotocol() {
        assert_eq!(
            offered_protocols("terminal.sunaba.v1", "s3cret"),
            [
                "terminal.sunaba.v1".to_string(),
                "base64url.bearer.authorization.k8s.io.czNjcmV0".to_string()
            ]
        );
    }
}
