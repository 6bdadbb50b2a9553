//! `kubectl run NAME --image=IMAGE [-- ARGS]`: one pod, labelled
//! `run=NAME`, with a container of the same name. With `-i`/`-t` kubectl
//! waits for it to run and attaches the terminal; with `--rm` it deletes
//! the pod when the session ends.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, ContainerPort, EnvVar, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::args::{self, Flag, Parsed};
use super::errors::format_status;
use super::print_flags::{self, DryRun, Printed, Printer};
use super::{usage_error, Attach, Context, Output};
use crate::api::{Kind, Object};
use crate::apiserver::WriteOptions;
use crate::shell::Target;

const FLAGS: &[Flag] = &[
    Flag::string("image", None),
    Flag::string("restart", None),
    Flag::bool("stdin", Some('i')),
    Flag::bool("tty", Some('t')),
    Flag::bool("rm", None),
    Flag::bool("attach", None),
    Flag::strings("env", None),
    Flag::string("labels", Some('l')),
    Flag::string("port", None),
    Flag::bool("command", None),
    Flag::string("dry-run", None),
    Flag::string("output", Some('o')),
    Flag::string("image-pull-policy", None),
    Flag::bool("quiet", Some('q')),
    Flag::string("pod-running-timeout", None),
    Flag::strings("annotations", None),
];

/// How long kubectl waits for an attached pod to run (`--pod-running-timeout`).
const POD_RUNNING_TIMEOUT_MS: i64 = 60_000;

/// Runs `kubectl run`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("run", &e),
    };
    let mut out = Output::default();
    if let Err(message) = validate(&parsed) {
        out.fail(message);
        return out;
    }
    let name = parsed.positionals[0].clone();
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let pod = match pod_for(&parsed, &name) {
        Ok(pod) => pod,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    let attach = parsed.flag("stdin") || parsed.flag("attach");
    let (dry_run, warning) = match print_flags::parse_dry_run(&parsed, ctx.cluster.now()) {
        Ok(dry_run) => dry_run,
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    if let Some(warning) = warning {
        out.err(warning);
    }
    let mut printer = match print_flags::parse_format(&parsed) {
        Ok(format) => Printer::new(format, format!("created{}", dry_run.suffix())),
        Err(message) => {
            out.fail(message);
            return out;
        }
    };
    if dry_run == DryRun::Client {
        // The pod as the generator built it, Go's zero values included.
        let value = serde_json::to_value(&pod).unwrap_or_default();
        out.stdout.push_str(&printer.print(&Printed {
            kind: Kind::Pod,
            name: &name,
            value: &value,
            typed: true,
        }));
        return out;
    }
    let mut object = Object::Pod(Box::new(pod));
    object.metadata_mut().namespace = Some(namespace.clone());
    let options = WriteOptions {
        dry_run: dry_run == DryRun::Server,
        field_manager: Some("kubectl-run".into()),
    };
    let created = match ctx.cluster.create_with(object, &options) {
        Ok(created) => created,
        Err(err) => {
            out.fail(format_status(&err, None));
            return out;
        }
    };
    if !attach || dry_run == DryRun::Server {
        out.stdout.push_str(&printer.print_object(&created));
        return out;
    }
    if !wait_until_running(ctx, &namespace, &name) {
        out.fail(format!(
            "error: timed out waiting for the condition on pods/{name}"
        ));
        return out;
    }
    let target = Target {
        namespace,
        pod: name.clone(),
        container: name.clone(),
    };
    let tty = parsed.flag("tty");
    let restart = parsed.value("restart").unwrap_or("Always");
    match super::exec::main_shell(ctx, &target) {
        Some(program) if parsed.flag("stdin") => {
            if !parsed.flag("quiet") {
                out.err("If you don't see a command prompt, try pressing enter.");
            }
            out.attach = Some(Attach {
                target,
                program,
                tty,
                main_process: true,
                remove_pod: parsed.flag("rm"),
                session_hint: (restart == "Always" && tty && !parsed.flag("rm")).then(|| {
                    format!("Session ended, resume using 'kubectl attach {name} -c {name} -i -t' command when the pod is running")
                }),
            });
        }
        _ => {
            // Not a shell: show what it prints, as an attached stream would.
            let logs = ctx
                .cluster
                .kubelets()
                .logs(&target.namespace, &target.pod, &target.container, false)
                .map(|lines| {
                    lines
                        .iter()
                        .map(|l| format!("{}\n", l.text))
                        .collect::<String>()
                })
                .unwrap_or_default();
            out.stdout.push_str(&logs);
            if parsed.flag("rm") {
                let key = crate::store::ObjectKey::new(Kind::Pod, &target.namespace, &name);
                let _ = ctx
                    .cluster
                    .delete(&key, &crate::apiserver::DeleteOptions::default());
                out.out(format!("pod \"{name}\" deleted"));
            }
        }
    }
    out
}

/// kubectl's own checks, before anything reaches the server.
fn validate(parsed: &Parsed) -> Result<(), String> {
    let hint = "\nSee 'kubectl run -h' for help and examples";
    if parsed.positionals.is_empty() {
        return Err(format!("error: NAME is required for run{hint}"));
    }
    if parsed.value("image").is_none_or(str::is_empty) {
        return Err("error: required flag(s) \"image\" not set".into());
    }
    if let Some(policy) = parsed.value("restart") {
        if !["Always", "OnFailure", "Never"].contains(&policy) {
            return Err(format!("error: invalid restart policy: {policy}{hint}"));
        }
    }
    let attach = parsed.flag("stdin") || parsed.flag("attach");
    if parsed.flag("tty") && !parsed.flag("stdin") {
        return Err(format!(
            "error: -i/--stdin is required for containers with -t/--tty=true{hint}"
        ));
    }
    if parsed.flag("rm") && !attach {
        return Err(format!(
            "error: --rm should only be used for attached containers{hint}"
        ));
    }
    if attach && parsed.value("dry-run").is_some_and(|d| d != "none") {
        return Err(format!("error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty){hint}"));
    }
    Ok(())
}

/// The pod `kubectl run` creates.
fn pod_for(parsed: &Parsed, name: &str) -> Result<Pod, String> {
    let mut labels = BTreeMap::new();
    match parsed.value("labels") {
        Some(text) => {
            for pair in text.split(',').filter(|p| !p.is_empty()) {
                let (k, v) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("error: invalid label spec: {pair}"))?;
                labels.insert(k.to_string(), v.to_string());
            }
        }
        None => {
            labels.insert("run".to_string(), name.to_string());
        }
    }
    let env: Vec<EnvVar> = parsed
        .all("env")
        .iter()
        .map(|e| {
            let (k, v) = e.split_once('=').unwrap_or((e, ""));
            EnvVar {
                name: k.to_string(),
                value: Some(v.to_string()),
                value_from: None,
            }
        })
        .collect();
    let ports = match parsed.value("port") {
        Some(port) => Some(vec![ContainerPort {
            container_port: port
                .parse()
                .map_err(|_| format!("error: strconv.Atoi: parsing {port:?}: invalid syntax"))?,
            ..ContainerPort::default()
        }]),
        None => None,
    };
    let rest = parsed.after_dash.clone();
    let (command, args) = match (parsed.flag("command"), rest.is_empty()) {
        (_, true) => (None, None),
        (true, false) => (Some(rest), None),
        (false, false) => (None, Some(rest)),
    };
    let interactive = parsed.flag("stdin");
    let container = Container {
        name: name.to_string(),
        image: parsed.value("image").map(str::to_string),
        image_pull_policy: parsed.value("image-pull-policy").map(str::to_string),
        command,
        args,
        env: (!env.is_empty()).then_some(env),
        ports,
        stdin: interactive.then_some(true),
        stdin_once: interactive.then_some(true),
        tty: parsed.flag("tty").then_some(true),
        ..Container::default()
    };
    Ok(Pod {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: Some(labels),
            ..ObjectMeta::default()
        },
        spec: Some(PodSpec {
            containers: vec![container],
            // kubectl's generator sets it, as the API server would default it.
            dns_policy: Some("ClusterFirst".to_string()),
            restart_policy: Some(parsed.value("restart").unwrap_or("Always").to_string()),
            ..PodSpec::default()
        }),
        status: None,
    })
}

/// Runs the clock until the pod runs, as kubectl waits before attaching.
fn wait_until_running(ctx: &mut Context<'_>, namespace: &str, name: &str) -> bool {
    let deadline = ctx.cluster.now().plus_millis(POD_RUNNING_TIMEOUT_MS);
    while ctx.cluster.now() < deadline {
        let phase = ctx
            .cluster
            .api()
            .get(Kind::Pod, namespace, name)
            .ok()
            .and_then(|o| match o.as_ref() {
                Object::Pod(p) => p.status.as_ref().and_then(|s| s.phase.clone()),
                _ => None,
            })
            .unwrap_or_default();
        if phase != "Pending" && !phase.is_empty() {
            return true;
        }
        ctx.cluster.advance(250);
    }
    false
}
