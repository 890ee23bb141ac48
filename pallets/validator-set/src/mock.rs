//! A test runtime: System and this pallet; session keys are kept in a thread-local set.

use crate as pallet_validator_set;
use core::cell::RefCell;
use frame_support::{
    derive_impl,
    traits::{ConstU32, ConstU64, ValidatorRegistration},
};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;
use std::collections::BTreeSet;

pub type AccountId = u64;
type Block = frame_system::mocking::MockBlock<Test>;

/// Validators 1..=4 at genesis, at least 3; 5 and 6 are hospitals with keys, 7 has none.
pub const FOUNDERS: [AccountId; 4] = [1, 2, 3, 4];
pub const MIN_VALIDATORS: u32 = 3;
pub const WITH_KEYS: AccountId = 5;
pub const ALSO_WITH_KEYS: AccountId = 6;
pub const WITHOUT_KEYS: AccountId = 7;
pub const MAX_VALIDATORS: u32 = 6;
pub const SESSION_BLOCKS: u64 = 10;
pub const MIN_SESSION_BLOCKS: u64 = 5;
pub const MAX_SESSION_BLOCKS: u64 = 1_000;

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
    pub type ValidatorSet = pallet_validator_set;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
}

thread_local! {
    static KEYS: RefCell<BTreeSet<AccountId>> = const { RefCell::new(BTreeSet::new()) };
}

/// Who has session keys (the runtime asks `Session`).
pub struct MockKeys;

impl MockKeys {
    pub fn set(who: AccountId) {
        KEYS.with(|keys| keys.borrow_mut().insert(who));
    }
    pub fn purge(who: AccountId) {
        KEYS.with(|keys| keys.borrow_mut().remove(&who));
    }
}

impl ValidatorRegistration<AccountId> for MockKeys {
    fn is_registered(who: &AccountId) -> bool {
        KEYS.with(|keys| keys.borrow().contains(who))
    }
}

impl pallet_validator_set::Config for Test {
    type AdminOrigin = EnsureRoot<AccountId>;
    type KeysRegistered = MockKeys;
    type MaxValidators = ConstU32<MAX_VALIDATORS>;
    type MinSessionLengthBlocks = ConstU64<MIN_SESSION_BLOCKS>;
    type MaxSessionLengthBlocks = ConstU64<MAX_SESSION_BLOCKS>;
    type WeightInfo = ();
    #[cfg(feature = "runtime-benchmarks")]
    type BenchmarkHelper = MockKeys;
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::benchmarking::BenchmarkHelper<AccountId> for MockKeys {
    fn register_keys(who: &AccountId) {
        MockKeys::set(*who);
    }
}

/// Genesis: the founders validate and have keys, as do 5 and 6.
pub fn new_test_ext() -> sp_io::TestExternalities {
    KEYS.with(|keys| keys.borrow_mut().clear());
    for who in FOUNDERS.into_iter().chain([WITH_KEYS, ALSO_WITH_KEYS]) {
        MockKeys::set(who);
    }
    let storage = RuntimeGenesisConfig {
        system: Default::default(),
        validator_set: pallet_validator_set::GenesisConfig {
            validators: FOUNDERS.to_vec(),
            min_validators: MIN_VALIDATORS,
            session_length_blocks: SESSION_BLOCKS,
        },
    }
    .build_storage()
    .unwrap();
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| System::set_block_number(1));
    ext
}
