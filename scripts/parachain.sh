#!/usr/bin/env bash
# MedChain as a parachain, in development: builds the parachain runtime (with the node,
# whose `para-spec` command writes its chain spec), installs polkadot-omni-node once
# (crates.io, the version of our Polkadot SDK release, into $CARGO_TARGET_DIR/omni-node)
# and starts a one-collator development parachain (Alice, sudo) that seals a block
# every 3 s (MEDCHAIN_PARA_BLOCK_MS to change it) with the relay chain mocked.
#
#   scripts/parachain.sh                      # para id 2000 (MEDCHAIN_PARA_ID), preset development
#   scripts/parachain.sh --chain-spec FILE    # run a spec of your own (checked first)
#   scripts/parachain.sh --spec-only          # write the spec and exit
#   scripts/parachain.sh --install-only       # install polkadot-omni-node and exit
#
# RPC on 127.0.0.1:9944 (MEDCHAIN_RPC_PORT); arguments after `--` go to the omni-node.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
cd "$ROOT"

OMNI_NODE_VERSION=0.24.0   # polkadot-omni-node of Polkadot SDK stable2609
OMNI_ROOT="$CARGO_TARGET_DIR/omni-node"
OMNI_NODE="$OMNI_ROOT/bin/polkadot-omni-node"
para_id="${MEDCHAIN_PARA_ID:-2000}"
port="${MEDCHAIN_RPC_PORT:-9944}"
preset=development
spec=""
mode=run
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --chain-spec) spec="${2:?--chain-spec needs a file}"; shift 2 ;;
    --preset) preset="${2:?--preset needs a name}"; shift 2 ;;
    --spec-only) mode=spec; shift ;;
    --install-only) mode=install; shift ;;
    --) shift; extra=("$@"); break ;;
    *) echo "parachain.sh: unknown argument $1 (see the top of scripts/parachain.sh)" >&2; exit 2 ;;
  esac
done
case "$para_id" in
  ''|*[!0-9]*) echo "parachain.sh: MEDCHAIN_PARA_ID must be a number, not '$para_id'" >&2; exit 2 ;;
esac

install_omni_node() {
  # `--version` prints the node's own version (1.25.1 for crate 0.24.0): ask cargo what it installed.
  if [ -x "$OMNI_NODE" ] && cargo install --list --root "$OMNI_ROOT" | grep -q "^polkadot-omni-node v$OMNI_NODE_VERSION:"; then
    return
  fi
  # Its RocksDB bindings are generated with libclang, and RocksDB itself is C++.
  if ! ldconfig -p 2>/dev/null | grep -q 'libclang.*\.so' || ! command -v clang >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq clang libclang-dev
  fi
  echo "Installing polkadot-omni-node $OMNI_NODE_VERSION into $OMNI_ROOT (once; a long build)"
  # Not our workspace: the relay-chain runtimes it builds must find their own manifests.
  # SKIP_WASM_BUILD: those runtimes' WASM only backs omni-node's built-in relay specs
  # (`--chain rococo-local` after `--`); a collator gets its relay chain's spec as a file
  # (zombienet, the relay operator) and `--dev` needs none, so skipping them saves ~20 minutes.
  env -u WASM_BUILD_WORKSPACE_HINT SKIP_WASM_BUILD=1 cargo install polkadot-omni-node --version "$OMNI_NODE_VERSION" \
    --locked --root "$OMNI_ROOT" --target-dir "$CARGO_TARGET_DIR"
}

if [ "$mode" = install ]; then
  install_omni_node
  exit 0
fi

cargo build --release --locked -p medchain-node
node_bin="$CARGO_TARGET_DIR/release/medchain-node"
if [ -z "$spec" ]; then
  spec="$CARGO_TARGET_DIR/medchain-para-$preset-$para_id.json"
  "$node_bin" para-spec --preset "$preset" --para-id "$para_id" --raw --output "$spec"
fi
# A spec whose para id disagrees with its genesis (or with MEDCHAIN_PARA_ID) would build
# blocks the relay chain rejects: refuse it here, by name.
if ! "$node_bin" check-para-spec "$spec" --para-id "$para_id"; then
  echo "parachain.sh: $spec is not a chain spec of para $para_id (see the error above)" >&2
  exit 1
fi
if [ "$mode" = spec ]; then
  echo "$spec"
  exit 0
fi

install_omni_node
block_args=()
if [ -n "${MEDCHAIN_PARA_BLOCK_MS:-}" ]; then
  case "$MEDCHAIN_PARA_BLOCK_MS" in
    *[!0-9]*) echo "parachain.sh: MEDCHAIN_PARA_BLOCK_MS must be a number of milliseconds" >&2; exit 2 ;;
  esac
  block_args=(--dev-block-time "$MEDCHAIN_PARA_BLOCK_MS")
fi
case "$preset" in
  development) who="Alice collates and is sudo" ;;
  *) who="the preset's collators are in the spec; --dev runs this node as Alice" ;;
esac
cat <<INFO

MedChain development parachain (para $para_id) starting; RPC at ws://127.0.0.1:$port
Open it in Polkadot.js Apps:
  https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$port#/explorer
$who; the hospitals (//Alice .. //Dave), //Eve and //Ferdie are funded. The relay chain is mocked:
blocks are sealed and final at once. Stop with Ctrl-C (the chain is temporary).

INFO
rpc_cors="$(dev_rpc_cors)"
exec "$OMNI_NODE" --chain "$spec" --dev ${block_args[@]+"${block_args[@]}"} --rpc-port "$port" --rpc-cors "$rpc_cors" \
  ${extra[@]+"${extra[@]}"}
