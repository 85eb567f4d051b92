#!/usr/bin/env bash
# Fuzzes the protocol's receiver and parser for a bounded time (docs/FUZZING.md).
#   fuzz/run.sh [SECONDS]      (default 150; FUZZ_SECONDS works too)
# Needs clang with libFuzzer (Debian: clang, libclang-rt-14-dev) and the .NET SDK.
# Exit 0: no finding. Exit 1: a crash, a hang or a broken promise, saved under
# fuzz/out/findings/ (copy it to fuzz/regressions/ once fixed). Exit 2: the run could not start.
# Its last line says which, beginning with "fuzz:".
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-${FUZZ_SECONDS:-150}}
out=$PWD/out
rm -rf "$out"
mkdir -p "$out/findings" "$out/corpus"

say() { echo "fuzz: $*"; }

if ! clang -O1 -g -fsanitize=fuzzer driver/dotnet-libfuzzer.c -o "$out/dotnet-libfuzzer" 2>"$out/clang.log"; then
  cat "$out/clang.log"
  say "could not build the driver (install clang and libclang-rt-14-dev)"; exit 2
fi
if ! dotnet publish AkkaImap.Fuzz/AkkaImap.Fuzz.csproj -c Release -o "$out/harness" >"$out/build.log" 2>&1; then
  tail -20 "$out/build.log"
  say "could not build the harness"; exit 2
fi
# SharpFuzz rewrites the assembly under test in place, adding the branch counters the driver reads.
if ! { dotnet tool restore && dotnet sharpfuzz "$out/harness/AkkaImap.Protocol.dll"; } >"$out/instrument.log" 2>&1; then
  cat "$out/instrument.log"
  say "could not instrument AkkaImap.Protocol.dll"; exit 2
fi

# New inputs go to out/corpus; the committed seeds and the saved findings are read, never written.
FUZZ_HARNESS="$out/harness/AkkaImap.Fuzz.dll" "$out/dotnet-libfuzzer" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096 \
  -dict=imap.dict -artifact_prefix="$out/findings/" -print_final_stats=1 \
  "$out/corpus" corpus regressions >"$out/libfuzzer.log" 2>&1
status=$?
runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$out/libfuzzer.log" | grep -Eo '[0-9]+$' || true)
cov=$(grep -Eo "ft: [0-9]+" "$out/libfuzzer.log" | tail -1 || true)

findings=("$out"/findings/*)
if [ "$status" -eq 0 ] && [ ! -e "${findings[0]}" ]; then
  say "no finding in ${runs:-?} inputs over ${seconds}s (${cov:-ft: ?} coverage features, corpus $(ls "$out/corpus" | wc -l) new inputs)"
  exit 0
fi
tail -60 "$out/libfuzzer.log"
if [ -e "${findings[0]}" ]; then
  for f in "${findings[@]}"; do
    echo "finding: $f ($(stat -c %s "$f") bytes), reproduce with: dotnet $out/harness/AkkaImap.Fuzz.dll $f"
  done
  say "FOUND ${#findings[@]} crash(es) after ${runs:-?} inputs (see above)"; exit 1
fi
say "libFuzzer exited with $status without a finding (see $out/libfuzzer.log)"; exit 2
