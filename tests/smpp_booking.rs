//! The whole stack over SMPP: the shipped menus, the real runtime, the admission services
//! and a SQLite store with the demo data, with peers built on the independent `rusmpp`
//! crate. A new caller picks Persian and books a visit by answering the screens, once with
//! an ESME bound to Hotline (server role) and once through a gateway Hotline binds to
//! (client role); the booking must be in the store and the SMS must be sent.

mod support;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use hotline::channels::smpp::config::{ClientBindMode, ClientConfig, SmsConfig};
use hotline::channels::smpp::dialect::DialectName;
use hotline::channels::smpp::Smpp;
use hotline::config::Config;
use hotline::sessions::runtime::Runtime;
use rusmpp::CommandStatus;
use support::rusmpp_peer::{Peer, Ussd};
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

const ID: &str = "0012345679";

/// The line as `hotline serve` builds it, over a fresh store in `dir`.
fn config(dir: &std::path::Path) -> Config {
    let mut config = Config {
        data_dir: dir.join("data"),
        menus_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("menus"),
        ..Config::default()
    };
    if let Some(server) = config.smpp.server.as_mut() {
        server.listen = "127.0.0.1:0".parse().expect("addr");
    }
    config
}

async fn start(
    config: &Config,
) -> (
    Smpp,
    Arc<Runtime>,
    hotline::admission::Opened,
    CancellationToken,
) {
    let owned = config.clone();
    let opened = tokio::task::spawn_blocking(move || {
        hotline::admission::open(&owned, owned.admission.local_today())
    })
    .await
    .expect("opener")
    .expect("store opens with demo data");
    let runtime = Arc::new(
        Runtime::load(config.menus_dir.clone(), "ir", 1_000, opened.handler())
            .expect("shipped menus load"),
    );
    let shutdown = CancellationToken::new();
    let smpp = Smpp::start(config, runtime.clone(), shutdown.clone())
        .await
        .expect("smpp starts");
    (smpp, runtime, opened, shutdown)
}

/// One side of the dialog as the subscriber's network sees it.
enum Network {
    /// An ESME bound to Hotline: the subscriber's text goes up as `submit_sm`.
    Esme(Peer),
    /// A gateway Hotline bound to: the subscriber's text comes as `deliver_sm`.
    Gateway(Peer),
}

impl Network {
    async fn say(&mut self, msisdn: &str, text: &str, op: u8, its: u16) -> Ussd {
        let message = Ussd::text(msisdn, "123", text, op).its(its);
        match self {
            Network::Esme(peer) => {
                assert_eq!(peer.submit(&message).await, CommandStatus::EsmeRok);
                peer.screen().await.expect("a screen")
            }
            Network::Gateway(peer) => {
                assert_eq!(peer.deliver(&message).await, CommandStatus::EsmeRok);
                peer.submitted().await.expect("a screen")
            }
        }
    }

    /// The booking SMS: a non-USSD message Hotline sends on the same bind.
    async fn sms(&mut self) -> Ussd {
        match self {
            Network::Esme(peer) => peer.screen().await.expect("the SMS"),
            Network::Gateway(peer) => peer.submitted().await.expect("the SMS"),
        }
    }
}

fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '۰'..='۹' => char::from_u32(u32::from(c) - 0x06F0 + u32::from('0')).unwrap_or(c),
            c => c,
        })
        .collect()
}

/// Dials *123#, picks Persian, books the first slot of the first service and facility.
async fn book_in_persian(network: &mut Network, msisdn: &str, its: u16) -> String {
    let languages = network.say(msisdn, "*123#", 1, its).await;
    assert!(
        languages.decoded().contains("فارسی"),
        "{}",
        languages.decoded()
    );
    assert_eq!(languages.op, Some(2), "a menu asks for an answer");
    let main = network.say(msisdn, "2", 18, its).await;
    assert_eq!(main.data_coding, 8, "Persian travels in UCS-2");
    assert!(main.short_message.len() <= 160);
    let mut screen = network.say(msisdn, "2", 18, its).await;
    for answer in [ID, "1", "1", "1"] {
        assert_eq!(screen.op, Some(2), "{}", screen.decoded());
        screen = network.say(msisdn, answer, 18, its).await;
        assert_eq!(screen.data_coding, 8);
    }
    let done = network.say(msisdn, "1", 18, its).await;
    assert_eq!(
        done.op,
        Some(17),
        "the booked screen ends the dialog: {}",
        done.decoded()
    );
    ascii(&done.decoded())
}

fn active_bookings(dir: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(dir.join("data/hotline.sqlite")).expect("store");
    let mut stmt = conn
        .prepare("SELECT code FROM booking WHERE national_id = ?1 AND status = 'active'")
        .expect("query");
    stmt.query_map([ID], |row| row.get::<_, String>(0))
        .expect("rows")
        .map(|r| r.expect("code"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_esme_books_a_visit_in_persian_through_the_server_role() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = config(dir.path());
    let (smpp, runtime, opened, shutdown) = start(&config).await;
    let addr = smpp.server_addr.expect("server role listens");
    let (peer, status) = Peer::bind(addr, "demo", "demo").await;
    assert_eq!(status, CommandStatus::EsmeRok);
    let mut network = Network::Esme(peer);

    let done = book_in_persian(&mut network, "989121234567", 0x0100).await;
    let codes = active_bookings(dir.path());
    assert_eq!(codes.len(), 1, "one booking is stored: {done}");
    assert!(
        done.contains(&codes[0]),
        "the screen shows code {}: {done}",
        codes[0]
    );
    let sms = network.sms().await;
    assert!(sms.op.is_none(), "the SMS is not a USSD message");
    assert!(
        ascii(&sms.decoded()).contains(&codes[0]),
        "{}",
        sms.decoded()
    );
    assert_eq!(runtime.live(), 0, "the dialog is over");

    shutdown.cancel();
    drop(smpp);
    drop((runtime, opened));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_subscriber_books_a_visit_in_persian_through_the_client_role() {
    let dir = tempfile::tempdir().expect("temp dir");
    let gateway = TcpListener::bind("127.0.0.1:0").await.expect("listen");
    let mut config = config(dir.path());
    config.smpp.server = None;
    config.smpp.clients = vec![ClientConfig {
        name: "gw".into(),
        address: gateway.local_addr().expect("addr"),
        system_id: "hotline".into(),
        password: "pw".into(),
        system_type: String::new(),
        mode: ClientBindMode::Transceiver,
        operator: "mno".into(),
        dialect: DialectName::Standard,
        end_op: None,
        abort_ops: None,
        outbind_listen: None,
    }];
    config.smpp.sms = Some(SmsConfig {
        bind: "gw".into(),
        source_addr: "HOTLINE".into(),
    });
    let (smpp, runtime, opened, shutdown) = start(&config).await;
    let (stream, _) = tokio::time::timeout(Duration::from_secs(5), gateway.accept())
        .await
        .expect("Hotline binds out")
        .expect("accept");
    let mut peer = Peer::new(stream);
    assert_eq!(peer.accept_bind().await.as_deref(), Some("hotline"));
    let mut network = Network::Gateway(peer);

    let done = book_in_persian(&mut network, "989127654321", 0x0200).await;
    let codes = active_bookings(dir.path());
    assert_eq!(codes.len(), 1, "one booking is stored: {done}");
    assert!(done.contains(&codes[0]), "{done}");
    let sms = network.sms().await;
    assert!(
        ascii(&sms.decoded()).contains(&codes[0]),
        "{}",
        sms.decoded()
    );

    shutdown.cancel();
    drop(smpp);
    drop((runtime, opened));
}
