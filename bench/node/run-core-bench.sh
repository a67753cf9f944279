#!/usr/bin/env bash
# Side-by-side: MevDefense TransactionReader (BenchmarkDotNet ShortRun, in-process) vs @solana/web3.js
# VersionedTransaction.deserialize (bench/node/deserialize.js) on the same vectors, in one run; prints the ratio.
# Usage: bash bench/node/run-core-bench.sh [artifacts-path]   (default: <repo>/artifacts)
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
art="${1:-$repo/artifacts}"
export MEVDEFENSE_VECTORS="$repo/tests/vectors/transactions.b64"
dotnet build "$repo/bench/MevDefense.Benchmarks" -c Release -p:ArtifactsPath="$art" -v q -nologo > /dev/null
out="$art/bdn-core"
( cd "$art" && dotnet "$art/bin/MevDefense.Benchmarks/release/MevDefense.Benchmarks.dll" \
    --filter '*TransactionDecodeBenchmarks*' --job short --inProcess --exporters csv --artifacts "$out" > "$out.log" 2>&1 )
csv="$out/results/MevDefense.Benchmarks.Core.TransactionDecodeBenchmarks-report.csv"
( cd "$repo/bench/node" && [ -d node_modules ] || npm ci --silent )
node_json=$(cd "$repo/bench/node" && node deserialize.js 2 5)
node - "$csv" "$node_json" <<'JS'
const fs = require('fs');
const [csvPath, nodeJson] = process.argv.slice(2);
const lines = fs.readFileSync(csvPath, 'utf8').trim().split('\n');
const split = (l) => l.match(/("([^"]|"")*"|[^,]+|(?<=,)(?=,|$))/g).map((s) => s.replace(/^"|"$/g, ''));
const head = split(lines[0]);
const ns = (v) => { const [n, u] = v.replace(/,/g, '').split(' '); return Number(n) * ({ ns: 1, 'μs': 1e3, us: 1e3, ms: 1e6 }[u] ?? 1); };
const web3 = JSON.parse(nodeJson);
console.log(`web3.js VersionedTransaction.deserialize: ${web3.nsPerTransaction} ns/tx (${web3.transactionsPerSecond} tx/s)`);
for (const l of lines.slice(1)) {
  const r = split(l); const get = (k) => r[head.indexOf(k)];
  const mean = ns(get('Mean'));
  console.log(`MevDefense ${get('Method')}: ${mean.toFixed(1)} ns/tx (${Math.round(1e9 / mean)} tx/s), allocated ${get('Allocated')}, ${(web3.nsPerTransaction / mean).toFixed(0)}x faster than web3.js`);
}
JS
