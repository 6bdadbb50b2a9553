//! A container's main process, simulated: which program the image and the
//! container's `command`/`args` start, and what it does over time.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Container;

use crate::images::{Image, Program};

/// One thing a scripted process does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Writes a line to its log.
    Log(String),
    /// Waits so many milliseconds.
    Sleep(i64),
    /// Exits with a code.
    Exit(i32),
    /// Blocks forever (`sleep infinity`, `tail -f /dev/null`).
    Forever,
    /// Creates a file (`touch`, `> file`).
    Touch(String),
    /// Removes a file (`rm`).
    Remove(String),
}

/// What runs as a container's main process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Process {
    /// A long-running server from the image.
    Serve {
        /// Which server.
        program: Program,
        /// Its arguments (flags such as `-text=`).
        args: Vec<String>,
    },
    /// A script of steps; `repeat` runs the steps after `loop_start` forever.
    Script {
        /// The steps.
        steps: Vec<Step>,
        /// Where a `while true` loop starts, if there is one.
        loop_start: Option<usize>,
    },
    /// The runtime could not start it (an executable missing from the image).
    StartError(String),
}

impl Process {
    /// True for a process that exits on SIGTERM at once; a script ignores it
    /// (as `sh` does as PID 1) and is killed when the grace period ends.
    pub fn stops_on_sigterm(&self) -> bool {
        matches!(self, Process::Serve { .. })
    }
}

/// Decides what a container runs, from its image and its command and args.
pub fn resolve(image: &Image, container: &Container, env: &BTreeMap<String, String>) -> Process {
    let command = container.command.clone().unwrap_or_default();
    let args = container.args.clone().unwrap_or_default();
    let interactive = container.stdin == Some(true);
    if command.is_empty() {
        return match image.program {
            Program::Shell if args.is_empty() => shell_without_script(interactive),
            Program::Shell => run_argv(image, &args, env, interactive),
            // curlimages/curl's entrypoint runs a command it ships
            // (`-- sh`), and hands anything else to curl.
            Program::Curl
                if args
                    .first()
                    .is_some_and(|a| !a.starts_with('-') && image.tools.contains(&basename(a))) =>
            {
                run_argv(image, &args, env, interactive)
            }
            Program::Curl if !args.is_empty() => Process::Script {
                steps: vec![
                    Step::Log(format!(
                        "curl: (6) Could not resolve host: {}",
                        args.last().cloned().unwrap_or_default()
                    )),
                    Step::Exit(6),
                ],
                loop_start: None,
            },
            program if program.is_server() => Process::Serve { program, args },
            program => Process::Script {
                steps: program
                    .start_logs(crate::time::SimTime::default(), &args)
                    .into_iter()
                    .map(Step::Log)
                    .chain([Step::Exit(2)])
                    .collect(),
                loop_start: None,
            },
        };
    }
    let argv: Vec<String> = command.into_iter().chain(args).collect();
    run_argv(image, &argv, env, interactive)
}

fn shell_without_script(interactive: bool) -> Process {
    // `sh` with no terminal and no stdin reads EOF and exits 0.
    let steps = if interactive {
        vec![Step::Forever]
    } else {
        vec![Step::Exit(0)]
    };
    Process::Script {
        steps,
        loop_start: None,
    }
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn run_argv(
    image: &Image,
    argv: &[String],
    env: &BTreeMap<String, String>,
    interactive: bool,
) -> Process {
    let Some(program) = argv.first() else {
        return shell_without_script(interactive);
    };
    let name = basename(program);
    if !image.tools.contains(&name) && !is_image_server(image, name) {
        return Process::StartError(format!(
            "failed to create containerd task: failed to create shim task: OCI runtime create failed: \
             runc create failed: unable to start container process: error during container init: \
             exec: \"{program}\": executable file not found in $PATH: unknown"
        ));
    }
    if is_image_server(image, name) {
        return Process::Serve {
            program: image.program,
            args: argv[1..].to_vec(),
        };
    }
    let only_options = argv[1..].iter().all(|a| a.starts_with('-') && a != "-c");
    match (name, argv.get(1).map(String::as_str)) {
        ("sh" | "bash" | "ash", Some("-c")) => script(argv.get(2).map_or("", String::as_str), env),
        // `bash -il`, `sh -i`: an interactive shell reading its stdin.
        ("sh" | "bash" | "ash", _) if only_options => shell_without_script(interactive),
        _ => script(
            &argv.iter().map(|a| quote(a)).collect::<Vec<_>>().join(" "),
            env,
        ),
    }
}

fn is_image_server(image: &Image, name: &str) -> bool {
    let servers: &[&str] = match image.program {
        Program::Nginx | Program::NginxProxy => &["nginx"],
        Program::Httpd => &["httpd", "httpd-foreground"],
        Program::EchoServer => &["echo-server", "server"],
        Program::Redis => &["redis-server"],
        Program::HttpEcho => &["http-echo"],
        Program::Pause => &["pause"],
        _ => &[],
    };
    servers.contains(&name)
}

fn quote(arg: &str) -> String {
    if arg
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=:".contains(c))
    {
        arg.to_string()
    } else {
        format!("'{}'", arg.replace('\'', "'\\''"))
    }
}

/// Interprets a small shell script: statements joined by `;`, `&&`, `||` or
/// newlines; `echo`, `sleep`, `exit`, `true`, `false`, `date`, and
/// `while true; do …; done`.
pub fn script(text: &str, env: &BTreeMap<String, String>) -> Process {
    let text = text.trim();
    if let Some((before, body)) = split_while_true(text) {
        let mut steps = statements(before, env);
        if steps
            .iter()
            .any(|s| matches!(s, Step::Exit(_) | Step::Forever))
        {
            return Process::Script {
                steps,
                loop_start: None,
            };
        }
        let loop_start = steps.len();
        steps.extend(statements(body, env));
        if !steps[loop_start..]
            .iter()
            .any(|s| matches!(s, Step::Sleep(_)))
        {
            // A busy loop: keep it from spinning the simulation.
            steps.push(Step::Sleep(1000));
        }
        return Process::Script {
            steps,
            loop_start: Some(loop_start),
        };
    }
    let mut steps = statements(text, env);
    if !steps
        .iter()
        .any(|s| matches!(s, Step::Exit(_) | Step::Forever))
    {
        steps.push(Step::Exit(0));
    }
    Process::Script {
        steps,
        loop_start: None,
    }
}

fn split_while_true(text: &str) -> Option<(&str, &str)> {
    let start = text.find("while true")?;
    let after = &text[start + "while true".len()..];
    let body_start = after.find("do")? + 2;
    let body_end = after.rfind("done")?;
    (body_start <= body_end).then(|| (&text[..start], &after[body_start..body_end]))
}

fn statements(text: &str, env: &BTreeMap<String, String>) -> Vec<Step> {
    let mut steps = Vec::new();
    for statement in text
        .split(['\n', ';'])
        .flat_map(|s| s.split("&&"))
        .flat_map(|s| s.split("||"))
    {
        let words = words(statement.trim(), env);
        let Some(first) = words.first() else { continue };
        match (basename(first), words.get(1)) {
            ("echo", _) => steps.push(Step::Log(words[1..].join(" "))),
            ("sleep", Some(n)) if n == "infinity" => steps.push(Step::Forever),
            ("sleep", Some(n)) => steps.push(Step::Sleep(parse_seconds(n))),
            ("exit", code) => {
                steps.push(Step::Exit(code.and_then(|c| c.parse().ok()).unwrap_or(0)));
                break;
            }
            ("tail", Some(flag)) if flag == "-f" => steps.push(Step::Forever),
            ("touch" | "mkdir", _) => steps.extend(
                words[1..]
                    .iter()
                    .filter(|w| !w.starts_with('-'))
                    .map(|w| Step::Touch(w.clone())),
            ),
            ("rm" | "rmdir", _) => steps.extend(
                words[1..]
                    .iter()
                    .filter(|w| !w.starts_with('-'))
                    .map(|w| Step::Remove(w.clone())),
            ),
            ("true" | ":" | "do" | "done", _) => {}
            ("false", _) => {}
            ("date", _) => steps.push(Step::Log("{date}".into())),
            (other, _) => steps.push(Step::Log(format!("sh: {other}: not found"))),
        }
    }
    steps
}

fn parse_seconds(text: &str) -> i64 {
    let (number, unit) = match text.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => (&text[..i], &text[i..]),
        None => (text, "s"),
    };
    let value: f64 = number.parse().unwrap_or(0.0);
    let factor = match unit {
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => 1000.0,
    };
    (value * factor).clamp(0.0, 1e15) as i64
}

/// Splits a statement into words, honouring simple quotes and `$VAR`.
fn words(statement: &str, env: &BTreeMap<String, String>) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = statement.chars().peekable();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (q, '$') if q != Some('\'') => {
                let name: String = std::iter::from_fn(|| {
                    chars.next_if(|c| c.is_ascii_alphanumeric() || *c == '_')
                })
                .collect();
                current.push_str(env.get(&name).map_or("", String::as_str));
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (_, c) => {
                current.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(current);
    }
    words
}

/// Runs an exec probe's command against the container's files: `cat F`,
/// `test -e F`, `ls F` need the file; `true`, `echo` and `exit 0` succeed;
/// `false` and `exit N` fail. Returns the exit code and the output.
pub fn exec_probe(
    command: &[String],
    files: &std::collections::BTreeSet<String>,
    tools: &[&str],
) -> (i32, String) {
    let argv: Vec<String> = match command {
        [shell, flag, script] if basename(shell).ends_with("sh") && flag == "-c" => {
            script.split_whitespace().map(str::to_string).collect()
        }
        _ => command.to_vec(),
    };
    let Some(program) = argv.first() else {
        return (0, String::new());
    };
    let name = basename(program);
    if !tools.contains(&name) && !matches!(name, "true" | "false" | "exit" | "test" | "[") {
        return (126, format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{program}\": executable file not found in $PATH: unknown"));
    }
    let target = argv
        .iter()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .cloned()
        .unwrap_or_default();
    match name {
        "false" => (1, String::new()),
        "exit" => (target.parse().unwrap_or(0), String::new()),
        "cat" | "ls" | "test" | "[" | "stat" if !files.contains(&target) => (
            1,
            format!("{name}: can't open '{target}': No such file or directory"),
        ),
        _ => (0, String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> BTreeMap<String, String> {
        [("NAME".to_string(), "sunaba".to_string())].into()
    }

    #[test]
    fn a_crashing_script_logs_then_exits() {
        assert_eq!(
            script("echo boom; exit 1", &env()),
            Process::Script {
                steps: vec![Step::Log("boom".into()), Step::Exit(1)],
                loop_start: None
            }
        );
    }

    #[test]
    fn loops_repeat_their_body_and_variables_expand() {
        assert_eq!(
            script(
                "echo start; while true; do echo \"hi $NAME\"; sleep 5; done",
                &env()
            ),
            Process::Script {
                steps: vec![
                    Step::Log("start".into()),
                    Step::Log("hi sunaba".into()),
                    Step::Sleep(5000)
                ],
                loop_start: Some(1)
            }
        );
    }

    #[test]
    fn unknown_commands_are_not_found_and_sleep_infinity_blocks() {
        assert_eq!(
            script("foo; sleep infinity", &env()),
            Process::Script {
                steps: vec![Step::Log("sh: foo: not found".into()), Step::Forever],
                loop_start: None
            }
        );
    }

    #[test]
    fn missing_executables_fail_to_start() {
        let image = crate::images::find("nginx").expect("in the catalog");
        let container = Container {
            name: "c".into(),
            command: Some(vec!["bash".into()]),
            ..Default::default()
        };
        assert!(
            matches!(resolve(image, &container, &env()), Process::StartError(m) if m.contains("exec: \"bash\""))
        );
        let container = Container {
            name: "c".into(),
            ..Default::default()
        };
        assert_eq!(
            resolve(image, &container, &env()),
            Process::Serve {
                program: Program::Nginx,
                args: vec![]
            }
        );
    }
}
