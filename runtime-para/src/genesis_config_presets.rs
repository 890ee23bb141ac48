//! Genesis presets of the parachain, para id [`PARA_ID`]: `development` (one collator,
//! Alice, with sudo) and `local_testnet` (the four hospitals — Alice, Bob, Charlie and
//! Dave — as collators, no sudo key: the council governs). Both have the demo consortium
//! of `medchain_runtime_common::genesis` (members, endowments, `DEMO_ROLES`), as on the
//! solo chain.
//!
//! Collators are `CollatorSelection` invulnerables with their Aura key as session key;
//! `desired_candidates` is 0, so nobody may stand by bond until the council allows it.

use alloc::vec::Vec;
use cumulus_primitives_core::ParaId;
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_genesis_builder::PresetId;

use medchain_runtime_common::genesis::{
    demo_consortium_genesis, preset, with_consensus, HOSPITALS,
};

use crate::{
    opaque::SessionKeys, AccountId, CollatorSelectionConfig, ParachainInfoConfig,
    RuntimeGenesisConfig, SessionConfig, SudoConfig, EXISTENTIAL_DEPOSIT, PARA_ID,
};

fn genesis(collators: Vec<(AccountId, AuraId)>, sudo: Option<AccountId>) -> Value {
    let own = build_struct_json_patch!(RuntimeGenesisConfig {
        parachain_info: ParachainInfoConfig {
            parachain_id: ParaId::from(PARA_ID),
        },
        collator_selection: CollatorSelectionConfig {
            invulnerables: collators
                .iter()
                .map(|(account, _)| account.clone())
                .collect::<Vec<_>>(),
            candidacy_bond: EXISTENTIAL_DEPOSIT * 16,
            desired_candidates: 0,
        },
        session: SessionConfig {
            keys: collators
                .into_iter()
                .map(|(account, aura)| (account.clone(), account, SessionKeys { aura }))
                .collect::<Vec<_>>(),
        },
        sudo: SudoConfig { key: sudo },
    });
    with_consensus(demo_consortium_genesis(), own)
}

fn collators(count: usize) -> Vec<(AccountId, AuraId)> {
    HOSPITALS
        .iter()
        .take(count)
        .map(|key| (key.to_account_id(), key.public().into()))
        .collect()
}

/// One collator (Alice) with sudo; the four hospitals are consortium members.
pub fn development_config_genesis() -> Value {
    genesis(collators(1), Some(HOSPITALS[0].to_account_id()))
}

/// The four hospitals as collators and consortium members; no sudo key.
pub fn local_config_genesis() -> Value {
    genesis(collators(4), None)
}

/// The JSON patch of a preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    preset(id, development_config_genesis, local_config_genesis)
}

pub use medchain_runtime_common::genesis::preset_names;
