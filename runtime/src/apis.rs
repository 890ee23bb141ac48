//! The runtime APIs: what the node (block authoring, finality, transaction pool,
//! off-chain workers), the RPC and Polkadot.js call into. Those the parachain serves
//! alike come from `medchain_runtime_common::impl_consortium_runtime_apis!`; GRANDPA's
//! are this chain's own.

use alloc::vec::Vec;
use frame_support::{
    genesis_builder_helper::{build_state, get_preset},
    weights::Weight,
};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
    traits::{Block as BlockT, NumberFor},
    transaction_validity::{TransactionSource, TransactionValidity},
    ApplyExtrinsicResult, ExtrinsicInclusionMode,
};
use sp_version::RuntimeVersion;

use medchain_primitives::{RecordId, RequestId, Role};

use super::{
    genesis_config_presets, opaque::SessionKeys, Access, AccountId, Balance, Block, Executive,
    Grandpa, InherentDataExt, MedicalRecords, Nonce, Runtime, RuntimeCall, RuntimeGenesisConfig,
    System, TransactionPayment, SLOT_DURATION, VERSION,
};

/// A record as `MedicalRecordsApi` returns it.
pub type RecordOf = pallet_medical_records::RecordOf<Runtime>;
/// A request as `AccessApi` returns it.
pub type RequestOf = pallet_access::RequestOf<Runtime>;

medchain_runtime_common::impl_consortium_runtime_apis! {
    impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
        fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
            Grandpa::grandpa_authorities()
        }

        fn current_set_id() -> sp_consensus_grandpa::SetId {
            Grandpa::current_set_id()
        }

        fn submit_report_equivocation_unsigned_extrinsic(
            _equivocation_proof: sp_consensus_grandpa::EquivocationProof<
                <Block as BlockT>::Hash,
                NumberFor<Block>,
            >,
            _key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
        ) -> Option<()> {
            // Equivocation reports need a session/staking system; a consortium chain
            // handles misbehaving members by governance instead.
            None
        }

        fn generate_key_ownership_proof(
            _set_id: sp_consensus_grandpa::SetId,
            _authority_id: GrandpaId,
        ) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
            None
        }
    }
}
