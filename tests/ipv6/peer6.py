#!/usr/bin/env python3
"""The crafted-frame IPv6 peer of tests/ipv6/hostile.test.ts.

It runs inside the namespace a test made and writes whole Ethernet frames
to the tap (an AF_PACKET socket), what no socket API sends: spoofed
Neighbor Discovery, fragments, extension-header chains, mutations. Every
mode is bounded by a count and a wait. Output: one line, "sent N received M"
where M counts the frames of the kind the mode says that came back.

  peer6.py nsflood IFACE DSTMAC TARGET COUNT
      COUNT neighbour solicitations for TARGET, each from its own spoofed
      source fd00:ff::/64 address and MAC; counts advertisements back.
  peer6.py raflood IFACE COUNT
      COUNT router advertisements from spoofed link-local routers, each
      with its own /64 prefix (on-link, autonomous) and an MTU; counts
      nothing (received 0).
  peer6.py ping IFACE DSTMAC SRC DST KIND [N]
      One echo request SRC -> DST shaped by KIND, counts echo replies:
        plain      a whole 64-byte request
        tiny       the request in 8-byte fragments
        overlap    two fragments that overlap with different bytes
        chain      N destination-options headers (Pad1/PadN) before it
        routing0   a type 0 routing header with one segment left
        hopbyhop2  hop-by-hop options after a destination-options header
  peer6.py synflood IFACE DSTMAC DST PORT COUNT
      COUNT SYNs to DST:PORT, each from its own spoofed fe80::/64 source and
      MAC, announced first by an NS to DST (so the image has its link-layer
      address, STALE, RFC 4861 §7.2.3, and can answer); counts SYN-ACKs.
  peer6.py ptb IFACE DSTMAC FROM TO QUOTED_DST MTU
      One Packet Too Big from FROM to TO, quoting a datagram TO sent to
      QUOTED_DST, with MTU; counts nothing.
  peer6.py fuzz IFACE DSTMAC SRC DST COUNT SEED
      COUNT frames: a valid echo request, NS, RA, UDP datagram or fragment,
      each with random bytes changed, cut short or grown; counts nothing.
"""
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_IPV6 = 0x86DD
PACKET_OUTGOING = 4


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def a6(text):
    return socket.inet_pton(socket.AF_INET6, text)


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def ipv6(src, dst, nh, payload, hlim=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hlim, src, dst) + payload


def icmp6(src, dst, typ, code, body):
    m = struct.pack("!BBH", typ, code, 0) + body
    pseudo = src + dst + struct.pack("!IxxxB", len(m), 58)
    c = csum(pseudo + m)
    return m[:2] + struct.pack("!H", c) + m[4:]


def eth(dst, src, payload):
    return dst + src + struct.pack("!H", ETH_P_IPV6) + payload


def group_mac(addr):
    return b"\x33\x33" + addr[12:]


def solicited(addr):
    return a6("ff02::1:ff00:0")[:13] + addr[13:]


def echo(src, dst, ident=0x6d6f, seq=1, size=56):
    data = bytes((i * 7) & 0xFF for i in range(size))
    return icmp6(src, dst, 128, 0, struct.pack("!HH", ident, seq) + data)


class Link:
    def __init__(self, iface):
        self.s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IPV6))
        self.s.bind((iface, ETH_P_IPV6))
        # Room for every answer to a flood, counted once it has been sent.
        self.s.setsockopt(socket.SOL_SOCKET, 33, 64 << 20)  # SO_RCVBUFFORCE (root)
        self.mac = self.s.getsockname()[4]
        self.sent = 0

    def send(self, frame):
        self.s.send(frame)
        self.sent += 1

    def count(self, wait, match):
        """Frames from the other side matching `match`, until `wait` s of quiet."""
        n = 0
        end = time.time() + wait
        while True:
            left = end - time.time()
            if left <= 0:
                return n
            r, _, _ = select.select([self.s], [], [], left)
            if not r:
                return n
            frame, addr = self.s.recvfrom(65535)
            if addr[2] == PACKET_OUTGOING:
                continue
            if match(frame):
                n += 1


def is_icmp(typ):
    return lambda f: len(f) >= 55 and f[20] == 58 and f[54] == typ


def nsflood(link, dstmac, target, count):
    t = a6(target)
    for i in range(count):
        src = a6("fd00:ff::") [:8] + os.urandom(8)
        smac = bytes([0x02]) + os.urandom(5)
        body = struct.pack("!I", 0) + t + struct.pack("!BB", 1, 1) + smac
        dst = solicited(t)
        link.send(eth(group_mac(dst), smac, ipv6(src, dst, 58, icmp6(src, dst, 135, 0, body), 255)))
    return link.count(1.0, is_icmp(136))


def raflood(link, count):
    dst = a6("ff02::1")
    for i in range(count):
        smac = bytes([0x02]) + os.urandom(5)
        src = a6("fe80::")[:8] + os.urandom(8)
        prefix = a6("fd00::")[:2] + os.urandom(6) + bytes(8)
        body = struct.pack("!BBHII", 64, 0, 1800, 0, 0)
        body += struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 86400, 14400, 0) + prefix
        body += struct.pack("!BBHI", 5, 1, 0, 1280)
        body += struct.pack("!BB", 1, 1) + smac
        link.send(eth(group_mac(dst), smac, ipv6(src, dst, 58, icmp6(src, dst, 134, 0, body), 255)))
    return 0


def tcp6(src, dst, sport, dport, seq, flags):
    t = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 5 << 4, flags, 64240, 0, 0)
    pseudo = src + dst + struct.pack("!IxxxB", len(t), 6)
    c = csum(pseudo + t)
    return t[:16] + struct.pack("!H", c) + t[18:]


def synflood(link, dstmac, dst, port, count):
    d = a6(dst)
    for i in range(count):
        src = a6("fe80::")[:8] + os.urandom(8)
        smac = bytes([0x02]) + os.urandom(5)
        body = struct.pack("!I", 0) + d + struct.pack("!BB", 1, 1) + smac
        g = solicited(d)
        link.send(eth(group_mac(g), smac, ipv6(src, g, 58, icmp6(src, g, 135, 0, body), 255)))
        syn = tcp6(src, d, random.randint(1024, 65535), port, random.getrandbits(32), 2)
        link.send(eth(dstmac, smac, ipv6(src, d, 6, syn)))
        if i % 50 == 49:
            time.sleep(0.02)  # within the tap's queue (1000 frames)
    # SYN-ACK: next header TCP, flags SYN|ACK (byte 13 of the TCP header).
    return link.count(1.0, lambda f: len(f) >= 68 and f[20] == 6 and f[67] & 0x12 == 0x12)


def ptb(link, dstmac, frm, to, qdst, mtu):
    f, t = a6(frm), a6(to)
    quoted = ipv6(t, a6(qdst), 6, bytes(40))[:48]  # its header and 8 bytes of TCP
    link.send(eth(dstmac, link.mac, ipv6(f, t, 58, icmp6(f, t, 2, 0, struct.pack("!I", mtu) + quoted))))
    return 0


def fragments(src, dst, nh, data, pieces, ident):
    """[(offset, bytes, more)] as fragment packets of `data` (next header nh)."""
    out = []
    for off, chunk, more in pieces:
        fh = struct.pack("!BBHI", nh, 0, off | (1 if more else 0), ident)
        out.append(ipv6(src, dst, 44, fh + chunk))
    return out


def ping(link, dstmac, src, dst, kind, n):
    s, d = a6(src), a6(dst)
    m = echo(s, d)
    frames = []
    if kind == "plain":
        frames = [ipv6(s, d, 58, m)]
    elif kind == "tiny":
        pieces = [(o, m[o:o + 8], o + 8 < len(m)) for o in range(0, len(m), 8)]
        frames = fragments(s, d, 58, m, pieces, 0x1234)
    elif kind == "overlap":
        other = m[:16] + bytes(len(m) - 16)
        frames = fragments(s, d, 58, m, [(0, m[:32], True), (16, other[16:], False)], 0x1235)
    elif kind == "chain":
        ext = b""
        for i in range(n):
            ext += struct.pack("!BB", 60 if i + 1 < n else 58, 0) + b"\x01\x04\x00\x00\x00\x00"
        frames = [ipv6(s, d, 60 if n > 0 else 58, ext + m)]
    elif kind == "routing0":
        rh = struct.pack("!BBBBI", 58, 2, 0, 1, 0) + a6("fd00::99")
        frames = [ipv6(s, d, 43, rh + m)]
    elif kind == "hopbyhop2":
        ext = struct.pack("!BB", 0, 0) + b"\x01\x04\x00\x00\x00\x00"
        ext += struct.pack("!BB", 58, 0) + b"\x01\x04\x00\x00\x00\x00"
        frames = [ipv6(s, d, 60, ext + m)]
    for f in frames:
        link.send(eth(dstmac, link.mac, f))
    return link.count(1.0, is_icmp(129))


def fuzz(link, dstmac, src, dst, count, seed):
    rnd = random.Random(seed)
    s, d = a6(src), a6(dst)
    t = solicited(d)
    smac = link.mac
    udp = struct.pack("!HHHH", 40000, 7, 16, 0) + b"fuzzfuzz"
    seeds = [
        ipv6(s, d, 58, echo(s, d)),
        ipv6(s, t, 58, icmp6(s, t, 135, 0, struct.pack("!I", 0) + d + b"\x01\x01" + smac), 255),
        ipv6(a6("fe80::1"), a6("ff02::1"), 58, icmp6(a6("fe80::1"), a6("ff02::1"), 134, 0,
             struct.pack("!BBHII", 64, 0, 1800, 0, 0) + struct.pack("!BBBBIII", 3, 4, 64, 0xC0, 600, 300, 0) +
             a6("fd00:77::")), 255),
        ipv6(s, d, 17, udp),
    ] + fragments(s, d, 58, None, [(0, echo(s, d)[:24], True), (24, echo(s, d)[24:], False)], 0x77)
    for i in range(count):
        p = bytearray(rnd.choice(seeds))
        for _ in range(rnd.randint(1, 6)):
            op = rnd.random()
            if op < 0.6:
                p[rnd.randrange(len(p))] = rnd.randrange(256)
            elif op < 0.8 and len(p) > 1:
                del p[rnd.randrange(1, len(p)):]
            else:
                p += bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 64)))
        dstm = dstmac if len(p) < 40 or p[24] != 0xFF else group_mac(bytes(p[24:40]))
        link.send(eth(dstm, smac, bytes(p)))
    return 0


def main():
    mode = sys.argv[1]
    link = Link(sys.argv[2])
    if mode == "nsflood":
        received = nsflood(link, mac(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
    elif mode == "raflood":
        received = raflood(link, int(sys.argv[3]))
    elif mode == "ping":
        received = ping(link, mac(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6],
                        int(sys.argv[7]) if len(sys.argv) > 7 else 0)
    elif mode == "synflood":
        received = synflood(link, mac(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6]))
    elif mode == "ptb":
        received = ptb(link, mac(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6], int(sys.argv[7]))
    elif mode == "fuzz":
        received = fuzz(link, mac(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6]), int(sys.argv[7]))
    else:
        sys.exit("unknown mode " + mode)
    print("sent %d received %d" % (link.sent, received))


if __name__ == "__main__":
    main()
