#!/usr/bin/env bash
# Creates a fresh data dir for a hotline-load run: the demo line (facilities, services),
# a synthetic roster of ROWS eligible people with valid Iranian IDs, one large-capacity
# slot a day (slots.toml), and ids.txt for `hotline-load --ids-file`.
#
#   bench/load/setup.sh [ROWS]      (default 300000; run from the repository root)
#
# Every booking dialog uses a new ID (one booking per person, service and day), so ROWS
# must exceed the dialogs of one run. Run it again before each measured run.
set -euo pipefail

ROWS=${1:-300000}
HERE=$(cd "$(dirname "$0")" && pwd)
HOTLINE=${HOTLINE:-${CARGO_TARGET_DIR:-target}/release/hotline}
CONFIG="$HERE/hotline.toml"
DATA="$HERE/data"

[ -x "$HOTLINE" ] || { echo "build first: cargo build --release -p hotline -p hotline-bench" >&2; exit 1; }

rm -rf "$DATA"
mkdir -p "$DATA"

# code melli: 9 digits, then a check digit (weights 10..2, mod 11; remainder < 2 is
# itself, else 11 - remainder). The body starts at 100000000 as in bench/benches/roster_import.rs.
awk -v rows="$ROWS" -v csv="$DATA/roster.csv" -v ids="$DATA/ids.txt" 'BEGIN {
  print "national_id,name,birth_date,sex,coverage,paid_through,head_id,region,primary_facility,referrals" > csv
  for (n = 0; n < rows; n++) {
    body = sprintf("%09d", 100000000 + n)
    sum = 0
    for (i = 1; i <= 9; i++) sum += substr(body, i, 1) * (11 - i)
    r = sum % 11
    check = (r < 2) ? r : 11 - r
    id = body check
    printf "%s,Load Person %d,1980-01-%02d,M,active,2099-12-31,,ir-thr,ir-thr-1,\n", id, n, 1 + n % 28 > csv
    if (n < rows - 1) print id > ids; else print id > (ids ".probe")
  }
}'

cd "$HERE/../.."
# The probe: one walk of the load's booking journey, for a caller the store has never
# seen, with the last ID (kept out of ids.txt).
printf '1\n2\n%s\n1\n1\n1\n1\n' "$(cat "$DATA/ids.txt.probe")" > "$DATA/probe.txt"
# The demo line (services, facilities) is loaded when the engine first opens a store:
# one dial with no answers does that.
"$HOTLINE" simulate --config "$CONFIG" --msisdn +989000000001 --script /dev/null > /dev/null
"$HOTLINE" roster import --config "$CONFIG" --quiet "$DATA/roster.csv"
"$HOTLINE" slots generate --config "$CONFIG" --template "$HERE/slots.toml" --days 14
"$HOTLINE" simulate --config "$CONFIG" --msisdn +989000000000 --script "$DATA/probe.txt" > "$DATA/probe.out"
grep -q "booking.create → booked" "$DATA/probe.out" || {
  echo "the probe booking did not book; its transcript:" >&2; cat "$DATA/probe.out" >&2; exit 1; }
echo "ready: $DATA (ids: $DATA/ids.txt)"
