#!/usr/bin/env python3
"""Holds TCP connections open against a server, bounded in count and time.

    holder.py HOST PORT COUNT KIND SECONDS

KIND idle:  each connection asks for /hello.txt, reads the whole answer and
            stays open, idle between requests (keep-alive).
KIND stuck: each connection, with the smallest receive buffer the kernel
            allows, pipelines 10 requests for /index.html, the last with
            "Connection: close", and never reads: the server's answers stall
            behind a shut window and it closes (an orphan it cannot finish).

KIND drip:  one connection, receive buffer as small, pipelines 200 requests,
            never reads, and sends 2 bytes (an empty line, which a server
            skips before a request) every 5 s; prints "reset after S s"
            when the server gives it up, or "open after S s".

Prints "holding N" once every connection is made (N: how many were), then
keeps them for SECONDS and exits.
"""
import socket
import sys
import time


def read_answer(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        if not chunk:
            return False
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(body) < length:
        chunk = s.recv(4096)
        if not chunk:
            return False
        body += chunk
    return head.startswith(b"HTTP/1.1 200")


def drip(s, seconds):
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        time.sleep(5)
        try:
            s.sendall(b"\r\n")
        except OSError:
            print("reset after %.1f s" % (time.monotonic() - start), flush=True)
            return
    print("open after %.1f s" % (time.monotonic() - start), flush=True)


def main(argv):
    host, port, count, kind, seconds = argv[1], int(argv[2]), int(argv[3]), argv[4], float(argv[5])
    held = []
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(2)
        if kind in ("stuck", "drip"):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
        try:
            s.connect((host, port))
            if kind == "idle":
                s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
                if not read_answer(s):
                    s.close()
                    continue
            elif kind == "drip":
                s.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n" * 200)
            else:
                req = b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"
                s.sendall(req * 9 + req.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
            held.append(s)
        except OSError:
            s.close()
    print("holding %d" % len(held), flush=True)
    if kind == "drip":
        drip(held[0], seconds)
        return
    time.sleep(seconds)
    for s in held:
        s.close()


if __name__ == "__main__":
    main(sys.argv)
