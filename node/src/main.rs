//! `medchain-node`: the MedChain solo-chain node, and the parachain's chain-spec tool
//! (`para-spec`, `check-para-spec`; the parachain itself runs on `polkadot-omni-node`).

// `sc_cli::Error` and `sc_service::Error` are Substrate's own (large) error types; every
// command returns them, so boxing them here would only hide that.
#![allow(clippy::result_large_err)]

mod audit_pruner;
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod consortium;
mod network_guard;
mod para_spec;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
    command::run()
}
