#!/usr/bin/env python3
# Byte-exact HTTP requests over raw TCP, for tests/website/nginx-conformance.test.ts.
#
#   python3 raw-http.py HOST PORT requests.json > answers.json
#
# requests.json is a list of {"name", "bytes" (base64)}; each is written on
# a connection of its own, all at once (one thread each), and the answer
# read until the server closes or, once it has said something, stays
# silent for IDLE seconds (a persistent connection; a loaded machine may
# be slow to answer at all, not to finish); nothing waits longer than
# DEADLINE seconds, so a run is bounded whatever the server does. answers.json maps each name to
# {"bytes" (base64), "closed": whether the server closed (or reset) the
# connection}.
import base64, json, socket, sys, threading, time

IDLE = 1.5
DEADLINE = 5.0


def ask(host, port, request, out):
    s = socket.create_connection((host, port), timeout=3)
    got = b""
    closed = False
    try:
        s.sendall(request)
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            left = max(0.01, end - time.monotonic())
            s.settimeout(min(IDLE, left) if got else left)
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            got += chunk
    finally:
        s.close()
    out.update(bytes=base64.b64encode(got).decode(), closed=closed)


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    with open(sys.argv[3]) as f:
        requests = json.load(f)
    answers = {r["name"]: {} for r in requests}
    threads = [threading.Thread(target=ask, args=(host, port, base64.b64decode(r["bytes"]), answers[r["name"]]))
               for r in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLINE + 5)
    json.dump(answers, sys.stdout)


main()
