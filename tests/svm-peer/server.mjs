// Local Solana JSON-RPC test peer for the Decision DNA anchoring tests (tests/MevDefense.Dna.Tests/Anchoring).
// A LiteSVM (real SBF runtime: executes the SPL Memo program, verifies Ed25519 signatures, charges fees) behind the handful of
// JSON-RPC methods the SDK's anchoring client uses. Listens on 127.0.0.1 only.
//
//   node server.mjs [--port 0] [--airdrop <address>[,<address>...]] [--drop-first-sends N] [--blocks-per-status-poll N]
//
// Prints "LISTENING <port>" once ready. Semantics (a faithful-enough double, not a validator):
// - every landed transaction is immediately "finalized"; the slot (= block height) advances by one per landed transaction;
// - a blockhash is valid for 150 blocks (lastValidBlockHeight = height + 150 when first handed out), after which sends that use
//   it fail with BlockhashNotFound and getLatestBlockhash hands out a fresh one;
// - fault injection for retry tests: --drop-first-sends N silently drops (never executes) every send of the first N distinct
//   transactions while answering with their signature; --blocks-per-status-poll N advances the height by N on every
//   getSignatureStatuses call, so dropped transactions expire after a few polls.
import http from 'node:http';
import { LiteSVM } from 'litesvm';
import {
  getBase58Decoder, getTransactionDecoder, getCompiledTransactionMessageDecoder, lamports,
} from '@solana/kit';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt; };
const port = Number(opt('--port', '0'));
const dropFirst = Number(opt('--drop-first-sends', '0'));
const blocksPerPoll = BigInt(opt('--blocks-per-status-poll', '0'));
const PACKET_DATA_SIZE = 1232;
const VALID_BLOCKS = 150n;

const svm = new LiteSVM();
const b58 = getBase58Decoder();
const txDecoder = getTransactionDecoder();
const msgDecoder = getCompiledTransactionMessageDecoder();

let height = svm.getClock().slot;
const blockhashes = new Map(); // blockhash -> lastValidBlockHeight
const landed = new Map();      // signature -> { slot, blockTime, wire, logs, fee }
const dropped = new Set();     // signatures of dropped transactions
let distinctSends = 0;

for (const a of (opt('--airdrop', '') || '').split(',').filter(Boolean)) {
  const r = svm.airdrop(a, lamports(10_000_000_000n));
  if (!r || typeof r.err === 'function') throw new Error(`airdrop to ${a} failed`);
}

function currentBlockhash() {
  let bh = svm.latestBlockhash();
  if (blockhashes.has(bh) && blockhashes.get(bh) < height) {
    svm.expireBlockhash(); // the old one expired: hand out a fresh one
    bh = svm.latestBlockhash();
  }
  if (!blockhashes.has(bh)) blockhashes.set(bh, height + VALID_BLOCKS);
  return bh;
}

function advance(n) {
  height += n;
  svm.warpToSlot(height);
}

class RpcError extends Error { constructor(code, message, data) { super(message); this.code = code; this.data = data; } }

function sendTransaction([encoded, config]) {
  if ((config?.encoding ?? 'base58') !== 'base64') throw new RpcError(-32602, 'only base64 encoding is supported');
  const wire = Buffer.from(encoded, 'base64');
  if (wire.length > PACKET_DATA_SIZE) {
    throw new RpcError(-32602, `base64 encoded solana_transaction::versioned::VersionedTransaction too large: ${wire.length} bytes (max: ${PACKET_DATA_SIZE} bytes)`);
  }
  let tx, msg;
  try {
    tx = txDecoder.decode(wire);
    msg = msgDecoder.decode(tx.messageBytes);
  } catch (e) {
    throw new RpcError(-32602, 'failed to deserialize transaction: ' + e.message);
  }
  const signature = Object.values(tx.signatures)[0] ? b58.decode(Object.values(tx.signatures)[0]) : null;
  if (!signature) throw new RpcError(-32602, 'transaction has no signature');
  if (landed.has(signature)) throw new RpcError(-32002, 'Transaction simulation failed: This transaction has already been processed', { err: 'AlreadyProcessed', logs: [] });
  if (dropped.has(signature)) return signature;
  if (distinctSends++ < dropFirst) { dropped.add(signature); return signature; }
  const lastValid = blockhashes.get(msg.lifetimeToken);
  if (lastValid === undefined || lastValid < height) {
    throw new RpcError(-32002, 'Transaction simulation failed: Blockhash not found', { err: 'BlockhashNotFound', logs: [] });
  }
  const result = svm.sendTransaction(tx);
  if (typeof result.err === 'function') {
    const meta = result.meta();
    throw new RpcError(-32002, 'Transaction simulation failed: ' + result.toString(), { err: String(result.err()), logs: meta.logs() });
  }
  advance(1n);
  landed.set(signature, { slot: height, blockTime: Math.floor(Date.now() / 1000), wire, msg, logs: result.logs(), fee: 5000 * msg.header.numSignerAccounts });
  return signature;
}

function getTransaction([signature]) {
  const t = landed.get(signature);
  if (!t) return null;
  const tx = txDecoder.decode(t.wire);
  return {
    slot: Number(t.slot),
    blockTime: t.blockTime,
    meta: { err: null, status: { Ok: null }, fee: t.fee, logMessages: t.logs, preBalances: [], postBalances: [] },
    transaction: {
      signatures: Object.values(tx.signatures).map((s) => b58.decode(s)),
      message: {
        header: {
          numRequiredSignatures: t.msg.header.numSignerAccounts,
          numReadonlySignedAccounts: t.msg.header.numReadonlySignerAccounts,
          numReadonlyUnsignedAccounts: t.msg.header.numReadonlyNonSignerAccounts,
        },
        accountKeys: t.msg.staticAccounts.map(String),
        recentBlockhash: t.msg.lifetimeToken,
        instructions: t.msg.instructions.map((ix) => ({
          programIdIndex: ix.programAddressIndex,
          accounts: ix.accountIndices ?? [],
          data: b58.decode(ix.data ?? new Uint8Array()),
        })),
      },
    },
    version: 'legacy',
  };
}

const methods = {
  getHealth: () => 'ok',
  getSlot: () => Number(height),
  getBlockHeight: () => Number(height),
  getLatestBlockhash: () => {
    const blockhash = currentBlockhash();
    return { context: { slot: Number(height) }, value: { blockhash, lastValidBlockHeight: Number(blockhashes.get(blockhash)) } };
  },
  isBlockhashValid: ([bh]) => ({ context: { slot: Number(height) }, value: blockhashes.has(bh) && blockhashes.get(bh) >= height }),
  sendTransaction,
  getSignatureStatuses: ([sigs]) => {
    if (blocksPerPoll > 0n) advance(blocksPerPoll);
    return {
      context: { slot: Number(height) },
      value: sigs.map((s) => {
        const t = landed.get(s);
        return t ? { slot: Number(t.slot), confirmations: null, err: null, status: { Ok: null }, confirmationStatus: 'finalized' } : null;
      }),
    };
  },
  getTransaction,
  getBalance: ([a]) => ({ context: { slot: Number(height) }, value: Number(svm.getBalance(a) ?? 0n) }),
  requestAirdrop: ([a, amount]) => {
    const r = svm.airdrop(a, lamports(BigInt(amount)));
    if (!r || typeof r.err === 'function') throw new RpcError(-32603, 'airdrop failed');
    return b58.decode(r.signature());
  },
};

function handle(req) {
  const base = { jsonrpc: '2.0', id: req?.id ?? null };
  const fn = methods[req?.method];
  if (!fn) return { ...base, error: { code: -32601, message: 'Method not found' } };
  try {
    return { ...base, result: fn(req.params ?? []) };
  } catch (e) {
    if (e instanceof RpcError) return { ...base, error: { code: e.code, message: e.message, ...(e.data ? { data: e.data } : {}) } };
    return { ...base, error: { code: -32603, message: 'Internal error: ' + e.message } };
  }
}

const server = http.createServer((request, response) => {
  const chunks = [];
  request.on('data', (c) => chunks.push(c));
  request.on('end', () => {
    let body;
    try {
      const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      body = Array.isArray(parsed) ? parsed.map(handle) : handle(parsed);
    } catch {
      body = { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } };
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
// Exit with the parent: the test closes our stdin when it is done (or dies).
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
