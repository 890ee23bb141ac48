//! [`impl_consortium_configs!`]: the consortium's pallet configurations, written once and
//! expanded inside each runtime's `configs` module.

/// Implements, for the runtime in scope, everything of the consortium that the solo
/// chain and the parachain share:
///
/// - `CouncilProposal`: what an approved council motion dispatches. pallet-collective
///   dispatches a motion with the origin `Council::Members(ayes, seats)`, and
///   `System::authorize_upgrade` takes root, so on its own a motion could never authorise
///   an upgrade (no sudo key exists outside development). The wrapper lifts the origin to
///   root for exactly that call (FRAME still checks the new code is the same chain with
///   a higher `spec_version`) and only when more than half of the seats voted aye; every
///   other motion keeps the council's origin. It encodes, decodes and describes itself in
///   the metadata as `RuntimeCall`, so Polkadot.js sends `Council.propose(threshold,
///   System.authorizeUpgrade(codeHash), length)`.
/// - `NoSeatChangeByMembers`: refuses `ConsortiumMembership::change_key`
///   (`System::CallFiltered`). A member could otherwise vote on a sharing request, move
///   its seat to a fresh account and vote again; seats change by a council motion
///   (`swap_member`) instead. Root is not filtered.
/// - The `Config` of `Balances`, `TransactionPayment`, `Sudo`, `Council`, `ConsortiumMembership`, `Preimage`, `MedicalRecords` and
///   `Access`, with the bounds of [`params`](crate::params), durations converted to
///   blocks of `ms_per_block`.
/// - How the off-chain worker signs: with the node's `medr` key, through
///   [`tx_extension`](crate::tx_extension), mortal for
///   [`WORKER_TX_MORTALITY`](crate::WORKER_TX_MORTALITY) blocks.
///
/// The runtime's module must have in scope: `Runtime`, `RuntimeCall`, `RuntimeOrigin`,
/// `RuntimeEvent`, `RuntimeHoldReason`, `RuntimeFreezeReason`, `RuntimeBlockWeights`, `System`, `Balances`,
/// `Timestamp`, `Council`, `ConsortiumMembership`, `Preimage`, `MedicalRecords`,
/// `Access`, `UncheckedExtrinsic` and `SignedPayload`.
#[macro_export]
macro_rules! impl_consortium_configs {
    (ms_per_block: $ms_per_block:expr) => {
        use $crate::reexport::{codec, frame_support, scale_info, sp_runtime};

        $crate::reexport::frame_support::parameter_types! {
            pub const CouncilMotionDuration: $crate::BlockNumber =
                $crate::blocks_in($crate::params::COUNCIL_MOTION_MS, $ms_per_block);
            pub MaxProposalWeight: frame_support::weights::Weight =
                sp_runtime::Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
            pub const PreimageHoldReason: RuntimeHoldReason =
                RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
            pub const RequestTtl: $crate::BlockNumber =
                $crate::blocks_in($crate::params::REQUEST_TTL_MS, $ms_per_block);
            pub const GrantTtl: $crate::BlockNumber =
                $crate::blocks_in($crate::params::GRANT_TTL_MS, $ms_per_block);
            pub const EmergencyGrantTtl: $crate::BlockNumber =
                $crate::blocks_in($crate::params::EMERGENCY_GRANT_TTL_MS, $ms_per_block);
            pub const EmergencyPeriod: $crate::BlockNumber =
                $crate::blocks_in($crate::params::EMERGENCY_PERIOD_MS, $ms_per_block);
            pub const EmergencyReviewTtl: $crate::BlockNumber =
                $crate::blocks_in($crate::params::EMERGENCY_REVIEW_TTL_MS, $ms_per_block);
            pub const VerifyInterval: $crate::BlockNumber =
                $crate::blocks_in($crate::params::VERIFY_INTERVAL_MS, $ms_per_block);
        }

        /// See `medchain_runtime_common::impl_consortium_configs`.
        pub struct NoSeatChangeByMembers;

        impl frame_support::traits::Contains<RuntimeCall> for NoSeatChangeByMembers {
            fn contains(call: &RuntimeCall) -> bool {
                !matches!(
                    call,
                    RuntimeCall::ConsortiumMembership(pallet_membership::Call::change_key { .. })
                )
            }
        }

        /// A council motion's call (see `medchain_runtime_common::impl_consortium_configs`).
        #[derive(
            Clone, PartialEq, Eq, Debug, codec::Encode, codec::Decode, codec::DecodeWithMemTracking,
        )]
        pub struct CouncilProposal(pub RuntimeCall);

        impl CouncilProposal {
            /// Whether this motion, approved with `origin`, authorises a runtime upgrade
            /// as root.
            fn acts_as_root(&self, origin: &RuntimeOrigin) -> bool {
                use frame_support::traits::EnsureOrigin;
                matches!(
                    self.0,
                    RuntimeCall::System(frame_system::Call::authorize_upgrade { .. })
                ) && $crate::EnsureCouncilMajority::try_origin(origin.clone()).is_ok()
            }
        }

        impl sp_runtime::traits::Dispatchable for CouncilProposal {
            type RuntimeOrigin = RuntimeOrigin;
            type Config = Runtime;
            type Info = frame_support::dispatch::DispatchInfo;
            type PostInfo = frame_support::dispatch::PostDispatchInfo;

            fn dispatch(
                self,
                origin: RuntimeOrigin,
            ) -> sp_runtime::DispatchResultWithInfo<frame_support::dispatch::PostDispatchInfo> {
                let origin = if self.acts_as_root(&origin) {
                    RuntimeOrigin::root()
                } else {
                    origin
                };
                self.0.dispatch(origin)
            }
        }

        impl frame_support::dispatch::GetDispatchInfo for CouncilProposal {
            fn get_dispatch_info(&self) -> frame_support::dispatch::DispatchInfo {
                self.0.get_dispatch_info()
            }
        }

        impl From<frame_system::Call<Runtime>> for CouncilProposal {
            fn from(call: frame_system::Call<Runtime>) -> Self {
                Self(RuntimeCall::System(call))
            }
        }

        impl From<RuntimeCall> for CouncilProposal {
            fn from(call: RuntimeCall) -> Self {
                Self(call)
            }
        }

        /// `RuntimeCall`'s description in the metadata.
        impl scale_info::TypeInfo for CouncilProposal {
            type Identity = RuntimeCall;

            fn type_info() -> scale_info::Type {
                RuntimeCall::type_info()
            }
        }

        impl pallet_balances::Config for Runtime {
            type MaxLocks = frame_support::traits::ConstU32<50>;
            type MaxReserves = ();
            type ReserveIdentifier = [u8; 8];
            type Balance = $crate::Balance;
            type RuntimeEvent = RuntimeEvent;
            type DustRemoval = ();
            type ExistentialDeposit =
                frame_support::traits::ConstU128<{ $crate::EXISTENTIAL_DEPOSIT }>;
            type AccountStore = System;
            type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
            type FreezeIdentifier = RuntimeFreezeReason;
            type MaxFreezes = frame_support::traits::VariantCountOf<RuntimeFreezeReason>;
            type RuntimeHoldReason = RuntimeHoldReason;
            type RuntimeFreezeReason = RuntimeFreezeReason;
            type DoneSlashHandler = ();
        }

        // Fees: one planck per unit of weight and per byte, no multiplier.
        impl pallet_transaction_payment::Config for Runtime {
            type RuntimeEvent = RuntimeEvent;
            type OnChargeTransaction = pallet_transaction_payment::FungibleAdapter<Balances, ()>;
            type OperationalFeeMultiplier = frame_support::traits::ConstU8<5>;
            type WeightToFee = frame_support::weights::IdentityFee<$crate::Balance>;
            type LengthToFee = frame_support::weights::ConstantMultiplier<
                $crate::Balance,
                $crate::params::TransactionByteFee,
            >;
            type FeeMultiplierUpdate = pallet_transaction_payment::TargetedFeeAdjustment<
                Runtime,
                $crate::params::TargetBlockFullness,
                $crate::params::AdjustmentVariable,
                $crate::params::MinimumMultiplier,
                $crate::params::MaximumMultiplier,
            >;
            type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
        }

        // Only development presets set a key.
        impl pallet_sudo::Config for Runtime {
            type RuntimeEvent = RuntimeEvent;
            type RuntimeCall = RuntimeCall;
            type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
        }

        impl pallet_collective::Config<$crate::CouncilCollective> for Runtime {
            type RuntimeOrigin = RuntimeOrigin;
            // Lifts a majority motion to root for `System::authorize_upgrade` only.
            type Proposal = CouncilProposal;
            type RuntimeEvent = RuntimeEvent;
            type MotionDuration = CouncilMotionDuration;
            type MaxProposals = frame_support::traits::ConstU32<100>;
            type MaxMembers = frame_support::traits::ConstU32<{ $crate::params::MAX_MEMBERS }>;
            // Abstentions count as nays: with the prime's default, one member (the prime)
            // could carry a motion, an upgrade included, by voting alone and waiting for
            // the deadline.
            type DefaultVote = $crate::AbstentionIsNay;
            type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
            // The member list belongs to ConsortiumMembership; nobody sets it here
            // directly, so the two can never disagree.
            type SetMembersOrigin = frame_system::EnsureNever<()>;
            type MaxProposalWeight = MaxProposalWeight;
            type DisapproveOrigin = frame_system::EnsureRoot<$crate::AccountId>;
            type KillOrigin = frame_system::EnsureRoot<$crate::AccountId>;
            type Consideration = ();
        }

        impl pallet_membership::Config<$crate::CouncilCollective> for Runtime {
            type RuntimeEvent = RuntimeEvent;
            type AddOrigin = $crate::EnsureRootOrCouncilMajority;
            type RemoveOrigin = $crate::EnsureRootOrCouncilMajority;
            type SwapOrigin = $crate::EnsureRootOrCouncilMajority;
            type ResetOrigin = $crate::EnsureRootOrCouncilMajority;
            type PrimeOrigin = $crate::EnsureRootOrCouncilMajority;
            type MembershipInitialized = Council;
            type MembershipChanged = Council;
            type MaxMembers = frame_support::traits::ConstU32<{ $crate::params::MAX_MEMBERS }>;
            type WeightInfo = pallet_membership::weights::SubstrateWeight<Runtime>;
        }

        impl pallet_preimage::Config for Runtime {
            type RuntimeEvent = RuntimeEvent;
            type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
            type Currency = Balances;
            type ManagerOrigin = frame_system::EnsureRoot<$crate::AccountId>;
            type Consideration = frame_support::traits::fungible::HoldConsideration<
                $crate::AccountId,
                Balances,
                PreimageHoldReason,
                frame_support::traits::LinearStoragePrice<
                    $crate::params::PreimageBaseDeposit,
                    $crate::params::PreimageByteDeposit,
                    $crate::Balance,
                >,
            >;
        }

        const _: () = assert!($crate::params::MAX_DICTIONARY_LEN <= pallet_preimage::MAX_SIZE);

        impl pallet_medical_records::Config for Runtime {
            type Currency = Balances;
            type RuntimeHoldReason = RuntimeHoldReason;
            type RecordDepositBase = $crate::params::RecordDepositBase;
            type ByteDeposit = $crate::params::RecordByteDeposit;
            type RetiredRecordDeposit = $crate::params::RetiredRecordDeposit;
            type MaxAcceptedOwners =
                frame_support::traits::ConstU32<{ $crate::params::MAX_ACCEPTED_OWNERS }>;
            // Sixteen labels of up to 64 bytes (department, ICD code, language, …); the
            // node's ingestion RPC checks the same bounds.
            type MaxLabels =
                frame_support::traits::ConstU32<{ medchain_primitives::offchain::MAX_LABELS }>;
            type MaxLabelLen =
                frame_support::traits::ConstU32<{ medchain_primitives::offchain::MAX_LABEL_LEN }>;
            // A URL or object key in the manager's store.
            type MaxLocationLen = frame_support::traits::ConstU32<
                { medchain_primitives::offchain::MAX_LOCATION_LEN },
            >;
            type Roles = Access;
            type Audit = Access;
            type Time = Timestamp;
            type AuthorityId = pallet_medical_records::MedrAuthority;
            type WorkerByteBudget = $crate::params::WorkerByteBudget;
            type WorkerTimeBudgetMs = $crate::params::WorkerTimeBudgetMs;
            type WorkerMaxSubmissions = frame_support::traits::ConstU32<32>;
            type ResubmitAfter = $crate::params::WorkerResubmitAfter;
            type VerifyInterval = VerifyInterval;
            type VerifyBatch = frame_support::traits::ConstU32<4>;
            // Root or a council majority registers and retires primed dictionaries.
            type DictionaryOrigin = $crate::EnsureRootOrCouncilMajority;
            type Preimages = Preimage;
            type MaxDictionaryLen =
                frame_support::traits::ConstU32<{ $crate::params::MAX_DICTIONARY_LEN }>;
            // 256 ever (retired ones included), at most four active per language.
            type MaxDictionaries = frame_support::traits::ConstU32<256>;
            type MaxActiveDictionaries = frame_support::traits::ConstU32<4>;
            type WeightInfo = pallet_medical_records::weights::SubstrateWeight<Runtime>;
        }

        impl pallet_access::Config for Runtime {
            type AdminOrigin = $crate::EnsureRootOrCouncilMajority;
            type Members = ConsortiumMembership;
            type MaxMembers = frame_support::traits::ConstU32<{ $crate::params::MAX_MEMBERS }>;
            type Records = MedicalRecords;
            type RequestTtl = RequestTtl;
            type GrantTtl = GrantTtl;
            type MaxOpenRequests = frame_support::traits::ConstU32<32>;
            type MaxExpiriesPerBlock = frame_support::traits::ConstU32<64>;
            type MaxPurposeLen = frame_support::traits::ConstU32<256>;
            // Room for an X25519 + HKDF + AEAD sealed 32-byte key with headers (80 bytes)
            // or HPKE.
            type MaxWrappedKeyLen = frame_support::traits::ConstU32<256>;
            type Time = Timestamp;
            type Currency = Balances;
            type RuntimeHoldReason = RuntimeHoldReason;
            type RequestDeposit = $crate::params::RequestDeposit;
            type EmergencyGrantTtl = EmergencyGrantTtl;
            type EmergencyPeriod = EmergencyPeriod;
            type EmergencyReviewTtl = EmergencyReviewTtl;
            type MaxEmergenciesPerPeriod =
                frame_support::traits::ConstU32<{ $crate::params::MAX_EMERGENCIES_PER_PERIOD }>;
            type WeightInfo = pallet_access::weights::SubstrateWeight<Runtime>;
        }

        impl frame_system::offchain::SigningTypes for Runtime {
            type Public = <$crate::Signature as sp_runtime::traits::Verify>::Signer;
            type Signature = $crate::Signature;
        }

        impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
        where
            RuntimeCall: From<LocalCall>,
        {
            type Extrinsic = UncheckedExtrinsic;
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
                public: <$crate::Signature as sp_runtime::traits::Verify>::Signer,
                account: $crate::AccountId,
                nonce: $crate::Nonce,
            ) -> Option<UncheckedExtrinsic> {
                use codec::Encode;
                use sp_runtime::{traits::StaticLookup, SaturatedConversion};
                // The era starts at the parent of the worker's block, as in Substrate's
                // own node runtime: a block every node has, whichever fork it follows.
                let current = System::block_number()
                    .saturated_into::<u64>()
                    .saturating_sub(1);
                let era = sp_runtime::generic::Era::mortal($crate::WORKER_TX_MORTALITY, current);
                let tx_ext = $crate::tx_extension::<Runtime>(era, nonce);
                let payload = SignedPayload::new(call, tx_ext)
                    .inspect_err(|error| {
                        $crate::reexport::log::warn!("worker transaction not signable: {error:?}")
                    })
                    .ok()?;
                let signature = payload.using_encoded(|bytes| C::sign(bytes, public))?;
                let (call, tx_ext, _) = payload.deconstruct();
                let address = <Runtime as frame_system::Config>::Lookup::unlookup(account);
                Some(UncheckedExtrinsic::new_signed(
                    call, address, signature, tx_ext,
                ))
            }
        }
    };
}
