#!/usr/bin/env bash
# What metrics and traces cost AkkaImap (issue 13): the mixed load of vs-dovecot.sh, AkkaImap
# only, with telemetry off and with it on and exporting, alternating rounds on freshly started
# servers. "On" is a Prometheus endpoint scraped every 5 s (3x Prometheus' default rate) plus
# traces at the default sample-ratio exported over OTLP http/protobuf to a local sink; "all" the
# same with every command traced (sample-ratio 1).
# The figure compared is commands per server CPU-second (the load tool reads the server's CPU
# from /proc), which holds up best on a shared machine.
#
#   bench/telemetry-cost.sh [--rounds N] [--clients C] [--seconds S]
#
# Writes the table between the telemetry markers of bench/RESULTS.md (BENCH_RESULTS=DIR: there).
set -euo pipefail
trap 'echo "telemetry-cost.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

. "$(dirname "$0")/lib.sh"
ROUNDS=2; CLIENTS=50; SECONDS_MEASURED=20; WARMUP=10
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --seconds) SECONDS_MEASURED=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--clients C] [--seconds S]" >&2; exit 2 ;;
  esac
done
PASSWORD="bench-Secret-1"
AKKA_PORT=$(free_port); METRICS_PORT=$(free_port); OTLP_PORT=$(free_port)
GEN_MBOX=${GEN_MBOX:-$HERE/gen_mbox.py}
WORK=$(mktemp -d /tmp/akkaimap-telemetry-bench.XXXXXX)
SERVER_PID=""; SINK_PID=""; SCRAPER_PID=""
cleanup() {
  for pid in $SCRAPER_PID $SERVER_PID $SINK_PID; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

log "building AkkaImap and the load tool (Release)"
build_akkaimap --r2r
build_bench
python3 "$GEN_MBOX" "$WORK/sample.mbox" 200 >/dev/null

# An OTLP/HTTP sink: accepts every export (an empty ExportTraceServiceResponse) and counts bytes.
cat >"$WORK/sink.py" <<'PY'
import http.server, sys
total = 0
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        global total
        total += len(self.rfile.read(int(self.headers.get("Content-Length", 0))))
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf"); self.send_header("Content-Length", "0"); self.end_headers()
        with open(sys.argv[2], "w") as f: f.write(str(total))
    def log_message(self, *args): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
python3 "$WORK/sink.py" "$OTLP_PORT" "$WORK/otlp-bytes" & SINK_PID=$!

base_conf() {
  cat <<EOC
akka-imap {
  port = $AKKA_PORT
  bind = ["127.0.0.1"]
  storage { path = "$WORK/data", fsync = on }
EOC
}
{ base_conf; echo "}"; } >"$WORK/off.conf"
{ base_conf; cat <<EOC
  telemetry.prometheus.port = $METRICS_PORT
  telemetry.otlp { endpoint = "http://127.0.0.1:$OTLP_PORT", protocol = http/protobuf }
}
EOC
} >"$WORK/on.conf"
# "all": as "on", but every command traced.
sed 's/protocol = http\/protobuf }/protocol = http\/protobuf, sample-ratio = 1 }/' "$WORK/on.conf" >"$WORK/all.conf"

"${AKKAIMAP[@]}" postoffice add example.com --config "$WORK/off.conf" >/dev/null
for i in $(seq 0 "$CLIENTS"); do echo "user$i@example.com $PASSWORD"; done | "${AKKAIMAP[@]}" mailbox import - --config "$WORK/off.conf" >/dev/null

start_mode() { # MODE
  setsid "${AKKAIMAP[@]}" serve --config "$WORK/$1.conf" >>"$WORK/akkaimap-$1.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 480); do port_in_use "$AKKA_PORT" && break; sleep 0.25; done
  if [ "$1" != off ]; then
    ( while true; do curl -fsS -o /dev/null "http://127.0.0.1:$METRICS_PORT/metrics" || true; sleep 5; done ) & SCRAPER_PID=$!
  fi
}
stop_mode() {
  if [ -n "$SCRAPER_PID" ]; then kill "$SCRAPER_PID" 2>/dev/null || true; wait "$SCRAPER_PID" 2>/dev/null || true; SCRAPER_PID=""; fi
  kill -TERM "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  for _ in $(seq 1 120); do port_in_use "$AKKA_PORT" || break; sleep 0.5; done
}
COMMON=(--port "$AKKA_PORT" --user "user{0}@example.com" --password "$PASSWORD" --mbox "$WORK/sample.mbox")

start_mode off
log "filling $CLIENTS INBOXes with 30 messages each"
"${BENCH[@]}" fill "${COMMON[@]}" --out "$WORK/fill.json" --pid "$SERVER_PID" --users "$CLIENTS" --first-user 1 --per-user 30 >/dev/null
stop_mode

declare -A RATE
for round in $(seq 1 "$ROUNDS"); do
  for mode in off on all; do
    start_mode "$mode"
    log "round $round, telemetry $mode: mixed load, $CLIENTS clients, ${WARMUP}s warm-up + ${SECONDS_MEASURED}s"
    line=$("${BENCH[@]}" mixed "${COMMON[@]}" --out "$WORK/$mode-$round.json" --pid "$SERVER_PID" --clients "$CLIENTS" --first-user 1 \
      --warmup "$WARMUP" --seconds "$SECONDS_MEASURED" --label "$mode" | grep -E "^$mode: [0-9]+ commands in")
    echo "  $line"
    # "on: 31234 commands in 20.0 s, server CPU 17.21 s, errors 0"
    RATE[$mode-$round]=$(echo "$line" | awk '{c=$2; for (i=1;i<=NF;i++) if ($i=="CPU") cpu=$(i+1); printf "%.0f", c/cpu}')
    RATE[$mode-$round-line]=$line
    stop_mode
  done
done
OTLP_BYTES=$(cat "$WORK/otlp-bytes" 2>/dev/null || echo 0)

# --- report ------------------------------------------------------------------------------------
sum_off=0; sum_on=0; sum_all=0
ROWS=""
for round in $(seq 1 "$ROUNDS"); do
  off=${RATE[off-$round]}; on=${RATE[on-$round]}; all=${RATE[all-$round]}
  sum_off=$((sum_off + off)); sum_on=$((sum_on + on)); sum_all=$((sum_all + all))
  ROWS+="| $round | $off | $on ($(python3 -c "print(f'{($on/$off-1)*100:+.1f}%')")) | $all ($(python3 -c "print(f'{($all/$off-1)*100:+.1f}%')")) |"$'\n'
done
COST=$(python3 -c "print(f'{(1-$sum_on/$sum_off)*100:.1f}')")
COST_ALL=$(python3 -c "print(f'{(1-$sum_all/$sum_off)*100:.1f}')")
LOAD_AFTER=$(load_avg)
TABLE="<!-- telemetry-cost: begin (bench/telemetry-cost.sh writes this section) -->
## Telemetry cost (issue 13)

Mixed load (as above), AkkaImap alone, $CLIENTS clients, ${WARMUP} s warm-up then ${SECONDS_MEASURED} s measured per round, each
round on a freshly started server, off, on and all in turn. **Off**: no telemetry keys. **On**:
\`/metrics\` scraped every 5 s, and traces at the default \`sample-ratio = 0.1\` (command, owner and
store spans of one command in ten) exported over OTLP http/protobuf to a local sink. **All**: the
same with every command traced (\`sample-ratio = 1\`). The sink received $OTLP_BYTES bytes of spans.
Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores; load average before: $LOAD_BEFORE, after: $LOAD_AFTER
(other work shared the machine: compare within this table only).

| round | off: commands per server CPU-s | on (vs off) | all (vs off) |
| --- | --- | --- | --- |
${ROWS}
**Cost of metrics + traces at the defaults: ${COST}% of commands per server CPU-second** (all rounds
summed; target ≤ 5%); with every command traced: ${COST_ALL}%.
Produced by \`bench/telemetry-cost.sh --rounds $ROUNDS --clients $CLIENTS --seconds $SECONDS_MEASURED\`.
<!-- telemetry-cost: end -->"
RESULTS=${BENCH_RESULTS:-$HERE}/RESULTS.md
mkdir -p "$(dirname "$RESULTS")"; touch "$RESULTS"
python3 - "$RESULTS" "$TABLE" <<'PY'
import re, sys
path, table = sys.argv[1], sys.argv[2]
text = open(path).read()
pattern = re.compile(r"<!-- telemetry-cost: begin.*?<!-- telemetry-cost: end -->", re.S)
text = pattern.sub(lambda _: table, text) if pattern.search(text) else text.rstrip() + "\n\n" + table + "\n"
open(path, "w").write(text)
PY
echo "$TABLE"
echo "telemetry-cost-pct=$COST telemetry-cost-all-pct=$COST_ALL"
