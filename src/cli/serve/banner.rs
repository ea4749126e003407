//! What `hotline serve` prints once everything listens: how to dial in on each channel,
//! where metrics and the admin API are, demo national IDs, and a last `hotline ready` line
//! with the bound addresses (tests and scripts wait for it).

use std::net::SocketAddr;
use std::path::Path;

use crate::channels::http::config::Aggregator;
use crate::channels::smpp::config::IntegratorConfig;
use crate::config::Config;

/// The addresses actually bound (they differ from the config when it asks for port 0).
#[derive(Debug)]
pub struct Bound<'a> {
    /// The config in force.
    pub config: &'a Config,
    /// The SQLite file.
    pub store: &'a Path,
    /// The SMPP server role.
    pub smpp: Option<SocketAddr>,
    /// The HTTP aggregator channel.
    pub http: Option<SocketAddr>,
    /// The admin API.
    pub admin: Option<SocketAddr>,
    /// The SIP voice channel.
    pub sip: Option<SocketAddr>,
    /// `/metrics`.
    pub metrics: SocketAddr,
    /// True when the sync pusher runs.
    pub pushing: bool,
    /// The loaded menu program's label.
    pub menus: &'a str,
}

/// Prints the banner and the ready line to stdout.
pub fn print(b: &Bound<'_>) {
    let config = b.config;
    println!("Hotline {} is serving.", env!("CARGO_PKG_VERSION"));
    println!(
        "  menus:    {} from {}/ (saving a file there reloads it; `hotline check` first)",
        b.menus,
        config.menus_dir.display()
    );
    let demo = if config.demo_data {
        " (demo data on)"
    } else {
        ""
    };
    println!("  store:    {}{demo}", b.store.display());
    smpp_lines(config, b.smpp);
    http_lines(config, b.http);
    match b.sip {
        Some(addr) => println!(
            "  SIP:      call sip:123@{addr} (UDP or TCP; PCMU/PCMA, keys as RFC 4733 events or SIP INFO), e.g. sipp -sn uac {addr} -s 123"
        ),
        None => println!("  SIP:      off"),
    }
    println!("  metrics:  http://{}/metrics", b.metrics);
    if let Some(admin) = b.admin {
        println!("  admin:    http://{admin}/sessions, /health, /ready, POST /reload, POST /drain");
    }
    if let Some(sync) = config.sync.as_ref().filter(|_| b.pushing) {
        println!(
            "  sync:     pushing the outbox to {}",
            sync.push_url.as_deref().unwrap_or("-")
        );
    }
    if config.demo_data {
        println!(
            "  demo IDs ({} profile): {} (full list: docs/demo-data.md)",
            config.id_profile,
            demo_ids(&config.id_profile)
        );
    }
    println!("  stop:     Ctrl-C or SIGTERM drains and exits; SIGHUP reloads menus");
    let addr = |a: Option<SocketAddr>| a.map_or_else(|| "off".to_owned(), |a| a.to_string());
    println!(
        "hotline ready smpp={} http={} metrics={} admin={} sip={}",
        addr(b.smpp),
        addr(b.http),
        b.metrics,
        addr(b.admin),
        addr(b.sip)
    );
}

fn smpp_lines(config: &Config, bound: Option<SocketAddr>) {
    let (Some(addr), Some(server)) = (bound, config.smpp.server.as_ref()) else {
        println!("  SMPP:     server role off");
        return;
    };
    for integrator in &server.integrators {
        let password = if is_demo(integrator) {
            format!("password {:?}", integrator.password)
        } else {
            "password as configured".to_owned()
        };
        println!(
            "  SMPP:     bind_transceiver to {addr}, system_id {:?}, {password}, dialect {}",
            integrator.system_id, integrator.dialect
        );
    }
    println!(
        "            then submit_sm (or deliver_sm) to \"*123#\" with short_message \"*123#\", \
         ussd_service_op 1 (PSSR indication) and its_session_info = any dialog id;"
    );
    println!(
        "            screens come back as deliver_sm (op 2 = more to come, op 17 = last); \
         answer with op 18 and the same its_session_info"
    );
    for client in &config.smpp.clients {
        println!(
            "  SMPP out: binding to {} ({}) as {:?}, dialect {}",
            client.address, client.name, client.system_id, client.dialect
        );
    }
}

fn is_demo(integrator: &IntegratorConfig) -> bool {
    integrator.system_id == "demo" && integrator.password == "demo"
}

fn http_lines(config: &Config, bound: Option<SocketAddr>) {
    let (Some(addr), Some(http)) = (bound, config.http.as_ref()) else {
        println!("  HTTP:     aggregator channel off");
        return;
    };
    for route in &http.routes {
        let code = route.service_code.as_deref().unwrap_or("*123#");
        let url = format!("http://{addr}{}", route.path);
        match route.aggregator {
            Aggregator::AfricasTalking => println!(
                "  HTTP:     curl -d 'sessionId=1&phoneNumber=%2B989121234567&serviceCode={}&text=' {url}",
                code.replace('#', "%23")
            ),
            other => println!("  HTTP:     {} callbacks on POST {url}", other.label()),
        }
    }
}

/// One eligible person, one dependant and one lapsed person of the profile, where the demo
/// roster has them (`docs/demo-data.md`).
fn demo_ids(profile: &str) -> &'static str {
    match profile {
        "ir" => "0012345679 eligible, 0045789126 dependant, 0077889916 lapsed, 0055667783 unknown",
        "cn" => "110105198503121234 eligible, 110105199007082461 lapsed",
        "id" => "3171015208900001 eligible, 3171011503850002 eligible with a referral",
        "vn" => "001088012345 eligible, 001195003210 eligible",
        _ => "none for this profile",
    }
}
