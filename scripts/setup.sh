# Sourced by the other scripts: installs what a fresh Debian machine lacks (idempotent)
# and points every build at one shared target directory outside the clone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/medchain-target}"
# The runtime's WASM is built in a nested cargo run below the target directory; point it
# back at this workspace so that it uses our Cargo.lock.
export WASM_BUILD_WORKSPACE_HINT="$ROOT"
mkdir -p "$CARGO_TARGET_DIR"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v cargo >/dev/null 2>&1; then
  if ! command -v rustup >/dev/null 2>&1; then
    command -v curl >/dev/null 2>&1 || { as_root apt-get update -qq && as_root apt-get install -y -qq curl; }
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  fi
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi

# rust-toolchain.toml names the components and the wasm target; make sure they are here.
if command -v rustup >/dev/null 2>&1; then
  (cd "$ROOT" && rustup show active-toolchain >/dev/null 2>&1 || rustup toolchain install stable)
  installed_targets="$(cd "$ROOT" && rustup target list --installed)"
  for target in wasm32-unknown-unknown wasm32v1-none; do
    grep -qx "$target" <<<"$installed_targets" || (cd "$ROOT" && rustup target add "$target")
  done
  installed_components="$(cd "$ROOT" && rustup component list --installed)"
  for component in rust-src rustfmt clippy; do
    grep -q "^$component" <<<"$installed_components" || (cd "$ROOT" && rustup component add "$component")
  done
fi

# The node's networking (litep2p) compiles protobuf definitions and links OpenSSL; a C
# and C++ toolchain builds the few native dependencies (wasm-opt).
missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ -e /usr/include/openssl/ssl.h ] || missing+=(libssl-dev)
# End-to-end tests run under Node.js (>= 20: node's test runner, global fetch).
if ! command -v node >/dev/null 2>&1 || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  missing+=(nodejs npm)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}"
fi
export OPENSSL_NO_VENDOR=1  # litep2p: link the system OpenSSL instead of building one

# The web origins a development node's RPC answers (dev.sh, parachain.sh): Polkadot.js
# Apps and localhost, plus MEDCHAIN_RPC_CORS's exact origins; never `all` (the node
# serves unsafe methods). Prints the list for `--rpc-cors`, or fails.
dev_rpc_cors() {
  local cors="${MEDCHAIN_RPC_CORS:-https://polkadot.js.org,http://localhost,http://127.0.0.1}"
  case ",$cors," in
    *,all,* | *,\*,* | ,, )
      echo "MEDCHAIN_RPC_CORS must list origins, not '$cors'" >&2
      return 1 ;;
  esac
  printf '%s' "$cors"
}

# mdBook builds the book in docs/ (scripts/test.sh); from crates.io, once, into ~/.cargo/bin.
MDBOOK_VERSION=0.5.4
ensure_mdbook() {
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  if ! command -v mdbook >/dev/null 2>&1 || [ "$(mdbook --version)" != "mdbook v$MDBOOK_VERSION" ]; then
    cargo install --locked mdbook --version "$MDBOOK_VERSION" --no-default-features --features search
  fi
}
