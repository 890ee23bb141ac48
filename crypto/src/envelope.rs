//! Sealed blobs: a record's compressed bytes under its data key.

use alloc::vec::Vec;
use blake2::{digest::consts::U32, Blake2b, Digest};
use chacha20poly1305::{
    aead::{AeadInPlace, KeyInit},
    Tag, XChaCha20Poly1305, XNonce,
};
use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::{
    blake2_256, expand, CommitmentKey, CryptoError, DataKey, ENVELOPE_MAGIC, ENVELOPE_VERSION,
    ENVELOPE_VERSION_PLAIN, KEY_LEN, NONCE_LEN, TAG_LEN,
};

const HEADER_LEN: usize = ENVELOPE_MAGIC.len() + 1;
const NONCE_INFO_V1: &[u8] = b"medchain/blob-nonce/v1";
const NONCE_INFO_V2: &[u8] = b"medchain/blob-nonce/v2";

fn cipher(key: &DataKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(key.as_bytes().into())
}

/// The envelope version of a sealed blob (read before its data key is derived).
pub fn envelope_version(envelope: &[u8]) -> Result<u8, CryptoError> {
    if envelope.len() < HEADER_LEN {
        return Err(CryptoError::Truncated);
    }
    if envelope[..ENVELOPE_MAGIC.len()] != ENVELOPE_MAGIC {
        return Err(CryptoError::NotAnEnvelope);
    }
    match envelope[ENVELOPE_MAGIC.len()] {
        v @ (ENVELOPE_VERSION_PLAIN | ENVELOPE_VERSION) => Ok(v),
        other => Err(CryptoError::UnknownEnvelopeVersion(other)),
    }
}

/// Seals a record's compressed bytes under its data key (envelope version 2).
/// `raw_hash` (the record's commitment, made with `commitment_key`) is authenticated
/// with them, and `commitment_key` travels inside, for whoever opens the blob.
pub fn seal(
    key: &DataKey,
    raw_hash: &[u8; 32],
    commitment_key: &CommitmentKey,
    container: &[u8],
) -> Vec<u8> {
    let mut plaintext = Zeroizing::new(Vec::with_capacity(KEY_LEN + container.len()));
    plaintext.extend_from_slice(commitment_key.as_bytes());
    plaintext.extend_from_slice(container);
    seal_version(key, ENVELOPE_VERSION, raw_hash, &plaintext)
}

/// Seals in the version-1 format (plain `raw_hash`, no commitment key): only to test
/// that old blobs still open.
#[cfg(test)]
pub(crate) fn seal_v1(key: &DataKey, raw_hash: &[u8; 32], container: &[u8]) -> Vec<u8> {
    seal_version(key, ENVELOPE_VERSION_PLAIN, raw_hash, container)
}

fn seal_version(key: &DataKey, version: u8, raw_hash: &[u8; 32], plaintext: &[u8]) -> Vec<u8> {
    let header = header(version);
    let aad = aad(&header, raw_hash);
    let nonce = synthetic_nonce(key, version, &aad, plaintext);
    let mut out = Vec::with_capacity(
        plaintext
            .len()
            .saturating_add(HEADER_LEN + NONCE_LEN + TAG_LEN),
    );
    out.extend_from_slice(&header);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plaintext);
    let body = &mut out[HEADER_LEN + NONCE_LEN..];
    let tag = cipher(key)
        .encrypt_in_place_detached(XNonce::from_slice(&nonce), &aad, body)
        .expect("XChaCha20-Poly1305 seals up to 256 GiB per message");
    out.extend_from_slice(&tag);
    out
}

/// What [`open`] found in a blob: the compressed bytes and how to check the text they
/// restore against the record's `raw_hash`.
pub struct Opened {
    /// The compressed bytes (a `medchain-lzw` container).
    pub container: Vec<u8>,
    /// The commitment key of a version-2 blob; `None` for version 1 (plain hash).
    commitment_key: Option<CommitmentKey>,
}

impl Opened {
    /// Whether `text` is the text `raw_hash` commits to.
    pub fn verifies(&self, text: &[u8], raw_hash: &[u8; 32]) -> bool {
        let expected = match &self.commitment_key {
            Some(key) => key.commit(text),
            None => blake2_256(text),
        };
        expected == *raw_hash
    }

    /// The commitment key the blob carried (version 2).
    pub fn commitment_key(&self) -> Option<&CommitmentKey> {
        self.commitment_key.as_ref()
    }
}

/// Opens a blob sealed by [`seal`] (or by the version-1 format).
pub fn open(key: &DataKey, raw_hash: &[u8; 32], envelope: &[u8]) -> Result<Opened, CryptoError> {
    let version = envelope_version(envelope)?;
    let min_plaintext = if version == ENVELOPE_VERSION {
        KEY_LEN
    } else {
        0
    };
    if envelope.len() < HEADER_LEN + NONCE_LEN + TAG_LEN + min_plaintext {
        return Err(CryptoError::Truncated);
    }
    let (header, rest) = envelope.split_at(HEADER_LEN);
    let (nonce, rest) = rest.split_at(NONCE_LEN);
    let (ciphertext, tag) = rest.split_at(rest.len() - TAG_LEN);
    let mut plaintext = ciphertext.to_vec();
    cipher(key)
        .decrypt_in_place_detached(
            XNonce::from_slice(nonce),
            &aad(header, raw_hash),
            &mut plaintext,
            Tag::from_slice(tag),
        )
        .map_err(|_| CryptoError::Forged)?;
    if version == ENVELOPE_VERSION_PLAIN {
        return Ok(Opened {
            container: plaintext,
            commitment_key: None,
        });
    }
    let mut commitment_key = Zeroizing::new([0u8; KEY_LEN]);
    commitment_key.copy_from_slice(&plaintext[..KEY_LEN]);
    plaintext[..KEY_LEN].fill(0);
    plaintext.drain(..KEY_LEN);
    Ok(Opened {
        container: plaintext,
        commitment_key: Some(CommitmentKey::from_bytes(*commitment_key)),
    })
}

fn header(version: u8) -> [u8; HEADER_LEN] {
    let mut header = [0u8; HEADER_LEN];
    header[..ENVELOPE_MAGIC.len()].copy_from_slice(&ENVELOPE_MAGIC);
    header[ENVELOPE_MAGIC.len()] = version;
    header
}

fn aad(header: &[u8], raw_hash: &[u8; 32]) -> Vec<u8> {
    [header, raw_hash.as_slice()].concat()
}

/// Version 1 derived the nonce from the plaintext alone; version 2 also from the
/// associated data, so the same bytes sealed for two records never share a nonce.
fn synthetic_nonce(key: &DataKey, version: u8, aad: &[u8], plaintext: &[u8]) -> [u8; NONCE_LEN] {
    let (salt, digest) = if version == ENVELOPE_VERSION_PLAIN {
        (NONCE_INFO_V1, blake2_256(plaintext))
    } else {
        let digest = Blake2b::<U32>::new()
            .chain_update((aad.len() as u64).to_le_bytes())
            .chain_update(aad)
            .chain_update(plaintext)
            .finalize();
        (NONCE_INFO_V2, digest.into())
    };
    let mut nonce = [0u8; NONCE_LEN];
    expand(
        &Hkdf::<Sha256>::new(Some(salt), key.as_bytes()),
        &[&digest],
        &mut nonce,
    );
    nonce
}
