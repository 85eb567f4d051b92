#!/usr/bin/env bash
# What metrics and traces cost AkkaImap (issue 13): the mixed load of vs-dovecot.sh, AkkaImap
# only, with telemetry off and on (at its defaults: /metrics scraped every 5 s, 3x Prometheus'
# default rate, and every command traced, its spans exported over OTLP http/protobuf to a local
# sink that counts them). The figure compared is commands per server CPU-second (the load tool
# reads the server's CPU from /proc), which holds up best on a shared machine.
#
# Against the machine's noise (other work on a shared machine moved single runs by up to ±18%
# when off and on ran one after the other, and side by side did no better there: see README.md):
# - off and on run side by side: two servers, each with its own load tool, measured over the
#   same seconds, so whatever else the machine does weighs on both alike;
# - every round starts both from the same store: copies of one filled folder, so no run
#   inherits the appends, expunges and index merges of the runs before it;
# - which server starts first alternates by round; one warm-up round is not counted;
# - the answer is the median of the rounds' costs, with their spread (lowest-highest) beside it.
# With --one-at-a-time, each round runs off and on one after the other (order alternating by round),
# each server alone on the machine: on a quiet machine that is the fairer comparison, since two
# servers side by side on 2 cores saturate them and pull on each other (see README.md).
#
#   bench/telemetry-cost.sh [--rounds N] [--warmup-rounds W] [--clients C] [--seconds S] [--warmup S] [--one-at-a-time]
#
# Writes the table between the telemetry markers of bench/RESULTS.md (BENCH_RESULTS=DIR: there).
set -euo pipefail
trap 'echo "telemetry-cost.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

. "$(dirname "$0")/lib.sh"
# A 40 s warm-up per server: the JIT recompiles hot methods (tiered, with PGO) for the first
# 20-25 s of this load, about 12 CPU-s of it, and more of them with telemetry on (README.md).
ROUNDS=6; WARMUP_ROUNDS=0; CLIENTS=50; SECONDS_MEASURED=20; WARMUP=40; TOGETHER=side-by-side
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --warmup-rounds) WARMUP_ROUNDS=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --seconds) SECONDS_MEASURED=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --one-at-a-time) TOGETHER=one-at-a-time; shift ;;
    *) echo "usage: $0 [--rounds N] [--warmup-rounds W] [--clients C] [--seconds S] [--warmup S] [--one-at-a-time]" >&2; exit 2 ;;
  esac
done
PASSWORD="bench-Secret-1"
OFF_PORT=$(free_port); ON_PORT=$(free_port); METRICS_PORT=$(free_port); OTLP_PORT=$(free_port)
GEN_MBOX=${GEN_MBOX:-$HERE/gen_mbox.py}
WORK=$(mktemp -d /tmp/akkaimap-telemetry-bench.XXXXXX)
SERVER_PIDS=""; SINK_PID=""; SCRAPER_PID=""
cleanup() {
  for pid in $SCRAPER_PID $SERVER_PIDS $SINK_PID; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

log "building AkkaImap and the load tool (Release)"
build_akkaimap --r2r
build_bench
python3 "$GEN_MBOX" "$WORK/sample.mbox" 200 >/dev/null

# An OTLP/HTTP sink: accepts every export (an empty ExportTraceServiceResponse) and only appends
# its body to a file, so that it takes next to no CPU beside the server it measures (it shares the
# machine's cores: a sink that parsed each export as it came took CPU from the 'on' server's
# threads and made it group fewer writes per commit). count.py reads the file after each round and
# counts the bytes, the spans and the command spans ("IMAP ...") by walking the protobuf
# (ExportTraceServiceRequest: resource_spans = 1 > scope_spans = 2 > spans = 2 > name = 5).
cat >"$WORK/sink.py" <<'PY'
import http.server, struct, sys
out = open(sys.argv[2], "ab", buffering=0)
class Sink(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        out.write(struct.pack("<I", len(body)) + body)
        self.send_response(200); self.send_header("Content-Type", "application/x-protobuf"); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *args): pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Sink).serve_forever()
PY
cat >"$WORK/count.py" <<'PY'
import struct, sys
def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1; v |= (c & 0x7F) << s; s += 7
        if c < 0x80: return v, i
def fields(b, start, end):
    i = start
    while i < end:
        key, i = varint(b, i); kind = key & 7
        if kind == 0: _, i = varint(b, i); continue
        if kind == 1: i += 8; continue
        if kind == 5: i += 4; continue
        n, i = varint(b, i); yield key >> 3, i, i + n; i += n
data = open(sys.argv[1], "rb").read()
total = spans = commands = 0
i = 0
while i < len(data):
    (n,) = struct.unpack_from("<I", data, i); b = data[i + 4:i + 4 + n]; i += 4 + n; total += n
    for f, s1, e1 in fields(b, 0, len(b)):
        if f != 1: continue
        for f2, s2, e2 in fields(b, s1, e1):
            if f2 != 2: continue
            for f3, s3, e3 in fields(b, s2, e2):
                if f3 != 2: continue
                spans += 1
                for f4, s4, e4 in fields(b, s3, e3):
                    if f4 == 5:
                        commands += b[s4:e4].startswith(b"IMAP ")
                        break
print(total, spans, commands)
PY
: >"$WORK/otlp-bodies"
python3 "$WORK/sink.py" "$OTLP_PORT" "$WORK/otlp-bodies" & SINK_PID=$!

akkaimap_conf "$OFF_PORT" "$WORK/data-off" >"$WORK/off.conf"
akkaimap_conf "$ON_PORT" "$WORK/data-on" "telemetry.prometheus.port = $METRICS_PORT" \
  "telemetry.otlp { endpoint = \"http://127.0.0.1:$OTLP_PORT\", protocol = http/protobuf }" >"$WORK/on.conf"
akkaimap_users "$WORK/off.conf" 0 "$CLIENTS" "$PASSWORD"

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
declare -A PORT=([off]=$OFF_PORT [on]=$ON_PORT) PID
start_server() { # MODE
  setsid "${AKKAIMAP[@]}" serve --config "$WORK/$1.conf" >>"$WORK/akkaimap-$1.log" 2>&1 &
  PID[$1]=$!; SERVER_PIDS="$SERVER_PIDS ${PID[$1]}"
  for _ in $(seq 1 480); do port_in_use "${PORT[$1]}" && break; sleep 0.25; done
  if [ "$1" = on ]; then
    ( while true; do curl -fsS -o /dev/null "http://127.0.0.1:$METRICS_PORT/metrics" || true; sleep 5; done ) & SCRAPER_PID=$!
  fi
}
stop_servers() {
  if [ -n "$SCRAPER_PID" ]; then kill "$SCRAPER_PID" 2>/dev/null || true; wait "$SCRAPER_PID" 2>/dev/null || true; SCRAPER_PID=""; fi
  for pid in $SERVER_PIDS; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $SERVER_PIDS; do wait "$pid" 2>/dev/null || true; done
  SERVER_PIDS=""
  for mode in off on; do for _ in $(seq 1 120); do port_in_use "${PORT[$mode]}" || break; sleep 0.5; done; done
}
common() { echo --port "${PORT[$1]}" --user "user{0}@example.com" --password "$PASSWORD" --mbox "$WORK/sample.mbox"; }

start_server off
log "filling $CLIENTS INBOXes with 30 messages each"
"${BENCH[@]}" fill $(common off) --out "$WORK/fill.json" --pid "${PID[off]}" --users "$CLIENTS" --first-user 1 --per-user 30 >/dev/null
stop_servers
# Every round starts both servers from copies of this filled store.
mv "$WORK/data-off" "$WORK/filled"

# The commands a server completed in its life (its own counter, read just before it stops).
commands_total() {
  curl -fsS "http://127.0.0.1:$METRICS_PORT/metrics" | awk '/^akkaimap_commands_total[{ ]/ {n += $NF} END {printf "%.0f", n}'
}
# CPU a process has used so far, in clock ticks (user + system, /proc/PID/stat fields 14 and 15).
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
declare -A RATE LOAD SPANS SINK_CPU
OTLP_BYTES=0
for round in $(seq $((1 - WARMUP_ROUNDS)) "$ROUNDS"); do
  LOAD[$round]=$(cut -d' ' -f1 /proc/loadavg)
  if [ $(( (round + 2) % 2 )) -eq 1 ]; then order="off on"; else order="on off"; fi
  if [ "$round" -le 0 ]; then what="warm-up round (not counted)"; else what="round $round"; fi
  log "$what: off and on ($TOGETHER), $order in that order; mixed load, $CLIENTS clients each, ${WARMUP}s warm-up + ${SECONDS_MEASURED}s"
  sink_before=$(cpu_ticks "$SINK_PID")
  run_load() { # MODE: in the background, its pid in LOADS
    "${BENCH[@]}" mixed $(common "$1") --out "$WORK/$1-$round.json" --pid "${PID[$1]}" --clients "$CLIENTS" --first-user 1 \
      --warmup "$WARMUP" --seconds "$SECONDS_MEASURED" --label "$1" >"$WORK/$1-$round.out" 2>&1 & LOADS+=($!)
  }
  LOADS=()
  for mode in $order; do
    rm -rf "$WORK/data-$mode"; cp -a "$WORK/filled" "$WORK/data-$mode"
    start_server "$mode"
    if [ "$TOGETHER" = one-at-a-time ]; then
      run_load "$mode"; wait "${LOADS[-1]}"
      if [ "$mode" = on ]; then served=$(commands_total); fi
      stop_servers   # the tracer flushes what it still holds on the way out
    fi
  done
  if [ "$TOGETHER" = side-by-side ]; then
    for mode in $order; do run_load "$mode"; done
    for pid in "${LOADS[@]}"; do wait "$pid"; done
    served=$(commands_total)
    stop_servers   # the tracer flushes what it still holds on the way out
  fi
  counting=$(date +%s.%N)
  read -r bytes spans cmd_spans < <(python3 "$WORK/count.py" "$WORK/otlp-bodies"); : >"$WORK/otlp-bodies"
  log "  counted the round's spans in $(python3 -c "print(f'{$(date +%s.%N) - $counting:.1f}')") s (what a sink parsing as it received would have taken beside the server)"
  OTLP_BYTES=$((OTLP_BYTES + bytes))
  SINK_CPU[$round]=$(python3 -c "print(f'{($(cpu_ticks "$SINK_PID") - $sink_before) / $(getconf CLK_TCK):.2f}')")
  for mode in off on; do
    # "on: 31234 commands in 20.0 s, server CPU 17.21 s, errors 0"
    line=$(grep -E "^$mode: [0-9]+ commands in" "$WORK/$mode-$round.out")
    echo "  $line"
    RATE[$mode-$round]=$(echo "$line" | awk '{c=$2; for (i=1;i<=NF;i++) if ($i=="CPU") cpu=$(i+1); printf "%.0f", c/cpu}')
  done
  # spans, command spans, commands: of the on server's whole life (warm-up included)
  SPANS[$round]="$spans $cmd_spans $served"
  echo "  on exported $spans spans, $cmd_spans of them commands, for $served commands; the sink took ${SINK_CPU[$round]} CPU-s"
done

# --- report ------------------------------------------------------------------------------------
ROWS=""; COSTS=""; sum_off=0; sum_on=0; sum_spans=0; sum_cmd_spans=0; sum_served=0
for round in $(seq 1 "$ROUNDS"); do
  off=${RATE[off-$round]}; on=${RATE[on-$round]}
  read -r spans cmd_spans served <<<"${SPANS[$round]}"
  sum_off=$((sum_off + off)); sum_on=$((sum_on + on))
  sum_spans=$((sum_spans + spans)); sum_cmd_spans=$((sum_cmd_spans + cmd_spans)); sum_served=$((sum_served + served))
  cost=$(python3 -c "print(f'{(1-$on/$off)*100:.1f}')")
  COSTS+="$cost "
  first=$([ $((round % 2)) -eq 1 ] && echo off || echo on)
  ROWS+="| $round | $first | ${LOAD[$round]} | $off | $on | $cost% | $spans ($cmd_spans commands of $served) | ${SINK_CPU[$round]} |"$'\n'
done
read -r MEDIAN LOWEST HIGHEST <<<"$(python3 -c "import statistics as s; c=[float(x) for x in '$COSTS'.split()]; print(f'{s.median(c):.1f} {min(c):.1f} {max(c):.1f}')")"
SUMMED=$(python3 -c "print(f'{(1-$sum_on/$sum_off)*100:.1f}')")
PER_COMMAND=$(python3 -c "print(f'{$sum_spans/max($sum_served,1):.2f}')")
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
EVERY=$([ "$sum_cmd_spans" -eq "$sum_served" ] && echo ": every command exported" || echo " (spans were lost)")
VERDICT=$(python3 -c "print('met' if $MEDIAN <= 5 else 'not met')")
TABLE="<!-- telemetry-cost: begin (bench/telemetry-cost.sh writes this section) -->
## Telemetry cost (issue 13)

Mixed load (as above), AkkaImap alone, $CLIENTS clients per server, ${WARMUP} s warm-up then ${SECONDS_MEASURED} s measured per
round. $( [ "$TOGETHER" = side-by-side ] && echo "In each round two servers run side by side over the same seconds, off and on, each with its own
load tool" || echo "In each round two servers run one after the other, off and on, each alone on the machine with its
load tool") and its own copy of one filled store, freshly started (off first in odd rounds, on first
in even ones), after $WARMUP_ROUNDS warm-up round(s) not counted. **Off**: no telemetry keys. **On**: the defaults with both set: \`/metrics\` scraped every 5 s, and every
command traced (\`sample-ratio = 1\`), its command, owner and store spans exported over OTLP
http/protobuf to a local sink, which received $sum_spans spans ($PER_COMMAND per command, $OTLP_BYTES bytes in all
runs) and $sum_cmd_spans command spans for the $sum_served commands the servers counted$EVERY.
Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores; load average before: $LOAD_BEFORE, after: $LOAD_AFTER
(other work shared the machine: compare within this table only; a load above the core count
makes every figure noisier, the ratio less so).

| round | first | load | off: commands per server CPU-s | on: commands per server CPU-s | cost | spans exported (command spans of commands) | sink's CPU-s |
| --- | --- | ---: | ---: | ---: | ---: | --- | ---: |
${ROWS}
**Cost of metrics + traces (every command exported): median ${MEDIAN}% of commands per server
CPU-second over $ROUNDS rounds (spread ${LOWEST}% to ${HIGHEST}%; all rounds summed ${SUMMED}%); target ≤ 5%: ${VERDICT}.**
Produced by \`bench/telemetry-cost.sh --rounds $ROUNDS --warmup-rounds $WARMUP_ROUNDS --clients $CLIENTS --seconds $SECONDS_MEASURED --warmup $WARMUP$( [ "$TOGETHER" = one-at-a-time ] && echo " --one-at-a-time" || true)\`.
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
echo "telemetry-cost-median-pct=$MEDIAN telemetry-cost-lowest-pct=$LOWEST telemetry-cost-highest-pct=$HIGHEST telemetry-cost-summed-pct=$SUMMED"
