//! Fuzzing MedChain's pallets.
//!
//! A mock runtime wires `pallet-medical-records` and `pallet-access` together as the real
//! runtime does (roles and audit heads from `Access`, records from `MedicalRecords`,
//! voters from `ConsortiumMembership`, deposits held in `Balances`, `at` from
//! `Timestamp`, primed dictionaries' bytes in `Preimage`, the same call filter), with
//! small bounds so that every limit is
//! reachable. [`run`] turns arbitrary bytes into a sequence of steps — calls of every
//! dispatchable of both pallets (and of the membership and balances calls that change
//! what they depend on), from the right or a wrong origin; block changes; reads through
//! the runtime-API functions — and executes them block by block as `frame-executive`
//! would: `on_initialize`, the timestamp inherent, the calls, `on_finalize`.
//!
//! What counts as a finding (a panic):
//! - any panic in a call, a hook or a read;
//! - `try_state` of any pallet failing after a block (`AllPalletsWithSystem`);
//! - a call succeeding from an origin it must refuse (a signed admin call, a root or
//!   unsigned user call);
//! - a call's actual weight above its declared weight;
//! - history overwritten: a record or request removed or its fixed fields changed, a
//!   status moving backwards, votes taken back or counted after a request closed, a
//!   record superseded by one that does not amend it; a record or request not stamped
//!   with the block (timestamp, number) that made it; a new record not marked as keyed,
//!   or registered with a label that looks like personal data (an ID or phone number);
//! - an audit head that differs from the fold of the events naming its record
//!   (`head' = blake2_256(head ++ SCALE(RuntimeEvent))`);
//! - a runtime-API read that contradicts the registry (a page longer than asked, a
//!   record in an index that is not live or not the owner's or not labelled so, access
//!   to a record that is not live).
//!
//! The input format (see [`decode`]) is one selector byte per step followed by one byte
//! per parameter, so a corpus file stays meaningful when the pallets change. Set
//! `MEDCHAIN_FUZZ_TRACE=1` to print the decoded steps of each input as it runs.

use codec::{Decode, DecodeLimit, Encode};
use core::cell::RefCell;
use frame_support::{
    derive_impl,
    dispatch::GetDispatchInfo,
    parameter_types,
    traits::{
        fungible::HoldConsideration, ConstU32, ConstU64, IntegrityTest, LinearStoragePrice,
        OnFinalize, OnInitialize, StorePreimage, TryState, TryStateSelect,
    },
};
use frame_system::EnsureRoot;
use medchain_primitives::purpose::{Purpose, PurposeOfUse};
use medchain_primitives::{
    audit_step, Codec, CodecMethod, DictionaryLanguage, IntegrityFault, RecordId, RecordInput,
    RecordProvider, RecordStatus, RequestId, RequestStatus, Role,
};
use pallet_membership::Instance1;
use sp_core::H256;
use sp_runtime::{
    testing::{TestSignature, TestXt, UintAuthorityId},
    traits::{BlakeTwo256, Dispatchable, Hash},
    BuildStorage,
};
use std::collections::BTreeMap;
use std::sync::OnceLock;

pub type AccountId = u64;
pub type Balance = u64;
pub type BlockNumber = u64;
type Block = frame_system::mocking::MockBlock<Runtime>;

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
    pub struct Runtime;

    // The real runtime's indices, so that events encode as they do on chain.
    #[runtime::pallet_index(0)]
    pub type System = frame_system;
    #[runtime::pallet_index(1)]
    pub type Timestamp = pallet_timestamp;
    #[runtime::pallet_index(4)]
    pub type Balances = pallet_balances;
    #[runtime::pallet_index(11)]
    pub type ConsortiumMembership = pallet_membership<Instance1>;
    #[runtime::pallet_index(12)]
    pub type Preimage = pallet_preimage;
    #[runtime::pallet_index(20)]
    pub type MedicalRecords = pallet_medical_records;
    #[runtime::pallet_index(21)]
    pub type Access = pallet_access;
}

/// As the runtime's `NoSeatChangeByMembers`: members may not move their own seat
/// (`ConsortiumMembership::change_key` is `CallFiltered`), or one member could vote, move
/// to a fresh account and vote again; seats change by `swap_member` (root here).
pub struct NoSeatChangeByMembers;

impl frame_support::traits::Contains<RuntimeCall> for NoSeatChangeByMembers {
    fn contains(call: &RuntimeCall) -> bool {
        !matches!(
            call,
            RuntimeCall::ConsortiumMembership(pallet_membership::Call::change_key { .. })
        )
    }
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Runtime {
    type BaseCallFilter = NoSeatChangeByMembers;
    type Block = Block;
    type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Runtime {
    type Balance = Balance;
    type AccountStore = System;
    type RuntimeHoldReason = RuntimeHoldReason;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Runtime {}

/// Most consortium members (`ConsortiumMembership` and `Access` agree on it).
pub const MAX_MEMBERS: u32 = 8;

impl pallet_membership::Config<Instance1> for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type AddOrigin = EnsureRoot<AccountId>;
    type RemoveOrigin = EnsureRoot<AccountId>;
    type SwapOrigin = EnsureRoot<AccountId>;
    type ResetOrigin = EnsureRoot<AccountId>;
    type PrimeOrigin = EnsureRoot<AccountId>;
    type MembershipInitialized = ();
    type MembershipChanged = ();
    type MaxMembers = ConstU32<MAX_MEMBERS>;
    type WeightInfo = ();
}

parameter_types! {
    pub const PreimageHoldReason: RuntimeHoldReason =
        RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
    type RuntimeEvent = RuntimeEvent;
    type WeightInfo = ();
    type Currency = Balances;
    type ManagerOrigin = EnsureRoot<AccountId>;
    type Consideration = HoldConsideration<
        AccountId,
        Balances,
        PreimageHoldReason,
        LinearStoragePrice<ConstU64<10>, ConstU64<1>, Balance>,
    >;
}

// The off-chain worker's signing types; the harness never runs the worker, but the
// pallet's `Config` needs them.
impl frame_system::offchain::SigningTypes for Runtime {
    type Public = UintAuthorityId;
    type Signature = TestSignature;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
    RuntimeCall: From<LocalCall>,
{
    type Extrinsic = TestXt<RuntimeCall, ()>;
    type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateSignedTransaction<LocalCall> for Runtime
where
    RuntimeCall: From<LocalCall>,
{
    fn create_signed_transaction<
        C: frame_system::offchain::AppCrypto<Self::Public, Self::Signature>,
    >(
        call: RuntimeCall,
        _public: UintAuthorityId,
        account: AccountId,
        _nonce: <Self as frame_system::Config>::Nonce,
    ) -> Option<Self::Extrinsic> {
        Some(TestXt::new_signed(call, account, (), ()))
    }
}

/// The worker's key type in this runtime (test keys are their own generic form).
pub struct TestAuthority;

impl frame_system::offchain::AppCrypto<UintAuthorityId, TestSignature> for TestAuthority {
    type RuntimeAppPublic = UintAuthorityId;
    type GenericPublic = UintAuthorityId;
    type GenericSignature = TestSignature;
}

/// Deposit of a record: `DEPOSIT_BASE` plus one per label and location byte.
pub const DEPOSIT_BASE: Balance = 100;
/// What a retired record keeps held, and what a request holds until it is reaped.
pub const RETIRED_DEPOSIT: Balance = 30;
pub const REQUEST_DEPOSIT: Balance = 40;
/// Most owners one manager accepts: small, so that the bound is reached.
pub const MAX_ACCEPTED_OWNERS: u32 = 3;
pub const MAX_LABELS: u32 = 4;
pub const MAX_LABEL_LEN: u32 = 24;
pub const MAX_LOCATION_LEN: u32 = 16;
pub const REQUEST_TTL: BlockNumber = 6;
pub const GRANT_TTL: BlockNumber = 12;
pub const EMERGENCY_TTL: BlockNumber = 4;
pub const EMERGENCY_PERIOD: BlockNumber = 20;
pub const MAX_EMERGENCIES: u32 = 2;
pub const REVIEW_TTL: BlockNumber = 8;
pub const MAX_OPEN_REQUESTS: u32 = 3;
pub const MAX_EXPIRIES_PER_BLOCK: u32 = 3;
pub const MAX_PURPOSE_LEN: u32 = 16;
pub const MAX_WRAPPED_KEY_LEN: u32 = 96;
pub const MAX_DICTIONARY_LEN: u32 = 64;
pub const MAX_DICTIONARIES: u32 = 6;
pub const MAX_ACTIVE_DICTIONARIES: u32 = 2;
/// The dictionary files the fuzzer names: the first five are in the preimage store at
/// genesis (the fifth too large to register), the last is not.
pub const DICTIONARY_FILES: usize = 6;

/// The bytes of dictionary file `i % DICTIONARY_FILES`.
pub fn dictionary_file(i: usize) -> Vec<u8> {
    let i = i % DICTIONARY_FILES;
    let len = [16, 32, 48, 64, 65, 8][i];
    vec![b'a' + i as u8; len]
}

/// The id of dictionary file `i`.
pub fn dictionary_id(i: usize) -> H256 {
    BlakeTwo256::hash(&dictionary_file(i))
}

/// Milliseconds between blocks unless a step says otherwise.
pub const BLOCK_MS: u64 = 3_000;

parameter_types! {
    pub const RecordDepositBase: Balance = DEPOSIT_BASE;
    pub const ByteDeposit: Balance = 1;
    pub const RetiredRecordDeposit: Balance = RETIRED_DEPOSIT;
}

impl pallet_medical_records::Config for Runtime {
    type Currency = Balances;
    type RuntimeHoldReason = RuntimeHoldReason;
    type RecordDepositBase = RecordDepositBase;
    type ByteDeposit = ByteDeposit;
    type RetiredRecordDeposit = RetiredRecordDeposit;
    type MaxAcceptedOwners = ConstU32<MAX_ACCEPTED_OWNERS>;
    type MaxLabels = ConstU32<MAX_LABELS>;
    type MaxLabelLen = ConstU32<MAX_LABEL_LEN>;
    type MaxLocationLen = ConstU32<MAX_LOCATION_LEN>;
    type Roles = Access;
    type Audit = Access;
    type Time = Timestamp;
    type AuthorityId = TestAuthority;
    type WorkerByteBudget = ConstU32<65_536>;
    type WorkerTimeBudgetMs = ConstU64<1_000>;
    type WorkerMaxSubmissions = ConstU32<2>;
    type ResubmitAfter = ConstU32<5>;
    type VerifyInterval = ConstU32<4>;
    type VerifyBatch = ConstU32<2>;
    type DictionaryOrigin = EnsureRoot<AccountId>;
    type Preimages = Preimage;
    type MaxDictionaryLen = ConstU32<MAX_DICTIONARY_LEN>;
    type MaxDictionaries = ConstU32<MAX_DICTIONARIES>;
    type MaxActiveDictionaries = ConstU32<MAX_ACTIVE_DICTIONARIES>;
    type WeightInfo = ();
}

impl pallet_access::Config for Runtime {
    type AdminOrigin = EnsureRoot<AccountId>;
    type Members = ConsortiumMembership;
    type MaxMembers = ConstU32<MAX_MEMBERS>;
    type Records = MedicalRecords;
    type RequestTtl = ConstU64<REQUEST_TTL>;
    type GrantTtl = ConstU64<GRANT_TTL>;
    type MaxOpenRequests = ConstU32<MAX_OPEN_REQUESTS>;
    type MaxExpiriesPerBlock = ConstU32<MAX_EXPIRIES_PER_BLOCK>;
    type MaxPurposeLen = ConstU32<MAX_PURPOSE_LEN>;
    type MaxWrappedKeyLen = ConstU32<MAX_WRAPPED_KEY_LEN>;
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

/// The accounts the fuzzer picks from (a parameter byte modulo their number).
///
/// At genesis: 1, 2 and 3 are members and 4 is not; 10 and 11 are data owners (11 can
/// afford about one record), 12 is a data manager, 13 both; 20 and 21 are demanders
/// (21 may also break the glass); 30 holds no role; 31 holds no role and no funds.
/// Manager 12 accepts owners 10 and 11, manager 13 accepts 10 and itself.
pub const ACCOUNTS: [AccountId; 12] = [1, 2, 3, 4, 10, 11, 12, 13, 20, 21, 30, 31];
pub const GENESIS_MEMBERS: [AccountId; 3] = [1, 2, 3];
pub const FUNDS: Balance = 1_000_000_000;
pub const POOR_OWNER: AccountId = 11;
pub const POOR_FUNDS: Balance = 150;

/// Most steps taken from one input, and most blocks it may advance: bounds the time of
/// one execution whatever the input.
pub const MAX_STEPS: usize = 512;
pub const MAX_BLOCKS: u64 = 256;

fn genesis() -> &'static sp_runtime::Storage {
    static GENESIS: OnceLock<sp_runtime::Storage> = OnceLock::new();
    GENESIS.get_or_init(|| {
        let mut storage = frame_system::GenesisConfig::<Runtime>::default()
            .build_storage()
            .expect("system genesis");
        pallet_balances::GenesisConfig::<Runtime> {
            balances: ACCOUNTS
                .iter()
                .filter(|a| **a != 31)
                .map(|a| (*a, if *a == POOR_OWNER { POOR_FUNDS } else { FUNDS }))
                .collect(),
            ..Default::default()
        }
        .assimilate_storage(&mut storage)
        .expect("balances genesis");
        pallet_membership::GenesisConfig::<Runtime, Instance1> {
            members: GENESIS_MEMBERS.to_vec().try_into().expect("members fit"),
            ..Default::default()
        }
        .assimilate_storage(&mut storage)
        .expect("membership genesis");
        pallet_access::GenesisConfig::<Runtime> {
            roles: vec![
                (10, vec![Role::DataOwner]),
                (11, vec![Role::DataOwner]),
                (12, vec![Role::DataManager]),
                (13, vec![Role::DataOwner, Role::DataManager]),
                (20, vec![Role::DataDemander]),
                (21, vec![Role::DataDemander, Role::EmergencyAccess]),
            ],
        }
        .assimilate_storage(&mut storage)
        .expect("access genesis");
        pallet_medical_records::GenesisConfig::<Runtime> {
            accepted_owners: vec![(12, 10), (12, 11), (13, 10), (13, 13)],
        }
        .assimilate_storage(&mut storage)
        .expect("records genesis");
        // The dictionary files in the preimage store (noted by the system: requested).
        let mut ext = sp_state_machine::BasicExternalities::new(storage);
        ext.execute_with(|| {
            for i in 0..DICTIONARY_FILES - 1 {
                Preimage::note(dictionary_file(i).into()).expect("a dictionary file is noted");
            }
        });
        ext.into_storages()
    })
}

/// Who a step's call comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Origin {
    Root,
    None,
    Signed(AccountId),
}

impl Origin {
    fn to_runtime(self) -> RuntimeOrigin {
        match self {
            Origin::Root => RuntimeOrigin::root(),
            Origin::None => RuntimeOrigin::none(),
            Origin::Signed(who) => RuntimeOrigin::signed(who),
        }
    }
}

/// The origin a call needs to succeed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Needs {
    Root,
    Signed,
}

/// One decoded step.
#[derive(Clone, Debug)]
pub enum Step {
    /// Dispatch a call.
    Call { origin: Origin, call: RuntimeCall },
    /// End the block and run `blocks` more (`ms` apart), each with `try_state`.
    Blocks { blocks: u64, ms: u64 },
    /// Read through the runtime-API functions and check what they say.
    Query {
        who: AccountId,
        record: RecordId,
        request: RequestId,
        label: Vec<u8>,
        from: Option<RecordId>,
        limit: u32,
    },
}

/// Reads parameters one byte each (zero once the input is exhausted).
struct Reader<'a> {
    u: arbitrary::Unstructured<'a>,
}

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        self.u.arbitrary::<u8>().unwrap_or(0)
    }

    fn account(&mut self) -> AccountId {
        ACCOUNTS[self.byte() as usize % ACCOUNTS.len()]
    }

    /// Mostly the natural origin of a call (`Root` for admin calls, a signed account
    /// otherwise); one time in four a wrong one.
    fn origin(&mut self, needs: Needs) -> Origin {
        let b = self.byte();
        let who = ACCOUNTS[(b & 0x0f) as usize % ACCOUNTS.len()];
        match (b >> 4, needs) {
            (0..=11, Needs::Root) => Origin::Root,
            (0..=11, Needs::Signed) | (12 | 13, Needs::Root) | (15, _) => Origin::Signed(who),
            (12 | 13, Needs::Signed) => Origin::Root,
            _ => Origin::None,
        }
    }

    /// An id: mostly small (the ones in use), sometimes near `u64::MAX`.
    fn id(&mut self) -> u64 {
        match self.byte() {
            b @ 0..=0xef => (b % 16) as u64,
            b => u64::MAX - (b & 0x0f) as u64,
        }
    }

    fn role(&mut self) -> Role {
        Role::ALL[self.byte() as usize % Role::ALL.len()]
    }

    fn hash(&mut self) -> H256 {
        H256::repeat_byte(self.byte() % 8)
    }

    fn amount(&mut self) -> Balance {
        const AMOUNTS: [Balance; 8] = [0, 1, 50, 99, 100, 150, 1_000_000, Balance::MAX];
        AMOUNTS[self.byte() as usize % AMOUNTS.len()]
    }

    fn language(&mut self) -> DictionaryLanguage {
        DictionaryLanguage::ALL[self.byte() as usize % DictionaryLanguage::ALL.len()]
    }

    fn label(&mut self) -> Vec<u8> {
        match self.byte() % 8 {
            0 => Vec::new(),
            1 => b"a".to_vec(),
            2 => b"b".to_vec(),
            3 => b"cardio".to_vec(),
            4 => filled(MAX_LABEL_LEN as usize, b'x'),
            5 => filled(MAX_LABEL_LEN as usize + 1, b'x'),
            // Personal data the chain must refuse.
            6 => b"tel 13812345678".to_vec(),
            _ => b"11010519491231002X".to_vec(),
        }
    }

    fn input(&mut self) -> pallet_medical_records::RecordInputOf<Runtime> {
        let raw_hash = self.hash();
        let content_hash = self.hash();
        let lens = self.byte();
        let (raw_len, compressed_len) = match lens % 4 {
            0 => (0, 0),
            1 => (1_000, 400),
            2 => (400, 1_000),
            _ => (u64::MAX, u64::MAX),
        };
        let codec = self.byte();
        let method = [
            CodecMethod::Stored,
            CodecMethod::Bytes,
            CodecMethod::Hanzi,
            CodecMethod::PaperMixed,
            CodecMethod::Framed,
        ][codec as usize % 5];
        let dictionary = (codec & 0x80 != 0).then(|| dictionary_id(codec as usize));
        let count = self.byte() as usize % (MAX_LABELS as usize + 2);
        let labels: Vec<_> = (0..count)
            .filter_map(|_| self.label().try_into().ok())
            .collect();
        let labels = truncate_into(labels);
        let location = match self.byte() % 4 {
            0 => Vec::new(),
            1 => b"s3://a".to_vec(),
            2 => filled(MAX_LOCATION_LEN as usize, b'l'),
            _ => b"medchain-blob:0x".to_vec(),
        };
        RecordInput {
            raw_hash,
            content_hash,
            raw_len,
            compressed_len,
            codec: Codec { method, dictionary },
            labels,
            location: truncate_into(location),
            manager: self.account(),
        }
    }
}

fn filled(len: usize, fill: u8) -> Vec<u8> {
    vec![fill; len]
}

/// A bounded vector of the first elements that fit.
fn truncate_into<T, S: sp_core::Get<u32>>(items: Vec<T>) -> frame_support::BoundedVec<T, S> {
    frame_support::BoundedVec::truncate_from(items)
}

/// Decodes an input into steps. The format: a selector byte per step, then one byte per
/// parameter (a count byte before lists; a length byte and that many bytes for a
/// SCALE-encoded call).
pub fn decode(data: &[u8]) -> Vec<Step> {
    let mut r = Reader {
        u: arbitrary::Unstructured::new(data),
    };
    let mut steps = Vec::new();
    let mut blocks = 0u64;
    while !r.u.is_empty() && steps.len() < MAX_STEPS {
        let selector = r.byte() % 45;
        let step = match selector {
            // pallet-medical-records
            0..=2 => {
                let origin = r.origin(Needs::Signed);
                let input = r.input();
                call(
                    origin,
                    pallet_medical_records::Call::register_record { input },
                )
            }
            3..=4 => {
                let origin = r.origin(Needs::Signed);
                let previous = r.id();
                let input = r.input();
                call(
                    origin,
                    pallet_medical_records::Call::amend_record { previous, input },
                )
            }
            5..=6 => {
                let origin = r.origin(Needs::Signed);
                let id = r.id();
                call(origin, pallet_medical_records::Call::retract_record { id })
            }
            7 => {
                let origin = r.origin(Needs::Signed);
                let id = r.id();
                let fault = [
                    IntegrityFault::BlobMissing,
                    IntegrityFault::ContentMismatch,
                    IntegrityFault::Undecodable,
                    IntegrityFault::RawMismatch,
                ][r.byte() as usize % 4];
                call(
                    origin,
                    pallet_medical_records::Call::report_integrity_failure { id, fault },
                )
            }
            // pallet-access
            8..=9 => {
                let origin = r.origin(Needs::Root);
                let (who, role) = (r.account(), r.role());
                call(origin, pallet_access::Call::assign_role { who, role })
            }
            10..=11 => {
                let origin = r.origin(Needs::Root);
                let (who, role) = (r.account(), r.role());
                call(origin, pallet_access::Call::revoke_role { who, role })
            }
            12..=13 => {
                let origin = r.origin(Needs::Signed);
                let key = [r.byte(); 32];
                call(origin, pallet_access::Call::set_encryption_key { key })
            }
            14..=16 => {
                let origin = r.origin(Needs::Signed);
                let record = r.id();
                let len = r.byte() as usize % (MAX_PURPOSE_LEN as usize + 1);
                // HL7 codes, BTG and UNCODED (refused), local codes good and bad.
                let code = ["TREAT", "HRESCH", "BTG", "local:qa", "two words", "Treat"]
                    [r.byte() as usize % 6];
                let code = PurposeOfUse::from_code(code).unwrap_or_else(|| {
                    PurposeOfUse::Other(truncate_into(code.as_bytes().to_vec()))
                });
                let code = if r.byte() % 8 == 0 {
                    PurposeOfUse::Uncoded
                } else {
                    code
                };
                let purpose = Purpose {
                    code,
                    text: truncate_into(filled(len, b'p')),
                };
                call(
                    origin,
                    pallet_access::Call::request_access { record, purpose },
                )
            }
            17..=20 => {
                let origin = r.origin(Needs::Signed);
                let request = r.id();
                let approve = r.byte() & 1 == 0;
                call(origin, pallet_access::Call::vote { request, approve })
            }
            21..=23 => {
                let origin = r.origin(Needs::Signed);
                let request = r.id();
                let len = [0, 1, 80, MAX_WRAPPED_KEY_LEN as usize][r.byte() as usize % 4];
                let wrapped_key = truncate_into(filled(len, b'k'));
                call(
                    origin,
                    pallet_access::Call::deliver_key {
                        request,
                        wrapped_key,
                    },
                )
            }
            24 => {
                let origin = r.origin(Needs::Signed);
                let (record, demander) = (r.id(), r.account());
                call(
                    origin,
                    pallet_access::Call::revoke_grant { record, demander },
                )
            }
            // ConsortiumMembership: who votes and how many count.
            25 => {
                let origin = r.origin(Needs::Root);
                let who = r.account();
                call(origin, pallet_membership::Call::add_member { who })
            }
            26 => {
                let origin = r.origin(Needs::Root);
                let who = r.account();
                call(origin, pallet_membership::Call::remove_member { who })
            }
            27 => {
                let origin = r.origin(Needs::Root);
                let (remove, add) = (r.account(), r.account());
                call(origin, pallet_membership::Call::swap_member { remove, add })
            }
            28 => {
                let origin = r.origin(Needs::Root);
                let count = r.byte() as usize % (MAX_MEMBERS as usize + 2);
                let members = (0..count).map(|_| r.account()).collect();
                call(origin, pallet_membership::Call::reset_members { members })
            }
            29 => {
                let origin = r.origin(Needs::Signed);
                let new = r.account();
                call(origin, pallet_membership::Call::change_key { new })
            }
            30 => {
                let origin = r.origin(Needs::Root);
                match r.byte() {
                    0..=127 => {
                        let who = r.account();
                        call(origin, pallet_membership::Call::set_prime { who })
                    }
                    _ => call(origin, pallet_membership::Call::clear_prime {}),
                }
            }
            // Balances: what the deposits are held from.
            31 => {
                let origin = r.origin(Needs::Signed);
                let (dest, value) = (r.account(), r.amount());
                call(
                    origin,
                    pallet_balances::Call::transfer_allow_death { dest, value },
                )
            }
            32 => {
                let origin = r.origin(Needs::Root);
                let (who, new_free) = (r.account(), r.amount());
                call(
                    origin,
                    pallet_balances::Call::force_set_balance { who, new_free },
                )
            }
            33 => {
                let origin = r.origin(Needs::Signed);
                let dest = r.account();
                let keep_alive = r.byte() & 1 == 1;
                call(
                    origin,
                    pallet_balances::Call::transfer_all { dest, keep_alive },
                )
            }
            // Blocks.
            34..=36 => {
                let b = r.byte();
                let n = match b {
                    0..=0xf7 => 1 + (b % 4) as u64,
                    0xf8..=0xfb => REQUEST_TTL,
                    _ => GRANT_TTL,
                };
                let ms = match r.byte() {
                    0 => BLOCK_MS,
                    b => b as u64 * 100,
                };
                let n = n.min(MAX_BLOCKS - blocks);
                if n == 0 {
                    continue;
                }
                blocks += n;
                Step::Blocks { blocks: n, ms }
            }
            37 => {
                let who = r.account();
                let record = r.id();
                let request = r.id();
                let label = r.label();
                let from = match r.byte() {
                    0..=127 => None,
                    b => Some((b % 16) as u64),
                };
                let limit = [0, 1, 2, 1_000][r.byte() as usize % 4];
                Step::Query {
                    who,
                    record,
                    request,
                    label,
                    from,
                    limit,
                }
            }
            // The council's dictionary registry.
            38 => {
                let origin = r.origin(Needs::Root);
                let b = r.byte();
                let file = b as usize % DICTIONARY_FILES;
                let hash = dictionary_id(file);
                if b & 0x80 == 0 {
                    let len = dictionary_file(file).len() as u32;
                    let size = [len, len, len, 0, len + 1, len - 1][r.byte() as usize % 6];
                    let language = r.language();
                    call(
                        origin,
                        pallet_medical_records::Call::register_dictionary {
                            id: hash,
                            len: size,
                            language,
                        },
                    )
                } else {
                    call(
                        origin,
                        pallet_medical_records::Call::retire_dictionary { id: hash },
                    )
                }
            }
            // Managers choose their owners.
            40 => {
                let origin = r.origin(Needs::Signed);
                let owner = r.account();
                if r.byte() & 1 == 0 {
                    call(origin, pallet_medical_records::Call::accept_owner { owner })
                } else {
                    call(origin, pallet_medical_records::Call::drop_owner { owner })
                }
            }
            // Finished requests are reaped.
            41 => {
                let origin = r.origin(Needs::Signed);
                let request = r.id();
                call(origin, pallet_access::Call::reap_request { request })
            }
            // Keys of small order, which must never be published.
            42 => {
                let origin = r.origin(Needs::Signed);
                let small: Vec<[u8; 32]> =
                    medchain_primitives::x25519::small_order_encodings().collect();
                let key = small[r.byte() as usize % small.len()];
                call(origin, pallet_access::Call::set_encryption_key { key })
            }
            // Emergency access: broken glass (with an empty or blank reason at times) and
            // the members' verdicts.
            43 => {
                let origin = r.origin(Needs::Signed);
                let record = r.id();
                let reason = [&b""[..], b"  ", b"crash"][r.byte() as usize % 3];
                call(
                    origin,
                    pallet_access::Call::break_glass {
                        record,
                        reason: truncate_into(reason.to_vec()),
                    },
                )
            }
            44 => {
                let origin = r.origin(Needs::Signed);
                let request = r.id();
                let justified = r.byte() & 1 == 0;
                call(
                    origin,
                    pallet_access::Call::review_emergency { request, justified },
                )
            }
            // Any call of the two pallets or the membership, SCALE-encoded: arbitrary
            // parameters (ids, hashes, lengths, bytes) that the table above never makes.
            _ => {
                let b = r.byte();
                let origin = match b % 4 {
                    0 => Origin::Root,
                    1 => Origin::None,
                    _ => Origin::Signed(ACCOUNTS[(b >> 2) as usize % ACCOUNTS.len()]),
                };
                let len = r.byte() as usize;
                let bytes = r.u.bytes(len.min(r.u.len())).unwrap_or_default();
                let pallet = [20u8, 21, 11][r.byte() as usize % 3];
                let encoded = [&[pallet][..], bytes].concat();
                match RuntimeCall::decode_all_with_depth_limit(8, &mut &encoded[..]) {
                    Ok(call) => Step::Call { origin, call },
                    Err(_) => continue,
                }
            }
        };
        steps.push(step);
    }
    steps
}

fn call(origin: Origin, call: impl Into<RuntimeCall>) -> Step {
    Step::Call {
        origin,
        call: call.into(),
    }
}

/// The origin a call must have to succeed (`None`: unknown, not checked).
fn needs(call: &RuntimeCall) -> Option<Needs> {
    use pallet_access::Call as A;
    use pallet_balances::Call as B;
    use pallet_medical_records::Call as R;
    use pallet_membership::Call as M;
    Some(match call {
        RuntimeCall::MedicalRecords(
            R::register_dictionary { .. } | R::retire_dictionary { .. },
        ) => Needs::Root,
        RuntimeCall::MedicalRecords(_) => Needs::Signed,
        RuntimeCall::Access(A::assign_role { .. } | A::revoke_role { .. }) => Needs::Root,
        RuntimeCall::Access(_) => Needs::Signed,
        RuntimeCall::ConsortiumMembership(M::change_key { .. }) => Needs::Signed,
        RuntimeCall::ConsortiumMembership(_) => Needs::Root,
        RuntimeCall::Balances(
            B::transfer_allow_death { .. } | B::transfer_keep_alive { .. } | B::transfer_all { .. },
        ) => Needs::Signed,
        RuntimeCall::Balances(B::force_set_balance { .. }) => Needs::Root,
        _ => return None,
    })
}

/// The records an event names, whose audit heads it extends.
fn records_named(event: &RuntimeEvent) -> Vec<RecordId> {
    use pallet_access::Event as A;
    use pallet_medical_records::Event as M;
    match event {
        RuntimeEvent::MedicalRecords(
            M::RecordRegistered { id, .. }
            | M::RecordRetracted { id, .. }
            | M::IntegrityFailed { id, .. },
        ) => vec![*id],
        RuntimeEvent::MedicalRecords(M::RecordAmended { id, previous, .. }) => {
            vec![*previous, *id]
        }
        RuntimeEvent::Access(
            A::AccessRequested { record, .. }
            | A::Voted { record, .. }
            | A::RequestApproved { record, .. }
            | A::RequestRejected { record, .. }
            | A::RequestExpired { record, .. }
            | A::KeyDelivered { record, .. }
            | A::KeyReplaced { record, .. }
            | A::RequestReaped { record, .. }
            | A::GrantRevoked { record, .. }
            | A::EmergencyAccessOpened { record, .. }
            | A::EmergencyReviewed { record, .. }
            | A::EmergencyAccessJustified { record, .. }
            | A::EmergencyAccessUnjustified { record, .. }
            | A::EmergencyReviewLapsed { record, .. },
        ) => vec![*record],
        _ => Vec::new(),
    }
}

/// A request as last seen: its fixed part (SCALE), its status and its (ayes, nays).
type SeenRequest = (Vec<u8>, RequestStatus, (u32, u32));

/// What of a record may never change once it has `status`: all but its status and its
/// deposit, and, once retracted, its labels and location (erased), SCALE-encoded.
fn fixed_part(record: &pallet_medical_records::RecordOf<Runtime>, status: RecordStatus) -> Vec<u8> {
    let mut fixed = record.clone();
    fixed.status = RecordStatus::Live;
    fixed.deposit = 0;
    if status == RecordStatus::Retracted {
        fixed.input.labels = Default::default();
        fixed.input.location = Default::default();
    }
    fixed.encode()
}

/// The state of one execution besides the chain's storage.
struct Harness {
    /// The audit heads as folded from the events seen so far.
    heads: BTreeMap<RecordId, H256>,
    /// Every record as last seen.
    records: BTreeMap<RecordId, pallet_medical_records::RecordOf<Runtime>>,
    /// Every request seen: what may never change (all but the status and the counts;
    /// SCALE), its status and its counts (ayes, nays).
    requests: BTreeMap<RequestId, SeenRequest>,
    /// Requests reaped: never seen again.
    reaped: std::collections::BTreeSet<RequestId>,
    /// The current block's timestamp.
    now: u64,
}

impl Harness {
    fn start_block(&mut self, ms: u64) {
        let n = System::block_number() + 1;
        let parent = System::parent_hash();
        // As `frame-executive`: the previous block's events go first.
        System::reset_events();
        System::initialize(&n, &parent, &Default::default());
        AllPalletsWithSystem::on_initialize(n);
        System::note_finished_initialize();
        self.now += ms.max(1);
        pallet_timestamp::Pallet::<Runtime>::set(RuntimeOrigin::none(), self.now)
            .expect("the timestamp inherent");
    }

    fn end_block(&mut self) {
        let n = System::block_number();
        if trace_enabled() {
            eprintln!("  end of block {n}");
        }
        AllPalletsWithSystem::on_finalize(n);
        self.check_audit_heads();
        self.check_history();
        if let Err(e) = AllPalletsWithSystem::try_state(n, TryStateSelect::All) {
            panic!("try_state failed after block {n}: {e:?}");
        }
    }

    fn dispatch(&mut self, origin: Origin, call: &RuntimeCall) {
        let info = call.get_dispatch_info();
        let result = call.clone().dispatch(origin.to_runtime());
        if trace_enabled() {
            eprintln!("  -> {:?}", result.map(|_| ()).map_err(|e| e.error));
        }
        if let Some(needs) = needs(call) {
            let fits = matches!(
                (needs, origin),
                (Needs::Root, Origin::Root) | (Needs::Signed, Origin::Signed(_))
            );
            assert!(
                fits || result.is_err(),
                "{call:?} succeeded from {origin:?}"
            );
        }
        if let (Ok(_), Origin::Signed(owner)) = (&result, origin) {
            use pallet_medical_records::Call as R;
            if let RuntimeCall::MedicalRecords(
                R::register_record { input } | R::amend_record { input, .. },
            ) = call
            {
                assert!(
                    pallet_medical_records::AcceptedOwners::<Runtime>::contains_key(
                        input.manager,
                        owner
                    ),
                    "{owner} registered with manager {} that has not accepted it",
                    input.manager
                );
            }
            if let RuntimeCall::Access(pallet_access::Call::vote { request, .. }) = call {
                let req = pallet_access::Requests::<Runtime>::get(request).expect("voted on");
                assert_ne!(req.demander, owner, "a demander voted on its own request");
            }
        }
        let post = match result {
            Ok(post) => post,
            Err(e) => e.post_info,
        };
        if let Some(actual) = post.actual_weight {
            assert!(
                actual.all_lte(info.call_weight),
                "{call:?}: actual weight {actual:?} above declared {:?}",
                info.call_weight
            );
        }
    }

    /// Folds this block's events into the expected heads and compares them with
    /// `Access`'s, for every record either side knows.
    fn check_audit_heads(&mut self) {
        for record in System::events() {
            let operation = record.event.encode();
            for id in records_named(&record.event) {
                let head = self.heads.entry(id).or_default();
                *head = audit_step(head, &operation);
            }
        }
        for (id, head) in &self.heads {
            assert_eq!(
                pallet_access::Pallet::<Runtime>::audit_head(*id),
                *head,
                "the audit head of record {id} is not the fold of its events"
            );
        }
        for (id, _) in pallet_access::AuditHeads::<Runtime>::iter() {
            assert!(
                self.heads.contains_key(&id),
                "record {id} has an audit head but no event named it"
            );
        }
    }

    /// History is never overwritten: records and requests are never removed, their
    /// fixed parts never change, and their status only moves forward (a record from live
    /// to superseded — by a version that names it as `previous` — or retracted; a
    /// request from open to approved, rejected or expired, from approved to delivered or
    /// expired; checked once a block, so open to delivered too); votes are only added,
    /// and only while a request is open. A record carries the timestamp and the number of
    /// the block that registered it; a request the timestamp of the block that opened it
    /// and expires `RequestTtl` blocks later. Ids only grow.
    fn check_history(&mut self) {
        use pallet_medical_records::{NextRecordId, Records};
        let n = System::block_number();
        let next_record = NextRecordId::<Runtime>::get();
        for (id, r) in Records::<Runtime>::iter() {
            if let RecordStatus::Superseded { by } = r.status {
                let newer = Records::<Runtime>::get(by).expect("a record superseded by none");
                assert_eq!(
                    newer.previous,
                    Some(id),
                    "record {id} superseded by {by}, which does not amend it"
                );
                assert_eq!(
                    newer.owner, r.owner,
                    "record {id} superseded by another owner's record"
                );
            }
            if r.status != RecordStatus::Live {
                assert_eq!(
                    r.deposit,
                    pallet_medical_records::Pallet::<Runtime>::retired_deposit_for(&r.input),
                    "record {id}: a retired record keeps its retired deposit"
                );
            }
            if r.status == RecordStatus::Retracted {
                assert!(
                    r.input.labels.is_empty() && r.input.location.is_empty(),
                    "record {id}: retracted but its labels or location are kept"
                );
            }
            match self.records.insert(id, r.clone()) {
                None => {
                    assert!(id < next_record, "record {id} is not below NextRecordId");
                    assert_eq!(
                        r.registered_at_ms, self.now,
                        "record {id}: registered_at_ms"
                    );
                    assert_eq!(r.registered_block, Some(n), "record {id}: registered_block");
                    assert_eq!(
                        r.raw_hash_kind,
                        medchain_primitives::RawHashKind::Keyed,
                        "record {id}: a new record's raw_hash_kind"
                    );
                    assert!(
                        r.input
                            .labels
                            .iter()
                            .all(|l| medchain_primitives::labels::personal_data_in(l).is_none()),
                        "record {id} was registered with a label that looks personal"
                    );
                }
                Some(was) => {
                    // Everything but the status and the deposit is fixed, but what a
                    // retraction erases.
                    assert_eq!(
                        fixed_part(&was, r.status),
                        fixed_part(&r, r.status),
                        "record {id} changed"
                    );
                    assert!(r.deposit <= was.deposit, "record {id}: its deposit grew");
                    assert!(
                        was.status == r.status || was.status == RecordStatus::Live,
                        "record {id} went from {:?} to {:?}",
                        was.status,
                        r.status
                    );
                }
            }
        }
        let stored = Records::<Runtime>::iter_keys().count();
        assert_eq!(stored, self.records.len(), "a record was removed");

        let next_request = pallet_access::NextRequestId::<Runtime>::get();
        for (id, q) in pallet_access::Requests::<Runtime>::iter() {
            // Everything but the status and the counts is fixed; the counts only grow.
            let mut fixed = q.clone();
            fixed.status = RequestStatus::Open;
            (fixed.ayes, fixed.nays) = (0, 0);
            let fixed = fixed.encode();
            let counts = (q.ayes, q.nays);
            let review = pallet_access::Reviews::<Runtime>::get(id);
            match self.requests.insert(id, (fixed.clone(), q.status, counts)) {
                None => {
                    assert!(id < next_request, "request {id} is not below NextRequestId");
                    assert_eq!(q.opened_at_ms, self.now, "request {id}: opened_at_ms");
                    let ttl = if review.is_some() {
                        EMERGENCY_TTL
                    } else {
                        REQUEST_TTL
                    };
                    assert_eq!(q.expires_block, n + ttl, "request {id}: expires_block");
                }
                Some((was, status, (ayes, nays))) => {
                    use RequestStatus::*;
                    assert_eq!(was, fixed, "request {id} changed");
                    assert!(
                        q.ayes >= ayes && q.nays >= nays,
                        "request {id}: votes were taken back"
                    );
                    let forward = status == q.status
                        || matches!(
                            (status, q.status),
                            (Open, Approved | Rejected | Expired | Delivered)
                                | (Approved, Delivered | Expired)
                        )
                        // An emergency found unjustified before its key came.
                        || (status == Approved
                            && q.status == Rejected
                            && review.is_some_and(|r| {
                                r.status == medchain_primitives::ReviewStatus::Unjustified
                            }));
                    assert!(
                        forward,
                        "request {id} went from {status:?} to {:?}",
                        q.status
                    );
                    assert!(
                        status == Open || (q.ayes, q.nays) == (ayes, nays),
                        "request {id}: votes counted after it closed"
                    );
                }
            }
        }
        // A request leaves state only by being reaped, once finished: then its votes,
        // its deposit and the grant it gave are gone too, and it never comes back.
        let gone: Vec<RequestId> = self
            .requests
            .keys()
            .filter(|id| !pallet_access::Requests::<Runtime>::contains_key(**id))
            .copied()
            .collect();
        for id in gone {
            let (fixed, _, _) = self.requests.remove(&id).expect("listed");
            assert!(
                System::events().iter().any(|e| matches!(
                    e.event,
                    RuntimeEvent::Access(pallet_access::Event::RequestReaped { request, .. })
                        if request == id
                )),
                "request {id} left state without being reaped"
            );
            let req = pallet_access::RequestOf::<Runtime>::decode(&mut &fixed[..])
                .expect("a request as seen");
            assert_eq!(
                pallet_access::Votes::<Runtime>::iter_prefix(id).count(),
                0,
                "request {id} reaped but its votes are kept"
            );
            assert!(
                !pallet_access::RequestDeposits::<Runtime>::contains_key(id),
                "request {id} reaped but its deposit is kept"
            );
            assert!(
                pallet_access::Grants::<Runtime>::get(req.record, req.demander)
                    .is_none_or(|g| g.request != id),
                "request {id} reaped but its grant is kept"
            );
            self.reaped.insert(id);
        }
        for id in pallet_access::Requests::<Runtime>::iter_keys() {
            assert!(
                !self.reaped.contains(&id),
                "request {id} came back after it was reaped"
            );
        }
        let stored = pallet_access::Requests::<Runtime>::iter_keys().count();
        assert_eq!(stored, self.requests.len(), "a request was removed");
    }

    /// Reads through the functions behind the runtime APIs and checks them against the
    /// registry.
    fn query(
        &self,
        who: AccountId,
        record: RecordId,
        request: RequestId,
        label: &[u8],
        from: Option<RecordId>,
        limit: u32,
    ) {
        use pallet_access::Pallet as Access;
        use pallet_medical_records::Pallet as Records;
        let max = limit.min(pallet_medical_records::MAX_PAGE) as usize;
        let live = |id: RecordId| {
            Records::<Runtime>::record(id).filter(|r| r.status == RecordStatus::Live)
        };
        let owned = Records::<Runtime>::records_of(who, from, limit);
        assert!(owned.len() <= max, "records_of returned more than asked");
        for id in owned {
            let r = live(id).expect("records_of lists a record that is not live");
            assert_eq!(r.owner, who, "records_of lists another owner's record");
        }
        let labelled = Records::<Runtime>::records_labelled(label.to_vec(), from, limit);
        assert!(
            labelled.len() <= max,
            "records_labelled returned more than asked"
        );
        for id in labelled {
            let r = live(id).expect("records_labelled lists a record that is not live");
            assert!(
                r.input.labels.iter().any(|l| &l[..] == label),
                "records_labelled lists a record without the label"
            );
        }
        if Access::<Runtime>::can_access(record, who) {
            assert!(
                MedicalRecords::owner(record).is_some(),
                "access to a record that is not live"
            );
            let owns = MedicalRecords::owner(record) == Some(who)
                || MedicalRecords::manager(record) == Some(who);
            if !owns {
                let grant = pallet_access::Grants::<Runtime>::get(record, who)
                    .expect("a demander reads only with a grant");
                let since = pallet_access::DemanderSince::<Runtime>::get(who).unwrap_or_default();
                assert!(
                    grant.request >= since,
                    "a grant older than the demander's role gives access"
                );
            }
        }
        let _ = Access::<Runtime>::request(request);
        let _ = Access::<Runtime>::roles(who);
        let _ = Records::<Runtime>::record(record);
    }
}

fn trace_enabled() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("MEDCHAIN_FUZZ_TRACE").is_some_and(|v| v != "0"))
}

thread_local! {
    /// The step being executed, for the report of a failure.
    static CURRENT: RefCell<usize> = const { RefCell::new(0) };
}

/// Runs every pallet's `integrity_test` (their constants against their rules).
pub fn integrity_test() {
    sp_state_machine::BasicExternalities::new(genesis().clone()).execute_with(|| {
        AllPalletsWithSystem::integrity_test();
    });
}

/// Decodes `data` into steps and executes them from genesis, block by block. Panics on
/// a finding; when it does, the steps up to the failing one are printed to stderr
/// (unless the panic aborts the process first, as under libFuzzer: rerun the input
/// with `cargo test` or `MEDCHAIN_FUZZ_TRACE=1`).
pub fn run(data: &[u8]) {
    let steps = decode(data);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| execute(&steps)));
    if let Err(panic) = outcome {
        let at = CURRENT.with(|c| *c.borrow());
        eprintln!("finding at step {at} of {}; the steps:", steps.len());
        for (i, step) in steps.iter().enumerate().take(at + 1) {
            eprintln!("  {i}: {step:?}");
        }
        std::panic::resume_unwind(panic);
    }
}

fn execute(steps: &[Step]) {
    // Externalities without a trie (an overlay over nothing, with storage transactions):
    // reads and iterations, try_state's above all, never walk a trie, which makes an
    // execution several times faster than with `TestExternalities`.
    let mut ext = sp_state_machine::BasicExternalities::new(genesis().clone());
    ext.execute_with(|| {
        let mut h = Harness {
            heads: BTreeMap::new(),
            records: BTreeMap::new(),
            requests: BTreeMap::new(),
            reaped: Default::default(),
            now: 0,
        };
        h.start_block(BLOCK_MS);
        for (i, step) in steps.iter().enumerate() {
            CURRENT.with(|c| *c.borrow_mut() = i);
            if trace_enabled() {
                eprintln!("step {i}: {step:?}");
            }
            match step {
                Step::Call { origin, call } => h.dispatch(*origin, call),
                Step::Blocks { blocks, ms } => {
                    for _ in 0..*blocks {
                        h.end_block();
                        h.start_block(*ms);
                    }
                }
                Step::Query {
                    who,
                    record,
                    request,
                    label,
                    from,
                    limit,
                } => h.query(*who, *record, *request, label, *from, *limit),
            }
        }
        CURRENT.with(|c| *c.borrow_mut() = steps.len());
        h.end_block();
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integrity() {
        integrity_test();
    }

    #[test]
    fn empty_and_short_inputs() {
        for data in [&[][..], &[0], &[0xff; 3], &[34, 0xfc, 0], &[39, 0, 0, 0]] {
            run(data);
        }
    }
}
