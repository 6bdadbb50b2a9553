//! The playground mounted in a real browser page.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use sunaba_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    /// The app mounted last, and its element.
    static MOUNTED: std::cell::RefCell<Option<(yew::AppHandle<App>, web_sys::Element)>> =
        const { std::cell::RefCell::new(None) };
}

/// Mounts the whole app in a fresh element of the page, on a fresh
/// session (the apps mounted before share the page's storage).
async fn mount_app() -> web_sys::Element {
    // The app mounted before goes first: its clock, saves and listeners
    // would otherwise run on beside this one.
    if let Some((handle, root)) = MOUNTED.with(|m| m.borrow_mut().take()) {
        handle.destroy();
        root.remove();
    }
    if let Ok(Some(storage)) = gloo::utils::window().local_storage() {
        let _ = storage.remove_item("sunaba/session/v1");
    }
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("attach the div");
    let handle = yew::Renderer::<App>::with_root(root.clone()).render();
    MOUNTED.with(|m| *m.borrow_mut() = Some((handle, root.clone())));
    gloo::timers::future::sleep(Duration::from_millis(10)).await;
    root
}

/// The element with this `data-testid`, as the type it is.
fn by_testid<T: JsCast>(root: &web_sys::Element, testid: &str) -> T {
    root.query_selector(&format!(r#"[data-testid="{testid}"]"#))
        .expect("a valid selector")
        .unwrap_or_else(|| panic!("{testid} is drawn"))
        .dyn_into()
        .unwrap_or_else(|_| panic!("{testid} is the element expected"))
}

/// The text of the element with this `data-testid`.
fn text_of(root: &web_sys::Element, testid: &str) -> String {
    by_testid::<web_sys::Element>(root, testid)
        .text_content()
        .unwrap_or_default()
}

/// Types a line into an input and presses Enter, as a learner does.
fn type_line(input: &web_sys::HtmlInputElement, line: &str) {
    input.set_value(line);
    input
        .dispatch_event(&web_sys::InputEvent::new("input").expect("an input event"))
        .expect("dispatch input");
    press_enter(input);
}

/// A keydown of Enter on an element, bubbling as a real one does.
fn press_enter(target: &web_sys::EventTarget) {
    press_enter_composing(target, false);
}

/// A keydown of `key` on an element.
fn press(target: &web_sys::EventTarget, key: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    let event = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("a keydown event");
    target.dispatch_event(&event).expect("dispatch the key");
}

/// A keydown of Enter, as an IME sends it to confirm a conversion when
/// `composing`.
fn press_enter_composing(target: &web_sys::EventTarget, composing: bool) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_is_composing(composing);
    init.set_bubbles(true);
    let enter = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("a keydown event");
    target.dispatch_event(&enter).expect("dispatch Enter");
}

#[wasm_bindgen_test]
async fn app_mounts_and_draws_the_nodes() {
    let root = mount_app().await;
    let node = root
        .query_selector(r#"[data-testid="node-sunaba-control-plane"] .node-name"#)
        .expect("a valid selector")
        .expect("the control-plane node is drawn");
    assert_eq!(node.text_content().as_deref(), Some("sunaba-control-plane"));
}

#[wasm_bindgen_test]
async fn typing_a_command_in_the_terminal_draws_its_pod() {
    let root = mount_app().await;
    let input: web_sys::HtmlInputElement = by_testid(&root, "terminal-input");
    type_line(&input, "kubectl apply -f simple-pod.yaml");
    gloo::timers::future::sleep(Duration::from_millis(50)).await;
    let pod = root
        .query_selector(r#"[data-testid="pod-simple-echo"]"#)
        .expect("a valid selector");
    assert!(pod.is_some(), "the pod is drawn: {}", root.inner_html());
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("pod/simple-echo created"), "{text}");
}

/// Typing a key's first letters in the editor offers the fields that fit
/// there, from the schemas `kubectl explain` reads; Enter takes one.
#[wasm_bindgen_test]
async fn the_editor_completes_field_names_and_documents_the_field_at_the_cursor() {
    let root = mount_app().await;
    let area: web_sys::HtmlTextAreaElement = by_testid(&root, "editor-text");
    let text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  repl";
    area.set_value(text);
    area.set_selection_range(text.len() as u32, text.len() as u32)
        .expect("a caret");
    let init = web_sys::InputEventInit::new();
    init.set_data(Some("l"));
    init.set_bubbles(true);
    let input =
        web_sys::InputEvent::new_with_event_init_dict("input", &init).expect("an input event");
    area.dispatch_event(&input).expect("dispatch input");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    let offered = root
        .query_selector(r#"[data-testid="completions"]"#)
        .expect("a valid selector")
        .expect("suggestions are shown");
    let names = offered.text_content().unwrap_or_default();
    assert!(names.contains("replicas<integer>"), "{names}");

    press_enter(&area);
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        area.value(),
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: "
    );
    let doc = root
        .query_selector(r#"[data-testid="field-doc"]"#)
        .expect("a valid selector")
        .expect("the field's documentation")
        .text_content()
        .unwrap_or_default();
    assert!(
        doc.starts_with("replicas <integer>: Number of desired pods."),
        "{doc}"
    );
    assert!(root
        .query_selector(r#"[data-testid="completions"]"#)
        .expect("a valid selector")
        .is_none());
}

/// Japanese input: the Enter that confirms an IME conversion stays with the
/// IME; in the terminal it runs nothing, in the editor it inserts nothing.
#[wasm_bindgen_test]
async fn enter_that_confirms_an_ime_conversion_is_left_to_the_ime() {
    let root = mount_app().await;
    let input: web_sys::HtmlInputElement = by_testid(&root, "terminal-input");
    input.set_value("kubectl get ノード");
    input
        .dispatch_event(&web_sys::InputEvent::new("input").expect("an input event"))
        .expect("dispatch input");
    press_enter_composing(&input, true);
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    let text = root.text_content().unwrap_or_default();
    assert!(
        !text.contains("$ kubectl get ノード"),
        "the line ran: {text}"
    );
    assert_eq!(input.value(), "kubectl get ノード");

    let area: web_sys::HtmlTextAreaElement = by_testid(&root, "editor-text");
    area.set_value("metadata:\n  name: テスト");
    area.set_selection_range(24, 24).expect("a caret");
    press_enter_composing(&area, true);
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    assert_eq!(area.value(), "metadata:\n  name: テスト");
    press_enter(&input);
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("$ kubectl get ノード"), "{text}");
}

/// The panels' splitters move from the keyboard: arrows by 5%, End to the
/// limit; the grid follows and says so to screen readers.
#[wasm_bindgen_test]
async fn splitters_resize_the_panels_from_the_keyboard() {
    let root = mount_app().await;
    let find = |testid: &str| by_testid::<web_sys::Element>(&root, testid);
    let columns = find("split-columns");
    let before = columns.get_attribute("aria-valuenow").unwrap_or_default();
    press(&columns, "ArrowRight");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    let after: u8 = find("split-columns")
        .get_attribute("aria-valuenow")
        .and_then(|v| v.parse().ok())
        .expect("a value");
    assert_eq!(after, before.parse::<u8>().expect("a value") + 5);
    let style = find("playground")
        .get_attribute("style")
        .unwrap_or_default();
    assert!(
        style.contains(&format!("--editor-fr: {after}fr")),
        "{style}"
    );

    let rows = find("split-rows");
    press(&rows, "End");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        find("split-rows").get_attribute("aria-valuenow").as_deref(),
        Some("80")
    );
    assert_eq!(
        find("split-rows").get_attribute("role").as_deref(),
        Some("separator")
    );
}

/// `kubectl apply -f URL` in the tab: the browser fetches the URL, here
/// one the test page's server does not have, and the terminal prints
/// kubectl's error for the 404.
#[wasm_bindgen_test]
async fn apply_from_a_url_is_fetched_by_the_browser() {
    let root = mount_app().await;
    let origin = gloo::utils::window()
        .location()
        .origin()
        .expect("the page's origin");
    let url = format!("{origin}/no-such-manifest.yaml");
    let input: web_sys::HtmlInputElement = by_testid(&root, "terminal-input");
    type_line(&input, &format!("kubectl apply -f {url}"));
    let expected = format!("error: unable to read URL \"{url}\", server reported 404 ");
    for _ in 0..100 {
        gloo::timers::future::sleep(Duration::from_millis(20)).await;
        if root.text_content().unwrap_or_default().contains(&expected) {
            break;
        }
    }
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains(&expected), "{text}");
    assert!(text.contains(", status code=404"), "{text}");
}

/// The clock's controls: paused, it stands still; "Step" runs it to the
/// next event; "Next step" moves the tutorial on.
#[wasm_bindgen_test]
async fn the_clock_pauses_and_steps_and_the_tutorial_moves_on() {
    let root = mount_app().await;
    let clock = || {
        root.query_selector(r#"[data-testid="clock"]"#)
            .expect("a valid selector")
            .and_then(|c| c.text_content())
            .unwrap_or_default()
    };
    let click = |testid: &str| by_testid::<web_sys::HtmlElement>(&root, testid).click();
    click("play-pause");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    let paused_at = clock();
    gloo::timers::future::sleep(Duration::from_millis(1_300)).await;
    assert_eq!(clock(), paused_at, "a paused clock stands still");
    let input: web_sys::HtmlInputElement = by_testid(&root, "terminal-input");
    type_line(&input, "kubectl run stepper --image=nginx:1.25");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    // Events may fall within one second: step until the shown time moves.
    for _ in 0..20 {
        click("step-event");
        gloo::timers::future::sleep(Duration::from_millis(20)).await;
        if clock() != paused_at {
            break;
        }
    }
    assert_ne!(clock(), paused_at, "Step ran the clock to the next events");
    let step_title = |root: &web_sys::Element| {
        root.query_selector(r#"[data-testid="tutorial-step"]"#)
            .expect("a valid selector")
            .and_then(|s| s.parent_element())
            .and_then(|d| d.query_selector("summary").ok().flatten())
            .and_then(|s| s.text_content())
            .unwrap_or_default()
    };
    let before = step_title(&root);
    click("tutorial-next");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    assert_ne!(step_title(&root), before, "Next shows the following step");
}

/// A burst of work (200 pods starting at once, at 20×) is drawn over
/// several frames: the clock says the cluster is catching up meanwhile,
/// and stops saying so once every pod runs.
#[wasm_bindgen_test]
async fn a_burst_is_worked_off_over_frames_while_the_clock_waits() {
    let root = mount_app().await;
    let speed: web_sys::HtmlSelectElement = by_testid(&root, "speed-control");
    speed.set_value("20");
    speed
        .dispatch_event(&web_sys::Event::new("change").expect("a change event"))
        .expect("dispatch change");
    let input: web_sys::HtmlInputElement = by_testid(&root, "terminal-input");
    type_line(
        &input,
        "kubectl create deployment burst --image=nginx:1.25 --replicas=200",
    );
    let busy = || {
        by_testid::<web_sys::Element>(&root, "clock").get_attribute("data-busy")
            == Some("true".into())
    };
    let running = || {
        root.query_selector_all(r#"[data-testid^="pod-burst-"][data-status="Running"]"#)
            .map(|pods| pods.length())
            .unwrap_or(0)
    };
    let (mut seen_busy, mut counts) = (false, Vec::new());
    for _ in 0..400 {
        gloo::timers::future::sleep(Duration::from_millis(16)).await;
        seen_busy |= busy();
        counts.push(running());
        if seen_busy && !busy() && running() == 200 {
            break;
        }
    }
    assert!(seen_busy, "the clock showed the cluster catching up");
    assert_eq!(running(), 200, "every pod runs in the end");
    assert!(!busy(), "and the clock runs freely again");
    let mut steps: Vec<u32> = counts.clone();
    steps.dedup();
    assert!(
        steps.iter().filter(|n| **n > 0 && **n < 200).count() >= 3,
        "pods started over several frames: {steps:?}"
    );
}

/// Clicking a pod opens the inspector: its YAML, its describe, its events;
/// Delete runs `kubectl delete` in the terminal.
#[wasm_bindgen_test]
async fn clicking_a_pod_inspects_it_and_delete_runs_kubectl() {
    let root = mount_app().await;
    let input: web_sys::HtmlInputElement = by_testid(&root, "terminal-input");
    type_line(&input, "kubectl apply -f simple-pod.yaml");
    gloo::timers::future::sleep(Duration::from_millis(30)).await;
    let click = |testid: &str| by_testid::<web_sys::HtmlElement>(&root, testid).click();
    let pod: web_sys::Element = by_testid(&root, "pod-simple-echo");
    pod.dispatch_event(&web_sys::MouseEvent::new("click").expect("a click"))
        .expect("dispatch the click");
    gloo::timers::future::sleep(Duration::from_millis(30)).await;
    let output = || text_of(&root, "inspector-output");
    assert!(output().contains("name: simple-echo"), "{}", output());
    click("inspector-tab-describe");
    gloo::timers::future::sleep(Duration::from_millis(30)).await;
    assert!(output().starts_with("Name:"), "{}", output());
    click("inspector-tab-events");
    gloo::timers::future::sleep(Duration::from_millis(30)).await;
    assert!(output().contains("Scheduled"), "{}", output());
    click("inspector-delete");
    gloo::timers::future::sleep(Duration::from_millis(50)).await;
    let terminal = text_of(&root, "terminal-output");
    assert!(
        terminal.contains("kubectl delete pod/simple-echo -n default"),
        "{terminal}"
    );
    click("inspector-close");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    assert!(root
        .query_selector(r#"[data-testid="inspector"]"#)
        .expect("a valid selector")
        .is_none());
}

/// A curl from a debug pod draws its path: the caption names the Service
/// and the pod that answered, and both pods are marked.
#[wasm_bindgen_test]
async fn a_curl_from_a_debug_pod_draws_its_path() {
    let root = mount_app().await;
    let input: web_sys::HtmlInputElement = by_testid(&root, "terminal-input");
    for line in [
        "kubectl apply -f simple-replicaset-with-label.yaml",
        "kubectl apply -f simple-service.yaml",
        "sleep 30",
        "kubectl run -it --rm curler --image=curlimages/curl --restart=Never -- sh",
        "curl -s http://echo/",
    ] {
        type_line(&input, line);
        gloo::timers::future::sleep(Duration::from_millis(30)).await;
    }
    let terminal = text_of(&root, "terminal-output");
    let caption = root
        .query_selector(r#"[data-testid="traffic"]"#)
        .expect("a valid selector")
        .and_then(|c| c.text_content())
        .unwrap_or_else(|| format!("no path drawn; the terminal shows: {terminal}"));
    assert!(
        caption.starts_with("http://echo/ pod/curler → service/echo → pod/echo-summer-"),
        "{caption}"
    );
    for mark in ["traffic-from", "traffic-to", "traffic-via"] {
        by_testid::<web_sys::Element>(&root, mark);
    }
    type_line(&input, "exit");
}

/// The event log, beside the tutorial, says what each controller did and why.
#[wasm_bindgen_test]
async fn the_event_log_explains_what_the_controllers_did() {
    let root = mount_app().await;
    let input: web_sys::HtmlInputElement = by_testid(&root, "terminal-input");
    type_line(&input, "kubectl apply -f simple-replicaset.yaml");
    gloo::timers::future::sleep(Duration::from_millis(30)).await;
    by_testid::<web_sys::HtmlElement>(&root, "show-event-log").click();
    gloo::timers::future::sleep(Duration::from_millis(30)).await;
    let log = text_of(&root, "event-log");
    assert!(log.contains("ReplicaSet echo creates"), "{log}");
    assert!(log.contains("replicas existed."), "{log}");
    by_testid::<web_sys::HtmlElement>(&root, "show-tutorial").click();
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    by_testid::<web_sys::Element>(&root, "tutorial");
}

/// The language switch turns the whole interface, tutorial and terminal
/// greeting included, into Japanese and back, and remembers the choice.
#[wasm_bindgen_test]
async fn the_language_switch_translates_the_whole_interface() {
    let root = mount_app().await;
    let text = |testid: &str| text_of(&root, testid);
    let switch_to = |tag: &str| {
        let select: web_sys::HtmlSelectElement = by_testid(&root, "language-switch");
        select.set_value(tag);
        select
            .dispatch_event(&web_sys::Event::new("change").expect("a change event"))
            .expect("dispatch change");
    };
    switch_to("en");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    assert_eq!(text("share-button"), "Share");
    assert!(text("tutorial").starts_with("Tutorial · "));

    switch_to("ja");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    assert_eq!(text("share-button"), "共有");
    assert_eq!(text("apply-button"), "適用");
    assert_eq!(text("show-event-log"), "イベントログ");
    assert!(
        text("tutorial").starts_with("チュートリアル · "),
        "{}",
        text("tutorial")
    );
    assert!(
        text("tutorial-step").contains("Kubernetes は、"),
        "{}",
        text("tutorial-step")
    );
    assert!(text("terminal-output").contains("Sunaba へようこそ"));
    let document = gloo::utils::document();
    let html_lang = document
        .document_element()
        .and_then(|e| e.get_attribute("lang"));
    assert_eq!(html_lang.as_deref(), Some("ja"));
    let saved = gloo::utils::window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item("sunaba/lang/v1").ok().flatten());
    assert_eq!(
        saved.as_deref(),
        Some("ja"),
        "the choice is kept for the next load"
    );

    switch_to("en");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    assert_eq!(text("share-button"), "Share");
    assert!(text("terminal-output").contains("Welcome to Sunaba"));
}

/// A tutorial step's command goes into the terminal's input, not run until
/// Enter; its manifest opens in the editor.
#[wasm_bindgen_test]
async fn a_tutorial_command_is_pasted_and_its_manifest_opens() {
    let root = mount_app().await;
    let click = |testid: &str| by_testid::<web_sys::HtmlElement>(&root, testid).click();
    // The third step, the Pod, works with simple-pod.yaml.
    for _ in 0..2 {
        click("tutorial-next");
        gloo::timers::future::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        by_testid::<web_sys::Element>(&root, "tutorial-step").get_attribute("data-step"),
        Some("pod".into())
    );
    by_testid::<web_sys::HtmlElement>(&root, "editor-tab-simple-service.yaml").click();
    click("open-manifest");
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    let active = root
        .query_selector(r#".tab.active"#)
        .expect("a valid selector")
        .and_then(|t| t.get_attribute("data-testid"));
    assert_eq!(active.as_deref(), Some("editor-tab-simple-pod.yaml"));

    let step = by_testid::<web_sys::Element>(&root, "tutorial-step");
    let command: web_sys::HtmlElement = step
        .query_selector(r#"[data-testid="tutorial-command"]"#)
        .expect("a valid selector")
        .expect("a command")
        .dyn_into()
        .expect("a button");
    command.click();
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    let input: web_sys::HtmlInputElement = by_testid(&root, "terminal-input");
    assert_eq!(input.value(), "kubectl apply -f simple-pod.yaml");
    assert!(
        root.query_selector(r#"[data-testid="pod-simple-echo"]"#)
            .expect("a valid selector")
            .is_none(),
        "pasted, not run"
    );
    press_enter(&input);
    gloo::timers::future::sleep(Duration::from_millis(50)).await;
    by_testid::<web_sys::Element>(&root, "pod-simple-echo");
}

/// The share box's link carries the files, and the tutorial step when
/// asked; opening such a link adds its files beside the learner's and
/// offers its commands without running them.
#[wasm_bindgen_test]
async fn a_share_link_round_trips_through_the_page() {
    let root = mount_app().await;
    by_testid::<web_sys::HtmlElement>(&root, "share-button").click();
    gloo::timers::future::sleep(Duration::from_millis(20)).await;
    let link: web_sys::HtmlInputElement = by_testid(&root, "share-link");
    let url = link.value();
    let (_, fragment) = url.split_once('#').expect("a fragment");
    let shared = sunaba_web::share::decode(fragment)
        .expect("a share link")
        .expect("readable");
    assert!(shared
        .files
        .iter()
        .any(|(name, text)| name == "simple-pod.yaml" && text.contains("kind: Pod")));
    assert!(shared.step.is_some(), "the step is included by default");
    assert!(shared.replay.is_empty(), "commands only when asked");
    by_testid::<web_sys::HtmlElement>(&root, "share-close").click();

    let friend = sunaba_web::share::Shared {
        files: vec![("friend.yaml".into(), "kind: Namespace\n".into())],
        step: Some("service".into()),
        replay: vec![
            "kubectl create namespace from-a-friend".into(),
            "kubectl run -it --rm waiter --image=busybox --restart=Never -- sh".into(),
            "echo replayed-inside-the-pod".into(),
            "exit".into(),
        ],
    };
    gloo::utils::window()
        .location()
        .set_hash(&sunaba_web::share::encode(&friend))
        .expect("set the hash");
    let root = mount_app().await;
    by_testid::<web_sys::Element>(&root, "editor-tab-friend.yaml");
    by_testid::<web_sys::Element>(&root, "editor-tab-simple-pod.yaml");
    let notice = text_of(&root, "notice-bar");
    assert!(notice.contains("4 commands"), "{notice}");
    assert_eq!(
        by_testid::<web_sys::Element>(&root, "tutorial-step").get_attribute("data-step"),
        Some("service".into())
    );
    let terminal = text_of(&root, "terminal-output");
    assert!(
        !terminal.contains("from-a-friend"),
        "nothing runs by itself"
    );
    by_testid::<web_sys::HtmlElement>(&root, "replay-button").click();
    // Each line waits for the one before: the shell's line only once the
    // pod has started and `run -it` attached.
    let mut terminal = String::new();
    for _ in 0..300 {
        gloo::timers::future::sleep(Duration::from_millis(100)).await;
        terminal = text_of(&root, "terminal-output");
        if terminal.contains("pod \"waiter\" deleted") {
            break;
        }
    }
    assert!(
        terminal.contains("namespace/from-a-friend created"),
        "{terminal}"
    );
    assert!(terminal.contains("replayed-inside-the-pod"), "{terminal}");
    assert!(terminal.contains("pod \"waiter\" deleted"), "{terminal}");
}

/// A damaged link says why, and the tab keeps what it had.
#[wasm_bindgen_test]
async fn a_damaged_share_link_changes_nothing() {
    gloo::utils::window()
        .location()
        .set_hash("share=not*base64")
        .expect("set the hash");
    let root = mount_app().await;
    let notice = text_of(&root, "notice");
    assert!(
        notice.starts_with("Could not open the shared link: it is damaged"),
        "{notice}"
    );
    by_testid::<web_sys::Element>(&root, "editor-tab-simple-pod.yaml");
}
