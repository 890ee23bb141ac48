//! Genesis presets: `development` (one authority, Alice, with sudo) and `local_testnet`
//! (four hospitals — Alice, Bob, Charlie and Dave — as Aura/GRANDPA authorities and
//! consortium members, no sudo key).
//!
//! Both give the same ready sharing setup ([`DEMO_ROLES`]): Alice and Charlie are data
//! owners (hospitals registering their records), Bob is the data manager, Ferdie a data
//! demander (a research institute, not a member); Eve holds no role.

use alloc::{vec, vec::Vec};
use frame_support::{build_struct_json_patch, BoundedVec};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use medchain_primitives::Role;

use crate::{
    configs::MAX_MEMBERS, AccessConfig, AccountId, AuraConfig, BalancesConfig,
    ConsortiumMembershipConfig, GrandpaConfig, RuntimeGenesisConfig, SudoConfig, UNIT,
};

/// The roles of the demo accounts on the dev and local chains.
pub const DEMO_ROLES: [(Sr25519Keyring, &[Role]); 4] = [
    (Sr25519Keyring::Alice, &[Role::DataOwner]),
    (Sr25519Keyring::Bob, &[Role::DataManager]),
    (Sr25519Keyring::Charlie, &[Role::DataOwner]),
    (Sr25519Keyring::Ferdie, &[Role::DataDemander]),
];

/// What each endowed account starts with.
const ENDOWMENT: u128 = 1_000_000 * UNIT;

/// The four hospitals of the local consortium.
const HOSPITALS: [(Sr25519Keyring, Ed25519Keyring); 4] = [
    (Sr25519Keyring::Alice, Ed25519Keyring::Alice),
    (Sr25519Keyring::Bob, Ed25519Keyring::Bob),
    (Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
    (Sr25519Keyring::Dave, Ed25519Keyring::Dave),
];

fn genesis(
    authorities: Vec<(AuraId, GrandpaId)>,
    members: Vec<AccountId>,
    endowed: Vec<AccountId>,
    sudo: Option<AccountId>,
) -> Value {
    debug_assert!(members.len() as u32 <= MAX_MEMBERS);
    build_struct_json_patch!(RuntimeGenesisConfig {
        balances: BalancesConfig {
            balances: endowed
                .into_iter()
                .map(|account| (account, ENDOWMENT))
                .collect::<Vec<_>>(),
        },
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
        // The council's members come from here (MembershipInitialized); the council's own
        // genesis must stay empty.
        consortium_membership: ConsortiumMembershipConfig {
            members: BoundedVec::truncate_from(members),
        },
        access: AccessConfig {
            roles: DEMO_ROLES
                .iter()
                .map(|(account, roles)| (account.to_account_id(), roles.to_vec()))
                .collect::<Vec<_>>(),
        },
    })
}

fn hospital_keys(count: usize) -> Vec<(AuraId, GrandpaId)> {
    HOSPITALS
        .iter()
        .take(count)
        .map(|(sr, ed)| (sr.public().into(), ed.public().into()))
        .collect()
}

fn hospital_accounts() -> Vec<AccountId> {
    HOSPITALS.iter().map(|(sr, _)| sr.to_account_id()).collect()
}

/// Every well-known dev account is endowed, so tests have funded accounts that are not
/// consortium members.
fn endowed_accounts() -> Vec<AccountId> {
    Sr25519Keyring::iter().map(|k| k.to_account_id()).collect()
}

/// One authority (Alice) with sudo; the four hospitals are consortium members.
pub fn development_config_genesis() -> Value {
    genesis(
        hospital_keys(1),
        hospital_accounts(),
        endowed_accounts(),
        Some(Sr25519Keyring::Alice.to_account_id()),
    )
}

/// Four hospitals as authorities and consortium members; no sudo key: the council governs.
pub fn local_config_genesis() -> Value {
    genesis(
        hospital_keys(4),
        hospital_accounts(),
        endowed_accounts(),
        None,
    )
}

/// The JSON patch of a preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
    let patch = match id.as_ref() {
        sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
        _ => return None,
    };
    Some(
        serde_json::to_string(&patch)
            .expect("serialization to json is expected to work; qed")
            .into_bytes(),
    )
}

/// The presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
    vec![
        PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
        PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
    ]
}
