//! The worker's state as runtimes before sealing (spec ≤ 103) wrote it, and
//! [`ItemState::decode_stored`], which reads both layouts.

use super::{ItemState, Prepared};
use crate::{CodecMethod, RecordId};
use codec::{Decode, Encode};
use sp_core::H256;

/// [`Prepared`] as runtimes before sealing (spec ≤ 103) wrote it.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode)]
pub(crate) struct LegacyPrepared {
    pub(crate) raw_hash: H256,
    pub(crate) content_hash: H256,
    pub(crate) raw_len: u64,
    pub(crate) compressed_len: u64,
    pub(crate) method: CodecMethod,
}

impl From<LegacyPrepared> for Prepared {
    fn from(old: LegacyPrepared) -> Self {
        Prepared {
            raw_hash: old.raw_hash,
            content_hash: old.content_hash,
            raw_len: old.raw_len,
            compressed_len: old.compressed_len,
            method: old.method,
            // A legacy blob is a bare container: the worker reads the dictionary from
            // its header.
            dictionary: None,
            sealed: false,
        }
    }
}

/// [`ItemState`] as runtimes before sealing wrote it.
#[derive(Decode)]
enum LegacyItemState<AccountId> {
    Prepared(LegacyPrepared),
    Submitted {
        prepared: LegacyPrepared,
        owner: AccountId,
        at: u32,
        nonce: u64,
        attempts: u8,
    },
    Seen {
        prepared: LegacyPrepared,
        owner: AccountId,
        id: RecordId,
        at: u32,
    },
    Stalled(LegacyPrepared),
}

impl<AccountId: Decode> ItemState<AccountId> {
    /// Decodes a stored state, of this layout or of the one before sealing (each must
    /// take all the bytes, so one is never misread as the other).
    pub fn decode_stored(bytes: &[u8]) -> Option<Self> {
        use codec::DecodeAll;
        if let Ok(state) = Self::decode_all(&mut &bytes[..]) {
            return Some(state);
        }
        Some(
            match LegacyItemState::<AccountId>::decode_all(&mut &bytes[..]).ok()? {
                LegacyItemState::Prepared(p) => ItemState::Prepared(p.into()),
                LegacyItemState::Stalled(p) => ItemState::Stalled(p.into()),
                LegacyItemState::Submitted {
                    prepared,
                    owner,
                    at,
                    nonce,
                    attempts,
                } => ItemState::Submitted {
                    prepared: prepared.into(),
                    owner,
                    at,
                    nonce,
                    attempts,
                },
                LegacyItemState::Seen {
                    prepared,
                    owner,
                    id,
                    at,
                } => ItemState::Seen {
                    prepared: prepared.into(),
                    owner,
                    id,
                    at,
                },
            },
        )
    }
}
