//! The interface in English and Japanese: [`Lang`] picks the language
//! (the browser's by default, or the learner's choice), and [`Texts`]
//! holds every word the interface itself shows. What kubectl, the API
//! server and the schemas print stays in English, as on a real cluster.

use sunaba_core::controllers::reason::{Reason, ScaleCause};
use yew::prelude::*;

/// A language the interface speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Japanese.
    Ja,
}

impl Lang {
    /// Every language, in the switch's order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// The BCP 47 tag, for `<html lang>` and the saved choice.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language a tag names (`ja`, `ja-JP`, `en-GB`), if Sunaba speaks it.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        Lang::ALL
            .into_iter()
            .find(|lang| primary.eq_ignore_ascii_case(lang.tag()))
    }

    /// The first of the browser's preferred languages that Sunaba speaks,
    /// or English.
    pub fn preferred<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter()
            .find_map(Lang::from_tag)
            .unwrap_or_default()
    }

    /// The language's name in itself, for the switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ja => "日本語",
        }
    }

    /// The interface's words in this language.
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::En => &EN,
            Lang::Ja => &JA,
        }
    }
}

/// One text in every language, for content written beside its
/// translation (the tutorial).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tr {
    /// English.
    pub en: &'static str,
    /// Japanese.
    pub ja: &'static str,
}

impl Tr {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::Ja => self.ja,
        }
    }
}

/// The language components read from context.
#[hook]
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}

/// Why a controller acted, in `lang`: core's English, or its Japanese.
pub fn reason_text(reason: &Reason, lang: Lang) -> String {
    match lang {
        Lang::En => reason.to_string(),
        Lang::Ja => reason_ja(reason),
    }
}

fn reason_ja(reason: &Reason) -> String {
    match reason {
        Reason::OwnersGone { kind, name, owners } => format!(
            "ガベージコレクターが {kind} {name} を削除します: オーナーの {} がもうありません。",
            owners.join(" と ")
        ),
        Reason::ReplicaSetScaled {
            deployment,
            replica_set,
            from,
            to,
            cause,
        } => {
            let direction = if to > from {
                "スケールアップ"
            } else {
                "スケールダウン"
            };
            format!(
                "Deployment {deployment} が ReplicaSet {replica_set} を {from} から {to} に{direction}します: {}。",
                scale_cause_ja(*cause)
            )
        }
        Reason::PodsCreated {
            replica_set,
            count,
            existed,
            wanted,
            burst,
        } => {
            let burst = burst
                .map(|b| format!(" (一度に最大 {b} 個)"))
                .unwrap_or_default();
            format!(
                "ReplicaSet {replica_set} が Pod を {count} 個作ります{burst}: レプリカ {wanted} 個のうち {existed} 個しかありませんでした。"
            )
        }
        Reason::PodsDeleted {
            replica_set,
            count,
            existed,
            wanted,
        } => format!(
            "ReplicaSet {replica_set} が Pod を {count} 個削除します: {existed} 個あり、望む数は {wanted} 個です。未スケジュール、未 Ready、新しいものから先に消します。"
        ),
        Reason::PodScheduled {
            pod,
            node,
            fit,
            looked_at,
            nodes,
        } if looked_at < nodes => format!(
            "スケジューラーが Pod {pod} を {node} に置きます: {nodes} 台の大きなクラスターでは、受け入れ可能なノードが {fit} 台見つかるまでしか調べません (前の Pod の続きから {looked_at} 台)。その中で {node} のスコアが最も高かったためです (空き容量、バランス、同じオーナーの Pod の少なさ)。"
        ),
        Reason::PodScheduled {
            pod,
            node,
            fit,
            nodes,
            ..
        } => format!(
            "スケジューラーが Pod {pod} を {node} に置きます: {nodes} 台のノードのうち {fit} 台が受け入れ可能で、{node} のスコアが最も高かったためです (空き容量、バランス、同じオーナーの Pod の少なさ)。"
        ),
        Reason::PodUnschedulable {
            pod,
            message,
            retry_seconds,
        } => format!(
            "スケジューラーは Pod {pod} を置けるノードを見つけられません: {message} クラスターが変わったら、早くて {retry_seconds} 秒後にもう一度試します。"
        ),
    }
}

fn scale_cause_ja(cause: ScaleCause) -> String {
    match cause {
        ScaleCause::Replicas(replicas) => format!("spec.replicas が {replicas} だからです"),
        ScaleCause::Recreate => {
            "Recreate 戦略では、新しい Pod を起動する前に古い Pod をすべて止めます".into()
        }
        ScaleCause::Surge { replicas, surge } => format!(
            "ロールアウトで新しい Pod を足します。同時に最大 {} 個まで ({replicas} レプリカ + maxSurge {surge})",
            replicas + surge
        ),
        ScaleCause::Availability {
            replicas,
            unavailable,
        } => format!(
            "ロールアウトで古い Pod を減らします。少なくとも {} 個は利用可能なまま残します ({replicas} レプリカ − maxUnavailable {unavailable})",
            replicas - unavailable
        ),
    }
}

/// Every word the interface shows, in one language.
pub struct Texts {
    /// Under the title.
    pub tagline: &'static str,
    /// The language switch's label.
    pub language: &'static str,
    /// The Share button.
    pub share: &'static str,
    /// The Reset button.
    pub reset: &'static str,
    /// Reset's question.
    pub reset_confirm: &'static str,
    /// Server mode, once the mirror has the server's objects.
    pub server_live: &'static str,
    /// Server mode, before that.
    pub server_connecting: &'static str,
    /// The mode switch's legend.
    pub mode_legend: &'static str,
    /// The mode switch: the cluster in the tab.
    pub mode_tab: &'static str,
    /// The mode switch: the server's cluster.
    pub mode_server: &'static str,
    /// The clock controls' group.
    pub clock: &'static str,
    /// The clock's tooltip while the cluster works through a burst and
    /// simulated time waits for it.
    pub clock_busy: &'static str,
    /// The play button.
    pub play: &'static str,
    /// The pause button.
    pub pause: &'static str,
    /// The play button's tooltip.
    pub play_title: &'static str,
    /// The pause button's tooltip.
    pub pause_title: &'static str,
    /// Before the speed list.
    pub speed: &'static str,
    /// The speed list's label.
    pub speed_label: &'static str,
    /// The step-to-the-next-event button.
    pub step_event: &'static str,
    /// Its tooltip.
    pub step_event_title: &'static str,
    /// The first splitter.
    pub split_columns: &'static str,
    /// The second splitter.
    pub split_rows: &'static str,
    /// The side column's tabs.
    pub side_panel: &'static str,
    /// The tutorial's tab and panel.
    pub tutorial: &'static str,
    /// The event log's tab and panel.
    pub event_log: &'static str,
    /// The event log before anything happened.
    pub event_log_empty: &'static str,
    /// The editor panel.
    pub editor: &'static str,
    /// The new-file button.
    pub new_file: &'static str,
    /// The Apply button.
    pub apply: &'static str,
    /// The Rename button.
    pub rename: &'static str,
    /// The Delete button.
    pub delete: &'static str,
    /// The text area.
    pub manifest: &'static str,
    /// Rename's question.
    pub rename_prompt: &'static str,
    /// Delete's question, about a file.
    pub delete_confirm: fn(&str) -> String,
    /// The banner while `kubectl edit` waits, before its buttons.
    pub edit_waiting: fn(&str) -> String,
    /// The banner's save button.
    pub save_and_apply: &'static str,
    /// The banner's cancel button.
    pub cancel: &'static str,
    /// Before a problem's message.
    pub at_line: fn(usize) -> String,
    /// The completion list, for a field path.
    pub fields_of: fn(&str) -> String,
    /// A file name refused.
    pub not_a_file_name: fn(&str) -> String,
    /// A file name taken.
    pub file_exists: fn(&str) -> String,
    /// The terminal panel.
    pub terminal: &'static str,
    /// The terminal's input.
    pub command: &'static str,
    /// The terminal's first line.
    pub welcome: &'static str,
    /// The cluster view.
    pub cluster: &'static str,
    /// The nodes picture.
    pub nodes_picture: &'static str,
    /// Before the pods no node took.
    pub not_scheduled: &'static str,
    /// The workloads' heading.
    pub workloads: &'static str,
    /// The services' heading.
    pub services: &'static str,
    /// A clickable object's label.
    pub inspect: fn(&str) -> String,
    /// After the first pods of a list, how many more there are.
    pub more: fn(usize) -> String,
    /// A group of pods: count, owner, status.
    pub pod_group: fn(usize, &str, &str) -> String,
    /// The inspector, for an object.
    pub inspector: fn(&str) -> String,
    /// The inspector's close button.
    pub close_inspector: &'static str,
    /// The inspector's Edit button.
    pub edit: &'static str,
    /// The inspector's Scale button.
    pub scale: &'static str,
    /// Scale's question, about an object.
    pub scale_prompt: fn(&str) -> String,
    /// The inspector in server mode, for what only the terminal runs.
    pub run_in_terminal: fn(&str) -> String,
    /// The inspector, once its object is gone.
    pub gone: fn(&str) -> String,
    /// The tutorial's heading: done, all.
    pub tutorial_progress: fn(usize, usize) -> String,
    /// Above a step's manifest.
    pub open_in_editor: fn(&str) -> String,
    /// A command's tooltip.
    pub paste_title: &'static str,
    /// Above a step's commands.
    pub try_these: &'static str,
    /// The goal a step checks.
    pub goal: &'static str,
    /// The next-step button.
    pub next_step: &'static str,
    /// The last step, done.
    pub all_done: &'static str,
    /// The share box's heading.
    pub share_heading: &'static str,
    /// The share box's tutorial-step option.
    pub share_with_step: fn(&str) -> String,
    /// The share box's commands option, with their count.
    pub share_with_commands: fn(usize) -> String,
    /// The share box's copy button.
    pub copy_link: &'static str,
    /// The share box's close button.
    pub close: &'static str,
    /// The link field's label.
    pub link: &'static str,
    /// A copied link.
    pub link_copied: &'static str,
    /// Sharing without a page address.
    pub no_page_address: &'static str,
    /// Stepping with nothing pending.
    pub nothing_pending: &'static str,
    /// Storage refused the session.
    pub not_saved: &'static str,
    /// A saved session could not be read.
    pub started_afresh: fn(&str) -> String,
    /// A shared file whose name is taken by a different file.
    pub replace_shared: fn(&str, &str) -> String,
    /// What a link brought: added, replaced, kept under a new name.
    pub opened_shared: fn(usize, usize, usize) -> String,
    /// A link that could not be read, and why.
    pub bad_link: fn(&str) -> String,
    /// A link's commands, offered.
    pub replay_offer: fn(usize) -> String,
    /// The button that runs them.
    pub replay: &'static str,
    /// Dismisses a notice.
    pub dismiss: &'static str,
}

/// Plural `s` for English counts.
fn s(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The text with its first letter in upper case.
fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// English.
pub static EN: Texts = Texts {
    tagline: "a Kubernetes playground",
    language: "Language",
    share: "Share",
    reset: "Reset",
    reset_confirm: "Start a fresh cluster? Your cluster, terminal and files here are discarded.",
    server_live: "live from the server",
    server_connecting: "connecting…",
    mode_legend: "Cluster:",
    mode_tab: "in this tab",
    mode_server: "on the server",
    clock: "Clock",
    clock_busy: "The cluster is working through a burst of changes; its clock waits until it catches up",
    play: "▶ Play",
    pause: "⏸ Pause",
    play_title: "Start the clock",
    pause_title: "Stop the clock",
    speed: "Speed ",
    speed_label: "Clock speed",
    step_event: "Step ⏭",
    step_event_title: "Run the clock to the next event",
    split_columns: "Resize the editor and the cluster view",
    split_rows: "Resize the panels and the terminal",
    side_panel: "Side panel",
    tutorial: "Tutorial",
    event_log: "Event log",
    event_log_empty: "Nothing has happened yet. Apply a manifest, and each controller will say what it did and why.",
    editor: "Editor",
    new_file: "New file",
    apply: "Apply",
    rename: "Rename",
    delete: "Delete",
    manifest: "Manifest",
    rename_prompt: "Rename the file to:",
    delete_confirm: |name| format!("Delete {name}?"),
    edit_waiting: |title| format!("kubectl edit is waiting for {title}: change it in its tab, then"),
    save_and_apply: "Save and apply",
    cancel: "Cancel",
    at_line: |line| format!("line {line}: "),
    fields_of: |path| format!("Fields of {path}"),
    not_a_file_name: |name| format!("\"{name}\" is not a file name."),
    file_exists: |name| format!("A file named \"{name}\" already exists."),
    terminal: "Terminal",
    command: "Command",
    welcome: "Welcome to Sunaba: a Kubernetes cluster runs in this tab. Try `kubectl get nodes`.",
    cluster: "Cluster",
    nodes_picture: "Nodes, pods and containers",
    not_scheduled: "Not scheduled: ",
    workloads: "Workloads",
    services: "Services",
    inspect: |what| format!("Inspect {what}"),
    more: |n| format!("+{n} more"),
    pod_group: |count, owner, status| format!("{count} pod{} of {owner}: {status}", s(count)),
    inspector: |what| format!("Inspector: {what}"),
    close_inspector: "Close the inspector",
    edit: "Edit",
    scale: "Scale…",
    scale_prompt: |what| format!("Scale {what} to how many replicas?"),
    run_in_terminal: |command| format!("In server mode, run it in the terminal: kubectl {command}"),
    gone: |what| format!("{what} is gone."),
    tutorial_progress: |done, all| format!("Tutorial · {done}/{all} done"),
    open_in_editor: |file| format!("Open {file} in the editor"),
    paste_title: "Paste into the terminal; Enter runs it",
    try_these: "Try:",
    goal: "Done when: ",
    next_step: "Next step →",
    all_done: "You finished the chapter. Keep experimenting: the cluster is yours.",
    share_heading: "Share your files",
    share_with_step: |step| format!("with the tutorial step ({step})"),
    share_with_commands: |n| format!("with the {n} command{} you typed, to replay", s(n)),
    copy_link: "Copy link",
    close: "Close",
    link: "Link",
    link_copied: "Link copied.",
    no_page_address: "This browser gives no page address to share.",
    nothing_pending: "Nothing is pending: the cluster waits for you.",
    not_saved: "This browser would not save the session; it will not survive a reload.",
    started_afresh: |why| format!("Started afresh: {why}."),
    replace_shared: |name, renamed| format!("The link carries a different {name}. Replace yours with it?\n(Cancel keeps yours and opens the link's as {renamed}.)"),
    opened_shared: |added, replaced, renamed| {
        let mut clauses = Vec::new();
        if added > 0 {
            clauses.push(format!("Opened {added} shared file{}", s(added)));
        }
        if renamed > 0 {
            clauses.push(format!(
                "opened {renamed} shared file{} beside yours under a new name",
                s(renamed)
            ));
        }
        if replaced > 0 {
            clauses.push(format!("replaced {replaced} of yours with the link's"));
        }
        match clauses.is_empty() {
            true => "The link's files are all here already.".into(),
            false => capitalized(&format!("{}.", clauses.join("; "))),
        }
    },
    bad_link: |why| format!("Could not open the shared link: {why}. Nothing here changed."),
    replay_offer: |n| format!("The link carries {n} command{} to replay. Nothing runs until you say so.", s(n)),
    replay: "Run them",
    dismiss: "Dismiss",
};

/// Japanese.
pub static JA: Texts = Texts {
    tagline: "Kubernetes の砂場",
    language: "言語",
    share: "共有",
    reset: "リセット",
    reset_confirm: "新しいクラスターで始めますか? このタブのクラスター、ターミナル、ファイルは破棄されます。",
    server_live: "サーバーからライブ表示中",
    server_connecting: "接続中…",
    mode_legend: "クラスター:",
    mode_tab: "このタブ",
    mode_server: "サーバー",
    clock: "時計",
    clock_busy: "クラスターが多くの変更を処理中です。追いつくまで時計は待ちます",
    play: "▶ 再生",
    pause: "⏸ 一時停止",
    play_title: "時計を動かす",
    pause_title: "時計を止める",
    speed: "速度 ",
    speed_label: "時計の速度",
    step_event: "次へ ⏭",
    step_event_title: "次の出来事まで時計を進める",
    split_columns: "エディターとクラスター図の幅を変える",
    split_rows: "パネルとターミナルの高さを変える",
    side_panel: "サイドパネル",
    tutorial: "チュートリアル",
    event_log: "イベントログ",
    event_log_empty: "まだ何も起きていません。マニフェストを適用すると、各コントローラーが何をしたか、なぜそうしたかをここに書きます。",
    editor: "エディター",
    new_file: "新しいファイル",
    apply: "適用",
    rename: "名前を変更",
    delete: "削除",
    manifest: "マニフェスト",
    rename_prompt: "新しいファイル名:",
    delete_confirm: |name| format!("{name} を削除しますか?"),
    edit_waiting: |title| format!("kubectl edit が {title} を待っています。タブで変更してから"),
    save_and_apply: "保存して適用",
    cancel: "キャンセル",
    at_line: |line| format!("{line} 行目: "),
    fields_of: |path| format!("{path} のフィールド"),
    not_a_file_name: |name| format!("「{name}」はファイル名として使えません。"),
    file_exists: |name| format!("「{name}」という名前のファイルはすでにあります。"),
    terminal: "ターミナル",
    command: "コマンド",
    welcome: "Sunaba へようこそ。このタブの中で Kubernetes クラスターが動いています。`kubectl get nodes` を試してみましょう。",
    cluster: "クラスター",
    nodes_picture: "ノード、Pod、コンテナ",
    not_scheduled: "未スケジュール: ",
    workloads: "ワークロード",
    services: "Service",
    inspect: |what| format!("{what} を調べる"),
    more: |n| format!("ほか {n} 個"),
    pod_group: |count, owner, status| format!("{owner} の Pod {count} 個: {status}"),
    inspector: |what| format!("インスペクター: {what}"),
    close_inspector: "インスペクターを閉じる",
    edit: "編集",
    scale: "スケール…",
    scale_prompt: |what| format!("{what} のレプリカ数をいくつにしますか?"),
    run_in_terminal: |command| format!("サーバーモードでは、ターミナルで実行してください: kubectl {command}"),
    gone: |what| format!("{what} はもうありません。"),
    tutorial_progress: |done, all| format!("チュートリアル · {done}/{all} 完了"),
    open_in_editor: |file| format!("{file} をエディターで開く"),
    paste_title: "ターミナルに貼り付けます。Enter で実行します",
    try_these: "試すコマンド:",
    goal: "完了の条件: ",
    next_step: "次のステップ →",
    all_done: "この章はこれで終わりです。クラスターは自由に使えます。いろいろ試してみましょう。",
    share_heading: "ファイルを共有",
    share_with_step: |step| format!("チュートリアルのステップも含める ({step})"),
    share_with_commands: |n| format!("入力したコマンド {n} 個も含める (再実行用)"),
    copy_link: "リンクをコピー",
    close: "閉じる",
    link: "リンク",
    link_copied: "リンクをコピーしました。",
    no_page_address: "このブラウザーでは共有するページのアドレスを取得できません。",
    nothing_pending: "待っている出来事はありません。クラスターはあなたの操作を待っています。",
    not_saved: "このブラウザーはセッションを保存できませんでした。再読み込みすると失われます。",
    started_afresh: |why| format!("新しく始めました: {why}。"),
    replace_shared: |name, renamed| format!("リンクには内容の違う {name} が入っています。あなたのファイルを置き換えますか?\n(キャンセルすると、あなたのファイルはそのままで、リンクのファイルは {renamed} として開きます。)"),
    opened_shared: |added, replaced, renamed| {
        let mut sentences = Vec::new();
        if added > 0 {
            sentences.push(format!("共有されたファイルを {added} 個開きました。"));
        }
        if renamed > 0 {
            sentences.push(format!(
                "同じ名前のファイルがあったので、{renamed} 個は別の名前で並べて開きました。"
            ));
        }
        if replaced > 0 {
            sentences.push(format!("{replaced} 個はリンクのファイルで置き換えました。"));
        }
        match sentences.is_empty() {
            true => "リンクのファイルはすべてすでにあります。".into(),
            false => sentences.concat(),
        }
    },
    bad_link: |why| format!("共有リンクを開けませんでした: {why}。このタブの内容は何も変わっていません。"),
    replay_offer: |n| format!("このリンクには再実行できるコマンドが {n} 個あります。あなたが選ぶまで何も実行しません。"),
    replay: "実行する",
    dismiss: "閉じる",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_first_spoken_language_wins() {
        assert_eq!(Lang::preferred(["ja-JP", "en-US"]), Lang::Ja);
        assert_eq!(Lang::preferred(["fr-FR", "en-GB", "ja"]), Lang::En);
        assert_eq!(Lang::preferred(["fr", "JA"]), Lang::Ja);
        assert_eq!(Lang::preferred(["de"]), Lang::En);
        assert_eq!(Lang::preferred([]), Lang::En);
        assert_eq!(Lang::from_tag("ja_JP"), Some(Lang::Ja));
        assert_eq!(Lang::from_tag("jav"), None);
    }

    #[test]
    fn controllers_explain_themselves_in_japanese_too() {
        let scaled = Reason::ReplicaSetScaled {
            deployment: "echo".into(),
            replica_set: "echo-7c5d".into(),
            from: 0,
            to: 3,
            cause: ScaleCause::Replicas(3),
        };
        assert_eq!(
            reason_text(&scaled, Lang::En),
            "Deployment echo scales up ReplicaSet echo-7c5d from 0 to 3: spec.replicas is 3."
        );
        assert_eq!(
            reason_text(&scaled, Lang::Ja),
            "Deployment echo が ReplicaSet echo-7c5d を 0 から 3 にスケールアップします: spec.replicas が 3 だからです。"
        );
        let created = Reason::PodsCreated {
            replica_set: "echo".into(),
            count: 2,
            existed: 1,
            wanted: 3,
            burst: None,
        };
        assert_eq!(
            reason_text(&created, Lang::Ja),
            "ReplicaSet echo が Pod を 2 個作ります: レプリカ 3 個のうち 1 個しかありませんでした。"
        );
        let scheduled = |looked_at| Reason::PodScheduled {
            pod: "web-1".into(),
            node: "w7".into(),
            fit: 100,
            looked_at,
            nodes: 150,
        };
        assert!(reason_text(&scheduled(150), Lang::Ja)
            .starts_with("スケジューラーが Pod web-1 を w7 に置きます: 150 台のノードのうち 100 台が受け入れ可能"));
        assert!(reason_text(&scheduled(101), Lang::Ja).contains(
            "150 台の大きなクラスターでは、受け入れ可能なノードが 100 台見つかるまでしか調べません (前の Pod の続きから 101 台)"
        ));
    }

    #[test]
    fn counts_read_naturally_in_both_languages() {
        assert_eq!((EN.opened_shared)(1, 0, 0), "Opened 1 shared file.");
        assert_eq!(
            (EN.opened_shared)(3, 1, 2),
            "Opened 3 shared files; opened 2 shared files beside yours under a new name; replaced 1 of yours with the link's."
        );
        assert_eq!(
            (EN.opened_shared)(0, 0, 1),
            "Opened 1 shared file beside yours under a new name."
        );
        assert_eq!(
            (EN.opened_shared)(0, 0, 0),
            "The link's files are all here already."
        );
        assert_eq!(
            (JA.opened_shared)(2, 0, 1),
            "共有されたファイルを 2 個開きました。同じ名前のファイルがあったので、1 個は別の名前で並べて開きました。"
        );
        assert_eq!((EN.pod_group)(1, "web", "Running"), "1 pod of web: Running");
        assert_eq!(
            (EN.share_with_commands)(2),
            "with the 2 commands you typed, to replay"
        );
    }
}
