//! The root component: one [`Playground`] and the four panels around it
//! (editor, cluster view, terminal, tutorial). It owns the clock: a timer
//! moves the simulation with real time, and the picture is rebuilt only
//! when the store changed.

use yew::prelude::*;

use crate::components::cluster_view::{picture, ClusterView, Picture};
use crate::components::editor::EditorPanel;
use crate::components::terminal::TerminalPanel;
use crate::components::tutorial::TutorialPanel;
use crate::state::{read_share_payload, share_payload, Playground};
use crate::tutorial::update_progress;
use sunaba_core::time::SimTime;

/// How often the clock moves, in milliseconds.
const TICK_MS: u32 = 250;

/// What the playground reacts to.
pub enum Msg {
    /// A line for the terminal.
    Run(String),
    /// Real time passed.
    Tick,
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
    /// Copy a link that carries the files.
    Share,
    /// Start over with a fresh cluster.
    Reset,
}

/// The whole playground.
pub struct App {
    playground: Playground,
    picture: Picture,
    picture_version: u64,
    notice: Option<String>,
    last_tick: f64,
    saved_at: f64,
    _clock: Option<gloo::timers::callback::Interval>,
}

impl Component for App {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let (playground, notice) = open_playground();
        let clock = start_clock(ctx);
        let mut app = Self {
            picture: picture(&playground.cluster),
            picture_version: playground.cluster.api().store().resource_version(),
            playground,
            notice,
            last_tick: now_ms(),
            saved_at: now_ms(),
            _clock: clock,
        };
        update_progress(&mut app.playground);
        app
    }

    fn update(&mut self, _ctx: &Context<Self>, msg: Self::Message) -> bool {
        match msg {
            Msg::Run(line) => {
                self.playground.run_line(&line);
                self.after_change();
                true
            }
            Msg::Tick => self.tick(),
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
                    crate::services::storage::prompt("Rename the file to:", &current)
                {
                    self.notice = self.playground.editor.rename(&name).err();
                    self.save();
                }
                true
            }
            Msg::DeleteFile => {
                let name = self.playground.editor.current().map(|(n, _)| n.clone());
                if let Some(name) = name {
                    if crate::services::storage::confirm(&format!("Delete {name}?")) {
                        self.playground.editor.delete();
                        self.save();
                    }
                }
                true
            }
            Msg::Apply => {
                let name = self.playground.editor.current().map(|(n, _)| n.clone());
                if let Some(name) = name {
                    self.playground
                        .run_line(&format!("kubectl apply -f {name}"));
                    self.after_change();
                }
                true
            }
            Msg::ClearScreen => {
                self.playground.scrollback.clear();
                true
            }
            Msg::Interrupt => {
                self.playground.interrupt();
                self.save();
                true
            }
            Msg::Share => {
                let payload = share_payload(&self.playground.editor);
                match crate::services::storage::share_url(&payload) {
                    Some(url) => {
                        crate::services::storage::copy_to_clipboard(&url);
                        self.notice = Some(format!("Link copied: {url}"));
                    }
                    None => {
                        self.notice = Some("This browser gives no page address to share.".into())
                    }
                }
                true
            }
            Msg::Reset => {
                if crate::services::storage::confirm(
                    "Start a fresh cluster? Your cluster, terminal and files here are discarded.",
                ) {
                    crate::services::storage::clear();
                    self.playground = Playground::new(fresh_seed(), SimTime(now_ms() as i64));
                    self.refresh_picture();
                    self.notice = None;
                }
                true
            }
        }
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let p = &self.playground;
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
        html! {
            <main class="playground" data-testid="playground">
                <header class="topbar">
                    <h1>{ "Sunaba" }</h1>
                    <span class="tagline">{ "a Kubernetes playground" }</span>
                    <span class="clock" data-testid="clock">{ clock_text(p.cluster.now()) }</span>
                    <button data-testid="share" onclick={link.callback(|_| Msg::Share)}>{ "Share" }</button>
                    <button data-testid="reset" onclick={link.callback(|_| Msg::Reset)}>{ "Reset" }</button>
                </header>
                if let Some(notice) = &self.notice {
                    <p class="notice" role="status" data-testid="notice">{ notice }</p>
                }
                <EditorPanel
                    names={names}
                    active={p.editor.active}
                    text={text}
                    on_edit={link.callback(Msg::Edit)}
                    on_select={link.callback(Msg::Select)}
                    on_apply={link.callback(|_| Msg::Apply)}
                    on_new={link.callback(|_| Msg::NewFile)}
                    on_rename={link.callback(|_| Msg::RenameFile)}
                    on_delete={link.callback(|_| Msg::DeleteFile)}
                />
                <ClusterView picture={self.picture.clone()} />
                <TerminalPanel
                    lines={p.scrollback.clone()}
                    prompt={p.terminal.prompt()}
                    history={p.history.clone()}
                    completions={completions}
                    on_run={link.callback(Msg::Run)}
                    on_clear={link.callback(|_| Msg::ClearScreen)}
                    on_interrupt={link.callback(|_| Msg::Interrupt)}
                    busy={p.terminal.is_busy()}
                />
                <TutorialPanel done={p.tutorial_done.clone()} on_run={link.callback(Msg::Run)} />
            </main>
        }
    }
}

impl App {
    fn tick(&mut self) -> bool {
        let now = now_ms();
        let elapsed = (now - self.last_tick).clamp(0.0, 60_000.0) as i64;
        self.last_tick = now;
        let clock_before = self.playground.cluster.now().millis() / 1000;
        self.playground.tick(elapsed);
        let mut changed = self.playground.poll();
        changed |= self.refresh_picture();
        changed |= update_progress(&mut self.playground);
        if now - self.saved_at > 5_000.0 {
            self.save();
        }
        changed || self.playground.cluster.now().millis() / 1000 != clock_before
    }

    fn after_change(&mut self) {
        self.refresh_picture();
        update_progress(&mut self.playground);
        self.save();
    }

    /// Rebuilds the picture if the store moved; true when it did.
    fn refresh_picture(&mut self) -> bool {
        let version = self.playground.cluster.api().store().resource_version();
        if version == self.picture_version {
            return false;
        }
        self.picture_version = version;
        self.picture = picture(&self.playground.cluster);
        true
    }

    fn save(&mut self) {
        self.saved_at = now_ms();
        let saved = self.playground.save();
        if !crate::services::storage::save(&saved) {
            self.notice = Some(
                "This browser would not save the session; it will not survive a reload.".into(),
            );
        }
    }
}

/// The saved session, a shared link's files, or a fresh playground.
fn open_playground() -> (Playground, Option<String>) {
    let mut notice = None;
    let mut playground = match crate::services::storage::load() {
        Some(Ok(saved)) => match Playground::restore(&saved) {
            Ok(p) => p,
            Err(e) => {
                notice = Some(format!("Started afresh: {e}."));
                Playground::new(fresh_seed(), SimTime(now_ms() as i64))
            }
        },
        Some(Err(e)) => {
            notice = Some(format!("Started afresh: {e}."));
            Playground::new(fresh_seed(), SimTime(now_ms() as i64))
        }
        None => Playground::new(fresh_seed(), SimTime(now_ms() as i64)),
    };
    if let Some(payload) = crate::services::storage::shared_payload() {
        match read_share_payload(&payload) {
            Ok(files) => {
                notice = Some(format!("Opened {} shared file(s).", files.files.len()));
                playground.editor = files;
            }
            Err(e) => notice = Some(format!("Could not open the shared link: {e}.")),
        }
        crate::services::storage::clear_hash();
    }
    (playground, notice)
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
            "cluster-view",
            "terminal",
            "tutorial",
            "tab-simple-pod.yaml",
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
