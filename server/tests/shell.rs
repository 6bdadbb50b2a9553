//! `sunaba shell` as a learner pipes the seed's chapter into it: one
//! command per line, no prompt, stdout and stderr kept apart.

use std::io::Write;
use std::process::{Command, Stdio};

#[path = "support/manifest_site.rs"]
mod manifest_site;

fn sunaba_shell(input: &str) -> (String, String, i32) {
    sunaba_shell_bytes(input.as_bytes())
}

fn sunaba_shell_bytes(input: &[u8]) -> (String, String, i32) {
    sunaba_shell_with(input, &[])
}

fn sunaba_shell_with(input: &[u8], env: &[(&str, &str)]) -> (String, String, i32) {
    let dir = std::env::temp_dir().join(format!("sunaba-shell-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_sunaba"))
        .args(["shell", "--seed", "7"])
        .env_remove("KUBE_EDITOR")
        .envs(env.iter().copied())
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sunaba runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write");
    let output = child.wait_with_output().expect("sunaba ends");
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

#[test]
fn the_seed_chapter_runs_from_a_pipe() {
    let (stdout, stderr, code) = sunaba_shell(
        "kubectl apply -f simple-replicaset-with-label.yaml\n\
         kubectl apply -f simple-service.yaml\n\
         sleep 30\n\
         kubectl get pod -l app=echo -l release=summer --no-headers\n\
         kubectl run -i --rm --tty debug --image=gihyodocker/fundamental:0.1.0 --restart=Never -- bash -il\n\
         curl http://echo/\n\
         exit\n\
         kubectl get pod nope\n",
    );
    assert!(stdout.starts_with("replicaset.apps/echo-spring created\nreplicaset.apps/echo-summer created\nservice/echo created\n"), "{stdout}");
    assert_eq!(stdout.matches("echo-summer-").count(), 2, "{stdout}");
    assert!(stdout.contains("Hello Docker!!"), "{stdout}");
    assert!(stdout.contains("pod \"debug\" deleted\n"), "{stdout}");
    assert!(!stdout.contains("$ "), "no prompt when piped: {stdout}");
    assert!(
        stderr.contains("If you don't see a command prompt, try pressing enter.\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("Error from server (NotFound): pods \"nope\" not found\n"),
        "{stderr}"
    );
    assert_eq!(code, 1, "the last command failed");
}

#[test]
fn kubectl_edit_opens_the_editor_and_applies_what_it_saved() {
    let editor =
        std::env::temp_dir().join(format!("sunaba-shell-editor-{}.sh", std::process::id()));
    std::fs::write(
        &editor,
        "#!/bin/sh\nsed -i 's/replicas: 3/replicas: 1/' \"$1\"\n",
    )
    .expect("write the editor");
    std::fs::set_permissions(&editor, std::os::unix::fs::PermissionsExt::from_mode(0o755))
        .expect("make it runnable");
    let (stdout, stderr, code) = sunaba_shell_with(
        b"kubectl apply -f simple-deployment.yaml\n\
          kubectl edit deploy/echo\n\
          kubectl get deploy echo -o jsonpath={.spec.replicas}\n",
        &[("EDITOR", editor.to_str().expect("a UTF-8 path"))],
    );
    assert_eq!(
        stdout, "deployment.apps/echo created\ndeployment.apps/echo edited\n1",
        "{stderr}"
    );
    assert_eq!(code, 0);

    let (_, stderr, code) = sunaba_shell_with(
        b"kubectl apply -f simple-deployment.yaml\nkubectl edit deploy/echo\n",
        &[("EDITOR", "false")],
    );
    assert_eq!(
        stderr,
        "error: there was a problem with the editor \"false\"\n"
    );
    assert_eq!(code, 1);
}

#[test]
fn a_file_in_the_directory_wins_over_the_seed() {
    let (stdout, _, _) = sunaba_shell("ls\ncat simple-pod.yaml\n");
    assert!(stdout.contains("simple-deployment.yaml\n"), "{stdout}");
    assert!(stdout.contains("name: simple-echo"), "{stdout}");
}

#[test]
fn invalid_utf8_and_control_characters_do_not_stop_the_shell() {
    let (stdout, stderr, code) =
        sunaba_shell_bytes(b"kubectl get \xff\xfe pods\n\x00\x07\nkubectl version\n");
    assert!(
        stderr.contains("error: the server doesn't have a resource type"),
        "{stderr}"
    );
    assert!(stdout.contains("Server Version: v1.33.1"), "{stdout}");
    assert_eq!(code, 0, "the last line succeeded");
}

/// `-f https://…` is fetched through TLS with the system's roots, which
/// `SSL_CERT_FILE` names as Go lets it; a site signed by an unknown
/// authority gets kubectl's error.
#[test]
fn apply_from_an_https_url_trusts_what_ssl_cert_file_names() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let site = runtime.block_on(manifest_site::ManifestSite::start());
    let ca = std::env::temp_dir().join(format!("sunaba-shell-ca-{}.pem", std::process::id()));
    site.write_ca(&ca);
    let url = format!("{}/cm.yaml", site.https());
    let input = format!("kubectl apply -f {url}\nkubectl get cm fromurl -o name\n");
    let ca_path = ca.to_string_lossy().into_owned();
    let (stdout, stderr, code) =
        sunaba_shell_with(input.as_bytes(), &[("SSL_CERT_FILE", ca_path.as_str())]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        ("configmap/fromurl created\nconfigmap/fromurl\n", "", 0)
    );
    let (stdout, stderr, code) =
        sunaba_shell_with(format!("kubectl apply -f {url}\n").as_bytes(), &[]);
    assert_eq!(
        (stdout.as_str(), stderr.as_str(), code),
        (
            "",
            "Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority\n",
            1
        )
    );
    let _ = std::fs::remove_file(&ca);
}
