//! `kubectl create` with a generator: `deployment`, `service clusterip|
//! nodeport|loadbalancer|externalname`, `namespace`, `configmap` and
//! `secret generic`. Each builds the object kubectl's generator builds
//! (so `--dry-run=client -o yaml` prints what kubectl prints, down to
//! `creationTimestamp: null`), then creates it through the API server.
//! `create -f` stays in `apply.rs`; this module dispatches to it.

use serde_json::{json, Map, Value};

use super::args::{self, ArgError, Flag, Parsed};
use super::print_flags::{self, DryRun, Printed, Printer};
use super::{apply, go_json, usage_error, Context, Files, Output};
use crate::api::{Kind, Object};
use crate::apiserver::WriteOptions;

/// Flags every generator has.
const COMMON: [Flag; 9] = [
    Flag::string("dry-run", None),
    Flag::string("output", Some('o')),
    Flag::bool("save-config", None),
    Flag::string("validate", None),
    Flag::string("field-manager", None),
    Flag::string("template", None),
    Flag::bool("show-managed-fields", None),
    Flag::bool("allow-missing-template-keys", None),
    Flag::bool("edit", None),
];

/// The flags of `kubectl create` itself whose value is the next word, for
/// finding the subcommand as cobra does.
const VALUE_FLAGS: &[&str] = &[
    "-f",
    "--filename",
    "-o",
    "--output",
    "-l",
    "--selector",
    "-k",
    "--kustomize",
    "--raw",
    "--template",
    "--field-manager",
    "-n",
    "--namespace",
    "--context",
    "--cluster",
    "--user",
    "-s",
    "--server",
    "--token",
    "--kubeconfig",
    "--request-timeout",
    "-v",
];

/// `kubectl create` subcommands Sunaba does not generate yet.
const NOT_YET: &[&str] = &[
    "cronjob",
    "cj",
    "job",
    "poddisruptionbudget",
    "pdb",
    "priorityclass",
    "pc",
    "quota",
    "resourcequota",
    "token",
];

/// Runs `kubectl create …`: a generator when the first word names one, `create -f` otherwise.
pub fn run(ctx: &mut Context<'_>, rest: &[String], full: &[String]) -> Output {
    let Some((at, word)) = subcommand(rest) else {
        if !names_files(rest) {
            let mut out = Output::default();
            out.fail("error: must specify one of -f and -k");
            return out;
        }
        return apply::run_create(ctx, rest, full);
    };
    let mut args = rest.to_vec();
    args.remove(at);
    match word.as_str() {
        "deployment" | "deploy" => deployment(ctx, &args),
        "service" | "svc" => service(ctx, &args),
        "namespace" | "ns" => namespace(ctx, &args),
        "configmap" | "cm" => configmap(ctx, &args),
        "secret" => secret(ctx, &args),
        "serviceaccount" | "sa" => service_account(ctx, &args),
        "rolebinding" => role_binding(ctx, &args, Binding::Namespaced),
        "clusterrolebinding" => role_binding(ctx, &args, Binding::Cluster),
        "ingress" | "ing" => super::create_ingress::run(ctx, &args),
        "role" => super::create_role::run(ctx, &args, super::create_role::Scope::Namespaced),
        "clusterrole" => super::create_role::run(ctx, &args, super::create_role::Scope::Cluster),
        other if NOT_YET.contains(&other) => {
            let mut out = Output::default();
            out.fail(format!(
                "error: \"kubectl create {other}\" is not simulated by Sunaba yet; write a manifest and use \"kubectl create -f\""
            ));
            out
        }
        _ => unexpected_args(rest),
    }
}

/// The first word that is not a flag or a flag's value, as cobra finds a subcommand.
fn subcommand(args: &[String]) -> Option<(usize, String)> {
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if arg == "--" {
            return None;
        }
        if arg.starts_with('-') && arg.len() > 1 {
            if !arg.contains('=') && VALUE_FLAGS.contains(&arg.as_str()) {
                i += 1;
            }
            i += 1;
            continue;
        }
        return Some((i, arg.clone()));
    }
    None
}

/// cobra's `RequireNoArguments` for a command that only groups subcommands.
pub fn unknown_subcommand(rest: &[String], path: &str) -> Output {
    let mut words: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let arg = &rest[i];
        if arg.starts_with('-') && arg.len() > 1 {
            if !arg.contains('=') && VALUE_FLAGS.contains(&arg.as_str()) {
                i += 1;
            }
        } else {
            words.push(arg);
        }
        i += 1;
    }
    let mut out = Output::default();
    out.fail(format!(
        "error: unknown command \"{}\"\nSee 'kubectl {path} -h' for help and examples",
        words.join(" ")
    ));
    out
}

/// Whether `-f` or `-k` appears, in any spelling.
fn names_files(args: &[String]) -> bool {
    args.iter().take_while(|a| *a != "--").any(|a| {
        a == "--filename"
            || a.starts_with("--filename=")
            || a == "--kustomize"
            || a.starts_with("--kustomize=")
            || (a.starts_with('-')
                && !a.starts_with("--")
                && a[1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .any(|c| c == 'f' || c == 'k'))
    })
}

/// `create` given words it has no generator for.
fn unexpected_args(rest: &[String]) -> Output {
    let mut out = Output::default();
    let words: Vec<String> = match args::parse(rest, &[Flag::strings("filename", Some('f'))]) {
        Ok(parsed) => parsed.positionals,
        Err(_) => rest
            .iter()
            .filter(|a| !a.starts_with('-'))
            .cloned()
            .collect(),
    };
    out.fail(format!(
        "error: Unexpected args: [{}]\nSee 'kubectl create -h' for help and examples",
        words.join(" ")
    ));
    out
}

/// What every generator reads the same way.
pub(super) struct Common {
    dry_run: DryRun,
    printer: Printer,
    namespace: String,
    /// `-n` was given: the generated object names its namespace.
    explicit_namespace: bool,
    save_config: bool,
    field_manager: String,
}

/// Parses a generator's flags (`usage` is its command path for cobra's errors).
pub(super) fn parse(rest: &[String], own: &[Flag], usage: &str) -> Result<Parsed, Box<Output>> {
    let mut flags: Vec<Flag> = own.to_vec();
    flags.extend(COMMON);
    args::parse(&print_flags::normalize_dry_run(rest), &flags)
        .map_err(|e| Box::new(usage_error(usage, &e)))
}

/// `NameFromCommandArgs`: exactly one word before `--`.
pub(super) fn name_of(parsed: &Parsed, usage: &str) -> Result<String, String> {
    match parsed.positionals.as_slice() {
        [name] => Ok(name.clone()),
        other => Err(format!(
            "error: exactly one NAME is required, got {}\nSee 'kubectl {usage} -h' for help and examples",
            other.len()
        )),
    }
}

/// The dry run and printer, after the name, as each generator's `Complete` reads them.
pub(super) fn common(
    ctx: &Context<'_>,
    parsed: &Parsed,
    out: &mut Output,
) -> Result<Common, String> {
    let (dry_run, warning) = print_flags::parse_dry_run(parsed, ctx.cluster.now())?;
    let format = print_flags::parse_format(parsed)?;
    if let Some(warning) = warning {
        out.err(warning);
    }
    Ok(Common {
        dry_run,
        printer: Printer::new(format, format!("created{}", dry_run.suffix())),
        namespace: parsed.value("namespace").unwrap_or("default").to_string(),
        explicit_namespace: parsed.value("namespace").is_some(),
        save_config: parsed.flag("save-config"),
        field_manager: parsed
            .value("field-manager")
            .unwrap_or("kubectl-create")
            .to_string(),
    })
}

/// `metadata` as the generators fill it: name, the namespace when `-n` was given, a null creation time.
pub(super) fn metadata(name: &str, common: &Common) -> Map<String, Value> {
    let mut meta = Map::new();
    meta.insert("name".into(), json!(name));
    if common.explicit_namespace {
        meta.insert("namespace".into(), json!(common.namespace));
    }
    meta.insert("creationTimestamp".into(), Value::Null);
    meta
}

/// Prints the generated object (`--dry-run=client`) or creates it and
/// prints the server's answer; `failed` wraps an API error's message.
pub(super) fn finish(
    ctx: &mut Context<'_>,
    kind: Kind,
    mut value: Value,
    mut common: Common,
    failed: impl Fn(&crate::api::StatusError) -> String,
    out: &mut Output,
) {
    if common.save_config {
        let text = format!("{}\n", go_json::to_compact_json(kind, &value));
        if let Some(meta) = value.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("annotations".into(), json!({ apply::LAST_APPLIED: text }));
        }
    }
    let shown = if common.dry_run == DryRun::Client {
        value
    } else {
        let object = match Object::from_value(kind, &value) {
            Ok(object) => with_namespace(object, kind, &common.namespace),
            Err(e) => {
                out.fail(format!("error: {e}"));
                return;
            }
        };
        let options = WriteOptions {
            dry_run: common.dry_run == DryRun::Server,
            field_manager: Some(common.field_manager.clone()),
        };
        match ctx.cluster.create_with(object, &options) {
            Ok(created) => created.to_value(),
            Err(err) => {
                out.fail(failed(&err));
                return;
            }
        }
    };
    let name = shown
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    out.stdout.push_str(&common.printer.print(&Printed {
        kind,
        name: &name,
        value: &shown,
        typed: true,
    }));
}

/// [`finish`] for generators whose API errors print as kubectl prints any.
pub(super) fn finish_object(
    ctx: &mut Context<'_>,
    kind: Kind,
    value: Value,
    common: Common,
    out: &mut Output,
) -> Result<(), String> {
    finish(
        ctx,
        kind,
        value,
        common,
        |e| super::errors::format_status(e, None),
        out,
    );
    Ok(())
}

fn with_namespace(mut object: Object, kind: Kind, namespace: &str) -> Object {
    if kind.is_namespaced() {
        object.metadata_mut().namespace = Some(namespace.to_string());
    }
    object
}

/// Runs a generator whose name and common flags come first: parses its
/// flags (usage errors in cobra's words), reads the NAME and the flags every
/// generator has, then runs `body`, printing its error if it has one.
pub(super) fn generate(
    ctx: &mut Context<'_>,
    rest: &[String],
    own: &[Flag],
    usage: &str,
    body: impl FnOnce(&mut Context<'_>, &Parsed, String, Common, &mut Output) -> Result<(), String>,
) -> Output {
    let parsed = match parse(rest, own, usage) {
        Ok(parsed) => parsed,
        Err(out) => return *out,
    };
    guarded(|out| {
        let name = name_of(&parsed, usage)?;
        let common = common(ctx, &parsed, out)?;
        body(ctx, &parsed, name, common, out)
    })
}

/// Runs a generator body, printing its error if it has one.
pub(super) fn guarded(body: impl FnOnce(&mut Output) -> Result<(), String>) -> Output {
    let mut out = Output::default();
    if let Err(message) = body(&mut out) {
        out.fail(message);
    }
    out
}

// ---- deployment --------------------------------------------------------

/// `kubectl create deployment NAME --image=IMAGE… [--replicas=N] [--port=P] [-- COMMAND…]`.
fn deployment(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    const USAGE: &str = "create deployment";
    let own = [
        Flag::strings("image", None),
        Flag::string("port", None),
        Flag::string("replicas", Some('r')),
    ];
    let parsed = match parse(rest, &own, USAGE) {
        Ok(parsed) => parsed,
        Err(out) => return *out,
    };
    let int = |long: &str, shown: &str| {
        print_flags::int_flag(&parsed, long, shown, 32)
            .map_err(|e| Box::new(usage_error(USAGE, &ArgError(e))))
    };
    let (port, replicas) = match (int("port", "--port"), int("replicas", "-r, --replicas")) {
        (Ok(port), Ok(replicas)) => (port.unwrap_or(-1), replicas.unwrap_or(1)),
        (Err(out), _) | (_, Err(out)) => return *out,
    };
    let images: Vec<String> = parsed
        .all("image")
        .iter()
        .flat_map(|i| i.split(','))
        .map(str::to_string)
        .collect();
    if !parsed.has("image") {
        let mut out = Output::default();
        out.fail(print_flags::required_flag_error(ctx.cluster.now(), "image"));
        return out;
    }
    guarded(|out| {
        let name = name_of(&parsed, USAGE)?;
        let common = common(ctx, &parsed, out)?;
        let command = parsed.after_dash.clone();
        if images.len() > 1 && !command.is_empty() {
            return Err("error: cannot specify multiple --image options and command".into());
        }
        let seed = ctx.cluster.now().millis();
        let value = deployment_value(&name, &images, &command, port, replicas, seed, &common);
        finish(
            ctx,
            Kind::Deployment,
            value,
            common,
            |e| format!("error: failed to create deployment: {}", e.message()),
            out,
        );
        Ok(())
    })
}

fn deployment_value(
    name: &str,
    images: &[String],
    command: &[String],
    port: i64,
    replicas: i64,
    seed: i64,
    common: &Common,
) -> Value {
    let labels = json!({ "app": name });
    let mut containers: Vec<Value> = images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            let mut container = Map::new();
            let salt = seed.wrapping_add(i64::try_from(i).unwrap_or(0));
            container.insert("name".into(), json!(container_name(image, salt)));
            container.insert("image".into(), json!(image));
            if !command.is_empty() {
                container.insert("command".into(), json!(command));
            }
            container.insert("resources".into(), json!({}));
            Value::Object(container)
        })
        .collect();
    if let (true, Some(Value::Object(first))) = (port >= 0, containers.first_mut()) {
        first.insert("ports".into(), json!([{ "containerPort": port }]));
    }
    let mut meta = metadata(name, common);
    meta.insert("labels".into(), labels.clone());
    json!({
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": meta,
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": labels },
            "template": {
                "metadata": { "creationTimestamp": null, "labels": labels },
                "spec": { "containers": containers },
            },
            "strategy": {},
        },
        "status": {},
    })
}

/// The container name `create deployment` derives from an image: the last
/// path segment without tag or digest; `_` and `.` become `-` and a random suffix follows.
fn container_name(image: &str, salt: i64) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let name = last.split(':').next().unwrap_or(last);
    let name = name.split('@').next().unwrap_or(name);
    if !name.contains(['_', '.']) {
        return name.to_string();
    }
    let clean = name.replace(['_', '.'], "-");
    format!("{clean}-{}", random_suffix(&format!("{clean}{salt}")))
}

/// Five characters of `utilrand.String`'s alphabet, drawn from a hash of `seed`.
fn random_suffix(seed: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in seed.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..5)
        .map(|i| {
            let index = (hash >> (i * 8)) % ALPHABET.len() as u64;
            char::from(ALPHABET[usize::try_from(index).unwrap_or(0)])
        })
        .collect()
}

// ---- service -----------------------------------------------------------

/// The service types `create service` has subcommands for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ServiceType {
    ClusterIp,
    NodePort,
    LoadBalancer,
    ExternalName,
}

impl ServiceType {
    fn name(self) -> &'static str {
        match self {
            ServiceType::ClusterIp => "ClusterIP",
            ServiceType::NodePort => "NodePort",
            ServiceType::LoadBalancer => "LoadBalancer",
            ServiceType::ExternalName => "ExternalName",
        }
    }

    fn command(self) -> &'static str {
        match self {
            ServiceType::ClusterIp => "clusterip",
            ServiceType::NodePort => "nodeport",
            ServiceType::LoadBalancer => "loadbalancer",
            ServiceType::ExternalName => "externalname",
        }
    }
}

/// `kubectl create service TYPE NAME --tcp=PORT[:TARGET]…`.
fn service(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let Some((at, word)) = subcommand(rest) else {
        let mut out = Output::default();
        out.fail(super::help::text_of(&["create", "service"]).trim_end_matches('\n'));
        return out;
    };
    let kind = match word.as_str() {
        "clusterip" => ServiceType::ClusterIp,
        "nodeport" => ServiceType::NodePort,
        "loadbalancer" => ServiceType::LoadBalancer,
        "externalname" => ServiceType::ExternalName,
        _ => return unknown_subcommand(rest, "create service"),
    };
    let mut args = rest.to_vec();
    args.remove(at);
    service_of(ctx, &args, kind)
}

fn service_of(ctx: &mut Context<'_>, rest: &[String], kind: ServiceType) -> Output {
    let usage = format!("create service {}", kind.command());
    let mut own = vec![Flag::strings("tcp", None)];
    match kind {
        ServiceType::ClusterIp => own.push(Flag::string("clusterip", None)),
        ServiceType::NodePort => own.push(Flag::string("node-port", None)),
        ServiceType::ExternalName => own.push(Flag::string("external-name", None)),
        ServiceType::LoadBalancer => {}
    }
    let parsed = match parse(rest, &own, &usage) {
        Ok(parsed) => parsed,
        Err(out) => return *out,
    };
    let node_port = match print_flags::int_flag(&parsed, "node-port", "--node-port", 64) {
        Ok(port) => port.unwrap_or(0),
        Err(e) => return usage_error(&usage, &ArgError(e)),
    };
    if kind == ServiceType::ExternalName && !parsed.has("external-name") {
        let mut out = Output::default();
        out.fail(print_flags::required_flag_error(
            ctx.cluster.now(),
            "external-name",
        ));
        return out;
    }
    guarded(|out| {
        let name = name_of(&parsed, &usage)?;
        let common = common(ctx, &parsed, out)?;
        let tcp: Vec<String> = parsed
            .all("tcp")
            .iter()
            .flat_map(|t| t.split(','))
            .map(str::to_string)
            .collect();
        let cluster_ip = parsed.value("clusterip").unwrap_or("");
        let external = parsed.value("external-name").unwrap_or("");
        validate_service(kind, &tcp, cluster_ip, external)?;
        let ports = service_ports(&tcp, node_port)?;
        let value = service_value(&name, kind, ports, cluster_ip, external, &common);
        let type_name = kind.name();
        finish(
            ctx,
            Kind::Service,
            value,
            common,
            |e| {
                format!(
                    "error: failed to create {type_name} service: {}",
                    e.message()
                )
            },
            out,
        );
        Ok(())
    })
}

fn validate_service(
    kind: ServiceType,
    tcp: &[String],
    cluster_ip: &str,
    external: &str,
) -> Result<(), String> {
    if cluster_ip == "None" && kind != ServiceType::ClusterIp {
        return Err("error: ClusterIP=None can only be used with ClusterIP service type".into());
    }
    if cluster_ip != "None" && tcp.is_empty() && kind != ServiceType::ExternalName {
        return Err("error: at least one tcp port specifier must be provided".into());
    }
    if kind == ServiceType::ExternalName
        && crate::apiserver::validation::dns1123_subdomain(external).is_some()
    {
        return Err(format!("error: invalid service external name {external}"));
    }
    Ok(())
}

/// `--tcp` specs as ports named after themselves (`80:8080` → `80-8080`).
fn service_ports(tcp: &[String], node_port: i64) -> Result<Vec<Value>, String> {
    tcp.iter()
        .map(|spec| {
            let (port, target) = parse_port_spec(spec)?;
            let mut entry = Map::new();
            entry.insert("name".into(), json!(spec.replace(':', "-")));
            entry.insert("protocol".into(), json!("TCP"));
            entry.insert("port".into(), json!(port));
            entry.insert("targetPort".into(), target);
            if node_port != 0 {
                entry.insert("nodePort".into(), json!(node_port));
            }
            Ok(Value::Object(entry))
        })
        .collect()
}

/// `parsePorts`: a port (0–65535) and a target port, number or name.
fn parse_port_spec(spec: &str) -> Result<(u16, Value), String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let first = parts.first().copied().unwrap_or("");
    let port: u16 = first.parse().map_err(|_| {
        let reason = if !first.is_empty() && first.bytes().all(|b| b.is_ascii_digit()) {
            "value out of range"
        } else {
            "invalid syntax"
        };
        format!("error: strconv.ParseUint: parsing \"{first}\": {reason}")
    })?;
    let Some(target) = parts.get(1) else {
        return Ok((port, json!(port)));
    };
    match target.parse::<i64>() {
        Ok(number) if (1..=65535).contains(&number) => Ok((port, json!(number))),
        Ok(_) => Err("error: must be between 1 and 65535, inclusive".into()),
        Err(_) => match port_name_problems(target) {
            Some(problems) => Err(format!("error: {problems}")),
            None => Ok((port, json!(target))),
        },
    }
}

/// `validation.IsValidPortName`.
pub fn port_name_problems(name: &str) -> Option<String> {
    let mut problems = Vec::new();
    if name.len() > 15 {
        problems.push("must be no more than 15 characters");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        problems.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    }
    if name.contains("--") {
        problems.push("must not contain consecutive hyphens");
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        problems.push("must contain at least one letter (a-z)");
    }
    if name.starts_with('-') || name.ends_with('-') {
        problems.push("must not begin or end with a hyphen");
    }
    (!problems.is_empty()).then(|| problems.join(","))
}

fn service_value(
    name: &str,
    kind: ServiceType,
    ports: Vec<Value>,
    cluster_ip: &str,
    external: &str,
    common: &Common,
) -> Value {
    let labels = json!({ "app": name });
    let mut meta = metadata(name, common);
    meta.insert("labels".into(), labels.clone());
    let mut spec = Map::new();
    if !ports.is_empty() {
        spec.insert("ports".into(), Value::Array(ports));
    }
    spec.insert("selector".into(), labels);
    if !cluster_ip.is_empty() {
        spec.insert("clusterIP".into(), json!(cluster_ip));
    }
    spec.insert("type".into(), json!(kind.name()));
    if !external.is_empty() {
        spec.insert("externalName".into(), json!(external));
    }
    json!({
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": meta,
        "spec": spec,
        "status": { "loadBalancer": {} },
    })
}

// ---- namespace ---------------------------------------------------------

/// `kubectl create namespace NAME`.
fn namespace(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    const USAGE: &str = "create namespace";
    generate(ctx, rest, &[], USAGE, |ctx, _, name, common, out| {
        let mut meta = Map::new();
        meta.insert("name".into(), json!(name));
        meta.insert("creationTimestamp".into(), Value::Null);
        let value = json!({
            "kind": "Namespace",
            "apiVersion": "v1",
            "metadata": meta,
            "spec": {},
            "status": {},
        });
        finish_object(ctx, Kind::Namespace, value, common, out)
    })
}

// ---- serviceaccount ------------------------------------------------------

/// `kubectl create serviceaccount NAME`.
fn service_account(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    const USAGE: &str = "create serviceaccount";
    generate(ctx, rest, &[], USAGE, |ctx, _, name, common, out| {
        let value = json!({
            "kind": "ServiceAccount",
            "apiVersion": "v1",
            "metadata": metadata(&name, &common),
        });
        finish(
            ctx,
            Kind::ServiceAccount,
            value,
            common,
            |e| format!("error: failed to create serviceaccount: {}", e.message()),
            out,
        );
        Ok(())
    })
}

// ---- rolebinding and clusterrolebinding ----------------------------------

/// Which binding a generator makes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Binding {
    /// `create rolebinding`: a Role or a ClusterRole, in a namespace.
    Namespaced,
    /// `create clusterrolebinding`: a ClusterRole, cluster-wide.
    Cluster,
}

/// The flags a binding names its role and subjects with.
const BINDING_FLAGS: &[Flag] = &[
    Flag::string("clusterrole", None),
    Flag::strings("user", None),
    Flag::strings("group", None),
    Flag::strings("serviceaccount", None),
];

/// `kubectl create rolebinding|clusterrolebinding NAME --clusterrole=…|--role=…
/// [--user=…] [--group=…] [--serviceaccount=namespace:name]`.
fn role_binding(ctx: &mut Context<'_>, rest: &[String], binding: Binding) -> Output {
    let (usage, kind, kind_name) = match binding {
        Binding::Namespaced => ("create rolebinding", Kind::RoleBinding, "RoleBinding"),
        Binding::Cluster => (
            "create clusterrolebinding",
            Kind::ClusterRoleBinding,
            "ClusterRoleBinding",
        ),
    };
    let mut flags = BINDING_FLAGS.to_vec();
    if binding == Binding::Namespaced {
        flags.push(Flag::string("role", None));
    }
    generate(
        ctx,
        rest,
        &flags,
        usage,
        |ctx, parsed, name, common, out| {
            let role_ref = role_ref(parsed, binding)?;
            let subjects = subjects(parsed)?;
            let mut meta = metadata(&name, &common);
            if binding == Binding::Cluster {
                meta.remove("namespace");
            }
            let mut value = json!({
                "kind": kind_name,
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "metadata": meta,
                "roleRef": role_ref,
            });
            if !subjects.is_empty() {
                value["subjects"] = Value::Array(subjects);
            }
            finish_object(ctx, kind, value, common, out)
        },
    )
}

/// The `roleRef`: exactly one of `--clusterrole` and `--role`.
fn role_ref(parsed: &Parsed, binding: Binding) -> Result<Value, String> {
    let cluster_role = parsed.value("clusterrole").filter(|v| !v.is_empty());
    let role = parsed.value("role").filter(|v| !v.is_empty());
    let (kind, name) = match (cluster_role, role, binding) {
        (Some(name), None, _) => ("ClusterRole", name),
        (None, Some(name), Binding::Namespaced) => ("Role", name),
        (None, None, Binding::Cluster) => {
            return Err("error: required flag(s) \"clusterrole\" not set".into())
        }
        _ => return Err("error: exactly one of clusterrole or role must be specified".into()),
    };
    Ok(json!({
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": kind,
        "name": name,
    }))
}

/// The subjects, as kubectl lists them: users, then groups, then service
/// accounts (each flag repeated, never split at commas).
fn subjects(parsed: &Parsed) -> Result<Vec<Value>, String> {
    let mut subjects = Vec::new();
    for (flag, kind) in [("user", "User"), ("group", "Group")] {
        for name in parsed.all(flag) {
            subjects.push(json!({
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": kind,
                "name": name,
            }));
        }
    }
    for account in parsed.all("serviceaccount") {
        let Some((namespace, name)) = account
            .split_once(':')
            .filter(|(ns, n)| !ns.is_empty() && !n.is_empty() && !n.contains(':'))
        else {
            return Err("error: serviceaccount must be <namespace>:<name>".into());
        };
        subjects.push(json!({
            "kind": "ServiceAccount",
            "name": name,
            "namespace": namespace,
        }));
    }
    Ok(subjects)
}

// ---- configmap and secret ----------------------------------------------

/// Where a ConfigMap's or Secret's keys come from, as given.
struct Sources {
    files: Vec<String>,
    literals: Vec<String>,
    env_files: Vec<String>,
}

impl Sources {
    fn of(parsed: &Parsed) -> Self {
        Self {
            files: split_slice(parsed.all("from-file")),
            literals: parsed.all("from-literal").to_vec(),
            env_files: split_slice(parsed.all("from-env-file")),
        }
    }
}

/// A `StringSlice` flag's values: each occurrence split at commas.
fn split_slice(values: &[String]) -> Vec<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::to_string)
        .collect()
}

const SOURCE_FLAGS: [Flag; 4] = [
    Flag::strings("from-file", None),
    Flag::strings("from-literal", None),
    Flag::strings("from-env-file", None),
    Flag::bool("append-hash", None),
];

/// `kubectl create configmap NAME [--from-file=…] [--from-literal=k=v] [--from-env-file=…]`.
fn configmap(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    const USAGE: &str = "create configmap";
    generate(
        ctx,
        rest,
        &SOURCE_FLAGS,
        USAGE,
        |ctx, parsed, name, common, out| {
            let sources = Sources::of(parsed);
            check_env_sources(&sources)?;
            let mut data = KeyedData::new(Store::ConfigMap(name.clone()));
            data.add_files(ctx.files, &sources.files)?;
            data.add_literals(&sources.literals)?;
            data.add_env_files(ctx.files, &sources.env_files)?;
            let name = match parsed.flag("append-hash") {
                true => format!("{name}-{}", content_hash(&configmap_identity(&name, &data))),
                false => name,
            };
            let mut value = json!({
                "kind": "ConfigMap",
                "apiVersion": "v1",
                "metadata": metadata(&name, &common),
            });
            if !data.entries.is_empty() {
                value["data"] = json!(data.entries);
            }
            finish(
                ctx,
                Kind::ConfigMap,
                value,
                common,
                |e| format!("error: failed to create configmap: {}", e.message()),
                out,
            );
            Ok(())
        },
    )
}

/// `kubectl create secret generic|docker-registry NAME …` (`tls` is not generated yet).
fn secret(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let Some((at, word)) = subcommand(rest) else {
        let mut out = Output::default();
        out.fail(super::help::text_of(&["create", "secret"]).trim_end_matches('\n'));
        return out;
    };
    let mut args = rest.to_vec();
    args.remove(at);
    match word.as_str() {
        "generic" => secret_generic(ctx, &args),
        "docker-registry" => secret_docker_registry(ctx, &args),
        "tls" => {
            let mut out = Output::default();
            out.fail(format!("error: \"kubectl create secret {word}\" is not simulated by Sunaba yet; use \"kubectl create secret generic\" or a manifest"));
            out
        }
        _ => unknown_subcommand(rest, "create secret"),
    }
}

fn secret_generic(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    const USAGE: &str = "create secret generic";
    let mut own = SOURCE_FLAGS.to_vec();
    own.push(Flag::string("type", None));
    generate(ctx, rest, &own, USAGE, |ctx, parsed, name, common, out| {
        let sources = Sources::of(parsed);
        check_env_sources(&sources)?;
        let mut data = KeyedData::new(Store::Secret);
        data.add_literals(&sources.literals)?;
        data.add_files(ctx.files, &sources.files)?;
        data.add_env_files(ctx.files, &sources.env_files)?;
        let secret_type = parsed.value("type").filter(|t| !t.is_empty());
        let name = hashed_secret_name(parsed, name, &data, secret_type.unwrap_or_default());
        finish_secret(ctx, &name, common, &data, secret_type, out);
        Ok(())
    })
}

/// `kubectl create secret docker-registry NAME --docker-username=… --docker-password=…
/// [--docker-email=…] [--docker-server=…] [--from-file=…]`: a
/// `kubernetes.io/dockerconfigjson` Secret, as `docker login` would write
/// `~/.docker/config.json`.
fn secret_docker_registry(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    const USAGE: &str = "create secret docker-registry";
    const DOCKER_HUB: &str = "https://index.docker.io/v1/";
    let own = [
        Flag::string("docker-username", None),
        Flag::string("docker-password", None),
        Flag::string("docker-email", None),
        Flag::string("docker-server", None),
        Flag::strings("from-file", None),
        Flag::bool("append-hash", None),
    ];
    generate(ctx, rest, &own, USAGE, |ctx, parsed, name, common, out| {
        let text = |flag: &str| parsed.value(flag).unwrap_or_default().to_string();
        let (username, password, email) = (
            text("docker-username"),
            text("docker-password"),
            text("docker-email"),
        );
        let server = parsed
            .value("docker-server")
            .unwrap_or(DOCKER_HUB)
            .to_string();
        let files = split_slice(parsed.all("from-file"));
        if files.is_empty() && (username.is_empty() || password.is_empty() || server.is_empty()) {
            return Err("error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required".into());
        }
        let mut data = KeyedData::new(Store::Secret);
        if files.is_empty() {
            let config = docker_config_json(&username, &password, &email, &server);
            data.entries.insert(".dockerconfigjson".into(), config);
        } else {
            data.add_files(ctx.files, &files)?;
        }
        let secret_type = Some("kubernetes.io/dockerconfigjson");
        let name = hashed_secret_name(parsed, name, &data, "kubernetes.io/dockerconfigjson");
        finish_secret(ctx, &name, common, &data, secret_type, out);
        Ok(())
    })
}

/// `--append-hash`: the name with `-<hash>` of the Secret's identity.
fn hashed_secret_name(
    parsed: &Parsed,
    name: String,
    data: &KeyedData,
    secret_type: &str,
) -> String {
    if !parsed.flag("append-hash") {
        return name;
    }
    let encoded: Vec<(String, String)> = data
        .entries
        .iter()
        .map(|(k, v)| (k.clone(), base64(v.as_bytes())))
        .collect();
    let identity = format!(
        "{{\"data\":{},\"kind\":\"Secret\",\"name\":{},\"type\":{}}}",
        go_string_map(&encoded),
        go_json::quote(&name),
        go_json::quote(secret_type)
    );
    format!("{name}-{}", content_hash(&identity))
}

/// What kubectl hashes for a ConfigMap: `{"data":…,"kind":"ConfigMap","name":…}`
/// as Go's `json.Marshal` writes that map (keys sorted).
fn configmap_identity(name: &str, data: &KeyedData) -> String {
    let entries: Vec<(String, String)> = data
        .entries
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    format!(
        "{{\"data\":{},\"kind\":\"ConfigMap\",\"name\":{}}}",
        go_string_map(&entries),
        go_json::quote(name)
    )
}

/// A `map[string]string` as Go's JSON writes it, keys sorted (kubectl's
/// generators start from an empty map, so no data is `{}`).
fn go_string_map(entries: &[(String, String)]) -> String {
    let mut sorted: Vec<&(String, String)> = entries.iter().collect();
    sorted.sort();
    let fields: Vec<String> = sorted
        .iter()
        .map(|(k, v)| format!("{}:{}", go_json::quote(k), go_json::quote(v)))
        .collect();
    format!("{{{}}}", fields.join(","))
}

/// kubectl's name suffix: the first ten hex digits of the SHA-256, with
/// `0`, `1`, `3`, `a`, `e` turned into `g`, `h`, `k`, `m`, `t` (no vowels,
/// no look-alike digits).
fn content_hash(identity: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(identity.as_bytes());
    digest
        .iter()
        .flat_map(|byte| [byte >> 4, byte & 0xf])
        .take(10)
        .map(|nibble| match nibble {
            0 => 'g',
            1 => 'h',
            3 => 'k',
            0xa => 'm',
            0xe => 't',
            n => char::from_digit(u32::from(n), 16).unwrap_or('0'),
        })
        .collect()
}

/// Creates (or prints) a Secret of `data`, base64-encoded, with its type.
fn finish_secret(
    ctx: &mut Context<'_>,
    name: &str,
    common: Common,
    data: &KeyedData,
    secret_type: Option<&str>,
    out: &mut Output,
) {
    let mut value = json!({
        "kind": "Secret",
        "apiVersion": "v1",
        "metadata": metadata(name, &common),
    });
    if !data.entries.is_empty() {
        let encoded: Map<String, Value> = data
            .entries
            .iter()
            .map(|(k, v)| (k.clone(), json!(base64(v.as_bytes()))))
            .collect();
        value["data"] = Value::Object(encoded);
    }
    if let Some(secret_type) = secret_type {
        value["type"] = json!(secret_type);
    }
    finish(
        ctx,
        Kind::Secret,
        value,
        common,
        |e| format!("error: failed to create secret {}", e.message()),
        out,
    );
}

/// `{"auths":{SERVER:{"username":…,"password":…,"email":…,"auth":…}}}` as
/// Go's `json.Marshal` writes kubectl's `DockerConfigJSON`: fields in the
/// struct's order, empty ones left out, strings quoted as Go quotes them.
fn docker_config_json(username: &str, password: &str, email: &str, server: &str) -> String {
    let auth = base64(format!("{username}:{password}").as_bytes());
    let fields: Vec<String> = [
        ("username", username),
        ("password", password),
        ("email", email),
        ("auth", auth.as_str()),
    ]
    .iter()
    .filter(|(_, value)| !value.is_empty())
    .map(|(key, value)| format!("\"{key}\":{}", go_json::quote(value)))
    .collect();
    format!(
        "{{\"auths\":{{{}:{{{}}}}}}}",
        go_json::quote(server),
        fields.join(",")
    )
}

fn check_env_sources(sources: &Sources) -> Result<(), String> {
    if !sources.env_files.is_empty() && (!sources.files.is_empty() || !sources.literals.is_empty())
    {
        return Err(
            "error: from-env-file cannot be combined with from-file or from-literal".into(),
        );
    }
    Ok(())
}

/// Which object the keys go into: the errors differ.
enum Store {
    ConfigMap(String),
    Secret,
}

/// Keys and values gathered from the sources, with kubectl's checks.
struct KeyedData {
    store: Store,
    entries: std::collections::BTreeMap<String, String>,
}

impl KeyedData {
    fn new(store: Store) -> Self {
        Self {
            store,
            entries: Default::default(),
        }
    }

    /// Adds a key after checking its name and that it is new.
    fn add(&mut self, key: &str, value: String) -> Result<(), String> {
        if let Some(problem) = config_key_problem(key) {
            return Err(match &self.store {
                Store::ConfigMap(_) => {
                    format!("error: \"{key}\" is not a valid key name for a ConfigMap: {problem}")
                }
                Store::Secret => {
                    format!("error: \"{key}\" is not valid key name for a Secret {problem}")
                }
            });
        }
        if self.entries.contains_key(key) {
            return Err(match &self.store {
                Store::ConfigMap(name) => format!("error: cannot add key \"{key}\", another key by that name already exists in Data for ConfigMap \"{name}\""),
                Store::Secret => format!("error: cannot add key {key}, another key by that name already exists"),
            });
        }
        self.entries.insert(key.to_string(), value);
        Ok(())
    }

    /// `--from-literal=KEY=VALUE`.
    fn add_literals(&mut self, literals: &[String]) -> Result<(), String> {
        for literal in literals {
            match literal.split_once('=') {
                Some((key, value)) if !key.is_empty() => self.add(key, value.to_string())?,
                _ => {
                    return Err(format!(
                        "error: invalid literal source {literal}, expected key=value"
                    ))
                }
            }
        }
        Ok(())
    }

    /// `--from-file=PATH`, `--from-file=KEY=PATH`, or a directory's files.
    fn add_files(&mut self, files: &dyn Files, sources: &[String]) -> Result<(), String> {
        for source in sources {
            let (key, path) = parse_file_source(source)?;
            if let Some(mut entries) = files.list(&path) {
                if source.contains('=') {
                    return Err("error: cannot give a key name for a directory path".into());
                }
                entries.sort();
                for entry in entries {
                    let child = format!("{}/{entry}", path.trim_end_matches('/'));
                    if files.list(&child).is_some() {
                        continue;
                    }
                    if let Some(text) = files.read(&child) {
                        self.add(&entry, text)?;
                    }
                }
                continue;
            }
            let text = files
                .read(&path)
                .ok_or_else(|| format!("error: error reading {path}: no such file or directory"))?;
            self.add(&key, text)?;
        }
        Ok(())
    }

    /// `--from-env-file=PATH`: `KEY=VALUE` lines; blank lines and `#` comments skipped.
    fn add_env_files(&mut self, files: &dyn Files, paths: &[String]) -> Result<(), String> {
        for path in paths {
            if files.list(path).is_some() {
                return Err(match self.store {
                    Store::ConfigMap(_) => "error: env config file cannot be a directory".into(),
                    Store::Secret => "error: env secret file cannot be a directory".into(),
                });
            }
            let text = files
                .read(path)
                .ok_or_else(|| format!("error: error reading {path}: no such file or directory"))?;
            for (number, line) in text.lines().enumerate() {
                let line = if number == 0 {
                    line.trim_start_matches('\u{feff}')
                } else {
                    line
                };
                let line = line.trim_start();
                if line.is_empty() || line.starts_with('#') {
                    continue;
                }
                let (key, value) = line.split_once('=').unwrap_or((line, ""));
                if let Some(problem) = env_key_problem(key) {
                    return Err(format!(
                        "error: \"{key}\" is not a valid key name: {problem}"
                    ));
                }
                self.add(key, value.to_string())?;
            }
        }
        Ok(())
    }
}

/// `util.ParseFileSource`: `PATH` (key: its base name) or `KEY=PATH`.
fn parse_file_source(source: &str) -> Result<(String, String), String> {
    let separators = source.matches('=').count();
    match separators {
        0 => {
            let base = source
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .unwrap_or(source);
            Ok((base.to_string(), source.to_string()))
        }
        1 if source.starts_with('=') => Err(format!(
            "error: key name for file path {} missing",
            &source[1..]
        )),
        1 if source.ends_with('=') => Err(format!(
            "error: file path for key name {} missing",
            &source[..source.len() - 1]
        )),
        1 => {
            let (key, path) = source.split_once('=').unwrap_or((source, ""));
            Ok((key.to_string(), path.to_string()))
        }
        _ => Err("error: key names or file paths cannot contain '='".into()),
    }
}

/// `validation.IsConfigMapKey`.
fn config_key_problem(key: &str) -> Option<String> {
    let mut problems = Vec::new();
    if key.len() > 253 {
        problems.push("must be no more than 253 characters".to_string());
    }
    if key.is_empty()
        || !key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
    {
        problems.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')".to_string());
    }
    match key {
        "." => problems.push("must not be '.'".into()),
        ".." => problems.push("must not be '..'".into()),
        k if k.starts_with("..") => problems.push("must not start with '..'".into()),
        _ => {}
    }
    (!problems.is_empty()).then(|| problems.join(","))
}

/// `validation.IsEnvVarName`.
fn env_key_problem(key: &str) -> Option<&'static str> {
    let bytes = key.as_bytes();
    let valid = bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'-' | b'.' | b'_'))
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    (!valid).then_some("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")
}

/// Standard base64 with padding, as Go encodes `[]byte` in JSON.
fn base64(bytes: &[u8]) -> String {
    const TABLE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(TABLE[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_go() {
        assert_eq!(base64(b"admin"), "YWRtaW4=");
        assert_eq!(base64(b"s3cr3t"), "czNjcjN0");
        assert_eq!(base64(b"two words"), "dHdvIHdvcmRz");
        assert_eq!(base64(b""), "");
    }

    #[test]
    fn container_names_come_from_images() {
        assert_eq!(container_name("nginx", 0), "nginx");
        assert_eq!(container_name("busybox:1.36", 0), "busybox");
        assert_eq!(container_name("gihyodocker/echo:latest", 0), "echo");
        assert_eq!(container_name("x@sha256:abc", 0), "x");
        let sanitized = container_name("my_reg.io/some.thing:1.0", 7);
        assert!(sanitized.starts_with("some-thing-") && sanitized.len() == "some-thing-".len() + 5);
    }

    #[test]
    fn port_specs_parse_as_kubectl_does() {
        assert_eq!(parse_port_spec("80"), Ok((80, json!(80))));
        assert_eq!(parse_port_spec("80:8080"), Ok((80, json!(8080))));
        assert_eq!(parse_port_spec("80:http"), Ok((80, json!("http"))));
        assert_eq!(
            parse_port_spec("70000"),
            Err("error: strconv.ParseUint: parsing \"70000\": value out of range".into())
        );
        assert_eq!(
            parse_port_spec("x"),
            Err("error: strconv.ParseUint: parsing \"x\": invalid syntax".into())
        );
        assert_eq!(
            parse_port_spec("80:0"),
            Err("error: must be between 1 and 65535, inclusive".into())
        );
        assert_eq!(
            parse_port_spec("80:Bad_Name"),
            Err(
                "error: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
                    .into()
            )
        );
    }

    #[test]
    fn subcommands_are_found_past_flags() {
        let words = |s: &str| -> Vec<String> { s.split(' ').map(str::to_string).collect() };
        assert_eq!(
            subcommand(&words("-n dev deployment x")),
            Some((2, "deployment".into()))
        );
        assert_eq!(
            subcommand(&words("--dry-run=client ns x")),
            Some((1, "ns".into()))
        );
        assert_eq!(subcommand(&words("-f x.yaml")), None);
    }
}
