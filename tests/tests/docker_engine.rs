//! The Docker engine that the Docker-backend tests use.

#[test]
fn docker_engine_answers_when_present_or_required() {
    if !sunaba_tests::docker::available_or_skip("docker_engine_answers_when_present_or_required") {
        return;
    }
    assert!(sunaba_tests::docker::engine_answers_ping());
}
