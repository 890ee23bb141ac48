//! `medchain-node`: the MedChain solo-chain node.

// `sc_cli::Error` and `sc_service::Error` are Substrate's own (large) error types; every
// command returns them, so boxing them here would only hide that.
#![allow(clippy::result_large_err)]

mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
    command::run()
}
