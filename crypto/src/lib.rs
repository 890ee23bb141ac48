//! # MedChain crypto
//!
//! Hybrid encryption of medical records, as the paper's data manager needs it: the chain
//! keeps hashes, the store keeps ciphertext, and only an approved demander gets the key.
//!
//! - [`AccountKeys`]: the encryption keys of one account, derived from its secret, so
//!   that nothing besides the account's own secret has to be kept or backed up:
//!   - an **X25519 key pair** — its public half is what `Access.set_encryption_key`
//!     publishes;
//!   - a **data-key root** — each record's data key is
//!     `HKDF-SHA256(root, "medchain/data-key/v1" ‖ raw_hash)`: one key per owner and
//!     text, so different records never share a key unless they are the same owner's
//!     same text (an amendment that keeps the text, or the text registered again after
//!     a retraction), which then seal to the same blob. The owner's own copy of every
//!     data key is its secret, and re-running an interrupted upload reproduces the same
//!     blob.
//! - [`seal`] / [`open`]: a record's compressed bytes under its [`DataKey`], with
//!   XChaCha20-Poly1305 (the blob the store keeps; see [`ENVELOPE_OVERHEAD`]).
//! - [`wrap_key`] / [`AccountKeys::unwrap_key`]: a data key sealed to a demander's public
//!   X25519 key with an ephemeral X25519 key, HKDF-SHA256 and XChaCha20-Poly1305 — the
//!   `wrapped_key` of `Access.deliver_key` ([`WRAPPED_KEY_LEN`] bytes), bound to the
//!   record id and blob hash so that it cannot be replayed for another record.
//!
//! ## Formats
//! Blob (envelope): `"MCB1"` ‖ version `1` ‖ nonce (24) ‖ ciphertext ‖ tag (16). The nonce
//! is synthetic, `HKDF(key, blake2-256(plaintext))`, so sealing is deterministic and a
//! nonce repeats only with the same plaintext under the same key. The associated data is
//! the magic, the version and the record's `raw_hash` (the nonce is bound by the cipher).
//!
//! Wrapped key: version `1` ‖ ephemeral public key (32) ‖ nonce (24) ‖ sealed key (32) ‖
//! tag (16). The associated data is `"medchain/wrap/v1"` ‖ record id (u64 LE) ‖
//! `content_hash` ‖ the recipient's public key.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use chacha20poly1305::{
    aead::{AeadInPlace, KeyInit},
    Tag, XChaCha20Poly1305, XNonce,
};
use hkdf::Hkdf;
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

/// The magic of a sealed blob.
pub const ENVELOPE_MAGIC: [u8; 4] = *b"MCB1";
/// The envelope format version.
pub const ENVELOPE_VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
const ENVELOPE_HEADER_LEN: usize = ENVELOPE_MAGIC.len() + 1 + NONCE_LEN;
/// Bytes a sealed blob adds to its plaintext: header, nonce and tag.
pub const ENVELOPE_OVERHEAD: usize = ENVELOPE_HEADER_LEN + TAG_LEN;

/// The wrapped-key format version.
pub const WRAP_VERSION: u8 = 1;
/// Length of a wrapped data key (fits `Access.MaxWrappedKeyLen`, 256).
pub const WRAPPED_KEY_LEN: usize = 1 + 32 + NONCE_LEN + 32 + TAG_LEN;

const KEYS_SALT: &[u8] = b"medchain/account-keys/v1";
const DATA_KEY_INFO: &[u8] = b"medchain/data-key/v1";
const NONCE_INFO: &[u8] = b"medchain/blob-nonce/v1";
const WRAP_INFO: &[u8] = b"medchain/wrap/v1";

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

impl std::error::Error for CryptoError {}

/// A record's 256-bit data key; wiped from memory when dropped.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    /// A key from its bytes (e.g. unwrapped by hand).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.as_ref().into())
    }
}

impl core::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// What a wrapped key is bound to: it opens only for this record and blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyBinding {
    /// The on-chain record id.
    pub record: u64,
    /// blake2-256 of the sealed blob.
    pub content_hash: [u8; 32],
}

/// The encryption keys of one account, derived from its secret.
pub struct AccountKeys {
    x25519: StaticSecret,
    data_root: Zeroizing<[u8; 32]>,
}

impl AccountKeys {
    /// Derives the keys from an account's secret (the CLI gives the 64-byte sr25519
    /// secret key, scalar and nonce; any high-entropy secret works). The same secret
    /// always gives the same keys.
    pub fn from_secret(secret: &[u8]) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(KEYS_SALT), secret);
        let mut x25519 = Zeroizing::new([0u8; 32]);
        let mut data_root = Zeroizing::new([0u8; 32]);
        expand(&hkdf, &[b"x25519"], x25519.as_mut());
        expand(&hkdf, &[b"data-key-root"], data_root.as_mut());
        Self {
            x25519: StaticSecret::from(*x25519),
            data_root,
        }
    }

    /// The public X25519 key to publish with `Access.set_encryption_key`.
    pub fn public_key(&self) -> [u8; 32] {
        PublicKey::from(&self.x25519).to_bytes()
    }

    /// The data key of this owner's record with `raw_hash`.
    pub fn data_key(&self, raw_hash: &[u8; 32]) -> DataKey {
        let hkdf = Hkdf::<Sha256>::from_prk(self.data_root.as_ref())
            .expect("a 32-byte root is a valid SHA-256 PRK");
        let mut key = [0u8; 32];
        expand(&hkdf, &[DATA_KEY_INFO, raw_hash], &mut key);
        DataKey::from_bytes(key)
    }

    /// Opens a data key wrapped for this account by [`wrap_key`].
    pub fn unwrap_key(&self, wrapped: &[u8], binding: &KeyBinding) -> Result<DataKey, CryptoError> {
        if wrapped.len() != WRAPPED_KEY_LEN || wrapped[0] != WRAP_VERSION {
            return Err(CryptoError::MalformedWrappedKey);
        }
        let ephemeral = PublicKey::from(<[u8; 32]>::try_from(&wrapped[1..33]).expect("32 bytes"));
        let shared = self.x25519.diffie_hellman(&ephemeral);
        if !shared.was_contributory() {
            return Err(CryptoError::WeakPublicKey);
        }
        let recipient = self.public_key();
        let kek = key_encryption_key(shared.as_bytes(), ephemeral.as_bytes(), &recipient);
        let nonce = XNonce::from_slice(&wrapped[33..33 + NONCE_LEN]);
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&wrapped[33 + NONCE_LEN..33 + NONCE_LEN + 32]);
        let tag = Tag::from_slice(&wrapped[WRAPPED_KEY_LEN - TAG_LEN..]);
        kek.cipher()
            .decrypt_in_place_detached(nonce, &wrap_aad(binding, &recipient), key.as_mut(), tag)
            .map_err(|_| CryptoError::Forged)?;
        Ok(DataKey::from_bytes(*key))
    }
}

/// Seals `key` to `recipient` (a published X25519 public key) for the record in
/// `binding`. Uses a fresh ephemeral key, so two wraps of one key differ.
pub fn wrap_key(
    key: &DataKey,
    recipient: &[u8; 32],
    binding: &KeyBinding,
) -> Result<Vec<u8>, CryptoError> {
    let ephemeral = StaticSecret::random_from_rng(OsRng);
    let ephemeral_public = PublicKey::from(&ephemeral);
    let shared = ephemeral.diffie_hellman(&PublicKey::from(*recipient));
    if !shared.was_contributory() {
        return Err(CryptoError::WeakPublicKey);
    }
    let kek = key_encryption_key(shared.as_bytes(), ephemeral_public.as_bytes(), recipient);
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let mut sealed = Zeroizing::new(*key.as_bytes());
    let tag = kek
        .cipher()
        .encrypt_in_place_detached(
            XNonce::from_slice(&nonce),
            &wrap_aad(binding, recipient),
            sealed.as_mut(),
        )
        .map_err(|_| CryptoError::Forged)?;
    let mut out = Vec::with_capacity(WRAPPED_KEY_LEN);
    out.push(WRAP_VERSION);
    out.extend_from_slice(ephemeral_public.as_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(sealed.as_ref());
    out.extend_from_slice(&tag);
    Ok(out)
}

/// Seals a record's compressed bytes under its data key. `raw_hash` (the record's
/// on-chain hash of the original text) is authenticated with it.
pub fn seal(key: &DataKey, raw_hash: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
    let nonce = synthetic_nonce(key, plaintext);
    let mut out = Vec::with_capacity(plaintext.len().saturating_add(ENVELOPE_OVERHEAD));
    out.extend_from_slice(&ENVELOPE_MAGIC);
    out.push(ENVELOPE_VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let (header, body) = out.split_at_mut(ENVELOPE_HEADER_LEN);
    let tag = key
        .cipher()
        .encrypt_in_place_detached(
            XNonce::from_slice(&nonce),
            &envelope_aad(&header[..ENVELOPE_MAGIC.len() + 1], raw_hash),
            body,
        )
        .expect("XChaCha20-Poly1305 seals up to 256 GiB per message");
    out.extend_from_slice(&tag);
    out
}

/// Opens a blob sealed by [`seal`], returning the compressed bytes.
pub fn open(key: &DataKey, raw_hash: &[u8; 32], envelope: &[u8]) -> Result<Vec<u8>, CryptoError> {
    if envelope.len() < ENVELOPE_MAGIC.len() + 1 {
        return Err(CryptoError::Truncated);
    }
    if envelope[..ENVELOPE_MAGIC.len()] != ENVELOPE_MAGIC {
        return Err(CryptoError::NotAnEnvelope);
    }
    let version = envelope[ENVELOPE_MAGIC.len()];
    if version != ENVELOPE_VERSION {
        return Err(CryptoError::UnknownEnvelopeVersion(version));
    }
    if envelope.len() < ENVELOPE_OVERHEAD {
        return Err(CryptoError::Truncated);
    }
    let (header, rest) = envelope.split_at(ENVELOPE_HEADER_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
    let mut plaintext = ciphertext.to_vec();
    key.cipher()
        .decrypt_in_place_detached(
            XNonce::from_slice(&header[ENVELOPE_MAGIC.len() + 1..]),
            &envelope_aad(&header[..ENVELOPE_MAGIC.len() + 1], raw_hash),
            &mut plaintext,
            Tag::from_slice(tag),
        )
        .map_err(|_| CryptoError::Forged)?;
    Ok(plaintext)
}

/// blake2-256, the hash the chain keeps (`raw_hash`, `content_hash`).
pub fn blake2_256(bytes: &[u8]) -> [u8; 32] {
    sp_crypto_hashing::blake2_256(bytes)
}

fn expand(hkdf: &Hkdf<Sha256>, info: &[&[u8]], out: &mut [u8]) {
    hkdf.expand_multi_info(info, out)
        .expect("at most 255 SHA-256 blocks are requested");
}

fn synthetic_nonce(key: &DataKey, plaintext: &[u8]) -> [u8; NONCE_LEN] {
    let hkdf = Hkdf::<Sha256>::new(Some(NONCE_INFO), key.as_bytes());
    let mut nonce = [0u8; NONCE_LEN];
    expand(&hkdf, &[&blake2_256(plaintext)], &mut nonce);
    nonce
}

fn envelope_aad(header: &[u8], raw_hash: &[u8; 32]) -> Vec<u8> {
    [header, raw_hash.as_slice()].concat()
}

fn key_encryption_key(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> DataKey {
    let salt = [ephemeral.as_slice(), recipient.as_slice()].concat();
    let hkdf = Hkdf::<Sha256>::new(Some(&salt), shared);
    let mut kek = [0u8; 32];
    expand(&hkdf, &[WRAP_INFO], &mut kek);
    DataKey::from_bytes(kek)
}

fn wrap_aad(binding: &KeyBinding, recipient: &[u8; 32]) -> Vec<u8> {
    [
        WRAP_INFO,
        &binding.record.to_le_bytes(),
        &binding.content_hash,
        recipient,
    ]
    .concat()
}

#[cfg(test)]
mod tests;
