//! Reading manifests for `-f`: files, directories (with `-R`), URLs (as
//! the host fetched them), `-` (standard input, named `STDIN`), and the
//! errors kubectl gives for paths and YAML.

use super::url;
use super::Files;

/// One file's text with the name kubectl quotes in errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The path as given (or joined under a directory).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// The files `-f` names: a file, a directory's `.json`, `.yaml` and `.yml` files
/// (recursively with `-R`), in name order, or a URL's body.
pub fn read_sources(
    files: &dyn Files,
    paths: &[String],
    recursive: bool,
) -> Result<Vec<Source>, String> {
    let mut sources = Vec::new();
    let mut unfetched = None;
    for path in paths {
        if path == "-" {
            sources.push(Source {
                name: "STDIN".into(),
                text: files.stdin().unwrap_or_default(),
            });
            continue;
        }
        if url::is_url(path) {
            match files.fetched(path) {
                Some(Ok(text)) => sources.push(Source {
                    name: path.clone(),
                    text,
                }),
                Some(Err(error)) => return Err(url::error_message(path, &error)),
                None => unfetched = unfetched.or(Some(path)),
            }
            continue;
        }
        if let Some(entries) = files.list(path) {
            collect_dir(files, path, entries, recursive, &mut sources);
            continue;
        }
        match files.read(path) {
            Some(text) => sources.push(Source {
                name: path.clone(),
                text,
            }),
            None => return Err(format!("error: the path \"{path}\" does not exist")),
        }
    }
    match unfetched {
        Some(url) => Err(format!(
            "error: unable to read URL \"{url}\": nothing here fetches URLs"
        )),
        None => Ok(sources),
    }
}

fn collect_dir(
    files: &dyn Files,
    dir: &str,
    mut entries: Vec<String>,
    recursive: bool,
    out: &mut Vec<Source>,
) {
    entries.sort();
    for entry in entries {
        let path = format!("{}/{entry}", dir.trim_end_matches('/'));
        if let Some(children) = files.list(&path) {
            if recursive {
                collect_dir(files, &path, children, recursive, out);
            }
            continue;
        }
        let is_manifest = [".json", ".yaml", ".yml"]
            .iter()
            .any(|ext| entry.ends_with(ext));
        if let (true, Some(text)) = (is_manifest, files.read(&path)) {
            out.push(Source { name: path, text });
        }
    }
}
