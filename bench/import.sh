#!/usr/bin/env bash
# Import rate of a generated Maildir++ tree (issue 14): messages per second of `akkaimap import`.
#
#   bench/import.sh [--messages N] [--keep]
#
# Builds AkkaImap in Release, writes a deterministic Maildir++ tree of N (100000) messages with
# bench/gen_maildir.py (1-12 KB, five folders, flags and keywords), makes a scratch store with one
# mailbox (storage.fsync on, the default), and times `akkaimap import USER@PO --maildir DIR` twice:
# the first run imports everything, the second (a re-run) only checks that all is already there.
# Prints one summary line:
#   import-messages=N import-seconds=S import-msgs-per-s=R import-cpu-s=C rerun-seconds=S2 load-before=L load-after=L2
# --keep leaves the scratch folder.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
COUNT=100000
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) COUNT=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--messages N] [--keep]" >&2; exit 2 ;;
  esac
done
make_work akkaimap-import-bench
trap bench_clean EXIT

dotnet build "$REPO/src/AkkaImap.Host" -c Release -v quiet -nologo >/dev/null
AKKAIMAP=(dotnet "$REPO/src/AkkaImap.Host/bin/Release/net10.0/akkaimap.dll")
echo "akka-imap.storage.path = data" > "$WORK/akkaimap.conf"
python3 "$HERE/gen_maildir.py" "$WORK/maildir" "$COUNT"
BYTES=$(du -sb "$WORK/maildir" | cut -f1)
"${AKKAIMAP[@]}" --config "$WORK/akkaimap.conf" postoffice add example.com >/dev/null
printf 'bench-Secret-1' | "${AKKAIMAP[@]}" --config "$WORK/akkaimap.conf" mailbox add user@example.com --password-stdin >/dev/null
sync

LOAD_BEFORE=$(cut -d' ' -f1 /proc/loadavg)
run() {  # wall seconds and user+system CPU seconds of one import
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S" -o "$WORK/time" "${AKKAIMAP[@]}" --config "$WORK/akkaimap.conf" import user@example.com --maildir "$WORK/maildir" >"$WORK/out" 2>&1
  t1=$(date +%s.%N)
  tail -1 "$WORK/out" >&2
  echo "$(echo "$t1 - $t0" | bc) $(awk '{print $1 + $2}' "$WORK/time")"
}
read -r FIRST CPU < <(run)
read -r RERUN _ < <(run)
LOAD_AFTER=$(cut -d' ' -f1 /proc/loadavg)
RATE=$(echo "scale=0; $COUNT / $FIRST" | bc)
echo "import-messages=$COUNT import-mbytes=$((BYTES / 1048576)) import-seconds=$FIRST import-msgs-per-s=$RATE import-cpu-s=$CPU rerun-seconds=$RERUN load-before=$LOAD_BEFORE load-after=$LOAD_AFTER"
