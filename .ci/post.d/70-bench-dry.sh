#!/usr/bin/env bash
# Benchmarks cannot rot (STYLE.md §13-14, issue 5):
# 1. every BenchmarkDotNet suite in bench/MevDefense.Benchmarks runs once with `--job Dry` (one launch, one iteration, no
#    pilot/warm-up) from the already built Release output, in-process (no per-benchmark project generation or rebuild, which
#    would take minutes per suite on 2 cores; out-of-process also trips over other clones' MevDefense.Benchmarks.csproj when the
#    build output lives outside the repository). The program exits non-zero when any benchmark fails or a suite is invalid;
#    this script also fails when no benchmark ran at all.
# 2. the end-to-end load harness runs once on a small workload (generated slots -> shreds -> ShredPipeline -> StreamingDetector ->
#    RocksDB ledger, direct feed and loopback UDP) with --no-write; only its exit code is checked (targets are not deterministic
#    on a shared CI box, so `verify` is deliberately not used here).
# Env: MEVDEFENSE_BIN (build output root, default artifacts/bin), MEVDEFENSE_SHARED (fixtures, default ../shared).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="${MEVDEFENSE_BIN:-artifacts/bin}"
bench="$bin/MevDefense.Benchmarks/release/MevDefense.Benchmarks.dll"
load="$bin/MevDefense.LoadTest/release/MevDefense.LoadTest.dll"
for f in "$bench" "$load"; do
  [ -f "$f" ] || { echo "70-bench-dry: $f not found (build MevDefense.sln -c Release first)"; exit 1; }
done
export MEVDEFENSE_SHARED="${MEVDEFENSE_SHARED:-$(cd .. && pwd)/shared}"
export MEVDEFENSE_VECTORS="${MEVDEFENSE_VECTORS:-$PWD/tests/vectors/transactions.b64}"
out=$(mktemp -d); trap 'rm -rf "$out"' EXIT
start=$(date +%s)

echo "70-bench-dry: BenchmarkDotNet --job Dry --inProcess, all suites"
rc=0
dotnet "$bench" --filter '*' --job Dry --inProcess --artifacts "$out/bdn" > "$out/bdn.log" 2>&1 || rc=$?
grep -E '^\| +[A-Za-z]|Benchmarks with issues|ExitCode|failed|Exception' "$out/bdn.log" | tail -n 60 || true
ran=$(find "$out/bdn/results" -name '*-report-github.md' 2>/dev/null | wc -l)
echo "70-bench-dry: $ran suite reports, exit code $rc, $(( $(date +%s) - start )) s"
if [ "$rc" -ne 0 ] || [ "$ran" -eq 0 ]; then
  tail -n 80 "$out/bdn.log"
  echo "70-bench-dry: BenchmarkDotNet dry run FAILED"
  exit 1
fi

echo "70-bench-dry: load harness, small workload"
lstart=$(date +%s)
if ! dotnet "$load" run --slots 8 --tx-per-slot 50 --repeat 1 --rate 20000 --ws-clients 10 --typical-rate 0 --no-write > "$out/load.log" 2>&1; then
  tail -n 60 "$out/load.log"
  echo "70-bench-dry: load harness FAILED"
  exit 1
fi
grep -E '^\| (ingestion|decision)' "$out/load.log" || true
echo "70-bench-dry: load harness OK ($(( $(date +%s) - lstart )) s); total $(( $(date +%s) - start )) s"
