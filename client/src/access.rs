//! `medchain access …`: the sharing flow of the paper, from a terminal.
//!
//! - `set-key` — publish your X25519 public key (derived from your account) so that data
//!   keys can be delivered to you;
//! - `request RECORD --code CODE [--purpose TEXT]` — a demander asks for a record, for
//!   an HL7 v3 PurposeOfUse code (or a local one) and in words;
//! - `vote REQUEST --aye|--nay` — a consortium member votes;
//! - `deliver-key REQUEST` — the owner derives the record's data key and seals it to the
//!   demander's published key (bound to the record and its blob);
//! - `wrap-key REQUEST` — the owner prints that sealed key instead of posting it (for
//!   Polkadot.js Apps' `access.deliverKey`);
//! - `revoke RECORD DEMANDER` — the owner ends a grant (an emergency one too);
//! - `break-glass RECORD --reason TEXT` — a demander holding the emergency-access role
//!   opens an access at once, without a vote;
//! - `review REQUEST --justified|--unjustified` — a member judges an emergency access.
//! - `disclosures --owner A` — the accounting of disclosures of an owner's records (CSV,
//!   JSON or FHIR R5).
//!
//! Each waits until its transaction is finalized and prints what the chain recorded; with
//! `--call-data` it prints the call instead, for Apps, a council motion or a multisig.

mod disclosures;
mod fhir;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use medchain_crypto::{wrap_key, KeyBinding};
use medchain_primitives::purpose::PurposeOfUse;
use medchain_store::protocol::to_hex;
use subxt::dynamic::{self, Value};

use crate::{
    account::{address_of, parse_account, Account, AccountArgs},
    chain::{call, CallDataArg, Chain, Finalized, NodeArg, RequestStatus},
    output::Output,
};

#[derive(Args)]
pub struct Common {
    #[command(flatten)]
    account: AccountArgs,
    #[command(flatten)]
    send: CallDataArg,
    #[command(flatten)]
    node: NodeArg,
}

#[derive(Subcommand)]
pub enum AccessCommand {
    /// Publish your X25519 encryption key (needed before a key can be delivered to you).
    SetKey(Common),
    /// Ask for access to a record (data demanders).
    Request {
        /// The record id.
        record: u64,
        /// Why, as an HL7 v3 PurposeOfUse code: TREAT, ETREAT, HRESCH, CLINTRCH, PUBHLTH,
        /// HPAYMT, HOPERAT, PATRQT, FAMRQT, COVERAGE; or a local code (1-32 characters of
        /// A-Z a-z 0-9 - . _ :). BTG is break-glass's.
        #[arg(long)]
        code: String,
        /// Why, in words (kept on-chain and public: never name the patient).
        #[arg(long, default_value = "")]
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
    /// Print the record's data key sealed to the demander of an approved request (the
    /// owner), as `deliver-key` would post it: the `wrapped_key` for Polkadot.js Apps.
    /// A new seal each time (fresh ephemeral key); any of them opens the same record.
    WrapKey {
        /// The request id.
        request: u64,
        #[command(flatten)]
        account: AccountArgs,
        #[command(flatten)]
        node: NodeArg,
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
    /// The accounting of disclosures of an owner's records: who received which record's
    /// key, when, for what purpose, approved by which members, emergency or not; as CSV,
    /// JSON or FHIR R5 (a Bundle of Consent and AuditEvent resources).
    Disclosures(disclosures::DisclosuresArgs),
    /// Open an emergency access at once, without a vote (demanders holding the
    /// EmergencyAccess role). It lasts 24 hours; the members review it afterwards.
    BreakGlass {
        /// The record id.
        record: u64,
        /// Why (mandatory, kept on-chain and public).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        common: Common,
    },
    /// Judge an emergency access (consortium members): unjustified by a majority, it ends
    /// and the demander loses the EmergencyAccess role.
    Review {
        /// The request id of the emergency access.
        request: u64,
        /// It was justified.
        #[arg(
            long,
            conflicts_with = "unjustified",
            required_unless_present = "unjustified"
        )]
        justified: bool,
        /// It was not.
        #[arg(long)]
        unjustified: bool,
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
            let chain = Chain::connect(&common.node.node).await?;
            let key = account.keys().public_key();
            let tx = dynamic::tx("Access", "set_encryption_key", vec![call::bytes(key)]);
            if common.send.call_data {
                return chain.print_call(&tx, Some(&account), out).await;
            }
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
            code,
            purpose,
            common,
        } => {
            let code = purpose_code(&code)?;
            let chain = Chain::connect(&common.node.node).await?;
            let tx = dynamic::tx(
                "Access",
                "request_access",
                vec![call::u64(record), call::purpose(&code, purpose.as_bytes())],
            );
            if common.send.call_data {
                return chain.print_call(&tx, None, out).await;
            }
            let account = common.account.load()?;
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
            let chain = Chain::connect(&common.node.node).await?;
            let tx = dynamic::tx("Access", "vote", vec![call::u64(request), Value::bool(aye)]);
            if common.send.call_data {
                return chain.print_call(&tx, None, out).await;
            }
            let account = common.account.load()?;
            let done = chain.submit(&tx, &account, out, "vote").await?;
            let ayes = done.number("Access", "Voted", "ayes")?;
            let nays = done.number("Access", "Voted", "nays")?;
            let outcome = outcome(
                &done,
                [
                    ("RequestApproved", "approved"),
                    ("RequestRejected", "rejected"),
                ],
                "open",
            );
            out.emit(
                serde_json::json!({ "request": request, "approve": aye, "ayes": ayes, "nays": nays, "status": outcome, "block": done.block }),
                || format!("request {request}: {} by {}; {ayes} ayes, {nays} nays: {outcome}", if aye { "aye" } else { "nay" }, account.address()),
            );
        }
        AccessCommand::DeliverKey { request, common } => {
            let account = common.account.load()?;
            let chain = Chain::connect(&common.node.node).await?;
            let delivery = seal_key_for(&chain, &account, request).await?;
            let tx = dynamic::tx(
                "Access",
                "deliver_key",
                vec![call::u64(request), call::bytes(&delivery.wrapped)],
            );
            if common.send.call_data {
                return chain.print_call(&tx, Some(&account), out).await;
            }
            let done = chain.submit(&tx, &account, out, "deliver_key").await?;
            out.emit(
                serde_json::json!({ "request": request, "record": delivery.record, "demander": address_of(&delivery.demander), "demander_x25519": to_hex(&delivery.demander_key), "wrapped_key_len": delivery.wrapped.len(), "block": done.block }),
                || format!("request {request}: data key of record {} delivered to {} (X25519 key {}, as the node gave it) in block {}", delivery.record, address_of(&delivery.demander), to_hex(&delivery.demander_key), done.block),
            );
        }
        AccessCommand::WrapKey {
            request,
            account,
            node,
        } => {
            let account = account.load()?;
            let chain = Chain::connect(&node.node).await?;
            let delivery = seal_key_for(&chain, &account, request).await?;
            let wrapped = to_hex(&delivery.wrapped);
            out.emit(
                serde_json::json!({ "request": request, "record": delivery.record, "demander": address_of(&delivery.demander), "demander_x25519": to_hex(&delivery.demander_key), "wrapped_key": wrapped }),
                || format!("request {request}: record {}'s data key sealed to {} (X25519 key {}, as the node gave it; the wrapped_key of access.deliverKey):\n{wrapped}", delivery.record, address_of(&delivery.demander), to_hex(&delivery.demander_key)),
            );
        }
        AccessCommand::Revoke {
            record,
            demander,
            common,
        } => {
            let demander = parse_account(&demander)?;
            let chain = Chain::connect(&common.node.node).await?;
            let tx = dynamic::tx(
                "Access",
                "revoke_grant",
                vec![call::u64(record), call::bytes(demander.0)],
            );
            if common.send.call_data {
                return chain.print_call(&tx, None, out).await;
            }
            let account = common.account.load()?;
            let done = chain.submit(&tx, &account, out, "revoke_grant").await?;
            out.emit(
                serde_json::json!({ "record": record, "demander": address_of(&demander), "block": done.block }),
                || format!("record {record}: grant of {} revoked in block {}", address_of(&demander), done.block),
            );
        }
        AccessCommand::Disclosures(args) => disclosures::disclosures(args, out).await?,
        AccessCommand::BreakGlass {
            record,
            reason,
            common,
        } => {
            let chain = Chain::connect(&common.node.node).await?;
            let tx = dynamic::tx(
                "Access",
                "break_glass",
                vec![call::u64(record), call::bytes(reason.as_bytes())],
            );
            if common.send.call_data {
                return chain.print_call(&tx, None, out).await;
            }
            let account = common.account.load()?;
            let done = chain.submit(&tx, &account, out, "break_glass").await?;
            let opened = |field| done.number("Access", "EmergencyAccessOpened", field);
            let (request, expires_block, uses) = (
                opened("request")?,
                opened("expires_block")?,
                opened("uses_in_period")?,
            );
            out.emit(
                serde_json::json!({ "request": request, "record": record, "demander": account.address(), "expires_block": expires_block, "uses_in_period": uses, "block": done.block }),
                || format!("EMERGENCY ACCESS: request {request} for record {record} approved in block {} without a vote; it ends at block {expires_block}; the members will review it ({uses} this period)", done.block),
            );
        }
        AccessCommand::Review {
            request,
            justified,
            unjustified,
            common,
        } => {
            debug_assert!(justified != unjustified);
            let chain = Chain::connect(&common.node.node).await?;
            let tx = dynamic::tx(
                "Access",
                "review_emergency",
                vec![call::u64(request), Value::bool(justified)],
            );
            if common.send.call_data {
                return chain.print_call(&tx, None, out).await;
            }
            let account = common.account.load()?;
            let done = chain.submit(&tx, &account, out, "review_emergency").await?;
            let count = |field| done.number("Access", "EmergencyReviewed", field);
            let (yes, no) = (count("justified_count")?, count("unjustified_count")?);
            let status = outcome(
                &done,
                [
                    ("EmergencyAccessJustified", "justified"),
                    ("EmergencyAccessUnjustified", "unjustified"),
                ],
                "pending",
            );
            out.emit(
                serde_json::json!({ "request": request, "justified": justified, "justified_count": yes, "unjustified_count": no, "status": status, "block": done.block }),
                || format!("emergency access {request}: {} by {}; {yes} justified, {no} unjustified: {status}", if justified { "justified" } else { "unjustified" }, account.address()),
            );
        }
    }
    Ok(())
}

/// What a vote decided: the label of the first `Access` event of `decisions` the
/// transaction emitted, or `undecided`.
fn outcome(
    done: &Finalized,
    decisions: [(&str, &'static str); 2],
    undecided: &'static str,
) -> &'static str {
    decisions
        .iter()
        .find(|(event, _)| done.field("Access", event, "request").is_some())
        .map_or(undecided, |(_, label)| label)
}

/// The purpose code a request may carry, or why not.
fn purpose_code(code: &str) -> Result<PurposeOfUse> {
    let purpose = PurposeOfUse::from_code(code).ok_or_else(|| {
        let hl7: Vec<&str> = PurposeOfUse::hl7_codes()
            .filter(|c| *c != PurposeOfUse::Btg.code())
            .collect();
        anyhow!(
            "{code:?} is not a purpose code: one of HL7 v3 PurposeOfUse's ({}) or a local one of 1-32 characters of A-Z a-z 0-9 - . _ :",
            hl7.join(", ")
        )
    })?;
    if purpose == PurposeOfUse::Btg {
        bail!("BTG is the purpose of `medchain access break-glass`, which needs the EmergencyAccess role");
    }
    Ok(purpose)
}

/// A record's data key sealed to the demander of an approved request.
struct Delivery {
    record: u64,
    demander: subxt::utils::AccountId32,
    /// The demander's X25519 key as the node gave it: printed, so that an owner who does
    /// not trust the node can compare it with the demander's `medchain key show`.
    demander_key: [u8; 32],
    wrapped: Vec<u8>,
}

/// Checks that `request` is approved and `account` owns its record, then derives the
/// record's data key and seals it to the demander's published key, bound to the record
/// and its blob.
async fn seal_key_for(chain: &Chain, account: &Account, request: u64) -> Result<Delivery> {
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
    let wrapped =
        wrap_key(&key, &demander_key, &binding).map_err(|e| anyhow!("cannot seal the key: {e}"))?;
    Ok(Delivery {
        record: found.record,
        demander: found.demander,
        demander_key,
        wrapped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purpose_codes_are_checked_before_sending() {
        assert_eq!(purpose_code("treat").unwrap(), PurposeOfUse::Treat);
        assert_eq!(purpose_code("HRESCH").unwrap(), PurposeOfUse::Hresch);
        assert_eq!(
            purpose_code("CONSORTIUM-AUDIT").unwrap(),
            PurposeOfUse::Other(b"CONSORTIUM-AUDIT".to_vec().try_into().unwrap())
        );
        let btg = purpose_code("btg").unwrap_err().to_string();
        assert!(btg.contains("break-glass"), "{btg}");
        // The help of `--code` (a doc comment) names every code a request may carry.
        let cli = <crate::Cli as clap::CommandFactory>::command();
        let help = cli
            .find_subcommand("access")
            .and_then(|access| access.find_subcommand("request"))
            .and_then(|request| request.get_arguments().find(|a| a.get_id() == "code"))
            .and_then(|code| code.get_help())
            .map(|help| help.to_string())
            .unwrap();
        for code in PurposeOfUse::hl7_codes() {
            assert!(help.contains(code), "the help of --code lacks {code}");
        }
        for bad in ["", "two words", "UNCODED", "uncoded", "é", &"x".repeat(33)] {
            let why = purpose_code(bad).unwrap_err().to_string();
            assert!(why.contains("is not a purpose code"), "{bad:?}: {why}");
        }
    }
}
