//! `kubectl set image` and `kubectl set env`: change the pod template of
//! Deployments and ReplicaSets (or a Pod's spec) and report
//! `deployment.apps/echo image updated` / `env updated`; nothing is printed
//! for an object the change leaves as it was. `set env --list` prints the
//! variables instead, `--from=configmap/x` and `--from=secret/x` import
//! keys as references, `-c` picks containers by glob.

use std::collections::BTreeMap;
use std::sync::Arc;

use k8s_openapi::api::core::v1::{
    ConfigMapKeySelector, Container, EnvVar, EnvVarSource, PodSpec, SecretKeySelector,
};

use super::args::{self, Flag, Parsed};
use super::print_flags::{self, DryRun, Failure, Printed, Printer};
use super::resource_args::{self, Infos, Request};
use super::{apply, usage_error, Context, Output};
use crate::api::{Kind, Object};
use crate::apiserver::WriteOptions;
use crate::controllers::deployment::util::CHANGE_CAUSE;

const SHARED_FLAGS: [Flag; 12] = [
    Flag::strings("filename", Some('f')),
    Flag::string("kustomize", Some('k')),
    Flag::bool("recursive", Some('R')),
    Flag::bool("all", None),
    Flag::string("selector", Some('l')),
    Flag::bool("local", None),
    Flag::string("dry-run", None),
    Flag::string("field-manager", None),
    Flag::string("output", Some('o')),
    Flag::string("template", None),
    Flag::bool("show-managed-fields", None),
    Flag::bool("allow-missing-template-keys", None),
];

const IMAGE_FLAGS: &[Flag] = &[
    SHARED_FLAGS[0],
    SHARED_FLAGS[1],
    SHARED_FLAGS[2],
    SHARED_FLAGS[3],
    SHARED_FLAGS[4],
    SHARED_FLAGS[5],
    SHARED_FLAGS[6],
    SHARED_FLAGS[7],
    SHARED_FLAGS[8],
    SHARED_FLAGS[9],
    SHARED_FLAGS[10],
    SHARED_FLAGS[11],
    Flag::RECORD,
];

const ENV_FLAGS: &[Flag] = &[
    SHARED_FLAGS[0],
    SHARED_FLAGS[1],
    SHARED_FLAGS[2],
    SHARED_FLAGS[3],
    SHARED_FLAGS[4],
    SHARED_FLAGS[5],
    SHARED_FLAGS[6],
    SHARED_FLAGS[7],
    SHARED_FLAGS[8],
    SHARED_FLAGS[9],
    SHARED_FLAGS[10],
    SHARED_FLAGS[11],
    Flag::string("containers", Some('c')),
    Flag::string("from", None),
    Flag::string("prefix", None),
    Flag::strings("env", Some('e')),
    Flag::strings("keys", None),
    Flag::bool("list", None),
    Flag::bool("resolve", None),
    Flag::bool("overwrite", None),
];

/// Runs `kubectl set SUBCOMMAND`.
pub fn run(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let rest_all = rest;
    let Some((sub, rest)) = rest.split_first() else {
        let mut out = Output::default();
        out.fail(super::help::text_of(&["set"]).trim_end_matches('\n'));
        return out;
    };
    match sub.as_str() {
        "image" => run_image(ctx, rest),
        "env" => run_env(ctx, rest),
        _ => super::create::unknown_subcommand(rest_all, "set"),
    }
}

/// How an object's change went out.
struct Sending<'a> {
    dry_run: DryRun,
    local: bool,
    field_manager: String,
    what: &'a str,
}

impl<'a> Sending<'a> {
    /// How `set WHAT` sends its change, from the command line.
    fn new(parsed: &Parsed, dry_run: DryRun, local: bool, what: &'a str) -> Self {
        Self {
            dry_run,
            local,
            field_manager: parsed
                .value("field-manager")
                .unwrap_or("kubectl-set")
                .into(),
            what,
        }
    }
}

// ---- set image ---------------------------------------------------------

/// Runs `kubectl set image`.
pub fn run_image(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let (parsed, mut out) = match print_flags::parse_changing("set image", rest, IMAGE_FLAGS) {
        Ok(ready) => ready,
        Err(usage) => return *usage,
    };
    match image(ctx, &parsed, &mut out) {
        Ok(failures) => print_flags::print_failures(&mut out, &failures),
        Err(message) => out.fail(message),
    }
    out
}

fn image(ctx: &mut Context<'_>, parsed: &Parsed, out: &mut Output) -> Result<Vec<Failure>, String> {
    let (dry_run, warning) = print_flags::parse_dry_run(parsed, ctx.cluster.now())?;
    let format = print_flags::parse_format(parsed)?;
    if let Some(warning) = warning {
        out.err(warning);
    }
    let (resources, pairs) = split_pairs(&parsed.positionals, "image")?;
    let images = parse_images(&pairs)?;
    let local = parsed.flag("local");
    if local && !resources.is_empty() {
        return Err("error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'".into());
    }
    let infos = fetch(ctx, parsed, &resources, local)?;
    validate_image(parsed, &resources, &images, dry_run, local)?;
    let change_cause = parsed
        .flag("record")
        .then(|| apply::change_cause(&["set image".to_string()], parsed));
    let sending = Sending::new(parsed, dry_run, local, "image");
    let mut printer = Printer::new(format, format!("image updated{}", dry_run.suffix()));
    let mut failures = Vec::new();
    for object in &infos.objects {
        let mut changed = Object::clone(object);
        let mut unknown = Vec::new();
        if let Err(message) = with_pod_spec(&mut changed, |spec| {
            unknown = set_images(spec, &images);
        }) {
            failures.push(object_failure(object, &message));
            continue;
        }
        failures.extend(unknown.into_iter().map(|name| {
            Failure::Plain(format!("error: unable to find container named \"{name}\""))
        }));
        record(&mut changed, change_cause.as_deref());
        if let Err(failure) = send_and_print(ctx, object, changed, &sending, &mut printer, out) {
            failures.push(failure);
        }
    }
    Ok(failures)
}

/// kubectl's `Validate` for `set image`, every problem at once.
fn validate_image(
    parsed: &Parsed,
    resources: &[String],
    images: &[(String, String)],
    dry_run: DryRun,
    local: bool,
) -> Result<(), String> {
    let mut problems = Vec::new();
    if parsed.flag("all") && parsed.value("selector").is_some_and(|s| !s.is_empty()) {
        problems.push("cannot set --all and --selector at the same time");
    }
    if resources.is_empty() && parsed.all("filename").is_empty() {
        problems.push(
            "one or more resources must be specified as <resource> <name> or <resource>/<name>",
        );
    }
    if images.is_empty() {
        problems.push("at least one image update is required");
    } else if images.len() > 1 && images.iter().any(|(name, _)| name == "*") {
        problems.push("all containers are already specified by *, but saw more than one container_name=container_image pairs");
    }
    if local && dry_run == DryRun::Server {
        problems
            .push("cannot specify --local and --dry-run=server - did you mean --dry-run=client?");
    }
    match problems.as_slice() {
        [] => Ok(()),
        [one] => Err(format!("error: {one}")),
        many => Err(many.join("\n")),
    }
}

/// `NAME=IMAGE` pairs (a repeated name keeps the last image), by name.
fn parse_images(pairs: &[String]) -> Result<Vec<(String, String)>, String> {
    let mut images = BTreeMap::new();
    let mut invalid = Vec::new();
    for pair in pairs {
        match pair.split_once('=') {
            Some((name, image)) if !name.is_empty() => {
                images.insert(name.to_string(), image.to_string());
            }
            _ => invalid.push(pair.as_str()),
        }
    }
    if !invalid.is_empty() {
        return Err(format!(
            "error: invalid image format: {}",
            invalid.join(", ")
        ));
    }
    Ok(images.into_iter().collect())
}

/// Sets each image on the containers and init containers it names (`*`:
/// all); returns the names no container has.
fn set_images(spec: &mut PodSpec, images: &[(String, String)]) -> Vec<String> {
    let mut unknown = Vec::new();
    for (name, image) in images {
        let mut found = false;
        let all = spec
            .init_containers
            .iter_mut()
            .flatten()
            .chain(spec.containers.iter_mut());
        for container in all {
            if container.name == *name || name == "*" {
                container.image = Some(image.clone());
                found = true;
            }
        }
        if !found {
            unknown.push(name.clone());
        }
    }
    unknown
}

// ---- set env -----------------------------------------------------------

/// What `set env` was asked to do.
struct EnvSettings {
    env: Vec<EnvVar>,
    remove: Vec<String>,
    containers: String,
    overwrite: bool,
    list: bool,
    resolve: bool,
    had_env_args: bool,
}

/// Runs `kubectl set env`.
pub fn run_env(ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(&print_flags::normalize_dry_run(rest), ENV_FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("set env", &e),
    };
    let mut out = Output::default();
    match env(ctx, &parsed, &mut out) {
        Ok(failures) => print_flags::print_failures(&mut out, &failures),
        Err(message) => out.fail(message),
    }
    out
}

fn env(ctx: &mut Context<'_>, parsed: &Parsed, out: &mut Output) -> Result<Vec<Failure>, String> {
    let local = parsed.flag("local");
    if parsed.flag("all") && parsed.value("selector").is_some_and(|s| !s.is_empty()) {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    let (resources, env_args) = split_env_args(&parsed.positionals).ok_or_else(|| {
        format!(
            "error: all resources must be specified before environment changes: {}",
            parsed.positionals.join(" ")
        )
    })?;
    let (dry_run, warning) = print_flags::parse_dry_run(parsed, ctx.cluster.now())?;
    let format = print_flags::parse_format(parsed)?;
    if let Some(warning) = warning {
        out.err(warning);
    }
    validate_env(parsed, &resources, dry_run, local)?;
    let mut specs: Vec<String> = parsed.all("env").to_vec();
    specs.extend(env_args.iter().cloned());
    let (mut vars, remove) = parse_env(&specs)?;
    vars.extend(from_references(ctx, parsed)?);
    if let Some(prefix) = parsed.value("prefix").filter(|p| !p.is_empty()) {
        vars.iter_mut()
            .for_each(|v| v.name = format!("{prefix}{}", v.name));
    }
    let infos = fetch(ctx, parsed, &resources, local)?;
    let settings = EnvSettings {
        env: vars,
        remove,
        containers: parsed.value("containers").unwrap_or("*").to_string(),
        overwrite: parsed.value("overwrite") != Some("false"),
        list: parsed.flag("list"),
        resolve: parsed.flag("resolve"),
        had_env_args: !env_args.is_empty(),
    };
    let sending = Sending::new(parsed, dry_run, local, "env");
    let mut printer = Printer::new(format, format!("env updated{}", dry_run.suffix()));
    let mut failures = Vec::new();
    for object in &infos.objects {
        let mut changed = Object::clone(object);
        let mut result = Ok(());
        let listing = with_pod_spec(&mut changed, |spec| {
            result = update_env(ctx, object, spec, &settings, out);
        });
        if let Err(message) = listing.and(result) {
            failures.push(object_failure(object, &message));
            continue;
        }
        if settings.list {
            continue;
        }
        if changed != **object && settings.env.is_empty() && !settings.had_env_args {
            return Err("error: at least one environment variable must be provided".into());
        }
        if let Err(failure) = send_and_print(ctx, object, changed, &sending, &mut printer, out) {
            failures.push(failure);
        }
    }
    Ok(failures)
}

/// kubectl's `Validate` for `set env`.
fn validate_env(
    parsed: &Parsed,
    resources: &[String],
    dry_run: DryRun,
    local: bool,
) -> Result<(), String> {
    if local && dry_run == DryRun::Server {
        return Err(
            "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?"
                .into(),
        );
    }
    if parsed.all("filename").is_empty() && resources.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    if parsed.flag("list") && parsed.value("output").is_some_and(|o| !o.is_empty()) {
        return Err("error: --list and --output may not be specified together".into());
    }
    if !parsed.all("keys").is_empty() && parsed.value("from").is_none_or(str::is_empty) {
        return Err(
            "error: when specifying --keys, a configmap or secret must be provided with --from"
                .into(),
        );
    }
    Ok(())
}

/// `envutil.SplitEnvironmentFromResources`: `None` when a resource follows a variable.
fn split_env_args(args: &[String]) -> Option<(Vec<String>, Vec<String>)> {
    let mut resources = Vec::new();
    let mut env = Vec::new();
    for arg in args {
        let is_env = arg.find('=').is_some_and(|at| at > 0) || arg.ends_with('-');
        match (is_env, env.is_empty()) {
            (true, _) => env.push(arg.clone()),
            (false, true) => resources.push(arg.clone()),
            (false, false) => return None,
        }
    }
    Some((resources, env))
}

/// `envutil.ParseEnv`: `NAME=value` sets, `NAME-` removes.
fn parse_env(specs: &[String]) -> Result<(Vec<EnvVar>, Vec<String>), String> {
    let mut env: Vec<EnvVar> = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some((name, value)) = spec.split_once('=') {
            if let Some(problem) = env_name_problem(name) {
                return Err(format!(
                    "error: \"{name}\" is not a valid key name: {problem}"
                ));
            }
            env.push(EnvVar {
                name: name.to_string(),
                value: Some(value.to_string()),
                value_from: None,
            });
        } else if let Some(name) = spec.strip_suffix('-') {
            remove.push(name.to_string());
        } else {
            return Err(format!("error: unknown environment variable: {spec}"));
        }
    }
    if remove.iter().any(|r| env.iter().any(|e| e.name == *r)) {
        return Err(
            "error: can not both modify and remove the same environment variable in the same command"
                .into(),
        );
    }
    Ok((env, remove))
}

/// `validation.IsEnvVarName`.
fn env_name_problem(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    let valid = bytes
        .first()
        .is_some_and(|b| b.is_ascii_alphabetic() || matches!(b, b'-' | b'.' | b'_'))
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    (!valid).then_some("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')")
}

/// `--from=configmap/x` or `--from=secret/x`: one reference per key (`--keys` filters).
fn from_references(ctx: &Context<'_>, parsed: &Parsed) -> Result<Vec<EnvVar>, String> {
    let Some(from) = parsed.value("from").filter(|f| !f.is_empty()) else {
        return Ok(Vec::new());
    };
    let from_args = [from.to_string()];
    let request = Request {
        args: &from_args,
        selector: parsed.value("selector"),
        all: parsed.flag("all"),
        namespace: parsed.value("namespace").unwrap_or("default"),
        ..Request::default()
    };
    let infos = resource_args::fetch(ctx, &request)?;
    abort_on_errors(&infos)?;
    let keys = parsed.all("keys");
    let wanted = |key: &str| keys.is_empty() || keys.iter().any(|k| k == key);
    let mut vars = Vec::new();
    for object in &infos.objects {
        let (name, data_keys, secret): (String, Vec<String>, bool) = match object.as_ref() {
            Object::ConfigMap(cm) => (
                object.name().to_string(),
                cm.data.iter().flatten().map(|(k, _)| k.clone()).collect(),
                false,
            ),
            Object::Secret(s) => (
                object.name().to_string(),
                s.data.iter().flatten().map(|(k, _)| k.clone()).collect(),
                true,
            ),
            _ => return Err("error: unsupported resource specified in --from".into()),
        };
        for key in data_keys.into_iter().filter(|k| wanted(k)) {
            vars.push(reference(&name, &key, secret));
        }
    }
    Ok(vars)
}

fn reference(name: &str, key: &str, secret: bool) -> EnvVar {
    let value_from = if secret {
        EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: name.to_string(),
                key: key.to_string(),
                optional: None,
            }),
            ..EnvVarSource::default()
        }
    } else {
        EnvVarSource {
            config_map_key_ref: Some(ConfigMapKeySelector {
                name: name.to_string(),
                key: key.to_string(),
                optional: None,
            }),
            ..EnvVarSource::default()
        }
    };
    EnvVar {
        name: env_name_from_key(key),
        value: None,
        value_from: Some(value_from),
    }
}

/// `keyToEnvName`: upper case, anything but letters, digits and `_` as `_`.
fn env_name_from_key(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Changes (or lists) the variables of the containers `-c` selects.
fn update_env(
    ctx: &Context<'_>,
    object: &Object,
    spec: &mut PodSpec,
    settings: &EnvSettings,
    out: &mut Output,
) -> Result<(), String> {
    let kind = object.kind().name();
    let name = object.name();
    let selected: Vec<&mut Container> = spec
        .containers
        .iter_mut()
        .filter(|c| glob_match(&settings.containers, &c.name))
        .collect();
    if selected.is_empty() {
        out.err(format!(
            "warning: {kind}/{name} does not have any containers matching \"{}\"",
            settings.containers
        ));
        return Ok(());
    }
    let mut resolve_errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for container in selected {
        let existing = container.env.clone().unwrap_or_default();
        if !settings.overwrite {
            check_no_overwrite(&existing, &settings.env)?;
        }
        let updated = merged_env(&existing, &settings.env, &settings.remove);
        container.env = Some(updated.clone());
        if settings.list {
            out.out(format!("# {kind} {name}, container {}", container.name));
            for var in &updated {
                list_var(ctx, object, var, settings.resolve, out, &mut resolve_errors);
            }
        }
    }
    if resolve_errors.is_empty() {
        return Ok(());
    }
    for (error, mut names) in resolve_errors {
        names.sort();
        out.err(format!(
            "error retrieving reference for {}: {error}",
            names.join(", ")
        ));
    }
    Err("failed to retrieve valueFrom references".into())
}

/// One `--list` line: `NAME=value`, or `# NAME from …` for a reference.
fn list_var(
    ctx: &Context<'_>,
    object: &Object,
    var: &EnvVar,
    resolve: bool,
    out: &mut Output,
    errors: &mut BTreeMap<String, Vec<String>>,
) {
    let Some(from) = &var.value_from else {
        out.out(format!(
            "{}={}",
            var.name,
            var.value.clone().unwrap_or_default()
        ));
        return;
    };
    if resolve {
        match resolve_reference(ctx, object.namespace(), from) {
            Ok(value) => {
                out.out(format!("{}={value}", var.name));
                return;
            }
            Err(error) => errors.entry(error).or_default().push(var.name.clone()),
        }
    }
    out.out(format!("# {} from {}", var.name, reference_text(from)));
}

/// `envutil.GetEnvVarRefString`.
fn reference_text(from: &EnvVarSource) -> String {
    if let Some(r) = &from.config_map_key_ref {
        return format!("configmap {}, key {}", r.name, r.key);
    }
    if let Some(r) = &from.secret_key_ref {
        return format!("secret {}, key {}", r.name, r.key);
    }
    if let Some(r) = &from.field_ref {
        return format!("field path {}", r.field_path);
    }
    if let Some(r) = &from.resource_field_ref {
        let prefix = r
            .container_name
            .as_ref()
            .filter(|c| !c.is_empty())
            .map(|c| format!("{c}/"))
            .unwrap_or_default();
        return format!("resource field {prefix}{}", r.resource);
    }
    "invalid valueFrom".into()
}

/// `--resolve`: a ConfigMap or Secret key's value.
fn resolve_reference(
    ctx: &Context<'_>,
    namespace: &str,
    from: &EnvVarSource,
) -> Result<String, String> {
    if let Some(r) = &from.config_map_key_ref {
        let object = ctx
            .cluster
            .api()
            .get(Kind::ConfigMap, namespace, &r.name)
            .map_err(|e| e.message().to_string())?;
        if let Object::ConfigMap(cm) = object.as_ref() {
            return cm
                .data
                .as_ref()
                .and_then(|d| d.get(&r.key))
                .cloned()
                .ok_or_else(|| format!("key {} not found in config map {}", r.key, r.name));
        }
    }
    if let Some(r) = &from.secret_key_ref {
        let object = ctx
            .cluster
            .api()
            .get(Kind::Secret, namespace, &r.name)
            .map_err(|e| e.message().to_string())?;
        if let Object::Secret(s) = object.as_ref() {
            return s
                .data
                .as_ref()
                .and_then(|d| d.get(&r.key))
                .map(|v| String::from_utf8_lossy(&v.0).into_owned())
                .ok_or_else(|| format!("key {} not found in secret {}", r.key, r.name));
        }
    }
    Err("invalid valueFrom".into())
}

fn check_no_overwrite(existing: &[EnvVar], wanted: &[EnvVar]) -> Result<(), String> {
    for var in wanted {
        if let Some(current) = existing.iter().find(|e| e.name == var.name) {
            if current.value != var.value {
                return Err(format!(
                    "'{}' already has a value ({}), and --overwrite is false",
                    current.name,
                    current.value.clone().unwrap_or_default()
                ));
            }
        }
    }
    Ok(())
}

/// kubectl's `updateEnv`: existing variables keep their place (replaced
/// when set again), removed ones go, new ones follow in order.
fn merged_env(existing: &[EnvVar], env: &[EnvVar], remove: &[String]) -> Vec<EnvVar> {
    let mut covered: Vec<String> = remove.to_vec();
    let mut out = Vec::new();
    for var in existing {
        if covered.contains(&var.name) {
            continue;
        }
        match env.iter().find(|e| e.name == var.name) {
            Some(newer) => {
                covered.push(var.name.clone());
                out.push(newer.clone());
            }
            None => out.push(var.clone()),
        }
    }
    for var in env {
        if covered.contains(&var.name) {
            continue;
        }
        covered.push(var.name.clone());
        out.push(var.clone());
    }
    out
}

/// Go's `path.Match` for container names: `*` and `?` wildcards.
fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('*', rest)) => (0..=n.len()).any(|i| go(rest, &n[i..])),
            Some(('?', rest)) => !n.is_empty() && go(rest, &n[1..]),
            Some((c, rest)) => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    go(&p, &n)
}

// ---- shared ------------------------------------------------------------

/// `cmdutil.GetResourcesAndPairs`.
fn split_pairs(args: &[String], noun: &str) -> Result<(Vec<String>, Vec<String>), String> {
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    for arg in args {
        let is_pair =
            (arg.contains('=') && !arg.starts_with('=')) || (arg.ends_with('-') && arg != "-");
        match (is_pair, pairs.is_empty()) {
            (true, _) => pairs.push(arg.clone()),
            (false, true) => resources.push(arg.clone()),
            (false, false) => {
                return Err(format!(
                    "error: all resources must be specified before {noun} changes: {arg}"
                ))
            }
        }
    }
    Ok((resources, pairs))
}

/// The builder for `set`: any object it cannot fetch ends the command.
fn fetch(
    ctx: &Context<'_>,
    parsed: &Parsed,
    resources: &[String],
    local: bool,
) -> Result<Infos, String> {
    let request = Request {
        args: resources,
        selector: parsed.value("selector"),
        all: parsed.flag("all"),
        filenames: parsed.all("filename"),
        recursive: parsed.flag("recursive"),
        namespace: parsed.value("namespace").unwrap_or("default"),
        local,
        ..Request::default()
    };
    if local && parsed.all("filename").is_empty() {
        return Err(resource_args::MISSING_RESOURCE.into());
    }
    let infos = resource_args::fetch(ctx, &request)?;
    abort_on_errors(&infos)?;
    Ok(infos)
}

fn abort_on_errors(infos: &Infos) -> Result<(), String> {
    match infos.errors.as_slice() {
        [] => Ok(()),
        errors => Err(errors.join("\n")),
    }
}

/// The pod spec `set` edits: a Pod's own, or the template's.
fn with_pod_spec(object: &mut Object, edit: impl FnOnce(&mut PodSpec)) -> Result<(), String> {
    let spec = match object {
        Object::Pod(pod) => pod.spec.get_or_insert_with(Default::default),
        Object::Deployment(d) => d
            .spec
            .get_or_insert_with(Default::default)
            .template
            .spec
            .get_or_insert_with(Default::default),
        Object::ReplicaSet(rs) => rs
            .spec
            .get_or_insert_with(Default::default)
            .template
            .get_or_insert_with(Default::default)
            .spec
            .get_or_insert_with(Default::default),
        other => {
            return Err(format!(
                "the object is not a pod or does not have a pod template: *v1.{}",
                other.kind().name()
            ))
        }
    };
    edit(spec);
    Ok(())
}

/// `error: deployments/echo <why>` for an object the change could not be made to.
fn object_failure(object: &Object, message: &str) -> Failure {
    Failure::Plain(format!(
        "error: {}/{} {message}",
        object.kind().plural(),
        object.name()
    ))
}

fn record(object: &mut Object, cause: Option<&str>) {
    if let Some(cause) = cause {
        object
            .metadata_mut()
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert(CHANGE_CAUSE.to_string(), cause.to_string());
    }
}

/// Sends a changed object and prints it: nothing for no change, the local
/// object for `--dry-run=client` and `--local`, the server's answer otherwise.
fn send_and_print(
    ctx: &mut Context<'_>,
    original: &Arc<Object>,
    changed: Object,
    sending: &Sending<'_>,
    printer: &mut Printer,
    out: &mut Output,
) -> Result<(), Failure> {
    if changed == **original {
        return Ok(());
    }
    let shown = if sending.local || sending.dry_run == DryRun::Client {
        changed
    } else {
        let mut update = changed;
        update.metadata_mut().resource_version = None;
        let options = WriteOptions {
            dry_run: sending.dry_run == DryRun::Server,
            field_manager: Some(sending.field_manager.clone()),
        };
        match ctx.cluster.update_with(update, &options) {
            Ok(answer) => Object::clone(&answer),
            Err(err) => {
                return Err(Failure::Plain(format!(
                    "failed to patch {} update to pod template: {}",
                    sending.what,
                    err.message()
                )));
            }
        }
    };
    let value = shown.to_value();
    out.stdout.push_str(&printer.print(&Printed {
        kind: shown.kind(),
        name: shown.name(),
        value: &value,
        typed: true,
    }));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, value: &str) -> EnvVar {
        EnvVar {
            name: name.into(),
            value: Some(value.into()),
            value_from: None,
        }
    }

    #[test]
    fn env_updates_keep_places_and_append_new_names() {
        let existing = vec![var("A", "1"), var("B", "2"), var("C", "3")];
        let merged = merged_env(&existing, &[var("B", "20"), var("D", "4")], &["A".into()]);
        let names: Vec<(&str, Option<&str>)> = merged
            .iter()
            .map(|v| (v.name.as_str(), v.value.as_deref()))
            .collect();
        assert_eq!(
            names,
            [("B", Some("20")), ("C", Some("3")), ("D", Some("4"))]
        );
    }

    #[test]
    fn env_arguments_and_names_are_read_as_kubectl_does() {
        assert_eq!(
            split_env_args(&["deploy/x".into(), "A=1".into(), "B-".into()]),
            Some((vec!["deploy/x".into()], vec!["A=1".into(), "B-".into()]))
        );
        assert_eq!(
            split_env_args(&["deploy/x".into(), "A=1".into(), "y".into()]),
            None
        );
        assert!(parse_env(&["1A=b".into()])
            .is_err_and(|e| e.contains("\"1A\" is not a valid key name")));
        assert!(parse_env(&["A=b".into(), "A-".into()]).is_err());
        assert_eq!(env_name_from_key("db.host-name"), "DB_HOST_NAME");
    }

    #[test]
    fn container_globs_match_as_path_match_does() {
        assert!(glob_match("*", "nginx"));
        assert!(glob_match("ng*", "nginx"));
        assert!(glob_match("e?ho", "echo"));
        assert!(!glob_match("echo", "nginx"));
    }

    #[test]
    fn images_go_to_named_or_all_containers() {
        let mut spec = PodSpec {
            containers: vec![
                Container {
                    name: "nginx".into(),
                    ..Container::default()
                },
                Container {
                    name: "echo".into(),
                    ..Container::default()
                },
            ],
            ..PodSpec::default()
        };
        let unknown = set_images(
            &mut spec,
            &[
                ("nginx".into(), "nginx:1.25".into()),
                ("x".into(), "y".into()),
            ],
        );
        assert_eq!(unknown, ["x"]);
        assert_eq!(spec.containers[0].image.as_deref(), Some("nginx:1.25"));
        set_images(&mut spec, &[("*".into(), "busybox".into())]);
        assert!(spec
            .containers
            .iter()
            .all(|c| c.image.as_deref() == Some("busybox")));
    }
}
