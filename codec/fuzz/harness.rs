//! The checks of the fuzz target `decompress`, shared with the test that replays its kept
//! inputs (`codec/tests/fuzz_regressions.rs`).
//!
//! Every input is decoded three ways: one-shot, streamed in two pieces, and — when its
//! header has the dictionary flag — with two fixed primed dictionaries (Huffman-coded and
//! fixed-width), whose 32-byte id the harness splices in after byte 8 because a fuzzer
//! cannot guess a hash. Decoding must give `Ok` or `Err`, never a panic, a hang or memory
//! beyond the limit; the two plain decoders must agree; and whatever decodes must
//! compress and decode back to itself.

use std::sync::OnceLock;

use medchain_lzw::{
    compress, compress_primed, decompress, decompress_with, decompress_with_limit,
    dictionary::encode_dictionary, stream::Decompressor, Dictionary, Language, Method, Options,
    TextEncoding, HANZI_ROOTS,
};

pub const LIMIT: usize = 16 << 20;

pub fn check(data: &[u8]) {
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
    check_primed(data);
}

/// The container a fuzz input stands for when its header has the dictionary flag (bit 1
/// of byte 6): the input with the id of one of [`dictionaries`] spliced in after byte 8,
/// the Huffman-coded one unless flag bit 7 (otherwise refused, and cleared) picks the
/// fixed-width one. `None` without the flag.
pub fn primed_container(data: &[u8]) -> Option<(Vec<u8>, &'static Dictionary)> {
    const DICTIONARY_FLAG: u8 = 2;
    const PICK_FIXED_WIDTH: u8 = 0x80;
    if data.len() < 8 || data[6] & DICTIONARY_FLAG == 0 {
        return None;
    }
    let [huffman, fixed_width] = dictionaries();
    let dictionary = if data[6] & PICK_FIXED_WIDTH != 0 {
        fixed_width
    } else {
        huffman
    };
    let mut container = data[..8].to_vec();
    container[6] &= !PICK_FIXED_WIDTH;
    container.extend_from_slice(&dictionary.id());
    container.extend_from_slice(&data[8..]);
    Some((container, dictionary))
}

fn check_primed(data: &[u8]) {
    let Some((container, dictionary)) = primed_container(data) else {
        return;
    };
    let Ok(original) = decompress_with(&container, &dictionaries(), LIMIT) else {
        return;
    };
    let encoding = if container[6] & 1 != 0 {
        TextEncoding::Gbk
    } else {
        TextEncoding::Utf8
    };
    let again = compress_primed(&original, encoding, dictionary);
    assert_eq!(
        decompress_with(&again, &[dictionary], LIMIT).expect("primed round trip"),
        original
    );
}

/// A hanzi dictionary of 3,000 made-up phrases, with Huffman code lengths from 8 to 20
/// bits (so both the decoder's table and its bit-by-bit walk are reached, and about a quarter of
/// the bit patterns start no code), and the same phrases with fixed-width codes.
pub fn dictionaries() -> [&'static Dictionary; 2] {
    static CELL: OnceLock<[Dictionary; 2]> = OnceLock::new();
    let [a, b] = CELL.get_or_init(|| {
        let first = HANZI_ROOTS + 2;
        let mut phrases = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut i = 0u32;
        while phrases.len() < 3000 {
            i += 1;
            let count = phrases.len() as u32;
            let parent = if count < 500 || i % 3 == 0 {
                i.wrapping_mul(2_654_435_761) % HANZI_ROOTS
            } else {
                first + i.wrapping_mul(40_503) % count
            };
            let unit = i.wrapping_mul(97) % HANZI_ROOTS;
            if parent != HANZI_ROOTS && parent != HANZI_ROOTS + 1 && seen.insert((parent, unit)) {
                phrases.push((parent, unit));
            }
        }
        let symbols = first as usize + phrases.len() + 1;
        let lengths: Vec<u8> = (0..symbols)
            .map(|symbol| match symbol {
                s if s == HANZI_ROOTS as usize => 0,
                s if s % 97 == 5 => 8,
                s if s % 31 == 7 => 12,
                s if s % 5 == 0 => 20,
                _ => 15,
            })
            .collect();
        let huffman =
            encode_dictionary(Method::Hanzi, Language::Mixed, 16, &phrases, Some(&lengths));
        let fixed_width = encode_dictionary(Method::Hanzi, Language::Mixed, 16, &phrases, None);
        [
            Dictionary::from_bytes(&huffman).expect("huffman dictionary"),
            Dictionary::from_bytes(&fixed_width).expect("fixed-width dictionary"),
        ]
    });
    [a, b]
}
