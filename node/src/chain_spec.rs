//! The built-in chain specifications: `dev` and `local` (see `chain-specs/` for the
//! local consortium's spec as JSON).

use medchain_runtime::WASM_BINARY;
use sc_service::ChainType;

/// A chain spec of this runtime.
pub type ChainSpec = sc_service::GenericChainSpec;

/// The token's properties Polkadot.js shows (both chains: MED, 12 decimals).
pub fn properties() -> sc_service::Properties {
    let mut properties = sc_service::Properties::new();
    properties.insert("tokenSymbol".into(), "MED".into());
    properties.insert("tokenDecimals".into(), 12.into());
    properties.insert("ss58Format".into(), 42.into());
    properties
}

fn wasm() -> Result<&'static [u8], String> {
    WASM_BINARY.ok_or_else(|| {
        "the runtime's WASM binary is not available (built with SKIP_WASM_BUILD?)".into()
    })
}

/// A single-authority development chain (Alice) with sudo.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("MedChain Development")
        .with_id("medchain_dev")
        .with_chain_type(ChainType::Development)
        .with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
        .with_properties(properties())
        .build())
}

/// The development consortium (`local`): Alice, Bob, Charlie and Dave with their
/// well-known development keys, no sudo key. For tests and demos only: anyone can sign
/// as its validators. A real consortium starts from `medchain-node consortium new`.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
    Ok(ChainSpec::builder(wasm()?, None)
        .with_name("MedChain Development Consortium (development keys, not for real data)")
        .with_id("medchain_local")
        .with_chain_type(ChainType::Local)
        .with_protocol_id("medchain")
        .with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
        .with_properties(properties())
        .build())
}
