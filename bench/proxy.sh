#!/usr/bin/env bash
# What the PROXY protocol costs (issue 12): one AkkaImap server, reached directly and through a
# private Debian HAProxy with send-proxy (v1) and send-proxy-v2, in alternating rounds. Each
# "session" is connect, LOGIN, SELECT INBOX, NOOP, LOGOUT (python3 imaplib, sequential, so the
# latency is one client's). Reported: server CPU per session (read from /proc, the figure that
# holds up best on a shared machine) and p50/p99 session time, as ratios to direct.
#
#   bench/proxy.sh [--rounds N] [--sessions S]
set -euo pipefail
trap 'echo "proxy.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

. "$(dirname "$0")/lib.sh"
ROUNDS=3; SESSIONS=200
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --sessions) SESSIONS=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--sessions S]" >&2; exit 2 ;;
  esac
done
command -v haproxy >/dev/null || { echo "proxy.sh: needs haproxy (apt-get install haproxy)" >&2; exit 1; }
PORT=$(free_port); V1=$(free_port); V2=$(free_port)
make_work akkaimap-proxy-bench
SERVER_PID=""; HAPROXY_PID=""
cleanup() {
  for pid in $HAPROXY_PID $SERVER_PID; do kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  bench_clean
}
trap cleanup EXIT

build_akkaimap
# HAProxy reaches the server from 127.0.0.1; the direct client connects from 127.0.0.2.
akkaimap_conf "$PORT" "$WORK/data" 'proxy-protocol.trusted-networks = ["127.0.0.1"]' 'auth.trusted-networks = ["127.0.0.0/8"]' >"$WORK/akkaimap.conf"
cat >"$WORK/haproxy.cfg" <<EOC
global
  maxconn 200
defaults
  mode tcp
  timeout connect 5s
  timeout client 1m
  timeout server 1m
frontend v1
  bind 127.0.0.1:$V1
  default_backend v1_servers
backend v1_servers
  server node1 127.0.0.1:$PORT send-proxy
frontend v2
  bind 127.0.0.1:$V2
  default_backend v2_servers
backend v2_servers
  server node1 127.0.0.1:$PORT send-proxy-v2
EOC
"${AKKAIMAP[@]}" postoffice add example.com --config "$WORK/akkaimap.conf" >/dev/null
echo "bench-Secret-1" | "${AKKAIMAP[@]}" mailbox add user@example.com --password-stdin --config "$WORK/akkaimap.conf" >/dev/null
"${AKKAIMAP[@]}" serve --config "$WORK/akkaimap.conf" >"$WORK/serve.log" 2>&1 & SERVER_PID=$!
haproxy -f "$WORK/haproxy.cfg" -db >"$WORK/haproxy.log" 2>&1 & HAPROXY_PID=$!
for _ in $(seq 1 240); do grep -q "AkkaImap listening on" "$WORK/serve.log" && break; sleep 0.25; done

python3 - "$SERVER_PID" "$PORT" "$V1" "$V2" "$ROUNDS" "$SESSIONS" <<'PY'
import imaplib, os, socket, statistics, sys, time
pid, port, v1, v2, rounds, sessions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
tick = os.sysconf("SC_CLK_TCK")
def cpu():
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / tick
class Client(imaplib.IMAP4):
    # Connects from 127.0.0.2, so the direct client is not a proxy-protocol peer.
    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout, source_address=("127.0.0.2", 0))
def session(p):
    c = Client("127.0.0.1", p, timeout=30)
    c.login("user@example.com", "bench-Secret-1"); c.select("INBOX"); c.noop(); c.logout()
for _ in range(20):  # warm-up (JIT, pools)
    for p in (port, v1, v2): session(p)
totals = {m: {"cpu": 0.0, "times": []} for m in ("direct", "v1", "v2")}
paths = [("direct", port), ("v1", v1), ("v2", v2)]
for r in range(rounds):
    # The order turns each round, so that no path always runs first (after a pause) or last.
    for mode, p in paths[r % 3:] + paths[:r % 3]:
        before = cpu()
        for _ in range(sessions):
            t = time.perf_counter(); session(p); totals[mode]["times"].append(time.perf_counter() - t)
        totals[mode]["cpu"] += cpu() - before
n = rounds * sessions
base = totals["direct"]
print(f"| path | server CPU ms/session | vs direct | p50 ms | p99 ms | p50 vs direct |")
print(f"| --- | --- | --- | --- | --- | --- |")
for mode in ("direct", "v1", "v2"):
    t = sorted(totals[mode]["times"]); c = totals[mode]["cpu"] / n * 1000
    p50 = t[len(t) // 2] * 1000; p99 = t[int(len(t) * 0.99)] * 1000
    b50 = sorted(base["times"])[len(t) // 2] * 1000
    print(f"| {mode} | {c:.2f} | {c / (base['cpu'] / n * 1000):.2f}x | {p50:.1f} | {p99:.1f} | {p50 / b50:.2f}x |")
PY
echo "rounds $ROUNDS x $SESSIONS sessions per path; $(nproc) cores; load average before: $LOAD_BEFORE, after: $(load_avg)"
