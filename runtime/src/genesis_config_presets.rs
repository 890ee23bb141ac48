//! Genesis presets: `development` (one validator, Alice, with sudo) and `local_testnet`
//! (four hospitals — Alice, Bob, Charlie and Dave — as validators, no sudo key). Both
//! have the demo consortium of `medchain_runtime_common::genesis`: the four hospitals as
//! members and its ready sharing setup (`DEMO_ROLES`).
//!
//! Validators are `ValidatorSet`'s, with their Aura and GRANDPA keys as `Session` keys
//! (Aura's and GRANDPA's own genesis stays empty: `Session` hands them the keys). The
//! development consortium's four nodes, run with their hospitals' development node keys,
//! are `NodeAuthorization`'s well-known nodes.

use alloc::vec::Vec;
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::OpaquePeerId;
use sp_genesis_builder::PresetId;

use medchain_runtime_common::genesis::{
    demo_consortium_genesis, dev_well_known_nodes, preset, with_consensus, HOSPITALS,
    HOSPITAL_ED25519,
};

use crate::{
    opaque::SessionKeys, AccountId, NodeAuthorizationConfig, RuntimeGenesisConfig, SessionConfig,
    SudoConfig, ValidatorSetConfig,
};

pub use medchain_runtime_common::genesis::DEMO_ROLES;

/// A validator: its account and its session keys.
pub type Validator = (AccountId, AuraId, GrandpaId);

/// The genesis patch of the solo chain's own pallets: validators (with their session
/// keys and the fewest the set may hold), session length, well-known nodes and sudo.
pub fn network_genesis(
    validators: Vec<Validator>,
    min_validators: u32,
    session_length_blocks: u32,
    nodes: Vec<(Vec<u8>, AccountId)>,
    sudo: Option<AccountId>,
) -> Value {
    build_struct_json_patch!(RuntimeGenesisConfig {
        validator_set: ValidatorSetConfig {
            validators: validators
                .iter()
                .map(|(account, _, _)| account.clone())
                .collect::<Vec<_>>(),
            min_validators,
            session_length_blocks,
        },
        session: SessionConfig {
            keys: validators
                .into_iter()
                .map(|(account, aura, grandpa)| {
                    (account.clone(), account, SessionKeys { aura, grandpa })
                })
                .collect::<Vec<_>>(),
        },
        node_authorization: NodeAuthorizationConfig {
            nodes: nodes
                .into_iter()
                .map(|(peer_id, owner)| (OpaquePeerId(peer_id), owner))
                .collect::<Vec<_>>(),
        },
        sudo: SudoConfig { key: sudo },
    })
}

fn genesis(validators: usize, sudo: Option<AccountId>) -> Value {
    let validators: Vec<Validator> = HOSPITALS
        .iter()
        .zip(HOSPITAL_ED25519)
        .take(validators)
        .map(|(sr, ed)| (sr.to_account_id(), sr.public().into(), ed.public().into()))
        .collect();
    let min_validators = pallet_validator_set::min_validators_for(validators.len() as u32);
    let own = network_genesis(
        validators,
        min_validators,
        crate::configs::network::DevSessionLengthBlocks::get(),
        dev_well_known_nodes(),
        sudo,
    );
    with_consensus(demo_consortium_genesis(), own)
}

/// One validator (Alice) with sudo; the four hospitals are consortium members.
pub fn development_config_genesis() -> Value {
    genesis(1, Some(HOSPITALS[0].to_account_id()))
}

/// Four hospitals as validators and consortium members; no sudo key: the council governs.
pub fn local_config_genesis() -> Value {
    genesis(4, None)
}

/// The JSON patch of a preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    preset(id, development_config_genesis, local_config_genesis)
}

pub use medchain_runtime_common::genesis::preset_names;
