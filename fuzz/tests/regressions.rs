//! Replays every input of the seed corpus (`corpus/pallet_calls/`) and every minimized
//! finding (`regressions/pallet_calls/`) through the harness: none may panic. Runs on
//! stable with `cargo test`, without libFuzzer.

use std::path::{Path, PathBuf};

fn inputs(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
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
