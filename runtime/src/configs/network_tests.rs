//! The council's network in this runtime: the local consortium's genesis, the filtered
//! calls, a validator added by a motion, and the upgrade of a chain that predates
//! `Session`.

use super::network::DevSessionLengthBlocks;
use crate::{
    genesis_config_presets::local_config_genesis, opaque::SessionKeys, AccountId, Grandpa,
    NodeAuthorization, Runtime, RuntimeCall, RuntimeGenesisConfig, RuntimeOrigin, Session,
    ValidatorSet,
};
use codec::Encode;
use frame_support::{
    assert_noop, assert_ok,
    traits::{GetStorageVersion, StorageVersion},
};
use medchain_runtime_common::CouncilCollective;
use sp_core::OpaquePeerId;
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::{traits::Dispatchable, BuildStorage, DispatchError};

fn local_chain() -> sp_io::TestExternalities {
    let mut ext = sp_io::TestExternalities::default();
    ext.register_extension(sp_keystore::KeystoreExt::new(
        sp_keystore::testing::MemoryKeystore::new(),
    ));
    ext.execute_with(|| {
        // As a chain spec does: the preset's patch over the default genesis.
        let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
        merge(&mut config, local_config_genesis());
        frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(
            serde_json::to_vec(&config).unwrap(),
        )
        .expect("the local preset builds");
        frame_system::Pallet::<Runtime>::set_block_number(1);
    });
    ext
}

/// `patch`'s objects merged into `base`'s, recursively; other values replace.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                merge(base.entry(key).or_insert(serde_json::Value::Null), value);
            }
        }
        (base, patch) => *base = patch,
    }
}

fn council(ayes: u32) -> RuntimeOrigin {
    pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Members(ayes, 4).into()
}

fn aura_authorities() -> usize {
    pallet_aura::Authorities::<Runtime>::get().len()
}

#[test]
fn the_local_consortium_starts_with_four_validators_and_four_nodes() {
    local_chain().execute_with(|| {
        assert_eq!(Session::validators().len(), 4);
        assert_eq!(aura_authorities(), 4);
        assert_eq!(Grandpa::grandpa_authorities().len(), 4);
        assert_eq!(pallet_validator_set::Validators::<Runtime>::get().len(), 4);
        assert_eq!(pallet_validator_set::MinValidators::<Runtime>::get(), 3);
        assert_eq!(
            pallet_node_authorization::WellKnownNodes::<Runtime>::get().len(),
            4
        );
        ValidatorSet::do_try_state().unwrap();
    });
}

#[test]
fn the_network_is_the_councils() {
    local_chain().execute_with(|| {
        let alice = RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id());
        let node = OpaquePeerId(medchain_runtime_common::network::ed25519_peer_id(&[7; 32]));
        let owner_calls = [
            pallet_node_authorization::Call::claim_node { node: node.clone() },
            pallet_node_authorization::Call::remove_claim { node: node.clone() },
            pallet_node_authorization::Call::transfer_node {
                node: node.clone(),
                owner: Sr25519Keyring::Eve.to_account_id().into(),
            },
            pallet_node_authorization::Call::add_connections {
                node: node.clone(),
                connections: vec![OpaquePeerId(vec![8; 38])],
            },
            pallet_node_authorization::Call::remove_connections {
                node: node.clone(),
                connections: vec![OpaquePeerId(vec![8; 38])],
            },
        ];
        for call in owner_calls {
            let result = RuntimeCall::NodeAuthorization(call).dispatch(alice.clone());
            assert_eq!(
                result.map_err(|e| e.error),
                Err(frame_system::Error::<Runtime>::CallFiltered.into())
            );
        }
        let purge = RuntimeCall::Session(pallet_session::Call::purge_keys {});
        assert_eq!(
            purge.dispatch(alice.clone()).map_err(|e| e.error),
            Err(frame_system::Error::<Runtime>::CallFiltered.into())
        );

        // Authorising a node: a council majority, not a member alone nor half the seats.
        let add = || {
            RuntimeCall::NodeAuthorization(pallet_node_authorization::Call::add_well_known_node {
                node: node.clone(),
                owner: Sr25519Keyring::Eve.to_account_id().into(),
            })
        };
        for origin in [alice.clone(), council(2)] {
            assert_eq!(
                add().dispatch(origin).map_err(|e| e.error),
                Err(DispatchError::BadOrigin)
            );
        }
        assert_ok!(add().dispatch(council(3)));
        assert!(pallet_node_authorization::WellKnownNodes::<Runtime>::get().contains(&node));
        // A peer id that no Substrate node can have is refused.
        let malformed =
            RuntimeCall::NodeAuthorization(pallet_node_authorization::Call::add_well_known_node {
                node: OpaquePeerId(vec![0x12, 0x20, 1, 2, 3]),
                owner: Sr25519Keyring::Eve.to_account_id().into(),
            });
        assert_eq!(
            malformed.dispatch(council(3)).map_err(|e| e.error),
            Err(frame_system::Error::<Runtime>::CallFiltered.into())
        );
        assert_eq!(
            pallet_node_authorization::WellKnownNodes::<Runtime>::get().len(),
            5
        );
        assert_noop!(
            NodeAuthorization::add_well_known_node(
                council(3),
                OpaquePeerId(vec![1; 200]),
                Sr25519Keyring::Eve.to_account_id().into()
            ),
            pallet_node_authorization::Error::<Runtime>::PeerIdTooLong
        );
    });
}

fn nodes_call(call: pallet_node_authorization::Call<Runtime>) -> Result<(), DispatchError> {
    RuntimeCall::NodeAuthorization(call)
        .dispatch(council(3))
        .map(|_| ())
        .map_err(|e| e.error)
}

fn peer(seed: u8) -> OpaquePeerId {
    OpaquePeerId(medchain_runtime_common::network::ed25519_peer_id(
        &[seed; 32],
    ))
}

#[test]
fn validators_keep_their_nodes_and_malformed_ids_are_refused_everywhere() {
    use pallet_node_authorization::Call as Nodes;
    local_chain().execute_with(|| {
        let filtered: Result<(), DispatchError> =
            Err(frame_system::Error::<Runtime>::CallFiltered.into());
        let dev_nodes: Vec<(OpaquePeerId, AccountId)> =
            medchain_runtime_common::genesis::dev_well_known_nodes()
                .into_iter()
                .map(|(peer, owner)| (OpaquePeerId(peer), owner))
                .collect();
        let alice_node = dev_nodes[0].0.clone();
        let malformed = OpaquePeerId(vec![0x12, 0x20, 9, 9]);
        // Alice validates: her only node stays.
        let remove_alice = Nodes::remove_well_known_node {
            node: alice_node.clone(),
        };
        assert_eq!(nodes_call(remove_alice), filtered);
        // A reset that leaves a validator without a node, or names a malformed id.
        let without_alice = dev_nodes[1..].to_vec();
        let reset = Nodes::reset_well_known_nodes {
            nodes: without_alice.clone(),
        };
        assert_eq!(nodes_call(reset), filtered);
        let mut with_malformed = dev_nodes.clone();
        with_malformed.push((malformed.clone(), dev_nodes[0].1.clone()));
        let reset = Nodes::reset_well_known_nodes {
            nodes: with_malformed,
        };
        assert_eq!(nodes_call(reset), filtered);
        let swap = Nodes::swap_well_known_node {
            remove: alice_node.clone(),
            add: malformed,
        };
        assert_eq!(nodes_call(swap), filtered);
        assert_eq!(
            pallet_node_authorization::WellKnownNodes::<Runtime>::get().len(),
            4
        );
        // Swapping a validator's node for a new one is fine; so is removing the node of a
        // hospital that does not validate.
        let swap = Nodes::swap_well_known_node {
            remove: alice_node,
            add: peer(9),
        };
        assert_eq!(nodes_call(swap), Ok(()));
        let eve = Sr25519Keyring::Eve.to_account_id();
        let add = Nodes::add_well_known_node {
            node: peer(5),
            owner: eve.into(),
        };
        assert_eq!(nodes_call(add), Ok(()));
        assert_eq!(
            nodes_call(Nodes::remove_well_known_node { node: peer(5) }),
            Ok(())
        );
        assert_eq!(
            pallet_node_authorization::WellKnownNodes::<Runtime>::get().len(),
            4
        );
    });
}

#[test]
fn only_members_and_validators_store_session_keys() {
    local_chain().execute_with(|| {
        let ferdie = Sr25519Keyring::Ferdie.to_account_id();
        let generated = SessionKeys::generate(&ferdie.encode(), None);
        assert_noop!(
            Session::set_keys(
                RuntimeOrigin::signed(ferdie),
                generated.keys,
                generated.proof.encode()
            ),
            pallet_session::Error::<Runtime>::NoAssociatedValidatorId
        );
    });
}

#[test]
fn a_council_majority_sets_the_session_length_within_bounds() {
    local_chain().execute_with(|| {
        assert_ok!(ValidatorSet::set_session_length(council(3), 100));
        assert_noop!(
            ValidatorSet::set_session_length(council(2), 200),
            DispatchError::BadOrigin
        );
        assert_noop!(
            ValidatorSet::set_session_length(council(3), 9),
            pallet_validator_set::Error::<Runtime>::SessionTooShort
        );
        assert_noop!(
            ValidatorSet::set_session_length(council(3), 28_801),
            pallet_validator_set::Error::<Runtime>::SessionTooLong
        );
    });
}

/// Eve's session keys, generated in the test keystore, and set with their proof as
/// Polkadot.js does (`author_rotateKeysWithOwner`, then `session.setKeys`).
fn eve_sets_keys() -> SessionKeys {
    let eve = Sr25519Keyring::Eve.to_account_id();
    // A hospital joins the consortium before it stores keys.
    assert_ok!(crate::ConsortiumMembership::add_member(
        RuntimeOrigin::root(),
        eve.clone().into()
    ));
    let generated = SessionKeys::generate(&eve.encode(), None);
    assert_ok!(Session::set_keys(
        RuntimeOrigin::signed(eve),
        generated.keys.clone(),
        generated.proof.encode()
    ));
    generated.keys
}

#[test]
fn a_council_majority_adds_a_validator_who_authors_two_sessions_later() {
    local_chain().execute_with(|| {
        let eve = Sr25519Keyring::Eve.to_account_id();
        assert_noop!(
            ValidatorSet::add_validator(council(3), eve.clone()),
            pallet_validator_set::Error::<Runtime>::NoSessionKeys
        );
        let keys = eve_sets_keys();
        for origin in [RuntimeOrigin::signed(eve.clone()), council(2)] {
            assert_noop!(
                ValidatorSet::add_validator(origin, eve.clone()),
                DispatchError::BadOrigin
            );
        }
        // Through the runtime's rules: a validator must own an authorised node first.
        let add_eve = || {
            RuntimeCall::ValidatorSet(pallet_validator_set::Call::add_validator {
                who: eve.clone(),
            })
            .dispatch(council(3))
            .map(|_| ())
            .map_err(|e| e.error)
        };
        assert_eq!(
            add_eve(),
            Err(frame_system::Error::<Runtime>::CallFiltered.into())
        );
        assert_ok!(NodeAuthorization::add_well_known_node(
            council(3),
            peer(3),
            eve.clone().into()
        ));
        assert_eq!(add_eve(), Ok(()));

        Session::rotate_session();
        assert_eq!(aura_authorities(), 4, "queued, not yet active");
        Session::rotate_session();
        assert!(pallet_aura::Authorities::<Runtime>::get().contains(&keys.aura));
        assert!(Session::validators().contains(&eve));
        assert!(
            pallet_grandpa::PendingChange::<Runtime>::get().is_some_and(|change| change
                .next_authorities
                .iter()
                .any(|(id, _)| *id == keys.grandpa))
        );

        // Removing her again works; one change waits at a time.
        let bob = Sr25519Keyring::Bob.to_account_id();
        assert_ok!(ValidatorSet::remove_validator(council(3), eve.clone()));
        assert_noop!(
            ValidatorSet::remove_validator(council(3), bob.clone()),
            pallet_validator_set::Error::<Runtime>::ChangePending
        );
        Session::rotate_session();
        // Queued, not yet active: still one change at a time.
        assert_noop!(
            ValidatorSet::remove_validator(council(3), bob.clone()),
            pallet_validator_set::Error::<Runtime>::ChangePending
        );
        Session::rotate_session();
        // The council keeps all four founders: none may go.
        assert_ok!(ValidatorSet::set_min_validators(council(3), 4));
        assert_noop!(
            ValidatorSet::remove_validator(council(3), bob),
            pallet_validator_set::Error::<Runtime>::TooFewValidators
        );
    });
}

#[test]
fn wrong_keys_are_refused_by_name() {
    local_chain().execute_with(|| {
        let eve = Sr25519Keyring::Eve.to_account_id();
        // An Ed25519 key where Aura's Sr25519 key belongs: its proof does not verify.
        let keys = SessionKeys {
            aura: sp_core::sr25519::Public::from_raw(Ed25519Keyring::Eve.public().0).into(),
            grandpa: Ed25519Keyring::Eve.public().into(),
        };
        assert_noop!(
            Session::set_keys(RuntimeOrigin::signed(eve), keys, vec![0; 128]),
            pallet_session::Error::<Runtime>::InvalidProof
        );
    });
}

/// A chain as spec 105 left it: Aura and GRANDPA authorities from genesis, no `Session`,
/// no validator set, no authorised nodes.
fn chain_before_spec_106() -> sp_io::TestExternalities {
    let mut storage = frame_system::GenesisConfig::<Runtime>::default()
        .build_storage()
        .unwrap();
    pallet_aura::GenesisConfig::<Runtime> {
        authorities: medchain_runtime_common::genesis::HOSPITALS
            .iter()
            .map(|k| k.public().into())
            .collect(),
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    pallet_grandpa::GenesisConfig::<Runtime> {
        authorities: medchain_runtime_common::genesis::HOSPITAL_ED25519
            .iter()
            .map(|k| (k.public().into(), 1))
            .collect(),
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    let mut ext: sp_io::TestExternalities = storage.into();
    ext.execute_with(|| frame_system::Pallet::<Runtime>::set_block_number(100));
    ext
}

#[test]
fn the_upgrade_to_spec_106_keeps_the_authorities_and_the_nodes() {
    chain_before_spec_106().execute_with(|| {
        // As the block after an upgrade does: FRAME sets new pallets' storage versions,
        // then the runtime's migrations run.
        crate::Executive::execute_on_runtime_upgrade();

        let hospitals: Vec<AccountId> = medchain_runtime_common::genesis::hospital_accounts();
        assert_eq!(Session::validators(), hospitals);
        assert_eq!(Session::queued_keys().len(), 4);
        let mut sorted = hospitals.clone();
        sorted.sort();
        assert_eq!(
            pallet_validator_set::Validators::<Runtime>::get().into_inner(),
            sorted
        );
        assert_eq!(pallet_validator_set::MinValidators::<Runtime>::get(), 3);
        assert_eq!(
            pallet_validator_set::SessionLengthBlocks::<Runtime>::get(),
            DevSessionLengthBlocks::get()
        );
        assert_eq!(
            ValidatorSet::on_chain_storage_version(),
            StorageVersion::new(1)
        );
        let nodes = pallet_node_authorization::WellKnownNodes::<Runtime>::get();
        assert_eq!(nodes.len(), 4);
        ValidatorSet::do_try_state().unwrap();

        // Two rotations later the same four author, and GRANDPA keeps its set.
        let aura_before = pallet_aura::Authorities::<Runtime>::get();
        Session::rotate_session();
        Session::rotate_session();
        assert_eq!(pallet_aura::Authorities::<Runtime>::get(), aura_before);
        assert!(pallet_grandpa::PendingChange::<Runtime>::get().is_none());

        // Run again, nothing changes.
        pallet_node_authorization::WellKnownNodes::<Runtime>::kill();
        crate::Executive::execute_on_runtime_upgrade();
        assert!(pallet_node_authorization::WellKnownNodes::<Runtime>::get().is_empty());
        assert_eq!(Session::validators(), hospitals);
    });
}
