//! `kubectl api-resources` and `kubectl api-versions`: the kinds this
//! cluster serves, as discovery lists them.

use super::args::{self, Flag};
use super::get::table::tabwriter;
use super::{usage_error, Context, Output};
use crate::api::Kind;

const FLAGS: &[Flag] = &[
    Flag::string("api-group", None),
    Flag::string("namespaced", None),
    Flag::string("output", Some('o')),
    Flag::bool("no-headers", None),
    Flag::string("sort-by", None),
    Flag::strings("verbs", None),
    Flag::strings("categories", None),
    Flag::bool("cached", None),
];

/// The verbs kubectl shows with `-o wide`, comma-joined as it prints them.
fn verbs(kind: Kind) -> &'static str {
    match kind {
        Kind::Namespace => "create,delete,get,list,patch,update,watch",
        _ => "create,delete,deletecollection,get,list,patch,update,watch",
    }
}

/// Runs `kubectl api-resources`.
pub fn run(_ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let parsed = match args::parse(rest, FLAGS) {
        Ok(parsed) => parsed,
        Err(e) => return usage_error("api-resources", &e),
    };
    let mut out = Output::default();
    let output = parsed.value("output").unwrap_or("");
    if !matches!(output, "" | "wide" | "name") {
        out.fail(format!("error: --output {output} is not available"));
        return out;
    }
    let sort_by = parsed.value("sort-by").unwrap_or("");
    if !matches!(sort_by, "" | "name" | "kind") {
        out.fail("error: --sort-by accepts only name or kind");
        return out;
    }
    let mut kinds = listed_kinds(parsed.value("api-group"), parsed.value("namespaced"));
    match sort_by {
        "name" => kinds.sort_by_key(|k| k.plural()),
        "kind" => kinds.sort_by_key(|k| k.name()),
        _ => {}
    }
    if output == "name" {
        for kind in kinds {
            match kind.group() {
                "" => out.out(kind.plural()),
                group => out.out(format!("{}.{group}", kind.plural())),
            }
        }
        return out;
    }
    let wide = output == "wide";
    let mut lines = Vec::new();
    if !parsed.flag("no-headers") {
        let mut header: Vec<String> = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
            .map(str::to_string)
            .to_vec();
        if wide {
            header.extend(["VERBS".to_string(), "CATEGORIES".to_string()]);
        }
        lines.push(header);
    }
    for kind in kinds {
        let mut line = vec![
            kind.plural().to_string(),
            kind.short_names().join(","),
            kind.api_version().to_string(),
            kind.is_namespaced().to_string(),
            kind.name().to_string(),
        ];
        if wide {
            line.push(verbs(kind).to_string());
            line.push(categories(kind).to_string());
        }
        lines.push(line);
    }
    out.stdout.push_str(&tabwriter(&lines));
    out
}

/// The kinds in kubectl's order, filtered by `--api-group` and `--namespaced`.
fn listed_kinds(group: Option<&str>, namespaced: Option<&str>) -> Vec<Kind> {
    let mut kinds: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|k| group.is_none_or(|g| k.group() == g))
        .filter(|k| match namespaced {
            Some("false") => !k.is_namespaced(),
            Some(_) => k.is_namespaced(),
            None => true,
        })
        .collect();
    // kubectl sorts by group (the core group first, as "") and then by name.
    kinds.sort_by_key(|k| (k.group(), k.plural()));
    kinds
}

fn categories(kind: Kind) -> &'static str {
    match kind {
        Kind::Pod | Kind::Service | Kind::Deployment | Kind::ReplicaSet => "all",
        _ => "",
    }
}

/// Runs `kubectl api-versions`.
pub fn run_versions(_ctx: &mut Context<'_>, rest: &[String]) -> Output {
    if let Err(e) = args::parse(rest, &[]) {
        return usage_error("api-versions", &e);
    }
    let mut out = Output::default();
    let mut versions: Vec<&str> = Kind::ALL.iter().map(|k| k.api_version()).collect();
    versions.sort();
    versions.dedup();
    for version in versions {
        out.out(version);
    }
    out
}
