// Times @solana/web3.js VersionedTransaction.deserialize on the committed vectors (tests/vectors/transactions.b64),
// the counterpart of bench/MevDefense.Benchmarks/Core/TransactionDecodeBenchmarks.cs.
// Run: cd bench/node && npm ci && node deserialize.js [seconds-per-round=2] [rounds=5]
'use strict';
const fs = require('fs');
const path = require('path');
const { VersionedTransaction } = require('@solana/web3.js');

const file = process.env.MEVDEFENSE_VECTORS || path.join(__dirname, '..', '..', 'tests', 'vectors', 'transactions.b64');
const wires = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => Uint8Array.from(Buffer.from(l, 'base64')));
const seconds = Number(process.argv[2] || 2);
const rounds = Number(process.argv[3] || 5);

let sink = 0;
function pass() {
  for (const w of wires) {
    const tx = VersionedTransaction.deserialize(w);
    sink += tx.message.compiledInstructions.length;
  }
}

// warm-up (JIT)
const warmEnd = process.hrtime.bigint() + 1_000_000_000n;
while (process.hrtime.bigint() < warmEnd) pass();

const results = [];
for (let r = 0; r < rounds; r++) {
  let n = 0;
  const start = process.hrtime.bigint();
  const end = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < end) {
    pass();
    n += wires.length;
    now = process.hrtime.bigint();
  }
  results.push(Number(now - start) / n);
}
results.sort((a, b) => a - b);
const median = results[Math.floor(results.length / 2)];
console.log(JSON.stringify({
  library: '@solana/web3.js ' + require('@solana/web3.js/package.json').version,
  node: process.version,
  vectors: wires.length,
  nsPerTransaction: Number(median.toFixed(1)),
  transactionsPerSecond: Math.round(1e9 / median),
  roundsNs: results.map((x) => Number(x.toFixed(1))),
  sink: sink > 0,
}));
