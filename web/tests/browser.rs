//! The playground mounted in a real browser page.
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use sunaba_web::App;
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
        .query_selector(r#"[data-testid="node-sunaba-control-plane"]"#)
        .expect("a valid selector")
        .expect("the control-plane node is drawn");
    assert_eq!(node.text_content().as_deref(), Some("sunaba-control-plane"));
}
