//! # MedChain runtime common
//!
//! What MedChain's two runtimes share, kept once: the solo chain (`medchain-runtime`,
//! Aura + GRANDPA) and the parachain (`medchain-para-runtime`, Aura collators, finality
//! from the relay chain) configure the consortium's pallets from here, so a bound, a
//! deposit or an origin changes with one edit and the two chains cannot drift apart.
//!
//! - The chain's basic types ([`AccountId`], [`Balance`], [`BlockNumber`], …) and units.
//! - The consortium's bounds and prices ([`params`]), with durations in milliseconds that
//!   each runtime turns into blocks of its own block time ([`blocks_in`]).
//! - Governance ([`governance`]): the council's instance, [`EnsureRootOrCouncilMajority`],
//!   [`AbstentionIsNay`], and the council motion that may authorise a runtime upgrade.
//! - The transaction extensions every signed transaction carries ([`TxExtension`],
//!   [`tx_extension`]), the same for Polkadot.js, the CLI, the benchmarks and the
//!   off-chain worker.
//! - [`impl_consortium_configs!`]: the `Config` implementations of `Council`,
//!   `ConsortiumMembership`, `Preimage`, `MedicalRecords` and `Access`, the `change_key`
//!   filter and the worker's transaction signing, expanded inside each runtime (a
//!   pallet's `Config` must be implemented by the crate that defines the runtime).
//! - [`genesis`]: the demo consortium's members, endowments and roles for the
//!   `development` and `local_testnet` presets.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod apis;
mod configs;
pub mod genesis;
pub mod governance;
pub mod network;
pub mod params;
pub mod transaction;

pub use governance::{
    AbstentionIsNay, CouncilCollective, EnsureCouncilMajority, EnsureRootOrCouncilMajority,
};
pub use transaction::{tx_extension, TxExtension, WORKER_TX_MORTALITY};

/// Re-exports for [`impl_consortium_configs!`], so a runtime needs no extra dependency
/// to expand it.
#[doc(hidden)]
pub mod reexport {
    pub use codec;
    pub use frame_support;
    pub use log;
    pub use scale_info;
    pub use sp_runtime;
}

use sp_runtime::{
    traits::{IdentifyAccount, Verify},
    MultiAddress, MultiSignature,
};

/// Signature of transactions (sr25519, ed25519 or ecdsa).
pub type Signature = MultiSignature;
/// Account id: the public key behind a signature.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account.
pub type Balance = u128;
/// Transaction index of an account.
pub type Nonce = u32;
/// Block hash.
pub type Hash = sp_core::H256;
/// Block number.
pub type BlockNumber = u32;
/// Address format of transactions.
pub type Address = MultiAddress<AccountId, ()>;

/// The token has 12 decimals: one unit is 10^12 plancks.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a unit.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// A millionth of a unit.
pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
/// The smallest balance an account may hold.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// A minute, in milliseconds.
pub const MINUTE_MS: u64 = 60_000;
/// A day, in milliseconds.
pub const DAY_MS: u64 = 24 * 60 * MINUTE_MS;

/// How many blocks of `ms_per_block` last `duration_ms` (rounded down, at least one).
pub const fn blocks_in(duration_ms: u64, ms_per_block: u64) -> BlockNumber {
    let blocks = duration_ms / ms_per_block;
    if blocks == 0 {
        1
    } else if blocks > BlockNumber::MAX as u64 {
        BlockNumber::MAX
    } else {
        blocks as BlockNumber
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_become_whole_blocks() {
        assert_eq!(blocks_in(DAY_MS, 3_000), 28_800);
        assert_eq!(blocks_in(DAY_MS, 6_000), 14_400);
        assert_eq!(blocks_in(MINUTE_MS, 7_000), 8);
        assert_eq!(blocks_in(1, 6_000), 1);
        assert_eq!(blocks_in(u64::MAX, 1), BlockNumber::MAX);
    }
}
