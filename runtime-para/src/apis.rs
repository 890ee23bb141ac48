//! The runtime APIs: what `polkadot-omni-node` (collation, Aura, the transaction pool,
//! off-chain workers), Polkadot.js and the CLI call into. Those the solo chain serves
//! alike come from `medchain_runtime_common::impl_consortium_runtime_apis!`; Cumulus's
//! are this chain's own.

use alloc::vec::Vec;
use frame_support::{
    genesis_builder_helper::{build_state, get_preset},
    weights::Weight,
};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
    traits::Block as BlockT,
    transaction_validity::{TransactionSource, TransactionValidity},
    ApplyExtrinsicResult, ExtrinsicInclusionMode,
};
use sp_version::RuntimeVersion;

use medchain_primitives::{RecordId, RequestId, Role};

use cumulus_primitives_core::{ParaId, VerifySchedulingSignature};

use super::{
    configs::{ConsensusHook, BLOCK_PROCESSING_VELOCITY, RELAY_PARENT_OFFSET},
    genesis_config_presets,
    opaque::SessionKeys,
    Access, AccountId, Balance, Block, Executive, InherentDataExt, MedicalRecords, Nonce,
    ParachainInfo, ParachainSystem, Runtime, RuntimeCall, RuntimeGenesisConfig, System,
    TransactionPayment, SLOT_DURATION, VERSION,
};

/// A record as `MedicalRecordsApi` returns it.
pub type RecordOf = pallet_medical_records::RecordOf<Runtime>;
/// A request as `AccessApi` returns it.
pub type RequestOf = pallet_access::RequestOf<Runtime>;

medchain_runtime_common::impl_consortium_runtime_apis! {
    impl cumulus_primitives_aura::AuraUnincludedSegmentApi<Block> for Runtime {
        fn can_build_upon(
            included_hash: <Block as BlockT>::Hash,
            slot: cumulus_primitives_aura::Slot,
        ) -> bool {
            ConsensusHook::can_build_upon(included_hash, slot)
        }
    }

    impl cumulus_primitives_core::CollectCollationInfo<Block> for Runtime {
        fn collect_collation_info(header: &<Block as BlockT>::Header) -> cumulus_primitives_core::CollationInfo {
            ParachainSystem::collect_collation_info(header)
        }
    }

    impl cumulus_primitives_core::GetParachainInfo<Block> for Runtime {
        fn parachain_id() -> ParaId {
            ParachainInfo::parachain_id()
        }
    }

    impl cumulus_primitives_core::RelayParentOffsetApi<Block> for Runtime {
        fn relay_parent_offset() -> u32 {
            RELAY_PARENT_OFFSET
        }

        fn max_claim_queue_offset() -> u8 {
            ParachainSystem::max_claim_queue_offset()
        }
    }

    impl cumulus_primitives_core::SchedulingV3EnabledApi<Block> for Runtime {
        fn scheduling_v3_enabled() -> bool {
            <Runtime as cumulus_pallet_parachain_system::Config>::SchedulingSignatureVerifier::V3_SCHEDULING_ENABLED
        }
    }

    impl cumulus_primitives_core::TargetBlockRate<Block> for Runtime {
        fn target_block_rate() -> u32 {
            BLOCK_PROCESSING_VELOCITY
        }
    }
}
