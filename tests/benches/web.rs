//! The playground in headless Chromium, for `cargo xtask bench`: time to
//! first render, apply → the object in the cluster view, and the
//! main-thread work of each frame while 500 pods roll out.
//!
//! ```text
//! cargo bench -p sunaba-tests --bench web -- --sunaba PATH [--runs K] [--seconds S]
//! ```
//!
//! It serves the real bundle with `PATH serve` and drives Chromium through
//! ChromeDriver. Every time is the page's own `performance.now()`, read
//! back with executeScript; a script that Chromium runs before the page's
//! own (DevTools' `Page.addScriptToEvaluateOnNewDocument`) watches the DOM
//! and the app's clock. Each measurement is one stdout line,
//! `sample ID UNIT VALUE`, for xtask's `bench` module.
//!
//! With `SUNABA_WEB_PROFILE=FILE` it also records a DevTools CPU profile
//! of the rollout's frames into FILE; build the bundle with
//! `SUNABA_WASM_NAMES=1 cargo xtask build` first, so that it names Rust's
//! functions.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use sunaba_tests::browser::Browser;
use sunaba_tests::served::Served;

/// Pods in the frame-time figure.
const PODS: usize = 500;

/// Runs before the page's own scripts. It records when the cluster view
/// enters the DOM and the frame after. While `recording` is set, it times
/// each interval callback (the app's clock tick) and each animation-frame
/// callback the page asks for (the frames in which the app goes on with a
/// busy cluster's work) as the main-thread work it causes: the callback,
/// its microtasks (Yew's scheduler: the engine's slice, the picture, the
/// render) and the `setTimeout(0)` continuations through which Yew yields
/// to the browser during long work, each until the main thread is free
/// again, with style and layout forced at the end; and it notes whether it
/// changed anything inside the cluster view. It also records the intervals
/// between animation frames.
const PROBE: &str = r#"
(() => {
  const marks = window.__sunabaBench = {
    clusterViewAt: null, clusterViewFrameAt: null, ticks: [], frames: [], recording: false,
  };
  const firstRender = new MutationObserver(() => {
    if (marks.clusterViewAt === null && document.querySelector('[data-testid="cluster-view"]')) {
      marks.clusterViewAt = performance.now();
      requestAnimationFrame(() => { marks.clusterViewFrameAt = performance.now(); });
      firstRender.disconnect();
    }
  });
  firstRender.observe(document, { childList: true, subtree: true });

  let active = null;
  const ends = [];
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const { tick, start } = ends.shift();
    if (active === tick) active = null;
    tick.open -= 1;
    if (tick.open === 0 && document.body) {
      const layoutStart = performance.now();
      document.body.getBoundingClientRect();
      tick.layout = performance.now() - layoutStart;
    }
    tick.busy += performance.now() - start;
    if (tick.open === 0 && tick.recording) marks.ticks.push([tick.busy, tick.redrawn, tick.layout]);
  };
  const segment = (tick, handler, self, args) => {
    const start = performance.now();
    active = tick;
    try { return handler.apply(self, args); }
    finally { ends.push({ tick, start }); channel.port2.postMessage(0); }
  };
  const inView = (node) => {
    const element = node.nodeType === 1 ? node : node.parentElement;
    return element !== null && element.closest('[data-testid="cluster-view"]') !== null;
  };
  new MutationObserver((records) => {
    if (active !== null && records.some((r) => inView(r.target))) active.redrawn = true;
  }).observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
  const setInterval = window.setInterval;
  window.setInterval = function (handler, ms, ...rest) {
    if (typeof handler !== 'function') return setInterval.call(window, handler, ms, ...rest);
    return setInterval.call(window, function (...args) {
      const tick = { busy: 0, open: 1, redrawn: false, recording: marks.recording, layout: 0 };
      return segment(tick, handler, this, args);
    }, ms, ...rest);
  };
  const requestAnimationFrame = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = function (handler) {
    if (typeof handler !== 'function') return requestAnimationFrame(handler);
    return requestAnimationFrame(function (...args) {
      const tick = { busy: 0, open: 1, redrawn: false, recording: marks.recording, layout: 0 };
      return segment(tick, handler, this, args);
    });
  };
  const setTimeout = window.setTimeout;
  window.setTimeout = function (handler, ms, ...rest) {
    const tick = active;
    if (tick === null || typeof handler !== 'function' || (ms || 0) > 0) {
      return setTimeout.call(window, handler, ms, ...rest);
    }
    tick.open += 1;
    return setTimeout.call(window, function (...args) {
      return segment(tick, handler, this, args);
    }, ms, ...rest);
  };

  let last = null;
  const frame = (t) => {
    if (marks.recording && last !== null) marks.frames.push(t - last);
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
"#;

/// Clicks Apply on simple-pod.yaml and resolves with [DOM ms, frame ms]:
/// until the pod is in the cluster view, and until the frame that shows it.
const APPLY: &str = r#"
const done = arguments[arguments.length - 1];
const selector = '[data-testid="pod-simple-echo"]';
let start = 0;
let found = false;
const check = () => {
  if (found || !document.querySelector(selector)) return;
  found = true;
  observer.disconnect();
  const dom = performance.now() - start;
  requestAnimationFrame(() => done([dom, performance.now() - start]));
};
const observer = new MutationObserver(check);
observer.observe(document, { childList: true, subtree: true, attributes: true });
start = performance.now();
document.querySelector('[data-testid="apply-button"]').click();
check();
"#;

struct Settings {
    sunaba: PathBuf,
    runs: usize,
    seconds: u64,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let Some(settings) = settings() else {
        // `cargo test --benches` runs bench targets without arguments: nothing to do.
        return;
    };
    let scratch = std::env::temp_dir().join(format!("sunaba-bench-web-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    let server = Served::start(&settings.sunaba, &scratch);
    let url = server.url();

    for _ in 0..settings.runs {
        first_render(&url).await;
    }
    apply_to_view(&url, settings.runs).await;
    frames_during_rollout(&url, settings.seconds).await;

    drop(server);
    let _ = std::fs::remove_dir_all(&scratch);
}

fn settings() -> Option<Settings> {
    let mut sunaba = None;
    let mut runs = 5;
    let mut seconds = 15;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sunaba" => sunaba = args.next().map(PathBuf::from),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(runs),
            "--seconds" => seconds = args.next().and_then(|v| v.parse().ok()).unwrap_or(seconds),
            _ => {}
        }
    }
    Some(Settings {
        sunaba: sunaba?,
        runs,
        seconds,
    })
}

fn sample(id: &str, unit: &str, value: f64) {
    println!("sample {id} {unit} {value}");
}

fn note(text: &str) {
    println!("note web {text}");
}

/// ChromeDriver's door to the DevTools protocol.
#[derive(Debug)]
struct Cdp {
    command: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.command, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Runs a DevTools command and returns its result.
async fn cdp(client: &Client, command: &'static str, params: Value) -> Value {
    client
        .issue_cmd(Cdp { command, params })
        .await
        .unwrap_or_else(|e| panic!("DevTools {command}: {e}"))
}

/// A fresh browser (a new profile: no cache, no saved session) with the probe installed.
async fn probed_browser() -> Browser {
    let browser = Browser::start().await;
    browser
        .client
        .issue_cmd(Cdp {
            command: "Page.addScriptToEvaluateOnNewDocument",
            params: json!({ "source": PROBE }),
        })
        .await
        .expect("ChromeDriver runs DevTools commands");
    browser
}

async fn wait_for(client: &Client, css: &str) {
    client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css} never appeared: {e}"));
}

async fn script(client: &Client, js: &str) -> Value {
    client
        .execute(js, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{js}"))
}

/// Navigation start (the page's time origin) to the first frame with the
/// cluster view, in a browser that has never seen the page.
async fn first_render(url: &str) {
    let browser = probed_browser().await;
    let client = &browser.client;
    client.goto(url).await.expect("open the playground");
    wait_for(client, r#"[data-testid="cluster-view"]"#).await;
    let deadline = Instant::now() + Duration::from_secs(30);
    let marks = loop {
        let marks = script(
            client,
            "const m = window.__sunabaBench;
             const fcp = performance.getEntriesByName('first-contentful-paint')[0];
             const wasm = performance.getEntriesByType('resource')
               .find(r => r.name.endsWith('.wasm'));
             return [m.clusterViewAt, m.clusterViewFrameAt, fcp ? fcp.startTime : null,
                     wasm ? wasm.responseEnd : null];",
        )
        .await;
        if marks[1].is_number() || Instant::now() > deadline {
            break marks;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let frame = marks[1].as_f64().expect("the cluster view's first frame");
    sample("web-first-render", "ms", frame);
    if let Some(dom) = marks[0].as_f64() {
        sample("web-first-render-dom", "ms", dom);
    }
    if let Some(fcp) = marks[2].as_f64() {
        sample("web-first-contentful-paint", "ms", fcp);
    }
    if let Some(wasm) = marks[3].as_f64() {
        sample("web-wasm-downloaded", "ms", wasm);
    }
    browser.close().await;
}

/// Apply on the seed's simple-pod.yaml until its pod is in the cluster view,
/// each run on a fresh cluster (storage cleared, page reloaded).
async fn apply_to_view(url: &str, runs: usize) {
    let browser = probed_browser().await;
    let client = &browser.client;
    client.goto(url).await.expect("open the playground");
    for _ in 0..runs {
        script(client, "localStorage.clear(); sessionStorage.clear();").await;
        client.refresh().await.expect("reload");
        wait_for(client, r#"[data-testid="editor-tab-simple-pod.yaml"]"#).await;
        script(
            client,
            r#"document.querySelector('[data-testid="editor-tab-simple-pod.yaml"]').click();"#,
        )
        .await;
        let times = client
            .execute_async(APPLY, vec![])
            .await
            .expect("apply shows the pod");
        let dom = times[0].as_f64().expect("a time");
        let frame = times[1].as_f64().expect("a time");
        sample("web-apply-dom", "ms", dom);
        sample("web-apply", "ms", frame);
    }
    browser.close().await;
}

/// The frame-time figure's Deployment. The playground's two workers take
/// 220 pods, so with the default 25% maxUnavailable a rollout of 500 would
/// stall at once; 60% lets it run as a real one does, pods starting and
/// stopping throughout.
fn rollout_manifest() -> String {
    format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {PODS}\n  \
         strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 60%\n  \
         selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        \
         app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n"
    )
}

/// 500 pods applied from a share link's file, then `kubectl set image`; the
/// main-thread work of each clock tick and of each frame of the cluster's
/// work during the next `seconds` is a sample, `web-frame` when it redrew
/// the cluster view, `web-frame-idle` when not.
async fn frames_during_rollout(url: &str, seconds: u64) {
    let browser = probed_browser().await;
    let client = &browser.client;
    let files = json!([["bench.yaml", rollout_manifest()]]).to_string();
    client
        .goto(&format!("{url}#files={}", base64url(files.as_bytes())))
        .await
        .expect("open the playground with the file");
    type_line(client, "kubectl apply -f bench.yaml").await;
    // Wait (real time is simulated time here) until the pods that fit have started.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut running = 0;
    while Instant::now() < deadline {
        running = count(client, r#"svg [data-testid^="pod-web-"].ok"#).await;
        if running >= 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let drawn = count(client, r#"svg [data-testid^="pod-web-"]"#).await;
    let pending = count(client, r#"[data-testid="pending-pods"] .chip"#).await;
    note(&format!(
        "before the rollout the page drew {drawn} pods on nodes ({running} running) and {pending} pending"
    ));
    let profile = std::env::var_os("SUNABA_WEB_PROFILE");
    if profile.is_some() {
        cdp(client, "Profiler.enable", json!({})).await;
        cdp(client, "Profiler.start", json!({})).await;
    }
    script(client, "window.__sunabaBench.recording = true;").await;
    type_line(client, "kubectl set image deployment/web web=nginx:1.26").await;
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    if let Some(path) = profile {
        let taken = cdp(client, "Profiler.stop", json!({})).await;
        std::fs::write(&path, taken["profile"].to_string()).expect("write the CPU profile");
        note(&format!(
            "wrote the rollout's CPU profile to {} (open it in Chromium's DevTools)",
            path.to_string_lossy()
        ));
    }
    let marks = script(
        client,
        "const m = window.__sunabaBench; m.recording = false; return [m.ticks, m.frames];",
    )
    .await;
    let mut layout = Vec::new();
    for tick in marks[0].as_array().into_iter().flatten() {
        let (Some(ms), Some(redrawn)) = (tick[0].as_f64(), tick[1].as_bool()) else {
            continue;
        };
        if redrawn {
            layout.push(tick[2].as_f64().unwrap_or(0.0));
        }
        let id = if redrawn {
            "web-frame"
        } else {
            "web-frame-idle"
        };
        sample(&format!("{id}/{PODS}"), "ms", ms);
    }
    layout.sort_by(f64::total_cmp);
    if let Some(median) = layout.get(layout.len() / 2) {
        note(&format!(
            "of each redrawing tick, style and layout (forced at its end) took {median:.1} ms at the median"
        ));
    }
    for frame in numbers(&marks[1]) {
        sample(&format!("web-frame-interval/{PODS}"), "ms", frame);
    }
    let drawn = count(client, r#"svg [data-testid^="pod-web-"]"#).await;
    let pending = count(client, r#"[data-testid="pending-pods"] .chip"#).await;
    let text = client
        .find(Locator::Css(r#"[data-testid="terminal"]"#))
        .await
        .expect("the terminal")
        .text()
        .await
        .unwrap_or_default();
    note(&format!(
        "after {seconds} s of rollout it drew {drawn} pods on nodes and {pending} pending{}",
        if text.contains("deployment.apps/web image updated") {
            ""
        } else {
            " (but `kubectl set image` did not report `image updated`)"
        }
    ));
    browser.close().await;
}

/// Base64 with the URL-safe alphabet and no padding, as share links use.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn numbers(value: &Value) -> Vec<f64> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default()
}

async fn count(client: &Client, css: &str) -> usize {
    let js = format!(
        "return document.querySelectorAll({}).length;",
        serde_json::to_string(css).expect("a string")
    );
    script(client, &js).await.as_u64().unwrap_or(0) as usize
}

async fn type_line(client: &Client, line: &str) {
    wait_for(client, r#"[data-testid="terminal-input"]"#).await;
    client
        .find(Locator::Css(r#"[data-testid="terminal-input"]"#))
        .await
        .expect("the terminal input")
        .send_keys(&format!("{line}\u{E007}"))
        .await
        .expect("type into the terminal");
}
