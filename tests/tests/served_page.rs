//! `sunaba serve` serves a page on which the WASM app starts and renders.

use std::time::Duration;

use fantoccini::Locator;
use sunaba_server::{ServeConfig, Server};
use sunaba_tests::browser::Browser;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_playground_renders_the_cluster_in_chromium() {
    let server = Server::bind(&ServeConfig {
        addr: "127.0.0.1:0".parse().expect("a valid address"),
        ..ServeConfig::default()
    })
    .await
    .expect("bind a loopback port");
    let url = server.url().expect("a bound address");
    tokio::spawn(server.run());

    let browser = Browser::start().await;
    browser
        .client
        .goto(&url)
        .await
        .expect("open the playground");
    let worker = browser
        .client
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(r#"[data-testid="node-sunaba-worker"]"#))
        .await
        .expect("the WASM app renders the cluster's nodes");
    assert_eq!(worker.text().await.expect("node text"), "sunaba-worker");
    let title = browser.client.title().await.expect("page title");
    assert!(title.starts_with("Sunaba"), "title was {title:?}");
    browser.close().await;
}
