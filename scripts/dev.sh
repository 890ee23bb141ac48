#!/usr/bin/env bash
# Builds the node and the `medchain` CLI (release, into $CARGO_TARGET_DIR), prints where
# the CLI is, and starts a development chain:
# one authority (Alice) with sudo, ParityDB in a temporary directory, RPC on
# 127.0.0.1:9944 (override with MEDCHAIN_RPC_PORT). Extra arguments go to the node.
#
# The RPC answers only web pages from Polkadot.js Apps and from localhost over HTTP
# (`dev_rpc_cors` in setup.sh): it serves unsafe methods (medchain_getBlob returns sealed
# blobs, author_insertKey), and with `--rpc-cors all` any page open in the operator's
# browser could call them. WebSocket connections are not checked by origin (the node's
# RPC server does not): keep other sites out of the browser that runs Apps against it. The node
# compares origins verbatim (no wildcards, a port is part of an origin): add one with
# MEDCHAIN_RPC_CORS="$default,http://localhost:3000", never `all`.
# MEDCHAIN_DEV_PRINT=1 prints the node's command line instead of building and running it
# (scripts/check-dev-rpc-cors.sh tests it).
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

port="${MEDCHAIN_RPC_PORT:-9944}"
rpc_cors="$(dev_rpc_cors)"
# The off-chain audit index serves `medchain_auditLog` (and so `medchain records audit`).
node=("$CARGO_TARGET_DIR/release/medchain-node" --dev --enable-offchain-indexing true --rpc-port "$port" --rpc-cors "$rpc_cors" "$@")
if [ "${MEDCHAIN_DEV_PRINT:-}" = 1 ]; then
  printf '%s\n' "${node[@]}"
  exit 0
fi

cargo build --release --locked -p medchain-node -p medchain-client
cat <<INFO

The medchain CLI: $CARGO_TARGET_DIR/release/medchain
  export PATH="$CARGO_TARGET_DIR/release:\$PATH"$( [ "$port" = 9944 ] || printf '\n  export MEDCHAIN_NODE_URL=ws://127.0.0.1:%s' "$port")

MedChain dev chain starting; RPC at ws://127.0.0.1:$port
Open it in Polkadot.js Apps:
  https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$port#/explorer
Dev accounts //Alice .. //Ferdie are funded; Alice is sudo and the block author.
Web pages allowed to call the RPC: $rpc_cors
Stop with Ctrl-C (the chain lives in a temporary directory and goes with it).

INFO
exec "${node[@]}"
