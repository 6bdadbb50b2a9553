//! kubectl's help: `-h`/`--help` on any command, `kubectl help [COMMAND…]`,
//! bare `kubectl`, and `kubectl options`. The texts are kubectl 1.32's own,
//! shipped as data (`core/data/kubectl-1.32-help.txt`, written by `cargo
//! xtask kubectl-help`), so every command's help is exactly what kubectl
//! prints, including commands this playground does not run.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use super::Output;

/// The texts as shipped in `core/data`, when built in (`embedded-data`).
#[cfg(feature = "embedded-data")]
const EMBEDDED: Option<&str> = Some(include_str!("../../data/kubectl-1.32-help.txt"));
#[cfg(not(feature = "embedded-data"))]
const EMBEDDED: Option<&str> = None;

/// Texts a host gave (the web app fetches them beside its bundle).
static INSTALLED: OnceLock<String> = OnceLock::new();
static TEXTS: OnceLock<Texts> = OnceLock::new();

/// Gives the help texts to a build without them built in; returns how many
/// commands they cover. The first texts given stay.
pub fn install(data: &str) -> usize {
    let _ = INSTALLED.set(data.to_string());
    texts().help.len()
}
const HELP_MARK: &str = "### kubectl-help: ";
const USAGE_MARK: &str = "### kubectl-help-usage";
const OPTIONS_MARK: &str = "### kubectl-options";

/// The texts by command path (`""`, `get`, `create secret generic`), the
/// usage `help <unknown>` prints, and `kubectl options`.
struct Texts {
    help: BTreeMap<&'static str, &'static str>,
    usage: &'static str,
    options: &'static str,
}

fn texts() -> &'static Texts {
    static NONE: OnceLock<Texts> = OnceLock::new();
    if let Some(texts) = TEXTS.get() {
        return texts;
    }
    match INSTALLED.get().map(String::as_str).or(EMBEDDED) {
        Some(data) => TEXTS.get_or_init(|| parse(data)),
        None => NONE.get_or_init(|| parse("")),
    }
}

/// The texts of the data file, by their `### kubectl-…` headings.
fn parse(data: &'static str) -> Texts {
    let mut texts = Texts {
        help: BTreeMap::new(),
        usage: "",
        options: "",
    };
    let mut rest = data;
    while let Some(start) = rest.find("### kubectl") {
        let after = &rest[start..];
        let (heading, body) = after.split_once('\n').unwrap_or((after, ""));
        // An empty text (`options`) is followed at once by the next heading.
        let end = if body.starts_with("### kubectl") {
            0
        } else {
            body.find("\n### kubectl").map_or(body.len(), |i| i + 1)
        };
        let text = &body[..end];
        if let Some(path) = heading.strip_prefix(HELP_MARK) {
            texts.help.insert(path, text);
        } else if heading == USAGE_MARK {
            texts.usage = text;
        } else if heading == OPTIONS_MARK {
            texts.options = text;
        }
        rest = &body[end..];
    }
    texts
}

/// The help of the deepest command the arguments name (`create deployment`
/// for `create deployment web -h`), if they ask for help: `-h` or
/// `--help` before any `--`.
pub fn requested(args: &[String]) -> Option<Output> {
    let before_dashes = args.iter().take_while(|a| a.as_str() != "--");
    let asks = before_dashes
        .clone()
        .any(|a| matches!(a.as_str(), "-h" | "--help" | "--help=true"));
    if !asks {
        return None;
    }
    let words: Vec<&str> = before_dashes
        .map(String::as_str)
        .filter(|a| !a.starts_with('-'))
        .collect();
    Some(printed(text_for(&words)))
}

/// `kubectl help [COMMAND…]`.
pub fn run_help(topic: &[String]) -> Output {
    let words: Vec<&str> = topic.iter().map(String::as_str).collect();
    match words.first() {
        None => printed(root()),
        Some(first) if !texts().help.contains_key(first) => Output {
            stderr: format!("Unknown help topic [`{first}`]\n{}", texts().usage),
            ..Output::default()
        },
        Some(_) => printed(text_for(&words)),
    }
}

/// Bare `kubectl`: the root help.
pub fn root_help() -> Output {
    printed(root())
}

/// The help text of a command path (`["rollout"]`), as its `--help` prints it.
pub fn text_of(path: &[&str]) -> &'static str {
    text_for(path)
}

/// The long flags (`--selector`) a command path's help lists under
/// "Options:", in its order; the global options are not among them.
pub fn flags_of(path: &[&str]) -> Vec<&'static str> {
    let text = text_for(path);
    let Some((_, options)) = text.split_once("\nOptions:\n") else {
        return Vec::new();
    };
    options
        .lines()
        .take_while(|line| line.is_empty() || line.starts_with([' ', '\t']))
        .filter(|line| line.starts_with("    -"))
        .filter_map(|line| {
            let long = line.trim().split(", ").last()?;
            let name = long.split(['=', ':']).next()?;
            name.starts_with("--").then_some(name)
        })
        .collect()
}

/// `kubectl options`: the global options.
pub fn options() -> Output {
    printed(texts().options)
}

fn root() -> &'static str {
    texts().help.get("").copied().unwrap_or_default()
}

/// The text of the longest command path the words start with.
fn text_for(words: &[&str]) -> &'static str {
    let mut best = root();
    let mut path = String::new();
    for word in words {
        let longer = if path.is_empty() {
            word.to_string()
        } else {
            format!("{path} {word}")
        };
        match texts().help.get(longer.as_str()) {
            Some(text) => {
                best = text;
                path = longer;
            }
            None => break,
        }
    }
    best
}

fn printed(text: &str) -> Output {
    Output {
        stdout: text.to_string(),
        ..Output::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn every_command_kubectl_lists_has_its_help() {
        assert!(texts().help.len() > 100);
        assert!(root().starts_with("kubectl controls the Kubernetes cluster manager."));
        assert!(texts().usage.contains("Basic Commands (Beginner):"));
        assert!(texts()
            .options
            .starts_with("The following options can be passed to any command:"));
    }

    #[test]
    fn help_is_the_deepest_command_named() {
        let help = requested(&words("create deployment web --image=x -h")).expect("help");
        assert!(help
            .stdout
            .starts_with("Create a deployment with the specified name."));
        let help = requested(&words("get pods --help")).expect("help");
        assert!(help.stdout.starts_with("Display one or many resources."));
        let unknown_sub = requested(&words("create nothing -h")).expect("help");
        assert!(unknown_sub
            .stdout
            .starts_with("Create a resource from a file or from stdin."));
    }

    #[test]
    fn a_command_after_an_empty_text_keeps_its_own() {
        let parsed =
            parse("### kubectl-help: a\nA.\n### kubectl-help: empty\n### kubectl-help: b\nB.\n");
        assert_eq!(parsed.help.get("empty"), Some(&""));
        assert_eq!(parsed.help.get("b"), Some(&"B.\n"));
        assert!(requested(&words("patch --help"))
            .expect("help")
            .stdout
            .starts_with("Update fields of a resource"));
    }

    #[test]
    fn help_after_dashes_belongs_to_the_containers_command() {
        assert_eq!(requested(&words("exec web -- ls -h")), None);
        assert_eq!(requested(&words("get pods")), None);
    }

    #[test]
    fn an_unknown_help_topic_prints_the_usage_on_stderr() {
        let out = run_help(&words("nope"));
        assert!(out.stderr.starts_with("Unknown help topic [`nope`]\n"));
        assert_eq!(out.stdout, "");
        assert_eq!(out.exit_code, 0);
    }

    #[test]
    fn a_commands_flags_come_from_its_help() {
        let get = flags_of(&["get"]);
        assert_eq!(get.first(), Some(&"--all-namespaces"));
        assert!(get.contains(&"--selector") && get.contains(&"--output"));
        assert!(!get.contains(&"--kubeconfig"), "global options are apart");
        let undo = flags_of(&["rollout", "undo"]);
        assert!(undo.contains(&"--to-revision"), "{undo:?}");
        assert_eq!(flags_of(&["no-such-command"]), Vec::<&str>::new());
    }
}
