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

step "unit, property and integration tests (release)"
cargo test --release --workspace --locked

step "codec builds for wasm32-unknown-unknown without std"
cargo build --release --locked -p medchain-lzw --no-default-features --target wasm32-unknown-unknown

step "done"
