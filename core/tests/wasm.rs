//! sunaba-core in a real browser: the same decoding as natively.
#![cfg(target_arch = "wasm32")]

mod scenario;

use sunaba_core::api::decode::decode_manifests;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn strict_decoding_reports_the_same_unknown_field_in_wasm() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    imag: nginx\n";
    let err = decode_manifests(text).expect_err("imag is unknown");
    assert_eq!(
        err.message(),
        r#"Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imag""#
    );
}

#[wasm_bindgen_test]
fn the_session_transcript_is_byte_identical_to_the_native_one() {
    let fingerprint = scenario::fingerprint(&scenario::transcript());
    assert_eq!(fingerprint, include_str!("golden/determinism.txt"));
}
