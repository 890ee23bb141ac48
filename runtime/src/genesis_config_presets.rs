//! Genesis presets: `development` (one authority, Alice, with sudo) and `local_testnet`
//! (four hospitals — Alice, Bob, Charlie and Dave — as Aura/GRANDPA authorities, no sudo
//! key). Both have the demo consortium of `medchain_runtime_common::genesis`: the four
//! hospitals as members and its ready sharing setup (`DEMO_ROLES`).

use alloc::vec::Vec;
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::PresetId;
use sp_keyring::Ed25519Keyring;

use medchain_runtime_common::genesis::{
    consortium_genesis, endowed_accounts, hospital_accounts, preset, with_consensus, HOSPITALS,
};

use crate::{AccountId, AuraConfig, GrandpaConfig, RuntimeGenesisConfig, SudoConfig};

pub use medchain_runtime_common::genesis::DEMO_ROLES;

/// The GRANDPA keys of the four hospitals, in the order of `HOSPITALS`.
const GRANDPA_KEYS: [Ed25519Keyring; 4] = [
    Ed25519Keyring::Alice,
    Ed25519Keyring::Bob,
    Ed25519Keyring::Charlie,
    Ed25519Keyring::Dave,
];

fn genesis(authorities: Vec<(AuraId, GrandpaId)>, sudo: Option<AccountId>) -> Value {
    let consensus = build_struct_json_patch!(RuntimeGenesisConfig {
        aura: AuraConfig {
            authorities: authorities
                .iter()
                .map(|(aura, _)| aura.clone())
                .collect::<Vec<_>>(),
        },
        grandpa: GrandpaConfig {
            authorities: authorities
                .iter()
                .map(|(_, grandpa)| (grandpa.clone(), 1))
                .collect::<Vec<_>>(),
        },
        sudo: SudoConfig { key: sudo },
    });
    with_consensus(
        consortium_genesis(hospital_accounts(), endowed_accounts()),
        consensus,
    )
}

fn hospital_keys(count: usize) -> Vec<(AuraId, GrandpaId)> {
    HOSPITALS
        .iter()
        .zip(GRANDPA_KEYS)
        .take(count)
        .map(|(sr, ed)| (sr.public().into(), ed.public().into()))
        .collect()
}

/// One authority (Alice) with sudo; the four hospitals are consortium members.
pub fn development_config_genesis() -> Value {
    genesis(hospital_keys(1), Some(HOSPITALS[0].to_account_id()))
}

/// Four hospitals as authorities and consortium members; no sudo key: the council governs.
pub fn local_config_genesis() -> Value {
    genesis(hospital_keys(4), None)
}

/// The JSON patch of a preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    preset(id, development_config_genesis, local_config_genesis)
}

pub use medchain_runtime_common::genesis::preset_names;
