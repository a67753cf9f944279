// Generates cross-implementation transaction vectors with @solana/web3.js@1 for MevDefense.Core.
// Deterministic: a fixed-seed PRNG drives every key, instruction, lookup table and blockhash.
// Outputs (committed):
//   transactions.b64            one base64 wire transaction per line
//   transactions.expected.jsonl one JSON object per line: the fields web3.js decodes back from those bytes, in the exact
//                               `mevdefense tx decode` output format (key order included)
// Run: cd tests/vectors && npm ci && node generate.js
'use strict';
const fs = require('fs');
const path = require('path');
const web3 = require('@solana/web3.js');
const bs58 = require('bs58').default ?? require('bs58');

const COUNT = 640;
const SEED = 0x5eed2026;

// mulberry32
let state = SEED >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1)); // inclusive
const bytes = (n) => Uint8Array.from({ length: n }, () => int(0, 255));
const pick = (arr) => arr[int(0, arr.length - 1)];
const newKeypair = () => web3.Keypair.fromSeed(bytes(32));
const newPubkey = () => new web3.PublicKey(bytes(32));

function buildOne(i) {
  const versioned = i % 2 === 1; // odd: v0 (VersionedTransaction), even: legacy
  const useLegacyClass = !versioned && i % 4 === 0; // half the legacy ones through the legacy Transaction class
  const signers = Array.from({ length: int(1, 4) }, newKeypair);
  const payer = signers[0];
  const readonlySigner = new Set(signers.slice(1).filter(() => rand() < 0.4).map((k) => k.publicKey.toBase58()));
  const plain = Array.from({ length: int(0, 12) }, newPubkey);
  const programs = Array.from({ length: int(1, 4) }, newPubkey);
  const tables = [];
  if (versioned) {
    for (let t = 0, n = int(0, 4); t < n; t++) {
      tables.push(new web3.AddressLookupTableAccount({
        key: newPubkey(),
        state: { deactivationSlot: BigInt('18446744073709551615'), lastExtendedSlot: 0, lastExtendedSlotStartIndex: 0,
          authority: undefined, addresses: Array.from({ length: int(1, 30) }, newPubkey) },
      }));
    }
  }
  const tableKeys = tables.flatMap((t) => t.state.addresses);
  const instructions = [];
  for (let k = 0, n = i % 23 === 0 ? 0 : int(1, 6); k < n; k++) {
    const keys = [];
    for (let a = 0, m = int(0, 8); a < m; a++) {
      const r = rand();
      if (r < 0.25) {
        const s = pick(signers);
        keys.push({ pubkey: s.publicKey, isSigner: true, isWritable: !readonlySigner.has(s.publicKey.toBase58()) && rand() < 0.7 });
      } else if (r < 0.6 && tableKeys.length > 0) {
        keys.push({ pubkey: pick(tableKeys), isSigner: false, isWritable: rand() < 0.5 });
      } else if (plain.length > 0) {
        keys.push({ pubkey: pick(plain), isSigner: false, isWritable: rand() < 0.5 });
      }
    }
    instructions.push(new web3.TransactionInstruction({ programId: pick(programs), keys, data: Buffer.from(bytes(int(0, 64))) }));
  }
  // every signer must appear somewhere so that it is a required signer
  for (const s of signers.slice(1)) {
    if (!instructions.some((ix) => ix.keys.some((k) => k.pubkey.equals(s.publicKey)))) {
      instructions.push(new web3.TransactionInstruction({ programId: pick(programs),
        keys: [{ pubkey: s.publicKey, isSigner: true, isWritable: !readonlySigner.has(s.publicKey.toBase58()) }], data: Buffer.alloc(0) }));
    }
  }
  const recentBlockhash = new web3.PublicKey(bytes(32)).toBase58();
  let wire;
  if (useLegacyClass) {
    const tx = new web3.Transaction({ feePayer: payer.publicKey, recentBlockhash });
    tx.add(...instructions);
    tx.sign(...signers);
    wire = tx.serialize();
  } else {
    const msg = new web3.TransactionMessage({ payerKey: payer.publicKey, recentBlockhash, instructions });
    const compiled = versioned ? msg.compileToV0Message(tables) : msg.compileToLegacyMessage();
    const tx = new web3.VersionedTransaction(compiled);
    tx.sign(signers);
    wire = tx.serialize();
  }
  wire = Buffer.from(wire);
  let valid = true;
  if (i % 10 === 7) {
    // corrupt one signature byte: still decodes, signaturesValid must be false
    const sigCount = wire[0];
    const at = 1 + 64 * int(0, sigCount - 1) + int(0, 63);
    wire[at] ^= 1 << int(0, 7);
    valid = false;
  }
  return { wire, valid };
}

function expected(wire, valid) {
  const tx = web3.VersionedTransaction.deserialize(wire);
  const m = tx.message;
  const v0 = m.version === 0;
  return {
    version: v0 ? 'v0' : 'legacy',
    signatures: tx.signatures.map((s) => bs58.encode(s)),
    header: {
      numRequiredSignatures: m.header.numRequiredSignatures,
      numReadonlySigned: m.header.numReadonlySignedAccounts,
      numReadonlyUnsigned: m.header.numReadonlyUnsignedAccounts,
    },
    staticKeys: m.staticAccountKeys.map((k) => k.toBase58()),
    recentBlockhash: m.recentBlockhash,
    instructions: m.compiledInstructions.map((ix) => ({
      programIdIndex: ix.programIdIndex,
      accounts: Array.from(ix.accountKeyIndexes),
      data: Buffer.from(ix.data).toString('base64'),
    })),
    lookups: m.addressTableLookups.map((l) => ({
      table: l.accountKey.toBase58(),
      writable: Array.from(l.writableIndexes),
      readonly: Array.from(l.readonlyIndexes),
    })),
    signaturesValid: valid,
  };
}

const lines = [];
const jsonl = [];
let legacy = 0, v0 = 0, retries = 0;
for (let i = 0; lines.length < COUNT; i++) {
  let built;
  try {
    built = buildOne(i);
  } catch (e) {
    retries++; // e.g. "Transaction too large"; the PRNG moves on, so the output stays deterministic
    continue;
  }
  if (built.wire.length > 1232) { retries++; continue; }
  const exp = expected(built.wire, built.valid);
  if (exp.version === 'v0') v0++; else legacy++;
  lines.push(built.wire.toString('base64'));
  jsonl.push(JSON.stringify(exp));
}
fs.writeFileSync(path.join(__dirname, 'transactions.b64'), lines.join('\n') + '\n');
fs.writeFileSync(path.join(__dirname, 'transactions.expected.jsonl'), jsonl.join('\n') + '\n');
console.log(`wrote ${lines.length} transactions (${legacy} legacy, ${v0} v0; ${retries} oversized attempts skipped)`);
