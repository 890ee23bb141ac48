//! Golden fixtures: small clinical-style texts (written for this project) and the exact
//! containers this version produces for them, so the format cannot drift silently.
//!
//! After an intended format change, regenerate with
//! `MEDCHAIN_BLESS=1 cargo test --release -p medchain-lzw --test golden` and review the diff.

mod support;

use std::{fs, path::PathBuf};

use support::manifest::manifest_dir;

use medchain_lzw::{compress, decompress, read_header, Method, Mode, Options, TextEncoding};

fn fixture(name: &str) -> PathBuf {
    manifest_dir().join("tests/fixtures").join(name)
}

/// (text file, encoding, mode, expected container file, expected method)
const CASES: [(&str, TextEncoding, Mode, &str, Method); 8] = [
    (
        "zh.txt",
        TextEncoding::Utf8,
        Mode::Auto,
        "zh.auto.mlzw",
        Method::Hanzi,
    ),
    (
        "zh.txt",
        TextEncoding::Utf8,
        Mode::PaperMixed,
        "zh.paper-mixed.mlzw",
        Method::PaperMixed,
    ),
    (
        "zh-gbk.txt",
        TextEncoding::Gbk,
        Mode::Auto,
        "zh-gbk.auto.mlzw",
        Method::Hanzi,
    ),
    (
        "en.txt",
        TextEncoding::Utf8,
        Mode::Auto,
        "en.auto.mlzw",
        Method::Bytes,
    ),
    // Short English in 13-bit+ hanzi codes does not pay: stored raw.
    (
        "en.txt",
        TextEncoding::Utf8,
        Mode::Hanzi,
        "en.hanzi.mlzw",
        Method::Stored,
    ),
    (
        "mixed.txt",
        TextEncoding::Utf8,
        Mode::Auto,
        "mixed.auto.mlzw",
        Method::Hanzi,
    ),
    (
        "mixed.txt",
        TextEncoding::Utf8,
        Mode::Bytes,
        "mixed.bytes.mlzw",
        Method::Bytes,
    ),
    (
        "mixed.txt",
        TextEncoding::Utf8,
        Mode::PaperMixed,
        "mixed.paper-mixed.mlzw",
        Method::PaperMixed,
    ),
];

#[test]
fn containers_match_the_fixtures() {
    let bless = std::env::var_os("MEDCHAIN_BLESS").is_some();
    for (text, encoding, mode, expected, method) in CASES {
        let input = fs::read(fixture(text)).unwrap();
        let options = Options {
            mode,
            encoding,
            ..Options::default()
        };
        let packed = compress(&input, &options).unwrap();
        if bless {
            fs::write(fixture(expected), &packed).unwrap();
        }
        let golden =
            fs::read(fixture(expected)).unwrap_or_else(|_| panic!("missing fixture {expected}"));
        assert_eq!(
            packed, golden,
            "{expected}: the container format or the encoder changed"
        );
        assert_eq!(decompress(&golden).unwrap(), input, "{expected}");
        let header = read_header(&golden).unwrap();
        assert_eq!(header.method, method, "{expected}");
        assert_eq!(header.original.unwrap().0, input.len() as u64);
        if method != Method::Stored {
            assert!(golden.len() < input.len(), "{expected} does not compress");
        }
    }
}

/// A stored container, byte for byte, written out here so the layout is visible.
#[test]
fn stored_layout_is_stable() {
    let packed = compress(b"ab", &Options::default()).unwrap();
    let crc = crc32_of(b"ab").to_le_bytes();
    let mut expected = b"MLZW\x01\x00\x00\x00\x02".to_vec();
    expected.extend_from_slice(&crc);
    expected.extend_from_slice(b"ab");
    assert_eq!(packed, expected);
}

/// Bitwise CRC-32 (IEEE), independent of the codec's implementation.
fn crc32_of(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
