//! The whole tutorial, typed and clicked through in headless Chromium, in
//! English and in Japanese: each step's manifest opened from the step,
//! each command pasted from the step and run with Enter, the cluster view
//! checked after each step, a reload halfway to check that everything
//! persists, and the learner's share link opened in a fresh tab. Screenshots
//! of the main screens land in `target/screenshots/tour-<lang>-*.png`.

use std::time::Duration;

use fantoccini::{Client, Locator};
use sunaba_tests::browser::{replace_in_editor, type_line, wait_for, Browser, ENTER};
use sunaba_tests::served::serve_in_process;

/// The speed control's fastest choice, 20×.
const FASTEST: &str = r#"[data-testid="speed-control"] option[value="20"]"#;

/// What each language's tour expects to read on the page.
struct Language {
    tag: &'static str,
    /// Chromium's flags that make it the browser's language.
    flags: &'static [&'static str],
    /// The tutorial's heading starts so.
    tutorial_heading: &'static str,
    /// The Share button.
    share: &'static str,
    /// The first step's text contains it.
    first_step: &'static str,
    /// The event log's explanation of the debug pod's scheduling starts so.
    scheduled_debug: &'static str,
    /// The notice after opening a link that brought one new file and one
    /// renamed beside the learner's.
    opened: &'static str,
}

const ENGLISH: Language = Language {
    tag: "en",
    flags: &["--lang=en-US", "--accept-lang=en-US,en"],
    tutorial_heading: "Tutorial · ",
    share: "Share",
    first_step: "Kubernetes runs containers across many machines",
    scheduled_debug: "The scheduler puts pod debug on sunaba-worker",
    opened: "Opened 1 shared file beside yours under a new name.",
};

const JAPANESE: Language = Language {
    tag: "ja",
    flags: &["--lang=ja", "--accept-lang=ja,en"],
    tutorial_heading: "チュートリアル · ",
    share: "共有",
    first_step: "Kubernetes は、多数のマシンにまたがってコンテナを動かし",
    scheduled_debug: "スケジューラーが Pod debug を sunaba-worker",
    opened: "同じ名前のファイルがあったので、1 個は別の名前で並べて開きました。",
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_tutorial_in_english() {
    tour(&ENGLISH).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_tutorial_in_japanese() {
    tour(&JAPANESE).await;
}

async fn tour(lang: &Language) {
    let url = serve_in_process().await;
    let browser = Browser::start_with(lang.flags).await;
    let client = &browser.client;
    client.goto(&url).await.expect("open the playground");

    // The browser's language is the interface's, with no choice made.
    assert_eq!(
        text(client, r#"[data-testid="share-button"]"#).await,
        lang.share
    );
    assert!(text(client, r#"[data-testid="tutorial"] h2"#)
        .await
        .starts_with(lang.tutorial_heading));
    let html_lang = client
        .execute("return document.documentElement.lang", vec![])
        .await
        .expect("read <html lang>");
    assert_eq!(html_lang.as_str(), Some(lang.tag));
    // The tour runs the clock at 20× so that pulls and rollouts are quick.
    click(client, FASTEST).await;
    browser
        .screenshot(&format!("tour-{}-start", lang.tag))
        .await;
    assert!(current_step_text(client).await.contains(lang.first_step));

    run_step(&browser, lang, "kubernetes").await;
    wait_for(client, r#"[data-testid="node-sunaba-control-plane"]"#).await;

    run_step(&browser, lang, "nodes").await;
    wait_for(client, r#"[data-testid="node-sunaba-worker"]"#).await;
    wait_for(client, r#"[data-testid="node-sunaba-worker2"]"#).await;

    open_manifest(client, "simple-pod.yaml").await;
    run_step(&browser, lang, "pod").await;
    wait_for(
        client,
        r#"[data-testid="pod-simple-echo"][data-status="Running"]"#,
    )
    .await;
    wait_for(client, r#"[data-testid="container-simple-echo-nginx"]"#).await;
    browser.screenshot(&format!("tour-{}-pod", lang.tag)).await;

    run_step(&browser, lang, "exec").await;
    wait_for_output(client, "nameserver 10.96.0.10").await;

    open_manifest(client, "simple-replicaset.yaml").await;
    run_step(&browser, lang, "replicaset").await;
    assert_eq!(running_pods(client, "echo-").await, 3);
    // One pod deleted: the ReplicaSet puts another in its place.
    let victim = first_pod_name(client, "echo-").await;
    type_line(client, &format!("kubectl delete pod {victim}")).await;
    wait_until_gone(client, &format!("pod-{victim}")).await;
    wait_until(client, "three echo pods run again", |c| async move {
        running_pods(&c, "echo-").await == 3
    })
    .await;

    open_manifest(client, "simple-deployment.yaml").await;
    run_step(&browser, lang, "deployment").await;
    wait_for(client, r#"[data-testid="workload-deployment/echo"]"#).await;
    wait_until(client, "three deployment pods run", |c| async move {
        running_pods(&c, "echo-").await == 3
    })
    .await;
    browser
        .screenshot(&format!("tour-{}-deployment", lang.tag))
        .await;

    // Halfway: a reload keeps the cluster, the terminal, the files, the
    // tutorial's progress and the language.
    client.refresh().await.expect("reload");
    wait_for(client, r#"[data-testid="workload-deployment/echo"]"#).await;
    assert_eq!(
        text(client, r#"[data-testid="share-button"]"#).await,
        lang.share
    );
    for done in [
        "kubernetes",
        "nodes",
        "pod",
        "exec",
        "replicaset",
        "deployment",
    ] {
        wait_for(client, &format!(r#"[data-testid="step-{done}"].done"#)).await;
    }
    assert_eq!(current_step_id(client).await, "rollout");
    assert!(text(client, r#"[data-testid="terminal-output"]"#)
        .await
        .contains("$ kubectl apply -f simple-deployment.yaml"));
    click(client, FASTEST).await;

    // A new revision: the learner edits the template before applying.
    open_manifest(client, "simple-deployment.yaml").await;
    replace_in_editor(client, "localhost:8080", "127.0.0.1:8080").await;
    run_step(&browser, lang, "rollout").await;
    let replica_sets = client
        .find_all(Locator::Css(
            r#"[data-testid="workload-deployment/echo"] .rs"#,
        ))
        .await
        .expect("find the ReplicaSets");
    assert_eq!(replica_sets.len(), 2, "the old and the new ReplicaSet");
    browser
        .screenshot(&format!("tour-{}-rollout", lang.tag))
        .await;

    open_manifest(client, "simple-replicaset-with-label.yaml").await;
    run_step(&browser, lang, "labels").await;
    wait_until(client, "the summer and spring pods run", |c| async move {
        running_pods(&c, "echo-summer-").await == 2 && running_pods(&c, "echo-spring-").await == 1
    })
    .await;

    open_manifest(client, "simple-service.yaml").await;
    run_step(&browser, lang, "service").await;
    let service = wait_for(client, r#"[data-testid="service-echo"]"#).await;
    let service = service.text().await.expect("the service's text");
    assert!(service.contains("→ pod/echo-summer-"), "{service}");
    assert!(!service.contains("echo-spring"), "{service}");

    run_step(&browser, lang, "dns").await;
    wait_for_output(client, "Hello Docker!!").await;
    wait_for_output(client, "received request").await;
    wait_for(client, r#"[data-testid="tutorial-finished"]"#).await;
    browser
        .screenshot(&format!("tour-{}-finished", lang.tag))
        .await;

    // The event log, in the same language around kubectl's own words.
    click(client, r#"[data-testid="show-event-log"]"#).await;
    let log = text(client, r#"[data-testid="event-log"]"#).await;
    assert!(log.contains(lang.scheduled_debug), "{log}");
    assert!(
        log.contains("Scheduled pod/debug: Successfully assigned default/debug to sunaba-worker"),
        "the Events stay as the API server wrote them: {log}"
    );
    browser
        .screenshot(&format!("tour-{}-event-log", lang.tag))
        .await;
    click(client, r#"[data-testid="show-tutorial"]"#).await;

    share_and_open(&browser, lang, &url).await;
    at_phone_width(&browser, lang).await;
    browser.close().await;
}

/// At a phone's width the panels stack: nothing runs off the side, and the
/// tutorial, the editor and the terminal are all there to scroll to.
async fn at_phone_width(browser: &Browser, lang: &Language) {
    let client = &browser.client;
    client
        .set_window_size(390, 844)
        .await
        .expect("a phone-sized window");
    let (inner, scroll) = wait_for_width(client).await;
    assert!(
        scroll <= inner,
        "the page is {scroll} px wide in a {inner} px window ({})",
        lang.tag
    );
    for testid in ["tutorial", "editor", "terminal-input", "cluster-view"] {
        let shown = client
            .execute(
                "const e = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);\
                 const r = e.getBoundingClientRect();\
                 return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth + 1;",
                vec![testid.into()],
            )
            .await
            .expect("measure");
        assert_eq!(shown.as_bool(), Some(true), "{testid} fits the phone");
    }
    browser
        .screenshot(&format!("tour-{}-phone", lang.tag))
        .await;
}

/// The window's inner width and the page's scroll width, once the resize
/// has been laid out.
async fn wait_for_width(client: &Client) -> (u64, u64) {
    let mut last = (0, 0);
    for _ in 0..50 {
        let sizes = client
            .execute(
                "return [window.innerWidth, document.documentElement.scrollWidth];",
                vec![],
            )
            .await
            .expect("measure the page");
        last = (
            sizes[0].as_u64().unwrap_or(0),
            sizes[1].as_u64().unwrap_or(0),
        );
        if last.0 <= 390 {
            return last;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    last
}

/// Runs a step as the learner does: each of its commands clicked (which
/// pastes it) and run with Enter, then waits until its check passes.
async fn run_step(browser: &Browser, lang: &Language, id: &str) {
    let client = &browser.client;
    assert_eq!(current_step_id(client).await, id, "the tutorial is at {id}");
    let count = client
        .find_all(Locator::Css(
            r#"[data-testid="tutorial-step"] [data-testid="tutorial-command"]"#,
        ))
        .await
        .expect("find the step's commands")
        .len();
    assert!(count > 0, "{id} has commands");
    for index in 0..count {
        let buttons = client
            .find_all(Locator::Css(
                r#"[data-testid="tutorial-step"] [data-testid="tutorial-command"]"#,
            ))
            .await
            .expect("find the step's commands");
        let command = buttons[index].text().await.expect("the command");
        buttons[index].click().await.expect("paste the command");
        let input = wait_for(client, r#"[data-testid="terminal-input"]"#).await;
        let pasted = input
            .prop("value")
            .await
            .expect("the input's value")
            .unwrap_or_default();
        assert_eq!(pasted, command, "a click pastes the command");
        input.send_keys(ENTER).await.expect("run it");
        wait_until_idle(client, &command).await;
    }
    wait_for(client, &format!(r#"[data-testid="step-{id}"].done"#)).await;
    let goal = text(
        client,
        &format!(r#"[data-testid="step-{id}"] [data-testid="tutorial-goal"]"#),
    )
    .await;
    assert!(goal.starts_with('✓'), "{id} ({}): {goal}", lang.tag);
    // Done, the step stays open until the learner moves on.
    assert_eq!(current_step_id(client).await, id);
    if client
        .find(Locator::Css(r#"[data-testid="tutorial-next"]"#))
        .await
        .is_ok()
    {
        click(client, r#"[data-testid="tutorial-next"]"#).await;
    }
}

/// Waits until the line has run and the prompt is back for the next one.
async fn wait_until_idle(client: &Client, command: &str) {
    let command = command.to_string();
    wait_until(client, &format!("{command} finished"), move |c| {
        let command = command.clone();
        async move {
            let output = text(&c, r#"[data-testid="terminal-output"]"#).await;
            let prompt = text(&c, r#"[data-testid="prompt"]"#).await;
            output.contains(&command) && !prompt.is_empty()
        }
    })
    .await;
}

/// Shares the files with every command, then opens the link in a fresh
/// session: the files come back beside the learner's, and the commands
/// wait to be run.
async fn share_and_open(browser: &Browser, lang: &Language, url: &str) {
    let client = &browser.client;
    click(client, r#"[data-testid="share-button"]"#).await;
    click(client, r#"[data-testid="share-with-commands"]"#).await;
    browser
        .screenshot(&format!("tour-{}-share", lang.tag))
        .await;
    let link = wait_for(client, r#"[data-testid="share-link"]"#)
        .await
        .prop("value")
        .await
        .expect("the link")
        .unwrap_or_default();
    let (_, fragment) = link.split_once('#').expect("the link has a fragment");
    assert!(fragment.starts_with("share="), "{fragment}");

    // A friend: a fresh session in which the learner's edited deployment
    // differs from the seed's. Declining the question keeps the friend's
    // own file and opens the shared one beside it.
    client
        .execute("localStorage.removeItem('sunaba/session/v1')", vec![])
        .await
        .expect("forget the session");
    client
        .goto(&format!("{url}&friend=1#{fragment}"))
        .await
        .expect("open the link");
    let asked = alert_text(client).await;
    assert!(asked.contains("simple-deployment.yaml"), "{asked}");
    client
        .dismiss_alert()
        .await
        .expect("keep the friend's own file");
    let notice = text(client, r#"[data-testid="notice"]"#).await;
    assert_eq!(notice, lang.opened);
    wait_for(
        client,
        r#"[data-testid="editor-tab-simple-deployment-shared.yaml"]"#,
    )
    .await;
    wait_for(client, r#"[data-testid="replay-offer"]"#).await;
    assert!(
        client
            .find(Locator::Css(r#"[data-testid^="pod-"]"#))
            .await
            .is_err(),
        "nothing is applied by opening a link"
    );
    browser
        .screenshot(&format!("tour-{}-shared-link", lang.tag))
        .await;
}

/// The text of the dialog the page opens (once its module has loaded).
async fn alert_text(client: &Client) -> String {
    for _ in 0..300 {
        if let Ok(text) = client.get_alert_text().await {
            return text;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never asked before replacing a file");
}

async fn click(client: &Client, css: &str) {
    wait_for(client, css)
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn text(client: &Client, css: &str) -> String {
    wait_for(client, css)
        .await
        .text()
        .await
        .unwrap_or_else(|e| panic!("the text of {css}: {e}"))
}

async fn current_step_id(client: &Client) -> String {
    wait_for(client, r#"[data-testid="tutorial-step"]"#)
        .await
        .attr("data-step")
        .await
        .expect("data-step")
        .unwrap_or_default()
}

async fn current_step_text(client: &Client) -> String {
    text(client, r#"[data-testid="tutorial-step"]"#).await
}

/// Clicks the open step's manifest button and checks its tab opened.
async fn open_manifest(client: &Client, file: &str) {
    click(
        client,
        r#"[data-testid="tutorial-step"] [data-testid="open-manifest"]"#,
    )
    .await;
    wait_for(
        client,
        &format!(r#"[data-testid="editor-tab-{file}"][aria-selected="true"]"#),
    )
    .await;
}

async fn wait_for_output(client: &Client, needle: &str) {
    let needle = needle.to_string();
    wait_until(
        client,
        &format!("the terminal shows {needle:?}"),
        move |c| {
            let needle = needle.clone();
            async move {
                text(&c, r#"[data-testid="terminal-output"]"#)
                    .await
                    .contains(&needle)
            }
        },
    )
    .await;
}

/// Running pods drawn whose names start with `prefix`.
async fn running_pods(client: &Client, prefix: &str) -> usize {
    client
        .find_all(Locator::Css(&format!(
            r#"[data-testid^="pod-{prefix}"][data-status="Running"]"#
        )))
        .await
        .map_or(0, |pods| pods.len())
}

async fn first_pod_name(client: &Client, prefix: &str) -> String {
    let testid = wait_for(
        client,
        &format!(r#"[data-testid^="pod-{prefix}"][data-status="Running"]"#),
    )
    .await
    .attr("data-testid")
    .await
    .expect("data-testid")
    .unwrap_or_default();
    testid.trim_start_matches("pod-").to_string()
}

async fn wait_until_gone(client: &Client, testid: &str) {
    let css = format!(r#"[data-testid="{testid}"]"#);
    wait_until(client, &format!("{testid} is gone"), move |c| {
        let css = css.clone();
        async move { c.find(Locator::Css(&css)).await.is_err() }
    })
    .await;
}

/// Polls `check` every 100 ms for up to a minute.
async fn wait_until<F, Fut>(client: &Client, what: &str, check: F)
where
    F: Fn(Client) -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..600 {
        if check(client.clone()).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{what}: not within a minute");
}
