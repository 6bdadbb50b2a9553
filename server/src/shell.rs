//! `sunaba shell`: the playground's terminal in a real terminal. The same
//! `sunaba_core::terminal::Terminal` as the browser's runs it; this module
//! only supplies the disk's files (with the tutorial's manifests as a
//! fallback), the wall clock, and line editing on a TTY.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use sunaba_core::kubectl::{Files, Output};
use sunaba_core::terminal::Terminal;
use sunaba_core::time::SimTime;
use sunaba_core::{seed, Cluster, ClusterConfig};

/// What `sunaba shell` was asked to do.
#[derive(Clone, Debug, Default)]
pub struct ShellConfig {
    /// The randomness seed; by default one from the clock.
    pub seed: Option<u64>,
    /// Worker nodes besides the control plane.
    pub workers: Option<usize>,
}

/// The files `kubectl -f` reads: the working directory's, then the seed's
/// manifests under their tutorial names. A real file always wins.
pub struct DiskFiles {
    root: PathBuf,
}

impl DiskFiles {
    /// Files relative to `root`.
    pub fn new(root: PathBuf) -> Self {
        Self { root }
    }
}

impl Files for DiskFiles {
    fn read(&self, path: &str) -> Option<String> {
        let on_disk = self.root.join(path);
        if on_disk.is_file() {
            return std::fs::read_to_string(on_disk).ok();
        }
        seed::manifest(path.trim_start_matches("./")).map(str::to_string)
    }

    fn list(&self, dir: &str) -> Option<Vec<String>> {
        let on_disk = self.root.join(dir);
        let mut names: Vec<String> = std::fs::read_dir(&on_disk)
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        if matches!(dir, "." | "./" | "") {
            for (name, _) in seed::SEED_MANIFESTS {
                if !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
        }
        names.sort();
        Some(names)
    }
}

/// The wall clock as simulated time.
fn wall_clock() -> SimTime {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    SimTime(millis)
}

/// Runs the shell until `exit` or end of input; returns the last exit code.
pub fn run(config: &ShellConfig) -> i32 {
    let start = wall_clock();
    let mut cluster_config = ClusterConfig {
        start,
        seed: config
            .seed
            .unwrap_or_else(|| u64::try_from(start.millis()).unwrap_or(0)),
        ..ClusterConfig::default()
    };
    if let Some(workers) = config.workers {
        cluster_config.workers = workers;
    }
    let mut cluster = Cluster::new(cluster_config);
    let files = DiskFiles::new(PathBuf::from("."));
    let mut terminal = Terminal::new();
    if std::io::stdin().is_terminal() {
        interactive(&mut cluster, &files, &mut terminal)
    } else {
        piped(&mut cluster, &files, &mut terminal)
    }
}

/// One command per line, no prompt and no echo, simulated time only.
fn piped(cluster: &mut Cluster, files: &DiskFiles, terminal: &mut Terminal) -> i32 {
    let mut code = 0;
    let mut stdin = std::io::stdin().lock();
    let mut bytes = Vec::new();
    loop {
        bytes.clear();
        match stdin.read_until(b'\n', &mut bytes) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
        // Invalid UTF-8 becomes U+FFFD, as a terminal would show it.
        let line = String::from_utf8_lossy(&bytes);
        let line = line.trim_end_matches(['\n', '\r']).to_string();
        if !terminal.in_container() && line.trim() == "exit" {
            break;
        }
        code = print(&terminal.run_line(cluster, files, &line));
        if let Some(fetched) = fetch_urls(cluster, files, terminal) {
            code = fetched;
        }
        if let Some(edited) = edit_in_editor(cluster, files, terminal) {
            code = edited;
        }
        if terminal.is_busy() {
            // Nobody can press Ctrl-C on a pipe: print what there is and go on.
            print(&terminal.poll(cluster));
            let _ = terminal.interrupt();
        }
    }
    code
}

/// Line editing and history on a TTY; the clock follows real time.
fn interactive(cluster: &mut Cluster, files: &DiskFiles, terminal: &mut Terminal) -> i32 {
    let mut editor = match rustyline::DefaultEditor::new() {
        Ok(editor) => editor,
        Err(_) => return piped(cluster, files, terminal),
    };
    let mut code = 0;
    let mut last = Instant::now();
    loop {
        let line = match editor.readline(&terminal.prompt()) {
            Ok(line) => line,
            Err(rustyline::error::ReadlineError::Interrupted) => continue,
            Err(_) => break,
        };
        follow_wall_clock(cluster, &mut last);
        if !terminal.in_container() && line.trim() == "exit" {
            break;
        }
        if !line.trim().is_empty() {
            let _ = editor.add_history_entry(line.as_str());
        }
        code = print(&terminal.run_line(cluster, files, &line));
        if let Some(fetched) = fetch_urls(cluster, files, terminal) {
            code = fetched;
        }
        if let Some(edited) = edit_in_editor(cluster, files, terminal) {
            code = edited;
        }
        if terminal.is_busy() {
            follow(cluster, terminal, &mut last);
        }
    }
    code
}

/// A line whose `-f` names URLs waits for them: they are fetched here,
/// with kubectl's attempts, and the line runs. Returns its exit code, when
/// there was a fetch.
fn fetch_urls(cluster: &mut Cluster, files: &DiskFiles, terminal: &mut Terminal) -> Option<i32> {
    let urls = terminal.fetching()?.to_vec();
    let fetched = crate::fetch::fetch_all(&urls);
    Some(print(&terminal.finish_fetch(cluster, files, &fetched)))
}

/// `kubectl edit` waits for an editor: as kubectl does, the buffer goes to
/// a temporary file for `$KUBE_EDITOR`, else `$EDITOR`, else `vi`, and what
/// was saved there finishes the edit, again for as long as a refused save
/// reopens it. Returns the exit code, when there was an edit.
fn edit_in_editor(
    cluster: &mut Cluster,
    files: &DiskFiles,
    terminal: &mut Terminal,
) -> Option<i32> {
    let editor = ["KUBE_EDITOR", "EDITOR"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|e| !e.trim().is_empty()))
        .unwrap_or_else(|| "vi".to_string());
    let mut code = None;
    while let Some(session) = terminal.editing() {
        let path = std::env::temp_dir().join(format!(
            "sunaba-{}-{}",
            std::process::id(),
            session.file_name
        ));
        let saved = std::fs::write(&path, &session.text)
            .ok()
            .and_then(|()| run_editor(&editor, &path))
            .and_then(|()| std::fs::read_to_string(&path).ok());
        let _ = std::fs::remove_file(&path);
        let Some(saved) = saved else {
            let _ = terminal.interrupt();
            eprintln!("error: there was a problem with the editor {editor:?}");
            return Some(1);
        };
        code = Some(print(&terminal.finish_edit(cluster, files, Some(&saved))));
    }
    code
}

/// Runs the editor on a file through the shell (so `$EDITOR` may carry
/// arguments, as kubectl allows), on this terminal; None when it failed.
fn run_editor(editor: &str, path: &std::path::Path) -> Option<()> {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(path)
        .status()
        .ok()
        .filter(|status| status.success())
        .map(|_| ())
}

/// Streams a running command (`logs -f`, `get -w`) until it ends or Ctrl-C.
fn follow(cluster: &mut Cluster, terminal: &mut Terminal, last: &mut Instant) {
    static INTERRUPTED: AtomicBool = AtomicBool::new(false);
    static HANDLER: std::sync::Once = std::sync::Once::new();
    HANDLER.call_once(|| {
        let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
    });
    INTERRUPTED.store(false, Ordering::SeqCst);
    while terminal.is_busy() {
        std::thread::sleep(std::time::Duration::from_millis(250));
        follow_wall_clock(cluster, last);
        print(&terminal.poll(cluster));
        if INTERRUPTED.swap(false, Ordering::SeqCst) {
            // The TTY already echoed `^C`; end its line.
            let _ = terminal.interrupt();
            println!();
        }
    }
}

/// Moves the simulated clock on by the real time since the last line.
fn follow_wall_clock(cluster: &mut Cluster, last: &mut Instant) {
    let elapsed = last.elapsed();
    *last = Instant::now();
    cluster.advance(i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX));
}

/// Writes a command's output to the real stdout and stderr.
fn print(out: &Output) -> i32 {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.stdout.as_bytes());
    let _ = stdout.flush();
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(out.stderr.as_bytes());
    out.exit_code
}
