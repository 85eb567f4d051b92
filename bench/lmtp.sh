#!/usr/bin/env bash
# LMTP delivery, AkkaImap vs Dovecot's LMTP (dovecot-lmtpd) on the same machine, in one run (issue 14).
#
#   bench/lmtp.sh [--seconds N] [--clients N] [--keep]
#
# Installs Dovecot's LMTP from Debian's packages if missing, builds AkkaImap in Release, gives both
# servers 21 mailboxes (user0..user20@example.com, fsync on for both), and runs bench/lmtp_load.py
# against each in turn on loopback: --clients (4) LMTP connections delivering 10 KB messages for
# --seconds (20, after 5 s of warm-up), then 200 single deliveries to user0 while an IMAP client
# idles on its INBOX. Prints a JSON line per server, then one summary line:
#   lmtp-cpu-ratio=R akkaimap-msgs-per-cpu-s=A dovecot-msgs-per-cpu-s=D akkaimap-idle-p99-ms=P
# Goal (issue 14): ratio >= 1.5, p99 delivery-to-IDLE < 100 ms. --keep leaves the scratch folder.
set -euo pipefail
trap 'echo "lmtp.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR

BENCH_LOG_FD=2   # progress on stderr: stdout is the result
. "$(dirname "$0")/lib.sh"
SECONDS_RUN=20
CLIENTS=4
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_RUN=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--seconds N] [--clients N] [--keep]" >&2; exit 2 ;;
  esac
done
USERS=20
PASSWORD="bench-Secret-1"
A_IMAP=$(free_port); A_LMTP=$(free_port); D_IMAP=$(free_port); D_LMTP=$(free_port)

make_work akkaimap-lmtp-bench   # readable: Dovecot's unprivileged processes must traverse it
cleanup() {
  stop_server
  bench_clean
}
trap cleanup EXIT
# --- tools -------------------------------------------------------------------------------------
if ! command -v dovecot >/dev/null 2>&1 || [ ! -x /usr/lib/dovecot/lmtp ]; then
  log "installing Dovecot's LMTP (dovecot-lmtpd) from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd dovecot-lmtpd >/dev/null
fi
log "building AkkaImap (Release)"
build_akkaimap

# --- AkkaImap ----------------------------------------------------------------------------------
AKKA_CONF="$WORK/akkaimap.conf"
akkaimap_conf "$A_IMAP" "$WORK/akkaimap-data" "lmtp { enabled = on, port = $A_LMTP }" >"$AKKA_CONF"
akkaimap_users "$AKKA_CONF" 0 "$USERS" "$PASSWORD"

# --- Dovecot -----------------------------------------------------------------------------------
D="$WORK/dovecot"
DOVECOT_BASE=$(dovecot_base "$D" 0 "$USERS" "$PASSWORD")
DOVECOT_CONF="$D/dovecot.conf"
cat >"$DOVECOT_CONF" <<CONF
# Dovecot for the LMTP benchmark: loopback, maildir, fsync as needed not to lose acknowledged mail.
protocols = imap lmtp
$DOVECOT_BASE
ssl = no
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $D_IMAP
  }
  inet_listener imaps {
    port = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = $D_LMTP
  }
  # Reuse lmtp processes (its documentation's advice for throughput).
  service_count = 0
  process_min_avail = $CLIENTS
}
CONF
doveconf -c "$DOVECOT_CONF" -n >/dev/null

run() { # NAME LMTP IMAP
  "${LOAD[@]}" --lmtp "$2" --imap "$3" --pid "$SERVER_PID" --users "$USERS" --password "$PASSWORD" \
    --clients "$CLIENTS" --seconds "$SECONDS_RUN" | tee "$WORK/$1.json"
}
LOAD=(python3 "$HERE/lmtp_load.py")

log "AkkaImap: $CLIENTS LMTP clients, ${SECONDS_RUN}s"
start_akkaimap_conf "$AKKA_CONF" "$A_LMTP" "$WORK/akkaimap.log"
echo -n "akkaimap: "; run akkaimap "$A_LMTP" "$A_IMAP"
stop_server

log "Dovecot: $CLIENTS LMTP clients, ${SECONDS_RUN}s"
start_dovecot_conf "$D" "$D_LMTP"
echo -n "dovecot: "; run dovecot "$D_LMTP" "$D_IMAP"
stop_server

log "load average before: $LOAD_BEFORE, after: $(load_avg); $(nproc) cores; Dovecot $(dovecot --version | cut -d' ' -f1)"
python3 - "$WORK/akkaimap.json" "$WORK/dovecot.json" <<'PY'
import json, sys
a, d = (json.load(open(p)) for p in sys.argv[1:3])
ratio = a["messages_per_cpu_second"] / d["messages_per_cpu_second"]
print(f"lmtp-cpu-ratio={ratio:.2f} akkaimap-msgs-per-cpu-s={a['messages_per_cpu_second']} "
      f"dovecot-msgs-per-cpu-s={d['messages_per_cpu_second']} akkaimap-idle-p99-ms={a['idle_latency_ms']['p99']} "
      f"dovecot-idle-p99-ms={d['idle_latency_ms']['p99']}")
PY
