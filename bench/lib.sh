# Shared by the bench scripts (sourced, not run): paths, the Release build, free ports, the
# scratch folder, starting and stopping a server in a session of its own, and the machine's load.
#   . "$(dirname "$0")/lib.sh"
# Defines HERE (bench/), REPO, OUT (bench/.build), START, LOAD_BEFORE; after build_akkaimap and
# build_bench, AKKAIMAP and BENCH (command arrays); SERVER_PID while a server runs.
# (The PostgreSQL set-up of cluster.sh and store-pg.sh is in lib-pg.sh, sourced after this.)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
# Published under bench/.build (git-ignored) so that a second run only rebuilds what changed;
# BENCH_BUILD=DIR elsewhere (two scripts running at once).
OUT=${BENCH_BUILD:-$HERE/.build}
START=$(date +%s)
SERVER_PID=""

load_avg() { cut -d' ' -f1-3 /proc/loadavg; }
LOAD_BEFORE=$(load_avg)

# Progress lines go to stderr when BENCH_LOG_FD=2 (scripts whose stdout is their result).
log() { echo "[$(( $(date +%s) - START ))s] $*" >&"${BENCH_LOG_FD:-1}"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Scratch folder /tmp/NAME.XXXXXX in WORK; readable by Dovecot's unprivileged processes.
make_work() { # NAME
  WORK=$(mktemp -d "/tmp/$1.XXXXXX")
  chmod 755 "$WORK"
}

# From the EXIT trap, after the servers stopped: the scratch folder goes, or stays with --keep (KEEP=1).
bench_clean() {
  if [ "${KEEP:-0}" = 1 ]; then echo "scratch folder kept: $WORK"; else rm -rf "$WORK"; fi
}

# The AkkaImap configuration the benchmarks share, on stdout: PORT on loopback, the store in DATA
# with fsync on (durable, as in production); each LINE is one more setting inside akka-imap { }.
akkaimap_conf() { # PORT DATA [LINE...]
  local port=$1 data=$2 line
  shift 2
  cat <<EOF
akka-imap {
  port = $port
  bind = ["127.0.0.1"]
  storage { path = "$data", fsync = on }
EOF
  for line in "$@"; do [ -z "$line" ] || echo "  $line"; done
  echo "}"
}

# AkkaImap in Release as AKKAIMAP. --r2r: ReadyToRun (precompiled, as a production deployment
# would publish it) where the runtime pack can be restored, a plain build otherwise; BENCH_R2R=0
# skips it (the ReadyToRun publish took 18 minutes on a loaded 2-core machine).
build_akkaimap() { # [--r2r]
  if [ "${1:-}" = --r2r ] && [ "${BENCH_R2R:-1}" != 0 ]; then
    dotnet publish -c Release "$REPO/src/AkkaImap.Host" -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
        -o "$OUT/akkaimap" -v quiet -nologo >/dev/null 2>&1 \
      || dotnet publish -c Release "$REPO/src/AkkaImap.Host" -o "$OUT/akkaimap" -v quiet -nologo >/dev/null
  else
    dotnet publish -c Release "$REPO/src/AkkaImap.Host" -o "$OUT/akkaimap" -v quiet -nologo >/dev/null
  fi
  AKKAIMAP=(dotnet "$OUT/akkaimap/akkaimap.dll")
}

# The load tool (bench/AkkaImap.Bench) as BENCH.
build_bench() {
  dotnet publish -c Release "$REPO/bench/AkkaImap.Bench" -o "$OUT/bench" -v quiet -nologo >/dev/null
  BENCH=(dotnet "$OUT/bench/akkaimap-bench.dll")
}

# One post office example.com and the mailboxes user{FIRST..LAST}@example.com, one password.
akkaimap_users() { # CONF FIRST LAST PASSWORD
  "${AKKAIMAP[@]}" postoffice add example.com --config "$1" >/dev/null
  for i in $(seq "$2" "$3"); do echo "user$i@example.com $4"; done | "${AKKAIMAP[@]}" mailbox import - --config "$1" >/dev/null
}

# Waits until PORT accepts a connection; fails with the end of LOG if the server exits first.
wait_port() { # PORT LOG
  for _ in $(seq 1 480); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "server exited during start; the end of $2:" >&2
      tail -n 20 "$2" >&2 || true
      return 1
    fi
    if port_in_use "$1"; then return 0; fi
    sleep 0.25
  done
  echo "server did not listen on $1" >&2
  return 1
}

# Runs a server in a session of its own (setsid), so that stop_server can wait until every
# process it started is gone (Dovecot's children outlive its master by seconds).
start_server() { # PORT LOG COMMAND...
  local port=$1 logfile=$2
  shift 2
  setsid "$@" >>"$logfile" 2>&1 &
  SERVER_PID=$!
  wait_port "$port" "$logfile"
}

start_akkaimap_conf() { # CONF PORT LOG
  start_server "$2" "$3" "${AKKAIMAP[@]}" serve --config "$1"
}

# Stops the running server and every process of its session, then waits until PORTS are free.
stop_server() { # [PORTS...]
  [ -n "$SERVER_PID" ] || return 0
  local sid=$SERVER_PID
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  for _ in $(seq 1 120); do
    pgrep -s "$sid" >/dev/null 2>&1 || break
    sleep 0.5
  done
  pkill -KILL -s "$sid" 2>/dev/null || true
  local port
  for port in "$@"; do
    for _ in $(seq 1 120); do
      port_in_use "$port" || break
      sleep 0.5
    done
  done
}

# Installs Debian packages that are missing (the scripts run as root on a clean machine).
need_packages() { # COMMAND PACKAGE...
  command -v "$1" >/dev/null 2>&1 && return 0
  shift
  log "installing $* from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Dovecot's users and the settings every benchmark's Dovecot shares: DIR/run, DIR/mail (maildirs
# of the mail user), DIR/users with user{FIRST..LAST}@example.com and PASSWORD as SCRAM-SHA-256
# with 4096 PBKDF2 iterations (the cost of AkkaImap's secrets; one salt for all, so every LOGIN
# costs the same); prints the shared lines of dovecot.conf (loopback, passwd-file, maildir, fsync).
dovecot_base() { # DIR FIRST LAST PASSWORD
  local d=$1 hash mail_uid mail_gid
  mkdir -p "$d/run" "$d/mail"
  chown mail:mail "$d/mail"
  hash=$(doveadm pw -s SCRAM-SHA-256 -p "$4")
  case "$hash" in "{SCRAM-SHA-256}4096,"*) ;; *) echo "unexpected SCRAM iteration count: $hash" >&2; return 1 ;; esac
  mail_uid=$(id -u mail); mail_gid=$(id -g mail)
  for i in $(seq "$2" "$3"); do
    echo "user$i@example.com:$hash:$mail_uid:$mail_gid::$d/mail/user$i"
  done >"$d/users"
  cat <<EOF
listen = 127.0.0.1
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
disable_plaintext_auth = no
first_valid_uid = $mail_uid
passdb {
  driver = passwd-file
  args = $d/users
}
userdb {
  driver = passwd-file
  args = $d/users
}
mail_location = maildir:~/Maildir
# Dovecot's durable setting: fsync whenever needed not to lose acknowledged mail.
mail_fsync = optimized
EOF
}

# Dovecot for the IMAP benchmarks: dovecot_base (loopback, maildir, the users), plain IMAP on PORT,
# an authentication cache, processes reused and limits raised for many connections, as its
# documentation advises.
# Writes DIR/dovecot.conf; EXTRA is appended (plugins, for instance). With TLS-PORT, CERT and KEY:
# implicit TLS on TLS-PORT and STARTTLS on PORT with that certificate.
dovecot_conf() { # DIR PORT FIRST LAST PASSWORD [EXTRA [TLS-PORT CERT KEY]]
  local d=$1 port=$2 extra=${6:-} ssl="ssl = no" imaps="port = 0" base
  if [ -n "${8:-}" ]; then
    ssl="ssl = yes
ssl_cert = <$8
ssl_key = <$9"
    imaps="address = 127.0.0.1
    port = $7
    ssl = yes"
  fi
  base=$(dovecot_base "$d" "$3" "$4" "$5") || return 1
  cat >"$d/dovecot.conf" <<EOF
protocols = imap
$base
$ssl
auth_mechanisms = plain login
# Authentication cache, as Dovecot's documentation advises for speed (and as AkkaImap has one):
# a repeated LOGIN with the same password is answered from the cache instead of another PBKDF2.
auth_cache_size = 10M
auth_cache_ttl = 1 hour
auth_cache_negative_ttl = 1 hour
default_client_limit = 15000
default_process_limit = 12000
default_vsz_limit = 1G
protocol imap {
  mail_max_userip_connections = 1000
}
imap_hibernate_timeout = 5s
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $port
  }
  inet_listener imaps {
    $imaps
  }
  # High-performance mode: a few login processes, each serving many connections.
  service_count = 0
  process_min_avail = 2
  process_limit = 4
  client_limit = 15000
}
service imap {
  # Reuse imap processes instead of one fresh process per LOGIN.
  service_count = 0
  process_min_avail = 4
  process_limit = 12000
  client_limit = 1
  # Processes whose client went to imap-hibernate exit after this long instead of 60 s.
  idle_kill = 5s
  unix_listener imap-master {
    user = \$default_internal_user
  }
  extra_groups = \$default_internal_group
}
service imap-hibernate {
  client_limit = 30000
  unix_listener imap-hibernate {
    mode = 0660
    group = \$default_internal_group
  }
}
service anvil {
  client_limit = 30000
}
service auth {
  client_limit = 30000
}
service stats {
  client_limit = 30000
}
$extra
EOF
  doveconf -c "$d/dovecot.conf" -n >/dev/null
}

start_dovecot_conf() { # DIR PORT
  start_server "$2" "$1/stdout.log" dovecot -c "$1/dovecot.conf" -F
}
