//! # MedChain crypto
//!
//! Hybrid encryption of medical records, as the paper's data manager needs it: the chain
//! keeps commitments, the store keeps ciphertext, and only an approved demander gets the
//! key. `no_std` + `alloc`, so the runtime's off-chain worker seals in WASM with the same
//! code as the command line.
//!
//! - [`AccountKeys`]: the encryption keys of one account, derived from its secret, so
//!   that nothing besides the account's own secret has to be kept or backed up:
//!   - an **X25519 key pair** — its public half is what `Access.set_encryption_key`
//!     publishes;
//!   - a **data-key root** ([`DataKeyRoot`]) — the only secret a node's worker needs to
//!     seal an owner's records (the operator provisions it into the node's local storage).
//! - **Commitments** ([`DataKeyRoot::commit`]): a record's on-chain `raw_hash` is a
//!   *keyed* hash of its text, `raw_hash = BLAKE2b-256(key = ck, text)` with the
//!   record's commitment key `ck = HKDF(root, "medchain/commitment-key/v2" ‖
//!   blake2-256(text))`. Only the owner (and whoever gets `ck`) can recompute it, so
//!   nobody who syncs the chain can confirm a guess of a templated note or link the same
//!   text across owners; the owner's commitments stay deterministic, so the chain's
//!   duplicate check still works.
//! - **Data keys** ([`DataKeyRoot::data_key`]): `HKDF-SHA256(root,
//!   "medchain/data-key/v1" ‖ raw_hash)`, one key per owner and text, so the owner finds
//!   a record's key from the chain alone (the same formula for both kinds of `raw_hash`).
//! - [`seal`] / [`open`]: a record's compressed bytes under its [`DataKey`], with
//!   XChaCha20-Poly1305 (the blob the store keeps). A version-2 blob carries `ck` inside
//!   the ciphertext, so whoever holds the data key — the owner, or an approved demander
//!   — checks the text it decrypts against `raw_hash` ([`Opened::verifies`]), and learns
//!   nothing about any other record.
//! - [`wrap_key`] / [`AccountKeys::unwrap_key`]: a data key sealed to a demander's public
//!   X25519 key with an ephemeral X25519 key, HKDF-SHA256 and XChaCha20-Poly1305 — the
//!   `wrapped_key` of `Access.deliver_key` ([`WRAPPED_KEY_LEN`] bytes), bound to the
//!   record id and blob hash so that it cannot be replayed for another record.
//!
//! ## Formats
//! Blob (envelope) version 2: `"MCB1"` ‖ `2` ‖ nonce (24) ‖ ciphertext of (`ck` (32) ‖
//! compressed bytes) ‖ tag (16). The associated data is the magic, the version and the
//! record's `raw_hash`; the nonce is synthetic, `HKDF(key, blake2-256(len(aad) ‖ aad ‖
//! plaintext))`, so sealing is deterministic (a resumed upload reproduces the blob) and a
//! nonce repeats only for the same plaintext and associated data under the same key.
//!
//! Blob version 1 (records made before keyed commitments; opened, never written):
//! `"MCB1"` ‖ `1` ‖ nonce (24) ‖ ciphertext of the compressed bytes ‖ tag (16); its
//! `raw_hash` is the plain blake2-256 of the text.
//!
//! Wrapped key: version `1` ‖ ephemeral public key (32) ‖ nonce (24) ‖ sealed key (32) ‖
//! tag (16). The associated data is `"medchain/wrap/v1"` ‖ record id (u64 LE) ‖
//! `content_hash` ‖ the recipient's public key.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

mod envelope;
mod keys;
mod wrap;

pub use envelope::{envelope_version, open, seal, Opened};
pub use keys::{AccountKeys, CommitmentKey, DataKey, DataKeyRoot};
#[cfg(feature = "std")]
pub use wrap::wrap_key;
pub use wrap::{wrap_key_with, KeyBinding};

use blake2::{digest::consts::U32, Blake2b, Blake2bMac, Digest};
use hkdf::Hkdf;
use sha2::Sha256;

/// The magic of a sealed blob.
pub const ENVELOPE_MAGIC: [u8; 4] = *b"MCB1";
/// The envelope version [`seal`] writes: keyed commitments, the commitment key inside.
pub const ENVELOPE_VERSION: u8 = 2;
/// The first envelope version (plain `raw_hash`); still opened.
pub const ENVELOPE_VERSION_PLAIN: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const KEY_LEN: usize = 32;
/// Bytes a version-2 blob adds to the compressed bytes: header, nonce, commitment key
/// and tag. Also the most any version adds (version 1 adds 32 fewer), so it bounds a
/// blob's length from the chain's `compressed_len`.
pub const ENVELOPE_OVERHEAD: usize = ENVELOPE_MAGIC.len() + 1 + NONCE_LEN + KEY_LEN + TAG_LEN;

/// The wrapped-key format version.
pub const WRAP_VERSION: u8 = 1;
/// Length of a wrapped data key (fits `Access.MaxWrappedKeyLen`, 256).
pub const WRAPPED_KEY_LEN: usize = 1 + 32 + NONCE_LEN + 32 + TAG_LEN;

/// Why a blob or a wrapped key could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoError {
    /// The blob does not start with the envelope magic.
    NotAnEnvelope,
    /// The envelope has a version this build does not know.
    UnknownEnvelopeVersion(u8),
    /// Shorter than a header and a tag.
    Truncated,
    /// Authentication failed: the wrong key, the wrong record, or altered bytes.
    Forged,
    /// A wrapped key of the wrong length or version.
    MalformedWrappedKey,
    /// The recipient's public key is the all-zero (or another low-order) point.
    WeakPublicKey,
}

impl core::fmt::Display for CryptoError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::NotAnEnvelope => write!(f, "not a MedChain sealed blob (bad magic)"),
            Self::UnknownEnvelopeVersion(v) => write!(f, "unknown sealed-blob version {v}"),
            Self::Truncated => write!(f, "sealed data is truncated"),
            Self::Forged => write!(
                f,
                "authentication failed: wrong key, wrong record, or the bytes were altered"
            ),
            Self::MalformedWrappedKey => write!(
                f,
                "wrapped key must be {WRAPPED_KEY_LEN} bytes of version {WRAP_VERSION}"
            ),
            Self::WeakPublicKey => write!(f, "the recipient's X25519 key is a weak point"),
        }
    }
}

impl core::error::Error for CryptoError {}

/// blake2-256, the hash the chain keeps of a sealed blob (`content_hash`) and, for
/// version-1 records, of the text.
pub fn blake2_256(bytes: &[u8]) -> [u8; 32] {
    Blake2b::<U32>::digest(bytes).into()
}

/// Keyed BLAKE2b-256 (the MAC mode of BLAKE2, RFC 7693).
fn keyed_blake2_256(key: &[u8; 32], bytes: &[u8]) -> [u8; 32] {
    use blake2::digest::{KeyInit, Mac};
    let mut mac = <Blake2bMac<U32> as KeyInit>::new_from_slice(key)
        .expect("BLAKE2b takes keys of up to 64 bytes");
    Mac::update(&mut mac, bytes);
    Mac::finalize(mac).into_bytes().into()
}

fn expand(hkdf: &Hkdf<Sha256>, info: &[&[u8]], out: &mut [u8]) {
    hkdf.expand_multi_info(info, out)
        .expect("at most 255 SHA-256 blocks are requested");
}

#[cfg(test)]
mod tests;
