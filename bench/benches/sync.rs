//! What one push costs the engine's CPU: building, serialising and signing a full batch
//! of 100 booking events (the default `batch_size`), and verifying it as a receiver would.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hotline::sync::batch::PushBatch;
use hotline::sync::outbox::OutboxEvent;
use hotline::sync::signature;
use serde_json::json;

fn events(count: i64) -> Vec<OutboxEvent> {
    (1..=count)
        .map(|seq| OutboxEvent {
            seq,
            event_id: format!("7f3c9a2e41d0-{seq}"),
            person_key: format!("{:016x}", seq * 7919),
            kind: "booking.created".to_owned(),
            payload: json!({
                "code": format!("{:06}", 100_000 + seq), "national_id": "0499370899",
                "service": "gp", "facility": "PHC-001", "slot": seq, "date": "2026-12-04",
                "time": "09:30", "queue": seq % 40, "status": "active",
            }),
            created_at_ms: 1_764_752_400_000 + seq,
        })
        .collect()
}

fn push_batch(c: &mut Criterion) {
    let batch = events(100);
    let key = b"agency-shared-key";
    let mut group = c.benchmark_group("sync");
    group.throughput(Throughput::Elements(100));
    group.bench_function("sign_batch_100", |b| {
        b.iter(|| {
            let body = PushBatch::new(&batch, 1_764_752_400_123).to_body();
            signature::sign(key, &body)
        })
    });
    let body = PushBatch::new(&batch, 1_764_752_400_123).to_body();
    let header = signature::sign(key, &body);
    group.bench_function("verify_batch_100", |b| {
        b.iter(|| signature::verify(key, &body, &header))
    });
    group.finish();
}

criterion_group!(benches, push_batch);
criterion_main!(benches);
