//! Operations surface over loopback: `/metrics` lists every described metric and moves after
//! a booking; the captured log of a booking holds no MSISDN or national ID in clear.

mod script;

use std::sync::Arc;

use hotline::channels::http::config::HttpConfig;
use hotline::channels::http::gateway::Gateway;
use hotline::channels::http::{bind, serve};
use hotline::telemetry::{capture, LogFormat};
use script::*;
use tokio_util::sync::CancellationToken;

fn value(scrape: &str, line_prefix: &str) -> f64 {
    scrape
        .lines()
        .find(|l| l.starts_with(line_prefix))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn a_booking_moves_the_metrics_and_leaks_nothing_to_the_log() -> anyhow::Result<()> {
    let (logs, guard) = capture(LogFormat::Json, "debug")?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let stop = CancellationToken::new();
        let metrics = hotline::metrics::install("127.0.0.1:0".parse()?, stop.clone()).await?;
        let scrape_url = format!("http://{}/metrics", metrics.addr);
        let client = reqwest::Client::new();
        let before = client.get(&scrape_url).send().await?.text().await?;
        for m in hotline::metrics::ALL {
            assert!(
                before.contains(&format!("# HELP {}", m.name)) || before.contains(m.name),
                "{} missing",
                m.name
            );
        }
        let cfg = HttpConfig::default();
        let script = Script::new();
        let gateway = Arc::new(Gateway::new(script, &cfg));
        let listener = bind("127.0.0.1:0".parse()?).await?;
        let url = format!("http://{}/ussd/at", listener.local_addr()?);
        tokio::spawn(serve(gateway, cfg, listener, stop.clone()));
        let mut path = String::new();
        for input in ["", "1", NATIONAL_ID, "1", "2"] {
            if !input.is_empty() {
                path = if path.is_empty() {
                    input.into()
                } else {
                    format!("{path}*{input}")
                };
            }
            let body = serde_urlencoded::to_string([
                ("sessionId", "OPS1"),
                ("serviceCode", "*384#"),
                ("phoneNumber", MSISDN),
                ("text", &path),
            ])?;
            client
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await?;
        }
        let after = client.get(&scrape_url).send().await?.text().await?;
        let steps = "hotline_steps_total{channel=\"http\"}";
        assert!(
            value(&after, steps) >= value(&before, steps) + 5.0,
            "{after}"
        );
        let booked = "hotline_bookings_total{channel=\"http\"}";
        assert!(value(&after, booked) >= value(&before, booked) + 1.0);
        stop.cancel();
        anyhow::Ok(())
    })?;
    drop(guard);
    let text = logs.contents();
    assert!(
        text.contains("dialog begun"),
        "the log was captured: {text}"
    );
    assert!(
        !text.contains(NATIONAL_ID) && !text.contains(MSISDN),
        "clear PII in the log"
    );
    assert!(
        !text.contains(&MSISDN[1..]),
        "clear MSISDN digits in the log"
    );
    Ok(())
}
