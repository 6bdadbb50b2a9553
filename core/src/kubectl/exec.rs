//! `kubectl exec` and `kubectl attach`: a command in a container, or a
//! terminal connected to it. A one-shot command runs here and prints its
//! output; `-it` hands the terminal an [`Attach`] to open a shell session.

use super::args::{self, Flag, Parsed};
use super::errors::format_status;
use super::{usage_error, Attach, Context, Output};
use crate::api::{Kind, Object};
use crate::shell::{ContainerShell, StartError, Target};

const FLAGS: &[Flag] = &[
    Flag::string("container", Some('c')),
    Flag::bool("stdin", Some('i')),
    Flag::bool("tty", Some('t')),
    Flag::bool("quiet", Some('q')),
    Flag::strings("filename", Some('f')),
    Flag::string("pod-running-timeout", None),
];

/// Runs `kubectl exec`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("exec", &e),
    };
    let mut out = Output::default();
    let Some(pod_arg) = parsed.positionals.first() else {
        out.fail("error: pod, type/name or --filename must be specified");
        return out;
    };
    if parsed.positionals.len() > 1 {
        out.fail("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
        return out;
    }
    if parsed.after_dash.is_empty() {
        out.fail("error: you must specify at least one command for the container");
        return out;
    }
    let Some(target) = resolve_target(ctx, &parsed, pod_arg, &mut out) else {
        return out;
    };
    let argv = parsed.after_dash.clone();
    let tty = parsed.flag("tty");
    if tty && !parsed.flag("stdin") {
        out.err("Unable to use a TTY - input is not a terminal or the right kind of file");
    }
    if parsed.flag("stdin") {
        // An interactive session: the terminal connects to a new shell process.
        return attach_shell(ctx, target, argv, tty && parsed.flag("stdin"), out);
    }
    // The command runs as the container's process: no shell unless it names one.
    match ContainerShell::start(ctx.cluster, target.clone(), &argv[0], false) {
        Ok(mut shell) => {
            let result = shell.run_argv(ctx.cluster, &argv);
            out.stdout.push_str(&result.stdout);
            out.stderr.push_str(&result.stderr);
            if result.status != 0 {
                out.err(format!(
                    "command terminated with exit code {}",
                    result.status
                ));
                out.exit_code = result.status;
            }
        }
        Err(err) => report_start_error(&err, &mut out),
    }
    out
}

/// Runs `kubectl attach POD -it`: the terminal connects to the main process.
pub fn run_attach(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("attach", &e),
    };
    let mut out = Output::default();
    let Some(pod_arg) = parsed.positionals.first() else {
        out.fail("error: at least 1 argument is required for attach");
        return out;
    };
    let Some(target) = resolve_target(ctx, &parsed, pod_arg, &mut out) else {
        return out;
    };
    let program = main_shell(ctx, &target);
    match program {
        Some(program) if parsed.flag("stdin") => {
            out.attach = Some(Attach {
                target,
                program,
                tty: parsed.flag("tty"),
                main_process: true,
                remove_pod: false,
                session_hint: None,
            });
        }
        Some(_) => out.err("If you don't see a command prompt, try pressing enter."),
        None => out.fail(format!(
            "error: the container {} of pod {} runs no shell to attach to",
            target.container, target.pod
        )),
    }
    out
}

/// The shell a container's main process runs (`sh`, `bash`), if it is one.
pub fn main_shell(ctx: &Context<'_>, target: &Target) -> Option<String> {
    main_shell_of(ctx.cluster, target)
}

/// The shell a container's main process runs (`sh`, `bash`), if it is one.
pub fn main_shell_of(cluster: &crate::Cluster, target: &Target) -> Option<String> {
    let object = cluster
        .api()
        .get(Kind::Pod, &target.namespace, &target.pod)
        .ok()?;
    let Object::Pod(pod) = object.as_ref() else {
        return None;
    };
    let container = pod
        .spec
        .as_ref()?
        .containers
        .iter()
        .find(|c| c.name == target.container)?;
    let mut argv = container.command.clone().unwrap_or_default();
    argv.extend(container.args.clone().unwrap_or_default());
    let first = argv.first().cloned().unwrap_or_else(|| "sh".into());
    let name = first.rsplit('/').next().unwrap_or(&first).to_string();
    matches!(name.as_str(), "sh" | "bash" | "ash").then_some(name)
}

fn attach_shell(
    ctx: &mut Context<'_>,
    target: Target,
    argv: Vec<String>,
    tty: bool,
    mut out: Output,
) -> Output {
    let program = argv.first().cloned().unwrap_or_default();
    match ContainerShell::start(ctx.cluster, target.clone(), &program, tty) {
        Ok(mut shell) => {
            // `sh -c 'script'` with -i runs the script and ends.
            if argv.len() > 1 {
                let result = shell.run_argv(ctx.cluster, &argv);
                out.stdout.push_str(&result.stdout);
                out.stderr.push_str(&result.stderr);
                if result.status != 0 {
                    out.err(format!(
                        "command terminated with exit code {}",
                        result.status
                    ));
                    out.exit_code = result.status;
                }
                return out;
            }
            out.attach = Some(Attach {
                target,
                program,
                tty,
                main_process: false,
                remove_pod: false,
                session_hint: None,
            });
        }
        Err(err) => report_start_error(&err, &mut out),
    }
    out
}

fn report_start_error(err: &StartError, out: &mut Output) {
    out.fail(start_error_message(err));
}

/// What kubectl prints when a shell cannot start in a container.
pub fn start_error_message(err: &StartError) -> String {
    match err {
        StartError::NotRunning(message) => message.clone(),
        StartError::NotFound(program) => format!(
            "error: Internal error occurred: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown",
            exec_id(program)
        ),
    }
}

/// A stable 64-hex-digit exec ID, as containerd names exec processes.
pub fn exec_id(seed: &str) -> String {
    crate::rand::stable_hex_id(0x9e37_79b9_7f4a_7c15, seed)
}

/// The pod and container a command names: `POD`, `pod/POD`, `deploy/NAME`
/// (its first pod), with `-c` or the default container and its notice.
fn resolve_target(
    ctx: &Context<'_>,
    parsed: &Parsed,
    arg: &str,
    out: &mut Output,
) -> Option<Target> {
    let namespace = parsed.value("namespace").unwrap_or("default").to_string();
    let pod_name = match arg.split_once('/') {
        Some((kind, name)) => match Kind::from_resource_arg(kind) {
            Some(Kind::Pod) => name.to_string(),
            Some(kind @ (Kind::Deployment | Kind::ReplicaSet | Kind::Service)) => {
                first_pod_of(ctx, kind, &namespace, name, out)?
            }
            _ => {
                out.fail(format!(
                    "error: the server doesn't have a resource type \"{kind}\""
                ));
                return None;
            }
        },
        None => arg.to_string(),
    };
    let object = match ctx.cluster.api().get(Kind::Pod, &namespace, &pod_name) {
        Ok(object) => object,
        Err(err) => {
            out.fail(format_status(&err, None));
            return None;
        }
    };
    let Object::Pod(pod) = object.as_ref() else {
        return None;
    };
    let phase = pod
        .status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default();
    if phase == "Succeeded" || phase == "Failed" {
        out.fail(format!(
            "error: cannot exec into a container in a completed pod; current phase is {phase}"
        ));
        return None;
    }
    let containers: Vec<String> = pod
        .spec
        .as_ref()
        .map(|s| s.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    let container = match parsed.value("container") {
        Some(name) => name.to_string(),
        None => {
            let default = pod
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get("kubectl.kubernetes.io/default-container"))
                .cloned()
                .or_else(|| containers.first().cloned())
                .unwrap_or_default();
            if containers.len() > 1 && !parsed.flag("quiet") {
                out.err(format!(
                    "Defaulted container \"{default}\" out of: {}",
                    containers.join(", ")
                ));
            }
            default
        }
    };
    if !containers.contains(&container) {
        out.fail(format!(
            "error: unable to upgrade connection: container not found (\"{container}\")"
        ));
        return None;
    }
    Some(Target {
        namespace,
        pod: pod_name,
        container,
    })
}

/// The pod a workload or service selects that kubectl would pick.
fn first_pod_of(
    ctx: &Context<'_>,
    kind: Kind,
    namespace: &str,
    name: &str,
    out: &mut Output,
) -> Option<String> {
    let object = match ctx.cluster.api().get(kind, namespace, name) {
        Ok(object) => object,
        Err(err) => {
            out.fail(format_status(&err, None));
            return None;
        }
    };
    let pod = super::logs::pods_of(ctx, &object)
        .first()
        .and_then(|p| p.metadata.name.clone());
    if pod.is_none() {
        out.fail(format!(
            "error: no pods found for {}/{name}",
            kind.singular()
        ));
    }
    pod
}
