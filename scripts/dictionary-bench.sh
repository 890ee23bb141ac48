#!/usr/bin/env bash
# Primed dictionaries on small records (issue #8): for each language, trains a
# dictionary on one source of ../shared/corpus with the 200 sampled records held out,
# then measures those held-out records (UTF-8, and GBK for Chinese) beside gzip -9,
# zstd -19, zstd -19 with a dictionary zstd trains on the same records, and brotli -11.
#
#   scripts/dictionary-bench.sh            # all three languages
#   scripts/dictionary-bench.sh zh mixed   # some of them
#
# The corpus is read in place (MEDCHAIN_CORPUS, default ../shared/corpus) and never
# copied; dictionaries go to $CARGO_TARGET_DIR/dictionary-bench.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh

CORPUS="${MEDCHAIN_CORPUS:-$ROOT/../shared/corpus}"
[ -d "$CORPUS" ] || { echo "no corpus at $CORPUS (set MEDCHAIN_CORPUS)" >&2; exit 2; }
OUT="$CARGO_TARGET_DIR/dictionary-bench"
mkdir -p "$OUT"
cargo build --release --locked -p medchain-client --bin medchain
MEDCHAIN="$CARGO_TARGET_DIR/release/medchain"

LANGS=("$@")
[ ${#LANGS[@]} -gt 0 ] || LANGS=(zh mixed en)
for lang in "${LANGS[@]}"; do
  case "$lang" in
    zh) train=("$CORPUS/zh/ccks2017_emr.txt"); held=("$CORPUS/zh/records" "$CORPUS/zh/records_gbk") ;;
    mixed) train=("$CORPUS"/mixed/yidu_s4k_emr_part0*.txt); held=("$CORPUS/mixed/records" "$CORPUS/mixed/records_gbk") ;;
    en) train=("$CORPUS"/en/mtsamples_transcriptions_part0*.txt); held=("$CORPUS/en/records") ;;
    *) echo "unknown language $lang (zh, mixed, en)" >&2; exit 2 ;;
  esac
  train_flags=()
  for file in "${train[@]}"; do train_flags+=(--train-set "$file"); done
  echo "== $lang: trained on ${train[*]##*/}, measured on the held-out records"
  "$MEDCHAIN" codec train --force --output "$OUT/$lang.mlzd" --exclude "$CORPUS/$lang/records" "${train[@]}"
  for dir in "${held[@]}"; do
    echo "-- ${dir#"$CORPUS"/}"
    "$MEDCHAIN" codec bench --totals-only --min-time-ms 20 --dict "$OUT/$lang.mlzd" \
      "${train_flags[@]}" --exclude "$CORPUS/$lang/records" -- "$dir"/*.txt
  done
done
