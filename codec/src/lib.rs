//! # medchain-lzw
//!
//! The LZW codec with which MedChain compresses medical records before they are
//! encrypted and stored off-chain. It follows Du & Yu, "Medical Data Compression and
//! Sharing Technology Based on Blockchain", and improves on it. `no_std` + `alloc`, so
//! the runtime's off-chain worker runs the same code in WASM.
//!
//! ## Modes
//! - [`Mode::Bytes`]: classic LZW over bytes, codes 9..=`max_bits` wide.
//! - [`Mode::Hanzi`]: the paper's method. A unit is a GB2312 character or a byte; the
//!   initial dictionary is the 256 byte values then the 7445 GB2312 characters in GB2312
//!   order (character of rank `r` has code `256 + r`, forever). Any other character is
//!   sent as its bytes, which is the escape. Codes up to 16 bits by default.
//! - [`Mode::PaperMixed`]: the paper's mixed method, Chinese and other text in two
//!   streams plus their run lengths. Kept for comparison with the paper.
//! - [`Mode::Auto`] (default): `hanzi` when a sample of the input is at least 10 %
//!   Chinese by bytes, else `bytes`; in every mode the record is stored raw when
//!   compression does not pay.
//!
//! Improvements over the paper's plain LZW, measured in the README: phased-in code
//! widths (up to one bit saved per code), and pruning of the full dictionary to the
//! phrases in use instead of freezing it ([`FullPolicy::Prune`]; freeze, reset and
//! Unix `compress`'s adaptive reset remain as options).
//!
//! ## Primed dictionaries
//! A single record of 1–8 KB is too short for an adaptive dictionary to learn much. A
//! [`Dictionary`], trained on a consortium's own records (`train`, std only), preloads
//! the phrases they share and, from version 2 of its file, a Huffman code for the codes
//! of a record ([`dictionary`] documents the file). [`compress_with`] uses one when that
//! is smaller; the container names it by its blake2-256 id, and [`decompress_with`]
//! finds it among those it is given.
//!
//! ## Guarantees
//! - Lossless on any bytes: UTF-8 or GB2312/GBK text ([`TextEncoding`]), valid or not.
//! - Decoding never panics and never allocates by the length a header claims; it is
//!   bounded by the data actually produced and by the caller's limit.
//! - Memory is bounded by the dictionary: at 16 bits about 1 MiB to decode (8 bytes per
//!   phrase, plus 9 for pruning) and 1.8 MiB to encode (a 1 MiB hash table, plus 13
//!   bytes per phrase for pruning), plus the record itself for the one-shot API (three
//!   times it for `paper-mixed`, which decodes two streams and a run list first) and one
//!   frame (1 MiB by default) for the streaming API ([`stream`]). With a primed
//!   dictionary the encoder also keeps up to 16 bytes per unit of the record (its units,
//!   the longest match at each, the prefix of each of its own phrases), at most 4 MiB
//!   ([`DICTIONARY_INPUT_LIMIT`]).
//!
//! ## Example
//! ```
//! let text = "患者主诉：反复胸痛3天。Chest pain for 3 days.".repeat(20);
//! let packed = medchain_lzw::compress(text.as_bytes(), &Default::default()).unwrap();
//! assert!(packed.len() < text.len() / 2);
//! assert_eq!(medchain_lzw::decompress(&packed).unwrap(), text.as_bytes());
//! ```
//!
//! The container format is documented in [`container`].

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

mod alphabet;
mod bits;
pub mod container;
pub mod dictionary;
mod error;
mod gb2312;
mod gb2312_table;
mod huffman;
mod lzw;
mod matching;
mod mixed;
mod primed;
pub mod stream;
#[cfg(feature = "std")]
pub mod train;

use alloc::vec::Vec;

use alphabet::{Bytes, HanziGbk, HanziUtf8, Tokenizer};
pub use alphabet::{BYTE_ROOTS, HANZI_ROOTS};
pub use container::{read_header, Header, Method};
pub use dictionary::{detect_language, dictionary_id, Dictionary, Language};
pub use error::Error;

/// Largest input of the one-shot API (1 GiB − 1); larger data goes through [`stream`].
pub const MAX_ONE_SHOT_LEN: usize = lzw::MAX_BODY_LEN;
/// Widest codes allowed (1 Mi phrases: 8 MiB to decode, 16 MiB to encode).
pub const MAX_BITS_LIMIT: u8 = 20;
/// Default code width, as in the paper: 16 bits, 64 K entries.
pub const DEFAULT_MAX_BITS: u8 = 16;

/// Which compression to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Pick the best mode for the input (default).
    #[default]
    Auto,
    /// LZW over bytes.
    Bytes,
    /// LZW over GB2312 characters and bytes (the paper's method).
    Hanzi,
    /// The paper's split of Chinese and other text into two streams.
    PaperMixed,
}

impl Mode {
    /// Parses the CLI name of a mode.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "auto" => Mode::Auto,
            "bytes" => Mode::Bytes,
            "hanzi" => Mode::Hanzi,
            "paper-mixed" => Mode::PaperMixed,
            _ => return None,
        })
    }
}

/// Encoding of the input text; it decides the bytes of the GB2312 units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextEncoding {
    /// UTF-8 (default).
    #[default]
    Utf8,
    /// GB2312 or GBK (GB18030 bytes outside GBK pass through as bytes).
    Gbk,
}

/// What the encoder does once all `2^max_bits` codes are in use. Only the encoder
/// decides: the decoder follows the CLEAR codes it finds, so the policy is not part of
/// the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FullPolicy {
    /// Keep the full dictionary unchanged to the end (the paper's behaviour).
    Freeze,
    /// Start a new dictionary as soon as the old one is full.
    Reset,
    /// Keep the full dictionary while the ratio holds, start a new one when the ratio
    /// since the last reset falls (Unix `compress`).
    AdaptiveReset,
    /// Drop every phrase not sent since the last prune (keeping the prefixes of those
    /// that were) and go on filling the freed codes: a least-frequently-used policy.
    /// Between two prunes at least as many codes are sent as the dictionary holds (in
    /// between a full dictionary is kept as is), which bounds the cost of pruning.
    /// The decoder mirrors it, so a header flag records it. Default: the best ratio on
    /// the corpus of all four (see the README for the figures).
    #[default]
    Prune,
}

/// Compression options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Compression mode.
    pub mode: Mode,
    /// Encoding of the input text.
    pub encoding: TextEncoding,
    /// Maximum code width: 9..=20 for `bytes`, 13..=20 for `hanzi` and `paper-mixed`.
    pub max_bits: u8,
    /// What to do when the dictionary is full.
    pub policy: FullPolicy,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mode: Mode::Auto,
            encoding: TextEncoding::Utf8,
            max_bits: DEFAULT_MAX_BITS,
            policy: FullPolicy::Prune,
        }
    }
}

/// Checks that `max_bits` leaves room for phrases after the roots and control codes.
pub(crate) fn check_max_bits(method: Method, max_bits: u8) -> Result<(), Error> {
    let roots = match method {
        Method::Bytes => alphabet::BYTE_ROOTS,
        Method::Hanzi | Method::PaperMixed => alphabet::HANZI_ROOTS,
        Method::Stored | Method::Framed => return Ok(()),
    };
    if max_bits > MAX_BITS_LIMIT || (1u32 << max_bits) <= roots + 2 {
        return Err(Error::BadMaxBits(max_bits));
    }
    Ok(())
}

/// Share of the input (in bytes) that is GB2312 characters, as a fraction `num / den`,
/// from at most 64 evenly spread 1 KiB samples.
fn hanzi_share<T: Tokenizer + Default>(input: &[u8]) -> (usize, usize) {
    const SAMPLE: usize = 1024;
    const SAMPLES: usize = 64;
    let step = if input.len() <= SAMPLE * SAMPLES {
        SAMPLE
    } else {
        input.len() / SAMPLES
    };
    let (mut hanzi, mut total) = (0, 0);
    let mut start = 0;
    while start < input.len() {
        let window = &input[start..input.len().min(start + SAMPLE)];
        let mut tokenizer = T::default();
        let mut pos = 0;
        while pos < window.len() {
            let (unit, len) = tokenizer.next_unit(window, pos);
            if alphabet::is_hanzi_unit(unit) {
                hanzi += len;
            }
            pos += len;
        }
        total += window.len();
        start += step;
    }
    (hanzi, total)
}

/// The method [`Mode::Auto`] picks for `input`.
pub fn auto_method(input: &[u8], encoding: TextEncoding) -> Method {
    let (hanzi, total) = match encoding {
        TextEncoding::Utf8 => hanzi_share::<HanziUtf8>(input),
        TextEncoding::Gbk => hanzi_share::<HanziGbk>(input),
    };
    if hanzi * 10 >= total && hanzi > 0 {
        Method::Hanzi
    } else {
        Method::Bytes
    }
}

/// Appends the body of `input` compressed with `method` to `out`.
pub(crate) fn encode_body(input: &[u8], method: Method, options: &Options, out: &mut Vec<u8>) {
    let bits = options.max_bits as u32;
    let policy = options.policy;
    match (method, options.encoding) {
        (Method::Stored | Method::Framed, _) => out.extend_from_slice(input),
        (Method::Bytes, _) => lzw::encode(input, Bytes, bits, policy, out),
        (Method::Hanzi, TextEncoding::Utf8) => lzw::encode(input, HanziUtf8, bits, policy, out),
        (Method::Hanzi, TextEncoding::Gbk) => {
            lzw::encode(input, HanziGbk::default(), bits, policy, out)
        }
        (Method::PaperMixed, TextEncoding::Utf8) => {
            mixed::encode::<HanziUtf8>(input, bits, policy, out)
        }
        (Method::PaperMixed, TextEncoding::Gbk) => {
            mixed::encode::<HanziGbk>(input, bits, policy, out)
        }
    }
}

/// Decodes a body that must produce exactly `len` bytes, appended to `out`.
pub(crate) fn decode_body(
    body: &[u8],
    method: Method,
    encoding: TextEncoding,
    max_bits: u8,
    prune: bool,
    len: usize,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    let bits = max_bits as u32;
    match (method, encoding) {
        (Method::Stored, _) => {
            if body.len() != len {
                return Err(Error::LengthMismatch);
            }
            out.extend_from_slice(body);
            Ok(())
        }
        (Method::Framed, _) => Err(Error::UnknownMethod(Method::Framed as u8)),
        (Method::Bytes, _) => lzw::decode::<Bytes>(body, bits, prune, len, out),
        (Method::Hanzi, TextEncoding::Utf8) => {
            lzw::decode::<HanziUtf8>(body, bits, prune, len, out)
        }
        (Method::Hanzi, TextEncoding::Gbk) => lzw::decode::<HanziGbk>(body, bits, prune, len, out),
        (Method::PaperMixed, TextEncoding::Utf8) => {
            mixed::decode::<HanziUtf8>(body, bits, prune, len, out)
        }
        (Method::PaperMixed, TextEncoding::Gbk) => {
            mixed::decode::<HanziGbk>(body, bits, prune, len, out)
        }
    }
}

/// The method `options` ask for on `input`.
pub(crate) fn resolve_method(input: &[u8], options: &Options) -> Result<Method, Error> {
    let method = match options.mode {
        Mode::Auto => auto_method(input, options.encoding),
        Mode::Bytes => Method::Bytes,
        Mode::Hanzi => Method::Hanzi,
        Mode::PaperMixed => Method::PaperMixed,
    };
    check_max_bits(method, options.max_bits)
        .map_err(|_| Error::InvalidOption("max_bits out of range for the mode"))?;
    Ok(method)
}

/// CRC-32 (IEEE) of `data`, the checksum stored in containers.
pub fn checksum(data: &[u8]) -> u32 {
    crc32fast::hash(data)
}

/// Compresses `input` into a container (one-shot).
///
/// Inputs up to [`MAX_ONE_SHOT_LEN`]; use [`stream::Compressor`] for larger ones.
pub fn compress(input: &[u8], options: &Options) -> Result<Vec<u8>, Error> {
    if input.len() > MAX_ONE_SHOT_LEN {
        return Err(Error::TooLarge);
    }
    let method = resolve_method(input, options)?;
    let original = Some((input.len() as u64, checksum(input)));
    let mut out = Vec::with_capacity(input.len() / 2 + 64);
    let prune = options.policy == FullPolicy::Prune;
    container::write_header(
        &mut out,
        method,
        options.encoding,
        options.max_bits,
        prune,
        None,
        original,
    );
    let header_len = out.len();
    encode_body(input, method, options, &mut out);
    if out.len() - header_len >= input.len() {
        out.clear();
        container::write_header(
            &mut out,
            Method::Stored,
            options.encoding,
            0,
            false,
            None,
            original,
        );
        out.extend_from_slice(input);
    }
    Ok(out)
}

/// Largest input [`compress_with`] tries a primed dictionary on (256 KiB). Dictionaries
/// pay on small records; a larger one has room to learn its own phrases, and is
/// compressed as without a dictionary.
pub const DICTIONARY_INPUT_LIMIT: usize = 256 * 1024;

/// Compresses `input` with a primed dictionary when that is smaller, else as
/// [`compress`] does; the container names the dictionary only when it was used, so the
/// result is never larger than without one.
///
/// With a dictionary, `options.mode` must be `auto` or the dictionary's method; the code
/// width is the dictionary's and the full-dictionary policy does not apply (a primed
/// dictionary is kept whole). Inputs over [`DICTIONARY_INPUT_LIMIT`] and the
/// `paper-mixed` mode never use the dictionary.
pub fn compress_with(
    input: &[u8],
    options: &Options,
    dictionary: Option<&Dictionary>,
) -> Result<Vec<u8>, Error> {
    let plain = compress(input, options)?;
    let Some(dictionary) = dictionary else {
        return Ok(plain);
    };
    let method = dictionary.method();
    match options.mode {
        Mode::Auto => {}
        Mode::Bytes | Mode::Hanzi if resolve_method(input, options)? == method => {}
        Mode::PaperMixed => return Ok(plain),
        _ => return Err(Error::InvalidOption("the dictionary is for another mode")),
    }
    if input.len() > DICTIONARY_INPUT_LIMIT {
        return Ok(plain);
    }
    let primed = compress_primed(input, options.encoding, dictionary);
    Ok(if primed.len() < plain.len() {
        primed
    } else {
        plain
    })
}

/// `input` in a container compressed with `dictionary` (no fallback).
pub fn compress_primed(input: &[u8], encoding: TextEncoding, dictionary: &Dictionary) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len() / 2 + 64);
    container::write_header(
        &mut out,
        dictionary.method(),
        encoding,
        dictionary.max_bits(),
        false,
        Some(&dictionary.id()),
        Some((input.len() as u64, checksum(input))),
    );
    primed::encode(input, encoding, dictionary, &mut out);
    out
}

/// Decompresses a container, finding the primed dictionary it names (if any) among
/// `dictionaries` by id; refuses output over `limit` bytes.
///
/// A container that names a dictionary fails with [`Error::MissingDictionary`] when none
/// was given, and [`Error::WrongDictionary`] when none of those given has its id (a
/// different dictionary, or a changed file: the id is the hash of the bytes).
pub fn decompress_with(
    data: &[u8],
    dictionaries: &[&Dictionary],
    limit: usize,
) -> Result<Vec<u8>, Error> {
    let header = read_header(data)?;
    let Some(id) = header.dictionary else {
        return decompress_with_limit(data, limit);
    };
    let dictionary = match dictionaries.iter().find(|d| d.id() == id) {
        Some(dictionary) => *dictionary,
        None if dictionaries.is_empty() => return Err(Error::MissingDictionary(id)),
        None => {
            return Err(Error::WrongDictionary {
                needed: id,
                given: dictionaries.len(),
            })
        }
    };
    if header.method != dictionary.method() || header.prune {
        return Err(Error::BadFlags(data[6]));
    }
    if header.max_bits != dictionary.max_bits() {
        return Err(Error::BadMaxBits(header.max_bits));
    }
    let Some((len, crc)) = header.original else {
        // Framed containers never name a dictionary.
        return Err(Error::UnknownMethod(Method::Framed as u8));
    };
    if len > limit as u64 {
        return Err(Error::TooLarge);
    }
    let body = &data[header.header_len..];
    // A primed body is not stored raw when it does not pay (compress_with keeps the
    // smaller container instead), but each unit takes at most one code of at most
    // 20 bits, and END one more: anything longer is not a body we wrote.
    if body.len() as u64 > len.saturating_mul(3).saturating_add(8) {
        return Err(Error::TrailingData);
    }
    let mut out = Vec::new();
    let phrases = dictionary.rendering(header.encoding);
    match header.encoding {
        TextEncoding::Utf8 if header.method == Method::Hanzi => {
            primed::decode::<HanziUtf8>(body, dictionary, phrases, len as usize, &mut out)
        }
        TextEncoding::Gbk if header.method == Method::Hanzi => {
            primed::decode::<HanziGbk>(body, dictionary, phrases, len as usize, &mut out)
        }
        _ => primed::decode::<Bytes>(body, dictionary, phrases, len as usize, &mut out),
    }?;
    verify_checksum(&out, crc)?;
    Ok(out)
}

/// Checks decoded data against the CRC-32 its header stored.
pub(crate) fn verify_checksum(data: &[u8], expected: u32) -> Result<(), Error> {
    let actual = checksum(data);
    if actual != expected {
        return Err(Error::ChecksumMismatch { expected, actual });
    }
    Ok(())
}

/// Lower-case hex of a 32-byte id, for messages.
pub fn hex32(id: &[u8; 32]) -> alloc::string::String {
    use core::fmt::Write;
    let mut s = alloc::string::String::with_capacity(64);
    for b in id {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Default bound on the output of [`decompress`]: the one-shot maximum.
pub const DEFAULT_OUTPUT_LIMIT: usize = MAX_ONE_SHOT_LEN;

/// Decompresses a container made by [`compress`] or [`stream::Compressor`].
pub fn decompress(data: &[u8]) -> Result<Vec<u8>, Error> {
    decompress_with_limit(data, DEFAULT_OUTPUT_LIMIT)
}

/// Decompresses, refusing containers that would produce more than `limit` bytes.
pub fn decompress_with_limit(data: &[u8], limit: usize) -> Result<Vec<u8>, Error> {
    let header = read_header(data)?;
    if let Some(id) = header.dictionary {
        return Err(Error::MissingDictionary(id));
    }
    let Some((len, crc)) = header.original else {
        let mut out = Vec::new();
        let mut decoder = stream::Decompressor::with_limit(limit);
        decoder.write(data, &mut out)?;
        decoder.finish(&mut out)?;
        return Ok(out);
    };
    if len > limit as u64 {
        return Err(Error::TooLarge);
    }
    // The encoder stores input raw rather than let the body grow past it, so a longer
    // body is not a container we wrote (and the streaming decoder refuses it too).
    let body_len = (data.len() - header.header_len) as u64;
    if body_len > len {
        return Err(Error::TrailingData);
    }
    if header.method != Method::Stored && body_len == len {
        return Err(Error::BadLength);
    }
    let mut out = Vec::new();
    decode_body(
        &data[header.header_len..],
        header.method,
        header.encoding,
        header.max_bits,
        header.prune,
        len as usize,
        &mut out,
    )?;
    verify_checksum(&out, crc)?;
    Ok(out)
}
