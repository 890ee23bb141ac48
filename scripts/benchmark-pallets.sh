#!/usr/bin/env bash
# Measures the weights of MedChain's own pallets on this machine and writes them to
# pallets/*/src/weights.rs. Builds the node with `runtime-benchmarks` into the shared
# target directory first (about 11 minutes on top of a warm release build).
#
#   scripts/benchmark-pallets.sh            # our three pallets, 50 steps × 20 repeats
#   STEPS=10 REPEAT=5 scripts/benchmark-pallets.sh pallet_access
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh

STEPS="${STEPS:-50}"
REPEAT="${REPEAT:-20}"
PALLETS=("$@")
[ ${#PALLETS[@]} -gt 0 ] || PALLETS=(pallet_medical_records pallet_access pallet_validator_set)

cargo build --release --locked -p medchain-node --features runtime-benchmarks
NODE="$CARGO_TARGET_DIR/release/medchain-node"

# Proof sizes: `measured` charges each call the proof its worst-case benchmark recorded,
# plus a read's trie overhead per key. FRAME's default (`max-encoded-len`) keeps only the
# largest single item's bound, below what a call that reads many items records.
for pallet in "${PALLETS[@]}"; do
    crate_dir="pallets/$(echo "${pallet#pallet_}" | tr _ -)"
    "$NODE" benchmark pallet \
        --chain dev \
        --pallet "$pallet" \
        --extrinsic '*' \
        --steps "$STEPS" \
        --repeat "$REPEAT" \
        --wasm-execution compiled \
        --default-pov-mode measured \
        --template scripts/weight-template.hbs \
        --output "$crate_dir/src/weights.rs"
done
