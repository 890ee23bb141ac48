//! # MedChain record pipeline
//!
//! The one implementation of what turns a medical text into a record and back, used by
//! the node's off-chain worker (inside the runtime, WASM) and by `medchain records put`
//! / `records get` alike, so both paths give byte-identical blobs and records for the
//! same text, owner and dictionary.
//!
//! [`seal_record`]: text → compress with `medchain-lzw` (`auto`, with the primed
//! dictionary the caller offers when that is smaller) → commitment (`raw_hash`, keyed
//! with the owner's data-key root: nothing on-chain lets anyone test a guess of the
//! text) → data key → sealed blob (XChaCha20-Poly1305, carrying the commitment key) →
//! `content_hash` = blake2-256 of the sealed blob. Everything the chain records about
//! the record comes out in [`SealedRecord`].
//!
//! [`open_record`]: blob → check `content_hash` → open with the data key (the owner's,
//! [`DataKeyRoot::data_key`] of `raw_hash`, or one delivered to a demander) → decompress, bounded by the
//! record's `raw_len` → check the text against `raw_hash` and `raw_len`. Version-1 blobs
//! (plain `raw_hash = blake2-256(text)`, before keyed commitments) open the same way.
//!
//! [`language_of`] tells which language's dictionary a text should be offered.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
pub use medchain_crypto::{blake2_256, CryptoError, DataKey, DataKeyRoot, ENVELOPE_OVERHEAD};
use medchain_lzw::{Dictionary, Language, Method, Options};

/// Texts longer than this are compressed as a framed (streaming) container, one frame
/// at a time, instead of one container; they never use a primed dictionary.
pub const FRAMED_ABOVE_LEN: usize = 64 << 20;

/// A record ready to register and upload: the sealed blob and what the chain keeps.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SealedRecord {
    /// The owner's keyed commitment to the text (the record's `raw_hash`).
    pub raw_hash: [u8; 32],
    /// blake2-256 of [`Self::blob`] (the record's `content_hash`).
    pub content_hash: [u8; 32],
    /// Length of the text in bytes.
    pub raw_len: u64,
    /// Length of the compressed container in bytes (before sealing).
    pub compressed_len: u64,
    /// The container's method.
    pub method: Method,
    /// The primed dictionary the container names, if the codec used one.
    pub dictionary: Option<[u8; 32]>,
    /// The sealed blob the data manager keeps.
    pub blob: Vec<u8>,
}

/// The language whose dictionary [`seal_record`] should be offered for `text`.
pub fn language_of(text: &[u8], options: &Options) -> Language {
    medchain_lzw::detect_language(text, options.encoding)
}

/// Compresses, commits to and seals `text` for the owner whose data-key root is `root`.
/// `dictionary` (the newest active one of [`language_of`]'s language) is used only when
/// it makes the container smaller. Deterministic: the same text, root, options and
/// dictionary always give the same record, so an interrupted upload resumes.
pub fn seal_record(
    root: &DataKeyRoot,
    text: &[u8],
    options: &Options,
    dictionary: Option<&Dictionary>,
) -> Result<SealedRecord, medchain_lzw::Error> {
    seal_container(root, text, compress(text, options, dictionary)?)
}

/// [`seal_record`]'s first step alone: the container of `text` (one-shot, with
/// `dictionary` when smaller, up to [`FRAMED_ABOVE_LEN`]; framed beyond). The off-chain
/// worker calls the two steps itself to time the codec apart from sealing.
pub fn compress_record(
    text: &[u8],
    options: &Options,
    dictionary: Option<&Dictionary>,
) -> Result<Vec<u8>, medchain_lzw::Error> {
    compress(text, options, dictionary)
}

/// [`seal_record`]'s second step: commits to `text` and seals `container`, which must be
/// [`compress_record`]'s container of `text`.
pub fn seal_container(
    root: &DataKeyRoot,
    text: &[u8],
    container: Vec<u8>,
) -> Result<SealedRecord, medchain_lzw::Error> {
    let header = medchain_lzw::read_header(&container)?;
    let commitment_key = root.commitment_key(text);
    let raw_hash = commitment_key.commit(text);
    let key = root.data_key(&raw_hash);
    let blob = medchain_crypto::seal(&key, &raw_hash, &commitment_key, &container);
    Ok(SealedRecord {
        raw_hash,
        content_hash: blake2_256(&blob),
        raw_len: text.len() as u64,
        compressed_len: container.len() as u64,
        method: header.method,
        dictionary: header.dictionary,
        blob,
    })
}

/// The container of `text`: one-shot (with `dictionary` when smaller) up to
/// [`FRAMED_ABOVE_LEN`], framed beyond.
fn compress(
    text: &[u8],
    options: &Options,
    dictionary: Option<&Dictionary>,
) -> Result<Vec<u8>, medchain_lzw::Error> {
    if text.len() <= FRAMED_ABOVE_LEN {
        return medchain_lzw::compress_with(text, options, dictionary);
    }
    let mut container = Vec::with_capacity(text.len() / 2);
    let mut compressor = medchain_lzw::stream::Compressor::new(*options)?;
    compressor.write(text, &mut container)?;
    compressor.finish(&mut container)?;
    Ok(container)
}

/// What the chain says of a record, as [`open_record`] checks a blob against it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RecordFacts {
    /// The record's `raw_hash` (commitment, or plain hash for version-1 records).
    pub raw_hash: [u8; 32],
    /// The record's `content_hash`.
    pub content_hash: [u8; 32],
    /// The record's `raw_len`.
    pub raw_len: u64,
}

/// Why a blob did not give back its record's text.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum OpenError {
    /// The blob does not hash to the record's `content_hash`: altered or another blob.
    ContentMismatch,
    /// The blob does not open with this key (wrong key, or altered inside).
    Sealed(CryptoError),
    /// The opened container does not decompress (or needs a dictionary not given).
    Undecodable(medchain_lzw::Error),
    /// The text is not the one `raw_hash` and `raw_len` commit to.
    RawMismatch,
}

impl core::fmt::Display for OpenError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::ContentMismatch => {
                write!(f, "the blob does not hash to the record's content_hash")
            }
            Self::Sealed(error) => write!(f, "the blob does not open: {error}"),
            Self::Undecodable(error) => write!(f, "the opened blob does not decompress: {error}"),
            Self::RawMismatch => write!(
                f,
                "the text does not match the record's raw_hash and raw_len"
            ),
        }
    }
}

impl core::error::Error for OpenError {}

/// Whether `blob` is a sealed envelope (as [`seal_record`] makes), rather than a bare
/// container that a node's worker kept before records were sealed.
pub fn is_sealed(blob: &[u8]) -> bool {
    blob.starts_with(&medchain_crypto::ENVELOPE_MAGIC)
}

/// Opens `blob` with `key` and gives back the text, checked against `facts`.
/// Decompression is bounded by `facts.raw_len` (and the codec's one-shot limit), so a
/// hostile blob cannot make it allocate more. The dictionary a container names must be
/// among `dictionaries`.
pub fn open_record(
    key: &DataKey,
    facts: &RecordFacts,
    blob: &[u8],
    dictionaries: &[&Dictionary],
) -> Result<Vec<u8>, OpenError> {
    if blake2_256(blob) != facts.content_hash {
        return Err(OpenError::ContentMismatch);
    }
    let opened = medchain_crypto::open(key, &facts.raw_hash, blob).map_err(OpenError::Sealed)?;
    let text = decompress(&opened.container, facts, dictionaries)?;
    if !opened.verifies(&text, &facts.raw_hash) {
        return Err(OpenError::RawMismatch);
    }
    Ok(text)
}

/// Gives back the text of a bare (unsealed) blob — a container that a node's worker
/// kept before records were sealed, whose `raw_hash` is the plain blake2-256 of the
/// text — checked against `facts` as [`open_record`] checks a sealed one.
pub fn open_bare_record(
    facts: &RecordFacts,
    blob: &[u8],
    dictionaries: &[&Dictionary],
) -> Result<Vec<u8>, OpenError> {
    if blake2_256(blob) != facts.content_hash {
        return Err(OpenError::ContentMismatch);
    }
    let text = decompress(blob, facts, dictionaries)?;
    if blake2_256(&text) != facts.raw_hash {
        return Err(OpenError::RawMismatch);
    }
    Ok(text)
}

/// Decompresses a record's container, bounded by and checked against its `raw_len`.
fn decompress(
    container: &[u8],
    facts: &RecordFacts,
    dictionaries: &[&Dictionary],
) -> Result<Vec<u8>, OpenError> {
    let limit = usize::try_from(facts.raw_len)
        .unwrap_or(usize::MAX)
        .min(medchain_lzw::MAX_ONE_SHOT_LEN);
    let text = match medchain_lzw::decompress_with(container, dictionaries, limit) {
        Ok(text) => text,
        // A sound container of a longer text than the record claims.
        Err(medchain_lzw::Error::TooLarge) => return Err(OpenError::RawMismatch),
        Err(error) => return Err(OpenError::Undecodable(error)),
    };
    if text.len() as u64 != facts.raw_len {
        return Err(OpenError::RawMismatch);
    }
    Ok(text)
}

#[cfg(test)]
mod tests;
