//! An account's keys: its X25519 pair, its data-key root, and what the root derives.

use hkdf::Hkdf;
use sha2::Sha256;
use x25519_dalek::{PublicKey, StaticSecret};
use zeroize::Zeroizing;

use crate::{blake2_256, expand, keyed_blake2_256};

const KEYS_SALT: &[u8] = b"medchain/account-keys/v1";
const DATA_KEY_INFO: &[u8] = b"medchain/data-key/v1";
const COMMITMENT_KEY_INFO: &[u8] = b"medchain/commitment-key/v2";

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
}

impl core::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DataKey(..)")
    }
}

/// The key of one record's commitment (`raw_hash`); travels inside its sealed blob.
#[derive(Clone, PartialEq, Eq)]
pub struct CommitmentKey(Zeroizing<[u8; 32]>);

impl CommitmentKey {
    /// A key from its bytes (as a blob carries it).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The commitment to `text`: keyed BLAKE2b-256.
    pub fn commit(&self, text: &[u8]) -> [u8; 32] {
        keyed_blake2_256(&self.0, text)
    }
}

impl core::fmt::Debug for CommitmentKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CommitmentKey(..)")
    }
}

/// An owner's data-key root: derives every record's commitment and data key. The owner
/// holds it through its secret; a node's worker holds a provisioned copy.
#[derive(Clone)]
pub struct DataKeyRoot(Zeroizing<[u8; 32]>);

impl DataKeyRoot {
    /// A root from its bytes (as provisioned to a worker).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The root's bytes (to provision a worker; keep them secret).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn hkdf(&self) -> Hkdf<Sha256> {
        Hkdf::<Sha256>::from_prk(self.0.as_ref()).expect("a 32-byte root is a valid SHA-256 PRK")
    }

    /// The commitment key of this owner's record of `text`.
    pub fn commitment_key(&self, text: &[u8]) -> CommitmentKey {
        let mut key = Zeroizing::new([0u8; 32]);
        expand(
            &self.hkdf(),
            &[COMMITMENT_KEY_INFO, &blake2_256(text)],
            key.as_mut(),
        );
        CommitmentKey(key)
    }

    /// The record's `raw_hash`: this owner's keyed commitment to `text`.
    pub fn commit(&self, text: &[u8]) -> [u8; 32] {
        self.commitment_key(text).commit(text)
    }

    /// The data key of this owner's record with `raw_hash` (of either kind: a plain hash
    /// for version-1 blobs, a commitment for version 2; they never coincide).
    pub fn data_key(&self, raw_hash: &[u8; 32]) -> DataKey {
        let mut key = Zeroizing::new([0u8; 32]);
        expand(&self.hkdf(), &[DATA_KEY_INFO, raw_hash], key.as_mut());
        DataKey(key)
    }
}

impl core::fmt::Debug for DataKeyRoot {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DataKeyRoot(..)")
    }
}

/// The encryption keys of one account, derived from its secret.
pub struct AccountKeys {
    pub(crate) x25519: StaticSecret,
    data_root: DataKeyRoot,
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
            data_root: DataKeyRoot(data_root),
        }
    }

    /// The public X25519 key to publish with `Access.set_encryption_key`.
    pub fn public_key(&self) -> [u8; 32] {
        PublicKey::from(&self.x25519).to_bytes()
    }

    /// The root of this account's commitments and data keys.
    pub fn data_root(&self) -> &DataKeyRoot {
        &self.data_root
    }
}
