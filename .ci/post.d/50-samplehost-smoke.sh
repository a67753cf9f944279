#!/usr/bin/env bash
# Black-box smoke test of the sample host: start the built host on a free 127.0.0.1 port with a small generated replay,
# wait until the replay is done and the API is healthy, call every endpoint with curl (including bad input), read
# WebSocket messages from /defensive/stream, scrape /metrics, then stop the host. Bounded in time; cleans up after itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
dll="${MEVDEFENSE_SAMPLEHOST:-artifacts/bin/MevDefense.SampleHost/release/MevDefense.SampleHost.dll}"
[ -f "$dll" ] || dotnet build samples/MevDefense.SampleHost -c Release >/dev/null
dir=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
base="http://127.0.0.1:$port"

timeout 300 dotnet "$dll" --port "$port" --data "$dir/data" --slots 16 --quiet > "$dir/host.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  grep -q '^serving ' "$dir/host.log" 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { echo "sample host exited early:"; cat "$dir/host.log"; exit 1; }
  sleep 0.2
done
grep -q '^serving ' "$dir/host.log" || { echo "sample host did not finish its replay in time:"; tail -20 "$dir/host.log"; exit 1; }
grep -E '^  detections +[1-9]' "$dir/host.log" >/dev/null || { echo "the replay produced no detections"; cat "$dir/host.log"; exit 1; }

c() { curl -sS --max-time 20 -o "$dir/body" -w '%{http_code}' "$@"; }
expect() { # expect STATUS DESCRIPTION curl-args...
  local want=$1 what=$2; shift 2
  local got; got=$(c "$@")
  [ "$got" = "$want" ] || { echo "FAIL $what: HTTP $got (want $want): $(head -c 400 "$dir/body")"; exit 1; }
  echo "ok   $what ($got)"
}

expect 200 "GET /defensive/health" "$base/defensive/health"
python3 -c 'import json,sys; h=json.load(open(sys.argv[1])); assert h["status"]=="healthy", h; assert {"ledger","detection-model","anchor-rpc"} <= set(h["components"]), h' "$dir/body"
expect 200 "GET /defensive/dna/checkpoint" "$base/defensive/dna/checkpoint"
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); assert c["size"]>=1 and len(c["rootHash"])==64, c' "$dir/body"
expect 201 "POST /defensive/dna/event" -H 'Content-Type: application/json' -d '{"event_type":"SmokeTest","transaction_hash":"0xabc","block_number":7,"confidence_score":0.5}' "$base/defensive/dna/event"
id=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert all(k in r for k in ("id","sequence","hash","parent","signature","keyId")), r; print(r["id"])' "$dir/body")
expect 200 "GET /defensive/dna/events/{id}" "$base/defensive/dna/events/$id"
expect 200 "GET /defensive/dna/events/{id}/proof" "$base/defensive/dna/events/$id/proof"
python3 - "$dir/body" <<'PY'
import hashlib, json, sys
p = json.load(open(sys.argv[1]))
node = lambda l, r: hashlib.sha256(b"\x01" + l + r).digest()
fn, sn, r = p["sequence"], p["treeSize"] - 1, bytes.fromhex(p["leafHash"])
for h in (bytes.fromhex(x) for x in p["proof"]):  # RFC 9162 2.1.3.2, independent of the C# code
    if sn == 0: raise SystemExit("proof too long")
    if fn % 2 == 1 or fn == sn:
        r = node(h, r)
        while fn % 2 == 0 and fn != 0: fn >>= 1; sn >>= 1
    else:
        r = node(r, h)
    fn >>= 1; sn >>= 1
assert sn == 0 and r.hex() == p["rootHash"], "inclusion proof does not verify"
PY
echo "ok   inclusion proof verifies (independent Python check)"
features=$(python3 -c 'import json; print(json.dumps([{"hash":"0x%02x"%i,"block_number":1,"timestamp":1700000000,"from":"a","to":"p","value":0,"gas_price":1,"features":[0.0]*128} for i in range(3)]))')
expect 200 "POST /defensive/detect (features)" -H 'Content-Type: application/json' -d "$features" "$base/defensive/detect"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r["transactions"])==3 and "scores" in r["transactions"][0], r' "$dir/body"
expect 400 "POST /defensive/detect (malformed JSON)" -H 'Content-Type: application/json' -d '[{"hash":' "$base/defensive/detect"
grep -q '"reason":"malformed_json"' "$dir/body"
expect 400 "POST /defensive/detect (127 features)" -H 'Content-Type: application/json' -d "$(python3 -c 'import json; print(json.dumps([{"hash":"h","block_number":1,"features":[0]*127}]))')" "$base/defensive/detect"
expect 404 "GET /defensive/dna/events/{unknown}" "$base/defensive/dna/events/0197a0e4-0000-7000-8000-000000000000"
expect 200 "GET /defensive/openapi.json" "$base/defensive/openapi.json"
expect 200 "GET /defensive/dashboard" "$base/defensive/dashboard"

# WebSocket: connect, post two events, read the two ledger messages (a minimal RFC 6455 client).
python3 - "$port" <<'PY'
import base64, json, os, socket, sys, urllib.request
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port), timeout=20)
key = base64.b64encode(os.urandom(16)).decode()
s.sendall(("GET /defensive/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
head = b""
while b"\r\n\r\n" not in head:
    head += s.recv(1)
assert head.startswith(b"HTTP/1.1 101"), head
def recv_exact(n):
    b = b""
    while len(b) < n:
        chunk = s.recv(n - len(b))
        if not chunk: raise SystemExit("stream closed")
        b += chunk
    return b
def frame():
    b0, b1 = recv_exact(2)
    n = b1 & 0x7F
    if n == 126: n = int.from_bytes(recv_exact(2), "big")
    elif n == 127: n = int.from_bytes(recv_exact(8), "big")
    return b0 & 0x0F, recv_exact(n)
# The server registers the subscriber just after the 101 handshake, so an event posted at once may precede it:
# post one event at a time and read for a second, until two have arrived (bounded).
got = []
for i in range(30):
    if len(got) >= 2:
        break
    req = urllib.request.Request(f"http://127.0.0.1:{port}/defensive/dna/event", data=json.dumps({"event_type": "WsSmoke", "block_number": i}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    urllib.request.urlopen(req, timeout=20).read()
    s.settimeout(1.0)
    try:
        while len(got) < 2:
            op, payload = frame()
            if op == 1:
                m = json.loads(payload)
                if m.get("type") == "ledger" and m.get("eventType") == "WsSmoke":
                    got.append(m)
    except (TimeoutError, socket.timeout):
        pass
got = got[:2]
assert [m["eventType"] for m in got] == ["WsSmoke", "WsSmoke"], got
s.sendall(bytes([0x88, 0x80]) + os.urandom(4))  # masked close
print("ok   /defensive/stream delivered", len(got), "ledger messages")
PY

expect 200 "GET /metrics" "$base/metrics"
for m in defensive_detection_latency_seconds_bucket defensive_detections_total defensive_dna_operations_total defensive_api_requests_rejected_total; do
  grep -q "^$m{" "$dir/body" || { echo "FAIL /metrics lacks $m"; exit 1; }
done
grep -q '^# TYPE defensive_detections_total counter' "$dir/body"
echo "ok   /metrics has the documented series"

kill -INT "$pid"
for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
if kill -0 "$pid" 2>/dev/null; then echo "FAIL sample host did not stop on SIGINT"; exit 1; fi
pid=""
echo "sample host smoke test passed"
