//! What the commands that change objects share with kubectl's
//! `genericclioptions`: the `-o` printers they allow (`name`, `yaml`,
//! `json`, `jsonpath=…`) and the default `kind/name <operation>` line,
//! `--dry-run` with its deprecated spellings, cobra's missing required
//! flag error, and the klog lines kubectl writes for both.

use serde_json::Value;

use super::args::Parsed;
use super::get::jsonpath::Template;
use super::get::output;
use super::go_json;
use super::yaml::to_yaml;
use crate::api::Kind;
use crate::time::SimTime;

const ALLOWED: &str = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

/// The printer `-o` chose.
#[derive(Clone, Debug, PartialEq)]
pub enum Format {
    /// No `-o`: `deployment.apps/echo scaled`.
    Message,
    /// `-o name`: `deployment.apps/echo`.
    Name,
    /// `-o yaml`.
    Yaml,
    /// `-o json`.
    Json,
    /// `-o jsonpath=…` (and simple `go-template=…`).
    JsonPath(Template),
}

/// A printer for one command run: YAML documents after the first get `---`.
#[derive(Clone, Debug)]
pub struct Printer {
    format: Format,
    operation: String,
    printed: usize,
}

/// One object to print.
#[derive(Clone, Copy)]
pub struct Printed<'a> {
    /// Its kind.
    pub kind: Kind,
    /// Its name.
    pub name: &'a str,
    /// The object as JSON.
    pub value: &'a Value,
    /// Typed objects print their JSON in Go field order; maps sort every key.
    pub typed: bool,
}

impl Printer {
    /// A printer for `format`; `operation` is the default line's verb with
    /// any dry-run suffix (`scaled (dry run)`).
    pub fn new(format: Format, operation: impl Into<String>) -> Self {
        Self {
            format,
            operation: operation.into(),
            printed: 0,
        }
    }

    /// Changes the default line's verb for the objects printed next
    /// (`patched (no change)`).
    pub fn set_operation(&mut self, operation: impl Into<String>) {
        self.operation = operation.into();
    }

    /// The text for a stored object, printed as the server returned it.
    pub fn print_object(&mut self, object: &crate::api::Object) -> String {
        let value = object.to_value();
        self.print(&Printed {
            kind: object.kind(),
            name: object.name(),
            value: &value,
            typed: false,
        })
    }

    /// The text for one object.
    pub fn print(&mut self, object: &Printed<'_>) -> String {
        let zeroed;
        let object = if object.typed {
            zeroed = go_json::with_zero_values(object.kind, object.value);
            &Printed {
                value: &zeroed,
                ..*object
            }
        } else {
            object
        };
        let label = format!("{}/{}", object.kind.qualified_singular(), object.name);
        let text = match &self.format {
            Format::Message => format!("{label} {}\n", self.operation),
            Format::Name => format!("{label}\n"),
            Format::Yaml => {
                let separator = if self.printed > 0 { "---\n" } else { "" };
                format!("{separator}{}", to_yaml(object.value))
            }
            Format::Json if object.typed => go_json::to_json(object.kind, object.value),
            Format::Json => output::to_json(object.value),
            Format::JsonPath(template) => template.execute(object.value),
        };
        self.printed += 1;
        text
    }
}

/// Parses the command line of a command that changes objects (`--dry-run`
/// alone taken as `--dry-run=unchanged`, as kubectl does), and starts its
/// output with the deprecation warnings of the flags used; a bad command
/// line is the usage error for `command`.
pub fn parse_changing(
    command: &str,
    rest: &[String],
    flags: &[super::args::Flag],
) -> Result<(Parsed, super::Output), Box<super::Output>> {
    let parsed = super::args::parse(&normalize_dry_run(rest), flags)
        .map_err(|e| Box::new(super::usage_error(command, &e)))?;
    let mut out = super::Output::default();
    for warning in &parsed.warnings {
        out.err(warning);
    }
    Ok((parsed, out))
}

/// Reads `-o` as kubectl's `PrintFlags` for these commands do.
pub fn parse_format(parsed: &Parsed) -> Result<Format, String> {
    let text = parsed.value("output").unwrap_or("");
    let (name, template) = match text.split_once('=') {
        Some((name, template)) => (name.to_ascii_lowercase(), Some(template)),
        None => (text.to_ascii_lowercase(), None),
    };
    match (name.as_str(), template) {
        ("", None) => Ok(Format::Message),
        ("name", None) => Ok(Format::Name),
        ("yaml", None) => Ok(Format::Yaml),
        ("json", None) => Ok(Format::Json),
        ("jsonpath" | "go-template" | "template" | "jsonpath-as-json", None) => {
            Err("error: template format specified but no template given".into())
        }
        ("jsonpath" | "jsonpath-as-json", Some(template)) => jsonpath(unquote(template)),
        ("go-template" | "template", Some(template)) => {
            jsonpath(&unquote(template).replace("{{", "{").replace("}}", "}"))
        }
        _ => Err(format!("error: unable to match a printer suitable for the output format \"{text}\", allowed formats are: {ALLOWED}")),
    }
}

fn jsonpath(template: &str) -> Result<Format, String> {
    Template::parse(template)
        .map(Format::JsonPath)
        .map_err(|e| format!("error: error parsing jsonpath {template}, {e}"))
}

fn unquote(text: &str) -> &str {
    text.strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(text)
}

/// `--dry-run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    /// Send the change.
    None,
    /// Print what would be sent; send nothing.
    Client,
    /// Send with `dryRun=All`: the server checks but stores nothing.
    Server,
}

impl DryRun {
    /// The suffix the default line gets: ` (dry run)`, ` (server dry run)`.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

/// The value a bare `--dry-run` stands for (pflag's `NoOptDefVal`).
const UNCHANGED: &str = "unchanged";

/// Rewrites a bare `--dry-run` to `--dry-run=unchanged` (and `--validate`
/// to `--validate=strict`), as pflag reads a flag that has a value for
/// when none is given: the next word is not its value.
pub fn normalize_dry_run(args: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(args.len());
    for arg in args {
        if arg == "--" {
            let at = out.len();
            out.extend(args[at..].iter().cloned());
            return out;
        }
        match arg.as_str() {
            "--dry-run" => out.push(format!("--dry-run={UNCHANGED}")),
            "--validate" => out.push("--validate=strict".to_string()),
            _ => out.push(arg.clone()),
        }
    }
    out
}

/// Reads `--dry-run`; deprecated spellings come with their klog warning.
pub fn parse_dry_run(parsed: &Parsed, now: SimTime) -> Result<(DryRun, Option<String>), String> {
    let Some(text) = parsed.value("dry-run") else {
        return Ok((DryRun::None, None));
    };
    let warn =
        |line: u32, message: String| Some(klog('W', now, &format!("helpers.go:{line}"), &message));
    match text {
        "client" => Ok((DryRun::Client, None)),
        "server" => Ok((DryRun::Server, None)),
        "none" => Ok((DryRun::None, None)),
        UNCHANGED => Ok((
            DryRun::Client,
            warn(702, "--dry-run is deprecated and can be replaced with --dry-run=client.".into()),
        )),
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok((
            DryRun::Client,
            warn(716, format!("--dry-run={text} is deprecated (boolean value) and can be replaced with --dry-run=client.")),
        )),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok((
            DryRun::None,
            warn(719, format!("--dry-run={text} is deprecated (boolean value) and can be replaced with --dry-run=none.")),
        )),
        other => Err(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// An error a command collects to print when it ends, as `cmdutil.CheckErr`
/// prints kubectl's errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// An API error, already in `Error from server (…): …` form.
    Api(String),
    /// kubectl's own error, without the `error: ` prefix.
    Plain(String),
    /// Several errors of one step (an aggregate), without prefixes.
    Many(Vec<String>),
}

/// Prints collected errors: one by itself gets `error: `; several are
/// listed one per line as they are (an inner aggregate as `[a, b]`).
pub fn print_failures(out: &mut super::Output, failures: &[Failure]) {
    let prefixed = |text: &str| {
        if text.starts_with("error: ") {
            text.to_string()
        } else {
            format!("error: {text}")
        }
    };
    if let [only] = failures {
        match only {
            Failure::Api(text) => out.fail(text),
            Failure::Plain(text) => out.fail(prefixed(text)),
            Failure::Many(items) if items.len() == 1 => out.fail(prefixed(&items[0])),
            Failure::Many(items) => items.iter().for_each(|i| out.fail(i)),
        }
        return;
    }
    for failure in failures {
        match failure {
            Failure::Api(text) | Failure::Plain(text) => out.fail(text),
            Failure::Many(items) if items.len() == 1 => out.fail(&items[0]),
            Failure::Many(items) => out.fail(format!("[{}]", items.join(", "))),
        }
    }
}

/// The process id klog lines carry; kubectl is one short-lived process per command.
const PID: u32 = 4242;

/// A klog line as kubectl writes it to stderr:
/// `E0101 00:00:00.000000    4242 run.go:72] message`.
pub fn klog(level: char, now: SimTime, site: &str, message: &str) -> String {
    let time = now.to_time();
    let stamp =
        k8s_openapi::jiff::fmt::strtime::format("%m%d %H:%M:%S", time.0).unwrap_or_default();
    let micros = now.millis().rem_euclid(1000) * 1000;
    format!("{level}{stamp}.{micros:06} {PID:>7} {site}] {message}")
}

/// Cobra's error for a required flag that was not given, as kubectl 1.32
/// reports it: through klog, with the error quoted.
pub fn required_flag_error(now: SimTime, flag: &str) -> String {
    let err = format!("required flag(s) \"{flag}\" not set");
    klog(
        'E',
        now,
        "run.go:72",
        &format!("\"command failed\" err={}", go_json::quote(&err)),
    )
}

/// pflag's error for a value that is not an integer, or out of range.
fn int_flag_error(flag: &str, value: &str) -> String {
    let reason = if value.parse::<i128>().is_ok() {
        "value out of range"
    } else {
        "invalid syntax"
    };
    format!("invalid argument \"{value}\" for \"{flag}\" flag: strconv.ParseInt: parsing \"{value}\": {reason}")
}

/// Parses an integer flag as pflag's `Int`/`Int32` do, or returns cobra's error text.
pub fn int_flag(
    parsed: &Parsed,
    long: &str,
    shown: &str,
    bits: u32,
) -> Result<Option<i64>, String> {
    let Some(text) = parsed.value(long) else {
        return Ok(None);
    };
    let value: i128 = text.parse().map_err(|_| int_flag_error(shown, text))?;
    let limit = 1i128 << (bits.clamp(1, 64) - 1);
    if value < -limit || value >= limit {
        return Err(int_flag_error(shown, text));
    }
    i64::try_from(value)
        .map(Some)
        .map_err(|_| int_flag_error(shown, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::args::{parse, Flag};

    fn parsed(line: &str) -> Parsed {
        let words = crate::kubectl::args::split_words(line).expect("balanced");
        let flags = [
            Flag::string("output", Some('o')),
            Flag::string("dry-run", None),
            Flag::string("replicas", None),
        ];
        parse(&normalize_dry_run(&words), &flags).expect("valid")
    }

    #[test]
    fn klog_lines_carry_the_simulated_time() {
        assert_eq!(
            required_flag_error(SimTime::TEST_EPOCH.plus_millis(1_500), "image"),
            r#"E0101 00:00:01.500000    4242 run.go:72] "command failed" err="required flag(s) \"image\" not set""#
        );
    }

    #[test]
    fn a_bare_dry_run_means_client_with_a_warning() {
        let p = parsed("x --dry-run -o name");
        assert_eq!(p.value("output"), Some("name"));
        let (dry, warning) = parse_dry_run(&p, SimTime::TEST_EPOCH).expect("valid");
        assert_eq!(dry, DryRun::Client);
        assert!(warning.is_some_and(|w| w.ends_with(
            "helpers.go:702] --dry-run is deprecated and can be replaced with --dry-run=client."
        )));
        assert!(parse_dry_run(&parsed("x --dry-run=maybe"), SimTime::TEST_EPOCH).is_err());
    }

    #[test]
    fn output_formats_are_case_insensitive_and_limited() {
        assert_eq!(parse_format(&parsed("x -o YAML")), Ok(Format::Yaml));
        assert_eq!(
            parse_format(&parsed("x -o jsonpath")),
            Err("error: template format specified but no template given".into())
        );
        assert!(parse_format(&parsed("x -o wide")).is_err_and(|e| e.contains("\"wide\"")));
    }

    #[test]
    fn one_error_gets_its_prefix_and_several_are_listed_as_they_are() {
        let mut out = super::super::Output::default();
        print_flags_failures(
            &mut out,
            &[Failure::Many(vec!["'a' already has a value (1)".into()])],
        );
        assert_eq!(out.stderr, "error: 'a' already has a value (1)\n");
        let mut out = super::super::Output::default();
        print_flags_failures(
            &mut out,
            &[
                Failure::Api("Error from server (NotFound): pods \"x\" not found".into()),
                Failure::Many(vec!["a".into(), "b".into()]),
            ],
        );
        assert_eq!(
            out.stderr,
            "Error from server (NotFound): pods \"x\" not found\n[a, b]\n"
        );
        assert_eq!(out.exit_code, 1);
    }

    fn print_flags_failures(out: &mut super::super::Output, failures: &[Failure]) {
        print_failures(out, failures);
    }

    #[test]
    fn integers_are_checked_as_pflag_does() {
        assert_eq!(
            int_flag(&parsed("x --replicas=3"), "replicas", "--replicas", 64),
            Ok(Some(3))
        );
        assert_eq!(
            int_flag(&parsed("x --replicas=x"), "replicas", "--replicas", 64),
            Err("invalid argument \"x\" for \"--replicas\" flag: strconv.ParseInt: parsing \"x\": invalid syntax".into())
        );
        assert!(int_flag(
            &parsed("x --replicas=3000000000"),
            "replicas",
            "--replicas",
            32
        )
        .is_err());
    }
}
