# Sourced by the other scripts: installs what a fresh Debian machine lacks (idempotent)
# and points every build at one shared target directory outside the clone.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/medchain-target}"
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

# The node's networking (litep2p) compiles protobuf definitions; a C toolchain builds
# the few native dependencies.
missing=()
command -v protoc >/dev/null 2>&1 || missing+=(protobuf-compiler)
command -v cc >/dev/null 2>&1 || missing+=(build-essential)
command -v clang >/dev/null 2>&1 || missing+=(clang)
if [ "${#missing[@]}" -gt 0 ]; then
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}"
fi
