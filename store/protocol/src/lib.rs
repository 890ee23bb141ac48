//! The wire protocol between the store and its clients: paths, headers, the message an
//! account signs, and the JSON bodies. Both ends use these, so they cannot drift apart.
//!
//! | method | path | who | answer |
//! | --- | --- | --- | --- |
//! | `GET` | `/v1/info` | anyone | [`Info`] |
//! | `POST` | `/v1/challenge` | anyone | [`Challenge`]: 32 bytes, single use |
//! | `PUT` | `/v1/blobs/{record}` | the record's owner or manager, signed | [`Stored`] (201 new, 200 already held) |
//! | `GET` | `/v1/blobs/{record}` | whoever `AccessApi.can_access` allows, signed | the blob |
//!
//! A signed request carries [`ACCOUNT_HEADER`] (the account's 32-byte public key, hex),
//! [`CHALLENGE_HEADER`] and [`SIGNATURE_HEADER`]: the sr25519 signature of
//! [`signed_message`] over the store's manager, the method, the path and the challenge.
//! Errors are [`ErrorBody`] with the HTTP status that says what went wrong.
//!
//! `no_std` + `alloc`: the node's off-chain worker uploads with the same code.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::{format, string::String, vec::Vec};
use serde::{Deserialize, Serialize};

/// The account (hex of its 32-byte sr25519 public key) making a signed request.
pub const ACCOUNT_HEADER: &str = "x-medchain-account";
/// A challenge from `POST /v1/challenge` (hex).
pub const CHALLENGE_HEADER: &str = "x-medchain-challenge";
/// The sr25519 signature of [`signed_message`] (hex, 64 bytes).
pub const SIGNATURE_HEADER: &str = "x-medchain-signature";
/// The protocol version in paths and signed messages.
pub const VERSION: u32 = 1;

/// The path of a record's blob.
pub fn blob_path(record: u64) -> String {
    format!("/v1/blobs/{record}")
}

/// What an account signs to make one request: the store (its manager's account), the
/// method and the path are included so that a signature cannot be replayed at another
/// store, for an upload instead of a download, or for another record.
pub fn signed_message(manager: &[u8], method: &str, path: &str, challenge: &[u8; 32]) -> Vec<u8> {
    let mut message = format!(
        "medchain-store/v{VERSION}\n{}\n{method} {path}\n",
        to_hex(manager)
    )
    .into_bytes();
    message.extend_from_slice(challenge);
    message
}

/// `GET /v1/info`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Info {
    /// The data manager's account (hex) that records kept here must name.
    pub manager: String,
    /// The protocol version.
    pub version: u32,
    /// The largest blob accepted, in bytes.
    pub max_blob_bytes: u64,
}

/// `POST /v1/challenge`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// 32 bytes (hex) to sign; valid once.
    pub challenge: String,
    /// The store's manager account (hex), part of the signed message.
    pub manager: String,
    /// Seconds until it expires.
    pub expires_in_secs: u64,
}

/// Why a client does not sign for a challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeRefusal {
    /// The challenge is not 32 bytes of hex.
    Malformed,
    /// The store belongs to another manager (its account, hex): a client signs only for
    /// the store of the manager the record names.
    OtherManager(String),
}

impl Challenge {
    /// The message to sign for `method` on `path` at the store of `manager` (its
    /// account's bytes), and the challenge's bytes; refused unless this store says it is
    /// `manager`'s. The CLI and the node's worker both sign through this.
    pub fn signed_message_for(
        &self,
        manager: &[u8],
        method: &str,
        path: &str,
    ) -> Result<(Vec<u8>, [u8; 32]), ChallengeRefusal> {
        let challenge = from_hex::<32>(&self.challenge).ok_or(ChallengeRefusal::Malformed)?;
        if self.manager != to_hex(manager) {
            return Err(ChallengeRefusal::OtherManager(self.manager.clone()));
        }
        Ok((signed_message(manager, method, path, &challenge), challenge))
    }
}

impl Stored {
    /// Whether this answer confirms that the store holds `len` bytes hashing to
    /// `content_hash` as record `record`'s blob.
    pub fn confirms(&self, record: u64, content_hash: &[u8; 32], len: u64) -> bool {
        self.record == record && self.content_hash == to_hex(content_hash) && self.bytes == len
    }
}

/// The answer to a `PUT`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// The record.
    pub record: u64,
    /// blake2-256 of the blob (hex), as the chain has it.
    pub content_hash: String,
    /// The blob's length.
    pub bytes: u64,
    /// False when the store already held these bytes.
    pub created: bool,
}

/// Every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What went wrong, for a person.
    pub error: String,
}

/// `0x`-prefixed lower-case hex.
pub fn to_hex(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}

/// Parses hex (with or without `0x`) of exactly `N` bytes.
pub fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let text = text.strip_prefix("0x").unwrap_or(text);
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}
