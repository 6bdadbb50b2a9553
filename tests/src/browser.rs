//! A headless Chromium, driven through ChromeDriver with fantoccini.

use std::{
    net::TcpListener,
    os::unix::process::CommandExt,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};

/// WebDriver's Enter key.
pub const ENTER: &str = "\u{E007}";

/// A running ChromeDriver and one browser session on it. Dropping it ends both.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    driver: Child,
    profile: PathBuf,
}

/// The Chromium flags this machine needs: headless, and no calls to the (closed) network.
pub const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,800",
];

impl Browser {
    /// Starts ChromeDriver and opens a session with a fresh profile.
    ///
    /// Panics with what to install when ChromeDriver is missing: a browser test
    /// must never pass by not running.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// As [`Browser::start`], with more Chromium flags (`--accept-lang=ja`).
    pub async fn start_with(extra_args: &[&str]) -> Self {
        let chromedriver = tool_path("SUNABA_CHROMEDRIVER", "chromedriver");
        let port = free_port();
        // Its own process group, which the browsers it starts join: a test
        // that fails before `close` still takes them all down on drop.
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", chromedriver.display()));
        let profile =
            std::env::temp_dir().join(format!("sunaba-chromium-{}-{port}", std::process::id()));
        let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|a| a.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.extend(extra_args.iter().map(|a| a.to_string()));
        let mut chrome_options = serde_json::json!({ "args": args });
        if let Some(binary) = std::env::var_os("SUNABA_CHROMIUM") {
            chrome_options["binary"] = binary.to_string_lossy().into_owned().into();
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".into(), chrome_options);
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = String::new();
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Self {
                        client,
                        driver,
                        profile,
                    }
                }
                Err(err) => last_error = err.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("ChromeDriver at {url} gave no session: {last_error}");
    }

    /// Saves the page as `target/screenshots/<name>.png`, a test artefact to
    /// look at when a test fails or the layout changes; returns the path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|err| panic!("cannot take the {name} screenshot: {err}"));
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
        std::fs::create_dir_all(&dir).expect("create target/screenshots");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write the screenshot");
        path
    }

    /// Ends the browser session (the driver process ends on drop).
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole group: ChromeDriver and the Chromium it started.
        let _ = Command::new("kill")
            .args(["-KILL", "--"])
            .arg(format!("-{}", self.driver.id()))
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

fn tool_path(env: &str, name: &str) -> PathBuf {
    if let Some(path) = std::env::var_os(env) {
        return PathBuf::from(path);
    }
    std::env::var_os("PATH")
        .and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join(name))
                .find(|candidate| candidate.is_file())
        })
        .unwrap_or_else(|| {
            panic!("{name} not found: install Debian's chromium and chromium-driver, or run `cargo xtask test`, which does")
        })
}

/// The first element matching `css`, waiting up to a minute for it.
pub async fn wait_for(client: &Client, css: &str) -> Element {
    client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"))
}

/// Types a line into the playground's terminal and presses Enter.
pub async fn type_line(client: &Client, line: &str) {
    wait_for(client, r#"[data-testid="terminal-input"]"#)
        .await
        .send_keys(&format!("{line}{ENTER}"))
        .await
        .expect("type into the terminal");
}

/// Replaces text in the editor's open file, as typing would (an input event).
pub async fn replace_in_editor(client: &Client, from: &str, to: &str) {
    client
        .execute(
            "const area = document.querySelector('[data-testid=editor-text]');\
             area.value = area.value.replace(arguments[0], arguments[1]);\
             area.dispatchEvent(new InputEvent('input', { bubbles: true }));",
            vec![from.into(), to.into()],
        )
        .await
        .expect("edit the open file");
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("the loopback interface can bind an ephemeral port")
}
