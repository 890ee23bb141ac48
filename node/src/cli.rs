//! Command line of the node: `sc_cli::RunCmd` (with `--dev`, `--chain`, `--base-path`,
//! RPC and network flags) plus the usual subcommands.

/// The node's subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
    /// Key management (generate, inspect, insert into the keystore).
    #[command(subcommand)]
    Key(sc_cli::KeySubcommand),
    /// Build a chain specification (`--chain dev|local|FILE`, `--raw`).
    BuildSpec(sc_cli::BuildSpecCmd),
    /// Export the chain specification.
    ExportChainSpec(sc_cli::ExportChainSpecCmd),
    /// Validate blocks.
    CheckBlock(sc_cli::CheckBlockCmd),
    /// Export blocks.
    ExportBlocks(sc_cli::ExportBlocksCmd),
    /// Export the state of a given block into a chain spec.
    ExportState(sc_cli::ExportStateCmd),
    /// Import blocks.
    ImportBlocks(sc_cli::ImportBlocksCmd),
    /// Remove the whole chain.
    PurgeChain(sc_cli::PurgeChainCmd),
    /// Revert the chain to a previous state.
    Revert(sc_cli::RevertCmd),
    /// Benchmarks (pallets, storage, overhead, machine); build with `--features runtime-benchmarks`.
    #[command(subcommand)]
    Benchmark(frame_benchmarking_cli::BenchmarkCmd),
    /// Database metadata.
    ChainInfo(sc_cli::ChainInfoCmd),
    /// Write a chain spec of the parachain runtime (`--preset`, `--para-id`, `--raw`).
    ParaSpec(crate::para_spec::ParaSpecCmd),
    /// Check a parachain chain spec: its para id agrees with its genesis.
    CheckParaSpec(crate::para_spec::CheckParaSpecCmd),
    /// A consortium from fresh keys (`consortium new --hospitals N --out DIR`).
    #[command(subcommand)]
    Consortium(crate::consortium::ConsortiumCmd),
}

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
    #[command(subcommand)]
    pub subcommand: Option<Subcommand>,

    #[clap(flatten)]
    pub run: sc_cli::RunCmd,

    /// Development chains only: author a block every this many milliseconds (manual
    /// seal), finalize each at once, and stamp each block one 3-second slot after the
    /// last, so the chain's clock runs ahead of the wall clock. For tests and demos
    /// that need many blocks; without it a development chain runs Aura and GRANDPA in
    /// real time. Other nodes cannot sync such a chain (its blocks carry no Aura seal),
    /// and without the flag it stalls until the wall clock catches up with its clock.
    #[arg(long, value_name = "MS", value_parser = clap::value_parser!(u64).range(10..=60_000))]
    pub dev_block_time: Option<u64>,
}
