//! The chain, through subxt: transactions signed by an [`Account`] and read back at the
//! finalized block, and the records, requests, grants and keys the commands need.
//!
//! Calls and storage are addressed by name and decoded by field name against the node's
//! metadata, so the CLI keeps working across runtime upgrades that add fields.

use anyhow::{anyhow, bail, Context, Result};
use subxt::{
    config::{DefaultExtrinsicParamsBuilder, RpcConfigFor},
    dynamic::{self, runtime_api_call, At, Value},
    error::{DispatchError, TransactionEventsError},
    ext::{
        futures::{Stream, StreamExt},
        scale_decode::DecodeAsType,
    },
    rpcs::{LegacyRpcMethods, RpcClient},
    transactions::Payload,
    utils::{AccountId32, H256},
    OnlineClient, SubstrateConfig,
};

use crate::{account::Account, output::Output};

/// The node's RPC endpoint when none is given (a dev node).
pub const DEFAULT_NODE: &str = "ws://127.0.0.1:9944";

/// `--call-data`, on every command that sends a transaction.
#[derive(clap::Args, Clone, Copy)]
pub struct CallDataArg {
    /// Print the call (SCALE-encoded, hex) instead of sending it: paste it into
    /// Polkadot.js Apps (Developer → Extrinsics → Decode), a council motion or a multisig.
    #[arg(long)]
    pub call_data: bool,
}

/// `--node`, the same for every command that reads the chain or sends it transactions
/// (signed here, so any node will do).
#[derive(clap::Args, Clone)]
pub struct NodeArg {
    /// The node's RPC endpoint (WebSocket).
    #[arg(long, env = "MEDCHAIN_NODE_URL", hide_env_values = true, default_value = DEFAULT_NODE)]
    pub node: String,
}

/// `--node` of the commands that hand your own node secrets or plain text (its worker's
/// unsafe RPC methods): never taken from the environment, so an `export` meant for
/// reading the chain cannot send a data-key root or a record elsewhere.
#[derive(clap::Args, Clone)]
pub struct OwnNodeArg {
    /// Your own node's RPC endpoint (WebSocket; its unsafe methods, so normally local).
    #[arg(long, default_value = DEFAULT_NODE)]
    pub node: String,
}

/// How a blob was compressed (`Codec.method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "::subxt::ext::scale_decode")]
pub enum CodecMethod {
    Stored,
    Bytes,
    Hanzi,
    PaperMixed,
    Framed,
}

/// `Codec`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "::subxt::ext::scale_decode")]
pub struct Codec {
    pub method: CodecMethod,
    pub dictionary: Option<H256>,
}

/// `RecordInput`.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "::subxt::ext::scale_decode")]
pub struct RecordInput {
    pub raw_hash: H256,
    pub content_hash: H256,
    pub raw_len: u64,
    pub compressed_len: u64,
    pub codec: Codec,
    pub labels: Vec<Vec<u8>>,
    pub location: Vec<u8>,
    pub manager: AccountId32,
}

/// `RecordStatus`.
#[derive(Debug, Clone, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "::subxt::ext::scale_decode")]
pub enum RecordStatus {
    Live,
    Superseded { by: u64 },
    Retracted,
}

/// A record as `MedicalRecordsApi.record` returns it.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "::subxt::ext::scale_decode")]
pub struct Record {
    pub owner: AccountId32,
    pub input: RecordInput,
    pub previous: Option<u64>,
    pub status: RecordStatus,
}

/// When a record was registered: read by field name (see [`Chain::registration`]), so
/// that [`Record`], which the store decodes too, holds only names every runtime shares.
#[derive(Debug, Clone, Copy, Default)]
pub struct Registration {
    /// The block, where the runtime keeps it (`pallet-medical-records` storage version 2).
    pub block: Option<u64>,
    /// The block's timestamp, ms since the Unix epoch.
    pub at_ms: Option<u64>,
}

/// `RequestStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, DecodeAsType)]
#[decode_as_type(crate_path = "::subxt::ext::scale_decode")]
pub enum RequestStatus {
    Open,
    Approved,
    Rejected,
    Expired,
    Delivered,
}

/// A sharing request as `AccessApi.request` returns it.
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "::subxt::ext::scale_decode")]
pub struct Request {
    pub record: u64,
    pub demander: AccountId32,
    pub status: RequestStatus,
}

/// A demander's grant (`Access.Grants`).
#[derive(Debug, Clone, DecodeAsType)]
#[decode_as_type(crate_path = "::subxt::ext::scale_decode")]
pub struct Grant {
    pub wrapped_key: Vec<u8>,
}

/// A transaction that made it into a finalized block.
pub struct Finalized {
    /// The block's number.
    pub block: u64,
    /// The transaction's events (the decoded fields of each, by pallet and name).
    pub events: Vec<(String, String, Value)>,
}

impl Finalized {
    /// A field of the first `pallet.name` event.
    pub fn field(&self, pallet: &str, name: &str, field: &str) -> Option<&Value> {
        self.events
            .iter()
            .find(|(p, n, _)| p == pallet && n == name)
            .and_then(|(_, _, value)| value.at(field))
    }

    /// A numeric field of the first `pallet.name` event.
    pub fn number(&self, pallet: &str, name: &str, field: &str) -> Result<u64> {
        self.field(pallet, name, field)
            .and_then(|v| v.as_u128())
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| anyhow!("no {pallet}.{name} event with a {field}"))
    }
}

/// How many blocks a transaction stays valid (from the finalized block it is built on).
const MORTALITY: u64 = 64;

/// A connection to a node.
#[derive(Clone)]
pub struct Chain {
    api: OnlineClient<SubstrateConfig>,
    rpc: LegacyRpcMethods<RpcConfigFor<SubstrateConfig>>,
    /// For the node's own `medchain_*` methods.
    raw: RpcClient,
}

impl Chain {
    /// Connects to the node at `url` (`ws://` or `wss://`).
    pub async fn connect(url: &str) -> Result<Self> {
        let client = RpcClient::from_insecure_url(url)
            .await
            .with_context(|| format!("cannot connect to the node at {url}"))?;
        let rpc = LegacyRpcMethods::new(client.clone());
        let api = OnlineClient::<SubstrateConfig>::from_rpc_client(client.clone())
            .await
            .with_context(|| format!("cannot connect to the node at {url}"))?;
        Ok(Self {
            api,
            rpc,
            raw: client,
        })
    }

    /// The subxt client, for reads this module does not wrap.
    pub(crate) fn online(&self) -> &OnlineClient<SubstrateConfig> {
        &self.api
    }

    /// The raw JSON-RPC client, for the node's own `medchain_*` methods.
    pub(crate) fn raw_rpc(&self) -> &RpcClient {
        &self.raw
    }

    /// Prints `call` as this chain encodes it (SCALE, hex) instead of sending it, for
    /// Polkadot.js Apps (Developer → Extrinsics → Decode), a council motion or a multisig.
    /// `signer`: the account the call was made for (its keys are in it), which must sign.
    pub async fn print_call(
        &self,
        call: &impl Payload,
        signer: Option<&Account>,
        out: &Output,
    ) -> Result<()> {
        let name = format!("{}.{}", call.pallet_name(), call.call_name());
        let bytes = self
            .api
            .tx()
            .await?
            .call_data(call)
            .map_err(|e| anyhow!("cannot encode {name}: {e}"))?;
        let hex = medchain_store::protocol::to_hex(&bytes);
        let signer = signer.map(Account::address);
        let who = match &signer {
            Some(address) => format!("sign it as {address}, whose keys it holds"),
            None => "sign it as the account that may make it".to_owned(),
        };
        out.emit(
            serde_json::json!({ "call": name, "call_data": hex, "signer": signer }),
            || {
                format!(
                    "{name} call data (Polkadot.js Apps: Developer → Extrinsics → Decode; {who}):\n{hex}"
                )
            },
        );
        Ok(())
    }

    /// Signs `call` with `signer`, submits it, and waits until it is finalized. A failed
    /// dispatch becomes an error named as the pallet names it, with the error's
    /// documentation from the chain's metadata (`Access::NotOwner: Only the record's
    /// owner may …`).
    pub async fn submit(
        &self,
        call: &impl Payload,
        signer: &Account,
        out: &Output,
        what: &str,
    ) -> Result<Finalized> {
        let spinner = out.step(&format!("{what}: submitted, waiting for finality"));
        let result = async {
            // The next nonce as the node's pool sees it: the transactions are built on
            // the finalized block, whose nonce would ignore ones still in flight.
            let nonce = self
                .rpc
                .system_account_next_index(&signer.id())
                .await
                .map_err(|e| anyhow!("{what}: cannot read the account's nonce: {e}"))?;
            let params = DefaultExtrinsicParamsBuilder::<SubstrateConfig>::new()
                .mortal(MORTALITY)
                .nonce(nonce)
                .build();
            let progress = self
                .api
                .tx()
                .await?
                .sign_and_submit_then_watch(call, signer, params)
                .await
                .map_err(|e| anyhow!("{what}: the node refused the transaction: {e}"))?;
            let in_block = progress
                .wait_for_finalized()
                .await
                .map_err(|e| anyhow!("{what}: {e}"))?;
            let events = in_block.wait_for_success().await.map_err(|e| match e {
                TransactionEventsError::ExtrinsicFailed(DispatchError::Module(module)) => {
                    anyhow!("{what} failed: {}", describe_module_error(&module))
                }
                other => anyhow!("{what} failed: {other}"),
            })?;
            let block = in_block.at().await?.block_number();
            let mut decoded = Vec::new();
            for event in events.iter() {
                let event = event?;
                let fields: Value = event.decode_fields_unchecked_as()?;
                decoded.push((
                    event.pallet_name().to_owned(),
                    event.event_name().to_owned(),
                    fields,
                ));
            }
            Ok(Finalized {
                block,
                events: decoded,
            })
        }
        .await;
        spinner.finish_and_clear();
        result
    }

    /// A record at the finalized block.
    pub async fn record(&self, id: u64) -> Result<Option<Record>> {
        let at = self.api.at_current_block().await?;
        at.runtime_apis()
            .call(runtime_api_call::<_, Option<Record>>(
                "MedicalRecordsApi",
                "record",
                (id,),
            ))
            .await
            .with_context(|| format!("cannot read record {id}"))
    }

    /// When record `id` was registered, read by field name: `registered_block` (absent
    /// for records from before storage version 2), and `registered_at_ms`, which
    /// runtimes before spec 108 (parachain 104) call `registered_at`.
    pub async fn registration(&self, id: u64) -> Result<Registration> {
        let at = self.api.at_current_block().await?;
        let record: Option<Value> = at
            .runtime_apis()
            .call(runtime_api_call::<_, Option<Value>>(
                "MedicalRecordsApi",
                "record",
                (id,),
            ))
            .await?;
        Ok(
            record.map_or_else(Registration::default, |record| Registration {
                block: field_u64(&record, "registered_block"),
                at_ms: field_u64(&record, "registered_at_ms")
                    .or_else(|| field_u64(&record, "registered_at")),
            }),
        )
    }

    /// A record that must exist.
    pub async fn existing_record(&self, id: u64) -> Result<Record> {
        self.record(id)
            .await?
            .ok_or_else(|| anyhow!("record {id} does not exist (at the finalized block)"))
    }

    /// `MedicalRecordsApi.records_of` or `records_labelled`, one page.
    pub async fn record_ids(
        &self,
        owner: Option<&AccountId32>,
        label: Option<&str>,
        from: Option<u64>,
        limit: u32,
    ) -> Result<Vec<u64>> {
        let at = self.api.at_current_block().await?;
        let apis = at.runtime_apis();
        Ok(match (owner, label) {
            (Some(owner), _) => {
                apis.call(runtime_api_call::<_, Vec<u64>>(
                    "MedicalRecordsApi",
                    "records_of",
                    (*owner, from, limit),
                ))
                .await?
            }
            (None, Some(label)) => {
                apis.call(runtime_api_call::<_, Vec<u64>>(
                    "MedicalRecordsApi",
                    "records_labelled",
                    (label.as_bytes().to_vec(), from, limit),
                ))
                .await?
            }
            (None, None) => bail!("give an owner or a label"),
        })
    }

    /// `MedicalRecords.NextRecordId` at the finalized block.
    pub async fn next_record_id(&self) -> Result<u64> {
        let at = self.api.at_current_block().await?;
        let value = at
            .storage()
            .fetch(
                dynamic::storage::<(), u64>("MedicalRecords", "NextRecordId"),
                (),
            )
            .await?;
        Ok(value.decode()?)
    }

    /// The owner's live record of a text (`MedicalRecords.RecordByRawHash`).
    pub async fn by_raw_hash(&self, owner: &AccountId32, raw_hash: &H256) -> Result<Option<u64>> {
        let at = self.api.at_current_block().await?;
        let found = at
            .storage()
            .try_fetch(
                dynamic::storage::<(AccountId32, H256), u64>("MedicalRecords", "RecordByRawHash"),
                (*owner, *raw_hash),
            )
            .await?;
        Ok(found.map(|v| v.decode()).transpose()?)
    }

    /// The id of the newest active primed dictionary of `language`
    /// (`MedicalRecords.ActiveDictionaries`, newest last), as the worker picks it.
    pub async fn active_dictionary(
        &self,
        language: medchain_lzw::Language,
    ) -> Result<Option<H256>> {
        let variant = match language {
            medchain_lzw::Language::Chinese => "Chinese",
            medchain_lzw::Language::English => "English",
            medchain_lzw::Language::Mixed => "Mixed",
        };
        let at = self.api.at_current_block().await?;
        let active = at
            .storage()
            .try_fetch(
                dynamic::storage::<(Value,), Vec<H256>>("MedicalRecords", "ActiveDictionaries"),
                (Value::unnamed_variant(variant, []),),
            )
            .await?;
        Ok(active
            .map(|v| v.decode())
            .transpose()?
            .and_then(|ids| ids.last().copied()))
    }

    /// The bytes of a registered primed dictionary: its size from
    /// `MedicalRecords.Dictionaries`, then the file from `Preimage.PreimageFor`. `None`
    /// when no dictionary with that id is registered.
    pub async fn dictionary_bytes(&self, id: &H256) -> Result<Option<Vec<u8>>> {
        let at = self.api.at_current_block().await?;
        let Some(info) = at
            .storage()
            .try_fetch(
                dynamic::storage::<(H256,), Value>("MedicalRecords", "Dictionaries"),
                (*id,),
            )
            .await?
        else {
            return Ok(None);
        };
        let info: Value = info.decode()?;
        // `len` since spec 108 (parachain 104), `size` before: the same value.
        let len = field_u64(&info, "len")
            .or_else(|| field_u64(&info, "size"))
            .and_then(|len| u32::try_from(len).ok())
            .ok_or_else(|| anyhow!("dictionary {id:?} has no length on chain"))?;
        let bytes = at
            .storage()
            .try_fetch(
                dynamic::storage::<((H256, u32),), Vec<u8>>("Preimage", "PreimageFor"),
                ((*id, len),),
            )
            .await?
            .ok_or_else(|| {
                anyhow!("dictionary {id:?} is registered but the preimage store lacks its bytes")
            })?;
        Ok(Some(bytes.decode()?))
    }

    /// A sharing request.
    pub async fn request(&self, id: u64) -> Result<Request> {
        let at = self.api.at_current_block().await?;
        at.runtime_apis()
            .call(runtime_api_call::<_, Option<Request>>(
                "AccessApi",
                "request",
                (id,),
            ))
            .await?
            .ok_or_else(|| anyhow!("request {id} does not exist (at the finalized block)"))
    }

    /// A sharing request as the chain holds it, every field; `None` once reaped.
    pub async fn request_value(&self, id: u64) -> Result<Option<Value>> {
        let at = self.api.at_current_block().await?;
        let found: Value = at
            .runtime_apis()
            .call(runtime_api_call::<_, Value>("AccessApi", "request", (id,)))
            .await?;
        // `Some(request)` or `None`, as a variant.
        Ok(found.at(0).cloned())
    }

    /// A demander's grant for a record, if any.
    pub async fn grant(&self, record: u64, demander: &AccountId32) -> Result<Option<Grant>> {
        let at = self.api.at_current_block().await?;
        let found = at
            .storage()
            .try_fetch(
                dynamic::storage::<(u64, AccountId32), Grant>("Access", "Grants"),
                (record, *demander),
            )
            .await?;
        Ok(found.map(|v| v.decode()).transpose()?)
    }

    /// The X25519 key an account published.
    pub async fn encryption_key(&self, who: &AccountId32) -> Result<Option<[u8; 32]>> {
        let at = self.api.at_current_block().await?;
        let found = at
            .storage()
            .try_fetch(
                dynamic::storage::<(AccountId32,), [u8; 32]>("Access", "EncryptionKeys"),
                (*who,),
            )
            .await?;
        Ok(found.map(|v| v.decode()).transpose()?)
    }

    /// `AccessApi.can_access` at the finalized block.
    pub async fn can_access(&self, record: u64, who: &AccountId32) -> Result<bool> {
        let at = self.api.at_current_block().await?;
        Ok(at
            .runtime_apis()
            .call(runtime_api_call::<_, bool>(
                "AccessApi",
                "can_access",
                (record, *who),
            ))
            .await?)
    }

    /// `AccessApi.audit_head` at block `number`.
    pub async fn audit_head_at(&self, record: u64, number: u64) -> Result<H256> {
        let at = self.api.at_block(number).await?;
        Ok(at
            .runtime_apis()
            .call(runtime_api_call::<_, H256>(
                "AccessApi",
                "audit_head",
                (record,),
            ))
            .await?)
    }

    /// The finalized block's number.
    pub async fn finalized_number(&self) -> Result<u64> {
        Ok(self.api.at_current_block().await?.block_number())
    }

    /// `Timestamp.Now` (ms) at block `number`.
    pub async fn timestamp_at(&self, number: u64) -> Result<u64> {
        let at = self.api.at_block(number).await?;
        let value = at
            .storage()
            .fetch(dynamic::storage::<(), u64>("Timestamp", "Now"), ())
            .await?;
        Ok(value.decode()?)
    }

    /// The events of block `number` that concern `record`, each with its SCALE encoding
    /// as the runtime's event (what the audit head folds).
    pub async fn record_events_at(&self, record: u64, number: u64) -> Result<Vec<AuditEvent>> {
        let at = self.api.at_block(number).await?;
        let events = at.events().fetch().await?;
        let mut found = Vec::new();
        for event in events.iter() {
            let event = event?;
            let fields: Value = event.decode_fields_unchecked_as()?;
            let names_record = match event.pallet_name() {
                "MedicalRecords" => ["id", "previous"]
                    .iter()
                    .any(|f| field_u64(&fields, f) == Some(record)),
                "Access" => field_u64(&fields, "record") == Some(record),
                _ => false,
            };
            if names_record {
                let mut encoded = vec![event.pallet_index(), event.event_index()];
                encoded.extend_from_slice(event.field_bytes());
                found.push(AuditEvent {
                    block: number,
                    pallet: event.pallet_name().to_owned(),
                    name: event.event_name().to_owned(),
                    fields,
                    encoded,
                });
            }
        }
        Ok(found)
    }
}

impl Chain {
    /// The numbers of blocks as the node finalizes them, from the current one on.
    pub async fn finalized_numbers(
        &self,
    ) -> Result<impl Stream<Item = Result<u64>> + Unpin + Send> {
        let blocks = self
            .api
            .stream_blocks()
            .await
            .map_err(|e| anyhow!("cannot follow the finalized blocks: {e}"))?;
        Ok(blocks.map(|block| {
            block
                .map(|block| block.number())
                .map_err(anyhow::Error::from)
        }))
    }

    /// The records that stopped being live in block `number`: each retracted record,
    /// and the previous version of each amended one.
    pub async fn retired_at(&self, number: u64) -> Result<Vec<u64>> {
        let at = self.api.at_block(number).await?;
        let events = at.events().fetch().await?;
        let mut retired = Vec::new();
        for event in events.iter() {
            let event = event?;
            let field = match (event.pallet_name(), event.event_name()) {
                ("MedicalRecords", "RecordRetracted") => "id",
                ("MedicalRecords", "RecordAmended") => "previous",
                _ => continue,
            };
            let fields: Value = event.decode_fields_unchecked_as()?;
            retired.push(field_u64(&fields, field).ok_or_else(|| {
                anyhow!(
                    "MedicalRecords.{} in block {number} has no {field}",
                    event.event_name()
                )
            })?);
        }
        Ok(retired)
    }
}

/// One operation on a record, as exported by `records audit`.
pub struct AuditEvent {
    pub block: u64,
    pub pallet: String,
    pub name: String,
    pub fields: Value,
    pub encoded: Vec<u8>,
}

/// A numeric field of an event (or the number inside an `Option` field), if it has one.
pub(crate) fn field_u64(fields: &Value, name: &str) -> Option<u64> {
    let value = fields.at(name)?;
    // `previous` is an `Option<RecordId>`.
    let value = value
        .at(0)
        .filter(|_| value.as_u128().is_none())
        .unwrap_or(value);
    value.as_u128().and_then(|v| u64::try_from(v).ok())
}

/// After a failed reconnection, requests fail at once for this long before the next try.
const RECONNECT_BACKOFF: std::time::Duration = std::time::Duration::from_secs(2);

/// The chain as the store sees it: one connection, made again when a query fails (the
/// node restarted, the socket dropped), so the store recovers without a restart. Only
/// one reconnection runs at a time, and queries that failed on a connection that was
/// already replaced simply use the new one.
pub struct StoreChain {
    url: String,
    /// The connection and its generation (bumped by each reconnection).
    current: tokio::sync::RwLock<(u64, Chain)>,
    /// Held while reconnecting; remembers the last failed attempt, so that requests
    /// queued behind it fail at once instead of each trying again.
    reconnecting: tokio::sync::Mutex<Option<(std::time::Instant, String)>>,
}

impl StoreChain {
    /// Connects to the node at `url`.
    pub async fn connect(url: &str) -> Result<Self> {
        Ok(Self {
            url: url.to_owned(),
            current: tokio::sync::RwLock::new((0, Chain::connect(url).await?)),
            reconnecting: tokio::sync::Mutex::new(None),
        })
    }

    /// Runs `query`; on failure makes sure the connection is a fresh one and runs it
    /// again once.
    async fn retrying<T, F, Fut>(&self, query: F) -> Result<T, String>
    where
        F: Fn(Chain) -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        let (generation, chain) = self.current.read().await.clone();
        let first = match query(chain).await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let fresh = {
            let mut last_failure = self.reconnecting.lock().await;
            let (now, chain) = self.current.read().await.clone();
            if now != generation {
                chain
            } else if let Some((at, error)) = last_failure
                .as_ref()
                .filter(|(at, _)| at.elapsed() < RECONNECT_BACKOFF)
            {
                return Err(format!(
                    "{first:#}; reconnecting failed {} ms ago: {error}",
                    at.elapsed().as_millis()
                ));
            } else {
                log::warn!(
                    "chain query failed ({first:#}); reconnecting to {}",
                    self.url
                );
                match Chain::connect(&self.url).await {
                    Ok(chain) => {
                        *last_failure = None;
                        *self.current.write().await = (generation + 1, chain.clone());
                        chain
                    }
                    Err(e) => {
                        let error = format!("{e:#}");
                        *last_failure = Some((std::time::Instant::now(), error.clone()));
                        return Err(format!("{first:#}; reconnecting: {error}"));
                    }
                }
            }
        };
        query(fresh).await.map_err(|e| format!("{e:#}"))
    }
}

impl medchain_store::ChainView for StoreChain {
    async fn record(&self, id: u64) -> Result<Option<medchain_store::RecordView>, String> {
        let record = self
            .retrying(|chain| async move { chain.record(id).await })
            .await?;
        Ok(record.map(|r| medchain_store::RecordView {
            owner: r.owner.0,
            manager: r.input.manager.0,
            content_hash: r.input.content_hash.0,
            compressed_len: r.input.compressed_len,
            live: r.status == RecordStatus::Live,
        }))
    }

    async fn can_access(&self, id: u64, who: medchain_store::AccountId) -> Result<bool, String> {
        self.retrying(|chain| async move { chain.can_access(id, &AccountId32(who)).await })
            .await
    }

    async fn live_records_of(
        &self,
        owner: medchain_store::AccountId,
        after: Option<u64>,
        limit: u32,
    ) -> Result<Vec<u64>, String> {
        self.retrying(|chain| async move {
            chain
                .record_ids(Some(&AccountId32(owner)), None, after, limit)
                .await
        })
        .await
    }
}

/// `Value` helpers for building calls.
pub mod call {
    use super::*;
    use medchain_primitives::purpose::PurposeOfUse;

    /// An `Option<T>` argument.
    pub fn option(value: Option<Value>) -> Value {
        match value {
            Some(v) => Value::unnamed_variant("Some", [v]),
            None => Value::unnamed_variant("None", []),
        }
    }

    /// A byte string (also `[u8; N]`, `H256`, `AccountId32`).
    pub fn bytes(bytes: impl AsRef<[u8]>) -> Value {
        Value::from_bytes(bytes)
    }

    /// A `u64` argument.
    pub fn u64(value: u64) -> Value {
        Value::u128(value as u128)
    }

    /// A request's purpose (`medchain_primitives::purpose::Purpose`): its code and text.
    pub fn purpose(code: &PurposeOfUse, text: &[u8]) -> Value {
        let fields = match code {
            PurposeOfUse::Other(other) => vec![bytes(other)],
            _ => vec![],
        };
        let code = Value::unnamed_variant(code.variant_name(), fields);
        Value::named_composite([("code", code), ("text", bytes(text))])
    }
}

/// `Pallet::Error: its documentation`, from the chain's own metadata (so the text is the
/// runtime's, whatever its version); the name alone when the metadata has no docs.
fn describe_module_error(module: &subxt::error::ModuleError) -> String {
    match module.details() {
        Ok(details) => with_docs(
            &format!("{}::{}", details.pallet.name(), details.variant.name),
            &details.variant.docs,
        ),
        Err(_) => module.details_string(),
    }
}

fn with_docs(name: &str, docs: &[String]) -> String {
    let text = docs
        .iter()
        .map(|line| line.trim())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if text.is_empty() {
        name.to_owned()
    } else {
        format!("{name}: {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_errors_carry_their_documentation() {
        let docs = vec![
            " This member already voted on this request.".to_owned(),
            String::new(),
        ];
        assert_eq!(
            with_docs("Access::AlreadyVoted", &docs),
            "Access::AlreadyVoted: This member already voted on this request."
        );
        assert_eq!(
            with_docs("Access::AlreadyVoted", &[]),
            "Access::AlreadyVoted"
        );
    }
}
