//! The demo consortium of the `development` and `local_testnet` presets, on both
//! runtimes: the four hospitals (Alice, Bob, Charlie and Dave) are consortium members,
//! [`DEMO_ROLES`] gives a ready sharing setup (Bob, the manager, accepts both owners),
//! and only the accounts that act are endowed: the hospitals, the role holders and Eve,
//! the one outsider (no role, not a member) that tests need to try what strangers may
//! not do. Each runtime adds its own consensus keys with [`with_consensus`].

use alloc::vec::Vec;
use serde_json::{json, Value};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

use medchain_primitives::Role;

use crate::{network::ed25519_peer_id, params::MAX_MEMBERS, AccountId, Balance, UNIT};

/// The roles of the demo accounts: Alice and Charlie are data owners (hospitals
/// registering their records), Bob is the data manager, Ferdie a data demander (a
/// research institute, not a member); Eve holds no role.
pub const DEMO_ROLES: [(Sr25519Keyring, &[Role]); 4] = [
    (Sr25519Keyring::Alice, &[Role::DataOwner]),
    (Sr25519Keyring::Bob, &[Role::DataManager]),
    (Sr25519Keyring::Charlie, &[Role::DataOwner]),
    (Sr25519Keyring::Ferdie, &[Role::DataDemander]),
];

/// The four hospitals of the demo consortium, in the order of their authority keys.
pub const HOSPITALS: [Sr25519Keyring; 4] = [
    Sr25519Keyring::Alice,
    Sr25519Keyring::Bob,
    Sr25519Keyring::Charlie,
    Sr25519Keyring::Dave,
];

/// The Ed25519 keys of the four hospitals, in the order of `HOSPITALS`: their GRANDPA
/// keys, and their nodes' network keys (a development node runs with
/// `--node-key` = the key's 32-byte secret seed, so its peer id is known at genesis).
pub const HOSPITAL_ED25519: [Ed25519Keyring; 4] = [
    Ed25519Keyring::Alice,
    Ed25519Keyring::Bob,
    Ed25519Keyring::Charlie,
    Ed25519Keyring::Dave,
];

/// The development consortium's nodes, each owned by its hospital: the
/// `NodeAuthorization` genesis of both development presets.
pub fn dev_well_known_nodes() -> Vec<(Vec<u8>, AccountId)> {
    HOSPITAL_ED25519
        .iter()
        .zip(HOSPITALS)
        .map(|(node_key, hospital)| {
            (
                ed25519_peer_id(&node_key.public().0),
                hospital.to_account_id(),
            )
        })
        .collect()
}

/// What each endowed account starts with.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// The accounts of the four hospitals.
pub fn hospital_accounts() -> Vec<AccountId> {
    HOSPITALS.iter().map(|k| k.to_account_id()).collect()
}

/// The outsider of the demo: endowed, no role, not a member.
pub const OUTSIDER: Sr25519Keyring = Sr25519Keyring::Eve;

/// The hospitals, the holders of [`DEMO_ROLES`] and [`OUTSIDER`], once each. Other
/// well-known accounts (`//One`, the `//stash` accounts, …) get nothing: a funded account
/// without a role could only fill blocks.
pub fn endowed_accounts() -> Vec<AccountId> {
    let mut endowed: Vec<AccountId> = HOSPITALS
        .iter()
        .chain(DEMO_ROLES.iter().map(|(account, _)| account))
        .chain([&OUTSIDER])
        .map(|k| k.to_account_id())
        .collect();
    endowed.sort();
    endowed.dedup();
    endowed
}

/// The demo's data manager accepts every demo data owner: `(manager, owner)` pairs.
pub fn demo_accepted_owners() -> Vec<(AccountId, AccountId)> {
    accepted_owners(&demo_roles())
}

/// Every manager of `roles` accepts every owner of `roles`.
pub fn accepted_owners(roles: &[(AccountId, Vec<Role>)]) -> Vec<(AccountId, AccountId)> {
    let holders = |role| {
        roles
            .iter()
            .filter(move |(_, held)| held.contains(&role))
            .map(|(account, _)| account.clone())
    };
    holders(Role::DataManager)
        .flat_map(|manager| holders(Role::DataOwner).map(move |owner| (manager.clone(), owner)))
        .collect()
}

/// [`DEMO_ROLES`] by account.
pub fn demo_roles() -> Vec<(AccountId, Vec<Role>)> {
    DEMO_ROLES
        .iter()
        .map(|(account, roles)| (account.to_account_id(), roles.to_vec()))
        .collect()
}

/// The demo consortium's patch: the four hospitals, the acting accounts endowed, the
/// demo roles, the manager accepting the owners.
pub fn demo_consortium_genesis() -> Value {
    consortium_genesis(hospital_accounts(), endowed_accounts(), demo_roles())
}

/// The genesis patch of the consortium's pallets: balances, members (the council's
/// members come from `ConsortiumMembership`; the council's own genesis stays empty),
/// roles, and every manager accepting every owner of `roles`.
pub fn consortium_genesis(
    members: Vec<AccountId>,
    endowed: Vec<AccountId>,
    roles: Vec<(AccountId, Vec<Role>)>,
) -> Value {
    let accepted = accepted_owners(&roles);
    debug_assert!(members.len() as u32 <= MAX_MEMBERS);
    let balances: Vec<(AccountId, Balance)> = endowed
        .into_iter()
        .map(|account| (account, ENDOWMENT))
        .collect();
    json!({
        "balances": { "balances": balances },
        "consortiumMembership": { "members": members },
        "access": { "roles": roles },
        "medicalRecords": { "acceptedOwners": accepted },
    })
}

/// `shared` with a runtime's own pallets' patch (consensus keys, sudo, para id) added.
/// The two name different pallets; where both name one, `own` wins.
pub fn with_consensus(mut shared: Value, own: Value) -> Value {
    if let (Value::Object(shared), Value::Object(own)) = (&mut shared, own) {
        shared.extend(own);
    }
    shared
}

/// What `GenesisBuilder::get_preset` returns for `id`, given the two presets both
/// runtimes offer: `development` and `local_testnet`.
pub fn preset(
    id: &sp_genesis_builder::PresetId,
    development: fn() -> Value,
    local_testnet: fn() -> Value,
) -> Option<Vec<u8>> {
    let patch = match id.as_ref() {
        sp_genesis_builder::DEV_RUNTIME_PRESET => development(),
        sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet(),
        _ => return None,
    };
    Some(
        serde_json::to_string(&patch)
            .expect("a JSON value always serialises; qed")
            .into_bytes(),
    )
}

/// The presets both runtimes offer.
pub fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
    alloc::vec![
        sp_genesis_builder::PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
        sp_genesis_builder::PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_patch_has_the_members_the_roles_and_the_endowments() {
        let patch = demo_consortium_genesis();
        assert_eq!(
            patch["consortiumMembership"]["members"]
                .as_array()
                .unwrap()
                .len(),
            4
        );
        assert_eq!(patch["access"]["roles"].as_array().unwrap().len(), 4);
        let endowed = patch["balances"]["balances"].as_array().unwrap();
        // Alice, Bob, Charlie, Dave, Ferdie (demander) and Eve (the outsider).
        assert_eq!(endowed.len(), 6);
        assert_eq!(endowed[0][1], json!(ENDOWMENT));
        let endowed_with =
            |k: Sr25519Keyring| endowed.iter().any(|e| e[0] == json!(k.to_account_id()));
        assert!(endowed_with(Sr25519Keyring::Eve) && endowed_with(Sr25519Keyring::Ferdie));
        assert!(!endowed_with(Sr25519Keyring::One) && !endowed_with(Sr25519Keyring::AliceStash));
        let accepted = patch["medicalRecords"]["acceptedOwners"]
            .as_array()
            .unwrap();
        let bob = Sr25519Keyring::Bob.to_account_id();
        assert_eq!(
            accepted,
            &vec![
                json!([bob.clone(), Sr25519Keyring::Alice.to_account_id()]),
                json!([bob, Sr25519Keyring::Charlie.to_account_id()]),
            ]
        );
    }

    #[test]
    fn the_dev_nodes_peer_ids_are_their_ed25519_keys_as_libp2p_encodes_them() {
        let nodes = dev_well_known_nodes();
        assert_eq!(nodes.len(), 4);
        assert_eq!(nodes[0].1, Sr25519Keyring::Alice.to_account_id());
        // The peer ids `medchain-node key inspect-node-key` prints for the secret seeds of
        // `//Alice` … `//Dave` (Ed25519), as the README lists them.
        let printed = [
            "12D3KooWK2cN7Q5kmpLfpypBiNg51TiHmAfWgwUzLqHmZ3G4BELm",
            "12D3KooWPv7CcGE89ZH3ybzygvXGswAXsLQ9pP3rG5cH6NyXLZdi",
            "12D3KooWENCUkwB3Ho9mH6iKHsi4Mw2tAtr3B8DqyzyqMtDGFACn",
            "12D3KooWGApasr9uVqtFToAxho2xfM67U2x7DaGVT1sPPzxVbNKa",
        ];
        for ((peer_id, _), printed) in nodes.iter().zip(printed) {
            assert_eq!(peer_id, &bs58_decode(printed), "{printed}");
        }
    }

    /// Base58 (Bitcoin alphabet), enough for a test.
    fn bs58_decode(text: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        let mut bytes: Vec<u8> = Vec::new();
        for c in text.bytes() {
            let mut carry = ALPHABET.iter().position(|&a| a == c).unwrap() as u32;
            for byte in bytes.iter_mut().rev() {
                carry += (*byte as u32) * 58;
                *byte = (carry & 0xff) as u8;
                carry >>= 8;
            }
            while carry > 0 {
                bytes.insert(0, (carry & 0xff) as u8);
                carry >>= 8;
            }
        }
        let zeros = text.bytes().take_while(|&c| c == b'1').count();
        let mut out = vec![0; zeros];
        out.extend(bytes);
        out
    }

    #[test]
    fn a_runtimes_own_keys_are_added_and_win() {
        let merged = with_consensus(
            demo_consortium_genesis(),
            json!({ "aura": { "authorities": [] }, "access": { "roles": [] } }),
        );
        assert_eq!(merged["aura"]["authorities"], json!([]));
        assert_eq!(merged["access"]["roles"], json!([]));
        assert_eq!(
            merged["consortiumMembership"]["members"]
                .as_array()
                .unwrap()
                .len(),
            4
        );
    }
}
