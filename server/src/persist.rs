//! The served cluster's state on disk, so that `sunaba serve` comes back
//! after a restart, or a `kill -9`, with the same objects and
//! resourceVersions.
//!
//! A data directory holds a snapshot (`snapshot.json`: every object and the
//! resourceVersion, replaced atomically by write, fsync, rename) and a
//! journal (`journal.jsonl`: one line per change since the snapshot, as the
//! watch log has it). The cluster thread appends the changes of each job
//! and fsyncs them *before* it answers, so an acknowledged write is on disk.
//! A line cut short by a crash was never acknowledged; it is dropped on
//! load. When the journal grows long, it is folded into a new snapshot.
//! A lock file keeps a second server off the same directory, and tells
//! `sunaba kubeconfig` whether the kubeconfig the running server wrote
//! there (`kubeconfig`, mode 0600: it holds the server's token) is current.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sunaba_core::api::decode::decode_object;
use sunaba_core::api::Object;
use sunaba_core::store::{ObjectKey, Store, WatchEventType};

/// How many journal lines make the next write fold them into a snapshot.
pub const COMPACT_AFTER: usize = 20_000;

const SNAPSHOT: &str = "snapshot.json";
const JOURNAL: &str = "journal.jsonl";
const LOCK: &str = "lock";
const KUBECONFIG: &str = "kubeconfig";

/// What a data directory held: the objects and the resourceVersion.
#[derive(Debug, Default)]
pub struct Saved {
    /// Every object, as last written.
    pub objects: Vec<Object>,
    /// The newest resourceVersion written.
    pub resource_version: u64,
}

/// Why a data directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// Another server holds the directory.
    #[error("{0} is in use by another sunaba serve")]
    Locked(PathBuf),
    /// No server holds the directory, so no kubeconfig there is current.
    #[error("no sunaba serve is running with its state in {0}")]
    NotServed(PathBuf),
    /// The snapshot is not one sunaba wrote.
    #[error("{path}: not a sunaba snapshot: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// An open data directory: the journal to append to, and what is on disk.
#[derive(Debug)]
pub struct DataDir {
    path: PathBuf,
    journal: File,
    journal_lines: usize,
    persisted: u64,
    _lock: File,
}

impl DataDir {
    /// Opens (creating it if needed) and locks a data directory, and reads
    /// what it holds; a journal line cut short by a crash is dropped.
    pub fn open(path: &Path) -> Result<(Self, Saved), DataDirError> {
        fs::create_dir_all(path).map_err(io_at(path))?;
        let lock_path = path.join(LOCK);
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io_at(&lock_path))?;
        if lock.try_lock().is_err() {
            return Err(DataDirError::Locked(path.to_path_buf()));
        }
        let (mut objects, mut resource_version) = read_snapshot(&path.join(SNAPSHOT))?;
        let journal_path = path.join(JOURNAL);
        let (lines, good_len) = replay_journal(&journal_path, &mut objects, &mut resource_version)?;
        let journal = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&journal_path)
            .map_err(io_at(&journal_path))?;
        // Cut off a half-written last line, so the next lines start clean.
        journal.set_len(good_len).map_err(io_at(&journal_path))?;
        let saved = Saved {
            objects: objects.into_values().collect(),
            resource_version,
        };
        let dir = Self {
            path: path.to_path_buf(),
            journal,
            journal_lines: lines,
            persisted: resource_version,
            _lock: lock,
        };
        Ok((dir, saved))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes every change the store made since the last call and syncs it
    /// to disk: journal lines, or a whole snapshot when the store's watch
    /// log no longer reaches back that far or the journal is long.
    pub fn record(&mut self, store: &Store) -> Result<(), DataDirError> {
        if store.resource_version() == self.persisted {
            return Ok(());
        }
        let lines = match store.changes_since(self.persisted) {
            Ok(changes) => changes
                .map(|change| {
                    let line = json!({
                        "rv": change.resource_version,
                        "type": change.event_type.as_str(),
                        "object": change.object.to_value(),
                    });
                    format!("{line}\n")
                })
                .collect::<Vec<String>>(),
            Err(_) => return self.snapshot(store),
        };
        if self.journal_lines + lines.len() > COMPACT_AFTER {
            return self.snapshot(store);
        }
        let journal_path = self.path.join(JOURNAL);
        self.journal
            .write_all(lines.concat().as_bytes())
            .and_then(|()| self.journal.sync_data())
            .map_err(io_at(&journal_path))?;
        self.journal_lines += lines.len();
        self.persisted = store.resource_version();
        Ok(())
    }

    /// Replaces the snapshot with the whole store (write, fsync, rename,
    /// fsync the directory) and empties the journal.
    pub fn snapshot(&mut self, store: &Store) -> Result<(), DataDirError> {
        let objects: Vec<Value> = store.objects().map(|o| o.to_value()).collect();
        let text = json!({
            "resourceVersion": store.resource_version(),
            "objects": objects,
        })
        .to_string();
        let final_path = self.path.join(SNAPSHOT);
        let temp_path = self.path.join(format!("{SNAPSHOT}.tmp"));
        let mut temp = File::create(&temp_path).map_err(io_at(&temp_path))?;
        temp.write_all(text.as_bytes())
            .and_then(|()| temp.sync_all())
            .map_err(io_at(&temp_path))?;
        fs::rename(&temp_path, &final_path).map_err(io_at(&final_path))?;
        File::open(&self.path)
            .and_then(|dir| dir.sync_all())
            .map_err(io_at(&self.path))?;
        let journal_path = self.path.join(JOURNAL);
        self.journal
            .set_len(0)
            .and_then(|()| self.journal.sync_all())
            .map_err(io_at(&journal_path))?;
        self.journal_lines = 0;
        self.persisted = store.resource_version();
        Ok(())
    }
}

/// Removes a data directory (`sunaba reset`), unless a server holds it;
/// nothing to do when there is none.
pub fn remove(path: &Path) -> Result<(), DataDirError> {
    if !path.exists() {
        return Ok(());
    }
    if in_use(path) {
        return Err(DataDirError::Locked(path.to_path_buf()));
    }
    fs::remove_dir_all(path).map_err(io_at(path))
}

/// Whether a running server holds the data directory `path`.
pub fn in_use(path: &Path) -> bool {
    let lock = OpenOptions::new().write(true).open(path.join(LOCK));
    lock.is_ok_and(|lock| lock.try_lock().is_err())
}

/// Where the server holding the data directory `path` keeps its kubeconfig.
pub fn kubeconfig_path(path: &Path) -> PathBuf {
    path.join(KUBECONFIG)
}

/// The kubeconfig of the server running on the data directory `path`
/// (`sunaba kubeconfig`); an error when none runs there, since a kubeconfig
/// left by an earlier server holds a token no server accepts.
pub fn running_kubeconfig(path: &Path) -> Result<String, DataDirError> {
    if !in_use(path) {
        return Err(DataDirError::NotServed(path.to_path_buf()));
    }
    let file = kubeconfig_path(path);
    fs::read_to_string(&file).map_err(io_at(&file))
}

/// The default data directory: `$XDG_DATA_HOME/sunaba`, else
/// `~/.local/share/sunaba`, else `./sunaba-data`.
pub fn default_data_dir() -> PathBuf {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")));
    match base {
        Some(base) => base.join("sunaba"),
        None => PathBuf::from("sunaba-data"),
    }
}

fn io_at(path: &Path) -> impl Fn(std::io::Error) -> DataDirError + '_ {
    move |source| DataDirError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The snapshot's objects by key, and its resourceVersion; nothing when absent.
fn read_snapshot(path: &Path) -> Result<(BTreeMap<ObjectKey, Object>, u64), DataDirError> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok((BTreeMap::new(), 0));
        }
        Err(source) => return Err(io_at(path)(source)),
    };
    let corrupt = |reason: String| DataDirError::Corrupt {
        path: path.to_path_buf(),
        reason,
    };
    let value: Value = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
    let resource_version = value["resourceVersion"]
        .as_u64()
        .ok_or_else(|| corrupt("no resourceVersion".into()))?;
    let mut objects = BTreeMap::new();
    for item in value["objects"].as_array().into_iter().flatten() {
        let object = decode_object(item).map_err(|e| corrupt(e.message()))?;
        objects.insert(ObjectKey::of(&object), object);
    }
    Ok((objects, resource_version))
}

/// Applies the journal's whole lines in order; (lines applied, the length
/// of the journal up to the last whole, readable line).
fn replay_journal(
    path: &Path,
    objects: &mut BTreeMap<ObjectKey, Object>,
    resource_version: &mut u64,
) -> Result<(usize, u64), DataDirError> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok((0, 0)),
        Err(source) => return Err(io_at(path)(source)),
    };
    let mut reader = BufReader::new(file);
    let (mut applied, mut good_len) = (0, 0u64);
    let mut line = String::new();
    loop {
        line.clear();
        let read = reader.read_line(&mut line).map_err(io_at(path))?;
        if read == 0 || !line.ends_with('\n') {
            break;
        }
        let Some((rv, event, object)) = parse_journal_line(&line) else {
            break;
        };
        if rv > *resource_version {
            let key = ObjectKey::of(&object);
            if event == WatchEventType::Deleted {
                objects.remove(&key);
            } else {
                objects.insert(key, object);
            }
            *resource_version = rv;
        }
        applied += 1;
        good_len += read as u64;
    }
    Ok((applied, good_len))
}

fn parse_journal_line(line: &str) -> Option<(u64, WatchEventType, Object)> {
    let value: Value = serde_json::from_str(line).ok()?;
    let rv = value["rv"].as_u64()?;
    let event = match value["type"].as_str()? {
        "ADDED" => WatchEventType::Added,
        "MODIFIED" => WatchEventType::Modified,
        "DELETED" => WatchEventType::Deleted,
        _ => return None,
    };
    let object = decode_object(&value["object"]).ok()?;
    Some((rv, event, object))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sunaba_core::api::Kind;
    use sunaba_core::{Cluster, ClusterConfig};

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("sunaba-persist-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn config_map(name: &str) -> String {
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: v\n")
    }

    fn create(cluster: &mut Cluster, text: &str) {
        for result in cluster.create_manifests(text).expect("decodes") {
            result.expect("created");
        }
    }

    #[test]
    fn a_reopened_directory_gives_back_every_object_and_the_resource_version() {
        let dir = temp_dir("reopen");
        let mut cluster = Cluster::new(ClusterConfig::default());
        let (mut data, saved) = DataDir::open(&dir).expect("opens");
        assert!(saved.objects.is_empty());
        data.record(cluster.api().store()).expect("recorded");
        create(&mut cluster, &config_map("one"));
        data.record(cluster.api().store()).expect("recorded");
        drop(data);

        let (_, saved) = DataDir::open(&dir).expect("reopens");
        assert_eq!(
            saved.resource_version,
            cluster.api().store().resource_version()
        );
        let restored = Cluster::restore(
            ClusterConfig::default(),
            saved.objects,
            saved.resource_version,
        );
        let before = cluster
            .api()
            .get(Kind::ConfigMap, "default", "one")
            .expect("there");
        let after = restored
            .api()
            .get(Kind::ConfigMap, "default", "one")
            .expect("kept");
        assert_eq!(after, before);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_line_cut_short_by_a_crash_is_dropped_and_the_rest_kept() {
        let dir = temp_dir("torn");
        let mut cluster = Cluster::new(ClusterConfig::default());
        let (mut data, _) = DataDir::open(&dir).expect("opens");
        create(&mut cluster, &config_map("kept"));
        data.record(cluster.api().store()).expect("recorded");
        let rv = cluster.api().store().resource_version();
        drop(data);
        let mut journal = OpenOptions::new()
            .append(true)
            .open(dir.join(JOURNAL))
            .expect("the journal");
        journal
            .write_all(b"{\"rv\": 999999, \"type\": \"ADDED\", \"obj")
            .expect("a torn write");
        drop(journal);

        let (mut data, saved) = DataDir::open(&dir).expect("reopens");
        assert_eq!(saved.resource_version, rv);
        assert!(saved
            .objects
            .iter()
            .any(|o| o.kind() == Kind::ConfigMap && o.name() == "kept"));
        // The next line starts clean after the cut.
        create(&mut cluster, &config_map("after"));
        data.record(cluster.api().store()).expect("recorded");
        drop(data);
        let (_, saved) = DataDir::open(&dir).expect("reopens again");
        assert!(saved.objects.iter().any(|o| o.name() == "after"));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_snapshot_folds_the_journal_and_deletions_stay_deleted() {
        let dir = temp_dir("snapshot");
        let mut cluster = Cluster::new(ClusterConfig::default());
        let (mut data, _) = DataDir::open(&dir).expect("opens");
        create(&mut cluster, &config_map("gone"));
        data.record(cluster.api().store()).expect("recorded");
        data.snapshot(cluster.api().store()).expect("snapshot");
        assert_eq!(fs::metadata(dir.join(JOURNAL)).expect("journal").len(), 0);
        let key = ObjectKey::new(Kind::ConfigMap, "default", "gone");
        cluster
            .delete(&key, &sunaba_core::apiserver::DeleteOptions::default())
            .expect("deleted");
        data.record(cluster.api().store()).expect("recorded");
        drop(data);
        let (_, saved) = DataDir::open(&dir).expect("reopens");
        assert!(!saved.objects.iter().any(|o| o.name() == "gone"));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_second_server_cannot_take_a_directory_in_use() {
        let dir = temp_dir("locked");
        let (_held, _) = DataDir::open(&dir).expect("opens");
        assert!(matches!(DataDir::open(&dir), Err(DataDirError::Locked(_))));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_a_held_directory_gives_its_kubeconfig() {
        let dir = temp_dir("kubeconfig");
        let held = DataDir::open(&dir).expect("opens");
        fs::write(kubeconfig_path(&dir), "current").expect("written");
        assert_eq!(running_kubeconfig(&dir).ok().as_deref(), Some("current"));
        drop(held);
        assert!(matches!(
            running_kubeconfig(&dir),
            Err(DataDirError::NotServed(_))
        ));
        let _ = fs::remove_dir_all(&dir);
    }
}
