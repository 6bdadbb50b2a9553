//! The playground in headless Chromium, as a learner uses it: type a
//! command, see the pod appear in the cluster view, reload and find
//! everything still there, and open a share link.

use std::time::Duration;

use fantoccini::{Client, Locator};
use sunaba_tests::browser::{replace_in_editor, type_line, wait_for, Browser, ENTER};
use sunaba_tests::served::serve_in_process;

/// WebDriver's Control key, and the key that releases held modifiers.
const CONTROL: &str = "\u{E009}";
const RELEASE: &str = "\u{E000}";

async fn terminal_text(client: &Client) -> String {
    wait_for(client, r#"[data-testid="terminal"]"#)
        .await
        .text()
        .await
        .expect("terminal text")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_command_shows_its_pod_and_survives_a_reload() {
    let url = serve_in_process().await;
    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&url).await.expect("open the playground");
    type_line(client, "kubectl apply -f simple-pod.yaml").await;
    wait_for(client, r#"[data-testid="pod-simple-echo"]"#).await;
    assert!(terminal_text(client)
        .await
        .contains("pod/simple-echo created"));
    // The pod runs on real time: ContainerCreating, then Running within seconds.
    wait_for(client, r#"[data-testid="pod-simple-echo"].ok"#).await;
    type_line(client, "kubectl get pods").await;
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//pre[contains(., 'simple-echo   2/2     Running')]",
        ))
        .await
        .expect("kubectl get pods shows it running");

    client.refresh().await.expect("reload");
    wait_for(client, r#"[data-testid="pod-simple-echo"]"#).await;
    let text = terminal_text(client).await;
    assert!(
        text.contains("$ kubectl apply -f simple-pod.yaml"),
        "{text}"
    );
    assert!(text.contains("pod/simple-echo created"), "{text}");
    browser.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_button_runs_kubectl_and_a_share_link_opens_its_files() {
    let url = serve_in_process().await;
    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&url).await.expect("open the playground");
    wait_for(client, r#"[data-testid="editor-tab-simple-service.yaml"]"#)
        .await
        .click()
        .await
        .expect("open the service tab");
    wait_for(client, r#"[data-testid="apply-button"]"#)
        .await
        .click()
        .await
        .expect("apply");
    wait_for(client, r#"[data-testid="service-echo"]"#).await;
    assert!(terminal_text(client)
        .await
        .contains("$ kubectl apply -f simple-service.yaml"));

    // A link carrying one file, as Share writes it: base64url of JSON.
    let files = r#"[["mine.yaml","apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shared\n"]]"#;
    let payload = base64url(files.as_bytes());
    // Another query makes it a new document, loaded whole, as a link from
    // elsewhere is; no reload to race the navigation.
    client
        .goto(&format!("{url}&link=1#files={payload}"))
        .await
        .expect("open the link");
    let notice = wait_for(client, r#"[data-testid="notice"]"#).await;
    assert_eq!(notice.text().await.expect("text"), "Opened 1 shared file.");
    wait_for(client, r#"[data-testid="editor-tab-mine.yaml"]"#).await;

    client
        .goto(&format!("{url}&link=2#files=%%%not-base64"))
        .await
        .expect("open a bad link");
    let notice = wait_for(client, r#"[data-testid="notice"]"#).await;
    let text = notice.text().await.expect("text");
    assert!(text.starts_with("Could not open the shared link"), "{text}");
    wait_for(client, r#"[data-testid="editor"]"#).await;
    browser.close().await;
}

/// The editor offers the field names that fit where the learner types,
/// from the same schemas `kubectl explain` reads, and Enter takes one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_completes_field_names_as_the_learner_types() {
    let url = serve_in_process().await;
    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&url).await.expect("open the playground");
    wait_for(client, r#"[data-testid="new-file"]"#)
        .await
        .click()
        .await
        .expect("a new file");
    let editor = wait_for(client, r#"[data-testid="editor-text"]"#).await;
    editor.click().await.expect("focus the editor");
    editor
        .send_keys(&format!(
            "{CONTROL}a{RELEASE}apiVersion: apps/v1{ENTER}kind: Deployment{ENTER}spec:{ENTER}  rep"
        ))
        .await
        .expect("type a manifest");
    let offered = wait_for(client, r#"[data-testid="completion-replicas"]"#).await;
    let offered = offered.text().await.expect("text");
    assert_eq!(
        offered.split_whitespace().collect::<Vec<_>>(),
        ["replicas", "<integer>"]
    );
    browser.screenshot("editor-completion").await;
    editor.send_keys(ENTER).await.expect("take the suggestion");
    let text = editor
        .prop("value")
        .await
        .expect("the text")
        .unwrap_or_default();
    assert!(text.ends_with("spec:\n  replicas: "), "{text:?}");
    let doc = wait_for(client, r#"[data-testid="field-doc"]"#)
        .await
        .text()
        .await
        .expect("text");
    assert!(
        doc.starts_with("replicas <integer>: Number of desired pods."),
        "{doc}"
    );

    // The same schemas, and kubectl's help, fetched beside the bundle.
    type_line(client, "kubectl explain deploy.spec.replicas").await;
    type_line(client, "kubectl get -h").await;
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//pre[contains(., 'FIELD: replicas <integer>')]",
        ))
        .await
        .expect("explain documents the field");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//pre[contains(., 'Display one or many resources.')]",
        ))
        .await
        .expect("get -h prints kubectl's help");
    browser.close().await;
}

/// `kubectl edit` opens the live object in an editor tab with a banner;
/// saving it patches the object, as kubectl does with its editor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kubectl_edit_opens_the_object_in_the_editor_and_save_applies_it() {
    let url = serve_in_process().await;
    let browser = Browser::start().await;
    let client = &browser.client;
    client.goto(&url).await.expect("open the playground");
    type_line(client, "kubectl apply -f simple-deployment.yaml").await;
    type_line(client, "kubectl edit deployment echo").await;
    wait_for(client, r#"[data-testid="edit-banner"]"#).await;
    wait_for(
        client,
        r#"[data-testid="editor-tab-kubectl-edit-deployment-echo.yaml"]"#,
    )
    .await;
    let editor = wait_for(client, r#"[data-testid="editor-text"]"#).await;
    let text = editor
        .prop("value")
        .await
        .expect("the buffer")
        .unwrap_or_default();
    assert!(
        text.starts_with("# Please edit the object below."),
        "{text}"
    );
    replace_in_editor(client, "replicas: 3", "replicas: 1").await;
    browser.screenshot("kubectl-edit").await;
    wait_for(client, r#"[data-testid="edit-save"]"#)
        .await
        .click()
        .await
        .expect("save");
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//pre[contains(., 'deployment.apps/echo edited')]",
        ))
        .await
        .expect("kubectl says it edited the deployment");
    type_line(
        client,
        "kubectl get deploy echo -o jsonpath={.spec.replicas}",
    )
    .await;
    client
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath("//pre[normalize-space(.)='1']"))
        .await
        .expect("the deployment has one replica");
    assert!(client
        .find(Locator::Css(r#"[data-testid="edit-banner"]"#))
        .await
        .is_err());
    browser.close().await;
}

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
