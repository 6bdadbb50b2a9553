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
