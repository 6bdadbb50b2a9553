//! The commands a container's shell runs: its builtins (`cd`, `export`,
//! `exit`, …) and the image's tools (`ls`, `cat`, `curl`, `nslookup`, …),
//! each only where the image has it, with the errors its own shell and
//! tools print.

use std::net::Ipv4Addr;

use super::{files, ContainerShell, Flavor, ShellOutput};
use crate::network::traffic::NetError;
use crate::Cluster;

/// Builtins every shell has, whatever the image ships.
const BUILTINS: &[&str] = &[
    "cd", "export", "unset", "exit", "echo", "pwd", "true", "false", "type", "set", ":", "[",
    "test", "printf", "read", "clear",
];

/// Runs one command with its arguments; `stdin` is what a pipe fed it.
pub fn run(
    shell: &mut ContainerShell,
    cluster: &mut Cluster,
    argv: &[String],
    stdin: &str,
) -> ShellOutput {
    let program = argv[0].as_str();
    let name = program.rsplit('/').next().unwrap_or(program);
    let args = &argv[1..];
    if !BUILTINS.contains(&name) && !shell.image().tools.contains(&name) {
        return not_found(shell, program);
    }
    match name {
        "cd" => cd(shell, cluster, args),
        "export" => export(shell, args),
        "unset" => {
            for arg in args {
                shell.env.remove(arg);
            }
            ok(String::new())
        }
        "exit" => {
            let code = args
                .first()
                .and_then(|c| c.parse::<i32>().ok())
                .unwrap_or(shell.last_status);
            ShellOutput {
                status: code,
                exited: Some(code),
                ..ShellOutput::default()
            }
        }
        "echo" => echo(args),
        "printf" => ok(printf(args)),
        "pwd" => ok(format!("{}\n", shell.cwd)),
        "true" | ":" => ok(String::new()),
        "false" => status(1),
        "test" | "[" => status(test(shell, cluster, args)),
        "type" | "which" => which(shell, args, name),
        "clear" => ok("\u{1b}[H\u{1b}[2J".into()),
        "ls" => ls(shell, cluster, args),
        "cat" => cat(shell, cluster, args, stdin),
        "env" | "printenv" => printenv(shell, args),
        "hostname" => hostname(shell, cluster, args),
        "ip" => ip(shell, cluster, args),
        "ps" => ps(shell, cluster),
        "sleep" => sleep(cluster, args),
        "date" => ok(format!("{}\n", date(cluster))),
        "id" => ok("uid=0(root) gid=0(root) groups=0(root)\n".into()),
        "whoami" => ok("root\n".into()),
        "uname" => ok(uname(args)),
        "mkdir" | "touch" => touch(shell, cluster, args),
        "rm" => rm(shell, cluster, args),
        "grep" => grep(shell, cluster, args, stdin),
        "head" | "tail" => head_tail(shell, cluster, name, args, stdin),
        "wc" => wc(args, stdin),
        "nslookup" => nslookup(shell, cluster, args),
        "curl" => curl(shell, cluster, args),
        "wget" => wget(shell, cluster, args),
        "sh" | "bash" | "ash" => nested_shell(shell, cluster, name, args),
        other => ok_err(
            String::new(),
            format!("{other}: this tool does not work in Sunaba's simulated containers yet\n"),
            1,
        ),
    }
}

fn ok(stdout: String) -> ShellOutput {
    ShellOutput {
        stdout,
        ..ShellOutput::default()
    }
}

fn status(code: i32) -> ShellOutput {
    ShellOutput {
        status: code,
        ..ShellOutput::default()
    }
}

fn ok_err(stdout: String, stderr: String, code: i32) -> ShellOutput {
    ShellOutput {
        stdout,
        stderr,
        status: code,
        exited: None,
    }
}

/// `sh: foo: not found` (127), as each shell words it.
fn not_found(shell: &ContainerShell, program: &str) -> ShellOutput {
    let message = match shell.flavor {
        Flavor::Ash => format!("sh: {program}: not found\n"),
        Flavor::Dash => format!("sh: 1: {program}: not found\n"),
        Flavor::Bash => format!("bash: {program}: command not found\n"),
    };
    ok_err(String::new(), message, 127)
}

fn cd(shell: &mut ContainerShell, cluster: &Cluster, args: &[String]) -> ShellOutput {
    let target = args
        .first()
        .cloned()
        .unwrap_or_else(|| shell.env.get("HOME").cloned().unwrap_or_else(|| "/".into()));
    let path = shell.absolute(&target);
    if files::is_dir(cluster, shell, &path) {
        shell.cwd = path;
        return status(0);
    }
    let message = match shell.flavor {
        Flavor::Ash => format!("sh: cd: can't cd to {target}: No such file or directory\n"),
        Flavor::Dash => format!("sh: 1: cd: can't cd to {target}\n"),
        Flavor::Bash => format!("bash: cd: {target}: No such file or directory\n"),
    };
    ok_err(
        String::new(),
        message,
        if shell.flavor == Flavor::Dash { 2 } else { 1 },
    )
}

fn export(shell: &mut ContainerShell, args: &[String]) -> ShellOutput {
    if args.is_empty() {
        let text: String = shell
            .env
            .iter()
            .map(|(k, v)| format!("export {k}='{v}'\n"))
            .collect();
        return ok(text);
    }
    for arg in args {
        if let Some((key, value)) = arg.split_once('=') {
            shell.env.insert(key.to_string(), value.to_string());
        }
    }
    status(0)
}

fn echo(args: &[String]) -> ShellOutput {
    let (newline, words) = match args.first().map(String::as_str) {
        Some("-n") => (false, &args[1..]),
        _ => (true, args),
    };
    let mut text = words.join(" ");
    if newline {
        text.push('\n');
    }
    ok(text)
}

/// `printf FORMAT ARGS…` with `%s`, `%d` and the usual escapes.
fn printf(args: &[String]) -> String {
    let Some((format, values)) = args.split_first() else {
        return String::new();
    };
    let mut values = values.iter();
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('%', Some('s' | 'd')) => {
                chars.next();
                out.push_str(values.next().map_or("", String::as_str));
            }
            ('\\', Some('n')) => {
                chars.next();
                out.push('\n');
            }
            ('\\', Some('t')) => {
                chars.next();
                out.push('\t');
            }
            (c, _) => out.push(c),
        }
    }
    out
}

/// `test -e|-f|-d PATH`, `test -n|-z S`, `test A = B`: the exit status.
fn test(shell: &ContainerShell, cluster: &Cluster, args: &[String]) -> i32 {
    let args: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| *a != "]")
        .collect();
    let holds = match args.as_slice() {
        ["-e" | "-f", path] => files::read(cluster, shell, &shell.absolute(path)).is_some(),
        ["-d", path] => files::is_dir(cluster, shell, &shell.absolute(path)),
        ["-n", s] => !s.is_empty(),
        ["-z", s] => s.is_empty(),
        [a, "=" | "==", b] => a == b,
        [a, "!=", b] => a != b,
        [s] => !s.is_empty(),
        _ => false,
    };
    i32::from(!holds)
}

fn which(shell: &ContainerShell, args: &[String], name: &str) -> ShellOutput {
    let mut out = String::new();
    let mut code = 0;
    for arg in args {
        if BUILTINS.contains(&arg.as_str()) && name == "type" {
            out.push_str(&format!("{arg} is a shell builtin\n"));
        } else if shell.image().tools.contains(&arg.as_str()) {
            if name == "type" {
                out.push_str(&format!("{arg} is /bin/{arg}\n"));
            } else {
                out.push_str(&format!("/bin/{arg}\n"));
            }
        } else {
            code = 1;
        }
    }
    ok_err(out, String::new(), code)
}

fn ls(shell: &ContainerShell, cluster: &Cluster, args: &[String]) -> ShellOutput {
    let long = args.iter().any(|a| a.starts_with('-') && a.contains('l'));
    let all = args.iter().any(|a| a.starts_with('-') && a.contains('a'));
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let targets: Vec<String> = if paths.is_empty() {
        vec![shell.cwd.clone()]
    } else {
        paths.iter().map(|p| p.to_string()).collect()
    };
    let mut out = String::new();
    let mut err = String::new();
    let several = targets.len() > 1;
    for (i, target) in targets.iter().enumerate() {
        let path = shell.absolute(target);
        let entries = if path == "/" {
            files::list(cluster, shell, "")
        } else {
            files::list(cluster, shell, &path)
        };
        match entries {
            Some(mut names) => {
                if all {
                    names.splice(0..0, [".".to_string(), "..".to_string()]);
                }
                if several {
                    if i > 0 {
                        out.push('\n');
                    }
                    out.push_str(&format!("{target}:\n"));
                }
                out.push_str(&format_entries(&names, long, shell.tty));
            }
            None if files::read(cluster, shell, &path).is_some() => {
                out.push_str(&format!("{target}\n"));
            }
            None => {
                err.push_str(&match shell.flavor {
                    Flavor::Ash => format!("ls: {target}: No such file or directory\n"),
                    _ => format!("ls: cannot access '{target}': No such file or directory\n"),
                });
            }
        }
    }
    let code = if err.is_empty() { 0 } else { 1 };
    ok_err(out, err, code)
}

fn format_entries(names: &[String], long: bool, tty: bool) -> String {
    if long {
        return names
            .iter()
            .map(|n| format!("drwxr-xr-x    2 root     root          4096 Jan  1 00:00 {n}\n"))
            .collect();
    }
    if tty && !names.is_empty() {
        let width = names.iter().map(|n| n.len()).max().unwrap_or(0) + 2;
        let per_line = (80 / width).max(1);
        return names
            .chunks(per_line)
            .map(|row| {
                let line: String = row.iter().map(|n| format!("{n:<width$}")).collect();
                format!("{}\n", line.trim_end())
            })
            .collect();
    }
    names.iter().map(|n| format!("{n}\n")).collect()
}

fn cat(shell: &ContainerShell, cluster: &Cluster, args: &[String], stdin: &str) -> ShellOutput {
    let paths: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if paths.is_empty() {
        return ok(stdin.to_string());
    }
    let mut out = String::new();
    let mut err = String::new();
    for path in paths {
        let absolute = shell.absolute(path);
        match files::read(cluster, shell, &absolute) {
            Some(text) => out.push_str(&text),
            None if files::is_dir(cluster, shell, &absolute) => {
                err.push_str("cat: read error: Is a directory\n");
            }
            None => err.push_str(&match shell.flavor {
                Flavor::Ash => format!("cat: can't open '{path}': No such file or directory\n"),
                _ => format!("cat: {path}: No such file or directory\n"),
            }),
        }
    }
    let code = if err.is_empty() { 0 } else { 1 };
    ok_err(out, err, code)
}

fn printenv(shell: &ContainerShell, args: &[String]) -> ShellOutput {
    if let Some(name) = args.first() {
        return match shell.env.get(name) {
            Some(value) => ok(format!("{value}\n")),
            None => status(1),
        };
    }
    ok(shell
        .env
        .iter()
        .map(|(k, v)| format!("{k}={v}\n"))
        .collect())
}

fn pod_ip(shell: &ContainerShell, cluster: &Cluster) -> Option<Ipv4Addr> {
    cluster
        .kubelets()
        .worker(&shell.target.namespace, &shell.target.pod)
        .and_then(|w| w.ip)
}

fn hostname(shell: &ContainerShell, cluster: &Cluster, args: &[String]) -> ShellOutput {
    if args.iter().any(|a| a == "-i") {
        let ip = pod_ip(shell, cluster)
            .map(|ip| ip.to_string())
            .unwrap_or_default();
        return ok(format!("{ip}\n"));
    }
    ok(format!("{}\n", shell.target.pod))
}

fn ip(shell: &ContainerShell, cluster: &Cluster, args: &[String]) -> ShellOutput {
    let ip = pod_ip(shell, cluster)
        .map(|ip| ip.to_string())
        .unwrap_or_default();
    match args.first().map(String::as_str) {
        Some("a" | "addr" | "address") => ok(format!(
            "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n2: eth0@if7: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue state UP \n    link/ether 0a:58:{}:{}:{}:{} brd ff:ff:ff:ff:ff:ff\n    inet {ip}/24 brd {} scope global eth0\n       valid_lft forever preferred_lft forever\n",
            hex_octet(&ip, 0),
            hex_octet(&ip, 1),
            hex_octet(&ip, 2),
            hex_octet(&ip, 3),
            broadcast(&ip),
        )),
        Some("route" | "r") => ok(format!(
            "default via {} dev eth0 \n{}/24 dev eth0 scope link  src {ip} \n",
            gateway(&ip),
            network(&ip)
        )),
        _ => ok_err(
            String::new(),
            "Usage: ip [OPTIONS] address|route|link|neigh|rule [ARGS]\n".into(),
            1,
        ),
    }
}

fn octets(ip: &str) -> [u8; 4] {
    ip.parse::<Ipv4Addr>().map_or([0; 4], |a| a.octets())
}

fn hex_octet(ip: &str, i: usize) -> String {
    format!("{:02x}", octets(ip)[i])
}

fn broadcast(ip: &str) -> String {
    let o = octets(ip);
    format!("{}.{}.{}.255", o[0], o[1], o[2])
}

fn network(ip: &str) -> String {
    let o = octets(ip);
    format!("{}.{}.{}.0", o[0], o[1], o[2])
}

fn gateway(ip: &str) -> String {
    let o = octets(ip);
    format!("{}.{}.{}.1", o[0], o[1], o[2])
}

fn ps(shell: &ContainerShell, cluster: &Cluster) -> ShellOutput {
    let main = cluster
        .kubelets()
        .worker(&shell.target.namespace, &shell.target.pod)
        .and_then(|w| w.container(&shell.target.container))
        .map(|c| {
            let mut argv = c.spec.command.clone().unwrap_or_default();
            argv.extend(c.spec.args.clone().unwrap_or_default());
            if argv.is_empty() {
                default_command(shell)
            } else {
                argv.join(" ")
            }
        })
        .unwrap_or_default();
    let own = shell.flavor.name();
    ok(format!(
        "PID   USER     TIME  COMMAND\n    1 root      0:00 {main}\n   17 root      0:00 {own}\n   23 root      0:00 ps\n"
    ))
}

fn default_command(shell: &ContainerShell) -> String {
    use crate::images::Program;
    match shell.image().program {
        Program::Nginx | Program::NginxProxy => "nginx: master process nginx -g daemon off;".into(),
        Program::EchoServer => "/usr/local/bin/echo-server".into(),
        Program::Httpd => "httpd -DFOREGROUND".into(),
        Program::Redis => "redis-server *:6379".into(),
        Program::HttpEcho => "/http-echo".into(),
        _ => shell.flavor.name().into(),
    }
}

/// `sleep N`: the simulated clock moves on by N seconds.
fn sleep(cluster: &mut Cluster, args: &[String]) -> ShellOutput {
    let Some(text) = args.first() else {
        return ok_err(String::new(), "sleep: missing operand\n".into(), 1);
    };
    let seconds: f64 = match text.trim_end_matches('s').parse() {
        Ok(s) if s >= 0.0 => s,
        _ => {
            return ok_err(
                String::new(),
                format!("sleep: invalid number '{text}'\n"),
                1,
            )
        }
    };
    cluster.advance((seconds.min(86_400.0) * 1000.0) as i64);
    status(0)
}

fn date(cluster: &Cluster) -> String {
    k8s_openapi::jiff::fmt::strtime::format("%a %b %e %H:%M:%S UTC %Y", cluster.now().to_time().0)
        .unwrap_or_default()
}

fn uname(args: &[String]) -> String {
    if args.iter().any(|a| a == "-a") {
        "Linux sunaba 6.8.0-sunaba #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n".into()
    } else if args.iter().any(|a| a == "-r") {
        "6.8.0-sunaba\n".into()
    } else {
        "Linux\n".into()
    }
}

fn touch(shell: &ContainerShell, cluster: &mut Cluster, args: &[String]) -> ShellOutput {
    for path in args.iter().filter(|a| !a.starts_with('-')) {
        let absolute = shell.absolute(path);
        if files::read(cluster, shell, &absolute).is_none() {
            files::write(cluster, shell, &absolute, "", true);
        }
    }
    status(0)
}

fn rm(shell: &ContainerShell, cluster: &mut Cluster, args: &[String]) -> ShellOutput {
    let force = args.iter().any(|a| a.starts_with('-') && a.contains('f'));
    let mut err = String::new();
    for path in args.iter().filter(|a| !a.starts_with('-')) {
        let absolute = shell.absolute(path);
        if !files::remove(cluster, shell, &absolute) && !force {
            err.push_str(&match shell.flavor {
                Flavor::Ash => format!("rm: can't remove '{path}': No such file or directory\n"),
                _ => format!("rm: cannot remove '{path}': No such file or directory\n"),
            });
        }
    }
    let code = if err.is_empty() { 0 } else { 1 };
    ok_err(String::new(), err, code)
}

fn grep(shell: &ContainerShell, cluster: &Cluster, args: &[String], stdin: &str) -> ShellOutput {
    let invert = args.iter().any(|a| a == "-v");
    let ignore_case = args.iter().any(|a| a == "-i");
    let words: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some((pattern, paths)) = words.split_first() else {
        return ok_err(
            String::new(),
            "Usage: grep [-iv] PATTERN [FILE]...\n".into(),
            2,
        );
    };
    let text = if paths.is_empty() {
        stdin.to_string()
    } else {
        paths
            .iter()
            .filter_map(|p| files::read(cluster, shell, &shell.absolute(p)))
            .collect()
    };
    let matches = |line: &str| {
        let found = if ignore_case {
            line.to_lowercase().contains(&pattern.to_lowercase())
        } else {
            line.contains(pattern.as_str())
        };
        found != invert
    };
    let out: String = text
        .lines()
        .filter(|l| matches(l))
        .map(|l| format!("{l}\n"))
        .collect();
    let code = if out.is_empty() { 1 } else { 0 };
    ok_err(out, String::new(), code)
}

fn head_tail(
    shell: &ContainerShell,
    cluster: &Cluster,
    name: &str,
    args: &[String],
    stdin: &str,
) -> ShellOutput {
    let mut count = 10;
    let mut paths = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "-n" {
            count = iter.next().and_then(|n| n.parse().ok()).unwrap_or(10);
        } else if let Some(n) = arg.strip_prefix("-n").or_else(|| arg.strip_prefix('-')) {
            count = n.parse().unwrap_or(10);
        } else {
            paths.push(arg);
        }
    }
    let text = if paths.is_empty() {
        stdin.to_string()
    } else {
        let mut text = String::new();
        for path in paths {
            match files::read(cluster, shell, &shell.absolute(path)) {
                Some(t) => text.push_str(&t),
                None => {
                    return ok_err(
                        String::new(),
                        format!("{name}: {path}: No such file or directory\n"),
                        1,
                    )
                }
            }
        }
        text
    };
    let lines: Vec<&str> = text.lines().collect();
    let chosen = if name == "head" {
        &lines[..count.min(lines.len())]
    } else {
        &lines[lines.len().saturating_sub(count)..]
    };
    ok(chosen.iter().map(|l| format!("{l}\n")).collect())
}

fn wc(args: &[String], stdin: &str) -> ShellOutput {
    let lines = stdin.matches('\n').count();
    let words = stdin.split_whitespace().count();
    let bytes = stdin.len();
    let text = match args.first().map(String::as_str) {
        Some("-l") => format!("{lines}\n"),
        Some("-w") => format!("{words}\n"),
        Some("-c") => format!("{bytes}\n"),
        _ => format!("{lines:>7} {words:>7} {bytes:>7}\n"),
    };
    ok(text)
}

/// busybox `nslookup`: the cluster DNS server, then the answer or NXDOMAIN.
fn nslookup(shell: &ContainerShell, cluster: &Cluster, args: &[String]) -> ShellOutput {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        return ok_err(
            String::new(),
            "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n".into(),
            1,
        );
    };
    let server = cluster.api().service_cidr().dns_ip();
    let header = format!("Server:\t\t{server}\nAddress:\t{server}:53\n\n");
    let store = cluster.api().store();
    match crate::network::dns::resolve_with_name(store, &shell.target.namespace, name) {
        Some((fqdn, addresses)) => {
            let answers: String = addresses
                .iter()
                .map(|a| format!("Name:\t{fqdn}\nAddress: {a}\n"))
                .collect();
            ok(format!("{header}{answers}\n"))
        }
        None => ok_err(
            header,
            format!("** server can't find {name}: NXDOMAIN\n\n"),
            1,
        ),
    }
}

/// `curl URL`: the answer's body, or curl's error and exit code.
fn curl(shell: &ContainerShell, cluster: &mut Cluster, args: &[String]) -> ShellOutput {
    let include = args.iter().any(|a| a == "-i" || a == "--include");
    let head = args.iter().any(|a| a == "-I" || a == "--head");
    let silent = args
        .iter()
        .any(|a| a == "-s" || a == "-sS" || a == "--silent");
    let fail = args
        .iter()
        .any(|a| a == "-f" || a == "--fail" || a == "-fsSL");
    let Some(url) = args.iter().find(|a| !a.starts_with('-')) else {
        return ok_err(
            String::new(),
            "curl: try 'curl --help' or 'curl --manual' for more information\n".into(),
            2,
        );
    };
    match cluster.http_get(&shell.target.namespace, &shell.target.pod, url) {
        Ok(response) => {
            if fail && response.status >= 400 {
                return ok_err(
                    String::new(),
                    format!(
                        "curl: (22) The requested URL returned error: {}\n",
                        response.status
                    ),
                    22,
                );
            }
            let status_line = format!(
                "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n\r\n",
                response.status,
                crate::images::programs::reason_phrase(response.status),
                response.body.len()
            );
            let text = match (head, include) {
                (true, _) => status_line,
                (false, true) => format!("{status_line}{}", response.body),
                (false, false) => response.body,
            };
            ok(text)
        }
        Err(err) => {
            let (code, message) = curl_error(&err);
            let stderr = if silent && !args.iter().any(|a| a.contains('S')) {
                String::new()
            } else {
                format!("curl: ({code}) {message}\n")
            };
            ok_err(String::new(), stderr, code)
        }
    }
}

fn curl_error(err: &NetError) -> (i32, String) {
    match err {
        NetError::BadUrl(message) => (3, message.clone()),
        NetError::Resolve(host) => (6, format!("Could not resolve host: {host}")),
        NetError::Refused { host, port } => (
            7,
            format!("Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"),
        ),
        NetError::Timeout { host, port } => (
            28,
            format!("Failed to connect to {host} port {port} after 134048 ms: Couldn't connect to server"),
        ),
    }
}

/// busybox `wget`: `-qO-` prints the body; otherwise it saves `index.html`.
fn wget(shell: &ContainerShell, cluster: &mut Cluster, args: &[String]) -> ShellOutput {
    let quiet = args.iter().any(|a| a.starts_with('-') && a.contains('q'));
    let to_stdout = args
        .iter()
        .any(|a| a == "-O-" || a == "-qO-" || a == "-O" || a.ends_with("O-"));
    let Some(url) = args.iter().find(|a| !a.starts_with('-') && *a != "-") else {
        return ok_err(
            String::new(),
            "BusyBox v1.37.0 multi-call binary.\n\nUsage: wget [-cqS] [-O FILE] URL...\n".into(),
            1,
        );
    };
    let host = crate::network::traffic::Url::parse(url)
        .map(|u| u.host)
        .unwrap_or_else(|_| url.clone());
    match cluster.http_get(&shell.target.namespace, &shell.target.pod, url) {
        Ok(response) if response.status < 400 => {
            let mut err = String::new();
            if !quiet {
                err.push_str(&format!("Connecting to {host}\n"));
            }
            if to_stdout {
                if !quiet {
                    err.push_str("writing to stdout\n");
                }
                ok_err(response.body, err, 0)
            } else {
                let path = shell.absolute("index.html");
                files::write(cluster, shell, &path, &response.body, false);
                if !quiet {
                    err.push_str("saving to 'index.html'\n'index.html' saved\n");
                }
                ok_err(String::new(), err, 0)
            }
        }
        Ok(response) => ok_err(
            String::new(),
            format!(
                "Connecting to {host}\nwget: server returned error: HTTP/1.1 {} {}\n",
                response.status,
                crate::images::programs::reason_phrase(response.status)
            ),
            1,
        ),
        Err(NetError::Resolve(host)) => {
            ok_err(String::new(), format!("wget: bad address '{host}'\n"), 1)
        }
        Err(NetError::Refused { host, port }) => {
            let ip =
                crate::network::dns::resolve(cluster.api().store(), &shell.target.namespace, &host)
                    .and_then(|a| a.first().copied())
                    .map_or(host.clone(), |ip| ip.to_string());
            let connecting = if quiet {
                String::new()
            } else {
                format!("Connecting to {host}:{port} ({ip}:{port})\n")
            };
            ok_err(
                String::new(),
                format!(
                    "{connecting}wget: can't connect to remote host ({ip}): Connection refused\n"
                ),
                1,
            )
        }
        Err(NetError::Timeout { .. }) => {
            ok_err(String::new(), "wget: download timed out\n".into(), 1)
        }
        Err(NetError::BadUrl(_)) => ok_err(
            String::new(),
            format!("wget: not an http or ftp url: {url}\n"),
            1,
        ),
    }
}

/// `sh -c 'script'` runs the script; `sh` alone is not nested interactively.
fn nested_shell(
    shell: &mut ContainerShell,
    cluster: &mut Cluster,
    name: &str,
    args: &[String],
) -> ShellOutput {
    match args.split_first() {
        Some((flag, rest)) if flag == "-c" => {
            let script = rest.first().cloned().unwrap_or_default();
            let mut inner = shell.clone();
            inner.flavor = if name == "bash" {
                Flavor::Bash
            } else {
                shell.flavor
            };
            let mut result = inner.run_line(cluster, &script);
            result.exited = None;
            result
        }
        _ => ok_err(
            String::new(),
            format!("{name}: a nested interactive shell is not simulated; use `exit` to leave this one\n"),
            1,
        ),
    }
}
