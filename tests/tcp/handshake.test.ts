// Opening connections (RFC 9293 §3.5): passive and active open, option
// negotiation (RFC 9293 §3.7.1 MSS, RFC 7323 window scale and timestamps,
// RFC 2018 SACK-permitted), SYN-ACK retransmission with backoff, resets
// for closed ports, refused and simultaneous opens.
import { describe, expect, test } from "vitest";
import { App, MS, PEER, PEER_PORT, SECOND, TcpTest, seqAdd, show } from "./helpers.ts";

describe("passive open", () => {
  test("SYN-ACK answers every option Linux offers, and the handshake makes a connection", async () => {
    const t = await TcpTest.boot({ config: { rcvBuf: 65536 } });
    t.listen(80, App.Echo);
    const synAck = t.one(t.send(t.seg({ flags: "S", seq: 1000, win: 64240, opts: { mss: 1460, sackOk: true, ts: [7, 0], ws: 7 } })));
    expect(synAck).toMatchObject({ flags: "SA", ack: 1001, mss: 1460, ws: 1, sackOk: true, srcPort: 80, dstPort: PEER_PORT });
    // RFC 7323 §2.2: the window of a SYN is never scaled.
    expect(synAck.win).toBe(65535);
    expect(synAck.ts![1]).toBe(7);
    expect(t.events()).toEqual([]); // not accepted before the handshake completes
    const our = seqAdd(synAck.seq, 1);
    expect(t.send(t.seg({ seq: 1001, ack: our, win: 502, opts: { ts: [8, synAck.ts![0]] } }))).toEqual([]);
    expect(t.events()).toEqual([`0 accept ${PEER_PORT}`, "0 connected"]);
    const i = t.info(0);
    expect(i).toMatchObject({ state: "ESTABLISHED", sndWscale: "7", rcvWscale: "1", tsOk: "1", sackOk: "1" });
    expect(Number(i.sndWnd)).toBe(502 << 7);
    expect(Number(i.mss)).toBe(1460 - 12); // timestamps take 12 bytes of every segment
    expect(t.counters().passiveOpens).toBe(1n);
  });

  test("a SYN without options gets none it did not offer, and the default MSS of 536", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Echo);
    const synAck = t.one(t.send(t.seg({ flags: "S", seq: 5 })));
    expect(synAck).toMatchObject({ flags: "SA", mss: 1460, sackOk: false });
    expect([synAck.ws, synAck.ts]).toEqual([undefined, undefined]);
    t.send(t.seg({ seq: 6, ack: seqAdd(synAck.seq, 1) }));
    expect(t.info(0)).toMatchObject({ state: "ESTABLISHED", mss: "536", tsOk: "0", sackOk: "0", sndWscale: "0", rcvWscale: "0" });
  });

  test("a lost SYN-ACK is sent again after 1 s, 2 s, 4 s…, then the connection is given up", async () => {
    const t = await TcpTest.boot({ config: { synRetries: 3 } });
    t.listen(80, App.Echo);
    const first = t.one(t.send(t.seg({ flags: "S", seq: 1000, opts: { mss: 1460 } })));
    for (const wait of [1n, 2n, 4n]) {
      expect(t.advance(wait * SECOND - MS)).toEqual([]);
      expect(t.one(t.advance(MS))).toMatchObject({ flags: "SA", seq: first.seq, ack: 1001 });
    }
    // No answer to the third retransmission: gone, and the backlog is free.
    expect(t.advance(8n * SECOND)).toEqual([]);
    expect(t.layer().active).toBe(0);
    expect(t.counters().synRetransmits).toBe(3n);
  });

  test("a repeated SYN (our SYN-ACK lost) is answered with the same SYN-ACK", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Echo);
    const a = t.one(t.send(t.seg({ flags: "S", seq: 1000, opts: { mss: 1460 } })));
    const b = t.one(t.send(t.seg({ flags: "S", seq: 1000, opts: { mss: 1460 } })));
    expect(show(b)).toBe(show(a));
    expect(t.layer().active).toBe(1);
  });

  test("a listener that refuses resets the connection once it is established", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Echo, { refuse: true });
    const synAck = t.one(t.send(t.seg({ flags: "S", seq: 1000, opts: { mss: 1460 } })));
    const rst = t.one(t.send(t.seg({ seq: 1001, ack: seqAdd(synAck.seq, 1) })));
    expect(rst).toMatchObject({ flags: "R", seq: seqAdd(synAck.seq, 1) });
    expect(t.layer()).toMatchObject({ active: 0, rcvPoolInUse: 0, sndPoolInUse: 0 });
  });

  test("an ACK that does not acknowledge our SYN gets a RST (RFC 9293 §3.10.7.4)", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Echo);
    t.one(t.send(t.seg({ flags: "S", seq: 1000, opts: { mss: 1460 } })));
    expect(t.one(t.send(t.seg({ seq: 1001, ack: 12345 })))).toMatchObject({ flags: "R", seq: 12345 });
    expect(t.events()).toEqual([]);
    expect(t.layer().active).toBe(1); // still in SYN-RECEIVED
  });
});

describe("closed ports (RFC 9293 §3.10.7.1)", () => {
  test("a SYN gets RST+ACK acknowledging it", async () => {
    const t = await TcpTest.boot();
    const rst = t.one(t.send(t.seg({ flags: "S", seq: 77, dstPort: 81, data: "abc" })));
    expect(rst).toMatchObject({ flags: "RA", seq: 0, ack: 77 + 1 + 3, srcPort: 81 });
  });

  test("an ACK gets a RST with its acknowledgement number as sequence number", async () => {
    const t = await TcpTest.boot();
    expect(t.one(t.send(t.seg({ seq: 5, ack: 999, dstPort: 81 })))).toMatchObject({ flags: "R", seq: 999 });
  });

  test("a RST gets nothing", async () => {
    const t = await TcpTest.boot();
    expect(t.send(t.seg({ flags: "R", seq: 5, dstPort: 81 }))).toEqual([]);
    expect(t.counters().dropNoListener).toBe(1n);
  });

  test("a bad checksum is dropped without an answer", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Echo);
    expect(t.send(t.seg({ flags: "S", seq: 1, checksum: 0x1234 }))).toEqual([]);
    expect(t.counters().dropBadChecksum).toBe(1n);
    expect(t.layer().active).toBe(0);
  });

  test("an option of illegal length costs the option, not the SYN (RFC 9293 §3.1 MUST handle; as Linux)", async () => {
    const t = await TcpTest.boot();
    t.listen(80, App.Echo);
    // A length past the header ends the list: no MSS, so 536 (RFC 9293 §3.7.1).
    const a = t.one(t.send(t.seg({ flags: "S", seq: 1, opts: { raw: [2, 40, 0, 0] } })));
    expect(a).toMatchObject({ flags: "SA", ack: 2 });
    // A window scale of the wrong length is skipped; the MSS after it counts.
    const b = t.one(t.send(t.seg({ flags: "S", seq: 1, srcPort: 40001, opts: { raw: [3, 4, 7, 0, 2, 4, 5, 0xb4] } })));
    expect(b).toMatchObject({ flags: "SA", ack: 2 });
    expect(b.ws).toBeUndefined();
    // A zero length ends the list; the MSS before it counts.
    const c = t.one(t.send(t.seg({ flags: "S", seq: 1, srcPort: 40002, opts: { raw: [2, 4, 5, 0xb4, 8, 0, 0, 0] } })));
    expect(c).toMatchObject({ flags: "SA", ack: 2 });
    expect(t.counters().optionsIgnored).toBe(3n);
    expect(t.counters().dropMalformed).toBe(0n);
  });
});

describe("active open", () => {
  test("connect() sends a SYN with our options and completes on the SYN-ACK", async () => {
    const t = await TcpTest.boot({ config: { rcvBuf: 65536 } });
    const id = t.connect(8080, App.Sink, 50000);
    const syn = t.one(t.step());
    expect(syn).toMatchObject({ flags: "S", srcPort: 50000, dstPort: 8080, mss: 1460, ws: 1, sackOk: true });
    expect(syn.ts![1]).toBe(0);
    const out = t.send(t.seg({ flags: "S", srcPort: 8080, dstPort: 50000, seq: 300, ack: seqAdd(syn.seq, 1), opts: { mss: 1400, ws: 2, ts: [50, syn.ts![0]], sackOk: true } }));
    expect(t.one(out)).toMatchObject({ flags: "A", seq: seqAdd(syn.seq, 1), ack: 301 });
    expect(t.events()).toEqual([`${id} connected`]);
    expect(t.info(id)).toMatchObject({ state: "ESTABLISHED", mss: String(1400 - 12), sndWscale: "2" });
  });

  test("a RST answering our SYN refuses the connection", async () => {
    const t = await TcpTest.boot();
    const id = t.connect(8080, App.Sink, 50000);
    const syn = t.one(t.step());
    expect(t.send(t.seg({ flags: "R", srcPort: 8080, dstPort: 50000, seq: 0, ack: seqAdd(syn.seq, 1) }))).toEqual([]);
    expect(t.events()).toEqual([`${id} closed refused`]);
    expect(t.layer()).toMatchObject({ active: 0, rcvPoolInUse: 0 });
  });

  test("a RST that does not acknowledge our SYN is ignored (RFC 5961 §3.2)", async () => {
    const t = await TcpTest.boot();
    const id = t.connect(8080, App.Sink, 50000);
    const syn = t.one(t.step());
    t.send(t.seg({ flags: "R", srcPort: 8080, dstPort: 50000, seq: 0, ack: seqAdd(syn.seq, 7) }));
    expect(t.info(id).state).toBe("SYN-SENT");
  });

  test("unanswered SYNs are repeated with backoff, then connect() times out", async () => {
    const t = await TcpTest.boot({ config: { synRetries: 2 } });
    const id = t.connect(8080, App.Sink, 50000);
    const syn = t.one(t.step());
    expect(t.one(t.advance(SECOND))).toMatchObject({ flags: "S", seq: syn.seq });
    expect(t.advance(SECOND)).toEqual([]);
    expect(t.one(t.advance(SECOND))).toMatchObject({ flags: "S", seq: syn.seq });
    expect(t.advance(4n * SECOND)).toEqual([]);
    expect(t.events()).toEqual([`${id} closed timeout`]);
  });

  test("simultaneous open: SYN crosses SYN, both SYN-ACK, both established (RFC 9293 Figure 7)", async () => {
    const t = await TcpTest.boot();
    const id = t.connect(8080, App.Sink, 50000);
    const syn = t.one(t.step());
    const synAck = t.one(t.send(t.seg({ flags: "S", srcPort: 8080, dstPort: 50000, seq: 300, opts: { mss: 1460 } })));
    expect(synAck).toMatchObject({ flags: "SA", seq: syn.seq, ack: 301 });
    expect(t.info(id).state).toBe("SYN-RECEIVED");
    t.send(t.seg({ flags: "S", srcPort: 8080, dstPort: 50000, seq: 300, ack: seqAdd(syn.seq, 1), opts: { mss: 1460 } }));
    expect(t.info(id).state).toBe("ESTABLISHED");
    expect(t.events()).toContain(`${id} connected`);
  });
});

