//! `kubectl top`: resource usage comes from the Metrics API, which a
//! metrics-server serves. This cluster runs none (as a fresh kind or
//! kubeadm cluster), so `top node` and `top pod` say so in kubectl's words.

use super::args::{self, Flag};
use super::{help, usage_error, Context, Output};

const FLAGS: &[Flag] = &[
    Flag::bool("all-namespaces", Some('A')),
    Flag::string("selector", Some('l')),
    Flag::string("field-selector", None),
    Flag::string("sort-by", None),
    Flag::bool("containers", None),
    Flag::bool("no-headers", None),
    Flag::bool("use-protocol-buffers", None),
    Flag::bool("sum", None),
    Flag::bool("show-capacity", None),
];

/// Runs `kubectl top [node|pod]`.
pub fn run(_ctx: &mut Context<'_>, rest: &[String]) -> Output {
    let mut out = Output::default();
    let Some((sub, rest)) = rest.split_first() else {
        // Bare `kubectl top` prints its help on stderr, and fails.
        out.fail(help::text_of(&["top"]).trim_end_matches('\n'));
        return out;
    };
    let command = match sub.as_str() {
        "node" | "nodes" | "no" => "top node",
        "pod" | "pods" | "po" => "top pod",
        other => {
            out.fail(format!(
                "error: unknown command \"{other}\"\nSee 'kubectl top -h' for help and examples"
            ));
            return out;
        }
    };
    if let Err(e) = args::parse(rest, FLAGS) {
        return usage_error(command, &e);
    }
    out.fail("error: Metrics API not available");
    out
}
