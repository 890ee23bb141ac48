//! # MedChain parachain runtime
//!
//! The consortium's chain as a parachain of a relay chain: the same pallets, names and
//! indexes as the solo runtime (`medchain-runtime`), so Polkadot.js scripts and the
//! `medchain` CLI work on both; blocks come from Aura collators and finality from the
//! relay chain (no GRANDPA). It runs on `polkadot-omni-node`.
//!
//! Pallets, by the names Polkadot.js shows: `System`, `Timestamp`, `Aura`, `Balances`,
//! `TransactionPayment`, `Sudo` (a key only in the `development` preset), `Council`,
//! `ConsortiumMembership`, `Preimage`, `MedicalRecords` and `Access` (as on the solo
//! chain, configured once in `medchain-runtime-common`), plus what a parachain needs:
//! `ParachainSystem` (relay-chain validation data, runtime upgrades through the relay
//! chain, downward messages), `ParachainInfo` (the para id), `AuraExt`, `Authorship`,
//! `CollatorSelection` (collators set by the council), `Session` and `MessageQueue`.
//!
//! The chain serves no XCM: downward messages from the relay chain are queued and
//! discarded (see [`configs`]); nothing sends messages to other chains.
//!
//! - [`configs`]: the parachain's own pallet configurations.
//! - [`apis`]: the runtime APIs `polkadot-omni-node`, Polkadot.js and the CLI use.
//! - [`genesis_config_presets`]: `development` and `local_testnet`, para id [`PARA_ID`].

#![cfg_attr(not(feature = "std"), no_std)]
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;

extern crate alloc;

use alloc::{borrow::Cow, vec::Vec};
use sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256};
use sp_version::RuntimeVersion;

pub use frame_support::instances::Instance1;
pub use medchain_runtime_common::{
    AccountId, Address, Balance, BlockNumber, Hash, Nonce, Signature, EXISTENTIAL_DEPOSIT,
    MICRO_UNIT, MILLI_UNIT, UNIT,
};
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// The para id of the presets; `scripts/parachain.sh` and `medchain-node para-spec`
/// write it into the chain spec too, and check that the two agree.
pub const PARA_ID: u32 = 2000;

/// Types the node and clients need without the whole runtime.
pub mod opaque {
    use super::*;
    pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

    /// Block header.
    pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
    /// Block.
    pub type Block = generic::Block<Header, UncheckedExtrinsic>;

    impl_opaque_keys! {
        /// The session keys of a collator: Aura only (the relay chain finalizes).
        pub struct SessionKeys {
            pub aura: Aura,
        }
    }
}

/// The runtime's version. Bump `spec_version` for every runtime upgrade. The name
/// differs from the solo chain's, so neither chain accepts the other's code.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: Cow::Borrowed("medchain-para"),
    impl_name: Cow::Borrowed("medchain-para"),
    authoring_version: 1,
    spec_version: 107,
    impl_version: 1,
    apis: apis::RUNTIME_API_VERSIONS,
    // 2 from spec 111 (parachain 107): `requestAccess` takes a coded purpose.
    transaction_version: 2,
    system_version: 1,
};

/// Time a block is aimed at: one parachain block per 6-second relay-chain slot.
pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
/// Aura slot duration (the same as the block time).
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// The checks every transaction goes through (the same as on the solo chain).
pub type TxExtension = medchain_runtime_common::TxExtension<Runtime>;
/// Transaction as it comes from outside.
pub type UncheckedExtrinsic =
    generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// What a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations run on the next runtime upgrade. The parachain started at
/// `MedicalRecords` storage version 3; spec 103 brings version 4 (managers accept their
/// owners, seeded from the live records); spec 107 codes the purposes of `Access`
/// requests (version 2). Each runs only on a chain at the version before it.
pub type Migrations = (
    pallet_medical_records::migrations::v4::MigrateV3ToV4<Runtime>,
    pallet_access::migrations::v2::MigrateV1ToV2<Runtime>,
);

/// Dispatches blocks to the pallets.
pub type Executive = frame_executive::Executive<
    Runtime,
    Block,
    frame_system::ChainContext<Runtime>,
    Runtime,
    AllPalletsWithSystem,
>;

// Pallets run their hooks and inherents in the order declared here, whatever their
// index: the parachain's validation data first, and the four collator pallets
// (Authorship, CollatorSelection, Session, Aura) in this order, as Cumulus requires.
// Indexes shared with the solo runtime are the same, so calls encode the same.
#[frame_support::runtime]
mod runtime {
    #[runtime::runtime]
    #[runtime::derive(
        RuntimeCall,
        RuntimeEvent,
        RuntimeError,
        RuntimeOrigin,
        RuntimeFreezeReason,
        RuntimeHoldReason,
        RuntimeSlashReason,
        RuntimeLockId,
        RuntimeTask,
        RuntimeViewFunction
    )]
    pub struct Runtime;

    #[runtime::pallet_index(0)]
    pub type System = frame_system;
    #[runtime::pallet_index(30)]
    pub type ParachainSystem = cumulus_pallet_parachain_system;
    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp;
    #[runtime::pallet_index(31)]
    pub type ParachainInfo = staging_parachain_info;
    #[runtime::pallet_index(4)]
    pub type Balances = pallet_balances;
    #[runtime::pallet_index(5)]
    pub type TransactionPayment = pallet_transaction_payment;
    #[runtime::pallet_index(6)]
    pub type Sudo = pallet_sudo;

    #[runtime::pallet_index(32)]
    pub type Authorship = pallet_authorship;
    #[runtime::pallet_index(33)]
    pub type CollatorSelection = pallet_collator_selection;
    #[runtime::pallet_index(34)]
    pub type Session = pallet_session;
    #[runtime::pallet_index(2)]
    pub type Aura = pallet_aura;
    #[runtime::pallet_index(35)]
    pub type AuraExt = cumulus_pallet_aura_ext;
    #[runtime::pallet_index(36)]
    pub type MessageQueue = pallet_message_queue;

    #[runtime::pallet_index(10)]
    pub type Council = pallet_collective<Instance1>;
    #[runtime::pallet_index(11)]
    pub type ConsortiumMembership = pallet_membership<Instance1>;
    #[runtime::pallet_index(12)]
    pub type Preimage = pallet_preimage;
    #[runtime::pallet_index(20)]
    pub type MedicalRecords = pallet_medical_records;
    #[runtime::pallet_index(21)]
    pub type Access = pallet_access;
}

cumulus_pallet_parachain_system::register_validate_block! {
    Runtime = Runtime,
    BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}
