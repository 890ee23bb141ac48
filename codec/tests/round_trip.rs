//! Property tests: every mode and policy round-trips any input, one-shot and streamed.

use medchain_lzw::{compress, decompress, stream, FullPolicy, Mode, Options, TextEncoding};
use proptest::prelude::*;

const MODES: [Mode; 4] = [Mode::Auto, Mode::Bytes, Mode::Hanzi, Mode::PaperMixed];
const POLICIES: [FullPolicy; 4] = [
    FullPolicy::Freeze,
    FullPolicy::Reset,
    FullPolicy::AdaptiveReset,
    FullPolicy::Prune,
];

fn options(mode: Mode, encoding: TextEncoding, max_bits: u8, policy: FullPolicy) -> Options {
    Options {
        mode,
        encoding,
        max_bits,
        policy,
    }
}

fn check(input: &[u8], options: &Options) {
    let packed = compress(input, options).unwrap();
    // Incompressible input is stored: never more than the header (at most 18 bytes).
    assert!(
        packed.len() <= input.len() + 18,
        "{} > {} + 18",
        packed.len(),
        input.len()
    );
    assert_eq!(decompress(&packed).unwrap(), input, "{options:?}");
}

fn check_stream(input: &[u8], options: Options, chunk: usize) {
    let mut packed = Vec::new();
    let mut compressor =
        stream::Compressor::with_frame_size(options, stream::MIN_FRAME_SIZE).unwrap();
    for piece in input.chunks(chunk.max(1)) {
        compressor.write(piece, &mut packed).unwrap();
    }
    compressor.finish(&mut packed).unwrap();
    let mut decompressor = stream::Decompressor::with_limit(input.len());
    let mut out = Vec::new();
    for piece in packed.chunks(chunk.max(1)) {
        decompressor.write(piece, &mut out).unwrap();
    }
    decompressor.finish(&mut out).unwrap();
    assert_eq!(out, input);
}

/// Text mixing GB2312 characters, other CJK, ASCII, astral characters and controls.
fn clinical_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec!["患者", "主诉", "胸痛", "，", "。", "血压", "mmHg", " ", "\n", "CT", "3天"]).prop_map(str::to_owned),
        2 => "[\u{4e00}-\u{9fa5}]{1,4}",
        1 => "[a-zA-Z0-9 .,/%-]{1,8}",
        1 => "[\u{3400}-\u{4dbf}\u{20000}-\u{2a6df}\u{1F600}-\u{1F64F}]{1,2}",
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..200).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(input in prop::collection::vec(any::<u8>(), 0..3000), bits in 13u8..=17) {
        for mode in MODES {
            for encoding in [TextEncoding::Utf8, TextEncoding::Gbk] {
                check(&input, &options(mode, encoding, bits, FullPolicy::Prune));
            }
        }
    }

    #[test]
    fn arbitrary_unicode(text in any::<String>()) {
        for mode in MODES {
            check(text.as_bytes(), &options(mode, TextEncoding::Utf8, 16, FullPolicy::default()));
        }
    }

    #[test]
    fn clinical_like_text_every_policy(text in clinical_text(), policy in prop::sample::select(POLICIES.to_vec())) {
        for mode in MODES {
            // 13 bits: the dictionary fills after ~500 phrases, so policies really act.
            check(text.as_bytes(), &options(mode, TextEncoding::Utf8, 13, policy));
        }
        let gbk = encoding_like_gbk(&text);
        for mode in MODES {
            check(&gbk, &options(mode, TextEncoding::Gbk, 13, policy));
        }
    }

    #[test]
    fn streaming_in_any_chunks(text in clinical_text(), chunk in 1usize..5000) {
        check_stream(text.as_bytes(), Options::default(), chunk);
    }
}

/// A GBK-looking byte string made from `text`: GB2312 characters as double bytes in
/// GB2312's grid, everything else as its UTF-8 bytes (arbitrary bytes for GBK input).
fn encoding_like_gbk(text: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, c) in text.chars().enumerate() {
        if ('\u{4e00}'..='\u{9fa5}').contains(&c) {
            let n = c as u32 - 0x4e00;
            out.push(0xB0 + (n % 39) as u8);
            out.push(0xA1 + ((n + i as u32) % 94) as u8);
        } else {
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
    }
    out
}

#[test]
fn edge_inputs() {
    let inputs: [&[u8]; 8] = [
        b"",
        b"a",
        "肺".as_bytes(),
        &[0xE8],
        &[0xB7, 0xCE],
        "𠀀𠀁🙂".as_bytes(),
        &[0xFF; 40],
        "\u{FEFF}病".as_bytes(),
    ];
    for input in inputs {
        for mode in MODES {
            for encoding in [TextEncoding::Utf8, TextEncoding::Gbk] {
                for policy in POLICIES {
                    check(input, &options(mode, encoding, 16, policy));
                    check_stream(input, options(mode, encoding, 16, policy), 1);
                }
            }
        }
    }
}

/// Inputs that fill the dictionary many times, at the smallest and the default width.
#[test]
fn dictionary_fills_many_times() {
    let mut text = String::new();
    let words = [
        "患者",
        "胸痛",
        "血压",
        "mmHg",
        "心率",
        " CT ",
        "正常",
        "。",
        "\n",
        "肺部感染",
        "12",
        "次/分",
    ];
    let mut x = 7u32;
    while text.len() < 400_000 {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        text.push_str(words[(x >> 20) as usize % words.len()]);
        if x % 7 == 0 {
            text.push(char::from_u32(0x4e00 + (x >> 8) % 20_000).unwrap());
        }
    }
    for policy in POLICIES {
        for (mode, bits) in [
            (Mode::Bytes, 9),
            (Mode::Hanzi, 13),
            (Mode::PaperMixed, 13),
            (Mode::Auto, 16),
        ] {
            check(
                text.as_bytes(),
                &options(mode, TextEncoding::Utf8, bits, policy),
            );
        }
    }
}

#[test]
fn wider_codes_are_an_option() {
    let text = "住院号：A2024001，诊断：社区获得性肺炎（CAP）。".repeat(3000);
    for bits in [17, 18, 20] {
        check(
            text.as_bytes(),
            &options(Mode::Hanzi, TextEncoding::Utf8, bits, FullPolicy::Prune),
        );
    }
    assert!(compress(
        b"x",
        &options(Mode::Hanzi, TextEncoding::Utf8, 12, FullPolicy::Prune)
    )
    .is_err());
    assert!(compress(
        b"x",
        &options(Mode::Bytes, TextEncoding::Utf8, 21, FullPolicy::Prune)
    )
    .is_err());
}
