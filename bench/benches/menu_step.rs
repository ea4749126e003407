//! Dialog engine step time: one menu answer (find the option, render the next menu) and one
//! input answer (validate a national ID, render the next screen), on the engine test flow in
//! `fixtures/menus/engine`, in English (GSM-7) and Persian (UCS-2). Goal: median ≤ 2 µs.
//!
//! `cargo bench -p hotline-bench --bench menu_step`

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use hotline::dialog::{Dialog, Event, Output};
use hotline::menus::render::Medium;
use hotline::menus::{compile_dir, Options, Program};

fn program() -> Arc<Program> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/menus/engine");
    Arc::new(
        compile_dir(&dir, &Options::default())
            .program
            .expect("the engine test menus compile"),
    )
}

/// A dialog at the start menu, in `lang`.
fn at_start(program: &Arc<Program>, deep_link: &str) -> Dialog {
    let flow = program.flow_for_code("*500#").expect("flow");
    let now = SystemTime::now();
    let (dialog, out) = Dialog::start(
        Arc::clone(program),
        flow,
        "bench",
        "+989121234567",
        Medium::text(160),
        deep_link,
        now,
    );
    assert!(matches!(out, Output::Screen { .. }));
    dialog
}

fn steps(c: &mut Criterion) {
    let program = program();
    let now = SystemTime::now();
    for (lang, link) in [("en", ""), ("fa", "4")] {
        let start = at_start(&program, link);
        c.bench_function(&format!("menu step ({lang})"), |b| {
            b.iter_batched_ref(
                || start.clone(),
                |d| d.step(Event::Input("3"), now),
                BatchSize::SmallInput,
            )
        });
        let mut asking = start.clone();
        asking.step(Event::Input("2"), now);
        c.bench_function(&format!("input step, national ID ({lang})"), |b| {
            b.iter_batched_ref(
                || asking.clone(),
                |d| d.step(Event::Input("0012345679"), now),
                BatchSize::SmallInput,
            )
        });
    }
    c.bench_function("clone a session (the batch setup above)", |b| {
        let start = at_start(&program, "");
        b.iter(|| start.clone())
    });
}

criterion_group!(benches, steps);
criterion_main!(benches);
