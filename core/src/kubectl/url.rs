//! `-f http://…` and `-f https://…`: kubectl reads manifests from URLs
//! (its resource builder's URL visitor). Core does no I/O, so the terminal
//! asks its host to fetch them (the browser through `fetch`, `sunaba shell`
//! through its HTTP client) and runs the command again with what came back.
//! The policy stays here, shared by every host: kubectl's three attempts a
//! second apart, retrying transport errors and 5xx answers, and its errors.

use serde::{Deserialize, Serialize};

/// How many times kubectl tries a URL (`httpAttemptCount`).
pub const ATTEMPTS: u32 = 3;
/// kubectl's pause between attempts, in milliseconds.
pub const RETRY_DELAY_MS: u64 = 1_000;

/// Whether a `-f` argument is a URL, as kubectl tells (`http://` or `https://` first).
pub fn is_url(path: &str) -> bool {
    path.starts_with("http://") || path.starts_with("https://")
}

/// What one attempt to fetch a URL gave: the body of a 200 answer, or why not.
pub type Fetched = Result<String, FetchError>;

/// Why a URL gave no manifest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum FetchError {
    /// The server answered with another status than 200 OK.
    Status {
        /// The status code.
        code: u16,
        /// The reason phrase the server sent (may be empty).
        reason: String,
    },
    /// Nothing listened at the URL's host and port.
    Refused,
    /// Any other failure before an answer: name resolution, TLS, a reset,
    /// or a browser refusing a cross-origin read; described as Go's HTTP
    /// client would (`dial tcp: lookup x: no such host`).
    Transport(String),
}

/// Whether kubectl tries again after this attempt: after a transport
/// error or a 5xx answer, not after another status.
pub fn retries(fetched: &Fetched) -> bool {
    match fetched {
        Ok(_) => false,
        Err(FetchError::Status { code, .. }) => (500..600).contains(code),
        Err(FetchError::Refused | FetchError::Transport(_)) => true,
    }
}

/// kubectl's message for a URL that gave no manifest.
pub fn error_message(url: &str, error: &FetchError) -> String {
    match error {
        FetchError::Status { code, reason } => {
            // An HTTP/2 answer carries no reason phrase: Go writes its own.
            let reason = if reason.trim().is_empty() {
                crate::images::programs::reason_phrase(*code)
            } else {
                reason.trim()
            };
            format!(
                "error: unable to read URL \"{url}\", server reported {code} {reason}, status code={code}"
            )
        }
        FetchError::Refused => format!(
            "The connection to the server {} was refused - did you specify the right host or port?",
            host_of(url)
        ),
        FetchError::Transport(detail) => format!("Unable to connect to the server: {detail}"),
    }
}

/// The URL's host, with its port when it names one (Go's `URL.Host`).
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_told_by_their_scheme() {
        assert!(is_url("https://example.com/a.yaml"));
        assert!(is_url("http://127.0.0.1:8080/a.yaml"));
        assert!(!is_url("ftp://example.com/a.yaml"));
        assert!(!is_url("./https://a.yaml"));
        assert!(!is_url("simple-pod.yaml"));
    }

    #[test]
    fn transport_errors_and_5xx_are_retried_other_statuses_not() {
        let status = |code| {
            Err(FetchError::Status {
                code,
                reason: String::new(),
            })
        };
        assert!(retries(&status(500)));
        assert!(retries(&status(503)));
        assert!(!retries(&status(404)));
        assert!(!retries(&status(301)));
        assert!(retries(&Err(FetchError::Refused)));
        assert!(retries(&Err(FetchError::Transport("x".into()))));
        assert!(!retries(&Ok(String::new())));
    }

    #[test]
    fn messages_are_kubectls() {
        let url = "http://127.0.0.1:18099/missing.yaml";
        let not_found = FetchError::Status {
            code: 404,
            reason: "File not found".into(),
        };
        assert_eq!(
            error_message(url, &not_found),
            "error: unable to read URL \"http://127.0.0.1:18099/missing.yaml\", server reported 404 File not found, status code=404"
        );
        let bare = FetchError::Status {
            code: 404,
            reason: String::new(),
        };
        assert!(error_message(url, &bare).contains("server reported 404 Not Found,"));
        assert_eq!(
            error_message(url, &FetchError::Refused),
            "The connection to the server 127.0.0.1:18099 was refused - did you specify the right host or port?"
        );
        assert_eq!(
            error_message(
                "https://nosuch.invalid/x.yaml",
                &FetchError::Transport("dial tcp: lookup nosuch.invalid: no such host".into())
            ),
            "Unable to connect to the server: dial tcp: lookup nosuch.invalid: no such host"
        );
    }

    #[test]
    fn the_host_keeps_its_port_and_drops_user_info_and_path() {
        assert_eq!(host_of("https://example.com/a/b.yaml"), "example.com");
        assert_eq!(host_of("http://u:p@h:81/x?y"), "h:81");
        assert_eq!(host_of("https://h"), "h");
    }
}
