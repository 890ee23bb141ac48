//! `medchain access …`: the sharing flow of the paper, from a terminal.
//!
//! - `set-key` — publish your X25519 public key (derived from your account) so that data
//!   keys can be delivered to you;
//! - `request RECORD --purpose TEXT` — a demander asks for a record;
//! - `vote REQUEST --aye|--nay` — a consortium member votes;
//! - `deliver-key REQUEST` — the owner derives the record's data key and seals it to the
//!   demander's published key (bound to the record and its blob);
//! - `revoke RECORD DEMANDER` — the owner ends a grant.
//!
//! Each waits until its transaction is finalized and prints what the chain recorded.

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use medchain_crypto::{wrap_key, KeyBinding};
use medchain_store::protocol::to_hex;
use subxt::dynamic::{self, Value};

use crate::{
    account::{address_of, parse_account, AccountArgs},
    chain::{call, Chain, RequestStatus, DEFAULT_NODE},
    output::Output,
};

#[derive(Args)]
pub struct Common {
    #[command(flatten)]
    account: AccountArgs,
    /// The node's RPC endpoint.
    #[arg(long, default_value = DEFAULT_NODE)]
    node: String,
}

#[derive(Subcommand)]
pub enum AccessCommand {
    /// Publish your X25519 encryption key (needed before a key can be delivered to you).
    SetKey(Common),
    /// Ask for access to a record (data demanders).
    Request {
        /// The record id.
        record: u64,
        /// Why you need it (kept on-chain).
        #[arg(long)]
        purpose: String,
        #[command(flatten)]
        common: Common,
    },
    /// Vote on a request (consortium members).
    Vote {
        /// The request id.
        request: u64,
        /// Approve.
        #[arg(long, conflicts_with = "nay", required_unless_present = "nay")]
        aye: bool,
        /// Reject.
        #[arg(long)]
        nay: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Seal the record's data key to the demander of an approved request (the owner).
    DeliverKey {
        /// The request id.
        request: u64,
        #[command(flatten)]
        common: Common,
    },
    /// End a demander's grant (the record's owner).
    Revoke {
        /// The record id.
        record: u64,
        /// The demander (SS58 address).
        demander: String,
        #[command(flatten)]
        common: Common,
    },
}

pub fn run(command: AccessCommand, out: &Output) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(execute(command, out))
}

async fn execute(command: AccessCommand, out: &Output) -> Result<()> {
    match command {
        AccessCommand::SetKey(common) => {
            let account = common.account.load()?;
            let chain = Chain::connect(&common.node).await?;
            let key = account.keys().public_key();
            let tx = dynamic::tx("Access", "set_encryption_key", vec![call::bytes(key)]);
            let done = chain
                .submit(&tx, &account, out, "set_encryption_key")
                .await?;
            out.emit(
                serde_json::json!({ "account": account.address(), "x25519_public_key": to_hex(&key), "block": done.block }),
                || format!("{}: X25519 key {} published in block {}", account.address(), to_hex(&key), done.block),
            );
        }
        AccessCommand::Request {
            record,
            purpose,
            common,
        } => {
            let account = common.account.load()?;
            let chain = Chain::connect(&common.node).await?;
            let tx = dynamic::tx(
                "Access",
                "request_access",
                vec![call::u64(record), call::bytes(purpose.as_bytes())],
            );
            let done = chain.submit(&tx, &account, out, "request_access").await?;
            let request = done.number("Access", "AccessRequested", "request")?;
            out.emit(
                serde_json::json!({ "request": request, "record": record, "demander": account.address(), "block": done.block }),
                || format!("request {request} for record {record} opened in block {}", done.block),
            );
        }
        AccessCommand::Vote {
            request,
            aye,
            nay,
            common,
        } => {
            debug_assert!(aye != nay);
            let account = common.account.load()?;
            let chain = Chain::connect(&common.node).await?;
            let tx = dynamic::tx("Access", "vote", vec![call::u64(request), Value::bool(aye)]);
            let done = chain.submit(&tx, &account, out, "vote").await?;
            let ayes = done.number("Access", "Voted", "ayes")?;
            let nays = done.number("Access", "Voted", "nays")?;
            let outcome = if done.field("Access", "RequestApproved", "request").is_some() {
                "approved"
            } else if done.field("Access", "RequestRejected", "request").is_some() {
                "rejected"
            } else {
                "open"
            };
            out.emit(
                serde_json::json!({ "request": request, "approve": aye, "ayes": ayes, "nays": nays, "status": outcome, "block": done.block }),
                || format!("request {request}: {} by {}; {ayes} ayes, {nays} nays: {outcome}", if aye { "aye" } else { "nay" }, account.address()),
            );
        }
        AccessCommand::DeliverKey { request, common } => {
            let account = common.account.load()?;
            let chain = Chain::connect(&common.node).await?;
            let found = chain.request(request).await?;
            if found.status != RequestStatus::Approved {
                bail!("request {request} is {:?}, not approved", found.status);
            }
            let record = chain.existing_record(found.record).await?;
            if record.owner != account.id() {
                bail!(
                    "only record {}'s owner ({}) holds its data key",
                    found.record,
                    address_of(&record.owner)
                );
            }
            let demander_key = chain
                .encryption_key(&found.demander)
                .await?
                .ok_or_else(|| {
                    anyhow!(
                        "{} has published no encryption key (`medchain access set-key`)",
                        address_of(&found.demander)
                    )
                })?;
            let key = account
                .keys()
                .data_root()
                .data_key(&record.input.raw_hash.0);
            let binding = KeyBinding {
                record: found.record,
                content_hash: record.input.content_hash.0,
            };
            let wrapped = wrap_key(&key, &demander_key, &binding)
                .map_err(|e| anyhow!("cannot seal the key: {e}"))?;
            let tx = dynamic::tx(
                "Access",
                "deliver_key",
                vec![call::u64(request), call::bytes(&wrapped)],
            );
            let done = chain.submit(&tx, &account, out, "deliver_key").await?;
            out.emit(
                serde_json::json!({ "request": request, "record": found.record, "demander": address_of(&found.demander), "wrapped_key_len": wrapped.len(), "block": done.block }),
                || format!("request {request}: data key of record {} delivered to {} in block {}", found.record, address_of(&found.demander), done.block),
            );
        }
        AccessCommand::Revoke {
            record,
            demander,
            common,
        } => {
            let account = common.account.load()?;
            let demander = parse_account(&demander)?;
            let chain = Chain::connect(&common.node).await?;
            let tx = dynamic::tx(
                "Access",
                "revoke_grant",
                vec![call::u64(record), call::bytes(demander.0)],
            );
            let done = chain.submit(&tx, &account, out, "revoke_grant").await?;
            out.emit(
                serde_json::json!({ "record": record, "demander": address_of(&demander), "block": done.block }),
                || format!("record {record}: grant of {} revoked in block {}", address_of(&demander), done.block),
            );
        }
    }
    Ok(())
}
