//! # MedChain runtime
//!
//! The FRAME runtime of the MedChain consortium chain: a solo chain (Aura block
//! production, GRANDPA finality) governed by a council of hospitals.
//!
//! Pallets, by the names Polkadot.js shows (a public contract: scripts rely on them):
//! `System`, `Timestamp`, `Aura`, `Grandpa`, `Balances`, `TransactionPayment`, `Sudo`
//! (only dev chains set a key), `Council` (pallet-collective), `ConsortiumMembership` (pallet-membership,
//! which feeds `Council` and `Access`), `Preimage` (pallet-preimage: keeps the bytes of
//! primed dictionaries, and any other preimage), `NodeAuthorization` (the peer ids of
//! the nodes that may connect), `MedicalRecords` (the record registry
//! and the registry of primed dictionaries), `Access` (roles, majority-approved
//! sharing, key delivery, audit heads), `ValidatorSet` (the hospitals that author and
//! finalize, chosen by the council) and `Session` (their keys, per session).
//!
//! - [`configs`]: every pallet's configuration and the runtime's constants.
//! - [`apis`]: the runtime APIs the node, the RPC and Polkadot.js use.
//! - [`genesis_config_presets`]: the `development` and `local_testnet` presets.

#![cfg_attr(not(feature = "std"), no_std)]

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
pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Types the node and clients need without the whole runtime.
pub mod opaque {
    use super::*;
    pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

    /// Block header.
    pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
    /// Block.
    pub type Block = generic::Block<Header, UncheckedExtrinsic>;
    /// Block id.
    pub type BlockId = generic::BlockId<Block>;

    impl_opaque_keys! {
        /// The session keys of an authority: Aura and GRANDPA.
        pub struct SessionKeys {
            pub aura: Aura,
            pub grandpa: Grandpa,
        }
    }
}

/// The runtime's version. Bump `spec_version` for every runtime upgrade.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
    spec_name: Cow::Borrowed("medchain"),
    impl_name: Cow::Borrowed("medchain"),
    authoring_version: 1,
    spec_version: 111,
    impl_version: 1,
    apis: apis::RUNTIME_API_VERSIONS,
    // 2 from spec 111 (parachain 107): `requestAccess` takes a coded purpose.
    transaction_version: 2,
    system_version: 1,
};

/// Time a block is aimed at; slots last as long.
pub const MILLI_SECS_PER_BLOCK: u64 = 3000;
/// Aura slot duration (the same as the block time).
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

pub use medchain_runtime_common::{
    AccountId, Address, Balance, BlockNumber, Hash, Nonce, Signature, EXISTENTIAL_DEPOSIT,
    MICRO_UNIT, MILLI_UNIT, UNIT,
};

/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// Signed block with justifications.
pub type SignedBlock = generic::SignedBlock<Block>;
/// Block id.
pub type BlockId = generic::BlockId<Block>;

/// The checks every transaction goes through (shared with the parachain runtime).
pub type TxExtension = medchain_runtime_common::TxExtension<Runtime>;

/// Transaction as it comes from outside.
pub type UncheckedExtrinsic =
    generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
/// What a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations run on the next runtime upgrade (by `frame_system`'s
/// `SingleBlockMigrations`, see `configs`). Each runs only when its pallet's on-chain
/// storage version matches, so a chain already past it skips it.
pub type Migrations = (
    pallet_medical_records::migrations::v2::MigrateV1ToV2<Runtime>,
    pallet_medical_records::migrations::v3::MigrateV2ToV3<Runtime>,
    // Spec 107: managers accept their owners, seeded from the live records.
    pallet_medical_records::migrations::v4::MigrateV3ToV4<Runtime>,
    // Spec 111: a request's purpose is an HL7 PurposeOfUse code and its text.
    pallet_access::migrations::v2::MigrateV1ToV2<Runtime>,
    // Spec 106 adds `NodeAuthorization`, `ValidatorSet` and `Session`: a chain that
    // predates them keeps its nodes connected and its authorities authoring. Both run
    // only on a chain without session validators, so the first goes first.
    configs::network::SeedDevelopmentNodes,
    pallet_validator_set::migrations::v1::SeedFromAuthorities<
        Runtime,
        configs::network::GenesisAuthorities,
        configs::network::DevSessionLengthBlocks,
    >,
);

/// Dispatches blocks to the pallets.
pub type Executive = frame_executive::Executive<
    Runtime,
    Block,
    frame_system::ChainContext<Runtime>,
    Runtime,
    AllPalletsWithSystem,
>;

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
    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp;
    #[runtime::pallet_index(2)]
    pub type Aura = pallet_aura;
    #[runtime::pallet_index(3)]
    pub type Grandpa = pallet_grandpa;
    #[runtime::pallet_index(4)]
    pub type Balances = pallet_balances;
    #[runtime::pallet_index(5)]
    pub type TransactionPayment = pallet_transaction_payment;
    #[runtime::pallet_index(6)]
    pub type Sudo = pallet_sudo;
    #[runtime::pallet_index(10)]
    pub type Council = pallet_collective<Instance1>;
    #[runtime::pallet_index(11)]
    pub type ConsortiumMembership = pallet_membership<Instance1>;
    #[runtime::pallet_index(12)]
    pub type Preimage = pallet_preimage;
    #[runtime::pallet_index(13)]
    pub type NodeAuthorization = pallet_node_authorization;
    #[runtime::pallet_index(20)]
    pub type MedicalRecords = pallet_medical_records;
    #[runtime::pallet_index(21)]
    pub type Access = pallet_access;
    // Before `Session`: its genesis asks the validator set for the first validators.
    // Index 34 is `Session` on the parachain too.
    #[runtime::pallet_index(33)]
    pub type ValidatorSet = pallet_validator_set;
    #[runtime::pallet_index(34)]
    pub type Session = pallet_session;
}
