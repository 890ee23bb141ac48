#!/usr/bin/env bash
# Regenerates chain-specs/local.json (plain) and chain-specs/local-raw.json (raw) from
# the node's built-in `local` spec. Run it after changing the runtime's genesis or
# version; `node/tests/chain_specs.rs` fails while they are stale.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"
cargo build --release --locked -p medchain-node
node="$CARGO_TARGET_DIR/release/medchain-node"
"$node" build-spec --chain local --disable-default-bootnode > chain-specs/local.json
"$node" build-spec --chain local --disable-default-bootnode --raw > chain-specs/local-raw.json
echo "wrote chain-specs/local.json and chain-specs/local-raw.json"
