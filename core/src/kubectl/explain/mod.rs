//! `kubectl explain`: a kind's or a field's documentation, read from the
//! cluster's OpenAPI schemas (`api::openapi`). `plaintext.rs` lays out the
//! v3 schemas as kubectl 1.32's default template does;
//! `plaintext_openapiv2.rs` the v2 ones, as `--output=plaintext-openapiv2`.

mod plaintext;
mod plaintext_openapiv2;

pub use plaintext::{explain, type_guess, wrap};

use super::args::{self, Flag};
use super::{Context, Output};
use crate::api::Kind;

const FLAGS: &[Flag] = &[
    Flag::bool("recursive", None),
    Flag::string("api-version", None),
    Flag::string("output", None),
];

const NO_TYPE: &str = "error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.";
const ONE_TYPE: &str = "error: We accept only this format: explain RESOURCE";

/// Runs `kubectl explain`.
pub fn run(_ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return super::usage_error("explain", &e),
    };
    let target = match parsed.positionals.as_slice() {
        [] => return failed(NO_TYPE),
        [target] => target,
        _ => return failed(ONE_TYPE),
    };
    let Some((kind, field_path)) = split_resource_and_fields(target) else {
        let resource = target.split('.').next().unwrap_or_default();
        return failed(&format!(
            "the server doesn't have a resource type \"{resource}\""
        ));
    };
    let output = parsed.value("output").unwrap_or("plaintext");
    if let Some(api_version) = parsed.value("api-version") {
        if api_version != kind.api_version() {
            let missing = match output {
                "plaintext-openapiv2" => format!("{api_version}, Kind={}", kind.name()),
                _ => format!(
                    "{}, Resource={}",
                    group_version_text(api_version),
                    kind.plural()
                ),
            };
            return failed(&format!("error: couldn't find resource for \"{missing}\""));
        }
    }
    let recursive = parsed.flag("recursive");
    match output {
        "plaintext" => explain(kind, &field_path, recursive),
        "plaintext-openapiv2" => plaintext_openapiv2::explain(kind, &field_path, recursive),
        other => failed(&format!("error: unrecognized format: {other}")),
    }
}

fn failed(message: &str) -> Output {
    let mut out = Output::default();
    out.fail(message);
    out
}

/// `apps/v1` → `apps/v1`; `v1` → `/v1`, as a GroupVersion prints.
fn group_version_text(api_version: &str) -> String {
    match api_version.split_once('/') {
        Some(_) => api_version.to_string(),
        None => format!("/{api_version}"),
    }
}

/// `deployments.apps.spec.replicas` → (Deployment, [spec, replicas]): the
/// longest prefix that names a resource (possibly group-qualified), then the
/// field path.
fn split_resource_and_fields(target: &str) -> Option<(Kind, Vec<String>)> {
    let parts: Vec<&str> = target.split('.').collect();
    (1..=parts.len()).rev().find_map(|taken| {
        let kind = Kind::from_resource_arg(&parts[..taken].join("."))?;
        let fields = parts[taken..].iter().map(|p| p.to_string()).collect();
        Some((kind, fields))
    })
}
