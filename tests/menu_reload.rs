//! Hot reload: a session that began on version 1 finishes on version 1 while new sessions
//! get version 2, and a broken version 3 leaves version 2 serving.

use std::sync::Arc;

use hotline::effects::{ActionHandler, ActionOutcome, ActionRequest};
use hotline::sessions::runtime::Runtime;
use hotline::sessions::{ChannelKind, Engine, Ingress, IngressEvent, Screen, SessionKey};

struct NoActions;

impl ActionHandler for NoActions {
    fn perform(&self, _: &ActionRequest) -> ActionOutcome {
        ActionOutcome::code("error")
    }
}

fn menu(greeting: &str, farewell: &str) -> String {
    format!(
        r#"flow:
  name: reload
  version: "{greeting}"
  service_codes: ["*700#"]
  languages: [en]
  entry: start
nodes:
  start:
    kind: menu
    text: "{greeting}"
    options:
      - text: "Leave"
        next: bye
  bye:
    kind: end
    text: "{farewell}"
"#
    )
}

fn ingress(id: &str, event: IngressEvent, input: &str) -> Ingress {
    Ingress {
        key: SessionKey {
            operator: Arc::from("test"),
            id: id.to_owned(),
        },
        channel: ChannelKind::Smpp,
        msisdn: "+989121234567".into(),
        service_code: "*700#".into(),
        input: input.into(),
        event,
        screen: Screen::default(),
    }
}

#[tokio::test]
async fn sessions_keep_their_version_and_a_broken_reload_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("reload.yaml");
    std::fs::write(&file, menu("Version one", "Bye from one")).expect("write v1");
    let runtime =
        Runtime::load(dir.path().to_owned(), "ir", 100, Arc::new(NoActions)).expect("v1 loads");

    let first = runtime.handle(ingress("a", IngressEvent::Begin, "")).await;
    assert_eq!(first.text, "Version one\n1. Leave");

    std::fs::write(&file, menu("Version two", "Bye from two")).expect("write v2");
    let v2 = runtime.reload().expect("v2 loads");
    assert_eq!(v2.version, 2);

    let second = runtime.handle(ingress("b", IngressEvent::Begin, "")).await;
    assert_eq!(second.text, "Version two\n1. Leave");
    let a_ends = runtime.handle(ingress("a", IngressEvent::Input, "1")).await;
    assert!(a_ends.end);
    assert_eq!(
        a_ends.text, "Bye from one",
        "session a finishes on version 1"
    );

    std::fs::write(
        &file,
        "flow:\n  name: reload\n  languages: [en]\n  entry: nowhere\nnodes: {}\n",
    )
    .expect("write broken v3");
    let errors = runtime.reload().expect_err("v3 is refused");
    assert!(
        errors.iter().any(|d| d
            .to_string()
            .contains("the entry node `nowhere` does not exist")),
        "{errors:?}"
    );
    assert_eq!(runtime.program().version, 2);
    let third = runtime.handle(ingress("c", IngressEvent::Begin, "")).await;
    assert_eq!(third.text, "Version two\n1. Leave");
    let b_ends = runtime.handle(ingress("b", IngressEvent::Input, "1")).await;
    assert_eq!(b_ends.text, "Bye from two");
    assert_eq!(runtime.live(), 1, "only session c is left");
}

#[tokio::test]
async fn a_screen_left_unanswered_past_its_timeout_ends_the_session() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = menu("Quick", "Bye").replace(
        "  entry: start\n",
        "  entry: start\nsettings:\n  screen_timeout: 50ms\n",
    );
    std::fs::write(dir.path().join("quick.yaml"), text).expect("write");
    let runtime =
        Runtime::load(dir.path().to_owned(), "ir", 100, Arc::new(NoActions)).expect("loads");
    let first = runtime
        .handle(ingress("slow", IngressEvent::Begin, ""))
        .await;
    assert!(!first.end);
    assert_eq!(runtime.sweep(), 0, "not yet due");
    tokio::time::sleep(std::time::Duration::from_millis(80)).await;
    assert_eq!(runtime.sweep(), 1, "the unanswered screen expired");
    let late = runtime
        .handle(ingress("slow", IngressEvent::Input, "1"))
        .await;
    assert!(late.end, "a late answer ends politely");
    assert_eq!(late.text, "Your session has ended. Please dial again.");
    assert_eq!(runtime.live(), 0);
}
