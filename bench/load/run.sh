#!/usr/bin/env bash
# One measured hotline-load run on a fresh store (run from the repository root):
#
#   bench/load/run.sh SUBSCRIBERS [DURATION] [extra hotline-load esme flags…]
#
# It runs setup.sh, starts `hotline serve --config bench/load/hotline.toml`, runs
# `hotline-load esme --with-baseline` with the booking answers for a new caller, and stops
# the server (SIGTERM, drained). SYNCHRONOUS=normal runs the store without an fsync per
# commit ([store] synchronous in docs/config.md); the default is the shipped "full".
# READERS=N sets [store] readers (default 4, as shipped).
set -euo pipefail

N=${1:?subscribers}
DURATION=${2:-20s}
shift $(( $# >= 2 ? 2 : 1 ))
BIN=${CARGO_TARGET_DIR:-target}/release
HERE=bench/load

"$HERE/setup.sh" > /dev/null
CONFIG="$HERE/data/hotline.toml"
sed -e "s/^synchronous = .*/synchronous = \"${SYNCHRONOUS:-full}\"/" \
    -e "s/^readers = .*/readers = ${READERS:-4}/" "$HERE/hotline.toml" > "$CONFIG"
"$BIN/hotline" serve --config "$CONFIG" > "$HERE/data/serve.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT
for _ in $(seq 100); do grep -qs "^hotline ready" "$HERE/data/serve.log" && break; sleep 0.1; done
grep -q "^hotline ready" "$HERE/data/serve.log" || { cat "$HERE/data/serve.log" >&2; exit 1; }

echo "# hotline-load esme --subscribers $N --duration $DURATION $* (synchronous=${SYNCHRONOUS:-full}, readers=${READERS:-4})"
"$BIN/hotline-load" esme --target 127.0.0.1:2785 --system-id load --password load \
  --with-baseline --subscribers "$N" --binds 2 --duration "$DURATION" \
  --inputs '1,2,{id},1,1,1,1' --ids-file "$HERE/data/ids.txt" --engine-pid "$PID" "$@"
