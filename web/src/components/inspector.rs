//! The inspector: what clicking an object in the cluster view opens. It
//! shows the object as `kubectl get -o yaml`, `kubectl describe` and
//! `kubectl events --for` print it, and offers delete, scale and edit, each
//! run as its kubectl command in the terminal, where the learner sees it.

use sunaba_core::api::Kind;
use yew::prelude::*;

use crate::i18n::{use_lang, Lang};

/// What the inspector shows of its object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// `kubectl get TYPE/NAME -o yaml`.
    Yaml,
    /// `kubectl describe TYPE/NAME`.
    Describe,
    /// `kubectl events --for TYPE/NAME`.
    Events,
}

impl Tab {
    const ALL: [Tab; 3] = [Tab::Yaml, Tab::Describe, Tab::Events];

    /// The tab's stable id, for its test hook.
    fn id(self) -> &'static str {
        match self {
            Tab::Yaml => "yaml",
            Tab::Describe => "describe",
            Tab::Events => "events",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Tab::Yaml, _) => "YAML",
            (Tab::Describe, Lang::En) => "Describe",
            (Tab::Describe, Lang::Ja) => "詳細 (describe)",
            (Tab::Events, Lang::En) => "Events",
            (Tab::Events, Lang::Ja) => "イベント",
        }
    }

    /// The kubectl command line (without `kubectl`) that prints the tab.
    pub fn command(self, target: &Inspected) -> Vec<String> {
        let object = target.type_name();
        let mut words: Vec<String> = match self {
            Tab::Yaml => vec!["get".into(), object, "-o".into(), "yaml".into()],
            Tab::Describe => vec!["describe".into(), object],
            Tab::Events => vec!["events".into(), "--for".into(), object],
        };
        if target.kind.is_namespaced() {
            words.extend(["-n".to_string(), target.namespace.clone()]);
        }
        words
    }
}

/// The object being inspected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspected {
    /// Its kind.
    pub kind: Kind,
    /// Its namespace (empty for nodes).
    pub namespace: String,
    /// Its name.
    pub name: String,
}

impl Inspected {
    /// `pod/simple-echo`, as kubectl takes it.
    pub fn type_name(&self) -> String {
        format!("{}/{}", self.kind.name().to_ascii_lowercase(), self.name)
    }

    /// ` -n NAMESPACE` for a namespaced object, for the commands run.
    fn namespace_flag(&self) -> String {
        if self.kind.is_namespaced() {
            format!(" -n {}", self.namespace)
        } else {
            String::new()
        }
    }

    /// Whether `kubectl scale` applies to it.
    pub fn scalable(&self) -> bool {
        matches!(self.kind, Kind::Deployment | Kind::ReplicaSet)
    }

    /// `kubectl delete TYPE/NAME`.
    pub fn delete_line(&self) -> String {
        format!(
            "kubectl delete {}{}",
            self.type_name(),
            self.namespace_flag()
        )
    }

    /// `kubectl edit TYPE/NAME`.
    pub fn edit_line(&self) -> String {
        format!("kubectl edit {}{}", self.type_name(), self.namespace_flag())
    }

    /// `kubectl scale TYPE/NAME --replicas=N`.
    pub fn scale_line(&self, replicas: u32) -> String {
        format!(
            "kubectl scale {}{} --replicas={replicas}",
            self.type_name(),
            self.namespace_flag()
        )
    }
}

/// The inspector's props.
#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    /// The object.
    pub target: Inspected,
    /// The tab shown.
    pub tab: Tab,
    /// What the tab's command printed.
    pub text: String,
    /// Another tab chosen.
    pub on_tab: Callback<Tab>,
    /// A kubectl line to run in the terminal.
    pub on_run: Callback<String>,
    /// Scale asked for (the app asks how many).
    pub on_scale: Callback<()>,
    /// Closed.
    pub on_close: Callback<()>,
}

/// The inspector panel.
#[function_component(InspectorPanel)]
pub fn inspector_panel(props: &InspectorProps) -> Html {
    let target = &props.target;
    let run = |line: String| props.on_run.reform(move |_| line.clone());
    let lang = use_lang();
    let texts = lang.texts();
    html! {
        <aside class="inspector" data-testid="inspector" aria-label={(texts.inspector)(&target.type_name())}>
            <header>
                <h2>{ target.type_name() }</h2>
                <button class="close" data-testid="inspector-close" aria-label={texts.close_inspector}
                    onclick={props.on_close.reform(|_| ())}>{ "×" }</button>
            </header>
            <div class="tabs" role="tablist">
                { for Tab::ALL.iter().map(|tab| {
                    let tab = *tab;
                    html! {
                        <button role="tab" aria-selected={(tab == props.tab).to_string()}
                            data-testid={format!("inspector-tab-{}", tab.id())}
                            onclick={props.on_tab.reform(move |_| tab)}>{ tab.label(lang) }</button>
                    }
                }) }
            </div>
            <p class="command"><code>{ format!("$ kubectl {}", props.tab.command(target).join(" ")) }</code></p>
            <pre class="output" data-testid="inspector-output">{ &props.text }</pre>
            <div class="actions">
                <button data-testid="inspector-edit" onclick={run(target.edit_line())}>{ texts.edit }</button>
                if target.scalable() {
                    <button data-testid="inspector-scale" onclick={props.on_scale.reform(|_| ())}>{ texts.scale }</button>
                }
                <button class="danger" data-testid="inspector-delete" onclick={run(target.delete_line())}>{ texts.delete }</button>
            </div>
        </aside>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod() -> Inspected {
        Inspected {
            kind: Kind::Pod,
            namespace: "default".into(),
            name: "simple-echo".into(),
        }
    }

    #[test]
    fn each_tab_is_the_kubectl_command_a_learner_could_type() {
        let commands: Vec<String> = Tab::ALL
            .iter()
            .map(|t| t.command(&pod()).join(" "))
            .collect();
        assert_eq!(
            commands,
            [
                "get pod/simple-echo -o yaml -n default",
                "describe pod/simple-echo -n default",
                "events --for pod/simple-echo -n default",
            ]
        );
        let node = Inspected {
            kind: Kind::Node,
            namespace: String::new(),
            name: "sunaba-worker".into(),
        };
        assert_eq!(
            Tab::Describe.command(&node).join(" "),
            "describe node/sunaba-worker"
        );
    }

    #[test]
    fn actions_run_their_kubectl_lines() {
        let deployment = Inspected {
            kind: Kind::Deployment,
            namespace: "default".into(),
            name: "echo".into(),
        };
        assert!(deployment.scalable() && !pod().scalable());
        assert_eq!(
            deployment.scale_line(5),
            "kubectl scale deployment/echo -n default --replicas=5"
        );
        assert_eq!(
            pod().delete_line(),
            "kubectl delete pod/simple-echo -n default"
        );
        assert_eq!(pod().edit_line(), "kubectl edit pod/simple-echo -n default");
    }
}
