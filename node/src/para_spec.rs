//! `medchain-node para-spec` and `medchain-node check-para-spec`: chain specs of the
//! parachain runtime (`medchain-para-runtime`) for `polkadot-omni-node`, chopsticks and
//! zombienet, and the checks `scripts/parachain.sh` runs on a spec it is given.
//!
//! A parachain's id lives in two places: the chain spec's `para_id` (what the relay
//! chain registers and omni-node falls back to) and `ParachainInfo` in the genesis state
//! (what the runtime reports and what collation uses). When they differ, the collator
//! builds blocks the relay chain rejects, so `para-spec` writes both from one value and
//! `check-para-spec` refuses a spec where they disagree.

use std::path::PathBuf;

use codec::Decode;
use sc_chain_spec::GenesisConfigBuilderRuntimeCaller;
use sc_service::{ChainType, GenericChainSpec};
use serde_json::{json, Value};
use sp_runtime::BuildStorage;

/// Writes a chain spec of the parachain runtime.
#[derive(Debug, clap::Parser)]
pub struct ParaSpecCmd {
    /// The runtime's genesis preset: `development` or `local_testnet`.
    #[arg(long, default_value = "development")]
    pub preset: String,
    /// The para id, written into the spec and into `ParachainInfo`'s genesis.
    #[arg(long, default_value_t = medchain_para_runtime::PARA_ID)]
    pub para_id: u32,
    /// The relay chain the parachain is registered on (a label for the collator).
    #[arg(long, default_value = "rococo-local")]
    pub relay_chain: String,
    /// A runtime WASM file to build the spec from instead of the built-in runtime.
    #[arg(long)]
    pub runtime: Option<PathBuf>,
    /// Write the raw genesis storage (chopsticks and the relay chain need it).
    #[arg(long)]
    pub raw: bool,
    /// Where to write the spec (default: standard output).
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

/// Checks a parachain chain spec: its `para_id` matches `ParachainInfo` in its genesis
/// (and `--para-id`, when given).
#[derive(Debug, clap::Parser)]
pub struct CheckParaSpecCmd {
    /// The chain spec file (plain or raw).
    pub spec: PathBuf,
    /// The para id the spec must have.
    #[arg(long)]
    pub para_id: Option<u32>,
}

/// Largest spec file `check-para-spec` reads: a raw spec carries the code twice in hex
/// (≈ 2 × 4 MiB) and the genesis state; anything far larger is not ours.
const MAX_SPEC_BYTES: u64 = 64 * 1024 * 1024;

/// `ParachainInfo::ParachainId`'s storage key: twox128("ParachainInfo") ++
/// twox128("ParachainId").
fn para_id_key() -> Vec<u8> {
    [
        sp_crypto_hashing::twox_128(b"ParachainInfo"),
        sp_crypto_hashing::twox_128(b"ParachainId"),
    ]
    .concat()
}

impl ParaSpecCmd {
    /// The spec as JSON text.
    pub fn spec_json(&self) -> Result<String, String> {
        let code = match &self.runtime {
            Some(path) => std::fs::read(path)
                .map_err(|e| format!("cannot read the runtime {}: {e}", path.display()))?,
            None => medchain_para_runtime::WASM_BINARY
                .ok_or(
                    "the parachain runtime's WASM is not built into this node (SKIP_WASM_BUILD?)",
                )?
                .to_vec(),
        };
        let caller = GenesisConfigBuilderRuntimeCaller::<()>::new(&code);
        let presets = caller.preset_names()?;
        if !presets
            .iter()
            .any(|p| AsRef::<str>::as_ref(p) == self.preset)
        {
            let known: Vec<String> = presets
                .iter()
                .map(|p| AsRef::<str>::as_ref(p).to_owned())
                .collect();
            return Err(format!(
                "the runtime has no genesis preset `{}` (it has: {})",
                self.preset,
                known.join(", ")
            ));
        }
        let mut patch = caller.get_named_preset(Some(&self.preset))?;
        let para_info = patch
            .as_object_mut()
            .ok_or_else(|| format!("the preset `{}` is not a JSON object", self.preset))?
            .entry("parachainInfo")
            .or_insert_with(|| json!({}));
        let para_info = para_info
            .as_object_mut()
            .ok_or("the preset's `parachainInfo` is not a JSON object")?;
        para_info.insert("parachainId".into(), json!(self.para_id));
        let (chain_type, id_suffix) = match self.preset.as_str() {
            "development" => (ChainType::Development, "dev"),
            "local_testnet" => (ChainType::Local, "local"),
            other => (ChainType::Live, other),
        };
        let spec = GenericChainSpec::<sc_service::NoExtension>::builder(&code, None)
            .with_name(&format!("MedChain Parachain ({})", self.preset))
            .with_id(&format!("medchain_para_{id_suffix}"))
            .with_chain_type(chain_type)
            .with_protocol_id("medchain-para")
            .with_genesis_config_patch(patch)
            .with_properties(crate::chain_spec::properties())
            .build();
        let mut json: Value = serde_json::from_str(&spec.as_json(self.raw)?)
            .map_err(|e| format!("the spec is not JSON: {e}"))?;
        // The parachain extensions omni-node and zombienet read.
        json["relay_chain"] = json!(self.relay_chain);
        json["para_id"] = json!(self.para_id);
        serde_json::to_string_pretty(&json).map_err(|e| e.to_string())
    }

    /// Writes the spec where `--output` says.
    pub fn run(&self) -> sc_cli::Result<()> {
        let json = self.spec_json()?;
        match &self.output {
            Some(path) => std::fs::write(path, json)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
            None => println!("{json}"),
        }
        Ok(())
    }
}

impl CheckParaSpecCmd {
    /// The para id of the spec's genesis, after checking it against `para_id`.
    pub fn check(&self) -> Result<u32, String> {
        let size = std::fs::metadata(&self.spec)
            .map_err(|e| format!("cannot read {}: {e}", self.spec.display()))?
            .len();
        if size > MAX_SPEC_BYTES {
            return Err(format!(
                "{} has {size} bytes, more than a chain spec of this runtime ({MAX_SPEC_BYTES})",
                self.spec.display()
            ));
        }
        let text = std::fs::read_to_string(&self.spec)
            .map_err(|e| format!("cannot read {}: {e}", self.spec.display()))?;
        let json: Value = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a JSON chain spec: {e}", self.spec.display()))?;
        let declared = json
            .get("para_id")
            .or_else(|| json.get("paraId"))
            .and_then(Value::as_u64)
            .ok_or("the spec has no `para_id`: it is not a parachain spec (make one with `medchain-node para-spec`)")?;
        if json
            .get("relay_chain")
            .or_else(|| json.get("relayChain"))
            .is_none()
        {
            return Err(
                "the spec has no `relay_chain`: polkadot-omni-node will not load it".into(),
            );
        }
        let spec = GenericChainSpec::<sc_service::NoExtension>::from_json_bytes(text.into_bytes())?;
        let storage = spec.build_storage()?;
        let genesis = storage.top.get(&para_id_key()).ok_or(
            "the spec's genesis has no `ParachainInfo` para id: not a MedChain parachain runtime",
        )?;
        let genesis = u32::decode(&mut &genesis[..])
            .map_err(|_| "the spec's `ParachainInfo` para id is not a u32".to_string())?;
        if u64::from(genesis) != declared {
            return Err(format!(
                "the spec declares para id {declared} but its genesis has {genesis}: the relay \
                 chain would reject its blocks (make the spec again with `--para-id {declared}`)"
            ));
        }
        if let Some(wanted) = self.para_id {
            if wanted != genesis {
                return Err(format!("the spec is for para id {genesis}, not {wanted}"));
            }
        }
        Ok(genesis)
    }

    /// Prints the para id of a good spec; fails with the reason otherwise.
    pub fn run(&self) -> sc_cli::Result<()> {
        let para_id = self.check()?;
        println!("{}: para id {para_id}", self.spec.display());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(preset: &str, para_id: u32, raw: bool) -> ParaSpecCmd {
        ParaSpecCmd {
            preset: preset.into(),
            para_id,
            relay_chain: "rococo-local".into(),
            runtime: None,
            raw,
            output: None,
        }
    }

    fn check(json: &str, para_id: Option<u32>) -> Result<u32, String> {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), json).unwrap();
        CheckParaSpecCmd {
            spec: file.path().into(),
            para_id,
        }
        .check()
    }

    #[test]
    fn a_spec_carries_one_para_id_in_both_places() {
        for raw in [false, true] {
            let json = cmd("development", 2345, raw).spec_json().unwrap();
            assert_eq!(check(&json, Some(2345)), Ok(2345));
        }
    }

    #[test]
    fn a_wrong_para_id_is_refused() {
        let json = cmd("local_testnet", 2000, true).spec_json().unwrap();
        let mut value: Value = serde_json::from_str(&json).unwrap();
        value["para_id"] = json!(2001);
        let err = check(&value.to_string(), None).unwrap_err();
        assert!(
            err.contains("declares para id 2001 but its genesis has 2000"),
            "{err}"
        );
        let err = check(&json, Some(3000)).unwrap_err();
        assert!(err.contains("not 3000"), "{err}");
    }

    #[test]
    fn a_missing_preset_or_extension_is_named() {
        let err = cmd("staging", 2000, false).spec_json().unwrap_err();
        assert!(err.contains("no genesis preset `staging`"), "{err}");
        assert!(
            err.contains("development") && err.contains("local_testnet"),
            "{err}"
        );
        let solo = crate::chain_spec::development_chain_spec()
            .unwrap()
            .as_json(false)
            .unwrap();
        let err = check(&solo, None).unwrap_err();
        assert!(err.contains("no `para_id`"), "{err}");
    }

    /// The zombienet config we ship parses, registers the runtime's para id and runs
    /// its collators on polkadot-omni-node with their off-chain workers.
    #[test]
    fn the_zombienet_config_registers_our_para_on_omni_node() {
        let config: toml::Table =
            toml::from_str(include_str!("../../zombienet/rococo-local.toml")).unwrap();
        assert_eq!(config["relaychain"]["chain"].as_str(), Some("rococo-local"));
        assert!(config["relaychain"]["nodes"].as_array().unwrap().len() >= 2);
        let para = &config["parachains"].as_array().unwrap()[0];
        assert_eq!(
            para["id"].as_integer(),
            Some(i64::from(medchain_para_runtime::PARA_ID))
        );
        assert!(para["chain_spec_path"].as_str().unwrap().ends_with(".json"));
        for collator in para["collators"].as_array().unwrap() {
            assert_eq!(collator["command"].as_str(), Some("polkadot-omni-node"));
            let args = collator["args"].as_array().unwrap();
            assert!(args
                .iter()
                .any(|a| a.as_str() == Some("--offchain-worker=always")));
        }
    }
}
