//! The root component: the playground's panels around one simulated cluster.

use sunaba_core::{Cluster, ClusterConfig};
use yew::prelude::*;

/// The whole playground.
#[function_component(App)]
pub fn app() -> Html {
    let cluster = use_memo((), |_| Cluster::new(ClusterConfig::default()));
    html! {
        <main class="playground" data-testid="playground">
            <header class="topbar">
                <h1>{ "Sunaba" }</h1>
                <span class="tagline">{ "a Kubernetes playground" }</span>
            </header>
            <section class="panel cluster-view" data-testid="cluster-view" aria-label="Cluster">
                <h2>{ "Cluster" }</h2>
                <ul class="nodes">
                    { for cluster.node_names().iter().cloned().map(|name| html! {
                        <li class="node" data-testid={format!("node-{name}")}>{ name }</li>
                    }) }
                </ul>
            </section>
        </main>
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn renders_every_node_of_the_default_cluster() {
        let html = yew::ServerRenderer::<App>::new().render().await;
        for node in ["sunaba-control-plane", "sunaba-worker", "sunaba-worker2"] {
            assert!(
                html.contains(&format!(r#"data-testid="node-{node}""#)),
                "{html}"
            );
        }
    }
}
