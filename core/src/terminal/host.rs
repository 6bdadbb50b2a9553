//! The host prompt: `kubectl …` and the few shell commands beside it
//! (`ls`, `cat`, `echo`, `sleep`, `clear`), joined by pipes (`cat pod.yaml |
//! kubectl apply -f -`), with `< FILE` or a here-document (`kubectl apply
//! -f - <<EOF`) as standard input, which `kubectl … -f -` reads.

use crate::kubectl::url::Fetched;
use crate::kubectl::{self, Files, Output};
use crate::Cluster;

/// The host's files, with a command's standard input.
pub(super) struct WithStdin<'a> {
    pub(super) files: &'a dyn Files,
    pub(super) stdin: Option<&'a str>,
}

impl Files for WithStdin<'_> {
    fn read(&self, path: &str) -> Option<String> {
        self.files.read(path)
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        self.files.list(dir)
    }

    fn fetched(&self, url: &str) -> Option<Fetched> {
        self.files.fetched(url)
    }

    fn stdin(&self) -> Option<String> {
        self.stdin.map(str::to_string)
    }
}

/// Runs a line at the host prompt: each command of its pipeline reads the
/// one before's output (the first reads `stdin`); what they print on
/// stderr is kept, the last one's stdout and exit code are the line's.
pub(super) fn run_line(
    cluster: &mut Cluster,
    files: &dyn Files,
    line: &str,
    stdin: Option<&str>,
) -> Output {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Output::default();
    }
    let mut input = stdin.map(str::to_string);
    let mut last = Output::default();
    let mut stderr = String::new();
    for stage in split_pipeline(line) {
        let (stage, redirected) = match input_redirect(&stage) {
            Ok(Some((rest, path))) => match files.read(&path) {
                Some(text) => (rest, Some(text)),
                None => {
                    let mut out = Output::default();
                    out.fail(format!("bash: {path}: No such file or directory"));
                    stderr.push_str(&out.stderr);
                    last = Output {
                        stderr: String::new(),
                        ..out
                    };
                    input = Some(String::new());
                    continue;
                }
            },
            Ok(None) => (stage, None),
            Err(message) => {
                let mut out = Output::default();
                out.err(message);
                out.exit_code = 2;
                return out;
            }
        };
        let stage_input = redirected.or(input.take());
        let with_stdin = WithStdin {
            files,
            stdin: stage_input.as_deref(),
        };
        let mut out = command(cluster, &with_stdin, &stage);
        stderr.push_str(&std::mem::take(&mut out.stderr));
        input = Some(std::mem::take(&mut out.stdout));
        last = out;
    }
    last.stdout = input.unwrap_or_default();
    last.stderr = stderr;
    last
}

/// A line's commands, split at the pipes outside quotes (`||` is not a pipe).
fn split_pipeline(line: &str) -> Vec<String> {
    let mut stages = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (None, '\\') => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            (None, '|') if chars.peek() == Some(&'|') => {
                current.push_str("||");
                chars.next();
            }
            (None, '|') => stages.push(std::mem::take(&mut current).trim().to_string()),
            _ => current.push(c),
        }
    }
    stages.push(current.trim().to_string());
    stages
}

/// `< FILE` in a command: the command without it, and the file.
fn input_redirect(stage: &str) -> Result<Option<(String, String)>, String> {
    let Some(at) = unquoted(stage, "<") else {
        return Ok(None);
    };
    let before = &stage[..at];
    let after = stage[at + 1..].trim_start();
    let end = after.find(char::is_whitespace).unwrap_or(after.len());
    let path = &after[..end];
    if path.is_empty() {
        return Err("bash: syntax error near unexpected token `newline'".into());
    }
    Ok(Some((
        format!("{} {}", before.trim_end(), after[end..].trim_start())
            .trim()
            .to_string(),
        path.to_string(),
    )))
}

/// A here-document's opening (`<<EOF`, `<< 'EOF'`, `<<-EOF`) in a line: the
/// line without it, the delimiter, and whether leading tabs are stripped
/// (`<<-`).
pub(super) fn heredoc(line: &str) -> Option<(String, String, bool)> {
    let at = unquoted(line, "<<")?;
    let rest = &line[at + 2..];
    if rest.starts_with('<') {
        return None;
    }
    let (strip_tabs, rest) = match rest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let rest = rest.trim_start();
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '|')
        .unwrap_or(rest.len());
    let delimiter: String = rest[..end]
        .chars()
        .filter(|c| !matches!(c, '\'' | '"'))
        .collect();
    if delimiter.is_empty() {
        return None;
    }
    let without = format!("{} {}", line[..at].trim_end(), rest[end..].trim_start());
    Some((without.trim().to_string(), delimiter, strip_tabs))
}

/// Where `token` first occurs outside quotes (a lone `<` is not part of `<<`).
fn unquoted(text: &str, token: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '\\') => escaped = true,
            (None, _) if text[i..].starts_with(token) => {
                let in_double =
                    token == "<" && (text[i..].starts_with("<<") || text[..i].ends_with('<'));
                if !in_double {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// One command of a pipeline: `kubectl …`, or `ls`, `cat`, `sleep`,
/// `echo`, `clear`; `files` carries its standard input.
fn command(cluster: &mut Cluster, files: &dyn Files, line: &str) -> Output {
    let mut out = Output::default();
    let words = match kubectl::args::split_words(line) {
        Ok(words) => words,
        Err(_) => {
            out.err("bash: unexpected EOF while looking for matching quote");
            out.exit_code = 2;
            return out;
        }
    };
    let Some((program, args)) = words.split_first() else {
        return out;
    };
    match program.as_str() {
        "kubectl" | "k" => {
            let mut ctx = kubectl::Context { cluster, files };
            kubectl::run(&mut ctx, args)
        }
        "ls" => host_ls(files, args),
        "cat" => host_cat(files, args),
        "sleep" => {
            match args
                .first()
                .and_then(|s| s.trim_end_matches('s').parse::<f64>().ok())
            {
                Some(seconds) if seconds >= 0.0 => {
                    cluster.advance((seconds.min(86_400.0) * 1000.0) as i64)
                }
                _ => out.fail("sleep: missing operand"),
            }
            out
        }
        "echo" => {
            out.out(args.join(" "));
            out
        }
        "clear" => {
            out.stdout.push_str("\u{1b}[H\u{1b}[2J");
            out
        }
        "curl" | "wget" => {
            let host = args
                .iter()
                .find(|a| !a.starts_with('-'))
                .and_then(|u| crate::network::traffic::Url::parse(u).ok())
                .map(|u| u.host)
                .unwrap_or_default();
            out.err(format!(
                "curl: (6) Could not resolve host: {host}\n(Cluster names resolve only inside the cluster: try `kubectl run -it --rm debug --image=curlimages/curl -- sh`.)"
            ));
            out.exit_code = 6;
            out
        }
        other => {
            out.err(format!("bash: {other}: command not found"));
            out.exit_code = 127;
            out
        }
    }
}

fn host_ls(files: &dyn Files, args: &[String]) -> Output {
    let mut out = Output::default();
    let dir = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map_or(".", String::as_str);
    match files.list(dir) {
        Some(mut names) => {
            names.sort();
            for name in names {
                out.out(name);
            }
        }
        None if files.read(dir).is_some() => out.out(dir),
        None => out.fail(format!(
            "ls: cannot access '{dir}': No such file or directory"
        )),
    }
    out
}

/// `cat FILE…`, or its standard input when no file is named.
fn host_cat(files: &dyn Files, args: &[String]) -> Output {
    let mut out = Output::default();
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if paths.is_empty() {
        out.stdout = files.stdin().unwrap_or_default();
        return out;
    }
    for path in paths {
        match files.read(path) {
            Some(text) => out.stdout.push_str(&text),
            None => out.fail(format!("cat: {path}: No such file or directory")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_split_outside_quotes_and_not_at_or() {
        assert_eq!(
            split_pipeline("cat a | kubectl apply -f -"),
            ["cat a", "kubectl apply -f -"]
        );
        assert_eq!(split_pipeline("echo 'a|b' | cat"), ["echo 'a|b'", "cat"]);
        assert_eq!(split_pipeline("a || b"), ["a || b"]);
    }

    #[test]
    fn here_documents_open_with_their_delimiter() {
        assert_eq!(
            heredoc("kubectl apply -f - <<EOF"),
            Some(("kubectl apply -f -".into(), "EOF".into(), false))
        );
        assert_eq!(
            heredoc("cat << 'END' | kubectl apply -f -"),
            Some(("cat | kubectl apply -f -".into(), "END".into(), false))
        );
        assert_eq!(
            heredoc("cat <<-EOF"),
            Some(("cat".into(), "EOF".into(), true))
        );
        assert_eq!(heredoc("echo '<<EOF'"), None);
        assert_eq!(heredoc("cat <<<word"), None);
        assert_eq!(
            heredoc("echo 日本語 <<EOF"),
            Some(("echo 日本語".into(), "EOF".into(), false))
        );
    }

    #[test]
    fn input_redirects_name_their_file() {
        assert_eq!(
            input_redirect("kubectl apply -f - < pod.yaml"),
            Ok(Some(("kubectl apply -f -".into(), "pod.yaml".into())))
        );
        assert_eq!(input_redirect("kubectl get pods"), Ok(None));
        assert!(input_redirect("cat <").is_err());
    }
}
