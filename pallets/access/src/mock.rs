//! A test runtime: System, Timestamp (for `at_ms`), Balances (for request deposits) and this
//! pallet, with the consortium's members and the records kept in thread-local maps.

use crate as pallet_access;
use core::cell::RefCell;
use frame_support::{
    derive_impl, parameter_types,
    traits::{ConstU32, ConstU64, SortedMembers},
};
use frame_system::EnsureRoot;
use medchain_primitives::{RecordId, RecordProvider, Role};
use sp_runtime::BuildStorage;
use std::collections::BTreeMap;

pub type AccountId = u64;
type Block = frame_system::mocking::MockBlock<Test>;

/// Members 1..=4 vote; 10 owns records, 11 manages them, 20 and 21 are demanders,
/// 30 holds no role.
pub const MEMBERS: [AccountId; 4] = [1, 2, 3, 4];
pub const OWNER: AccountId = 10;
pub const MANAGER: AccountId = 11;
pub const DEMANDER: AccountId = 20;
pub const OTHER_DEMANDER: AccountId = 21;
pub const STRANGER: AccountId = 30;
/// Record 0 is live (owner 10, manager 11); other ids are unknown.
pub const RECORD: RecordId = 0;
pub const REQUEST_TTL: u64 = 10;
pub const GRANT_TTL: u64 = 100;
pub const EMERGENCY_TTL: u64 = 8;
pub const EMERGENCY_PERIOD: u64 = 50;
pub const MAX_EMERGENCIES: u32 = 2;
pub const REVIEW_TTL: u64 = 30;
pub const MAX_OPEN: u32 = 3;
pub const MAX_EXPIRIES: u32 = 5;
pub const BLOCK_MS: u64 = 3_000;
pub const REQUEST_DEPOSIT: u64 = 50;
/// What every account with a role (and the stranger) starts with.
pub const BALANCE: u64 = 1_000;

#[frame_support::runtime]
mod runtime {
    #[runtime::runtime]
    #[runtime::derive(
        RuntimeCall,
        RuntimeEvent,
        RuntimeError,
        RuntimeOrigin,
        RuntimeFreezeReason,
        RuntimeHoldReason,
        RuntimeSlashReason,
        RuntimeLockId,
        RuntimeTask,
        RuntimeViewFunction
    )]
    pub struct Test;

    #[runtime::pallet_index(0)]
    pub type System = frame_system;
    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp;
    #[runtime::pallet_index(2)]
    pub type Access = pallet_access;
    #[runtime::pallet_index(3)]
    pub type Balances = pallet_balances;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type AccountStore = System;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

thread_local! {
    static MEMBER_LIST: RefCell<Vec<AccountId>> = const { RefCell::new(Vec::new()) };
    static RECORDS: RefCell<BTreeMap<RecordId, (AccountId, AccountId)>> = const { RefCell::new(BTreeMap::new()) };
}

/// The consortium's members (the runtime uses `ConsortiumMembership`).
pub struct MockMembers;

impl MockMembers {
    pub fn set(members: &[AccountId]) {
        let mut members = members.to_vec();
        members.sort();
        MEMBER_LIST.with(|list| *list.borrow_mut() = members);
    }
}

impl SortedMembers<AccountId> for MockMembers {
    fn sorted_members() -> Vec<AccountId> {
        MEMBER_LIST.with(|list| list.borrow().clone())
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn add(who: &AccountId) {
        MEMBER_LIST.with(|list| {
            let mut list = list.borrow_mut();
            if let Err(at) = list.binary_search(who) {
                list.insert(at, *who);
            }
        });
    }
}

/// Live records (the runtime uses `pallet-medical-records`).
pub struct MockRecords;

impl MockRecords {
    pub fn set(record: RecordId, parties: Option<(AccountId, AccountId)>) {
        RECORDS.with(|records| match parties {
            Some(parties) => records.borrow_mut().insert(record, parties),
            None => records.borrow_mut().remove(&record),
        });
    }
}

impl RecordProvider<AccountId> for MockRecords {
    fn owner(record: RecordId) -> Option<AccountId> {
        RECORDS.with(|records| records.borrow().get(&record).map(|(owner, _)| *owner))
    }

    fn manager(record: RecordId) -> Option<AccountId> {
        RECORDS.with(|records| records.borrow().get(&record).map(|(_, manager)| *manager))
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn create_for_benchmarks(owner: &AccountId, manager: &AccountId) -> RecordId {
        let id = RECORDS.with(|records| records.borrow().keys().last().map_or(0, |id| id + 1));
        Self::set(id, Some((*owner, *manager)));
        id
    }
}

parameter_types! {
    pub const MaxMembers: u32 = 8;
}

impl pallet_access::Config for Test {
    type AdminOrigin = EnsureRoot<AccountId>;
    type Members = MockMembers;
    type MaxMembers = MaxMembers;
    type Records = MockRecords;
    type RequestTtl = ConstU64<REQUEST_TTL>;
    type GrantTtl = ConstU64<GRANT_TTL>;
    type MaxOpenRequests = ConstU32<MAX_OPEN>;
    type MaxExpiriesPerBlock = ConstU32<MAX_EXPIRIES>;
    type MaxPurposeLen = ConstU32<64>;
    type MaxWrappedKeyLen = ConstU32<128>;
    type Time = Timestamp;
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type RequestDeposit = ConstU64<REQUEST_DEPOSIT>;
    type EmergencyGrantTtl = ConstU64<EMERGENCY_TTL>;
    type EmergencyPeriod = ConstU64<EMERGENCY_PERIOD>;
    type MaxEmergenciesPerPeriod = ConstU32<MAX_EMERGENCIES>;
    type EmergencyReviewTtl = ConstU64<REVIEW_TTL>;
    type WeightInfo = ();
}

/// Four members; record 0 of the owner and manager; roles from genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
    MockMembers::set(&MEMBERS);
    RECORDS.with(|records| records.borrow_mut().clear());
    MockRecords::set(RECORD, Some((OWNER, MANAGER)));
    let mut storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .unwrap();
    pallet_balances::GenesisConfig::<Test> {
        balances: [
            MEMBERS.as_slice(),
            &[OWNER, MANAGER, DEMANDER, OTHER_DEMANDER, STRANGER],
        ]
        .concat()
        .into_iter()
        .map(|who| (who, BALANCE))
        .collect(),
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    pallet_access::GenesisConfig::<Test> {
        roles: vec![
            (OWNER, vec![Role::DataOwner]),
            (MANAGER, vec![Role::DataManager]),
            (DEMANDER, vec![Role::DataDemander]),
            (OTHER_DEMANDER, vec![Role::DataDemander]),
        ],
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| go_to_block(1));
    ext
}

/// Moves to block `n` as a real block does: `on_initialize` first (still seeing the
/// previous block's timestamp), then the timestamp inherent sets `n × BLOCK_MS`.
pub fn go_to_block(n: u64) {
    use frame_support::traits::Hooks;
    while System::block_number() < n {
        let next = System::block_number() + 1;
        System::set_block_number(next);
        Access::on_initialize(next);
        pallet_timestamp::Now::<Test>::put(next * BLOCK_MS);
    }
}
