//! The web app on the cluster of the `sunaba serve` that served it: two
//! tabs in server mode and the real kubectl in a terminal all see the same
//! cluster live. A pod applied from one tab's terminal shows in the other's
//! cluster view and in `kubectl get pods`; deleted by the real kubectl, it
//! vanishes from both tabs.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::wd::WindowHandle;
use fantoccini::{Client, Locator};
use sunaba_server::{ServeConfig, Server};
use sunaba_tests::browser::{wait_for, Browser};

const ENTER: &str = "\u{E007}";

/// kubectl 1.32, beside gcloud's dispatcher (or `$SUNABA_KUBECTL`).
const KUBECTL_1_32: &str = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32";

fn kubectl_path() -> PathBuf {
    std::env::var_os("SUNABA_KUBECTL").map_or_else(|| PathBuf::from(KUBECTL_1_32), PathBuf::from)
}

/// A real server on a free loopback port, its clock on real time: the
/// playground's URL with the token, and the kubeconfig written for kubectl.
async fn serve(scratch: &std::path::Path) -> (String, PathBuf) {
    let server = Server::bind(&ServeConfig {
        addr: "127.0.0.1:0".parse().expect("a valid address"),
        ..ServeConfig::default()
    })
    .await
    .expect("bind a loopback port");
    let url = server.url().expect("a bound address");
    let kubeconfig = scratch.join("kubeconfig");
    std::fs::write(&kubeconfig, server.kubeconfig().expect("a kubeconfig")).expect("written");
    tokio::spawn(server.run());
    (url, kubeconfig)
}

fn kubectl(kubeconfig: &PathBuf, args: &[&str]) -> String {
    let output = Command::new(kubectl_path())
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .output()
        .expect("kubectl runs");
    assert!(
        output.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn wait_gone(client: &Client, css: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !client
        .find_all(Locator::Css(css))
        .await
        .expect("a query")
        .is_empty()
    {
        assert!(Instant::now() < deadline, "{css} is still shown");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn wait_for_text(client: &Client, css: &str, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let shown = wait_for(client, css).await.text().await.unwrap_or_default();
        if shown.contains(text) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} never showed {text:?}: {shown}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Opens the playground and turns the switch to the server's cluster.
async fn open_in_server_mode(client: &Client, url: &str) {
    client.goto(url).await.expect("open the playground");
    let switch = wait_for(client, r#"[data-testid="mode-server"]"#).await;
    if switch.prop("checked").await.ok().flatten().as_deref() != Some("true") {
        switch.click().await.expect("switch to the server");
    }
    wait_for_text(
        client,
        r#"[data-testid="server-status"]"#,
        "live from the server",
    )
    .await;
    wait_for_text(client, r#"[data-testid="terminal"]"#, "Connected").await;
    let shown = client.current_url().await.expect("a URL");
    assert!(
        !shown.as_str().contains("token"),
        "the token leaves the address bar: {shown}"
    );
}

async fn switch_to(client: &Client, window: &WindowHandle) {
    client
        .switch_to_window(window.clone())
        .await
        .expect("switch tabs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_and_the_real_kubectl_share_the_servers_cluster() {
    if !kubectl_path().is_file() {
        assert!(
            std::env::var("SUNABA_REQUIRE_KUBECTL").as_deref() != Ok("1"),
            "SUNABA_REQUIRE_KUBECTL=1 but no kubectl at {}",
            kubectl_path().display()
        );
        eprintln!("skipped: no kubectl at {}", kubectl_path().display());
        return;
    }
    let scratch = std::env::temp_dir().join(format!("sunaba-server-mode-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("a scratch directory");
    let (url, kubeconfig) = serve(&scratch).await;
    let browser = Browser::start().await;
    let client = &browser.client;

    let first = client.window().await.expect("the first tab");
    open_in_server_mode(client, &url).await;
    let second = client.new_window(true).await.expect("a second tab").handle;
    switch_to(client, &second).await;
    open_in_server_mode(client, &url).await;

    switch_to(client, &first).await;
    let input = wait_for(client, r#"[data-testid="terminal-input"]"#).await;
    input
        .send_keys(&format!("kubectl apply -f simple-pod.yaml{ENTER}"))
        .await
        .expect("type into the terminal");
    wait_for_text(
        client,
        r#"[data-testid="terminal"]"#,
        "pod/simple-echo created",
    )
    .await;
    wait_for(client, r#"[data-testid="pod-simple-echo"]"#).await;

    switch_to(client, &second).await;
    wait_for(client, r#"[data-testid="pod-simple-echo"].ok"#).await;
    // A reload keeps the mode and the token (out of the address bar).
    client.refresh().await.expect("reload");
    wait_for_text(
        client,
        r#"[data-testid="server-status"]"#,
        "live from the server",
    )
    .await;
    wait_for(client, r#"[data-testid="pod-simple-echo"].ok"#).await;
    let shown = client.current_url().await.expect("a URL");
    assert!(!shown.as_str().contains("token"), "{shown}");
    let listed = kubectl(&kubeconfig, &["get", "pods"]);
    assert!(listed.contains("simple-echo"), "{listed}");

    kubectl(&kubeconfig, &["delete", "pod", "simple-echo"]);
    wait_gone(client, r#"[data-testid="pod-simple-echo"]"#).await;
    switch_to(client, &first).await;
    wait_gone(client, r#"[data-testid="pod-simple-echo"]"#).await;

    // Back in this tab's own cluster: the server's pod is not there.
    wait_for(client, r#"[data-testid="mode-tab"]"#)
        .await
        .click()
        .await
        .expect("switch back to the tab");
    wait_for(client, r#"[data-testid="clock"]"#).await;
    browser.close().await;
    let _ = std::fs::remove_dir_all(&scratch);
}
