#!/usr/bin/env bash
# Black-box check of `mevdefense scenario|detect|eval` (issue 7): a small labelled scenario (seed 9, 16 slots) is written
# as slots JSON lines and as getBlock responses; `detect --alts` must decode everything, print the issue-7 JSON lines
# (sandwich/arbitrage/jit/backrun then one summary line), and its sandwiches must all be labelled ones (recall >= 0.8);
# without --alts the summary must report unresolved swaps; `eval` on one held-out seed must meet the sandwich target.
set -euo pipefail
cd "$(dirname "$0")/../.."
dll="${MEVDEFENSE_CLI_DLL:-artifacts/bin/MevDefense.Cli/release/mevdefense.dll}"
[ -f "$dll" ] || { echo "70-detect: $dll not found (build MevDefense.sln -c Release first)"; exit 1; }
dir=$(mktemp -d); trap 'rm -rf "$dir"' EXIT

dotnet "$dll" scenario --seed 9 --slots 16 --out "$dir/slots.jsonl" --alts-out "$dir/alts.json" --labels-out "$dir/labels.jsonl" > /dev/null
dotnet "$dll" scenario --seed 9 --slots 16 --format getblock --out "$dir/blocks.jsonl" > /dev/null
dotnet "$dll" detect "$dir/slots.jsonl" --alts "$dir/alts.json" > "$dir/out.jsonl"
dotnet "$dll" detect "$dir/blocks.jsonl" --format getblock --alts "$dir/alts.json" > "$dir/out-getblock.jsonl"
dotnet "$dll" detect "$dir/slots.jsonl" > "$dir/out-noalts.jsonl"
diff -q "$dir/out.jsonl" "$dir/out-getblock.jsonl" > /dev/null || { echo "70-detect: slots and getblock inputs disagree"; exit 1; }

python3 - "$dir" <<'PY'
import json, sys
d = sys.argv[1]
out = [json.loads(l) for l in open(f"{d}/out.jsonl")]
labels = [json.loads(l) for l in open(f"{d}/labels.jsonl")]
summary = out[-1]
assert summary["kind"] == "summary", "last line must be the summary"
assert all(o["kind"] != "summary" for o in out[:-1]), "exactly one summary line"
assert summary["decodeErrors"] == 0 and summary["unresolvedSwaps"] == 0, summary
keys = {"sandwich": ["kind", "slot", "front", "victims", "back", "attacker", "pool", "confidence", "estimatedVictimLoss"],
        "arbitrage": ["kind", "slot", "tx", "confidence"]}
for o in out[:-1]:
    if o["kind"] in keys:
        assert list(o.keys()) == keys[o["kind"]], f"bad keys {list(o.keys())}"
    assert 0 <= o["confidence"] <= 1
truth = {(l["front"], l["back"]) for l in labels if l["kind"] == "Sandwich"}
found = {(o["front"], o["back"]) for o in out if o["kind"] == "sandwich"}
assert found <= truth, f"unlabelled sandwiches reported: {found - truth}"
recall = len(found) / max(1, len(truth))
assert recall >= 0.8, f"sandwich recall {recall:.2f}"
assert summary["sandwich"] == len(found)
noalts = [json.loads(l) for l in open(f"{d}/out-noalts.jsonl")][-1]
assert noalts["unresolvedSwaps"] > 0, "without --alts, unresolved swaps must be reported"
print(f"70-detect: ok ({summary['transactions']} transactions, {len(found)}/{len(truth)} labelled sandwiches, {noalts['unresolvedSwaps']} unresolved without --alts)")
PY

dotnet "$dll" eval --seeds 5001 --slots 48 --model none > "$dir/eval.txt" || { cat "$dir/eval.txt"; echo "70-detect: eval target not met"; exit 1; }
grep -q '^rules       sandwich' "$dir/eval.txt" || { echo "70-detect: eval printed no sandwich row"; exit 1; }
echo "70-detect: eval ok ($(tail -n 1 "$dir/eval.txt"))"
