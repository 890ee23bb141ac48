//! Primed dictionaries: the phrases a consortium's records have in common, loaded into
//! the LZW dictionary before a record's own phrases, so that a 2 KB record starts with
//! what a 2 MB one would have learnt.
//!
//! A dictionary is made by [`crate::train`] (std only) from a hospital's own records and
//! is identified by the blake2-256 of its bytes, which the container header names. It is
//! parsed and its tables are built once ([`Dictionary::from_bytes`]); compressing or
//! decompressing a record with it then costs no set-up beyond the record's own phrases.
//!
//! ```text
//! offset  size  field
//! 0       4     magic "MLZD"
//! 4       1     version (1 or 2)
//! 5       1     method: 1 bytes, 2 hanzi (the units the phrases are made of)
//! 6       1     language: 0 Chinese, 1 English, 2 mixed (what it was trained on)
//! 7       1     max code width in bits of the containers made with it
//! 8       4     number of phrases P, LE
//! 12            P phrases, each: prefix code (LEB128), last unit (LEB128)
//! ..            version 2 only: code lengths of the S = roots + 2 + P + 1 symbols, as
//!               runs of (length byte 0..=24, run LEB128 ≥ 1)
//! ```
//!
//! Phrase `i` gets code `roots + 2 + i` (after the roots, CLEAR and END). Its prefix is a
//! root or an earlier phrase, so the set is prefix-closed like any LZW dictionary, and no
//! two phrases are equal. Nothing may follow the last phrase (version 1) or the lengths.
//!
//! With version 1 a record's codes are written with phased-in fixed widths. With version
//! 2 they are written with the canonical Huffman code of the lengths ([`crate::huffman`]):
//! symbols `0..roots + 2 + P` are the codes of the roots, END and the phrases, and the
//! last symbol, ESCAPE, announces one of the record's own phrases, whose index follows
//! with a phased-in width. CLEAR, never sent with a dictionary, must have length 0;
//! every other symbol must have a code, and the lengths must form a prefix code.

use alloc::vec::Vec;

use blake2::{digest::consts::U32, Blake2b, Digest};

use crate::{
    alphabet::{self, Alphabet, HanziGbk, HanziUtf8},
    container::{read_varint, write_varint, Method},
    huffman::{read_lengths, write_lengths, Coding},
    lzw::{pack, unit_bits, PhraseTable},
    Error, TextEncoding, MAX_BITS_LIMIT,
};

/// First bytes of every dictionary file.
pub const DICTIONARY_MAGIC: [u8; 4] = *b"MLZD";
/// Dictionary format version written by [`crate::train`]: 2, with code lengths. Version 1
/// (phased-in widths, no lengths) is still read, so records made with one stay readable.
pub const DICTIONARY_VERSION: u8 = 2;
/// Largest dictionary file accepted (4 MiB, the largest preimage a chain keeps).
pub const MAX_DICTIONARY_LEN: usize = 4 << 20;
const FIXED_LEN: usize = 12;

/// What text a dictionary was trained on; the off-chain worker picks the newest active
/// dictionary of a record's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Language {
    /// Chinese text (Latin letters under 5 % of letters and characters).
    Chinese = 0,
    /// English text (no Chinese, or Latin letters at least 95 %).
    English = 1,
    /// Chinese with English terms (Latin letters 5 % to 95 %).
    Mixed = 2,
}

impl Language {
    /// Parses the byte of a dictionary header.
    pub fn from_byte(b: u8) -> Option<Self> {
        Some(match b {
            0 => Language::Chinese,
            1 => Language::English,
            2 => Language::Mixed,
            _ => return None,
        })
    }

    /// The name used by the CLI and the docs: `zh`, `en`, `mixed`.
    pub fn name(self) -> &'static str {
        match self {
            Language::Chinese => "zh",
            Language::English => "en",
            Language::Mixed => "mixed",
        }
    }

    /// Parses a CLI name (`zh`, `en`, `mixed`).
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "zh" | "chinese" => Language::Chinese,
            "en" | "english" => Language::English,
            "mixed" => Language::Mixed,
            _ => return None,
        })
    }
}

/// The language of `input`, from its share of Latin letters among Latin letters and
/// Chinese characters (the corpus's definition): under 5 % Chinese, 95 % or more (or no
/// Chinese at all) English, else mixed.
pub fn detect_language(input: &[u8], encoding: TextEncoding) -> Language {
    let (latin, hanzi) = match encoding {
        TextEncoding::Utf8 => letter_counts(input, HanziUtf8),
        TextEncoding::Gbk => letter_counts(input, HanziGbk::default()),
    };
    if hanzi == 0 || latin * 100 >= (latin + hanzi) * 95 {
        Language::English
    } else if latin * 100 < (latin + hanzi) * 5 {
        Language::Chinese
    } else {
        Language::Mixed
    }
}

fn letter_counts<T: alphabet::Tokenizer>(input: &[u8], mut tokenizer: T) -> (u64, u64) {
    let (mut latin, mut hanzi) = (0u64, 0u64);
    let mut pos = 0;
    while pos < input.len() {
        let (unit, len) = tokenizer.next_unit(input, pos);
        if unit < 256 {
            latin += (unit as u8).is_ascii_alphabetic() as u64;
        } else {
            hanzi += 1;
        }
        pos += len;
    }
    (latin, hanzi)
}

/// The bytes of every phrase in one text encoding, for the decoder.
pub(crate) struct Rendering {
    pub(crate) bytes: Vec<u8>,
    /// Per phrase: position and length in `bytes`, and its first unit's length.
    pub(crate) spans: Vec<u64>,
}

impl Rendering {
    fn build<A: Alphabet>(keys: &[u64], ubits: u32, first: u32) -> Self {
        let mut bytes = Vec::new();
        let mut spans: Vec<u64> = Vec::with_capacity(keys.len());
        let unit_mask = (1u64 << ubits) - 1;
        for &key in keys {
            let parent = (key >> ubits) as u32;
            let unit = (key & unit_mask) as u32;
            let start = bytes.len();
            let first_len = if parent < first {
                let root = A::root(parent);
                bytes.extend_from_slice(root);
                root.len()
            } else {
                // Checked by the parser: a prefix is an earlier phrase.
                let (pos, len, first_len) = crate::lzw::unpack(spans[(parent - first) as usize]);
                bytes.extend_from_within(pos..pos + len);
                first_len
            };
            bytes.extend_from_slice(A::root(unit));
            spans.push(pack(start, bytes.len() - start, first_len));
        }
        Self { bytes, spans }
    }
}

/// A loaded primed dictionary, ready to compress and decompress with.
pub struct Dictionary {
    id: [u8; 32],
    method: Method,
    language: Language,
    max_bits: u8,
    /// Per phrase, `(prefix code << unit bits) | last unit`.
    keys: Vec<u64>,
    /// Phrase code by key, for the encoder.
    pub(crate) table: PhraseTable,
    pub(crate) utf8: Rendering,
    /// `None` for byte dictionaries, whose phrases are the same bytes in both encodings.
    pub(crate) gbk: Option<Rendering>,
    /// Version 2: the code the records' codes are written with.
    pub(crate) coding: Option<Coding>,
}

impl core::fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Dictionary")
            .field("id", &crate::hex32(&self.id))
            .field("method", &self.method)
            .field("language", &self.language)
            .field("max_bits", &self.max_bits)
            .field("phrases", &self.keys.len())
            .field("huffman", &self.coding.is_some())
            .finish()
    }
}

/// The blake2-256 of `bytes`: a dictionary's id (and its preimage hash on chain).
pub fn dictionary_id(bytes: &[u8]) -> [u8; 32] {
    Blake2b::<U32>::digest(bytes).into()
}

fn roots_of(method: Method) -> Result<u32, Error> {
    match method {
        Method::Bytes => Ok(alphabet::BYTE_ROOTS),
        Method::Hanzi => Ok(alphabet::HANZI_ROOTS),
        _ => Err(Error::BadDictionary("method must be bytes or hanzi")),
    }
}

/// Serialises a dictionary: `phrases` are `(prefix code, last unit)` in code order, and
/// `code_lengths` (one per symbol, see the module docs) make it a version-2 file; without
/// them it is version 1. The result is checked by [`Dictionary::from_bytes`] like any
/// other file.
pub fn encode_dictionary(
    method: Method,
    language: Language,
    max_bits: u8,
    phrases: &[(u32, u32)],
    code_lengths: Option<&[u8]>,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(FIXED_LEN + phrases.len() * 4);
    out.extend_from_slice(&DICTIONARY_MAGIC);
    out.push(if code_lengths.is_some() { 2 } else { 1 });
    out.push(method as u8);
    out.push(language as u8);
    out.push(max_bits);
    out.extend_from_slice(&(phrases.len() as u32).to_le_bytes());
    for &(parent, unit) in phrases {
        write_varint(&mut out, parent as u64);
        write_varint(&mut out, unit as u64);
    }
    if let Some(lengths) = code_lengths {
        write_lengths(&mut out, lengths);
    }
    out
}

/// Number of symbols a version-2 dictionary of `phrases` phrases has code lengths for.
pub(crate) fn symbol_count(method: Method, phrases: usize) -> usize {
    roots_of(method).unwrap_or(0) as usize + 2 + phrases + 1
}

impl Dictionary {
    /// Parses and checks a dictionary file and builds its tables (the one-time cost).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() > MAX_DICTIONARY_LEN {
            return Err(Error::BadDictionary("larger than 4 MiB"));
        }
        if bytes.len() < FIXED_LEN {
            return Err(Error::BadDictionary("shorter than its header"));
        }
        if bytes[..4] != DICTIONARY_MAGIC {
            return Err(Error::BadDictionary("not a dictionary (bad magic bytes)"));
        }
        let version = bytes[4];
        if !(1..=DICTIONARY_VERSION).contains(&version) {
            return Err(Error::BadDictionary("unsupported dictionary version"));
        }
        let method =
            Method::from_byte(bytes[5]).map_err(|_| Error::BadDictionary("unknown method"))?;
        let roots = roots_of(method)?;
        let language =
            Language::from_byte(bytes[6]).ok_or(Error::BadDictionary("unknown language"))?;
        let max_bits = bytes[7];
        if max_bits > MAX_BITS_LIMIT || (1u32 << max_bits) <= roots + 2 {
            return Err(Error::BadDictionary("code width out of range"));
        }
        let count = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
        let first = roots + 2;
        // At least one code must stay free for the record's own phrases.
        if count == 0 || count as u64 >= (1u64 << max_bits) - first as u64 {
            return Err(Error::BadDictionary(
                "phrase count out of range for the code width",
            ));
        }
        // Each phrase takes at least two bytes: refuse counts the data cannot hold before
        // allocating for them.
        if count > (bytes.len() - FIXED_LEN) / 2 {
            return Err(Error::BadDictionary("truncated"));
        }
        let ubits = unit_bits(roots);
        let mut keys = Vec::with_capacity(count);
        let mut table = PhraseTable::with_capacity(count);
        let mut pos = FIXED_LEN;
        for index in 0..count as u32 {
            let parent =
                read_varint(bytes, &mut pos).map_err(|_| Error::BadDictionary("truncated"))?;
            let unit =
                read_varint(bytes, &mut pos).map_err(|_| Error::BadDictionary("truncated"))?;
            if parent == roots as u64
                || parent == roots as u64 + 1
                || parent >= (first + index) as u64
            {
                return Err(Error::BadDictionary(
                    "a prefix that is not a root or an earlier phrase",
                ));
            }
            if unit >= roots as u64 {
                return Err(Error::BadDictionary("a unit outside the alphabet"));
            }
            let key = (parent << ubits) | unit;
            match table.find(key) {
                Ok(_) => return Err(Error::BadDictionary("the same phrase twice")),
                Err(slot) => table.insert_at(slot, key, first + index),
            }
            keys.push(key);
        }
        let coding = if version >= 2 {
            let lengths = read_lengths(bytes, &mut pos, symbol_count(method, count))
                .map_err(Error::BadDictionary)?;
            if lengths[roots as usize] != 0 {
                return Err(Error::BadDictionary("a code for CLEAR"));
            }
            if lengths
                .iter()
                .enumerate()
                .any(|(symbol, &len)| len == 0 && symbol != roots as usize)
            {
                return Err(Error::BadDictionary("a symbol without a code"));
            }
            Some(Coding::from_lengths(&lengths).map_err(Error::BadDictionary)?)
        } else {
            None
        };
        if pos != bytes.len() {
            return Err(Error::BadDictionary(
                "bytes after the end of the dictionary",
            ));
        }
        let (utf8, gbk) = match method {
            Method::Hanzi => (
                Rendering::build::<HanziUtf8>(&keys, ubits, first),
                Some(Rendering::build::<HanziGbk>(&keys, ubits, first)),
            ),
            _ => (
                Rendering::build::<alphabet::Bytes>(&keys, ubits, first),
                None,
            ),
        };
        Ok(Self {
            id: dictionary_id(bytes),
            method,
            language,
            max_bits,
            keys,
            table,
            utf8,
            gbk,
            coding,
        })
    }

    /// Whether records' codes are Huffman-coded (version 2) rather than fixed-width.
    pub fn is_huffman(&self) -> bool {
        self.coding.is_some()
    }

    /// The dictionary's id: blake2-256 of its file.
    pub fn id(&self) -> [u8; 32] {
        self.id
    }

    /// The method of the containers made with it (`bytes` or `hanzi`).
    pub fn method(&self) -> Method {
        self.method
    }

    /// The language it was trained on.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Code width of the containers made with it.
    pub fn max_bits(&self) -> u8 {
        self.max_bits
    }

    /// Number of primed phrases.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: a dictionary holds at least one phrase.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The prefix code of phrase `code` (a phrase of the dictionary, not a root).
    #[inline(always)]
    pub(crate) fn parent(&self, code: u32, ubits: u32) -> u32 {
        let first = self.end_code() - self.keys.len() as u32;
        (self.keys[(code - first) as usize] >> ubits) as u32
    }

    /// The first code after the primed phrases: where a record's own phrases start.
    pub(crate) fn end_code(&self) -> u32 {
        // Checked on load: fits the code width.
        roots_of(self.method).unwrap_or(0) + 2 + self.keys.len() as u32
    }

    /// The phrase bytes for text in `encoding`.
    pub(crate) fn rendering(&self, encoding: TextEncoding) -> &Rendering {
        match (encoding, &self.gbk) {
            (TextEncoding::Gbk, Some(gbk)) => gbk,
            _ => &self.utf8,
        }
    }

    /// The bytes of phrase `index` (0-based) in `encoding`.
    pub fn phrase(&self, index: usize, encoding: TextEncoding) -> Option<&[u8]> {
        let rendering = self.rendering(encoding);
        let (pos, len, _) = crate::lzw::unpack(*rendering.spans.get(index)?);
        rendering.bytes.get(pos..pos + len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_checked() {
        // "ab" then "abc" (prefix "ab" is code 258).
        let bytes = encode_dictionary(
            Method::Bytes,
            Language::English,
            12,
            &[(b'a' as u32, b'b' as u32), (258, b'c' as u32)],
            None,
        );
        let dict = Dictionary::from_bytes(&bytes).unwrap();
        assert_eq!(dict.len(), 2);
        assert_eq!(dict.phrase(1, TextEncoding::Utf8), Some(&b"abc"[..]));
        assert_eq!(dict.id(), dictionary_id(&bytes));
        assert_eq!(dict.end_code(), 260);

        let bad = encode_dictionary(Method::Bytes, Language::English, 12, &[(259, 1)], None);
        assert!(matches!(
            Dictionary::from_bytes(&bad),
            Err(Error::BadDictionary(_))
        ));
        let control = encode_dictionary(Method::Bytes, Language::English, 12, &[(256, 1)], None);
        assert!(Dictionary::from_bytes(&control).is_err());
        let twice = encode_dictionary(
            Method::Bytes,
            Language::English,
            12,
            &[(1, 2), (1, 2)],
            None,
        );
        assert!(Dictionary::from_bytes(&twice).is_err());
        let unit = encode_dictionary(Method::Bytes, Language::English, 12, &[(1, 256)], None);
        assert!(Dictionary::from_bytes(&unit).is_err());
        let full = encode_dictionary(Method::Bytes, Language::English, 9, &[(1, 2); 254], None);
        assert!(Dictionary::from_bytes(&full).is_err());
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(Dictionary::from_bytes(&trailing).is_err());
        for cut in 0..bytes.len() {
            assert!(
                Dictionary::from_bytes(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn version_2_code_lengths_are_checked() {
        let phrases = [(b'a' as u32, b'b' as u32), (258, b'c' as u32)];
        let symbols = symbol_count(Method::Bytes, phrases.len());
        assert_eq!(symbols, 256 + 2 + 2 + 1);
        let mut lengths = alloc::vec![9u8; symbols];
        lengths[256] = 0;
        let with = |lengths: &[u8]| {
            encode_dictionary(
                Method::Bytes,
                Language::English,
                12,
                &phrases,
                Some(lengths),
            )
        };
        let good = with(&lengths);
        assert_eq!(good[4], 2);
        assert!(Dictionary::from_bytes(&good).unwrap().is_huffman());
        let mut clear = lengths.clone();
        clear[256] = 9;
        assert_eq!(
            Dictionary::from_bytes(&with(&clear)).unwrap_err(),
            Error::BadDictionary("a code for CLEAR")
        );
        let mut missing = lengths.clone();
        missing[symbols - 1] = 0;
        assert_eq!(
            Dictionary::from_bytes(&with(&missing)).unwrap_err(),
            Error::BadDictionary("a symbol without a code")
        );
        let mut crowded = alloc::vec![1u8; symbols];
        crowded[256] = 0;
        assert_eq!(
            Dictionary::from_bytes(&with(&crowded)).unwrap_err(),
            Error::BadDictionary("code lengths no prefix code can have")
        );
        assert!(Dictionary::from_bytes(&with(&lengths[..symbols - 1])).is_err());
        let mut extra = lengths.clone();
        extra.push(9);
        assert!(Dictionary::from_bytes(&with(&extra)).is_err());
        for cut in 0..good.len() {
            assert!(
                Dictionary::from_bytes(&good[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let mut future = good.clone();
        future[4] = 3;
        assert!(Dictionary::from_bytes(&future).is_err());
    }

    #[test]
    fn hanzi_phrases_render_in_both_encodings() {
        // 患 and 者 as units, then the phrase 患者.
        let text = "患者";
        let mut t = HanziUtf8;
        let (a, _) = alphabet::Tokenizer::next_unit(&mut t, text.as_bytes(), 0);
        let (b, _) = alphabet::Tokenizer::next_unit(&mut t, text.as_bytes(), 3);
        let bytes = encode_dictionary(Method::Hanzi, Language::Chinese, 16, &[(a, b)], None);
        let dict = Dictionary::from_bytes(&bytes).unwrap();
        assert_eq!(dict.phrase(0, TextEncoding::Utf8), Some(text.as_bytes()));
        assert_eq!(
            dict.phrase(0, TextEncoding::Gbk),
            Some(&[0xBB, 0xBC, 0xD5, 0xDF][..])
        );
    }

    #[test]
    fn languages() {
        assert_eq!(
            detect_language(b"Chest pain.", TextEncoding::Utf8),
            Language::English
        );
        assert_eq!(
            detect_language("患者胸痛三天。".as_bytes(), TextEncoding::Utf8),
            Language::Chinese
        );
        assert_eq!(
            detect_language("患者胸痛三天，CT示肺结节。".as_bytes(), TextEncoding::Utf8),
            Language::Mixed
        );
    }
}
