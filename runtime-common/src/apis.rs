//! [`impl_consortium_runtime_apis!`]: the runtime APIs both runtimes serve alike,
//! written once.

/// Implements, with `sp_api::impl_runtime_apis!`, the runtime APIs the solo chain and
/// the parachain serve alike — `Core`, `Metadata`, view functions, `BlockBuilder`,
/// `TaggedTransactionQueue`, `OffchainWorkerApi`, `AuraApi`, `SessionKeys`,
/// `MedicalRecordsApi`, `AccessApi`, `AccountNonceApi`, `TransactionPaymentApi` and
/// `-CallApi`, `GenesisBuilder`, and `Benchmark` / `TryRuntime` under their features —
/// followed by the runtime's own (given as the macro's input: GRANDPA's on the solo
/// chain, Cumulus's on the parachain).
///
/// The module expanding it must have in scope: `Runtime`, `Block`, `Executive`,
/// `VERSION`, `SLOT_DURATION`, `RuntimeCall`, `RuntimeGenesisConfig`, `AccountId`,
/// `Nonce`, `Balance`, `System`, `TransactionPayment`, `MedicalRecords`, `Access`,
/// `InherentDataExt`, `SessionKeys`, `AuraId`, `KeyTypeId`, `OpaqueMetadata`,
/// `RuntimeVersion`, `Weight`, `BlockT`, `TransactionSource`, `TransactionValidity`,
/// `ApplyExtrinsicResult`, `ExtrinsicInclusionMode`, `RecordId`, `RequestId`, `Role`,
/// `Vec`, `build_state`, `get_preset`, the runtime's `genesis_config_presets` module,
/// and the types `RecordOf` and `RequestOf`.
#[macro_export]
macro_rules! impl_consortium_runtime_apis {
    ($($runtime_specific:tt)*) => {
        sp_api::impl_runtime_apis! {
    impl sp_api::Core<Block> for Runtime {
        fn version() -> RuntimeVersion {
            VERSION
        }

        fn execute_block(block: <Block as BlockT>::LazyBlock) {
            Executive::execute_block(block);
        }

        fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
            Executive::initialize_block(header)
        }
    }

    impl sp_api::Metadata<Block> for Runtime {
        fn metadata() -> OpaqueMetadata {
            OpaqueMetadata::new(Runtime::metadata().into())
        }

        fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
            Runtime::metadata_at_version(version)
        }

        fn metadata_versions() -> Vec<u32> {
            Runtime::metadata_versions()
        }
    }

    impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
        fn execute_view_function(
            id: frame_support::view_functions::ViewFunctionId,
            input: Vec<u8>,
        ) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
            Runtime::execute_view_function(id, input)
        }
    }

    impl sp_block_builder::BlockBuilder<Block> for Runtime {
        fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
            Executive::apply_extrinsic(extrinsic)
        }

        fn finalize_block() -> <Block as BlockT>::Header {
            Executive::finalize_block()
        }

        fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
            data.create_extrinsics()
        }

        fn check_inherents(
            block: <Block as BlockT>::LazyBlock,
            data: sp_inherents::InherentData,
        ) -> sp_inherents::CheckInherentsResult {
            data.check_extrinsics(&block)
        }
    }

    impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
        fn validate_transaction(
            source: TransactionSource,
            tx: <Block as BlockT>::Extrinsic,
            block_hash: <Block as BlockT>::Hash,
        ) -> TransactionValidity {
            Executive::validate_transaction(source, tx, block_hash)
        }
    }

    impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
        fn offchain_worker(header: &<Block as BlockT>::Header) {
            Executive::offchain_worker(header)
        }
    }

    impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
        fn slot_duration() -> sp_consensus_aura::SlotDuration {
            sp_consensus_aura::SlotDuration::from_millis(SLOT_DURATION)
        }

        fn authorities() -> Vec<AuraId> {
            pallet_aura::Authorities::<Runtime>::get().into_inner()
        }
    }

    impl sp_session::SessionKeys<Block> for Runtime {
        fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> sp_session::OpaqueGeneratedSessionKeys {
            SessionKeys::generate(&owner, seed).into()
        }

        fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
            SessionKeys::decode_into_raw_public_keys(&encoded)
        }
    }

    impl medchain_primitives::MedicalRecordsApi<Block, AccountId, RecordOf> for Runtime {
        fn record(id: RecordId) -> Option<RecordOf> {
            MedicalRecords::record(id)
        }

        fn records_of(owner: AccountId, from: Option<RecordId>, limit: u32) -> Vec<RecordId> {
            MedicalRecords::records_of(owner, from, limit)
        }

        fn records_labelled(label: Vec<u8>, from: Option<RecordId>, limit: u32) -> Vec<RecordId> {
            MedicalRecords::records_labelled(label, from, limit)
        }
    }

    #[api_version(2)]
    impl medchain_primitives::AccessApi<Block, AccountId, RequestOf> for Runtime {
        fn can_access(record: RecordId, who: AccountId) -> bool {
            Access::can_access(record, who)
        }

        fn request(id: RequestId) -> Option<RequestOf> {
            Access::request(id)
        }

        fn roles(who: AccountId) -> Vec<Role> {
            Access::roles(who)
        }

        fn audit_head(record: RecordId) -> sp_core::H256 {
            Access::audit_head(record)
        }

        fn audit_trail(record: RecordId) -> medchain_primitives::audit_index::AuditTrail {
            Access::audit_trail(record)
        }
    }

    impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
        fn account_nonce(account: AccountId) -> Nonce {
            System::account_nonce(account)
        }
    }

    impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
        fn query_info(
            uxt: <Block as BlockT>::Extrinsic,
            len: u32,
        ) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
            TransactionPayment::query_info(uxt, len)
        }

        fn query_fee_details(
            uxt: <Block as BlockT>::Extrinsic,
            len: u32,
        ) -> pallet_transaction_payment::FeeDetails<Balance> {
            TransactionPayment::query_fee_details(uxt, len)
        }

        fn query_weight_to_fee(weight: Weight) -> Balance {
            TransactionPayment::weight_to_fee(weight)
        }

        fn query_length_to_fee(length: u32) -> Balance {
            TransactionPayment::length_to_fee(length)
        }
    }

    impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
        for Runtime
    {
        fn query_call_info(
            call: RuntimeCall,
            len: u32,
        ) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
            TransactionPayment::query_call_info(call, len)
        }

        fn query_call_fee_details(
            call: RuntimeCall,
            len: u32,
        ) -> pallet_transaction_payment::FeeDetails<Balance> {
            TransactionPayment::query_call_fee_details(call, len)
        }

        fn query_weight_to_fee(weight: Weight) -> Balance {
            TransactionPayment::weight_to_fee(weight)
        }

        fn query_length_to_fee(length: u32) -> Balance {
            TransactionPayment::length_to_fee(length)
        }
    }

    #[cfg(feature = "runtime-benchmarks")]
    impl frame_benchmarking::Benchmark<Block> for Runtime {
        fn benchmark_metadata(extra: bool) -> (
            Vec<frame_benchmarking::BenchmarkList>,
            Vec<frame_support::traits::StorageInfo>,
        ) {
            use frame_benchmarking::{baseline::Pallet as BaselineBench, BenchmarkList};
            use frame_support::traits::StorageInfoTrait;
            use frame_system_benchmarking::{
                extensions::Pallet as SystemExtensionsBench, Pallet as SystemBench,
            };
            use super::*;

            let mut list = Vec::<BenchmarkList>::new();
            list_benchmarks!(list, extra);
            let storage_info = AllPalletsWithSystem::storage_info();
            (list, storage_info)
        }

        #[allow(non_local_definitions)]
        fn dispatch_benchmark(
            config: frame_benchmarking::BenchmarkConfig,
        ) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
            use frame_benchmarking::{baseline::Pallet as BaselineBench, BenchmarkBatch};
            use frame_support::traits::TrackedStorageKey;
            use frame_system_benchmarking::{
                extensions::Pallet as SystemExtensionsBench, Pallet as SystemBench,
            };
            use super::*;

            impl frame_system_benchmarking::Config for Runtime {}
            impl frame_benchmarking::baseline::Config for Runtime {}

            use frame_support::traits::WhitelistedStorageKeys;
            // Keys every block touches anyway (`System::Events`, `Number`, …): not charged
            // to each call. An empty list charged the events already in the block, so
            // calls after an eventful set-up came out heavier than they are.
            let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
            let mut batches = Vec::<BenchmarkBatch>::new();
            let params = (&config, &whitelist);
            add_benchmarks!(params, batches);
            Ok(batches)
        }
    }

    #[cfg(feature = "try-runtime")]
    impl frame_try_runtime::TryRuntime<Block> for Runtime {
        fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
            let weight = Executive::try_runtime_upgrade(checks)
                .expect("try-runtime: the runtime upgrade failed its checks");
            (
                weight,
                <<Runtime as frame_system::Config>::BlockWeights as frame_support::traits::Get<
                    frame_system::limits::BlockWeights,
                >>::get()
                .max_block,
            )
        }

        fn execute_block(
            block: <Block as BlockT>::LazyBlock,
            state_root_check: bool,
            signature_check: bool,
            select: frame_try_runtime::TryStateSelect,
        ) -> Weight {
            Executive::try_execute_block(block, state_root_check, signature_check, select)
                .expect("try-runtime: executing the block failed")
        }
    }

    impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
        fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
            build_state::<RuntimeGenesisConfig>(config)
        }

        fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
            get_preset::<RuntimeGenesisConfig>(id, genesis_config_presets::get_preset)
        }

        fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
            genesis_config_presets::preset_names()
        }
    }

            $($runtime_specific)*
        }
    };
}
