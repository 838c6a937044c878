#!/usr/bin/env python3
"""The crafted-frame peer of the attack suite (tests/attack/*.test.ts).

It runs inside the namespace a test made, sends what no socket API sends
(IPv4 datagrams built byte by byte through a raw socket), and reports what
came back. Every mode is bounded: a count of datagrams and a wait in
seconds. Output: one line, "sent N received M".

  peer.py udp SRC SPORT DST DPORT COUNT WAIT [PAYLOAD]
      COUNT UDP datagrams SRC:SPORT -> DST:DPORT (DST may be a broadcast
      address); counts the UDP datagrams that come back to SPORT within
      WAIT seconds of the last one sent.
  peer.py syn SRC DST DPORT COUNT RATE FLAGS
      COUNT TCP segments with FLAGS (letters of SFRPAU) from SRC (or from
      each of a.b.c.X-Y in turn), random source ports, RATE a second at
      most (0: as fast as it can); counts segments that come back from
      DST:DPORT to our own address.
  peer.py ping SRC DST COUNT WAIT [OPTIONS_HEX]
      COUNT echo requests, with the IPv4 options given (hex); counts the
      echo replies.
  peer.py garp IFACE MAC IP COUNT WAIT
      COUNT gratuitous ARP requests on IFACE claiming IP for MAC; counts
      ARP packets that come back announcing IP from another MAC (RFC 5227
      §2.4 defences).
  peer.py junk IFACE COUNT [RATE]
      COUNT broadcast Ethernet frames of an EtherType nobody speaks, RATE
      a second (paced every 100 frames; as fast as it can without);
      received is 0.
"""
import random
import select
import socket
import struct
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, ident, options=b""):
    hl = 20 + len(options)
    h = struct.pack("!BBHHHBBH4s4s", 0x40 | (hl // 4), 0, hl + len(payload), ident & 0xFFFF, 0, 64, proto, 0,
                    socket.inet_aton(src), socket.inet_aton(dst)) + options
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def sources(spec):
    """"10.0.0.1" or "10.0.0.100-250": the addresses, in turn."""
    if "-" not in spec:
        return [spec]
    net, last = spec.rsplit(".", 1)
    a, b = (int(x) for x in last.split("-"))
    return ["%s.%d" % (net, x) for x in range(a, b + 1)]


def mac_bytes(text):
    return bytes(int(x, 16) for x in text.split(":"))


def arp_sender(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
    s.bind((iface, 0))
    return s


def pseudo(src, dst, proto, seg):
    return socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, proto, len(seg))


def udp(src, sport, dst, dport, data):
    u = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    s = csum(pseudo(src, dst, 17, u) + u) or 0xFFFF
    return u[:6] + struct.pack("!H", s) + u[8:]


FLAGS = {"F": 1, "S": 2, "R": 4, "P": 8, "A": 16, "U": 32}


def tcp(src, sport, dst, dport, flags):
    bits = sum(FLAGS[c] for c in flags)
    t = struct.pack("!HHIIBBHHH", sport, dport, random.getrandbits(32), 0, 5 << 4, bits, 64240, 0, 0)
    return t[:16] + struct.pack("!H", csum(pseudo(src, dst, 6, t) + t)) + t[18:]


def sender():
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    return s


def listen(proto, wait, match):
    """Count datagrams of `proto` for which match(ip_header, l4) holds,
    arriving on a raw socket until `wait` seconds pass without one."""
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, proto)
    return r, lambda: drain(r, wait, match)


def drain(r, wait, match):
    got = 0
    end = time.monotonic() + wait
    while True:
        left = end - time.monotonic()
        if left <= 0 or not select.select([r], [], [], left)[0]:
            return got
        pkt = r.recv(65535)
        hl = (pkt[0] & 15) * 4
        if match(pkt[:hl], pkt[hl:]):
            got += 1


def main(argv):
    mode = argv[1]
    if mode == "udp":
        src, sport, dst, dport, count, wait = argv[2], int(argv[3]), argv[4], int(argv[5]), int(argv[6]), float(argv[7])
        data = (argv[8] if len(argv) > 8 else "attack").encode()
        me = socket.inet_aton(src)
        r, count_back = listen(socket.IPPROTO_UDP, wait,
                               lambda h, l4: h[12:16] != me and struct.unpack("!H", l4[2:4])[0] == sport)
        s = sender()
        for i in range(count):
            s.sendto(ipv4(src, dst, 17, udp(src, sport, dst, dport, data), i), (dst, 0))
        print("sent", count, "received", count_back())
    elif mode == "syn":
        srcs, dst, dport, count, rate, flags = sources(argv[2]), argv[3], int(argv[4]), int(argv[5]), float(argv[6]), argv[7]
        r, count_back = listen(socket.IPPROTO_TCP, 1.0,
                               lambda h, l4: h[12:16] == socket.inet_aton(dst) and struct.unpack("!H", l4[:2])[0] == dport)
        s = sender()
        for i in range(count):
            src = srcs[i % len(srcs)]
            s.sendto(ipv4(src, dst, 6, tcp(src, random.randint(1024, 65535), dst, dport, flags), i), (dst, 0))
            if rate > 0:
                time.sleep(1.0 / rate)
        print("sent", count, "received", count_back())
    elif mode == "ping":
        src, dst, count, wait = argv[2], argv[3], int(argv[4]), float(argv[5])
        options = bytes.fromhex(argv[6]) if len(argv) > 6 else b""
        r, count_back = listen(socket.IPPROTO_ICMP, wait,
                               lambda h, l4: h[12:16] == socket.inet_aton(dst) and l4[0] == 0 and l4[4:6] == b"\x4d\x47")
        s = sender()
        for i in range(count):
            echo = struct.pack("!BBHHH", 8, 0, 0, 0x4D47, i) + b"attack"
            echo = echo[:2] + struct.pack("!H", csum(echo)) + echo[4:]
            s.sendto(ipv4(src, dst, 1, echo, i, options), (dst, 0))
        print("sent", count, "received", count_back())
    elif mode == "garp":
        iface, mac, ip, count, wait = argv[2], mac_bytes(argv[3]), socket.inet_aton(argv[4]), int(argv[5]), float(argv[6])
        s = arp_sender(iface)
        for _ in range(count):
            arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + mac + ip + b"\0" * 6 + ip
            s.send(b"\xff" * 6 + mac + b"\x08\x06" + arp)
        got = 0
        end = time.monotonic() + wait
        while True:
            left = end - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                break
            f = s.recv(2048)
            if f[12:14] == b"\x08\x06" and f[28:32] == ip and f[22:28] != mac:
                got += 1
        print("sent", count, "received", got)
    elif mode == "junk":
        iface, count = argv[2], int(argv[3])
        rate = float(argv[4]) if len(argv) > 4 else 0
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        s.bind((iface, 0))
        frame = b"\xff" * 6 + b"\x02\x00\x00\x00\x66\x66" + b"\x88\xb5" + b"\0" * 46
        start = time.monotonic()
        for i in range(count):
            if rate > 0 and i % 100 == 0:
                ahead = start + i / rate - time.monotonic()
                if ahead > 0:
                    time.sleep(ahead)
            try:
                s.send(frame)
            except OSError:
                pass  # the tap's queue is full: that frame is lost, as on a link
        print("sent", count, "received", 0)
    else:
        sys.exit("peer.py: unknown mode " + mode + " (udp, syn, ping, garp or junk)")


if __name__ == "__main__":
    main(sys.argv)
