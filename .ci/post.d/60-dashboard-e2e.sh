#!/usr/bin/env bash
# Live dashboard end-to-end test in headless Debian chromium (playwright-core); see tests/dashboard-e2e/dashboard.test.mjs.
# Locally it skips (exit 0 with a message) when chromium or the npm packages are missing; under CI=true it fails instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v chromium >/dev/null 2>&1 || [ ! -d tests/dashboard-e2e/node_modules/playwright-core ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "dashboard e2e: chromium or tests/dashboard-e2e/node_modules missing (run .ci/setup.d/40-chromium.sh)"; exit 1
  fi
  echo "dashboard e2e: SKIPPED (chromium or npm packages missing; run .ci/setup.d/40-chromium.sh)"; exit 0
fi
dll="${MEVDEFENSE_SAMPLEHOST:-artifacts/bin/MevDefense.SampleHost/release/MevDefense.SampleHost.dll}"
[ -f "$dll" ] || dotnet build samples/MevDefense.SampleHost -c Release >/dev/null
MEVDEFENSE_SAMPLEHOST="$(realpath "$dll")" timeout 300 node tests/dashboard-e2e/dashboard.test.mjs
