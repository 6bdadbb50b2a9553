//! Bad input never panics and never changes the store: each gets a clear
//! error in the API server's or kubectl's words.

use sunaba_core::api::decode::{decode_manifests, DecodeError, MAX_MANIFEST_BYTES};
use sunaba_core::api::Kind;
use sunaba_core::{Cluster, ClusterConfig};

#[test]
fn a_ten_megabyte_document_is_refused_by_size() {
    let text = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  a: \"{}\"\n",
        "x".repeat(10 * 1024 * 1024)
    );
    let err = decode_manifests(&text).expect_err("too large");
    assert_eq!(err, DecodeError::TooLarge { bytes: text.len() });
    assert_eq!(
        err.message(),
        format!("Request entity too large: limit is {MAX_MANIFEST_BYTES}")
    );
}

#[test]
fn deep_block_nesting_is_an_error_not_a_crash() {
    let mut text = String::new();
    for depth in 0..2_000 {
        text.push_str(&" ".repeat(depth));
        text.push_str("a:\n");
    }
    assert!(decode_manifests(&text).is_err());
    let flow = format!("{}{}", "{a: ".repeat(70), "}".repeat(70));
    assert!(matches!(
        decode_manifests(&flow),
        Err(DecodeError::TooDeep { .. })
    ));
}

#[test]
fn huge_numbers_name_the_field() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 99999999999999999999\n";
    let err = decode_manifests(text).expect_err("out of range");
    assert!(err.message().contains("spec.replicas"), "{}", err.message());
}

#[test]
fn odd_unicode_and_control_characters_decode_or_fail_cleanly() {
    for text in [
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \u{202e}evil\ndata:\n  k: \"\u{0}\u{7}\"\n",
        "\u{feff}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bom\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 名前\n",
        "\t\t\t",
        "- - - -",
        "{",
        "apiVersion: [v1]\nkind: Pod\n",
    ] {
        let _ = decode_manifests(text);
    }
}

#[test]
fn invalid_objects_leave_the_store_as_it_was() {
    let mut cluster = Cluster::new(ClusterConfig::default());
    let before = cluster.api().store().resource_version();
    let results = cluster
        .create_manifests("apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: nowhere\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n")
        .expect("decodes");
    let err = results
        .into_iter()
        .next()
        .expect("one object")
        .expect_err("no such namespace");
    assert_eq!(err.message(), "namespaces \"nowhere\" not found");
    assert_eq!(cluster.api().store().resource_version(), before);
    assert_eq!(cluster.api().store().count(Kind::Pod), 0);
}

#[test]
fn a_one_megabyte_manifest_of_a_thousand_objects_decodes() {
    let mut text = String::new();
    for i in 0..1_000 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\n  labels:\n    app: bulk\ndata:\n  payload: \"{}\"\n",
            "p".repeat(900)
        ));
    }
    assert!(text.len() > 1_000_000);
    let objects = decode_manifests(&text).expect("decodes");
    assert_eq!(objects.len(), 1_000);
}
