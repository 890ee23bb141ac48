#!/usr/bin/env bash
# Checks that scripts/dev.sh never opens the node's RPC to every web origin: it passes
# an explicit --rpc-cors list (with --dev and no flag the node allows all), the list
# holds only exact origins, and `all` is refused when asked for.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "check-dev-rpc-cors: $*" >&2; exit 1; }

mapfile -t args < <(env -u MEDCHAIN_RPC_CORS MEDCHAIN_DEV_PRINT=1 scripts/dev.sh)
cors=()
for i in "${!args[@]}"; do
  if [ "${args[$i]}" = --rpc-cors ]; then cors+=("${args[$((i + 1))]:-}"); fi
done
[ "${#cors[@]}" -eq 1 ] || fail "dev.sh passes --rpc-cors ${#cors[@]} times (${args[*]})"
IFS=, read -ra origins <<<"${cors[0]}"
for origin in "${origins[@]}"; do
  [[ "$origin" =~ ^https?://[A-Za-z0-9.-]+(:[0-9]+)?$ ]] || fail "not an exact origin: '$origin' (in '${cors[0]}')"
done
for expected in https://polkadot.js.org http://localhost http://127.0.0.1; do
  [[ ",${cors[0]}," == *",$expected,"* ]] || fail "'$expected' missing from '${cors[0]}'"
done
for unsafe in all '*' 'http://localhost,all'; do
  if MEDCHAIN_DEV_PRINT=1 MEDCHAIN_RPC_CORS="$unsafe" scripts/dev.sh >/dev/null 2>&1; then
    fail "dev.sh accepted MEDCHAIN_RPC_CORS='$unsafe'"
  fi
done
echo "check-dev-rpc-cors: dev.sh allows ${cors[0]}"
