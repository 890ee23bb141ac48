//! `medchain-node consortium new`: a real consortium from fresh keys.
//!
//! Writes a raw chain spec whose validators, council, roles and authorised nodes are
//! freshly generated keys, and one folder per hospital with what its node needs:
//!
//! ```text
//! OUT/chain-spec.json                  raw spec (no development key in it)
//! OUT/hospital-N/account.json          the hospital's secret phrase and address (0600)
//! OUT/hospital-N/node-key              its network key (0600); the peer id is authorised
//! OUT/hospital-N/data/chains/ID/keystore   aura, gran and medr keys
//! OUT/hospital-N/start.sh              starts its node (validator, off-chain worker)
//! ```
//!
//! Each hospital is a consortium member (so on the council), a validator, a data owner
//! and a data manager, and is the only kind of account endowed. No sudo key.
//!
//! Whoever runs this command sees every hospital's secrets: run it on a machine the
//! consortium trusts, hand each folder over a secure channel, and delete the rest.
//! Every folder is created only-owner-readable (0700) and every secret file 0600.

use std::{
    fs,
    path::{Path, PathBuf},
};

use medchain_primitives::Role;
use medchain_runtime::genesis_config_presets::{network_genesis, Validator};
use medchain_runtime_common::{
    blocks_in,
    genesis::{consortium_genesis, with_consensus},
    network::ed25519_peer_id,
    params::{MAX_AUTHORITIES, MAX_MEMBERS},
    AccountId, MINUTE_MS,
};
use sc_service::ChainType;
use sp_core::{crypto::Ss58Codec, ed25519, sr25519, Pair};
use sp_keystore::Keystore;

/// `consortium` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ConsortiumCmd {
    /// Generate a consortium: a raw chain spec and one folder per hospital.
    New(NewConsortiumCmd),
}

impl ConsortiumCmd {
    pub fn run(&self) -> sc_cli::Result<()> {
        match self {
            Self::New(cmd) => cmd.run().map_err(sc_cli::Error::Input),
        }
    }
}

/// Generates a consortium from fresh keys.
#[derive(Debug, clap::Parser)]
pub struct NewConsortiumCmd {
    /// Number of founding hospitals (each a member, validator, owner and manager).
    #[arg(long)]
    pub hospitals: u32,
    /// The folder to write into (must not exist).
    #[arg(long)]
    pub out: PathBuf,
    /// The chain's name.
    #[arg(long, default_value = "MedChain Consortium")]
    pub name: String,
    /// The chain's id (also the keystore's folder under `data/chains/`).
    #[arg(long, default_value = "medchain_consortium")]
    pub id: String,
    /// Session length in minutes: how long a validator change waits at most (twice this).
    #[arg(long, default_value_t = 60)]
    pub session_minutes: u64,
    /// The fewest validators the council may leave (default: all but the faults GRANDPA
    /// tolerates, n − ⌊(n − 1) / 3⌋).
    #[arg(long)]
    pub min_validators: Option<u32>,
    /// Where the hospitals' nodes are reached (an IP address or a DNS name): once for all,
    /// or once per hospital, in order.
    #[arg(long = "host", default_value = "127.0.0.1")]
    pub hosts: Vec<String>,
    /// Hospital N listens for peers on this port + N − 1.
    #[arg(long, default_value_t = 30401)]
    pub p2p_port: u16,
    /// Hospital N serves RPC on this port + N − 1.
    #[arg(long, default_value_t = 9901)]
    pub rpc_port: u16,
}

/// One founding hospital's fresh keys.
struct Hospital {
    phrase: String,
    account: AccountId,
    aura: sr25519::Public,
    grandpa: ed25519::Public,
    node_secret: [u8; 32],
    peer_id: Vec<u8>,
}

impl Hospital {
    fn generate() -> Self {
        let (pair, phrase, _) = sr25519::Pair::generate_with_phrase(None);
        let grandpa = ed25519::Pair::from_phrase(&phrase, None)
            .expect("a phrase just generated is valid; qed")
            .0
            .public();
        let (node, node_secret) = ed25519::Pair::generate();
        Hospital {
            account: AccountId::from(pair.public()),
            aura: pair.public(),
            grandpa,
            node_secret,
            peer_id: ed25519_peer_id(&node.public().0),
            phrase,
        }
    }

    fn peer_id_base58(&self) -> Result<String, String> {
        sc_network::PeerId::from_bytes(&self.peer_id)
            .map(|id| id.to_base58())
            .map_err(|e| format!("a generated peer id does not parse: {e}"))
    }
}

impl NewConsortiumCmd {
    fn min_validators(&self) -> u32 {
        self.min_validators
            .unwrap_or(pallet_validator_set::min_validators_for(self.hospitals))
    }

    fn session_length_blocks(&self) -> u32 {
        blocks_in(
            self.session_minutes.saturating_mul(MINUTE_MS),
            medchain_runtime::MILLI_SECS_PER_BLOCK,
        )
    }

    /// Hospital `index`'s address as a multiaddr protocol and host.
    fn host(&self, index: usize) -> Result<String, String> {
        let host = if self.hosts.len() == 1 {
            &self.hosts[0]
        } else {
            &self.hosts[index]
        };
        if let Ok(ip) = host.parse::<std::net::IpAddr>() {
            return Ok(match ip {
                std::net::IpAddr::V4(ip) => format!("/ip4/{ip}"),
                std::net::IpAddr::V6(ip) => format!("/ip6/{ip}"),
            });
        }
        let is_dns_name = !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
            });
        if is_dns_name {
            Ok(format!("/dns/{host}"))
        } else {
            Err(format!(
                "--host `{host}` is neither an IP address nor a DNS name"
            ))
        }
    }

    /// Hospital `index`'s address with its peer id, for the chain spec's boot nodes
    /// and the other hospitals' `--bootnodes`.
    fn bootnode(&self, index: usize, hospital: &Hospital) -> Result<String, String> {
        Ok(format!(
            "{}/tcp/{}/p2p/{}",
            self.host(index)?,
            self.p2p_port as usize + index,
            hospital.peer_id_base58()?
        ))
    }

    /// The genesis of the validator set this command would write, as the pallet checks it.
    fn check_validators(&self) -> Result<(), String> {
        let validators = (0..self.hospitals)
            .map(|i| AccountId::new([i as u8; 32]))
            .collect();
        pallet_validator_set::GenesisConfig::<medchain_runtime::Runtime> {
            validators,
            min_validators: self.min_validators(),
            session_length_blocks: self.session_length_blocks(),
        }
        .check()
        .map_err(|why| format!("the validator set's genesis would not build: {why} (--hospitals, --min-validators, --session-minutes)"))
    }

    fn check(&self) -> Result<(), String> {
        let most = MAX_MEMBERS.min(MAX_AUTHORITIES);
        if self.hospitals == 0 || self.hospitals > most {
            return Err(format!(
                "--hospitals must be 1 to {most}, not {}",
                self.hospitals
            ));
        }
        self.check_validators()?;
        if self.hosts.len() != 1 && self.hosts.len() != self.hospitals as usize {
            return Err(format!(
                "give --host once, or once per hospital ({}), not {} times",
                self.hospitals,
                self.hosts.len()
            ));
        }
        for index in 0..self.hospitals as usize {
            self.host(index)?;
        }
        let top = self.hospitals - 1;
        if u32::from(self.p2p_port) + top > u16::MAX as u32
            || u32::from(self.rpc_port) + top > u16::MAX as u32
        {
            return Err("the ports run past 65535".into());
        }
        if self.id.is_empty()
            || !self
                .id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(format!(
                "--id must be letters, digits, '_' or '-', not `{}`",
                self.id
            ));
        }
        if self.out.exists() {
            return Err(format!("{} exists: give a new folder", self.out.display()));
        }
        Ok(())
    }

    pub fn run(&self) -> Result<(), String> {
        self.check()?;
        let hospitals: Vec<Hospital> = (0..self.hospitals).map(|_| Hospital::generate()).collect();
        let spec = self.spec(&hospitals)?;
        create_private_dir(&self.out)?;
        fs::write(self.out.join("chain-spec.json"), spec)
            .map_err(|e| format!("cannot write the chain spec: {e}"))?;
        for (index, hospital) in hospitals.iter().enumerate() {
            self.write_hospital(index, hospital, &hospitals[0])?;
        }
        println!(
            "Wrote a consortium of {} hospitals to {}: start each with hospital-N/start.sh",
            self.hospitals,
            self.out.display()
        );
        Ok(())
    }

    /// The genesis patch: members, endowments and roles of the hospitals only; each
    /// hospital, as a data manager, accepts every hospital as a data owner.
    fn genesis(&self, hospitals: &[Hospital]) -> serde_json::Value {
        let accounts: Vec<AccountId> = hospitals.iter().map(|h| h.account.clone()).collect();
        let roles = accounts
            .iter()
            .map(|a| (a.clone(), vec![Role::DataOwner, Role::DataManager]))
            .collect();
        let validators: Vec<Validator> = hospitals
            .iter()
            .map(|h| (h.account.clone(), h.aura.into(), h.grandpa.into()))
            .collect();
        let nodes = hospitals
            .iter()
            .map(|h| (h.peer_id.clone(), h.account.clone()))
            .collect();
        with_consensus(
            consortium_genesis(accounts.clone(), accounts, roles),
            network_genesis(
                validators,
                self.min_validators(),
                self.session_length_blocks(),
                nodes,
                None,
            ),
        )
    }

    fn spec(&self, hospitals: &[Hospital]) -> Result<String, String> {
        let code = medchain_runtime::WASM_BINARY
            .ok_or("the runtime's WASM is not built into this node (SKIP_WASM_BUILD?)")?;
        let spec = crate::chain_spec::ChainSpec::builder(code, None)
            .with_name(&self.name)
            .with_id(&self.id)
            .with_chain_type(ChainType::Live)
            .with_protocol_id(&self.id)
            .with_boot_nodes(
                hospitals
                    .iter()
                    .enumerate()
                    .map(|(i, h)| {
                        let address = self.bootnode(i, h)?;
                        address
                            .parse()
                            .map_err(|e| format!("bad boot node {address}: {e}"))
                    })
                    .collect::<Result<Vec<_>, String>>()?,
            )
            .with_genesis_config_patch(self.genesis(hospitals))
            .with_properties(crate::chain_spec::properties())
            .build();
        sc_service::ChainSpec::as_json(&spec, true)
    }

    fn write_hospital(
        &self,
        index: usize,
        hospital: &Hospital,
        first: &Hospital,
    ) -> Result<(), String> {
        let dir = self.out.join(format!("hospital-{}", index + 1));
        let chain_dir = dir.join("data").join("chains").join(&self.id);
        let keystore_dir = chain_dir.join("keystore");
        for level in [
            dir.clone(),
            dir.join("data"),
            dir.join("data").join("chains"),
            chain_dir,
            keystore_dir.clone(),
        ] {
            create_private_dir(&level)?;
        }
        let keystore = sc_keystore::LocalKeystore::open(&keystore_dir, None)
            .map_err(|e| format!("cannot open the keystore {}: {e}", keystore_dir.display()))?;
        let keys: [(sp_core::crypto::KeyTypeId, &[u8]); 3] = [
            (sp_core::crypto::key_types::AURA, hospital.aura.as_ref()),
            (
                sp_core::crypto::key_types::GRANDPA,
                hospital.grandpa.as_ref(),
            ),
            (
                medchain_primitives::offchain::KEY_TYPE,
                hospital.aura.as_ref(),
            ),
        ];
        for (key_type, public) in keys {
            keystore
                .insert(key_type, &hospital.phrase, public)
                .map_err(|()| format!("cannot insert a key into {}", keystore_dir.display()))?;
        }
        write_secret(&dir.join("node-key"), &hex(&hospital.node_secret))?;
        let account = serde_json::json!({
            "address": hospital.account.to_ss58check(),
            "secretPhrase": hospital.phrase,
            "peerId": hospital.peer_id_base58()?,
        });
        write_secret(&dir.join("account.json"), &format!("{account:#}\n"))?;
        // Every value is checked (ports, id) or ours (addresses from checked hosts), and
        // single-quoted all the same.
        let bootnodes = if index == 0 {
            String::new()
        } else {
            format!("--bootnodes '{}' ", self.bootnode(0, first)?)
        };
        let script = format!(
            "#!/bin/sh\n\
             # Starts hospital {n}'s node: a validator with its off-chain worker, which applies\n\
             # the council's authorised nodes, and the audit index (medchain_auditLog).\n\
             # Extra arguments are passed on.\n\
             cd \"$(dirname \"$0\")\"\n\
             exec \"${{MEDCHAIN_NODE:-medchain-node}}\" --chain ../chain-spec.json --base-path ./data \\\n  \
             --node-key-file ./node-key --validator --offchain-worker always \\\n  \
             --enable-offchain-indexing true --name 'hospital-{n}' \\\n  \
             --port {port} --rpc-port {rpc} {bootnodes}\"$@\"\n",
            n = index + 1,
            port = self.p2p_port as usize + index,
            rpc = self.rpc_port as usize + index,
        );
        write_file(&dir.join("start.sh"), &script, 0o700)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a folder only its owner may enter (or checks one it created before).
fn create_private_dir(path: &Path) -> Result<(), String> {
    use std::os::unix::fs::DirBuilderExt;
    match fs::DirBuilder::new().mode(0o700).create(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && path.is_dir() => Ok(()),
        Err(e) => Err(format!("cannot create {}: {e}", path.display())),
    }
}

/// Writes a new file with `mode` from its creation (no moment with wider permissions).
fn write_file(path: &Path, text: &str, mode: u32) -> Result<(), String> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .and_then(|mut file| file.write_all(text.as_bytes()))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes a file only its owner may read.
fn write_secret(path: &Path, text: &str) -> Result<(), String> {
    write_file(path, text, 0o600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

    fn cmd(out: PathBuf, hospitals: u32) -> NewConsortiumCmd {
        NewConsortiumCmd {
            hospitals,
            out,
            name: "Test".into(),
            id: "medchain_test".into(),
            session_minutes: 60,
            min_validators: None,
            hosts: vec!["127.0.0.1".into()],
            p2p_port: 30401,
            rpc_port: 9901,
        }
    }

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("medchain-consortium-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn three_hospitals_get_a_spec_without_development_keys_and_their_folders() {
        let out = temp_dir("three");
        cmd(out.clone(), 3).run().unwrap();
        // The genesis state without the runtime's code: the code carries the development
        // presets' keys, which only `--chain dev` or `local` ever uses.
        let mut spec: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(out.join("chain-spec.json")).unwrap())
                .unwrap();
        let code = spec["genesis"]["raw"]["top"]
            .as_object_mut()
            .and_then(|top| top.remove("0x3a636f6465"));
        assert!(code.is_some(), "the spec carries the runtime's code");
        let spec = spec.to_string().to_lowercase();
        for public in Sr25519Keyring::iter()
            .map(|k| k.public().0)
            .chain(Ed25519Keyring::iter().map(|k| k.public().0))
        {
            assert!(
                !spec.contains(&hex(&public)),
                "a development key is in the spec"
            );
        }
        for n in 1..=3 {
            let dir = out.join(format!("hospital-{n}"));
            let keystore = dir.join("data/chains/medchain_test/keystore");
            let mut kinds: Vec<String> = fs::read_dir(&keystore)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy()[..8].to_owned())
                .collect();
            kinds.sort();
            // Hex of the key types: aura, gran, medr.
            assert_eq!(kinds, ["61757261", "6772616e", "6d656472"]);
            let account: serde_json::Value =
                serde_json::from_str(&fs::read_to_string(dir.join("account.json")).unwrap())
                    .unwrap();
            let address = account["address"].as_str().unwrap();
            let public = AccountId::from_ss58check(address).unwrap();
            // The hospital's account is in the genesis (endowed, a member, a validator).
            assert!(spec.contains(&hex(public.as_ref())));
            assert_eq!(fs::read_to_string(dir.join("node-key")).unwrap().len(), 64);
            use std::os::unix::fs::PermissionsExt;
            for private in [dir.join("account.json"), dir.join("node-key"), dir.clone()] {
                let mode = fs::metadata(&private).unwrap().permissions().mode();
                assert_eq!(mode & 0o077, 0, "{} is open to others", private.display());
            }
            let script = fs::read_to_string(dir.join("start.sh")).unwrap();
            assert!(script.contains(&format!("--port {}", 30400 + n)));
            assert_eq!(script.contains("--bootnodes"), n > 1);
            assert!(script.contains("--enable-offchain-indexing true"));
        }
        fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn bad_input_is_refused_by_name() {
        let out = temp_dir("bad");
        let refused = |mut c: NewConsortiumCmd, tweak: fn(&mut NewConsortiumCmd)| {
            tweak(&mut c);
            c.run().unwrap_err()
        };
        assert!(refused(cmd(out.clone(), 0), |_| {}).contains("--hospitals"));
        assert!(refused(cmd(out.clone(), 65), |_| {}).contains("--hospitals"));
        assert!(refused(cmd(out.clone(), 3), |c| c.min_validators = Some(4))
            .contains("--min-validators"));
        assert!(
            refused(cmd(out.clone(), 3), |c| c.session_minutes = 0).contains("--session-minutes")
        );
        assert!(
            refused(cmd(out.clone(), 3), |c| c.session_minutes = 2 * 24 * 60)
                .contains("--session-minutes")
        );
        assert!(refused(cmd(out.clone(), 3), |c| c.hosts =
            vec!["1.2.3.4/dns4/$(reboot)".into()])
        .contains("--host"));
        assert!(refused(cmd(out.clone(), 3), |c| c.hosts =
            vec!["a.example".into(), "b.example".into()])
        .contains("--host"));
        assert!(refused(cmd(out.clone(), 3), |c| c.p2p_port = 65535).contains("ports"));
        assert!(refused(cmd(out.clone(), 3), |c| c.id = "a/b".into()).contains("--id"));
        fs::create_dir_all(&out).unwrap();
        assert!(refused(cmd(out.clone(), 3), |_| {}).contains("exists"));
        fs::remove_dir_all(&out).unwrap();
    }

    #[test]
    fn hosts_become_multiaddrs() {
        let mut c = cmd(PathBuf::new(), 3);
        c.hosts = vec![
            "10.0.0.1".into(),
            "::1".into(),
            "node-3.hospital.example".into(),
        ];
        let hosts: Vec<String> = (0..3).map(|i| c.host(i).unwrap()).collect();
        assert_eq!(
            hosts,
            ["/ip4/10.0.0.1", "/ip6/::1", "/dns/node-3.hospital.example"]
        );
    }
}
