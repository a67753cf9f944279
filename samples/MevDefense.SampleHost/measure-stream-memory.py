#!/usr/bin/env python3
# Usage: start the sample host (dotnet run --project samples/MevDefense.SampleHost -- --port 8000), then
#   python3 samples/MevDefense.SampleHost/measure-stream-memory.py 8000 <host pid> 500
# Measure memory per idle /defensive/stream WebSocket connection of a running sample host (RSS delta / N).
import base64, os, socket, sys, time, json, urllib.request
port, pid, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def rss():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1]) * 1024
def connect():
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET /defensive/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    h = b""
    while b"\r\n\r\n" not in h: h += s.recv(1)
    assert h.startswith(b"HTTP/1.1 101"), h
    return s
warm = [connect() for _ in range(20)]  # warm up pools/JIT
time.sleep(1)
before = rss()
socks = [connect() for _ in range(n)]
# one published message per connection so every send path is used
req = urllib.request.Request(f"http://127.0.0.1:{port}/defensive/dna/event", data=b'{"event_type":"MemProbe"}', headers={"Content-Type": "application/json"}, method="POST")
urllib.request.urlopen(req, timeout=20).read()
time.sleep(2)
after = rss()
print(json.dumps({"connections": n, "rss_before": before, "rss_after": after, "bytes_per_connection": (after - before) / n}))
for s in socks + warm: s.close()
