#!/usr/bin/env bash
# Runs every test: the README's test command, and all that CI (.ci/run) does.
# Builds once, in the release profile, into $CARGO_TARGET_DIR (default
# ~/.cache/medchain-target) so that the next run starts warm.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

started=$SECONDS
step() { printf '\n== %s (%ds)\n' "$*" "$((SECONDS - started))"; }

step "format check"
cargo fmt --all -- --check
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
cargo fmt --manifest-path codec/bench/Cargo.toml -- --check

step "the dev chain's RPC answers only Polkadot.js Apps and localhost, never every origin"
scripts/check-dev-rpc-cors.sh

step "unit, property and integration tests, chain-spec check (release)"
cargo test --release --workspace --locked

step "our pallets' benchmarks as tests, and their migrations under try-runtime (mock runtime)"
# No WASM needed: the pallets' crates only (the node's benchmark build is scripts/benchmark-pallets.sh).
# One build for both features: the benchmarks run once each, and `try-runtime` adds the
# migrations' pre/post-upgrade checks and the `try_state` invariants to the tests.
SKIP_WASM_BUILD=1 cargo test --release --locked -p pallet-medical-records -p pallet-access -p pallet-validator-set --features runtime-benchmarks,try-runtime

step "fuzzing: the kept inputs replayed, then each target for a bounded time"
# The pallets' fuzz crate is outside the workspace; its tests replay fuzz/corpus and
# fuzz/regressions on stable (the codec's kept inputs run with the workspace's tests).
SKIP_WASM_BUILD=1 cargo test --release --locked --manifest-path fuzz/Cargo.toml
scripts/fuzz.sh "${MEDCHAIN_FUZZ_SECONDS:-60}"

step "the store over S3-compatible storage (a local moto server on 127.0.0.1)"
# moto's S3 server (PyPI) in its own virtualenv outside the clone, installed once.
MOTO_VENV="${MEDCHAIN_MOTO_VENV:-$HOME/.cache/medchain-moto}"
if ! command -v moto_server >/dev/null 2>&1 && [ ! -x "$MOTO_VENV/bin/moto_server" ]; then
  python3 -m venv "$MOTO_VENV" 2>/dev/null || {
    as_root apt-get update -qq && as_root apt-get install -y -qq python3 python3-venv
    python3 -m venv "$MOTO_VENV"
  }
  "$MOTO_VENV/bin/pip" install --quiet 'moto[server]'
fi
PATH="$PATH:$MOTO_VENV/bin" cargo test --release --locked -p medchain-store --test s3 -- --ignored

step "end-to-end tests: real nodes on 127.0.0.1, driven by @polkadot/api"
# `cargo test` above built the node and the CLI into $CARGO_TARGET_DIR/release.
export MEDCHAIN_NODE="$CARGO_TARGET_DIR/release/medchain-node"
export MEDCHAIN_CLI="$CARGO_TARGET_DIR/release/medchain"
(cd tests && npm ci --no-audit --no-fund --loglevel=error)
for suite in tests/e2e/*.test.mjs; do
  (cd tests && node --test "${suite#tests/}")
done

step "the codec's criterion benchmarks still build (run them with cargo bench; see the book's Codec figures)"
cargo bench --locked --manifest-path codec/bench/Cargo.toml --no-run

step "codec, crypto and record pipeline build for wasm32-unknown-unknown without std"
cargo build --release --locked -p medchain-lzw -p medchain-crypto -p medchain-record --no-default-features --target wasm32-unknown-unknown

step "the book builds, with no broken internal link"
ensure_mdbook
rm -rf docs/book
mdbook build docs
node scripts/check-book-links.mjs docs/book

step "done"
