//! Command-line parsing as kubectl's cobra and pflag do it: flags anywhere
//! before `--`, `--name=value`, `--name value`, `-n value`, `-nvalue`,
//! grouped short booleans (`-it`), and their exact error messages. The
//! result is plain data; nothing here touches the cluster.

use std::collections::BTreeMap;

/// What a flag takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlagKind {
    /// `--flag` or `--flag=false`.
    Bool,
    /// One value; a repeat replaces it.
    String,
    /// Values that accumulate (`-f a -f b`, `-l x -l y`).
    Strings,
}

/// One flag a command accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The long name, without dashes.
    pub long: &'static str,
    /// The one-letter shorthand, if any.
    pub short: Option<char>,
    /// What it takes.
    pub kind: FlagKind,
    /// Hidden and deprecated: using it prints this warning (`--record`).
    pub deprecated: Option<&'static str>,
}

impl Flag {
    /// A boolean flag.
    pub const fn bool(long: &'static str, short: Option<char>) -> Self {
        Self {
            long,
            short,
            kind: FlagKind::Bool,
            deprecated: None,
        }
    }

    /// A flag with one value.
    pub const fn string(long: &'static str, short: Option<char>) -> Self {
        Self {
            long,
            short,
            kind: FlagKind::String,
            deprecated: None,
        }
    }

    /// `--record`: deprecated, but still recording the change cause.
    pub const RECORD: Self = Self {
        long: "record",
        short: None,
        kind: FlagKind::Bool,
        deprecated: Some("--record will be removed in the future"),
    };

    /// A flag whose values accumulate.
    pub const fn strings(long: &'static str, short: Option<char>) -> Self {
        Self {
            long,
            short,
            kind: FlagKind::Strings,
            deprecated: None,
        }
    }
}

/// Flags every kubectl command accepts.
pub const GLOBAL_FLAGS: &[Flag] = &[
    Flag::string("namespace", Some('n')),
    Flag::string("kubeconfig", None),
    Flag::string("context", None),
    Flag::string("cluster", None),
    Flag::string("user", None),
    Flag::string("server", Some('s')),
    Flag::string("token", None),
    Flag::string("request-timeout", None),
    Flag::string("v", Some('v')),
    Flag::bool("insecure-skip-tls-verify", None),
    Flag::bool("help", Some('h')),
];

/// A parsed command line: positional arguments, flag values, and what came after `--`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Parsed {
    /// Arguments that are not flags, before `--`.
    pub positionals: Vec<String>,
    /// Arguments after `--`.
    pub after_dash: Vec<String>,
    /// Whether `--` appeared.
    pub has_dash: bool,
    /// Values by long flag name; booleans hold `true` or `false`.
    pub values: BTreeMap<&'static str, Vec<String>>,
    /// Warnings for deprecated flags, in order.
    pub warnings: Vec<String>,
    /// Flags in the order given, with their values, for `--record`'s change cause.
    pub given: Vec<(&'static str, String)>,
}

impl Parsed {
    /// The last value of a flag.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value of a flag.
    pub fn all(&self, long: &str) -> &[String] {
        self.values.get(long).map_or(&[], Vec::as_slice)
    }

    /// A boolean flag's value.
    pub fn flag(&self, long: &str) -> bool {
        self.value(long).is_some_and(|v| v == "true")
    }

    /// Whether the flag was given at all.
    pub fn has(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }
}

/// A command-line error in cobra's words (`unknown flag: --foo`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArgError(pub String);

/// Parses `args` against the command's flags plus the global ones.
pub fn parse(args: &[String], flags: &[Flag]) -> Result<Parsed, ArgError> {
    let lookup_long = |name: &str| {
        flags
            .iter()
            .chain(GLOBAL_FLAGS)
            .find(|f| f.long == name)
            .copied()
    };
    let lookup_short = |c: char| {
        flags
            .iter()
            .chain(GLOBAL_FLAGS)
            .find(|f| f.short == Some(c))
            .copied()
    };
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            parsed.has_dash = true;
            parsed.after_dash = args[i..].to_vec();
            break;
        }
        if let Some(body) = arg.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let flag =
                lookup_long(name).ok_or_else(|| ArgError(format!("unknown flag: --{name}")))?;
            let value = match (flag.kind, inline) {
                (FlagKind::Bool, Some(v)) => bool_value(&v, &format!("--{name}"))?,
                (FlagKind::Bool, None) => "true".to_string(),
                (_, Some(v)) => v,
                (_, None) => {
                    let v = args
                        .get(i)
                        .cloned()
                        .ok_or_else(|| ArgError(format!("flag needs an argument: --{name}")))?;
                    i += 1;
                    v
                }
            };
            record(&mut parsed, flag, value);
            continue;
        }
        if let Some(shorts) = arg.strip_prefix('-').filter(|s| !s.is_empty()) {
            let chars: Vec<char> = shorts.chars().collect();
            let mut j = 0;
            while j < chars.len() {
                let c = chars[j];
                j += 1;
                let flag = lookup_short(c).ok_or_else(|| {
                    ArgError(format!("unknown shorthand flag: '{c}' in -{shorts}"))
                })?;
                if flag.kind == FlagKind::Bool {
                    let value = if chars.get(j) == Some(&'=') {
                        let v: String = chars[j + 1..].iter().collect();
                        j = chars.len();
                        bool_value(&v, &format!("-{c}"))?
                    } else {
                        "true".to_string()
                    };
                    record(&mut parsed, flag, value);
                    continue;
                }
                let rest: String = chars[j..].iter().collect();
                let value = if !rest.is_empty() {
                    rest.strip_prefix('=').map(str::to_string).unwrap_or(rest)
                } else {
                    let v = args.get(i).cloned().ok_or_else(|| {
                        ArgError(format!("flag needs an argument: '{c}' in -{shorts}"))
                    })?;
                    i += 1;
                    v
                };
                record(&mut parsed, flag, value);
                break;
            }
            continue;
        }
        parsed.positionals.push(arg.clone());
    }
    Ok(parsed)
}

fn bool_value(text: &str, name: &str) -> Result<String, ArgError> {
    match text {
        "true" | "1" | "t" | "T" | "TRUE" | "True" => Ok("true".into()),
        "false" | "0" | "f" | "F" | "FALSE" | "False" => Ok("false".into()),
        _ => Err(ArgError(format!("invalid argument \"{text}\" for \"{name}\" flag: strconv.ParseBool: parsing \"{text}\": invalid syntax"))),
    }
}

fn record(parsed: &mut Parsed, flag: Flag, value: String) {
    if let Some(warning) = flag.deprecated {
        parsed.warnings.push(format!(
            "Flag --{} has been deprecated, {warning}",
            flag.long
        ));
    }
    parsed.given.push((flag.long, value.clone()));
    let slot = parsed.values.entry(flag.long).or_default();
    match flag.kind {
        FlagKind::Strings => slot.push(value),
        _ => *slot = vec![value],
    }
}

/// Splits a terminal line into words as a POSIX shell does for simple
/// commands: single and double quotes, backslash escapes.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('"'), '\\') => match chars.next() {
                Some(next @ ('"' | '\\' | '$' | '`')) => current.push(next),
                Some(next) => {
                    current.push('\\');
                    current.push(next);
                }
                None => current.push('\\'),
            },
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '\\') => {
                if let Some(next) = chars.next() {
                    current.push(next);
                    in_word = true;
                }
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("unexpected EOF while looking for matching quote".into());
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET: &[Flag] = &[
        Flag::strings("selector", Some('l')),
        Flag::string("output", Some('o')),
        Flag::bool("all-namespaces", Some('A')),
        Flag::bool("watch", Some('w')),
    ];

    fn args(line: &str) -> Vec<String> {
        split_words(line).expect("balanced")
    }

    #[test]
    fn flags_go_anywhere_in_every_spelling() {
        let parsed = parse(
            &args("pods -l app=echo --selector=release=summer -owide -n=dev x -Aw"),
            GET,
        )
        .expect("valid");
        assert_eq!(parsed.positionals, ["pods", "x"]);
        assert_eq!(parsed.all("selector"), ["app=echo", "release=summer"]);
        assert_eq!(parsed.value("output"), Some("wide"));
        assert_eq!(parsed.value("namespace"), Some("dev"));
        assert!(parsed.flag("all-namespaces") && parsed.flag("watch"));
    }

    #[test]
    fn a_double_dash_ends_the_flags() {
        let parsed = parse(&args("debug -n x -- sh -c 'echo hi'"), GET).expect("valid");
        assert_eq!(parsed.positionals, ["debug"]);
        assert_eq!(parsed.after_dash, ["sh", "-c", "echo hi"]);
    }

    #[test]
    fn errors_read_as_cobra_writes_them() {
        assert_eq!(
            parse(&args("pods --foo"), GET),
            Err(ArgError("unknown flag: --foo".into()))
        );
        assert_eq!(
            parse(&args("pods -z"), GET),
            Err(ArgError("unknown shorthand flag: 'z' in -z".into()))
        );
        assert_eq!(
            parse(&args("pods -n"), GET),
            Err(ArgError("flag needs an argument: 'n' in -n".into()))
        );
        assert_eq!(
            parse(&args("pods --namespace"), GET),
            Err(ArgError("flag needs an argument: --namespace".into()))
        );
        assert!(parse(&args("pods --watch=maybe"), GET).is_err());
    }

    #[test]
    fn words_split_like_a_shell() {
        assert_eq!(
            args(r#"a 'b c' "d \"e\"" f\ g"#),
            ["a", "b c", "d \"e\"", "f g"]
        );
        assert!(split_words("echo 'open").is_err());
    }
}
