//! Accounts: who signs transactions and store requests, and whose encryption keys are
//! used. An account comes from `--suri` (a dev URI such as `//Alice`, a mnemonic, or a
//! `0x` seed, optionally with `//derivation`) or from `--key-file` (a file holding such
//! a URI, readable by its owner only). Its X25519 key and data keys are derived from its
//! secret ([`medchain_crypto::AccountKeys`]), so the key file is all there is to back up.
//!
//! `medchain key generate -o FILE` makes a new key file; `medchain key show` prints an
//! account's address and X25519 public key.

use std::{
    fs,
    path::{Path, PathBuf},
};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use medchain_crypto::AccountKeys;
use sp_core::{
    crypto::{Ss58Codec, Zeroize},
    sr25519, Pair,
};
use subxt::{
    utils::{AccountId32, MultiSignature},
    SubstrateConfig,
};

use crate::{
    files::{write_atomically, Replace},
    output::Output,
};

/// Where the account comes from.
#[derive(Args, Clone)]
pub struct AccountArgs {
    /// Secret URI of the account: `//Alice` (dev), a mnemonic, or a `0x` seed, with
    /// optional `//derivation`. Prefer `--key-file` outside development.
    #[arg(long, env = "MEDCHAIN_SURI", hide_env_values = true)]
    suri: Option<String>,
    /// A file holding the account's secret URI (see `medchain key generate`).
    #[arg(long, conflicts_with = "suri")]
    key_file: Option<PathBuf>,
}

impl AccountArgs {
    /// The account if one was given, or why it cannot be loaded.
    pub fn load_optional(&self) -> Result<Option<Account>> {
        if self.suri.is_none() && self.key_file.is_none() {
            return Ok(None);
        }
        self.load().map(Some)
    }

    /// The account, or why it cannot be loaded.
    pub fn load(&self) -> Result<Account> {
        match (&self.suri, &self.key_file) {
            (Some(suri), _) => Account::from_suri(suri),
            (None, Some(path)) => Account::from_key_file(path),
            (None, None) => bail!("no account: give --suri URI or --key-file FILE"),
        }
    }
}

/// A signing account with its encryption keys.
pub struct Account {
    pair: sr25519::Pair,
    keys: AccountKeys,
}

impl Account {
    /// From a secret URI.
    pub fn from_suri(suri: &str) -> Result<Self> {
        let pair = sr25519::Pair::from_string(suri.trim(), None)
            .map_err(|e| anyhow::anyhow!("invalid secret URI: {e:?}"))?;
        let mut secret = pair.to_raw_vec();
        let keys = AccountKeys::from_secret(&secret);
        secret.zeroize();
        Ok(Self { pair, keys })
    }

    /// From a key file (its first line is the secret URI).
    pub fn from_key_file(path: &Path) -> Result<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(path)
                .with_context(|| format!("cannot read {}", path.display()))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                eprintln!(
                    "medchain: warning: {} is readable by others (mode {:o}); chmod 600 it",
                    path.display(),
                    mode & 0o777
                );
            }
        }
        let mut text =
            fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
        let account = Self::from_suri(text.lines().next().unwrap_or_default())
            .with_context(|| format!("in key file {}", path.display()));
        text.zeroize();
        account
    }

    /// The account id.
    pub fn id(&self) -> AccountId32 {
        AccountId32(self.pair.public().0)
    }

    /// The SS58 address (generic prefix 42).
    pub fn address(&self) -> String {
        self.pair.public().to_ss58check()
    }

    /// Its encryption keys.
    pub fn keys(&self) -> &AccountKeys {
        &self.keys
    }
}

impl subxt::tx::Signer<SubstrateConfig> for Account {
    fn account_id(&self) -> AccountId32 {
        self.id()
    }

    fn sign(&self, payload: &[u8]) -> MultiSignature {
        MultiSignature::Sr25519(self.pair.sign(payload).0)
    }
}

impl medchain_store::RequestSigner for Account {
    fn account(&self) -> [u8; 32] {
        self.pair.public().0
    }

    fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.pair.sign(message).0
    }
}

/// Parses an SS58 address (any prefix) or a `0x` public key.
pub fn parse_account(text: &str) -> Result<AccountId32> {
    if let Some(bytes) = medchain_store::protocol::from_hex::<32>(text) {
        return Ok(AccountId32(bytes));
    }
    let public = sr25519::Public::from_ss58check(text)
        .map_err(|e| anyhow::anyhow!("{text} is not an SS58 address or 0x public key: {e:?}"))?;
    Ok(AccountId32(public.0))
}

/// The SS58 address of an account id.
pub fn address_of(id: &AccountId32) -> String {
    sr25519::Public::from_raw(id.0).to_ss58check()
}

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Make a new account and write its secret (a 12-word mnemonic) to a key file.
    Generate {
        /// The key file to create (mode 600; never overwritten).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Print an account's address, public key and X25519 encryption key.
    Show(AccountArgs),
}

pub fn run(command: KeyCommand, out: &Output) -> Result<()> {
    match command {
        KeyCommand::Generate { output: path } => {
            let (pair, mut phrase, _) = sr25519::Pair::generate_with_phrase(None);
            let written = write_key_file(&path, &phrase);
            phrase.zeroize();
            written?;
            let account = Account::from_key_file(&path)?;
            debug_assert_eq!(account.pair.public(), pair.public());
            show(&account, out);
            Ok(())
        }
        KeyCommand::Show(args) => {
            show(&args.load()?, out);
            Ok(())
        }
    }
}

fn write_key_file(path: &Path, secret: &str) -> Result<()> {
    // Mode 600, never over an existing file (checked again, race-free, at the rename).
    let mut line = format!("{secret}\n");
    let written = write_atomically(path, line.as_bytes(), Replace::Never);
    line.zeroize();
    written
}

fn show(account: &Account, out: &Output) {
    let x25519 = medchain_store::protocol::to_hex(&account.keys().public_key());
    out.emit(
        serde_json::json!({
            "address": account.address(),
            "public_key": medchain_store::protocol::to_hex(&account.id().0),
            "x25519_public_key": x25519,
        }),
        || {
            format!(
                "address            {}\npublic key         {}\nX25519 public key  {x25519}",
                account.address(),
                medchain_store::protocol::to_hex(&account.id().0)
            )
        },
    );
}
