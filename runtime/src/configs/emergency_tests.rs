//! What one emergency (break-glass) access costs in state, in this runtime's types: the
//! bytes (keys and values) it adds while it lasts, and what stays once it is reaped.
//! The figure in the book's access chapter comes from this test
//! (`cargo test --release -p medchain-runtime emergency -- --nocapture`).

use crate::{
    Access, Balances, ConsortiumMembership, MedicalRecords, Runtime, RuntimeOrigin, System,
};
use frame_support::{assert_ok, traits::Hooks};
use medchain_primitives::{Codec, CodecMethod, RecordInput, Role};
use sp_core::{crypto::AccountId32, H256};
use sp_runtime::BuildStorage;

fn account(seed: u8) -> AccountId32 {
    AccountId32::new([seed; 32])
}

/// Bytes of every key and value in state but `System`'s (events, block data, nonces).
fn state_bytes() -> usize {
    let system = sp_io::hashing::twox_128(b"System");
    let mut total = 0;
    let mut key = Vec::new();
    while let Some(next) = sp_io::storage::next_key(&key) {
        if !next.starts_with(&system) {
            total += next.len() + sp_io::storage::get(&next).map_or(0, |v| v.len());
        }
        key = next;
    }
    total
}

#[test]
fn storage_cost_of_an_emergency_access() {
    let mut ext: sp_io::TestExternalities = frame_system::GenesisConfig::<Runtime>::default()
        .build_storage()
        .unwrap()
        .into();
    ext.execute_with(|| {
        System::set_block_number(1);
        let (owner, manager, demander) = (account(1), account(2), account(3));
        let member = account(4);
        let root = RuntimeOrigin::root;
        for who in [&owner, &manager, &demander, &member] {
            assert_ok!(Balances::force_set_balance(
                root(),
                who.clone().into(),
                1 << 60
            ));
        }
        assert_ok!(ConsortiumMembership::add_member(
            root(),
            member.clone().into()
        ));
        for (who, role) in [
            (&owner, Role::DataOwner),
            (&manager, Role::DataManager),
            (&demander, Role::DataDemander),
            (&demander, Role::EmergencyAccess),
        ] {
            assert_ok!(Access::assign_role(root(), who.clone(), role));
        }
        assert_ok!(Access::set_encryption_key(
            RuntimeOrigin::signed(demander.clone()),
            [5; 32]
        ));
        assert_ok!(MedicalRecords::accept_owner(
            RuntimeOrigin::signed(manager.clone()),
            owner.clone()
        ));
        let input = RecordInput {
            raw_hash: H256::repeat_byte(1),
            content_hash: H256::repeat_byte(2),
            raw_len: 1_000,
            compressed_len: 400,
            codec: Codec {
                method: CodecMethod::Bytes,
                dictionary: None,
            },
            labels: Default::default(),
            location: b"store://manager/0123456789abcdef"
                .to_vec()
                .try_into()
                .unwrap(),
            manager: manager.clone(),
        };
        assert_ok!(MedicalRecords::register_record(
            RuntimeOrigin::signed(owner.clone()),
            input
        ));
        let record = pallet_medical_records::NextRecordId::<Runtime>::get() - 1;

        let before = state_bytes();
        let reason = b"unconscious in the ED, allergies unknown; anticoagulants?".to_vec();
        assert_ok!(Access::break_glass(
            RuntimeOrigin::signed(demander.clone()),
            record,
            reason.clone().try_into().unwrap()
        ));
        let request = pallet_access::NextRequestId::<Runtime>::get() - 1;
        // An X25519 sealed key: ephemeral key, data key, tag.
        assert_ok!(Access::deliver_key(
            RuntimeOrigin::signed(owner.clone()),
            request,
            vec![0xab; 80].try_into().unwrap()
        ));
        let live = state_bytes() - before;

        assert_ok!(Access::review_emergency(
            RuntimeOrigin::signed(member.clone()),
            request,
            true
        ));
        let expires = pallet_access::Requests::<Runtime>::get(request)
            .unwrap()
            .expires_block;
        System::set_block_number(expires);
        Access::on_initialize(expires);
        assert_ok!(Access::reap_request(RuntimeOrigin::signed(member), request));
        let kept = state_bytes().saturating_sub(before);
        println!(
            "an emergency access with a {}-byte reason: {live} bytes of state while it lasts \
             (request, review, grant, expiry slot, deposit hold, counter); \
             {kept} bytes kept once reaped",
            reason.len()
        );
        // Bounded: the request (with the reason), the grant (with the key) and a few
        // small entries.
        assert!(live > reason.len() + 80 && live < 1_200, "{live} bytes");
        assert!(kept < 200, "{kept} bytes kept");
    });
}
