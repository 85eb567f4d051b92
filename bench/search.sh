#!/usr/bin/env bash
# Issue 15's rows on a large folder, AkkaImap beside Dovecot in one run. Each server gets one
# folder of N synthetic messages (default 100,000; the `large` scenario of vs-dovecot.sh, 1% of
# bodies hold "zebracorn") and an INBOX of gen_mbox.py's 400 realistic messages, then:
#   large:    SELECT, FETCH 1:* (UID FLAGS), SEARCH FROM, SEARCH BODY (the first of each apart, then the median of three);
#   protocol: a plain SELECT (the reference), SORT (DATE), a QRESYNC SELECT that finds 10 flag
#             changes (medians of three), FETCH of bodies with and without COMPRESS=DEFLATE
#             (bytes on the wire; the large folder's first 1,000 text messages and the INBOX).
# AkkaImap runs with the full-text index, then again on the same store with
# search.full-text-index = off (every message scanned); Dovecot runs without a full-text plugin,
# with COMPRESS (its imap_zlib plugin). Prints the machine's load with the figures, writes the
# section between the "protocol-15" markers of RESULTS.md ($BENCH_RESULTS/RESULTS.md if set), and
# its last line is
#   search-body-ms=B search-from-ms=F scan-body-ms=SB scan-from-ms=SF sort-date-ms=S
#   qresync-select-ms=Q select-ms=R compress-wire-ratio=C messages=N
# (AkkaImap's medians; C = bytes on the wire with COMPRESS over without, for the text messages.)
# Usage: bench/search.sh [MESSAGES] [--no-dovecot] [--keep]. Needs dotnet, python3 and, unless
# --no-dovecot, Dovecot (installed with apt-get when missing). Scratch folder under /tmp.
set -euo pipefail
trap 'echo "search.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
. "$(dirname "$0")/lib.sh"
MESSAGES=100000
DOVECOT=1
KEEP=0
for arg in "$@"; do
  case "$arg" in
    --no-dovecot) DOVECOT=0 ;;
    --keep) KEEP=1 ;;
    [0-9]*) MESSAGES=$arg ;;
    *) echo "usage: $0 [MESSAGES] [--no-dovecot] [--keep]" >&2; exit 2 ;;
  esac
done
make_work akkaimap-search
cleanup() {
  stop_server
  bench_clean
}
trap cleanup EXIT
log "load average at start: $LOAD_BEFORE ($(nproc) cores)"
[ "$DOVECOT" = 0 ] || need_packages dovecot dovecot-imapd

log "building AkkaImap and the load tool (Release)"
build_akkaimap --r2r
build_bench
python3 "$HERE/gen_mbox.py" "$WORK/sample.mbox" 400 20240601 >/dev/null
PORT=$(free_port)
PASSWORD="bench-Secret-1"

configure() { # on|off
  akkaimap_conf "$PORT" "$WORK/data" "search { full-text-index = $1 }" >"$WORK/akkaimap.conf"
}
figure() { # FILE NAME → the value of the metric whose name ends with NAME
  python3 -c 'import json,sys; rows=json.load(open(sys.argv[1])); print(next(("%.1f" % r["Value"]) for r in rows if r["Name"].endswith(sys.argv[2])))' "$1" "$2"
}
# One server, already started: the INBOX of user1, the large folder of user0, then every row.
rows() { # PORT OUT
  local common=(--port "$1" --user "user{0}@example.com" --password "$PASSWORD")
  log "filling user1's INBOX with the 400 messages of gen_mbox.py"
  "${BENCH[@]}" fill "${common[@]}" --mbox "$WORK/sample.mbox" --users 1 --first-user 1 --per-user 400
  log "filling and searching $MESSAGES messages"
  "${BENCH[@]}" large "${common[@]}" --messages "$MESSAGES" --user-index 0 --folder Big --label large --out "$2"
  log "SORT, QRESYNC, COMPRESS"
  "${BENCH[@]}" protocol "${common[@]}" --user-index 0 --folder Big --mbox-folder INBOX --mbox-user-index 1 --label protocol --out "$2"
}

configure on
akkaimap_users "$WORK/akkaimap.conf" 0 1 "$PASSWORD"
log "AkkaImap, full-text index on (load $(load_avg))"
start_akkaimap_conf "$WORK/akkaimap.conf" "$PORT" "$WORK/akkaimap.log"
rows "$PORT" "$WORK/akkaimap.json"
stop_server "$PORT"
configure off
log "AkkaImap again, search.full-text-index = off: every message scanned (load $(load_avg))"
start_akkaimap_conf "$WORK/akkaimap.conf" "$PORT" "$WORK/akkaimap.log"
"${BENCH[@]}" large --port "$PORT" --password "$PASSWORD" --messages "$MESSAGES" --user-index 0 --folder Big --label scanned --rounds 1 --out "$WORK/scanned.json"
stop_server "$PORT"
log "AkkaImap's store: $(du -sh "$WORK/data" | cut -f1)"
if [ "$DOVECOT" = 1 ]; then
  # COMPRESS=DEFLATE in Dovecot 2.3 is the zlib plugin with imap_zlib.
  dovecot_conf "$WORK/dovecot" "$PORT" 0 1 "$PASSWORD" 'mail_plugins = $mail_plugins zlib
protocol imap {
  mail_plugins = $mail_plugins imap_zlib
}'
  log "Dovecot $(dovecot --version | cut -d' ' -f1), no full-text plugin (load $(load_avg))"
  start_dovecot_conf "$WORK/dovecot" "$PORT"
  rows "$PORT" "$WORK/dovecot.json"
  stop_server "$PORT"
fi
LOAD_AFTER=$(load_avg)
log "load average at end: $LOAD_AFTER"

RESULTS=${BENCH_RESULTS:-$HERE}
mkdir -p "$RESULTS"
python3 - "$RESULTS/RESULTS.md" "$WORK" "$MESSAGES" "$LOAD_BEFORE" "$LOAD_AFTER" "$(nproc)" "$(date -u '+%Y-%m-%d %H:%M UTC')" <<'PY'
import json, os, re, sys
path, work, messages, before, after, cores, when = sys.argv[1:]
def load(name):
    p = os.path.join(work, name)
    return {r["Name"]: r for r in json.load(open(p))} if os.path.exists(p) else {}
akka, scan, dove = load("akkaimap.json"), load("scanned.json"), load("dovecot.json")
def cell(rows, name):
    r = rows.get(name)
    if r is None:
        return ""
    return f"{r['Value']:.3f}" if r["Unit"] == "ratio" else f"{r['Value']:,.0f}" if r["Unit"] == "count" else f"{r['Value']:,.1f} {r['Unit']}"
def ratio(a, b):
    try:
        return f"{a['Value'] / b['Value']:.2f}×"
    except (KeyError, TypeError, ZeroDivisionError):
        return ""
n = int(messages)
rows = [
    ("SELECT (first, loads the folder)", "large: SELECT (first)", ""),
    ("SELECT (the reference below)", "protocol: SELECT (reference)", ""),
    ("QRESYNC SELECT, 10 changes since the client's MODSEQ", "protocol: QRESYNC SELECT, 10 changes", "< 20 ms"),
    ("QRESYNC SELECT: changed messages reported (of 10)", "protocol: QRESYNC SELECT, changes reported (of 10)", "10"),
    ("SORT (DATE)", "protocol: SORT (DATE)", "< 200 ms"),
    ("SEARCH FROM \"alice\" (index)", "large: SEARCH FROM", "< 20 ms"),
    ("SEARCH BODY \"zebracorn\" (index)", "large: SEARCH BODY", "< 50 ms"),
    ("SEARCH FROM, the server's first", "large: SEARCH FROM (first)", ""),
    ("SEARCH BODY, the server's first", "large: SEARCH BODY (first)", ""),
    ("FETCH 1:* (UID FLAGS)", "large: FETCH 1:* (UID FLAGS)", ""),
]
compress = [k for k in akka if k.startswith("protocol: FETCH") and ("bytes received" in k or "/ without" in k or ": time" in k)]
rows += [(k[len("protocol: "):], k, "") for k in compress]
out = [f"## Issue 15's rows on a {n:,}-message folder (`bench/search.sh`)", "",
       f"Measured {when} on {cores} cores, load average before the run: {before}, at its end: {after}. "
       "Each figure is a median: of four rounds, where SELECT and the SEARCH rows show the first round apart and the median of the other three; of three for the `protocol` rows, whose FETCH rows and the scans without the index run once. A load average well above "
       "the core count means other work shared the CPU: read the absolute figures against the same-run "
       "references (the plain SELECT of the same folder, Dovecot, the scan without index), not against the targets alone.", "",
       "| row | AkkaImap | Dovecot | AkkaImap / Dovecot | target |", "|---|---:|---:|---:|---|"]
for label, key, target in rows:
    same = "" if key.endswith("(of 10)") else ratio(akka.get(key), dove.get(key))
    out.append(f"| {label} | {cell(akka, key)} | {cell(dove, key)} | {same} | {target} |")
for label, key in [("SEARCH FROM, index off (scan)", "scanned: SEARCH FROM"), ("SEARCH BODY, index off (scan)", "scanned: SEARCH BODY")]:
    out.append(f"| {label} | {cell(scan, key)} | | | |")
sel = akka.get("protocol: SELECT (reference)")
for label, key in [("QRESYNC SELECT", "protocol: QRESYNC SELECT, 10 changes"), ("SORT (DATE)", "protocol: SORT (DATE)"),
                   ("SEARCH FROM", "large: SEARCH FROM"), ("SEARCH BODY", "large: SEARCH BODY")]:
    out.append(f"| {label} / the same server's plain SELECT | {ratio(akka.get(key), sel)} | {ratio(dove.get(key), dove.get('protocol: SELECT (reference)'))} | | |")
table = "<!-- protocol-15: begin (bench/search.sh writes this section) -->\n" + "\n".join(out) + "\n<!-- protocol-15: end -->"
text = open(path).read() if os.path.exists(path) else ""
pattern = re.compile(r"<!-- protocol-15: begin.*?<!-- protocol-15: end -->", re.S)
text = pattern.sub(lambda _: table, text) if pattern.search(text) else text.rstrip() + "\n\n" + table + "\n"
open(path, "w").write(text)
print("\n".join(out[4:]))
PY
A="$WORK/akkaimap.json"
echo "search-body-ms=$(figure "$A" ": SEARCH BODY") search-from-ms=$(figure "$A" ": SEARCH FROM") scan-body-ms=$(figure "$WORK/scanned.json" ": SEARCH BODY") scan-from-ms=$(figure "$WORK/scanned.json" ": SEARCH FROM") sort-date-ms=$(figure "$A" ": SORT (DATE)") qresync-select-ms=$(figure "$A" ": QRESYNC SELECT, 10 changes") select-ms=$(figure "$A" ": SELECT (reference)") compress-wire-ratio=$(python3 -c 'import json,sys; print(next("%.3f" % r["Value"] for r in json.load(open(sys.argv[1])) if r["Name"].endswith("text bodies: wire bytes with COMPRESS / without")))' "$A") messages=$MESSAGES"
