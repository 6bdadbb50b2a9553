//! The engine is deterministic: the scripted session's transcript matches the
//! recorded fingerprint, which the WASM test in headless Chromium checks too.
//! Set UPDATE_EXPECT=1 to record a new fingerprint after an intended change.

mod scenario;

const GOLDEN: &str = "tests/golden/determinism.txt";

#[test]
fn the_session_transcript_matches_its_recorded_fingerprint() {
    let transcript = scenario::transcript();
    assert_eq!(
        transcript,
        scenario::transcript(),
        "two runs in one process differ"
    );
    let fingerprint = scenario::fingerprint(&transcript);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &fingerprint).expect("write the golden fingerprint");
        std::fs::write(path.with_extension("transcript"), &transcript)
            .expect("write the transcript");
    }
    let golden = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        fingerprint, golden,
        "the transcript changed; if intended, rerun with UPDATE_EXPECT=1"
    );
}

mod sliced_work {
    use sunaba_core::api::{Kind, Object};
    use sunaba_core::{Cluster, ClusterConfig};

    const MANIFESTS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 60\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n        readinessProbe:\n          httpGet:\n            port: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n  - name: crash\n    image: busybox\n    command: [\"sh\", \"-c\", \"echo boom; exit 1\"]\n";

    /// When the Deployment changes, a time every stride of the clock meets.
    const ROLL_OUT_AT: i64 = 90_000;

    /// How the host moves the clock: each step's target, and how much
    /// work it allows per call (None: all of it at once).
    fn drive(work: Option<usize>, ticks: &[i64]) -> String {
        let mut cluster = Cluster::new(ClusterConfig {
            seed: 7,
            ..ClusterConfig::default()
        });
        for result in cluster.create_manifests(MANIFESTS).expect("decodes") {
            result.expect("created");
        }
        let start = cluster.now();
        for at in ticks {
            let target = start.plus_millis(*at);
            match work {
                None => cluster.run_until(target),
                Some(work) => {
                    let mut calls = 0;
                    while !cluster.run_until_within(target, work) {
                        calls += 1;
                        assert!(calls < 1_000_000, "the work ends");
                    }
                }
            }
            if *at == ROLL_OUT_AT {
                cluster.run_until(target);
                roll_out(&mut cluster);
            }
        }
        state_of(&cluster)
    }

    /// A new image and fewer replicas, as `kubectl apply` of an edit would.
    fn roll_out(cluster: &mut Cluster) {
        let stored = cluster
            .api()
            .get(Kind::Deployment, "default", "web")
            .expect("the Deployment exists");
        let Object::Deployment(mut deployment) = Object::clone(&stored) else {
            panic!("a Deployment");
        };
        let spec = deployment.spec.as_mut().expect("a spec");
        spec.replicas = Some(40);
        if let Some(pod) = spec.template.spec.as_mut() {
            pod.containers[0].image = Some("nginx:1.26".into());
        }
        cluster
            .update(Object::Deployment(deployment))
            .expect("the Deployment is updated");
    }

    /// Everything stored, each object's every field, and the clock.
    fn state_of(cluster: &Cluster) -> String {
        let store = cluster.api().store();
        let mut state = format!("now {:?} rv {}\n", cluster.now(), store.resource_version());
        for object in store.objects() {
            state.push_str(&format!("{object:?}\n"));
        }
        state
    }

    fn ticks(every: i64, until: i64) -> Vec<i64> {
        (1..=until / every).map(|i| i * every).collect()
    }

    #[test]
    fn work_in_slices_ends_where_work_in_one_go_does() {
        let whole = drive(None, &ticks(250, 180_000));
        for work in [1, 7, 120] {
            assert!(
                drive(Some(work), &ticks(250, 180_000)) == whole,
                "{work} units per call end elsewhere"
            );
        }
    }

    #[test]
    fn the_clock_in_long_strides_ends_where_short_ticks_do() {
        let short = drive(None, &ticks(250, 180_000));
        let long = drive(None, &ticks(15_000, 180_000));
        assert!(short == long, "the clock's stride changed the cluster");
    }
}
