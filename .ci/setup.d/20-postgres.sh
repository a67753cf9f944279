#!/usr/bin/env bash
# PostgreSQL (and strace) for the Decision DNA store tests; PostgreSQL serves (tests/MevDefense.Dna.Tests/Stores/PostgresDnaStoreConformanceTests.cs).
# Installs the Debian package if needed, starts a cluster listening on 127.0.0.1:5432, and creates the test role and database.
# Idempotent and quick when already done. Tests use MEVDEFENSE_PG or the default
#   Host=127.0.0.1;Port=5432;Username=mevdefense;Password=mevdefense;Database=mevdefense_test
set -euo pipefail
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }

# Also strace, for the Decision DNA fault-injection tests (tests/MevDefense.Dna.Tests/Crash). One apt-get update at most.
missing=()
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then missing+=(postgresql); fi
if ! command -v strace >/dev/null 2>&1; then missing+=(strace); fi
if [ "${#missing[@]}" -gt 0 ]; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
fi

ver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main"' | grep -q .; then
  as_root pg_createcluster "$ver" main >/dev/null
fi
# Listen on loopback only.
conf_dir=/etc/postgresql/$ver/main/conf.d
if [ ! -f "$conf_dir/mevdefense.conf" ]; then
  as_root mkdir -p "$conf_dir"
  printf "listen_addresses = '127.0.0.1'\n" | as_root tee "$conf_dir/mevdefense.conf" >/dev/null
fi
if ! pg_lsclusters -h | awk -v v="$ver" '$1 == v && $2 == "main" && $4 == "online"' | grep -q .; then
  as_root pg_ctlcluster "$ver" main start
  # Remember that CI started it, so .ci/teardown.d/20-postgres.sh stops only what it started.
  if [ -n "${MEVDEFENSE_CI_STATE:-}" ]; then mkdir -p "$MEVDEFENSE_CI_STATE" && echo "$ver" > "$MEVDEFENSE_CI_STATE/dna-postgres-started"; fi
fi

for _ in $(seq 1 50); do
  as_root su postgres -c "pg_isready -q -h 127.0.0.1 -p 5432" && break
  sleep 0.2
done

psql_su() { as_root su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -h 127.0.0.1 -p 5432 -d postgres -c \"$1\""; }
# local peer auth for the postgres OS user is over the socket; use it for administration.
psql_sock() { as_root su postgres -c "psql -v ON_ERROR_STOP=1 -qAt -d postgres -c \"$1\""; }
if [ "$(psql_sock "SELECT 1 FROM pg_roles WHERE rolname = 'mevdefense'")" != "1" ]; then
  psql_sock "CREATE ROLE mevdefense LOGIN PASSWORD 'mevdefense'"
fi
if [ "$(psql_sock "SELECT 1 FROM pg_database WHERE datname = 'mevdefense_test'")" != "1" ]; then
  psql_sock "CREATE DATABASE mevdefense_test OWNER mevdefense"
fi
PGPASSWORD=mevdefense psql -qAt -h 127.0.0.1 -p 5432 -U mevdefense -d mevdefense_test -c "SELECT 1" >/dev/null
echo "postgres $ver ready on 127.0.0.1:5432 (database mevdefense_test)"
