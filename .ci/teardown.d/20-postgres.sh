#!/usr/bin/env bash
# Stops the PostgreSQL cluster only if .ci/setup.d/20-postgres.sh started it in this CI run.
set -uo pipefail
state="${MEVDEFENSE_CI_STATE:-}/dna-postgres-started"
[ -n "${MEVDEFENSE_CI_STATE:-}" ] && [ -f "$state" ] || exit 0
ver=$(cat "$state")
if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster "$ver" main stop || true; else sudo -n pg_ctlcluster "$ver" main stop || true; fi
rm -f "$state"
