// Generates v1 (SIMD-0385) transaction vectors with @solana/kit, decoded back by kit, in the `mevdefense tx decode` format.
// Deterministic (fixed-seed PRNG, Ed25519 signatures are deterministic).
// Outputs (committed): transactions-v1.b64, transactions-v1.expected.jsonl (CLI format), transactions-v1.config.jsonl
// ({"mask":n,"values":["decimal"...]}: the config mask and values as kit decodes them, in wire order)
// Run: cd tests/vectors && npm ci && node generate-v1.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AccountRole, appendTransactionMessageInstructions, compileTransaction, createKeyPairFromPrivateKeyBytes,
  createTransactionMessage, getAddressDecoder, getAddressFromPublicKey, getBase58Decoder, getBase64Decoder,
  getCompiledTransactionMessageDecoder, getTransactionDecoder, getTransactionEncoder, pipe, setTransactionMessageConfig,
  setTransactionMessageFeePayer, setTransactionMessageLifetimeUsingBlockhash, signTransaction,
} from '@solana/kit';

const dir = path.dirname(fileURLToPath(import.meta.url));
const COUNT = 200;
let state = 0x51d0385 >>> 0;
function rand() {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const bytes = (n) => Uint8Array.from({ length: n }, () => int(0, 255));
const pick = (a) => a[int(0, a.length - 1)];
const addr = () => getAddressDecoder().decode(bytes(32));
const b58 = getBase58Decoder();
const b64 = getBase64Decoder();

async function buildOne(i) {
  const keyPairs = [];
  for (let k = 0, n = int(1, 4); k < n; k++) keyPairs.push(await createKeyPairFromPrivateKeyBytes(bytes(32)));
  const signers = [];
  for (const kp of keyPairs) signers.push(await getAddressFromPublicKey(kp.publicKey));
  const plain = Array.from({ length: int(0, 10) }, addr);
  const programs = Array.from({ length: int(1, 3) }, addr);
  const instructions = [];
  for (const [k, s] of signers.entries()) {
    instructions.push({ programAddress: pick(programs), accounts: [{ address: s, role: k > 0 && rand() < 0.4 ? AccountRole.READONLY_SIGNER : AccountRole.WRITABLE_SIGNER }], data: bytes(int(0, 16)) });
  }
  for (let k = 0, n = int(0, 5); k < n; k++) {
    const accounts = [];
    for (let a = 0, m = plain.length ? int(0, 6) : 0; a < m; a++) accounts.push({ address: pick(plain), role: rand() < 0.5 ? AccountRole.WRITABLE : AccountRole.READONLY });
    instructions.push({ programAddress: pick(programs), accounts, data: bytes(int(0, i % 7 === 0 ? 600 : 80)) });
  }
  const config = {};
  if (rand() < 0.5) config.priorityFeeLamports = BigInt(int(0, 2 ** 31)) * 1000n;
  if (rand() < 0.5) config.computeUnitLimit = int(0, 1_400_000);
  if (rand() < 0.5) config.loadedAccountsDataSizeLimit = int(0, 64 * 1024 * 1024);
  if (rand() < 0.5) config.heapSize = 32 * 1024 * int(1, 8);
  let msg = pipe(
    createTransactionMessage({ version: 1 }),
    (m) => setTransactionMessageFeePayer(signers[0], m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: addr(), lastValidBlockHeight: 0n }, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
  );
  if (Object.keys(config).length) msg = setTransactionMessageConfig(config, msg);
  const tx = await signTransaction(keyPairs, compileTransaction(msg));
  const wire = new Uint8Array(getTransactionEncoder().encode(tx));
  let valid = true;
  if (i % 10 === 3) {
    wire[wire.length - 64 * signers.length + int(0, 64 * signers.length - 1)] ^= 1 << int(0, 7); // a signature byte (v1: signatures last)
    valid = false;
  }
  return { wire, valid };
}

function expected(wire, valid) {
  const tx = getTransactionDecoder().decode(wire);
  const m = getCompiledTransactionMessageDecoder().decode(tx.messageBytes);
  if (m.version !== 1) throw new Error('not v1');
  return {
    version: 'v1',
    signatures: Object.values(tx.signatures).map((s) => b58.decode(s)),
    header: { numRequiredSignatures: m.header.numSignerAccounts, numReadonlySigned: m.header.numReadonlySignerAccounts, numReadonlyUnsigned: m.header.numReadonlyNonSignerAccounts },
    staticKeys: m.staticAccounts,
    recentBlockhash: m.lifetimeToken,
    instructions: m.instructionHeaders.map((h, k) => ({
      programIdIndex: h.programAccountIndex,
      accounts: Array.from(m.instructionPayloads[k].instructionAccountIndices),
      data: b64.decode(m.instructionPayloads[k].instructionData),
    })),
    lookups: [],
    signaturesValid: valid,
  };
}

const lines = [], jsonl = [], configs = [];
for (let i = 0; lines.length < COUNT; i++) {
  const { wire, valid } = await buildOne(i);
  let exp;
  exp = expected(wire, valid);
  const cm = getCompiledTransactionMessageDecoder().decode(getTransactionDecoder().decode(wire).messageBytes);
  configs.push(JSON.stringify({ mask: cm.configMask, values: cm.configValues.map((v) => v.value.toString()) }));
  lines.push(Buffer.from(wire).toString('base64'));
  jsonl.push(JSON.stringify(exp));
}
fs.writeFileSync(path.join(dir, 'transactions-v1.b64'), lines.join('\n') + '\n');
fs.writeFileSync(path.join(dir, 'transactions-v1.expected.jsonl'), jsonl.join('\n') + '\n');
fs.writeFileSync(path.join(dir, 'transactions-v1.config.jsonl'), configs.join('\n') + '\n');
console.log(`wrote ${lines.length} v1 transactions`);
