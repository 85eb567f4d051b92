#!/usr/bin/env bash
# The full-text index's disk cost: imports COUNT messages of bench/gen_mbox.py (10,000 by default,
# the realistic mix: plain, quoted-printable, HTML alternatives, attachments) into a scratch
# SQLite store with `akkaimap import --mbox`, which writes the index at append as an IMAP APPEND
# does, and prints what each table and index of the store takes (SQLite's dbstat), per message.
# The last line is
#   index-bytes-per-message=I store-bytes-per-message=S mbox-bytes-per-message=M messages=N
# Usage: bench/index-size.sh [COUNT] [MBOX]  (MBOX: an mbox made earlier by gen_mbox.py, to skip
# generating it). AKKAIMAP_DLL=path/akkaimap.dll measures another build (default: Release here).
# Needs dotnet and python3; scratch folder under /tmp, removed at exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
COUNT=${1:-10000}
WORK=$(mktemp -d /tmp/akkaimap-index-size.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
log() { echo "[$(date -u +%H:%M:%S)] $* (load $(cut -d' ' -f1-3 /proc/loadavg))"; }

if [ -z "${AKKAIMAP_DLL:-}" ]; then
  dotnet build "$REPO/src/AkkaImap.Host" -c Release -v quiet -nologo >/dev/null
  AKKAIMAP_DLL="$REPO/src/AkkaImap.Host/bin/Release/net10.0/akkaimap.dll"
fi
AKKAIMAP=(dotnet "$AKKAIMAP_DLL")
MBOX=${2:-"$WORK/mail.mbox"}
[ -f "$MBOX" ] || python3 "$HERE/gen_mbox.py" "$MBOX" "$COUNT" >/dev/null
echo "akka-imap.storage { path = data, fsync = off }" > "$WORK/akkaimap.conf"
"${AKKAIMAP[@]}" --config "$WORK/akkaimap.conf" postoffice add example.com >/dev/null
printf 'bench-Secret-1' | "${AKKAIMAP[@]}" --config "$WORK/akkaimap.conf" mailbox add user@example.com --password-stdin >/dev/null
log "importing $MBOX"
"${AKKAIMAP[@]}" --config "$WORK/akkaimap.conf" import user@example.com --mbox "$MBOX" >/dev/null
log "imported"
python3 - "$WORK/data" "$MBOX" <<'PY'
import os, sqlite3, sys
folder, mbox = sys.argv[1], sys.argv[2]
db = next(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".db"))
c = sqlite3.connect(db)
c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
n = c.execute("SELECT count(*) FROM messages").fetchone()[0]
rows = c.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
index = 0
for name, size in rows:
    # FTS5 shadow tables are named after their table; text_* and address_index are the index.
    is_index = name.startswith(("text_", "address_index"))
    index += size if is_index else 0
    if size >= 65536:
        print(f"{name:28} {size:>12,} bytes {size / n:>9,.0f}/message{'  (index)' if is_index else ''}")
total = os.path.getsize(db)
print(f"index-bytes-per-message={index // n} store-bytes-per-message={total // n} mbox-bytes-per-message={os.path.getsize(mbox) // n} messages={n}")
PY
