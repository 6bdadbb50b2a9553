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

/// Lines a learner (or a cat on the keyboard) might type; none may panic.
const ODD_LINES: &[&str] = &[
    "kubectl get pods 'unbalanced",
    "kubectl \"get",
    "kubectl get --",
    "kubectl get pods -o",
    "kubectl get pods -n",
    "kubectl get pods -l 'a in (b'",
    "kubectl --namespace",
    "kubectl get pods -o jsonpath='{.items[?(@.x==\"'",
    "kubectl get pods -o custom-columns=:",
    "kubectl exec",
    "kubectl exec -it",
    "kubectl exec x --",
    "kubectl run",
    "kubectl run x --image=",
    "kubectl run x --image=busybox --port=notaport",
    "kubectl logs -f",
    "kubectl rollout",
    "kubectl rollout undo",
    "kubectl scale deploy/x --replicas=-5",
    "kubectl apply -f",
    "kubectl apply -f /",
    "kubectl delete all --all -A",
    "kubectl get pods --tail=abc",
    "kubectl \u{0}\u{1}\u{7f}",
    "\u{1b}[A\u{1b}[B",
    "日本語のコマンド",
    "kubectl get ポッド",
    ";;;",
    "&& ||",
    "kubectl get pods -w -o yaml",
];

#[test]
fn odd_command_lines_get_errors_not_panics() {
    use sunaba_core::kubectl::Files;
    use sunaba_core::terminal::Terminal;

    struct NoFiles;
    impl Files for NoFiles {
        fn read(&self, _: &str) -> Option<String> {
            None
        }
        fn list(&self, _: &str) -> Option<Vec<String>> {
            None
        }
    }
    let mut cluster = Cluster::new(ClusterConfig::default());
    let mut terminal = Terminal::new();
    let long = format!("kubectl get pods {}", "x".repeat(1024 * 1024));
    for line in ODD_LINES.iter().copied().chain([long.as_str()]) {
        let out = terminal.run_line(&mut cluster, &NoFiles, line);
        let _ = terminal.poll(&cluster);
        let _ = terminal.interrupt();
        assert!(
            out.exit_code != 0
                || !out.stdout.is_empty()
                || !out.stderr.is_empty()
                || line.starts_with(';')
                || line.starts_with("\u{1b}"),
            "{line:?} said nothing"
        );
    }
    assert_eq!(cluster.api().store().count(Kind::Pod), 0);
}

#[test]
fn odd_lines_inside_a_container_shell_get_the_shells_errors() {
    use sunaba_core::shell::{ContainerShell, Target};

    let mut cluster = Cluster::new(ClusterConfig::default());
    for result in cluster
        .create_manifests(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: box\nspec:\n  containers:\n  - name: box\n    image: busybox\n    command: [sleep, '3600']\n",
        )
        .expect("decodes")
    {
        result.expect("created");
    }
    cluster.advance(20_000);
    let target = Target {
        namespace: "default".into(),
        pod: "box".into(),
        container: "box".into(),
    };
    let mut shell = ContainerShell::start(&cluster, target, "sh", true).expect("sh starts");
    let long = "echo ".to_string() + &"y".repeat(1024 * 1024);
    for line in [
        "echo 'open",
        "| wc",
        "&&",
        "cat <",
        "echo > ",
        "cd ../../../../..",
        "ls -lR /proc/self/../../..",
        "$(rm -rf /)",
        "`reboot`",
        "curl http://[::1]:99999/",
        "wget http://",
        "nslookup",
        "sleep -1",
        "sleep 1e12",
        "head -n -5 /etc/hosts",
        "exit 999999999999",
        long.as_str(),
    ] {
        let _ = shell.run_line(&mut cluster, line);
    }
    assert_eq!(
        shell.run_line(&mut cluster, "echo 'open").stderr,
        "sh: syntax error: unterminated quoted string\n"
    );
}
