//! Commands that keep printing as the cluster changes: `logs -f` prints new
//! log lines until the container ends, and `get -w` prints a row for each
//! change after its list (kubectl's watch from the list's resourceVersion),
//! with column widths remembered from the table above. The terminal polls a
//! [`Follow`] as time passes and drops it on Ctrl-C.

use super::get::printers;
use super::get::table::{RenderOptions, Table};
use super::Output;
use crate::api::selector::{FieldSelector, Selector};
use crate::api::Kind;
use crate::kubelet::State;
use crate::store::WatchEventType;
use crate::Cluster;

/// A command still running.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Follow {
    /// `logs -f`.
    Logs(Vec<LogStream>),
    /// `get -w`.
    Watch(Watch),
}

/// One container's log, followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogStream {
    /// The pod's namespace.
    pub namespace: String,
    /// The pod.
    pub pod: String,
    /// The container.
    pub container: String,
    /// The container run being followed; a restart ends the stream.
    pub container_id: Option<String>,
    /// Lines already printed.
    pub printed: usize,
    /// `[pod/x/c] ` with `--prefix`.
    pub prefix: Option<String>,
    /// `--timestamps`.
    pub timestamps: bool,
}

/// `get -w` on one resource type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watch {
    /// The type watched.
    pub kind: Kind,
    /// The namespace, or None for `-A` and cluster-scoped types.
    pub namespace: Option<String>,
    /// Only this object, for `get -w TYPE NAME`.
    pub name: Option<String>,
    /// `-l`.
    pub selector: Selector,
    /// `--field-selector`.
    pub fields: Option<FieldSelector>,
    /// The resourceVersion seen so far.
    pub resource_version: u64,
    /// How rows are rendered (namespace, labels, wide, kind prefix).
    pub options: RenderOptions,
    /// Column widths remembered from what was printed before.
    pub widths: Vec<usize>,
    /// `--output-watch-events`: an EVENT column first.
    pub event_column: bool,
    /// Whether the header was printed (by the list, or with the first row).
    pub header_printed: bool,
}

impl Follow {
    /// What happened since the last poll, and whether the command ended.
    pub fn poll(&mut self, cluster: &Cluster) -> (Output, bool) {
        match self {
            Follow::Logs(streams) => poll_logs(streams, cluster),
            Follow::Watch(watch) => (poll_watch(watch, cluster), false),
        }
    }
}

fn poll_logs(streams: &mut Vec<LogStream>, cluster: &Cluster) -> (Output, bool) {
    let mut out = Output::default();
    streams.retain_mut(|stream| {
        let container = cluster
            .kubelets()
            .worker(&stream.namespace, &stream.pod)
            .and_then(|w| w.container(&stream.container));
        let Some(container) = container else {
            return false;
        };
        if container.container_id != stream.container_id {
            return false;
        }
        let lines = cluster
            .kubelets()
            .logs(&stream.namespace, &stream.pod, &stream.container, false)
            .unwrap_or_default();
        for line in lines.iter().skip(stream.printed) {
            let mut text = stream.prefix.clone().unwrap_or_default();
            if stream.timestamps {
                text.push_str(&super::logs::rfc3339_nano(line));
                text.push(' ');
            }
            text.push_str(&line.text);
            out.out(text);
        }
        stream.printed = lines.len();
        !matches!(container.state, State::Terminated(_))
    });
    let ended = streams.is_empty();
    (out, ended)
}

fn poll_watch(watch: &mut Watch, cluster: &Cluster) -> Output {
    let mut out = Output::default();
    let store = cluster.api().store();
    let changes: Vec<_> = match store.changes_since(watch.resource_version) {
        Ok(changes) => changes.cloned().collect(),
        // Too old: kubectl relists and goes on from now.
        Err(_) => Vec::new(),
    };
    watch.resource_version = store.resource_version();
    let now = cluster.now();
    for change in changes {
        let object = change.object.as_ref();
        let wanted = object.kind() == watch.kind
            && watch
                .namespace
                .as_deref()
                .is_none_or(|ns| object.namespace() == ns)
            && watch.name.as_deref().is_none_or(|n| object.name() == n)
            && watch.selector.matches_object(object)
            && watch.fields.as_ref().is_none_or(|f| f.matches(object));
        if !wanted {
            continue;
        }
        let table = Table {
            columns: printers::columns(watch.kind),
            rows: vec![printers::row(object, now)],
        };
        let options = RenderOptions {
            no_headers: watch.header_printed,
            ..watch.options.clone()
        };
        let mut cells = table.to_cells(&options);
        if watch.event_column {
            let event = match change.event_type {
                WatchEventType::Added => "ADDED",
                WatchEventType::Modified => "MODIFIED",
                WatchEventType::Deleted => "DELETED",
            };
            let rows = cells.len();
            for (i, line) in cells.iter_mut().enumerate() {
                let header = i + 1 < rows;
                line.insert(0, if header { "EVENT" } else { event }.into());
            }
        }
        watch.header_printed = true;
        out.stdout
            .push_str(&super::get::table::tabwriter_remembering(
                &cells,
                &mut watch.widths,
            ));
    }
    out
}
