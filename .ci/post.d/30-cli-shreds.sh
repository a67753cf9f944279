#!/usr/bin/env bash
# Black-box check of `mevdefense shreds decode` on ../shared/fixtures/shreds: the 8 Merkle roots and leader-signature
# results of demo-shreds.pcap equal EXPECTED.json (checked independently in Python), one 64-entry / 1,280-transaction batch
# whose first signature is EXPECTED's first_tx_sig_b58, nothing rejected; a corrupted copy is counted, not fatal.
set -euo pipefail
cd "$(dirname "$0")/../.."
dll="${MEVDEFENSE_CLI_DLL:-artifacts/bin/MevDefense.Cli/release/mevdefense.dll}"
shared="${MEVDEFENSE_SHARED:-../shared}"
fx="$shared/fixtures/shreds"
if [ ! -f "$dll" ]; then echo "30-cli-shreds: $dll not found (build MevDefense.sln -c Release first)"; exit 1; fi
if [ ! -f "$fx/demo-shreds.pcap" ]; then echo "30-cli-shreds: fixtures not found at $fx"; exit 1; fi
out=$(mktemp); bad=$(mktemp); trap 'rm -f "$out" "$bad"' EXIT

dotnet "$dll" shreds decode "$fx/demo-shreds.pcap" --leader 4rBaC4tZ4bd7fDGQpWpesBSmgqYmMzkASuZsZkbHCrBK > "$out"
python3 - "$out" "$fx/EXPECTED.json" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
exp = json.load(open(sys.argv[2]))["firedancer/demo-shreds.pcap"]
fec = [l for l in lines if l["type"] == "fecset"]
assert len(fec) == 8, len(fec)
for f in fec:
    e = exp["fec_sets"][str(f["fecSetIndex"])]
    assert f["merkleRoot"] == e["merkle_root_hex"], f
    assert f["signatureValid"] is e["leader_sig_valid"] and f["complete"] and f["dataShreds"] == 32 and f["codeShreds"] == 32, f
batches = [l for l in lines if l["type"] == "batch"]
assert len(batches) == 1 and batches[0]["entries"] == exp["entries"] and batches[0]["transactions"] == exp["txs"], batches
assert batches[0]["signatures"][0] == exp["first_tx_sig_b58"] and len(batches[0]["signatures"]) == exp["txs"]
s = lines[-1]
assert s["type"] == "summary" and s["shreds"] == exp["packets"] and s["rejected"] == {} and s["fecSets"] == 8, s
PY

# Corrupt one byte in 40 places of the pcap payloads: decoding still succeeds and rejections are counted.
python3 - "$fx/demo-shreds.pcap" "$bad" <<'PY'
import sys, random
b = bytearray(open(sys.argv[1], "rb").read())
r = random.Random(5)
for _ in range(40):
    i = r.randrange(24 + 16 + 42, len(b)); b[i] ^= 0xFF
open(sys.argv[2], "wb").write(b)
PY
dotnet "$dll" shreds decode "$bad" --format pcap --leader 4rBaC4tZ4bd7fDGQpWpesBSmgqYmMzkASuZsZkbHCrBK > "$out"
tail -n 1 "$out" | python3 -c 'import json,sys; s=json.load(sys.stdin); assert s["type"]=="summary" and s["shreds"]>=500, s'
echo "30-cli-shreds: ok (8 roots and signatures as EXPECTED.json, 1 batch of 1280 txs, corrupted capture survived)"
