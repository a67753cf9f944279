#!/usr/bin/env bash
# Local Solana JSON-RPC test peer (tests/svm-peer: LiteSVM behind JSON-RPC on 127.0.0.1) for the Decision DNA anchoring tests.
# Installs the pinned npm packages from package-lock.json; the tests start the server themselves (node server.mjs --port 0).
# Idempotent: skips npm when node_modules matches the lockfile.
# Note: the registry mirror here only carries litesvm's linux-x64-gnu native package, so package-lock.json lists only that one
# under litesvm's optionalDependencies (otherwise `npm ci` refuses the lock); CI runs on linux-x64.
set -euo pipefail
cd "$(dirname "$0")/../../tests/svm-peer"
if ! command -v node >/dev/null 2>&1; then
  as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq nodejs npm >/dev/null
fi
stamp=node_modules/.mevdefense-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -d node_modules/litesvm ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "svm-peer: node_modules up to date"
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
echo "$want" > "$stamp"
# Smoke check: the native LiteSVM addon loads and the Memo program is present.
node -e "import('litesvm').then(m => { const s = new m.LiteSVM(); if (!s.getAccount('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr').exists) process.exit(1); })"
echo "svm-peer: ready"
