//! The node's RPC methods beyond Substrate's defaults: account nonces
//! (`system_accountNextIndex`) and fee queries (`payment_queryInfo`), which Polkadot.js
//! uses to sign and estimate transactions, and MedChain's own `medchain_*` methods
//! ([`records`]) for the off-chain worker's queue and blobs, and `medchain_auditLog`
//! ([`audit`]) for a record's audit trail from the node's off-chain index.

pub mod audit;
pub mod records;

use std::sync::Arc;

use jsonrpsee::RpcModule;
use medchain_runtime::{opaque::Block, AccountId, Balance, Nonce};
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the RPC methods need.
pub struct FullDeps<C, P, S> {
    /// The client.
    pub client: Arc<C>,
    /// The transaction pool.
    pub pool: Arc<P>,
    /// The node's off-chain database (queue and blobs of the off-chain worker).
    pub offchain_storage: Option<records::SharedOffchainStorage<S>>,
    /// The same database, read without the queue's lock: the audit index.
    pub audit_index: Option<S>,
    /// The node's keystore (the worker's `medr` keys).
    pub keystore: Option<Arc<sc_keystore::LocalKeystore>>,
}

/// All RPC extensions of a full node.
pub fn create_full<C, P, S>(
    deps: FullDeps<C, P, S>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
    C: ProvideRuntimeApi<Block>
        + HeaderBackend<Block>
        + HeaderMetadata<Block, Error = BlockChainError>
        + Send
        + Sync
        + 'static,
    C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
        + pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
        + medchain_primitives::AccessApi<Block, AccountId, medchain_runtime::apis::RequestOf>
        + BlockBuilder<Block>,
    P: TransactionPool + 'static,
    S: sp_core::offchain::OffchainStorage + 'static,
{
    use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
    use substrate_frame_rpc_system::{System, SystemApiServer};

    let mut module = RpcModule::new(());
    let FullDeps {
        client,
        pool,
        offchain_storage,
        audit_index,
        keystore,
    } = deps;
    module.merge(System::new(client.clone(), pool).into_rpc())?;
    module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
    module.merge(audit::AuditApiServer::into_rpc(audit::Audit::new(
        client,
        audit_index,
    )))?;
    module.merge(records::RecordsApiServer::<AccountId>::into_rpc(
        records::Records::new(offchain_storage, keystore),
    ))?;
    Ok(module)
}
