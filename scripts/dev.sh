#!/usr/bin/env bash
# Builds the node (release, into $CARGO_TARGET_DIR) and starts a development chain:
# one authority (Alice) with sudo, ParityDB in a temporary directory, RPC on
# 127.0.0.1:9944 (override with MEDCHAIN_RPC_PORT). Extra arguments go to the node.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

cargo build --release --locked -p medchain-node
port="${MEDCHAIN_RPC_PORT:-9944}"
cat <<INFO

MedChain dev chain starting; RPC at ws://127.0.0.1:$port
Open it in Polkadot.js Apps:
  https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$port#/explorer
Dev accounts //Alice .. //Ferdie are funded; Alice is sudo and the block author.
Stop with Ctrl-C (the chain lives in a temporary directory and goes with it).

INFO
exec "$CARGO_TARGET_DIR/release/medchain-node" --dev --rpc-port "$port" --rpc-cors all "$@"
