//! Replays every input of the seed corpus (`corpus/pallet_calls/`) and every minimized
//! finding (`regressions/pallet_calls/`) through the harness: none may panic. Runs on
//! stable with `cargo test`, without libFuzzer.

use std::path::PathBuf;

/// This crate's directory in the checkout being tested. Read when the test runs (cargo
/// sets it), not when it was compiled: clones sharing one target directory may reuse a
/// test binary built from another clone's path.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

fn inputs(dir: &str) -> Vec<PathBuf> {
    let dir = manifest_dir().join(dir);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .filter(|path| path.file_name().is_some_and(|n| n != ".gitkeep"))
        .collect();
    files.sort();
    files
}

fn replay(dir: &str) -> usize {
    let files = inputs(dir);
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("read input");
        if std::panic::catch_unwind(|| medchain_pallets_fuzz::run(&data)).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(failed.is_empty(), "inputs that fail: {failed:#?}");
    files.len()
}

#[test]
fn corpus() {
    let n = replay("corpus/pallet_calls");
    assert!(n > 0, "the seed corpus is empty");
}

#[test]
fn regressions() {
    replay("regressions/pallet_calls");
}
