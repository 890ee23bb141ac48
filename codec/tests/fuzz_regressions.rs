//! Replays the inputs kept from fuzzing the decompressor (`codec/fuzz/regressions/
//! decompress/`: minimized findings and a few inputs that reach deep into the decoder)
//! with the checks of the fuzz target `decompress` (`codec/fuzz/harness.rs`): no panic,
//! the one-shot and the streamed decoder agree, whatever decodes compresses and decodes
//! back to itself, and the same with two fixed primed dictionaries.

mod support;

use support::manifest::manifest_dir;

#[path = "../fuzz/harness.rs"]
mod harness;

use harness::check;
use medchain_lzw::{compress_primed, decompress_with, TextEncoding};

#[test]
fn fuzz_regressions() {
    let dir = manifest_dir().join("fuzz/regressions/decompress");
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

/// Inputs standing for primed containers reach the primed decoder: the harness splices
/// the dictionary id back in, and the result decodes.
#[test]
fn primed_inputs_reach_the_primed_decoder() {
    for (pick, dictionary) in harness::dictionaries().into_iter().enumerate() {
        for encoding in [TextEncoding::Utf8, TextEncoding::Gbk] {
            // The dictionary's own phrases, repeated, and some text of the record's own.
            let mut original = b"CT 3 days; ".to_vec();
            for i in (0..200).chain(0..200) {
                original.extend_from_slice(dictionary.phrase(i * 7, encoding).unwrap());
            }
            let container = compress_primed(&original, encoding, dictionary);
            let mut input = container[..8].to_vec();
            input[6] |= if pick == 1 { 0x80 } else { 0 };
            input.extend_from_slice(&container[40..]);
            let (spliced, chosen) = harness::primed_container(&input).expect("dictionary flag");
            assert_eq!(spliced, container);
            assert_eq!(chosen.id(), dictionary.id());
            assert_eq!(
                decompress_with(&spliced, &harness::dictionaries(), harness::LIMIT).unwrap(),
                original
            );
            check(&input);
        }
    }
}
