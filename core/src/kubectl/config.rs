//! `kubectl config`: the playground's kubeconfig, read-only. Like the one
//! `sunaba serve` writes, it has one cluster, user and context named
//! `sunaba`, namespace `default`, and points at the control plane that
//! `cluster-info` names. `view` prints it as kubectl does (the CA's data
//! and the token redacted), `current-context` and the `get-*` listings
//! read it; commands that would change it say why they cannot.

use serde_json::{json, Value};

use super::args::{self, Flag};
use super::cluster_info::CONTROL_PLANE_URL;
use super::get::output::Format;
use super::get::table::tabwriter;
use super::{help, usage_error, Context, Output};
use crate::kubectl::yaml::to_yaml;

/// The name of the kubeconfig's cluster, user and context.
pub const CONTEXT: &str = "sunaba";

/// `config view`'s flags.
const VIEW_FLAGS: &[Flag] = &[
    Flag::string("output", Some('o')),
    Flag::bool("minify", None),
    Flag::bool("raw", None),
    Flag::bool("flatten", None),
    Flag::string("template", None),
];

/// What `-o` accepts for `config view`.
const VIEW_FORMATS: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

/// Runs `kubectl config …`.
pub fn run(_ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let Some((command, rest)) = rest.split_first() else {
        return printed(help::text_of(&["config"]));
    };
    match command.as_str() {
        "view" => view(rest),
        "current-context" => listing(command, rest, |_| vec![vec![CONTEXT.to_string()]]),
        "get-contexts" => get_contexts(rest),
        "get-clusters" | "get-users" => listing(command, rest, |_| {
            vec![vec!["NAME".to_string()], vec![CONTEXT.to_string()]]
        }),
        "use-context" | "use" => use_context(command, rest),
        "set-context" | "set-cluster" | "set-credentials" | "set" | "unset" | "delete-context"
        | "delete-cluster" | "delete-user" | "rename-context" => {
            let mut out = Output::default();
            out.fail(format!(
                "error: the playground's kubeconfig cannot be changed (`config {command}`): it has one context, \"{CONTEXT}\"; pick a namespace with -n NAMESPACE on each command"
            ));
            out
        }
        other => {
            let mut out = Output::default();
            out.fail(format!(
                "error: unknown command \"{other}\"\nSee 'kubectl config -h' for help and examples"
            ));
            out
        }
    }
}

/// A help text as the command prints it.
fn printed(text: &str) -> Output {
    Output {
        stdout: text.to_string(),
        ..Output::default()
    }
}

/// The kubeconfig as kubectl holds it, with what `view` redacts redacted.
fn kubeconfig() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Config",
        "preferences": {},
        "clusters": [{
            "name": CONTEXT,
            "cluster": {
                "server": CONTROL_PLANE_URL,
                "certificate-authority-data": "DATA+OMITTED",
            },
        }],
        "users": [{ "name": CONTEXT, "user": { "token": "REDACTED" } }],
        "contexts": [{
            "name": CONTEXT,
            "context": { "cluster": CONTEXT, "user": CONTEXT, "namespace": "default" },
        }],
        "current-context": CONTEXT,
    })
}

/// `-o json`: Go's field order for a kubeconfig, four-space indents.
fn kubeconfig_json() -> String {
    format!(
        r#"{{
    "kind": "Config",
    "apiVersion": "v1",
    "preferences": {{}},
    "clusters": [
        {{
            "name": "{CONTEXT}",
            "cluster": {{
                "server": "{CONTROL_PLANE_URL}",
                "certificate-authority-data": "DATA+OMITTED"
            }}
        }}
    ],
    "users": [
        {{
            "name": "{CONTEXT}",
            "user": {{
                "token": "REDACTED"
            }}
        }}
    ],
    "contexts": [
        {{
            "name": "{CONTEXT}",
            "context": {{
                "cluster": "{CONTEXT}",
                "user": "{CONTEXT}",
                "namespace": "default"
            }}
        }}
    ],
    "current-context": "{CONTEXT}"
}}
"#
    )
}

fn view(rest: &[String]) -> Output {
    let parsed = match args::parse(rest, VIEW_FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("config view", &e),
    };
    let mut out = Output::default();
    if parsed.flag("raw") {
        out.fail("error: --raw has nothing to show here: the playground's cluster runs in this tab, with no certificate or token");
        return out;
    }
    let text = parsed.value("output").unwrap_or("yaml");
    let format = match text {
        "yaml" | "json" | "name" => Format::parse(&parsed).ok(),
        jsonpath if jsonpath.starts_with("jsonpath=") => match Format::parse(&parsed) {
            Ok(format) => Some(format),
            Err(message) => {
                out.fail(message);
                return out;
            }
        },
        _ => None,
    };
    match format {
        Some(Format::Json) => out.stdout = kubeconfig_json(),
        Some(Format::Name) => out.out("config/<unknown>"),
        Some(Format::JsonPath(template)) => out.stdout = template.execute(&kubeconfig()),
        Some(_) | None if text == "yaml" => out.stdout = to_yaml(&kubeconfig()),
        _ => out.fail(format!(
            "error: unable to match a printer suitable for the output format \"{text}\", allowed formats are: {VIEW_FORMATS}"
        )),
    }
    out
}

/// `get-contexts [NAME…]`: kubectl's table, the current context starred.
fn get_contexts(rest: &[String]) -> Output {
    let parsed = match args::parse(
        rest,
        &[
            Flag::string("output", Some('o')),
            Flag::bool("no-headers", None),
        ],
    ) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("config get-contexts", &e),
    };
    let mut out = Output::default();
    let missing: Vec<&String> = parsed
        .positionals
        .iter()
        .filter(|name| name.as_str() != CONTEXT)
        .collect();
    let name_only = parsed.value("output") == Some("name");
    let mut rows = Vec::new();
    if !parsed.flag("no-headers") && !name_only {
        rows.push(
            ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]
                .map(String::from)
                .to_vec(),
        );
    }
    if missing.len() < parsed.positionals.len() || parsed.positionals.is_empty() {
        rows.push(if name_only {
            vec![CONTEXT.to_string()]
        } else {
            ["*", CONTEXT, CONTEXT, CONTEXT, "default"]
                .map(String::from)
                .to_vec()
        });
    }
    out.stdout = tabwriter(&rows);
    for name in missing {
        out.fail(format!("error: context {name} not found"));
    }
    out
}

/// A command that takes no flags and prints rows.
fn listing(command: &str, rest: &[String], rows: impl Fn(&[String]) -> Vec<Vec<String>>) -> Output {
    match args::parse(rest, &[]) {
        Ok(parsed) => Output {
            stdout: tabwriter(&rows(&parsed.positionals)),
            ..Output::default()
        },
        Err(e) => usage_error(&format!("config {command}"), &e),
    }
}

/// `use-context NAME`: the one context there is.
fn use_context(command: &str, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, &[]) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error(&format!("config {command}"), &e),
    };
    let mut out = Output::default();
    match parsed.positionals.as_slice() {
        [name] if name == CONTEXT => out.out(format!("Switched to context \"{CONTEXT}\".")),
        [name] => out.fail(format!(
            "error: no context exists with the name: \"{name}\""
        )),
        _ => out.fail(format!(
            "error: Unexpected args: {:?}\nSee 'kubectl config {command} -h' for help and examples",
            parsed.positionals
        )),
    }
    out
}

/// `kubectl proxy`: there is no port to open in a playground; the cluster
/// view beside the terminal is its dashboard.
pub fn proxy(rest: &[String]) -> Output {
    let _ = rest;
    let mut out = Output::default();
    out.fail("error: kubectl proxy serves the Kubernetes API on a port of this machine (127.0.0.1:8001) for browsers and dashboards; this playground's cluster runs inside the page and opens no port. Its dashboard is the cluster view beside this terminal: nodes, pods, Deployments and Services, live. With `sunaba serve`, the API itself is on the port it printed.");
    out
}
