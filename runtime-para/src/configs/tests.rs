//! The parachain's configuration: the pallets' own `integrity_test`s, the collators
//! governed by the council, and the consortium's pallets configured by the very same
//! types as on the solo chain.

use core::any::TypeId;

use frame_support::{assert_noop, assert_ok, traits::IntegrityTest};
use sp_keyring::Sr25519Keyring;
use sp_runtime::BuildStorage;

use sp_runtime::{traits::Dispatchable, DispatchResult};

use frame_support::traits::ValidatorRegistration;

use crate::{
    configs::{CollatingMembers, CouncilCollective, MemberWithSessionKeys},
    AccountId, AllPalletsWithSystem, CollatorSelection, ConsortiumMembership, Runtime, RuntimeCall,
    RuntimeGenesisConfig, RuntimeOrigin, Session, System,
};

fn local_testnet() -> sp_io::TestExternalities {
    let patch = crate::genesis_config_presets::local_config_genesis();
    let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
    json_merge(&mut config, patch);
    let config: RuntimeGenesisConfig = serde_json::from_value(config).unwrap();
    let mut ext: sp_io::TestExternalities = config.build_storage().unwrap().into();
    ext.execute_with(|| System::set_block_number(1));
    ext
}

fn json_merge(base: &mut serde_json::Value, patch: serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
            for (key, value) in patch {
                json_merge(base.entry(key).or_insert(serde_json::Value::Null), value);
            }
        }
        (base, patch) => *base = patch,
    }
}

fn council(ayes: u32) -> RuntimeOrigin {
    pallet_collective::RawOrigin::<AccountId, CouncilCollective>::Members(ayes, 4).into()
}

#[test]
fn every_pallets_integrity_test_passes() {
    sp_io::TestExternalities::default().execute_with(|| {
        <AllPalletsWithSystem as IntegrityTest>::integrity_test();
    });
}

#[test]
fn the_local_preset_makes_the_four_hospitals_collators() {
    local_testnet().execute_with(|| {
        let invulnerables = pallet_collator_selection::Invulnerables::<Runtime>::get();
        assert_eq!(invulnerables.len(), 4);
        assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 4);
        assert_eq!(crate::ParachainInfo::parachain_id(), crate::PARA_ID.into());
        assert!(pallet_sudo::Key::<Runtime>::get().is_none());
    });
}

#[test]
fn nobody_stands_as_a_collator_by_bond_until_the_council_allows_it() {
    local_testnet().execute_with(|| {
        let eve = Sr25519Keyring::Eve.to_account_id();
        let stand = || {
            RuntimeCall::CollatorSelection(
                pallet_collator_selection::Call::register_as_candidate {},
            )
            .dispatch(RuntimeOrigin::signed(eve.clone()))
            .map_err(|e| e.error)
        };
        let take =
            RuntimeCall::CollatorSelection(pallet_collator_selection::Call::take_candidate_slot {
                deposit: 1_000 * crate::UNIT,
                target: Sr25519Keyring::Dave.to_account_id(),
            });
        assert_noop!(stand(), frame_system::Error::<Runtime>::CallFiltered);
        assert_noop!(
            take.dispatch(RuntimeOrigin::signed(eve.clone()))
                .map_err(|e| e.error),
            frame_system::Error::<Runtime>::CallFiltered
        );
        // Half of the seats is not a majority; a signed account is no council.
        assert!(CollatorSelection::set_desired_candidates(council(2), 1).is_err());
        assert!(
            CollatorSelection::set_desired_candidates(RuntimeOrigin::signed(eve.clone()), 1)
                .is_err()
        );
        assert_ok!(CollatorSelection::set_desired_candidates(council(3), 1));
        assert_eq!(
            pallet_collator_selection::DesiredCandidates::<Runtime>::get(),
            1
        );
        // Allowed now: the call reaches the pallet, which wants session keys first.
        assert_noop!(
            stand(),
            pallet_collator_selection::Error::<Runtime>::ValidatorNotRegistered
        );
    });
}

fn dispatch(
    call: pallet_collator_selection::Call<Runtime>,
    origin: RuntimeOrigin,
) -> DispatchResult {
    RuntimeCall::CollatorSelection(call)
        .dispatch(origin)
        .map(|_| ())
        .map_err(|e| e.error)
}

const FILTERED: frame_system::Error<Runtime> = frame_system::Error::<Runtime>::CallFiltered;

fn hospital(key: Sr25519Keyring) -> AccountId {
    key.to_account_id()
}

#[test]
fn a_council_majority_sets_the_collators_but_never_none() {
    use pallet_collator_selection::{Call, Invulnerables};
    local_testnet().execute_with(|| {
        let [alice, bob, dave] = [
            Sr25519Keyring::Alice,
            Sr25519Keyring::Bob,
            Sr25519Keyring::Dave,
        ]
        .map(hospital);
        let eve = hospital(Sr25519Keyring::Eve);
        // Half of the seats is not a majority.
        assert!(dispatch(Call::remove_invulnerable { who: dave.clone() }, council(2)).is_err());
        assert_ok!(dispatch(
            Call::remove_invulnerable { who: dave.clone() },
            council(3)
        ));
        assert!(!Invulnerables::<Runtime>::get().contains(&dave));
        // An empty list, or one naming a non-member without keys, would leave the chain
        // without collators.
        let set = |new: Vec<AccountId>| Call::set_invulnerables { new };
        assert_noop!(dispatch(set(vec![]), council(3)), FILTERED);
        assert_noop!(dispatch(set(vec![eve.clone()]), council(3)), FILTERED);
        assert_ok!(dispatch(set(vec![alice.clone(), bob.clone()]), council(3)));
        // A non-member cannot be made a collator, even by the council.
        assert_noop!(
            dispatch(Call::add_invulnerable { who: eve }, council(3)),
            pallet_collator_selection::Error::<Runtime>::ValidatorNotRegistered
        );
        assert_ok!(dispatch(Call::remove_invulnerable { who: bob }, council(3)));
        // The last collator stays.
        assert_noop!(
            dispatch(Call::remove_invulnerable { who: alice.clone() }, council(3)),
            FILTERED
        );
        assert_eq!(
            Invulnerables::<Runtime>::get().to_vec(),
            vec![alice.clone()]
        );
        // Nor may a collator drop its keys.
        assert_noop!(
            RuntimeCall::Session(pallet_session::Call::purge_keys {})
                .dispatch(RuntimeOrigin::signed(alice))
                .map_err(|e| e.error),
            FILTERED
        );
    });
}

#[test]
fn only_members_collate_and_a_removed_member_stops_at_the_next_session() {
    use pallet_collator_selection::Call;
    use pallet_session::SessionManager;
    local_testnet().execute_with(|| {
        let eve = hospital(Sr25519Keyring::Eve);
        let dave = hospital(Sr25519Keyring::Dave);
        // Eve has session keys but is no member: the council cannot make her a collator.
        pallet_session::NextKeys::<Runtime>::insert(
            &eve,
            crate::opaque::SessionKeys {
                aura: Sr25519Keyring::Eve.public().into(),
            },
        );
        assert!(<Session as ValidatorRegistration<AccountId>>::is_registered(&eve));
        assert!(!<MemberWithSessionKeys as ValidatorRegistration<
            AccountId,
        >>::is_registered(&eve));
        assert_noop!(
            dispatch(Call::add_invulnerable { who: eve.clone() }, council(3)),
            pallet_collator_selection::Error::<Runtime>::ValidatorNotRegistered
        );
        assert_noop!(
            dispatch(Call::set_invulnerables { new: vec![eve] }, council(3)),
            FILTERED
        );

        // The council removes Dave from the consortium; still an invulnerable, he is
        // left out of the next session's collators.
        assert_ok!(ConsortiumMembership::remove_member(
            council(3),
            dave.clone().into()
        ));
        assert!(pallet_collator_selection::Invulnerables::<Runtime>::get().contains(&dave));
        let next = CollatingMembers::new_session(2).expect("a new set");
        assert_eq!(next.len(), 3);
        assert!(!next.contains(&dave));
        // And the remaining collators are the only ones a motion may leave.
        let [alice, bob, charlie] = [
            Sr25519Keyring::Alice,
            Sr25519Keyring::Bob,
            Sr25519Keyring::Charlie,
        ]
        .map(hospital);
        assert_ok!(dispatch(
            Call::remove_invulnerable { who: alice },
            council(3)
        ));
        assert_ok!(dispatch(Call::remove_invulnerable { who: bob }, council(3)));
        // Dave is invulnerable with keys but no member: he does not count.
        assert_noop!(
            dispatch(Call::remove_invulnerable { who: charlie }, council(3)),
            FILTERED
        );
    });
}

#[test]
fn the_shared_pallets_have_the_solo_chains_indexes() {
    use frame_support::traits::PalletInfo as _;
    type SoloInfo = <medchain_runtime::Runtime as frame_system::Config>::PalletInfo;
    type ParaInfo = <Runtime as frame_system::Config>::PalletInfo;
    macro_rules! same_index {
        ($($pallet:ident),*) => {$(
            assert_eq!(
                SoloInfo::index::<medchain_runtime::$pallet>(),
                ParaInfo::index::<crate::$pallet>(),
                stringify!($pallet)
            );
            assert_eq!(
                SoloInfo::name::<medchain_runtime::$pallet>(),
                ParaInfo::name::<crate::$pallet>()
            );
        )*};
    }
    same_index!(
        System,
        Timestamp,
        Aura,
        Balances,
        TransactionPayment,
        Sudo,
        Council,
        ConsortiumMembership,
        Preimage,
        MedicalRecords,
        Access,
        Session
    );
}

/// The consortium's pallets are configured by the same types on both chains: one
/// definition, not two equal copies.
#[test]
fn the_consortium_is_configured_by_the_same_types_as_on_the_solo_chain() {
    fn same<A: 'static, B: 'static>() -> bool {
        TypeId::of::<A>() == TypeId::of::<B>()
    }
    type Solo = medchain_runtime::Runtime;
    type Para = Runtime;
    macro_rules! same_type {
        ($trait:path, $item:ident) => {
            assert!(
                same::<<Solo as $trait>::$item, <Para as $trait>::$item>(),
                concat!(stringify!($trait), "::", stringify!($item), " differs")
            );
        };
    }
    use pallet_access::Config as AccessConfig;
    use pallet_medical_records::Config as RecordsConfig;

    same_type!(RecordsConfig, RecordDepositBase);
    same_type!(RecordsConfig, ByteDeposit);
    same_type!(RecordsConfig, MaxLabels);
    same_type!(RecordsConfig, MaxLabelLen);
    same_type!(RecordsConfig, MaxLocationLen);
    same_type!(RecordsConfig, WorkerByteBudget);
    same_type!(RecordsConfig, WorkerTimeBudgetMs);
    same_type!(RecordsConfig, ResubmitAfter);
    same_type!(RecordsConfig, DictionaryOrigin);
    same_type!(RecordsConfig, MaxDictionaryLen);
    same_type!(RecordsConfig, AuthorityId);
    same_type!(AccessConfig, AdminOrigin);
    same_type!(AccessConfig, MaxMembers);
    same_type!(AccessConfig, MaxPurposeLen);
    same_type!(AccessConfig, MaxWrappedKeyLen);
    assert!(same::<
        <Solo as pallet_membership::Config<CouncilCollective>>::AddOrigin,
        <Para as pallet_membership::Config<CouncilCollective>>::AddOrigin,
    >());
    assert!(same::<
        <Solo as pallet_collective::Config<CouncilCollective>>::DefaultVote,
        <Para as pallet_collective::Config<CouncilCollective>>::DefaultVote,
    >());
    // The council that governs the consortium also chooses the collators.
    assert!(same::<
        <Para as pallet_collator_selection::Config>::UpdateOrigin,
        <Solo as pallet_access::Config>::AdminOrigin,
    >());
    // Durations are the same time on both chains, in each chain's blocks.
    let solo_ttl = <<Solo as AccessConfig>::RequestTtl as frame_support::traits::Get<u32>>::get();
    let para_ttl = <<Para as AccessConfig>::RequestTtl as frame_support::traits::Get<u32>>::get();
    assert_eq!(
        u64::from(solo_ttl) * medchain_runtime::MILLI_SECS_PER_BLOCK,
        u64::from(para_ttl) * crate::MILLI_SECS_PER_BLOCK
    );
    // Both chains sign and check transactions with the same extensions.
    assert!(same::<
        medchain_runtime_common::TxExtension<Solo>,
        medchain_runtime::TxExtension,
    >());
}
