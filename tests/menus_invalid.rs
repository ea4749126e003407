//! Broken menu files: each `fixtures/menus/invalid/NAME.yaml` must produce the diagnostic in
//! `NAME.expected` (the `file:line:column: error: …` line and its fix), and nothing may load.

use std::path::PathBuf;

use hotline::menus::compile::compile_sources;
use hotline::menus::Options;

#[test]
fn every_broken_menu_gives_its_exact_error() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = root.join("fixtures/menus/invalid");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixtures/menus/invalid exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected the broken-menu corpus, found {}",
        cases.len()
    );
    for case in cases {
        let name = case
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let relative = PathBuf::from("fixtures/menus/invalid").join(&name);
        let source = std::fs::read_to_string(&case).expect("readable");
        let expected = std::fs::read_to_string(case.with_extension("expected"))
            .unwrap_or_else(|_| panic!("{name} has no .expected file"));
        let compiled = compile_sources(&[(relative, source)], &Options::default());
        assert!(compiled.program.is_none(), "{name} must not load");
        let printed: Vec<String> = compiled.errors().map(ToString::to_string).collect();
        assert!(
            printed.iter().any(|d| d.trim_end() == expected.trim_end()),
            "{name}: expected\n{expected}\ngot\n{}",
            printed.join("\n")
        );
    }
}
