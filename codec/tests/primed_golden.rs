//! Pins the bytes of the trainer and the primed encoder, as `golden.rs` pins the adaptive
//! codec's: a dictionary trained on records made from each golden fixture must have the
//! id below, and the fixture (and a held-out record) compressed with it the container of
//! the length and CRC-32 below. The values were made by the release before issue #22,
//! whose trainer and primed parse walked the phrases one position at a time; the faster
//! code of issue #22 (walks in lanes, cached matches, parents instead of walks) must
//! write the same bytes.

mod support;

use std::fs;

use support::manifest::manifest_dir;

use medchain_lzw::{
    checksum, compress_primed, decompress_with,
    train::{split_samples, train, TrainOptions},
    TextEncoding,
};

/// The fixture's lines in a fixed pseudo-random order, with a blank line now and then
/// (so `split_samples` makes records of them), `len` bytes or a little more.
fn synthetic(text: &[u8], seed: u64, len: usize) -> Vec<u8> {
    let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    let mut out = Vec::with_capacity(len);
    let mut x = seed;
    while out.len() < len {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(lines[(x % lines.len() as u64) as usize]);
        if x % 5 == 0 {
            out.push(b'\n');
        }
    }
    out
}

/// (fixture, encoding, dictionary id, (length, CRC-32) of the fixture's container, the
/// same of a held-out record's).
type Case = (
    &'static str,
    TextEncoding,
    &'static str,
    (usize, u32),
    (usize, u32),
);

const CASES: [Case; 4] = [
    (
        "en.txt",
        TextEncoding::Utf8,
        "b4eb66d6df4943c2de75af8565569dfa73533a6d4d6f86057e64c5fe2eb969e7",
        (71, 0x448c11f9),
        (276, 0xf3b1fd50),
    ),
    (
        "zh.txt",
        TextEncoding::Utf8,
        "e2b295df25049261c4b9fece3abb39a6482b7abb2e843b1044696a05cf66c81c",
        (60, 0x0a85e807),
        (146, 0x3ccc31a3),
    ),
    (
        "zh-gbk.txt",
        TextEncoding::Gbk,
        "e7f55eb5b16c0c3dbb44c4168eb0467bf7bde6ef19a72ee863183a52b2a500d6",
        (59, 0x882224ee),
        (196, 0x5f23d314),
    ),
    (
        "mixed.txt",
        TextEncoding::Utf8,
        "6e41892541aafda7ab82666119b1ed4a35ec5a2a9c37aea2cf1b5ffbf67d24e8",
        (58, 0x41b1714b),
        (213, 0xfafa504a),
    ),
];

#[test]
fn trained_dictionaries_and_primed_containers_are_pinned() {
    let dir = manifest_dir().join("tests/fixtures");
    for (name, encoding, id, fixture_container, held_out_container) in CASES {
        let text = fs::read(dir.join(name)).unwrap();
        let corpus = synthetic(&text, 0x9E37_79B9_7F4A_7C15, 64 << 10);
        let samples = split_samples(&corpus);
        let options = TrainOptions {
            encoding,
            ..Default::default()
        };
        let dictionary = train(&samples, &options).unwrap().dictionary;
        assert_eq!(
            medchain_lzw::hex32(&dictionary.id()),
            id,
            "{name}: dictionary"
        );
        let held_out = synthetic(&text, 0x2545_F491_4F6C_DD1D, 8 << 10);
        for (input, expected) in [(&text, fixture_container), (&held_out, held_out_container)] {
            let container = compress_primed(input, encoding, &dictionary);
            assert_eq!((container.len(), checksum(&container)), expected, "{name}");
            let restored = decompress_with(&container, &[&dictionary], input.len()).unwrap();
            assert_eq!(&restored, input);
        }
    }
}
