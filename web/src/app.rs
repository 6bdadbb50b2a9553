//! The root component: one [`Playground`] and the four panels around it
//! (editor, cluster view, terminal, tutorial). It owns the clock: a timer
//! moves the simulation with real time, and the picture is rebuilt only
//! when the store changed.
//!
//! On a page `sunaba serve` opened with its token, a switch offers the
//! server's cluster instead ([`Mode::Server`]): the picture and the
//! tutorial then read a [`Mirror`] fed by the API's watches, the terminal's
//! lines run in a terminal session on the server, and the in-tab cluster
//! waits, its clock stopped, until the switch is turned back.

use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

use sunaba_core::api::Kind;
use sunaba_core::remote::{ClientMessage, TERMINAL_PROTOCOL, WATCH_PROTOCOL};
use yew::prelude::*;

use crate::components::cluster_view::{picture, ClusterView, Painter, Picture};
use crate::components::editor::EditorPanel;
use crate::components::event_log::{self, EventLog, LogEntry};
use crate::components::inspector::{Inspected, InspectorPanel, Tab};
use crate::components::splitter::{Orientation, Splitter};
use crate::components::terminal::TerminalPanel;
use crate::components::tutorial::TutorialPanel;
use crate::i18n::{Lang, Texts};
use crate::mirror::{parse_event, Mirror, Next, KINDS};
use crate::remote::{Mode, RemoteTerminal};
use crate::services::socket::Socket;
use crate::share::{Merged, ShareError, Shared};
use crate::state::{Playground, RenameError, TermLine};
use crate::tutorial::{current_step, newly_done, update_progress, Seen};
use sunaba_core::time::SimTime;

/// How long to wait before opening a closed WebSocket again, in milliseconds.
const RECONNECT_MS: u32 = 1_000;

/// How often the clock moves, in milliseconds.
const TICK_MS: u32 = 250;

/// Engine work done between looks at the time (controllers' reconciles and
/// the writes they ask for).
const WORK_UNITS_PER_LOOK: usize = 4;

/// How long the engine may work in one frame, in milliseconds, before the
/// page draws what it did and goes on in the next frame: a burst of pods
/// never freezes the page.
const WORK_MS_PER_FRAME: f64 = 6.0;

/// The most engine work in one frame: each unit may change what the page
/// draws (a pod placed, started, stopped), and drawing changes costs more
/// than making them, so the page draws a few dozen at a time.
const WORK_UNITS_PER_FRAME: usize = 64;

/// The children's callbacks, made once: a callback made anew on each render
/// differs from the last, so every child would draw again on every frame.
struct Callbacks {
    edit: Callback<String>,
    select: Callback<usize>,
    apply: Callback<()>,
    new_file: Callback<()>,
    rename_file: Callback<()>,
    delete_file: Callback<()>,
    finish_edit: Callback<bool>,
    inspect_tab: Callback<Tab>,
    run: Callback<String>,
    scale_inspected: Callback<()>,
    close_inspector: Callback<()>,
    resize_columns: Callback<u8>,
    resize_rows: Callback<u8>,
    clear_screen: Callback<()>,
    interrupt: Callback<()>,
    paste: Callback<String>,
    open_manifest: Callback<String>,
    move_tutorial: Callback<String>,
}

impl Callbacks {
    fn new(link: &yew::html::Scope<App>) -> Self {
        Self {
            edit: link.callback(Msg::Edit),
            select: link.callback(Msg::Select),
            apply: link.callback(|_| Msg::Apply),
            new_file: link.callback(|_| Msg::NewFile),
            rename_file: link.callback(|_| Msg::RenameFile),
            delete_file: link.callback(|_| Msg::DeleteFile),
            finish_edit: link.callback(Msg::FinishEdit),
            inspect_tab: link.callback(Msg::InspectTab),
            run: link.callback(Msg::Run),
            scale_inspected: link.callback(|_| Msg::ScaleInspected),
            close_inspector: link.callback(|_| Msg::CloseInspector),
            resize_columns: link.callback(Msg::ResizeColumns),
            resize_rows: link.callback(Msg::ResizeRows),
            clear_screen: link.callback(|_| Msg::ClearScreen),
            interrupt: link.callback(|_| Msg::Interrupt),
            paste: link.callback(Msg::Paste),
            open_manifest: link.callback(Msg::OpenManifest),
            move_tutorial: link.callback(Msg::MoveTutorial),
        }
    }
}

/// What the playground reacts to.
pub enum Msg {
    /// The language switch was turned.
    SetLang(Lang),
    /// A tutorial command clicked: into the terminal's input.
    Paste(String),
    /// A tutorial step's manifest clicked: its tab in the editor.
    OpenManifest(String),
    /// "Next step": the tutorial moves on to the step with this id.
    MoveTutorial(String),
    /// The share box opened or closed.
    ToggleShareBox,
    /// The share box's options: the tutorial step, the commands.
    ShareOptions(bool, bool),
    /// The share box's copy button.
    CopyShareLink,
    /// The page's `#fragment` changed (a share link pasted into this tab).
    HashChanged,
    /// Run the commands a share link carried.
    Replay,
    /// The notice's close button.
    DismissNotice,
    /// A line for the terminal.
    Run(String),
    /// Real time passed.
    Tick,
    /// A frame to go on with the cluster's work in.
    Work,
    /// The open file's new text.
    Edit(String),
    /// Open another tab.
    Select(usize),
    /// Add a file.
    NewFile,
    /// Rename the open file.
    RenameFile,
    /// Delete the open file.
    DeleteFile,
    /// `kubectl apply -f` the open file.
    Apply,
    /// Ctrl-L.
    ClearScreen,
    /// Ctrl-C while a command runs.
    Interrupt,
    /// `kubectl edit`'s buffer saved (true) or given up (false).
    FinishEdit(bool),
    /// The browser fetched the URLs a line's `-f` names.
    Fetched(Vec<(String, sunaba_core::kubectl::url::Fetched)>),
    /// The schemas and help texts arrived from beside the bundle.
    DataLoaded,
    /// A splitter moved: the editor's share of the left columns.
    ResizeColumns(u8),
    /// A splitter moved: the upper row's share of the height.
    ResizeRows(u8),
    /// Start over with a fresh cluster.
    Reset,
    /// Stop or restart the clock.
    TogglePause,
    /// How many simulated seconds pass per real one.
    SetSpeed(f64),
    /// Run the clock to the next pending event.
    StepEvent,
    /// An object clicked in the cluster view.
    Inspect(Inspected),
    /// Another of the inspector's tabs.
    InspectTab(Tab),
    /// Scale the inspected Deployment or ReplicaSet (asks how many).
    ScaleInspected,
    /// Close the inspector.
    CloseInspector,
    /// Show the tutorial (false) or the event log (true) in the side column.
    ShowLog(bool),
    /// The switch: which cluster to show.
    SetMode(Mode),
    /// A message of the server's terminal session.
    TerminalMessage(String),
    /// The terminal session's WebSocket closed.
    TerminalClosed,
    /// Time to open the terminal session again.
    ReconnectTerminal,
    /// A message of one kind's watch.
    Watched(Kind, String),
    /// One kind's watch closed.
    WatchClosed(Kind),
    /// Time to open one kind's watch again.
    Rewatch(Kind),
}

/// What server mode holds: the mirror, the terminal, and their sockets.
struct ServerSide {
    mirror: Mirror,
    terminal: RemoteTerminal,
    session: Option<Socket>,
    watches: BTreeMap<Kind, Socket>,
}

/// The whole playground.
pub struct App {
    playground: Playground,
    picture: Rc<Picture>,
    picture_version: u64,
    /// Draws the picture, reusing the boxes of pods that did not change.
    painter: Painter,
    notice: Option<Notice>,
    /// The interface's language.
    lang: Lang,
    /// The latest line pasted into the terminal, numbered.
    paste: Option<(u64, String)>,
    /// The share box, while open: with the tutorial step, with the commands.
    share_box: Option<(bool, bool)>,
    /// The share box's link, made when it opens or its options change (not
    /// on every render: it deflates every file).
    share_link: String,
    /// Commands a share link carried, offered until run or dismissed.
    replay: Vec<String>,
    /// Those commands, once the learner said to run them, not yet run.
    replaying: VecDeque<String>,
    _hash_listener: Option<gloo::events::EventListener>,
    last_tick: f64,
    saved_at: f64,
    _clock: Option<gloo::timers::callback::Interval>,
    /// The next frame asked for, while the cluster has work left.
    work_frame: Option<WorkFrame>,
    callbacks: Callbacks,
    /// The API's token, when `sunaba serve` opened the page.
    token: Option<String>,
    /// Server mode's state; None in the tab's mode.
    server: Option<ServerSide>,
    /// The splitters: the editor's share of the left columns and the upper
    /// row's share of the height, in percent.
    layout: (u8, u8),
    /// The browser is fetching URLs for a waiting line.
    fetching: bool,
    /// The clock is stopped (the in-tab cluster waits).
    paused: bool,
    /// Simulated time per real time.
    speed: f64,
    /// The object the inspector shows, and its tab.
    inspected: Option<(Inspected, Tab)>,
    /// What the inspector's tab prints.
    inspector_text: String,
    /// Opens the inspector; made once, so the cluster view's props compare equal.
    on_inspect: Callback<Inspected>,
    /// The latest request between pods, while its path is shown.
    traffic: Option<Rc<sunaba_core::cluster::Request>>,
    /// The number of the latest request seen.
    traffic_seen: u64,
    /// When (real milliseconds) the shown request arrived.
    traffic_at: f64,
    /// The side column shows the event log instead of the tutorial.
    show_log: bool,
    /// The event log's lines, newest first.
    log: Rc<Vec<LogEntry>>,
    /// The terminal's lines as last shown: one `Rc` while they stay the
    /// same, so the scrollback is not drawn again on every render.
    lines: RefCell<Rc<Vec<TermLine>>>,
}

/// What the bar under the top bar says, in the interface's language.
#[derive(Clone, Debug, PartialEq)]
enum Notice {
    LinkCopied,
    NoPageAddress,
    NothingPending,
    NotSaved,
    StartedAfresh(String),
    Rename(RenameError),
    OpenedShared(Merged),
    BadLink(ShareError),
}

impl Notice {
    fn text(&self, lang: Lang) -> String {
        let texts = lang.texts();
        match self {
            Notice::LinkCopied => texts.link_copied.into(),
            Notice::NoPageAddress => texts.no_page_address.into(),
            Notice::NothingPending => texts.nothing_pending.into(),
            Notice::NotSaved => texts.not_saved.into(),
            Notice::StartedAfresh(why) => (texts.started_afresh)(why),
            Notice::Rename(RenameError::NotAFileName(name)) => (texts.not_a_file_name)(name),
            Notice::Rename(RenameError::Exists(name)) => (texts.file_exists)(name),
            Notice::OpenedShared(m) => (texts.opened_shared)(m.added, m.replaced, m.renamed),
            Notice::BadLink(why) => (texts.bad_link)(&why.describe(lang)),
        }
    }
}

/// How long a request's path stays drawn, in real milliseconds.
const TRAFFIC_SHOWN_MS: f64 = 4_000.0;

/// The speeds the clock offers.
pub const SPEEDS: [f64; 8] = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 20.0];

/// The splitters' limits and starting places, in percent.
const LEFT_SHARE: (u8, u8, u8) = (20, 80, 45);
const TOP_SHARE: (u8, u8, u8) = (25, 80, 55);

/// The grid's sizes for the splitters' places, as CSS custom properties.
fn layout_style((left, top): (u8, u8)) -> String {
    format!(
        "--editor-fr: {left}fr; --cluster-fr: {}fr; --upper-fr: {top}fr; --lower-fr: {}fr;",
        100 - left,
        100 - top
    )
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        // First, before anything rewrites the address: the token it carries.
        let token = crate::services::storage::api_token();
        let (playground, notice) = open_playground();
        let clock = start_clock(ctx);
        let lang = chosen_lang();
        crate::services::storage::mark_document_lang(lang.tag());
        let mut app = Self {
            picture: Rc::new(picture(
                playground.cluster.api().store(),
                playground.cluster.now(),
            )),
            picture_version: playground.cluster.api().store().resource_version(),
            painter: Painter::default(),
            playground,
            notice,
            lang,
            paste: None,
            share_box: None,
            share_link: String::new(),
            replay: Vec::new(),
            replaying: VecDeque::new(),
            _hash_listener: listen_for_links(ctx),
            last_tick: now_ms(),
            saved_at: now_ms(),
            _clock: clock,
            work_frame: None,
            token,
            server: None,
            layout: crate::services::storage::load_layout()
                .map(|(left, top)| {
                    (
                        left.clamp(LEFT_SHARE.0, LEFT_SHARE.1),
                        top.clamp(TOP_SHARE.0, TOP_SHARE.1),
                    )
                })
                .unwrap_or((LEFT_SHARE.2, TOP_SHARE.2)),
            fetching: false,
            paused: false,
            speed: 1.0,
            inspected: None,
            inspector_text: String::new(),
            on_inspect: ctx.link().callback(Msg::Inspect),
            callbacks: Callbacks::new(ctx.link()),
            traffic: None,
            traffic_seen: 0,
            traffic_at: 0.0,
            show_log: false,
            log: Rc::default(),
            lines: RefCell::default(),
        };
        app.open_shared();
        app.refresh_log();
        // Requests replayed from the saved session are history, not news.
        app.traffic_seen = app
            .playground
            .cluster
            .requests_after(0)
            .last()
            .map_or(0, |r| r.sequence);
        // A line restored mid-fetch fetches again.
        app.fetch_urls(ctx);
        update_progress(&mut app.playground);
        // In a browser (not the server-side renderer of the native tests).
        if cfg!(target_arch = "wasm32") && crate::services::data::missing() {
            crate::services::data::fetch_all(ctx.link().callback(|_| Msg::DataLoaded));
        }
        let saved = crate::services::storage::load_mode().map(|m| Mode::parse(&m));
        if saved == Some(Mode::Server) && app.token.is_some() {
            app.enter_server_mode(ctx);
        }
        app
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::SetLang(lang) => {
                self.lang = lang;
                self.refresh_log();
                crate::services::storage::save_lang(lang.tag());
                crate::services::storage::mark_document_lang(lang.tag());
                true
            }
            Msg::Paste(line) => {
                let serial = self.paste.as_ref().map_or(0, |(n, _)| n + 1);
                self.paste = Some((serial, line));
                true
            }
            Msg::OpenManifest(name) => {
                let editor = &mut self.playground.editor;
                match editor.files.iter().position(|(n, _)| *n == name) {
                    Some(index) => editor.active = index,
                    None => {
                        // Deleted or renamed since: the seed's text again.
                        let text = sunaba_core::seed::manifest(&name).unwrap_or_default();
                        editor.open_buffer(&name, text);
                        self.save();
                    }
                }
                true
            }
            Msg::MoveTutorial(id) => {
                self.playground.tutorial_at = Some(id);
                self.save();
                true
            }
            Msg::ToggleShareBox => {
                self.share_box = match self.share_box {
                    Some(_) => None,
                    None => Some((true, false)),
                };
                self.refresh_share_link();
                true
            }
            Msg::ShareOptions(with_step, with_commands) => {
                self.share_box = Some((with_step, with_commands));
                self.refresh_share_link();
                true
            }
            Msg::CopyShareLink => {
                // The files may have changed since the box opened.
                self.refresh_share_link();
                self.notice = Some(if self.share_link.is_empty() {
                    Notice::NoPageAddress
                } else {
                    crate::services::storage::copy_to_clipboard(&self.share_link);
                    Notice::LinkCopied
                });
                true
            }
            Msg::HashChanged => {
                self.open_shared();
                true
            }
            Msg::Replay => {
                self.replaying.extend(std::mem::take(&mut self.replay));
                self.feed_replay(ctx);
                true
            }
            Msg::DismissNotice => {
                self.notice = None;
                self.replay.clear();
                true
            }
            Msg::Run(line) => {
                if self.server.is_some() {
                    self.run_on_server(&line);
                    return true;
                }
                self.playground.run_line(&line);
                self.fetch_urls(ctx);
                self.after_change();
                true
            }
            Msg::Fetched(fetched) => {
                self.fetching = false;
                let wanted = self.playground.terminal.fetching().map(<[String]>::to_vec);
                let urls: Vec<String> = fetched.iter().map(|(url, _)| url.clone()).collect();
                // Answers for a line given up with Ctrl-C are dropped.
                if wanted.as_ref() == Some(&urls) {
                    self.playground.finish_fetch(&fetched);
                }
                self.fetch_urls(ctx);
                self.after_change();
                self.feed_replay(ctx);
                true
            }
            Msg::Work => {
                self.work_frame = None;
                let changed = self.work_in_frame();
                self.go_on_working(ctx);
                changed
            }
            Msg::Tick => {
                let changed = self.tick();
                self.go_on_working(ctx);
                if self.replaying.is_empty() {
                    return changed;
                }
                self.feed_replay(ctx);
                true
            }
            Msg::DataLoaded => true,
            Msg::Edit(text) => {
                self.playground.editor.edit(text);
                self.save();
                true
            }
            Msg::Select(index) => {
                self.playground.editor.active = index;
                true
            }
            Msg::NewFile => {
                self.playground.editor.create();
                self.save();
                true
            }
            Msg::RenameFile => {
                let current = self
                    .playground
                    .editor
                    .current()
                    .map(|(n, _)| n.clone())
                    .unwrap_or_default();
                if let Some(name) =
                    crate::services::storage::prompt(self.texts().rename_prompt, &current)
                {
                    self.notice = self
                        .playground
                        .editor
                        .rename(&name)
                        .err()
                        .map(Notice::Rename);
                    self.save();
                }
                true
            }
            Msg::DeleteFile => {
                let name = self.playground.editor.current().map(|(n, _)| n.clone());
                if let Some(name) = name {
                    if crate::services::storage::confirm(&(self.texts().delete_confirm)(&name)) {
                        self.playground.editor.delete();
                        self.save();
                    }
                }
                true
            }
            Msg::Apply => {
                let name = self.playground.editor.current().map(|(n, _)| n.clone());
                if let Some(name) = name {
                    ctx.link()
                        .send_message(Msg::Run(format!("kubectl apply -f {name}")));
                }
                false
            }
            Msg::ClearScreen => {
                match &mut self.server {
                    Some(server) => server.terminal.scrollback.clear(),
                    None => self.playground.scrollback.clear(),
                }
                true
            }
            Msg::ResizeColumns(left) => {
                self.layout.0 = left;
                crate::services::storage::save_layout(self.layout.0, self.layout.1);
                true
            }
            Msg::ResizeRows(top) => {
                self.layout.1 = top;
                crate::services::storage::save_layout(self.layout.0, self.layout.1);
                true
            }
            Msg::FinishEdit(save) => {
                if let Some(server) = &mut self.server {
                    let name = server.terminal.edit.as_ref().map(|e| e.file_name.clone());
                    let saved = save
                        .then(|| {
                            name.and_then(|n| {
                                self.playground.editor.text_of(&n).map(str::to_string)
                            })
                        })
                        .flatten();
                    if let Some(message) = server
                        .terminal
                        .finish_edit(saved, &self.playground.editor.files)
                    {
                        send(server.session.as_ref(), &message);
                    }
                    return true;
                }
                self.playground.finish_edit(save);
                self.after_change();
                true
            }
            Msg::Interrupt => {
                if let Some(server) = &mut self.server {
                    if let Some(message) = server.terminal.interrupt() {
                        send(server.session.as_ref(), &message);
                    }
                    return false;
                }
                self.playground.interrupt();
                self.save();
                true
            }
            Msg::Inspect(target) => {
                let tab = self.inspected.as_ref().map_or(Tab::Yaml, |(_, tab)| *tab);
                self.inspected = Some((target, tab));
                self.refresh_inspector();
                true
            }
            Msg::InspectTab(tab) => {
                if let Some((_, shown)) = self.inspected.as_mut() {
                    *shown = tab;
                }
                self.refresh_inspector();
                true
            }
            Msg::ScaleInspected => {
                let Some((target, _)) = &self.inspected else {
                    return false;
                };
                let answer = crate::services::storage::prompt(
                    &(self.texts().scale_prompt)(&target.type_name()),
                    "3",
                );
                match answer.and_then(|a| a.trim().parse::<u32>().ok()) {
                    Some(replicas) => {
                        let line = target.scale_line(replicas);
                        ctx.link().send_message(Msg::Run(line));
                        false
                    }
                    None => false,
                }
            }
            Msg::ShowLog(show) => {
                self.show_log = show;
                self.refresh_log();
                true
            }
            Msg::CloseInspector => {
                self.inspected = None;
                true
            }
            Msg::TogglePause => {
                self.paused = !self.paused;
                true
            }
            Msg::SetSpeed(speed) => {
                self.speed = speed.clamp(SPEEDS[0], SPEEDS[SPEEDS.len() - 1]);
                true
            }
            Msg::StepEvent => {
                if !self.playground.step_to_next_event() {
                    self.notice = Some(Notice::NothingPending);
                }
                self.after_change();
                true
            }
            Msg::Reset => {
                if crate::services::storage::confirm(self.texts().reset_confirm) {
                    crate::services::storage::clear();
                    self.playground = Playground::new(fresh_seed(), SimTime(now_ms() as i64));
                    self.refresh_picture();
                    self.notice = None;
                }
                true
            }
            Msg::SetMode(mode) => self.set_mode(ctx, mode),
            Msg::TerminalMessage(text) => {
                let Some(server) = &mut self.server else {
                    return false;
                };
                let editing_before = server.terminal.edit.as_ref().map(|e| e.file_name.clone());
                server.terminal.receive(&text);
                match &server.terminal.edit {
                    Some(edit) => self
                        .playground
                        .editor
                        .open_buffer(&edit.file_name, &edit.text),
                    None => {
                        if let Some(name) = editing_before {
                            self.playground.editor.close_buffer(&name);
                        }
                    }
                }
                self.update_remote_progress();
                self.feed_replay(ctx);
                true
            }
            Msg::TerminalClosed => {
                let Some(server) = &mut self.server else {
                    return false;
                };
                server.session = None;
                server.terminal.disconnected();
                later(ctx, Msg::ReconnectTerminal);
                true
            }
            Msg::ReconnectTerminal => {
                if self.server.as_ref().is_some_and(|s| s.session.is_none()) {
                    self.open_session(ctx);
                }
                false
            }
            Msg::Watched(kind, text) => self.watched(ctx, kind, &text),
            Msg::WatchClosed(kind) => {
                if let Some(server) = &mut self.server {
                    server.watches.remove(&kind);
                    later(ctx, Msg::Rewatch(kind));
                }
                false
            }
            Msg::Rewatch(kind) => {
                if self
                    .server
                    .as_ref()
                    .is_some_and(|s| !s.watches.contains_key(&kind))
                {
                    self.open_watch(ctx, kind);
                }
                false
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let on = &self.callbacks;
        let p = &self.playground;
        let (lines, prompt, busy) = match &self.server {
            Some(server) => (
                self.shown_lines(&server.terminal.scrollback),
                server.terminal.prompt.clone(),
                server.terminal.busy,
            ),
            None => (
                self.shown_lines(&p.scrollback),
                p.terminal.prompt(),
                p.terminal.is_busy(),
            ),
        };
        let mode = self.mode();
        let (names, text) = (
            p.editor
                .files
                .iter()
                .map(|(n, _)| n.clone())
                .collect::<Vec<_>>(),
            p.editor
                .current()
                .map(|(_, t)| t.clone())
                .unwrap_or_default(),
        );
        let completions = names
            .iter()
            .cloned()
            .chain(
                self.picture
                    .nodes
                    .iter()
                    .flat_map(|n| n.pods.iter().map(|p| p.name.clone())),
            )
            .collect::<Vec<_>>();
        let texts = self.texts();
        let busy_clock = p.is_behind();
        html! {
            <ContextProvider<Lang> context={self.lang}>
            <main class="playground" data-testid="playground" style={layout_style(self.layout)}>
                <header class="topbar">
                    <h1>{ "Sunaba" }</h1>
                    <span class="tagline">{ texts.tagline }</span>
                    if self.token.is_some() {
                        { mode_switch(mode, link.callback(Msg::SetMode), texts) }
                    }
                    if mode == Mode::Tab {
                        <span class={classes!("clock", busy_clock.then_some("busy"))} data-testid="clock"
                            data-busy={busy_clock.to_string()} title={busy_clock.then_some(texts.clock_busy)}>
                            { clock_text(p.cluster.now()) }
                        </span>
                        { clock_controls(self.paused, self.speed, link, texts) }
                    } else {
                        <span class="clock" data-testid="server-status">
                            { if self.server.as_ref().is_some_and(|s| s.mirror.synced()) { texts.server_live } else { texts.server_connecting } }
                        </span>
                    }
                    <button data-testid="share-button" aria-expanded={self.share_box.is_some().to_string()}
                        onclick={link.callback(|_| Msg::ToggleShareBox)}>{ texts.share }</button>
                    if mode == Mode::Tab {
                        <button data-testid="reset" onclick={link.callback(|_| Msg::Reset)}>{ texts.reset }</button>
                    }
                    { language_switch(self.lang, link.callback(Msg::SetLang), texts) }
                </header>
                if let Some((with_step, with_commands)) = self.share_box {
                    { self.share_box_view(with_step, with_commands, link) }
                }
                if self.notice.is_some() || !self.replay.is_empty() {
                    <div class="notice" role="status" data-testid="notice-bar">
                        if let Some(notice) = &self.notice {
                            <span data-testid="notice">{ notice.text(self.lang) }</span>
                        }
                        if !self.replay.is_empty() {
                            <span data-testid="replay-offer">{ (texts.replay_offer)(self.replay.len()) }</span>
                            <button class="primary" data-testid="replay-button"
                                onclick={link.callback(|_| Msg::Replay)}>{ texts.replay }</button>
                        }
                        <button class="dismiss" data-testid="dismiss-notice" aria-label={texts.dismiss}
                            onclick={link.callback(|_| Msg::DismissNotice)}>{ "×" }</button>
                    </div>
                }
                <EditorPanel
                    names={names}
                    active={p.editor.active}
                    text={text}
                    on_edit={on.edit.clone()}
                    on_select={on.select.clone()}
                    on_apply={on.apply.clone()}
                    on_new={on.new_file.clone()}
                    on_rename={on.rename_file.clone()}
                    on_delete={on.delete_file.clone()}
                    editing={self.editing_title()}
                    on_finish_edit={on.finish_edit.clone()}
                />
                <ClusterView picture={self.picture.clone()} on_inspect={self.on_inspect.clone()}
                    traffic={self.traffic.clone()} />
                if let Some((target, tab)) = &self.inspected {
                    <InspectorPanel target={target.clone()} tab={*tab} text={self.inspector_text.clone()}
                        on_tab={on.inspect_tab.clone()}
                        on_run={on.run.clone()}
                        on_scale={on.scale_inspected.clone()}
                        on_close={on.close_inspector.clone()} />
                }
                <Splitter orientation={Orientation::Vertical} value={self.layout.0}
                    min={LEFT_SHARE.0} max={LEFT_SHARE.1}
                    label={texts.split_columns} testid="split-columns"
                    before=".editor" after=".cluster-view"
                    on_change={on.resize_columns.clone()} />
                <Splitter orientation={Orientation::Horizontal} value={self.layout.1}
                    min={TOP_SHARE.0} max={TOP_SHARE.1}
                    label={texts.split_rows} testid="split-rows"
                    before=".editor" after=".terminal"
                    on_change={on.resize_rows.clone()} />
                <TerminalPanel
                    lines={lines}
                    prompt={prompt}
                    history={p.history.clone()}
                    completions={completions}
                    on_run={on.run.clone()}
                    on_clear={on.clear_screen.clone()}
                    on_interrupt={on.interrupt.clone()}
                    busy={busy}
                    paste={self.paste.clone()}
                />
                <div class="side">
                    <div class="side-tabs" role="tablist" aria-label={texts.side_panel}>
                        <button role="tab" data-testid="show-tutorial" aria-selected={(!self.show_log).to_string()}
                            onclick={link.callback(|_| Msg::ShowLog(false))}>{ texts.tutorial }</button>
                        <button role="tab" data-testid="show-event-log" aria-selected={self.show_log.to_string()}
                            onclick={link.callback(|_| Msg::ShowLog(true))}>{ texts.event_log }</button>
                    </div>
                    if self.show_log {
                        <EventLog entries={self.log.clone()} />
                    } else {
                        <TutorialPanel done={p.tutorial_done.clone()} moved_to={p.tutorial_at.clone()}
                            on_paste={on.paste.clone()}
                            on_open={on.open_manifest.clone()}
                            on_move={on.move_tutorial.clone()} />
                    }
                </div>
            </main>
            </ContextProvider<Lang>>
        }
    }
}

impl App {
    fn texts(&self) -> &'static Texts {
        self.lang.texts()
    }

    /// The terminal's lines to draw: those shown last if unchanged.
    fn shown_lines(&self, current: &[TermLine]) -> Rc<Vec<TermLine>> {
        let mut shown = self.lines.borrow_mut();
        if shown.as_slice() != current {
            *shown = Rc::new(current.to_vec());
        }
        shown.clone()
    }

    /// What the share box's link carries: the files, and as chosen the
    /// open tutorial step and the commands typed.
    fn shared(&self, with_step: bool, with_commands: bool) -> Shared {
        let p = &self.playground;
        let step = current_step(&p.tutorial_done, p.tutorial_at.as_deref());
        Shared {
            files: p.editor.files.clone(),
            step: with_step.then(|| crate::tutorial::STEPS[step].id.to_string()),
            replay: if with_commands {
                p.history.clone()
            } else {
                Vec::new()
            },
        }
    }

    /// Makes the open share box's link again: empty when the box is
    /// closed or the page has no address.
    fn refresh_share_link(&mut self) {
        self.share_link = self
            .share_box
            .and_then(|(with_step, with_commands)| {
                let fragment = crate::share::encode(&self.shared(with_step, with_commands));
                crate::services::storage::share_url(&fragment)
            })
            .unwrap_or_default();
    }

    /// The share box: what to include, the link, and a copy button.
    fn share_box_view(
        &self,
        with_step: bool,
        with_commands: bool,
        link: &yew::html::Scope<App>,
    ) -> Html {
        let texts = self.texts();
        let p = &self.playground;
        let step =
            &crate::tutorial::STEPS[current_step(&p.tutorial_done, p.tutorial_at.as_deref())];
        let url = self.share_link.clone();
        html! {
            <section class="share-box" data-testid="share-dialog" aria-label={texts.share_heading}>
                <h2>{ texts.share_heading }</h2>
                <label>
                    <input type="checkbox" data-testid="share-with-step" checked={with_step}
                        onchange={link.callback(move |_| Msg::ShareOptions(!with_step, with_commands))} />
                    { (texts.share_with_step)(step.title.get(self.lang)) }
                </label>
                <label>
                    <input type="checkbox" data-testid="share-with-commands" checked={with_commands}
                        disabled={p.history.is_empty()}
                        onchange={link.callback(move |_| Msg::ShareOptions(with_step, !with_commands))} />
                    { (texts.share_with_commands)(p.history.len()) }
                </label>
                <label class="link">
                    { texts.link }
                    <input type="text" readonly=true data-testid="share-link" value={url} />
                </label>
                <button class="primary" data-testid="share-copy"
                    onclick={link.callback(|_| Msg::CopyShareLink)}>{ texts.copy_link }</button>
                <button data-testid="share-close"
                    onclick={link.callback(|_| Msg::ToggleShareBox)}>{ texts.close }</button>
            </section>
        }
    }

    /// Runs the replayed commands, each once the one before has finished
    /// (`kubectl run -it` first waits for its pod): in the tab, as many as
    /// are ready now; on the server, one per answer from its terminal.
    fn feed_replay(&mut self, ctx: &Context<Self>) {
        while !self.replaying.is_empty() {
            let busy = match &self.server {
                Some(server) => server.terminal.busy,
                None => self.playground.terminal.is_busy() || self.fetching,
            };
            if busy {
                return;
            }
            let Some(line) = self.replaying.pop_front() else {
                return;
            };
            if self.server.is_some() {
                self.run_on_server(&line);
                return;
            }
            self.playground.run_line(&line);
            self.fetch_urls(ctx);
            self.after_change();
        }
    }

    /// Opens the share link in the page's address, if any: its files
    /// beside the learner's (asking before replacing one), its tutorial
    /// step, and its commands offered to run. Nothing is applied.
    fn open_shared(&mut self) {
        let fragment = crate::services::storage::fragment();
        let Some(decoded) = crate::share::decode(&fragment) else {
            return;
        };
        crate::services::storage::clear_hash();
        let shared = match decoded {
            Ok(shared) => shared,
            Err(why) => {
                self.notice = Some(Notice::BadLink(why));
                return;
            }
        };
        let texts = self.texts();
        let merged = crate::share::merge(
            &mut self.playground.editor.files,
            shared.files,
            |name, renamed| {
                crate::services::storage::confirm(&(texts.replace_shared)(name, renamed))
            },
        );
        if let Some(step) = shared.step.filter(|id| crate::tutorial::step(id).is_some()) {
            self.playground.tutorial_at = Some(step);
            self.show_log = false;
        }
        self.replay = shared.replay;
        self.notice = Some(Notice::OpenedShared(merged));
        self.save();
    }

    fn tick(&mut self) -> bool {
        let now = now_ms();
        let elapsed = (now - self.last_tick).clamp(0.0, 60_000.0) as i64;
        self.last_tick = now;
        if self.server.is_some() {
            // The in-tab cluster waits, its clock stopped, in server mode.
            if now - self.saved_at > 5_000.0 {
                self.save();
            }
            return false;
        }
        if !self.paused {
            self.playground
                .aim_clock((elapsed as f64 * self.speed) as i64);
        }
        let changed = self.work_in_frame();
        if now - self.saved_at > 5_000.0 {
            self.save();
        }
        changed
    }

    /// Does the cluster's work for this frame, and takes in what it
    /// changed; true when the page shows something new.
    fn work_in_frame(&mut self) -> bool {
        let clock_before = self.playground.cluster.now().millis() / 1000;
        let was_behind = self.playground.is_behind();
        let started = now_ms();
        let mut units = 0;
        while !self.playground.work(WORK_UNITS_PER_LOOK) {
            units += WORK_UNITS_PER_LOOK;
            if units >= WORK_UNITS_PER_FRAME || now_ms() - started >= WORK_MS_PER_FRAME {
                break;
            }
        }
        let mut changed = self.playground.poll();
        changed |= self.refresh_picture();
        changed |= self.refresh_traffic();
        changed |= update_progress(&mut self.playground);
        changed
            || self.playground.cluster.now().millis() / 1000 != clock_before
            || self.playground.is_behind() != was_behind
    }

    /// Asks for the next frame while the cluster has work left.
    fn go_on_working(&mut self, ctx: &Context<Self>) {
        if self.server.is_none() && self.work_frame.is_none() && self.playground.is_behind() {
            self.work_frame = next_frame(ctx);
        }
    }

    /// A line waits for the URLs its `-f` names: the browser fetches them
    /// (one line's at a time).
    fn fetch_urls(&mut self, ctx: &Context<Self>) {
        if self.fetching || !cfg!(target_arch = "wasm32") {
            return;
        }
        let Some(urls) = self.playground.terminal.fetching() else {
            return;
        };
        self.fetching = true;
        crate::services::url_fetch::fetch_all(urls.to_vec(), ctx.link().callback(Msg::Fetched));
    }

    fn after_change(&mut self) {
        self.refresh_picture();
        self.refresh_traffic();
        update_progress(&mut self.playground);
        self.save();
    }

    /// Rebuilds the picture if the store it shows moved; true when it did.
    fn refresh_picture(&mut self) -> bool {
        let (store, now) = match &self.server {
            Some(server) => (server.mirror.store(), SimTime(now_ms() as i64)),
            None => (
                self.playground.cluster.api().store(),
                self.playground.cluster.now(),
            ),
        };
        let version = store.resource_version();
        if version == self.picture_version {
            return false;
        }
        self.picture_version = version;
        self.picture = Rc::new(self.painter.picture(store, now));
        self.refresh_inspector();
        self.refresh_log();
        true
    }

    /// The event log's lines again, while it is shown: the shown store's
    /// Events, and in the tab the controllers' explanations.
    fn refresh_log(&mut self) {
        if !self.show_log {
            return;
        }
        self.log = Rc::new(match &self.server {
            Some(server) => {
                event_log::entries(server.mirror.store(), std::iter::empty(), self.lang)
            }
            None => event_log::entries(
                self.playground.cluster.api().store(),
                self.playground.cluster.explanations_after(0),
                self.lang,
            ),
        });
    }

    /// Shows the newest request's path, and hides a shown one after a
    /// while; true when what is shown changed.
    fn refresh_traffic(&mut self) -> bool {
        if self.server.is_some() {
            return false;
        }
        let newest = self
            .playground
            .cluster
            .requests_after(self.traffic_seen)
            .last()
            .cloned();
        if let Some(request) = newest {
            self.traffic_seen = request.sequence;
            self.traffic = Some(Rc::new(request));
            self.traffic_at = now_ms();
            return true;
        }
        if self.traffic.is_some() && now_ms() - self.traffic_at > TRAFFIC_SHOWN_MS {
            self.traffic = None;
            return true;
        }
        false
    }

    /// Prints the inspector's tab again: its kubectl command on the
    /// in-tab cluster, or in server mode the YAML the mirror holds.
    fn refresh_inspector(&mut self) {
        let Some((target, tab)) = &self.inspected else {
            return;
        };
        self.inspector_text = match &self.server {
            None => {
                let mut ctx = sunaba_core::kubectl::Context {
                    cluster: &mut self.playground.cluster,
                    files: &self.playground.editor,
                };
                let out = sunaba_core::kubectl::run(&mut ctx, &tab.command(target));
                format!("{}{}", out.stdout, out.stderr)
            }
            Some(server) => match (
                tab,
                server
                    .mirror
                    .store()
                    .find(target.kind, &target.namespace, &target.name),
            ) {
                (Tab::Yaml, Some(object)) => {
                    sunaba_core::kubectl::yaml::to_yaml(&object.to_value())
                }
                (Tab::Yaml, None) => (self.lang.texts().gone)(&target.type_name()),
                _ => (self.lang.texts().run_in_terminal)(&tab.command(target).join(" ")),
            },
        };
    }

    /// The mode the page is in.
    fn mode(&self) -> Mode {
        if self.server.is_some() {
            Mode::Server
        } else {
            Mode::Tab
        }
    }

    /// The switch was turned: enter or leave server mode, and remember it.
    fn set_mode(&mut self, ctx: &Context<Self>, mode: Mode) -> bool {
        if mode == self.mode() || self.token.is_none() {
            return false;
        }
        crate::services::storage::save_mode(mode.as_str());
        match mode {
            Mode::Server => self.enter_server_mode(ctx),
            Mode::Tab => {
                // Dropping the sockets closes them.
                self.server = None;
                self.last_tick = now_ms();
            }
        }
        // A different store: draw it whatever its version.
        self.picture_version = u64::MAX;
        self.refresh_picture();
        true
    }

    fn enter_server_mode(&mut self, ctx: &Context<Self>) {
        self.server = Some(ServerSide {
            mirror: Mirror::new(),
            terminal: RemoteTerminal::new(),
            session: None,
            watches: BTreeMap::new(),
        });
        self.picture_version = u64::MAX;
        self.refresh_picture();
        self.open_session(ctx);
        for kind in KINDS {
            self.open_watch(ctx, kind);
        }
    }

    fn open_session(&mut self, ctx: &Context<Self>) {
        let (Some(server), Some(token)) = (&mut self.server, &self.token) else {
            return;
        };
        let link = ctx.link();
        server.session = Socket::open(
            "/sunaba/v1/terminal",
            TERMINAL_PROTOCOL,
            token,
            link.callback(Msg::TerminalMessage),
            link.callback(|()| Msg::TerminalClosed),
        );
    }

    fn open_watch(&mut self, ctx: &Context<Self>, kind: Kind) {
        let (Some(server), Some(token)) = (&mut self.server, &self.token) else {
            return;
        };
        let link = ctx.link();
        let path = server.mirror.watch_path(kind);
        let socket = Socket::open(
            &path,
            WATCH_PROTOCOL,
            token,
            link.callback(move |text| Msg::Watched(kind, text)),
            link.callback(move |()| Msg::WatchClosed(kind)),
        );
        if let Some(socket) = socket {
            server.watches.insert(kind, socket);
        }
    }

    /// One watch message: into the mirror, then the picture and the
    /// tutorial if it changed anything.
    fn watched(&mut self, ctx: &Context<Self>, kind: Kind, text: &str) -> bool {
        let Some(server) = &mut self.server else {
            return false;
        };
        let was_synced = server.mirror.synced();
        let next = match parse_event(kind, text) {
            Ok(event) => server.mirror.apply(kind, event),
            Err(_) => Next::Reconnect,
        };
        if next == Next::Reconnect {
            server.watches.remove(&kind);
            later(ctx, Msg::Rewatch(kind));
        }
        let synced = self.server.as_ref().is_some_and(|s| s.mirror.synced());
        let drew = self.refresh_picture();
        drew | self.update_remote_progress() | (synced != was_synced)
    }

    /// A line for the server's terminal.
    /// What `kubectl edit` waits on, here or on the server, for the editor's banner.
    fn editing_title(&self) -> Option<String> {
        match &self.server {
            Some(server) => server.terminal.edit.as_ref().map(|e| e.title.clone()),
            None => self.playground.terminal.editing().map(|s| s.title.clone()),
        }
    }

    fn run_on_server(&mut self, line: &str) {
        let Some(server) = &mut self.server else {
            return;
        };
        let message = server.terminal.typed(line, &self.playground.editor.files);
        if let Some(message) = message {
            send(server.session.as_ref(), &message);
            let trimmed = line.trim();
            if !trimmed.is_empty() && !server.terminal.in_container {
                self.playground.history.push(trimmed.to_string());
            }
        }
    }

    /// Marks the tutorial's steps the server's cluster now shows done.
    fn update_remote_progress(&mut self) -> bool {
        if self.server.is_none() {
            return false;
        }
        crate::tutorial::pin_open_step(&mut self.playground);
        let Some(server) = &self.server else {
            return false;
        };
        let seen = Seen {
            store: server.mirror.store(),
            history: &self.playground.history,
            summer_received: server.terminal.shows_received_request(),
        };
        let new = newly_done(&self.playground.tutorial_done, &seen);
        let changed = !new.is_empty();
        self.playground.tutorial_done.extend(new);
        changed
    }

    fn save(&mut self) {
        self.saved_at = now_ms();
        let saved = self.playground.save();
        if !crate::services::storage::save(&saved) {
            self.notice = Some(Notice::NotSaved);
        }
    }
}

/// The language saved, or else the browser's.
fn chosen_lang() -> Lang {
    crate::services::storage::load_lang()
        .and_then(|tag| Lang::from_tag(&tag))
        .unwrap_or_else(|| {
            let tags = crate::services::storage::browser_languages();
            Lang::preferred(tags.iter().map(String::as_str))
        })
}

/// Opens share links pasted into this tab's address bar.
fn listen_for_links(ctx: &Context<App>) -> Option<gloo::events::EventListener> {
    // Not in the server-side renderer of the native tests.
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    let window = web_sys::window()?;
    let link = ctx.link().clone();
    Some(gloo::events::EventListener::new(
        &window,
        "hashchange",
        move |_| link.send_message(Msg::HashChanged),
    ))
}

/// The saved session, or a fresh playground.
fn open_playground() -> (Playground, Option<Notice>) {
    let mut notice = None;
    let playground = match crate::services::storage::load() {
        Some(Ok(saved)) => match Playground::restore(&saved) {
            Ok(p) => p,
            Err(e) => {
                notice = Some(Notice::StartedAfresh(e));
                Playground::new(fresh_seed(), SimTime(now_ms() as i64))
            }
        },
        Some(Err(e)) => {
            notice = Some(Notice::StartedAfresh(e));
            Playground::new(fresh_seed(), SimTime(now_ms() as i64))
        }
        None => Playground::new(fresh_seed(), SimTime(now_ms() as i64)),
    };
    (playground, notice)
}

/// Sends a message on the terminal session; an unopened socket drops it
/// (the terminal shows it is not connected).
fn send(session: Option<&Socket>, message: &ClientMessage) {
    if let (Some(session), Ok(text)) = (session, serde_json::to_string(message)) {
        session.send(&text);
    }
}

/// Sends `msg` to the app after [`RECONNECT_MS`].
fn later(ctx: &Context<App>, msg: Msg) {
    let link = ctx.link().clone();
    gloo::timers::callback::Timeout::new(RECONNECT_MS, move || link.send_message(msg)).forget();
}

/// The switch between the in-tab cluster and the server's: two radio
/// buttons, reachable with Tab and the arrow keys.
fn mode_switch(mode: Mode, on_change: Callback<Mode>, texts: &Texts) -> Html {
    let option = |value: Mode, label: &'static str| {
        let on_change = on_change.clone();
        html! {
            <label>
                <input type="radio" name="cluster-mode"
                    data-testid={format!("mode-{}", value.as_str())}
                    checked={mode == value}
                    onchange={Callback::from(move |_| on_change.emit(value))} />
                { label }
            </label>
        }
    };
    html! {
        <fieldset class="mode-switch" data-testid="mode-switch">
            <legend>{ texts.mode_legend }</legend>
            { option(Mode::Tab, texts.mode_tab) }
            { option(Mode::Server, texts.mode_server) }
        </fieldset>
    }
}

/// The language switch: each language in its own name.
fn language_switch(lang: Lang, on_change: Callback<Lang>, texts: &Texts) -> Html {
    let on_change = Callback::from(move |event: Event| {
        let tag = event
            .target_dyn_into::<web_sys::HtmlSelectElement>()
            .map(|select| select.value())
            .unwrap_or_default();
        if let Some(lang) = Lang::from_tag(&tag) {
            on_change.emit(lang);
        }
    });
    html! {
        <label class="language">
            <span class="visually-hidden">{ texts.language }</span>
            <select data-testid="language-switch" aria-label={texts.language} onchange={on_change}>
                { for Lang::ALL.iter().map(|l| html! {
                    <option value={l.tag()} lang={l.tag()} selected={*l == lang}>{ l.own_name() }</option>
                }) }
            </select>
        </label>
    }
}

/// Play/pause, the speed (0.25× to 20×), and a step to the next event.
fn clock_controls(paused: bool, speed: f64, link: &yew::html::Scope<App>, texts: &Texts) -> Html {
    let on_speed = link.callback(|event: Event| {
        let value = event
            .target_dyn_into::<web_sys::HtmlSelectElement>()
            .map(|select| select.value())
            .unwrap_or_default();
        Msg::SetSpeed(value.parse().unwrap_or(1.0))
    });
    html! {
        <span class="clock-controls" role="group" aria-label={texts.clock}>
            <button data-testid="play-pause" aria-pressed={paused.to_string()}
                title={if paused { texts.play_title } else { texts.pause_title }}
                onclick={link.callback(|_| Msg::TogglePause)}>
                { if paused { texts.play } else { texts.pause } }
            </button>
            <label class="speed">
                { texts.speed }
                <select data-testid="speed-control" aria-label={texts.speed_label} onchange={on_speed}>
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={*s == speed}>{ format!("{s}×") }</option>
                    }) }
                </select>
            </label>
            <button data-testid="step-event" title={texts.step_event_title}
                onclick={link.callback(|_| Msg::StepEvent)}>{ texts.step_event }</button>
        </span>
    }
}

/// The simulated clock as the top bar shows it.
fn clock_text(now: SimTime) -> String {
    let seconds = now.millis().div_euclid(1000);
    let (h, m, s) = ((seconds / 3600) % 24, (seconds / 60) % 60, seconds % 60);
    format!("{h:02}:{m:02}:{s:02} UTC")
}

#[cfg(target_arch = "wasm32")]
fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[cfg(not(target_arch = "wasm32"))]
fn now_ms() -> f64 {
    SimTime::TEST_EPOCH.millis() as f64
}

#[cfg(target_arch = "wasm32")]
fn fresh_seed() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64
}

#[cfg(not(target_arch = "wasm32"))]
fn fresh_seed() -> u64 {
    0
}

#[cfg(target_arch = "wasm32")]
fn start_clock(ctx: &Context<App>) -> Option<gloo::timers::callback::Interval> {
    let link = ctx.link().clone();
    Some(gloo::timers::callback::Interval::new(TICK_MS, move || {
        link.send_message(Msg::Tick)
    }))
}

/// A requested animation frame; dropping it cancels the request.
#[cfg(target_arch = "wasm32")]
type WorkFrame = gloo::render::AnimationFrame;

#[cfg(not(target_arch = "wasm32"))]
type WorkFrame = ();

#[cfg(target_arch = "wasm32")]
fn next_frame(ctx: &Context<App>) -> Option<WorkFrame> {
    let link = ctx.link().clone();
    Some(gloo::render::request_animation_frame(move |_| {
        link.send_message(Msg::Work)
    }))
}

/// Off the browser (the app's native tests) the clock's tick does all the
/// work at once, as `now_ms` stands still there.
#[cfg(not(target_arch = "wasm32"))]
fn next_frame(_ctx: &Context<App>) -> Option<WorkFrame> {
    None
}

#[cfg(not(target_arch = "wasm32"))]
fn start_clock(_ctx: &Context<App>) -> Option<gloo::timers::callback::Interval> {
    let _ = TICK_MS;
    None
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn renders_every_panel_and_every_node() {
        let html = yew::ServerRenderer::<App>::new().render().await;
        for id in [
            "editor",
            "editor-tab-simple-pod.yaml",
            "apply-button",
            "cluster-view",
            "terminal",
            "terminal-input",
            "terminal-output",
            "tutorial",
            "tutorial-step",
            "tutorial-next",
            "share-button",
            "play-pause",
            "speed-control",
            "step-event",
        ] {
            assert!(
                html.contains(&format!(r#"data-testid="{id}""#)),
                "{id}: {html}"
            );
        }
        for node in ["sunaba-control-plane", "sunaba-worker", "sunaba-worker2"] {
            assert!(
                html.contains(&format!(r#"data-testid="node-{node}""#)),
                "{html}"
            );
        }
    }
}
