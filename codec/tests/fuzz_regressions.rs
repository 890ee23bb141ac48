//! Replays the inputs kept from fuzzing the decompressor (`codec/fuzz/regressions/
//! decompress/`: minimized findings and a few inputs that reach deep into the decoder)
//! with the checks of the fuzz target `decompress`: no panic, the one-shot and the
//! streamed decoder agree, and whatever decodes compresses and decodes back to itself.

use medchain_lzw::{compress, decompress, decompress_with_limit, stream::Decompressor, Options};
use std::path::Path;

const LIMIT: usize = 16 << 20;

fn check(data: &[u8]) {
    let one_shot = decompress_with_limit(data, LIMIT);
    let mut streamed = Vec::new();
    let mut decoder = Decompressor::with_limit(LIMIT);
    let split = data.len() / 2;
    let result = decoder
        .write(&data[..split], &mut streamed)
        .and_then(|()| decoder.write(&data[split..], &mut streamed))
        .and_then(|()| decoder.finish(&mut streamed));
    assert_eq!(
        one_shot.is_ok(),
        result.is_ok(),
        "one-shot and streamed disagree"
    );
    if let Ok(original) = one_shot {
        assert_eq!(
            original, streamed,
            "one-shot and streamed give different data"
        );
        let again = compress(&original, &Options::default()).expect("compress");
        assert_eq!(decompress(&again).expect("round trip"), original);
    }
}

#[test]
fn fuzz_regressions() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/decompress");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file() && !path.ends_with(".gitkeep"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no inputs in {}", dir.display());
    let mut failed = Vec::new();
    for file in &files {
        let data = std::fs::read(file).expect("read input");
        if std::panic::catch_unwind(|| check(&data)).is_err() {
            failed.push(file.display().to_string());
        }
    }
    assert!(failed.is_empty(), "inputs that fail: {failed:#?}");
}
