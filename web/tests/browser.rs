//! The playground mounted in a real browser page.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use sunaba_web::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn app_mounts_and_draws_the_nodes() {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("attach the div");
    yew::Renderer::<App>::with_root(root.clone()).render();
    gloo::timers::future::sleep(Duration::from_millis(10)).await;
    let node = root
        .query_selector(r#"[data-testid="node-sunaba-control-plane"] .node-name"#)
        .expect("a valid selector")
        .expect("the control-plane node is drawn");
    assert_eq!(node.text_content().as_deref(), Some("sunaba-control-plane"));
}

#[wasm_bindgen_test]
async fn typing_a_command_in_the_terminal_draws_its_pod() {
    let document = gloo::utils::document();
    let root = document.create_element("div").expect("create a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("attach the div");
    yew::Renderer::<App>::with_root(root.clone()).render();
    gloo::timers::future::sleep(Duration::from_millis(10)).await;
    let input: web_sys::HtmlInputElement = root
        .query_selector(r#"[data-testid="terminal-input"]"#)
        .expect("a valid selector")
        .expect("the terminal's input")
        .dyn_into()
        .expect("an input element");
    input.set_value("kubectl apply -f simple-pod.yaml");
    input
        .dispatch_event(&web_sys::InputEvent::new("input").expect("an input event"))
        .expect("dispatch input");
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    let enter = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("a keydown event");
    input.dispatch_event(&enter).expect("dispatch Enter");
    gloo::timers::future::sleep(Duration::from_millis(50)).await;
    let pod = root
        .query_selector(r#"[data-testid="pod-simple-echo"]"#)
        .expect("a valid selector");
    assert!(pod.is_some(), "the pod is drawn: {}", root.inner_html());
    let text = root.text_content().unwrap_or_default();
    assert!(text.contains("pod/simple-echo created"), "{text}");
}
