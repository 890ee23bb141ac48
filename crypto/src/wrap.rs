//! Data keys wrapped for a demander's published X25519 key.

use alloc::vec::Vec;
use chacha20poly1305::{
    aead::{AeadInPlace, KeyInit},
    Tag, XChaCha20Poly1305, XNonce,
};
use hkdf::Hkdf;
use rand_core::CryptoRngCore;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::{
    expand, AccountKeys, CryptoError, DataKey, NONCE_LEN, TAG_LEN, WRAPPED_KEY_LEN, WRAP_VERSION,
};

const WRAP_INFO: &[u8] = b"medchain/wrap/v1";

/// What a wrapped key is bound to: it opens only for this record and blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyBinding {
    /// The on-chain record id.
    pub record: u64,
    /// blake2-256 of the sealed blob.
    pub content_hash: [u8; 32],
}

impl AccountKeys {
    /// Opens a data key wrapped for this account by [`wrap_key_with`].
    pub fn unwrap_key(&self, wrapped: &[u8], binding: &KeyBinding) -> Result<DataKey, CryptoError> {
        if wrapped.len() != WRAPPED_KEY_LEN || wrapped[0] != WRAP_VERSION {
            return Err(CryptoError::MalformedWrappedKey);
        }
        let mut ephemeral = [0u8; 32];
        ephemeral.copy_from_slice(&wrapped[1..33]);
        let ephemeral = PublicKey::from(ephemeral);
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
        kek.decrypt_in_place_detached(nonce, &wrap_aad(binding, &recipient), key.as_mut(), tag)
            .map_err(|_| CryptoError::Forged)?;
        Ok(DataKey::from_bytes(*key))
    }
}

/// Seals `key` to `recipient` (a published X25519 public key) for the record in
/// `binding`, with the operating system's randomness.
#[cfg(feature = "std")]
pub fn wrap_key(
    key: &DataKey,
    recipient: &[u8; 32],
    binding: &KeyBinding,
) -> Result<Vec<u8>, CryptoError> {
    wrap_key_with(&mut rand_core::OsRng, key, recipient, binding)
}

/// Seals `key` to `recipient` for the record in `binding`, with a fresh ephemeral key
/// and nonce from `rng`, so two wraps of one key differ.
pub fn wrap_key_with(
    rng: &mut impl CryptoRngCore,
    key: &DataKey,
    recipient: &[u8; 32],
    binding: &KeyBinding,
) -> Result<Vec<u8>, CryptoError> {
    let ephemeral = StaticSecret::random_from_rng(&mut *rng);
    let ephemeral_public = PublicKey::from(&ephemeral);
    let shared = ephemeral.diffie_hellman(&PublicKey::from(*recipient));
    if !shared.was_contributory() {
        return Err(CryptoError::WeakPublicKey);
    }
    let kek = key_encryption_key(shared.as_bytes(), ephemeral_public.as_bytes(), recipient);
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let mut sealed = Zeroizing::new(*key.as_bytes());
    let tag = kek
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

fn key_encryption_key(
    shared: &[u8; 32],
    ephemeral: &[u8; 32],
    recipient: &[u8; 32],
) -> XChaCha20Poly1305 {
    let salt = [ephemeral.as_slice(), recipient.as_slice()].concat();
    let hkdf = Hkdf::<Sha256>::new(Some(&salt), shared);
    let mut kek = Zeroizing::new([0u8; 32]);
    expand(&hkdf, &[WRAP_INFO], kek.as_mut());
    XChaCha20Poly1305::new(kek.as_ref().into())
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
