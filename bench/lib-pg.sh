# Shared by bench/store-pg.sh and bench/cluster.sh (sourced after bench/lib.sh, not run): the
# scratch folder, the Release builds of AkkaImap and the load tool, the sample mail, and a private
# PostgreSQL (Debian's package, installed if missing) on a free loopback port in the scratch folder,
# started as the system user akkaimap-test when run as root (PostgreSQL refuses to run as root).
# The sourcing script calls, in order:
#   bench_init NAME     scratch folder WORK, LOAD_BEFORE
#   bench_build [0]     AKKAIMAP=(...) and BENCH=(...) (Release; 0 reuses the last build), $WORK/sample.mbox
#   pg_start [OPTIONS]  (OPTIONS: more postgres -c settings) PG_BIN, PG_PORT, PG_PASSWORD, PG_PID; then psql_do SQL, pg_conn DB, pg_storage DB
# and from its EXIT trap: pg_stop, then bench_clean (bench/lib.sh).

# CPU ticks (user + system) of one process; HZ ticks a second.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)

bench_init() {
  LOAD_BEFORE=$(load_avg)
  make_work "akkaimap-bench-$1"
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  PG_DATA="$WORK/pg/data"
  AS_PG=()
  if [ "$(id -u)" -eq 0 ]; then AS_PG=(runuser -u akkaimap-test --); fi
}

bench_build() { # [0: reuse the last build as it is]
  if [ "${1:-1}" = 0 ] && [ -f "$OUT/akkaimap/akkaimap.dll" ] && [ -f "$OUT/bench/akkaimap-bench.dll" ]; then
    log "reusing the build in $OUT"
    AKKAIMAP=(dotnet "$OUT/akkaimap/akkaimap.dll")
    BENCH=(dotnet "$OUT/bench/akkaimap-bench.dll")
  else
    log "building AkkaImap and the load tool (Release)"
    build_akkaimap --r2r
    build_bench
  fi
  python3 "${GEN_MBOX:-$HERE/gen_mbox.py}" "$WORK/sample.mbox" 400 >/dev/null
}

pg_start() { # [MORE POSTGRES OPTIONS]
  if [ -z "$PG_BIN" ]; then
    log "installing PostgreSQL (postgresql) from Debian's packages"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
  fi
  if [ "$(id -u)" -eq 0 ] && ! id -u akkaimap-test >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin akkaimap-test
  fi
  PG_PORT=$(free_port)
  PG_PASSWORD=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
  mkdir -p "$WORK/pg"
  echo "$PG_PASSWORD" >"$WORK/pg/password"
  if [ "$(id -u)" -eq 0 ]; then chown -R akkaimap-test "$WORK/pg"; fi
  log "starting PostgreSQL $(pg_version) on 127.0.0.1:$PG_PORT"
  "${AS_PG[@]}" "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --pwfile "$WORK/pg/password" --auth scram-sha-256 -E UTF8 --locale C >/dev/null
  "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$WORK/pg/postgres.log" -w \
    -o "-p $PG_PORT -k $WORK/pg -c listen_addresses=127.0.0.1 -c shared_buffers=128MB ${1:-}" start >/dev/null
  PG_PID=$(head -1 "$PG_DATA/postmaster.pid")
}

pg_version() { "$PG_BIN/postgres" --version | awk '{print $3}'; }
psql_do() { PGPASSWORD=$PG_PASSWORD "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -qc "$1" >/dev/null; }
pg_conn() { echo "Host=127.0.0.1;Port=$PG_PORT;Database=$1;Username=postgres;Password=$PG_PASSWORD"; }
# The AkkaImap setting (a LINE of akkaimap_conf) that puts the store in database DB.
pg_storage() { echo "storage { provider = postgresql, postgresql.connection-string = \"$(pg_conn "$1")\" }"; }

# CPU ticks of the postmaster and every backend (children's ended work included).
pg_ticks() {
  local sum=0 p
  for p in $PG_PID $(pgrep -P "$PG_PID"); do sum=$((sum + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  echo "$sum"
}

pg_stop() {
  if [ -n "${PG_DATA:-}" ] && [ -f "$PG_DATA/postmaster.pid" ]; then
    "${AS_PG[@]}" "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
}
