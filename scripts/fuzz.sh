#!/usr/bin/env bash
# Runs MedChain's fuzz targets for a bounded time each (README: "Fuzzing"):
#   decompress    — codec/fuzz: the codec's decompressor on arbitrary bytes
#   pallet_calls  — fuzz/: random calls and origins on a mock runtime of both pallets,
#                   every pallet's try_state after each block
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]    (default: 60 seconds each, both targets)
#
# Idempotent: installs cargo-fuzz only if it is missing. Works on stable Rust: the
# targets are built with libFuzzer's coverage instrumentation and no sanitizer (all the
# fuzzed code is safe Rust). FUZZ_SANITIZER=address builds with AddressSanitizer, which
# needs nightly or, on stable, RUSTC_BOOTSTRAP=1 (set here).
#
# The working corpus of each target grows outside the clone, in
# $FUZZ_CORPUS_DIR/TARGET (default ~/.cache/medchain-fuzz/corpus), and starts from the
# committed inputs, which are only read. A crash, a hang (-timeout) or running out of
# memory leaves the input in <crate>/artifacts/TARGET/ and makes the script fail; minimize
# it with `cargo fuzz tmin` and keep it as a regression (see README).
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

SECONDS_EACH="${1:-60}"
shift || true
TARGETS=("$@")
[ "${#TARGETS[@]}" -gt 0 ] || TARGETS=(decompress pallet_calls)
case "$SECONDS_EACH" in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [decompress|pallet_calls...]" >&2; exit 2 ;;
esac

SANITIZER="${FUZZ_SANITIZER:-none}"
CORPUS_ROOT="${FUZZ_CORPUS_DIR:-$HOME/.cache/medchain-fuzz/corpus}"
# A single input running longer than this (seconds) is reported as a hang.
INPUT_TIMEOUT="${FUZZ_INPUT_TIMEOUT:-30}"
export SKIP_WASM_BUILD=1

if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi

if [ "$SANITIZER" != none ] && ! rustc --version | grep -q -- -nightly; then
  # Sanitizers are unstable flags: let the stable compiler accept them. Cargo caches the
  # compiler's answers per flags but not per RUSTC_BOOTSTRAP, so a refusal cached by an
  # earlier run without it would stick; do not use the cache.
  export RUSTC_BOOTSTRAP=1 CARGO_CACHE_RUSTC_INFO=0
fi

failed=()
run_target() {
  local crate="$1" target="$2"
  shift 2
  local seeds=("$@") corpus="$CORPUS_ROOT/$target"
  mkdir -p "$corpus"
  echo "== $target: building (sanitizer $SANITIZER)"
  (cd "$ROOT/$crate" && cargo fuzz build --sanitizer "$SANITIZER" "$target")
  echo "== $target: fuzzing for $SECONDS_EACH s (corpus $corpus)"
  # -max_total_time bounds the run; the outer timeout only guards against a stuck process.
  if ! (cd "$ROOT/$crate" && timeout --signal=INT "$((SECONDS_EACH + 300))" \
    cargo fuzz run --sanitizer "$SANITIZER" "$target" "$corpus" "${seeds[@]}" -- \
    -max_total_time="$SECONDS_EACH" -timeout="$INPUT_TIMEOUT" -print_final_stats=1); then
    failed+=("$target")
    echo "== $target: FAILED; the input is in $crate/artifacts/$target/" >&2
  fi
}

for target in "${TARGETS[@]}"; do
  case "$target" in
    decompress)
      mkdir -p "$ROOT/codec/fuzz/regressions/decompress"
      run_target codec/fuzz decompress "$ROOT/codec/fuzz/regressions/decompress" "$ROOT/codec/tests/fixtures"
      ;;
    pallet_calls)
      run_target fuzz pallet_calls "$ROOT/fuzz/corpus/pallet_calls" "$ROOT/fuzz/regressions/pallet_calls"
      ;;
    *) echo "unknown target: $target (decompress, pallet_calls)" >&2; exit 2 ;;
  esac
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing found failures in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing: no failures (${TARGETS[*]}, $SECONDS_EACH s each)"
