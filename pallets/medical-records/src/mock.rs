//! A test runtime: System, Balances (for the deposit holds), Timestamp (for `at_ms`),
//! Preimage (which keeps the primed dictionaries' bytes) and this pallet, with roles and the audit log kept in thread-local maps. The off-chain
//! worker signs with `UintAuthorityId` test keys (the key of account `n` is `n`), and
//! its transactions carry their nonce so that tests can check it.

use crate as pallet_medical_records;
use codec::Encode;
use core::cell::RefCell;
use frame_support::{
    derive_impl, parameter_types,
    traits::{fungible::HoldConsideration, ConstU32, ConstU64, LinearStoragePrice},
};
use frame_system::EnsureRoot;
use medchain_primitives::{audit_step, AuditLog, RecordId, Role, RoleProvider, RoleSet};
use sp_core::H256;
use sp_runtime::{
    testing::{TestSignature, TestXt, UintAuthorityId},
    BuildStorage,
};
use std::collections::BTreeMap;

pub type AccountId = u64;
pub type Balance = u64;
type Block = frame_system::mocking::MockBlock<Test>;

pub const OWNER: AccountId = 1;
pub const OTHER_OWNER: AccountId = 2;
pub const MANAGER: AccountId = 3;
pub const STRANGER: AccountId = 4;
pub const POOR_OWNER: AccountId = 5;
pub const BALANCE: Balance = 1_000_000;
pub const DEPOSIT_BASE: Balance = 100;
pub const BYTE_DEPOSIT: Balance = 1;
pub const RETIRED_DEPOSIT: Balance = 20;
pub const MAX_ACCEPTED_OWNERS: u32 = 5;
/// The mock's block time, so that `at_ms` is `block × 3000`.
pub const BLOCK_MS: u64 = 3_000;

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
    pub type Balances = pallet_balances;
    #[runtime::pallet_index(3)]
    pub type MedicalRecords = pallet_medical_records;
    #[runtime::pallet_index(4)]
    pub type Preimage = pallet_preimage;
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
    type Block = Block;
    type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
    type Balance = Balance;
    type AccountStore = System;
    type RuntimeHoldReason = RuntimeHoldReason;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

parameter_types! {
    pub const PreimageHoldReason: RuntimeHoldReason =
        RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

/// A preimage of `n` bytes holds `PREIMAGE_BASE_DEPOSIT + n` from whoever notes it.
pub const PREIMAGE_BASE_DEPOSIT: Balance = 10;

impl pallet_preimage::Config for Test {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = ();
    type Currency = Balances;
    type ManagerOrigin = EnsureRoot<AccountId>;
    type Consideration = HoldConsideration<
        AccountId,
        Balances,
        PreimageHoldReason,
        LinearStoragePrice<ConstU64<PREIMAGE_BASE_DEPOSIT>, ConstU64<1>, Balance>,
    >;
}

thread_local! {
    static ROLES: RefCell<BTreeMap<AccountId, RoleSet>> = const { RefCell::new(BTreeMap::new()) };
    static AUDIT: RefCell<BTreeMap<RecordId, H256>> = const { RefCell::new(BTreeMap::new()) };
}

/// Roles kept in a thread-local map (the runtime uses `pallet-access`).
pub struct MockRoles;

impl MockRoles {
    pub fn set(who: AccountId, role: Role, on: bool) {
        ROLES.with(|roles| {
            let mut roles = roles.borrow_mut();
            let set = roles.entry(who).or_default();
            *set = if on {
                set.with(role)
            } else {
                set.without(role)
            };
        });
    }
}

impl RoleProvider<AccountId> for MockRoles {
    fn has_role(who: &AccountId, role: Role) -> bool {
        ROLES.with(|roles| {
            roles
                .borrow()
                .get(who)
                .is_some_and(|set| set.contains(role))
        })
    }

    #[cfg(feature = "runtime-benchmarks")]
    fn grant_for_benchmarks(who: &AccountId, role: Role) {
        Self::set(*who, role, true);
    }
}

/// Audit heads kept in a thread-local map (the runtime uses `pallet-access`).
pub struct MockAudit;

impl AuditLog for MockAudit {
    fn record_operation(record: RecordId, operation: &[u8]) -> H256 {
        AUDIT.with(|heads| {
            let mut heads = heads.borrow_mut();
            let head = heads.entry(record).or_default();
            *head = audit_step(head, operation);
            *head
        })
    }

    fn head(record: RecordId) -> H256 {
        AUDIT.with(|heads| heads.borrow().get(&record).copied().unwrap_or_default())
    }
}

/// A transaction as the worker submits it: signed by an account, carrying its nonce.
pub type Extrinsic = TestXt<RuntimeCall, frame_system::CheckNonce<Test>>;

impl frame_system::offchain::SigningTypes for Test {
    type Public = UintAuthorityId;
    type Signature = TestSignature;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Test
where
    RuntimeCall: From<LocalCall>,
{
    type Extrinsic = Extrinsic;
    type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateSignedTransaction<LocalCall> for Test
where
    RuntimeCall: From<LocalCall>,
{
    fn create_signed_transaction<
        C: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
    >(
        call: RuntimeCall,
        public: UintAuthorityId,
        account: AccountId,
        nonce: u32,
    ) -> Option<Extrinsic> {
        // Sign as the runtime does, so a key that cannot sign makes no transaction.
        C::sign(&call.encode(), public)?;
        Some(Extrinsic::new_signed(
            call,
            account,
            (),
            frame_system::CheckNonce::from(nonce),
        ))
    }
}

/// The worker's key in tests: test keys are their own generic form.
pub struct TestAuthority;

impl frame_system::offchain::AppCrypto<UintAuthorityId, TestSignature> for TestAuthority {
    type RuntimeAppPublic = UintAuthorityId;
    type GenericPublic = UintAuthorityId;
    type GenericSignature = TestSignature;
}

/// The worker's budget in tests: two submissions and 64 KiB per run.
pub const WORKER_MAX_SUBMISSIONS: u32 = 2;
pub const WORKER_BYTE_BUDGET: u32 = 64 * 1024;
pub const RESUBMIT_AFTER: u32 = 5;
pub const VERIFY_INTERVAL: u32 = 4;

/// Small dictionary bounds, so that every limit is reachable in a test.
pub const MAX_DICTIONARY_LEN: u32 = 8192;
pub const MAX_DICTIONARIES: u32 = 5;
pub const MAX_ACTIVE_DICTIONARIES: u32 = 2;

parameter_types! {
    /// Settable per test.
    pub static WorkerTimeBudgetMs: u64 = 1_000;
    pub const RecordDepositBase: Balance = DEPOSIT_BASE;
    pub const ByteDeposit: Balance = BYTE_DEPOSIT;
    pub const RetiredRecordDeposit: Balance = RETIRED_DEPOSIT;
}

impl pallet_medical_records::Config for Test {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type RecordDepositBase = RecordDepositBase;
    type ByteDeposit = ByteDeposit;
    type RetiredRecordDeposit = RetiredRecordDeposit;
    type MaxAcceptedOwners = ConstU32<MAX_ACCEPTED_OWNERS>;
    type MaxLabels = ConstU32<4>;
    type MaxLabelLen = ConstU32<24>;
    // Room for the worker's own locations (`medchain-blob:0x` + 64 hex digits).
    type MaxLocationLen = ConstU32<96>;
    type Roles = MockRoles;
    type Audit = MockAudit;
    type Time = Timestamp;
    type AuthorityId = TestAuthority;
    type WorkerByteBudget = ConstU32<WORKER_BYTE_BUDGET>;
    type WorkerTimeBudgetMs = WorkerTimeBudgetMs;
    type WorkerMaxSubmissions = ConstU32<WORKER_MAX_SUBMISSIONS>;
    type ResubmitAfter = ConstU32<RESUBMIT_AFTER>;
    type VerifyInterval = ConstU32<VERIFY_INTERVAL>;
    type VerifyBatch = ConstU32<2>;
    type DictionaryOrigin = EnsureRoot<AccountId>;
    type Preimages = Preimage;
    type MaxDictionaryLen = ConstU32<MAX_DICTIONARY_LEN>;
    type MaxDictionaries = ConstU32<MAX_DICTIONARIES>;
    type MaxActiveDictionaries = ConstU32<MAX_ACTIVE_DICTIONARIES>;
    type WeightInfo = ();
}

/// Owners 1 and 2 and the poor owner 5 hold the owner role, 3 the manager role, which
/// accepts the three owners; all but the poor owner (just above the existential deposit)
/// are funded.
pub fn new_test_ext() -> sp_io::TestExternalities {
    ROLES.with(|roles| roles.borrow_mut().clear());
    AUDIT.with(|heads| heads.borrow_mut().clear());
    let mut storage = frame_system::GenesisConfig::<Test>::default()
        .build_storage()
        .unwrap();
    pallet_balances::GenesisConfig::<Test> {
        balances: vec![
            (OWNER, BALANCE),
            (OTHER_OWNER, BALANCE),
            (MANAGER, BALANCE),
            (STRANGER, BALANCE),
            (POOR_OWNER, 10),
        ],
        ..Default::default()
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    pallet_medical_records::GenesisConfig::<Test> {
        accepted_owners: [OWNER, OTHER_OWNER, POOR_OWNER]
            .into_iter()
            .map(|owner| (MANAGER, owner))
            .collect(),
    }
    .assimilate_storage(&mut storage)
    .unwrap();
    let mut ext = sp_io::TestExternalities::new(storage);
    ext.execute_with(|| {
        for owner in [OWNER, OTHER_OWNER, POOR_OWNER] {
            MockRoles::set(owner, Role::DataOwner, true);
        }
        MockRoles::set(MANAGER, Role::DataManager, true);
        go_to_block(1);
    });
    ext
}

/// Test externalities with an off-chain database, a worker context and a transaction
/// pool; the returned states let a test read the pool and the database.
pub fn new_offchain_ext() -> (
    sp_io::TestExternalities,
    std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::PoolState>>,
    std::sync::Arc<parking_lot::RwLock<sp_core::offchain::testing::OffchainState>>,
) {
    use sp_core::offchain::{
        testing::{TestOffchainExt, TestTransactionPoolExt},
        OffchainDbExt, OffchainWorkerExt, TransactionPoolExt,
    };
    let mut ext = new_test_ext();
    let (offchain, offchain_state) = TestOffchainExt::new();
    let (pool, pool_state) = TestTransactionPoolExt::new();
    ext.register_extension(OffchainDbExt::new(offchain.clone()));
    ext.register_extension(OffchainWorkerExt::new(offchain));
    ext.register_extension(TransactionPoolExt::new(pool));
    (ext, pool_state, offchain_state)
}

/// Moves to block `n` with its timestamp `n × BLOCK_MS`.
pub fn go_to_block(n: u64) {
    System::set_block_number(n);
    pallet_timestamp::Now::<Test>::put(n * BLOCK_MS);
}
