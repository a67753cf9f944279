#!/bin/bash
# Regenerates src/*/PublicAPI.Unshipped.txt from RS0016 diagnostics (everything is unshipped before 1.0).
set -u
cd "${1:-$(dirname "$0")/..}"
for p in Core Ingest Dna Detection AspNetCore; do
  d=src/MevDefense.$p
  [ -f $d/PublicAPI.Shipped.txt ] || printf '#nullable enable\n' > $d/PublicAPI.Shipped.txt
  printf '#nullable enable\n' > $d/PublicAPI.Unshipped.txt
  dotnet build $d -c Release -p:ArtifactsPath=/tmp/art/pubapi --no-incremental 2>&1 \
    | grep -o "RS0016: Symbol '.*' is not part of the declared public API" \
    | sed "s/RS0016: Symbol '//; s/' is not part of the declared public API//" | LC_ALL=C sort -u >> $d/PublicAPI.Unshipped.txt
  echo "$p: $(($(wc -l < $d/PublicAPI.Unshipped.txt)-1)) public symbols"
  dotnet build $d -c Release -p:ArtifactsPath=/tmp/art/pubapi 2>&1 | grep -E " error " | sed 's/.*error //' | cut -c1-160 | sort -u | head -20
done
