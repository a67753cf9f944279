#!/usr/bin/env bash
# Black-box check of the Decision DNA CLI: append two records, verify (exit 0), prove one (the proof verifies against the
# printed checkpoint), sign a checkpoint, and verify with a foreign key (must exit 1 and name sequence 0).
set -euo pipefail
cd "$(dirname "$0")/../.."
cli="${MEVDEFENSE_CLI:-artifacts/bin/MevDefense.Cli/release/mevdefense.dll}"
[ -f "$cli" ] || dotnet build src/MevDefense.Cli -c Release >/dev/null
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
m() { dotnet "$cli" "$@"; }

m dna append --store "$dir/s" --type SandwichDetected --json '{"slot":123,"confidence":0.9,"amounts":{"loss":"12.50"}}' > "$dir/a.json"
m dna append --store "$dir/s" --type custom.Flag --json '{"slot":124}' > "$dir/b.json"
python3 - "$dir/a.json" "$dir/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in ("id", "sequence", "hash", "parent", "signature", "keyId"):
    assert k in a and k in b, k
assert (a["sequence"], b["sequence"]) == (0, 1)
assert b["parent"] == a["hash"] and a["parent"] == "0" * 64
PY
m dna verify --store "$dir/s" | grep -q '^ok: 2 records'
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$dir/a.json")
m dna proof --store "$dir/s" --id "$id" > "$dir/proof.json"
python3 - "$dir/proof.json" <<'PY'
import base64, hashlib, json, sys
p = json.load(open(sys.argv[1]))
node = lambda l, r: hashlib.sha256(b"\x01" + l + r).digest()
# RFC 9162 section 2.1.3.2 inclusion verification, independent of the C# code.
fn, sn, r = p["sequence"], p["treeSize"] - 1, bytes.fromhex(p["leafHash"])
for h in map(bytes.fromhex, p["proof"]):
    assert sn != 0
    if fn & 1 or fn == sn:
        r = node(h, r)
        while fn & 1 == 0 and fn != 0:
            fn >>= 1; sn >>= 1
    else:
        r = node(r, h)
    fn >>= 1; sn >>= 1
assert sn == 0 and r.hex() == p["rootHash"]
lines = p["checkpoint"].split("\n")
assert base64.b64decode(lines[2]).hex() == p["rootHash"] and int(lines[1]) == p["treeSize"]
assert p["tlogProof"].startswith("c2sp.org/tlog-proof@v1\n")
PY
m dna checkpoint --store "$dir/s" 2>/dev/null | head -1 | grep -q 'mevdefense.local/dna'
m dna append --store "$dir/other" --type x --json '{}' > /dev/null
set +e
out=$(m dna verify --store "$dir/s" --key "$dir/other/signing.key")
rc=$?
set -e
[ "$rc" -eq 1 ] && grep -q 'FAIL at sequence 0' <<<"$out"
echo "dna cli: ok"
