#!/usr/bin/env bash
# Black-box check of `mevdefense tx decode` on the committed web3.js vectors (tests/vectors/transactions.b64):
# exit code 0, one JSON line per transaction, output identical to the web3.js-decoded expectations, and an
# undecodable line yields {"error":...} with exit code 1 while the following line is still decoded.
set -euo pipefail
cd "$(dirname "$0")/../.."
dll="${MEVDEFENSE_CLI_DLL:-artifacts/bin/MevDefense.Cli/release/mevdefense.dll}"
if [ ! -f "$dll" ]; then
  echo "10-cli-tx: $dll not found (build MevDefense.sln -c Release first)"; exit 1
fi
vectors=tests/vectors/transactions.b64
expected=tests/vectors/transactions.expected.jsonl
out=$(mktemp); trap 'rm -f "$out"' EXIT

dotnet "$dll" tx decode --file "$vectors" > "$out"
want=$(grep -c . "$vectors"); got=$(wc -l < "$out")
[ "$got" -eq "$want" ] || { echo "10-cli-tx: expected $want lines, got $got"; exit 1; }
grep -q '"version":"v0"' "$out" && grep -q '"version":"legacy"' "$out" || { echo "10-cli-tx: missing versions"; exit 1; }
diff -q "$out" "$expected" > /dev/null || { echo "10-cli-tx: output differs from $expected"; diff "$out" "$expected" | head -5; exit 1; }

# v1 (SIMD-0385) vectors generated and decoded by @solana/kit
dotnet "$dll" tx decode --file tests/vectors/transactions-v1.b64 > "$out"
diff -q "$out" tests/vectors/transactions-v1.expected.jsonl > /dev/null || { echo "10-cli-tx: v1 output differs from kit"; exit 1; }

set +e
printf 'not-base64!\n%s\n' "$(head -n 1 "$vectors")" | dotnet "$dll" tx decode --file - > "$out"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "10-cli-tx: expected exit 1 for an undecodable line, got $rc"; exit 1; }
[ "$(sed -n 1p "$out")" = '{"error":"invalid base64"}' ] || { echo "10-cli-tx: bad error line: $(sed -n 1p "$out")"; exit 1; }
[ "$(sed -n 2p "$out")" = "$(head -n 1 "$expected")" ] || { echo "10-cli-tx: line after an error not decoded"; exit 1; }
echo "10-cli-tx: ok ($got transactions decoded, error line handled)"
