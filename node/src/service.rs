//! The node service: client, ParityDB backend, transaction pool, network, Aura block
//! production, GRANDPA finality, off-chain workers and RPC.

use std::{sync::Arc, time::Duration};

use futures::FutureExt;
use medchain_runtime::{self, apis::RuntimeApi, opaque::Block};
use sc_client_api::{backend::Backend, BlockBackend};
use sc_consensus_aura::{ImportQueueParams, SlotProportion, StartAuraParams};
use sc_consensus_grandpa::SharedVoterState;
use sc_service::{error::Error as ServiceError, Configuration, TaskManager, WarpSyncConfig};
use sc_telemetry::{Telemetry, TelemetryWorker};
use sc_transaction_pool_api::OffchainTransactionPoolFactory;
use sp_consensus_aura::sr25519::AuthorityPair as AuraPair;

pub(crate) type FullClient = sc_service::TFullClient<
    Block,
    RuntimeApi,
    sc_executor::WasmExecutor<sp_io::SubstrateHostFunctions>,
>;
type FullBackend = sc_service::TFullBackend<Block>;
type FullSelectChain = sc_consensus::LongestChain<FullBackend, Block>;

/// How many blocks GRANDPA may lag before a justification is imported anyway.
const GRANDPA_JUSTIFICATION_PERIOD: u32 = 512;

pub type Service = sc_service::PartialComponents<
    FullClient,
    FullBackend,
    FullSelectChain,
    sc_consensus::DefaultImportQueue<Block>,
    sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
    (
        sc_consensus_grandpa::GrandpaBlockImport<FullBackend, Block, FullClient, FullSelectChain>,
        sc_consensus_grandpa::LinkHalf<Block, FullClient, FullSelectChain>,
        Option<Telemetry>,
    ),
>;

/// The inherent data of a block: the current time and the Aura slot it falls in (the
/// same for importing and for authoring).
fn slot_and_timestamp(
    slot_duration: sp_consensus_aura::SlotDuration,
) -> (
    sp_consensus_aura::inherents::InherentDataProvider,
    sp_timestamp::InherentDataProvider,
) {
    let timestamp = sp_timestamp::InherentDataProvider::from_system_time();
    let slot = sp_consensus_aura::inherents::InherentDataProvider::from_timestamp_and_slot_duration(
        *timestamp,
        slot_duration,
    );
    (slot, timestamp)
}

/// The inherent data of a `--dev-block-time` block: one slot after its parent's, in the
/// chain's own clock.
async fn dev_inherents(
    client: Arc<FullClient>,
) -> Result<
    (
        sp_consensus_aura::inherents::InherentDataProvider,
        sc_consensus_manual_seal::consensus::timestamp::SlotTimestampProvider,
    ),
    Box<dyn std::error::Error + Send + Sync>,
> {
    let timestamp =
        sc_consensus_manual_seal::consensus::timestamp::SlotTimestampProvider::new_aura(client)?;
    let slot = sp_consensus_aura::inherents::InherentDataProvider::new(timestamp.slot());
    Ok((slot, timestamp))
}

/// Authors a block every `block_time_ms` and finalizes it at once (`--dev-block-time`):
/// manual seal with Aura's pre-digest, each block stamped one slot after its parent.
fn dev_seal(
    client: Arc<FullClient>,
    pool: Arc<sc_transaction_pool::TransactionPoolHandle<Block, FullClient>>,
    select_chain: FullSelectChain,
    proposer_factory: sc_basic_authorship::ProposerFactory<
        sc_transaction_pool::TransactionPoolHandle<Block, FullClient>,
        FullClient,
    >,
    block_time_ms: u64,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    use futures::StreamExt;
    use sc_consensus_manual_seal::{
        consensus::aura::AuraConsensusDataProvider, EngineCommand, ManualSealParams,
    };
    let ticks = futures::stream::unfold((), move |()| async move {
        futures_timer::Delay::new(Duration::from_millis(block_time_ms)).await;
        Some((
            EngineCommand::SealNewBlock {
                create_empty: true,
                finalize: true,
                parent_hash: None,
                sender: None,
            },
            (),
        ))
    })
    .boxed();
    let inherents_client = client.clone();
    sc_consensus_manual_seal::run_manual_seal(ManualSealParams {
        block_import: client.clone(),
        env: proposer_factory,
        client: client.clone(),
        pool,
        commands_stream: ticks,
        select_chain,
        consensus_data_provider: Some(Box::new(AuraConsensusDataProvider::new(client))),
        create_inherent_data_providers: move |_, ()| dev_inherents(inherents_client.clone()),
    })
}

/// The parts shared by the node and the subcommands that read the chain.
pub fn new_partial(config: &Configuration) -> Result<Service, ServiceError> {
    let telemetry = config
        .telemetry_endpoints
        .clone()
        .filter(|x| !x.is_empty())
        .map(|endpoints| -> Result<_, sc_telemetry::Error> {
            let worker = TelemetryWorker::new(16)?;
            let telemetry = worker.handle().new_telemetry(endpoints);
            Ok((worker, telemetry))
        })
        .transpose()?;

    let executor = sc_service::new_wasm_executor::<sp_io::SubstrateHostFunctions>(&config.executor);
    let (client, backend, keystore_container, task_manager) =
        sc_service::new_full_parts::<Block, RuntimeApi, _>(
            config,
            telemetry.as_ref().map(|(_, telemetry)| telemetry.handle()),
            executor,
            // Keep blocks with GRANDPA justifications: warp sync needs them.
            vec![Arc::new(sc_consensus_grandpa::GrandpaPruningFilter)],
        )?;
    let client = Arc::new(client);

    let telemetry = telemetry.map(|(worker, telemetry)| {
        task_manager
            .spawn_handle()
            .spawn("telemetry", None, worker.run());
        telemetry
    });

    let select_chain = sc_consensus::LongestChain::new(backend.clone());

    let transaction_pool = Arc::from(
        sc_transaction_pool::Builder::new(
            task_manager.spawn_essential_handle(),
            client.clone(),
            config.role.is_authority().into(),
        )
        .with_options(config.transaction_pool.clone())
        .with_prometheus(config.prometheus_registry())
        .build(),
    );

    let (grandpa_block_import, grandpa_link) = sc_consensus_grandpa::block_import(
        client.clone(),
        GRANDPA_JUSTIFICATION_PERIOD,
        &client,
        select_chain.clone(),
        telemetry.as_ref().map(|x| x.handle()),
    )?;

    let slot_duration = sc_consensus_aura::slot_duration(&*client)?;
    let import_queue =
        sc_consensus_aura::import_queue::<AuraPair, _, _, _, _, _>(ImportQueueParams {
            block_import: grandpa_block_import.clone(),
            justification_import: Some(Box::new(grandpa_block_import.clone())),
            client: client.clone(),
            create_inherent_data_providers: move |_, ()| async move {
                Ok(slot_and_timestamp(slot_duration))
            },
            spawner: &task_manager.spawn_essential_handle(),
            registry: config.prometheus_registry(),
            check_for_equivocation: Default::default(),
            telemetry: telemetry.as_ref().map(|x| x.handle()),
            compatibility_mode: Default::default(),
        })?;

    Ok(sc_service::PartialComponents {
        client,
        backend,
        task_manager,
        import_queue,
        keystore_container,
        select_chain,
        transaction_pool,
        other: (grandpa_block_import, grandpa_link, telemetry),
    })
}

/// Builds and starts a full node.
pub fn new_full<
    N: sc_network::NetworkBackend<Block, <Block as sp_runtime::traits::Block>::Hash>,
>(
    config: Configuration,
    dev_block_time_ms: Option<u64>,
) -> Result<TaskManager, ServiceError> {
    if dev_block_time_ms.is_some()
        && (config.chain_spec.chain_type() != sc_service::ChainType::Development
            || !config.role.is_authority())
    {
        return Err(ServiceError::Other(
            "--dev-block-time is for the authoring node of a development chain only \
             (--dev): a consortium's nodes must author by Aura and finalize by GRANDPA \
             together"
                .into(),
        ));
    }
    let sc_service::PartialComponents {
        client,
        backend,
        mut task_manager,
        import_queue,
        keystore_container,
        select_chain,
        transaction_pool,
        other: (block_import, grandpa_link, mut telemetry),
    } = new_partial(&config)?;

    let mut net_config = sc_network::config::FullNetworkConfiguration::<
        Block,
        <Block as sp_runtime::traits::Block>::Hash,
        N,
    >::new(&config.network, config.prometheus_registry().cloned());
    let metrics = N::register_notification_metrics(config.prometheus_registry());
    let peer_store_handle = net_config.peer_store_handle();
    let grandpa_protocol_name = sc_consensus_grandpa::protocol_standard_name(
        &client.block_hash(0)?.expect("Genesis block exists; qed"),
        &config.chain_spec,
    );
    let (grandpa_protocol_config, grandpa_notification_service) =
        sc_consensus_grandpa::grandpa_peers_set_config::<_, N>(
            grandpa_protocol_name.clone(),
            metrics.clone(),
            peer_store_handle,
        );
    net_config.add_notification_protocol(grandpa_protocol_config);

    let warp_sync = Arc::new(sc_consensus_grandpa::warp_proof::NetworkProvider::new(
        backend.clone(),
        grandpa_link.shared_authority_set().clone(),
        Vec::default(),
    ));

    let (network, system_rpc_tx, tx_handler_controller, sync_service, _bitswap) =
        sc_service::build_network(sc_service::BuildNetworkParams {
            config: &config,
            net_config,
            client: client.clone(),
            transaction_pool: transaction_pool.clone(),
            spawn_handle: task_manager.spawn_handle(),
            spawn_essential_handle: task_manager.spawn_essential_handle(),
            import_queue,
            block_announce_validator_builder: None,
            warp_sync_config: Some(WarpSyncConfig::WithProvider(warp_sync)),
            block_relay: None,
            metrics,
            gap_sync_body_policy: None,
        })?;

    if config.offchain_worker.enabled {
        let offchain_workers =
            sc_offchain::OffchainWorkers::new(sc_offchain::OffchainWorkerOptions {
                runtime_api_provider: client.clone(),
                is_validator: config.role.is_authority(),
                keystore: Some(keystore_container.keystore()),
                offchain_db: backend.offchain_storage(),
                transaction_pool: Some(OffchainTransactionPoolFactory::new(
                    transaction_pool.clone(),
                )),
                network_provider: Arc::new(crate::network_guard::OffchainNetwork::new(
                    network.clone(),
                )),
                enable_http_requests: true,
                custom_extensions: |_| vec![],
            })?;
        task_manager.spawn_handle().spawn(
            "offchain-workers-runner",
            "offchain-worker",
            offchain_workers
                .run(client.clone(), task_manager.spawn_handle())
                .boxed(),
        );
    }

    if config.offchain_worker.indexing_enabled {
        if let Some(storage) = backend.offchain_storage() {
            task_manager.spawn_handle().spawn_blocking(
                "medchain-audit-pruner",
                None,
                crate::audit_pruner::run(client.clone(), storage),
            );
        }
    }

    let role = config.role;
    let force_authoring = config.force_authoring;
    let backoff_authoring_blocks: Option<()> = None;
    let name = config.network.node_name.clone();
    let enable_grandpa = !config.disable_grandpa;
    let prometheus_registry = config.prometheus_registry().cloned();

    let rpc_extensions_builder = {
        let client = client.clone();
        let pool = transaction_pool.clone();
        // One lock for every RPC handler: appends to the queue must not interleave.
        let offchain_storage = backend
            .offchain_storage()
            .map(|storage| Arc::new(std::sync::Mutex::new(storage)));
        let audit_index = backend.offchain_storage();
        let keystore = keystore_container.local_keystore();
        Box::new(move |_| {
            let deps = crate::rpc::FullDeps {
                client: client.clone(),
                pool: pool.clone(),
                offchain_storage: offchain_storage.clone(),
                audit_index: audit_index.clone(),
                keystore: Some(keystore.clone()),
            };
            crate::rpc::create_full(deps).map_err(Into::into)
        })
    };

    let _rpc_handlers = sc_service::spawn_tasks(sc_service::SpawnTasksParams {
        network: Arc::new(network.clone()),
        client: client.clone(),
        keystore: keystore_container.keystore(),
        task_manager: &mut task_manager,
        transaction_pool: transaction_pool.clone(),
        rpc_builder: rpc_extensions_builder,
        backend,
        system_rpc_tx,
        tx_handler_controller,
        sync_service: sync_service.clone(),
        config,
        telemetry: telemetry.as_mut(),
        tracing_execute_block: None,
    })?;

    if role.is_authority() {
        let proposer_factory = sc_basic_authorship::ProposerFactory::new(
            task_manager.spawn_handle(),
            client.clone(),
            transaction_pool.clone(),
            prometheus_registry.as_ref(),
            telemetry.as_ref().map(|x| x.handle()),
        );
        // `--dev-block-time` (checked above: an authority on a development chain) seals
        // instead of Aura, and finalizes instead of GRANDPA.
        if let Some(block_time_ms) = dev_block_time_ms {
            task_manager.spawn_essential_handle().spawn_blocking(
                "manual-seal",
                Some("block-authoring"),
                dev_seal(
                    client.clone(),
                    transaction_pool.clone(),
                    select_chain,
                    proposer_factory,
                    block_time_ms,
                ),
            );
            return Ok(task_manager);
        }

        let slot_duration = sc_consensus_aura::slot_duration(&*client)?;
        let aura = sc_consensus_aura::start_aura::<AuraPair, _, _, _, _, _, _, _, _, _, _>(
            StartAuraParams {
                slot_duration,
                client: client.clone(),
                select_chain,
                block_import,
                proposer_factory,
                create_inherent_data_providers: move |_, ()| async move {
                    Ok(slot_and_timestamp(slot_duration))
                },
                force_authoring,
                backoff_authoring_blocks,
                keystore: keystore_container.keystore(),
                sync_oracle: sync_service.clone(),
                justification_sync_link: sync_service.clone(),
                block_proposal_slot_portion: SlotProportion::new(2f32 / 3f32),
                max_block_proposal_slot_portion: None,
                telemetry: telemetry.as_ref().map(|x| x.handle()),
                compatibility_mode: Default::default(),
            },
        )?;
        // Aura must not stop: if it does, block production is over, so it is essential.
        task_manager
            .spawn_essential_handle()
            .spawn_blocking("aura", Some("block-authoring"), aura);
    }

    if enable_grandpa {
        // Non-authorities observe without a keystore, so they do not vote.
        let keystore = if role.is_authority() {
            Some(keystore_container.keystore())
        } else {
            None
        };
        let grandpa_config = sc_consensus_grandpa::Config {
            gossip_duration: Duration::from_millis(333),
            justification_generation_period: GRANDPA_JUSTIFICATION_PERIOD,
            name: Some(name),
            observer_enabled: false,
            keystore,
            local_role: role,
            telemetry: telemetry.as_ref().map(|x| x.handle()),
            protocol_name: grandpa_protocol_name,
        };
        let grandpa_params = sc_consensus_grandpa::GrandpaParams {
            config: grandpa_config,
            link: grandpa_link,
            network,
            sync: Arc::new(sync_service),
            notification_service: grandpa_notification_service,
            voting_rule: sc_consensus_grandpa::VotingRulesBuilder::default().build(),
            prometheus_registry,
            shared_voter_state: SharedVoterState::empty(),
            telemetry: telemetry.as_ref().map(|x| x.handle()),
            offchain_tx_pool_factory: OffchainTransactionPoolFactory::new(transaction_pool),
        };
        task_manager.spawn_essential_handle().spawn_blocking(
            "grandpa-voter",
            None,
            sc_consensus_grandpa::run_grandpa_voter(grandpa_params)?,
        );
    }

    Ok(task_manager)
}
