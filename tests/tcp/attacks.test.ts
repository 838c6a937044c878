// Blind attacks (RFC 5961): RSTs and SYNs that are not exactly right get a
// challenge ACK instead of resetting the connection, ACKs outside the
// acceptable range are refused, and challenge ACKs are rate-limited (§7).
// PAWS (RFC 7323 §5) drops segments with old timestamps.
import { describe, expect, test } from "vitest";
import { App, SECOND, TcpTest } from "./helpers.ts";

async function open(config = {}, opts: object = { mss: 1460 }) {
  const t = await TcpTest.boot({ config });
  t.listen(80, App.Sink);
  const hs = t.handshake(80, opts);
  t.events();
  return { t, our: hs.our, peer: hs.peer, synAck: hs.synAck };
}

describe("RST (RFC 5961 §3)", () => {
  test("a RST at exactly RCV.NXT resets", async () => {
    const { t, peer } = await open();
    t.send(t.seg({ flags: "R", seq: peer }));
    expect(t.events()).toEqual(["0 closed reset"]);
  });

  test("a RST elsewhere in the window gets a challenge ACK and changes nothing", async () => {
    const { t, our, peer } = await open();
    const ch = t.one(t.send(t.seg({ flags: "R", seq: peer + 1000 })));
    expect(ch).toMatchObject({ flags: "A", seq: our, ack: peer });
    expect(t.info(0).state).toBe("ESTABLISHED");
    expect(t.counters().challengeAcks).toBe(1n);
  });

  test("a RST outside the window is dropped silently", async () => {
    const { t, peer } = await open();
    expect(t.send(t.seg({ flags: "R", seq: peer + 1_000_000 }))).toEqual([]);
    expect(t.send(t.seg({ flags: "R", seq: peer - 1 }))).toEqual([]);
    expect(t.info(0).state).toBe("ESTABLISHED");
  });
});

describe("SYN (RFC 5961 §4)", () => {
  test("a SYN on an established connection gets a challenge ACK, whatever its sequence number", async () => {
    const { t, our, peer } = await open();
    for (const seq of [peer, peer + 500, 12345]) {
      const ch = t.one(t.send(t.seg({ flags: "S", seq })));
      expect(ch).toMatchObject({ flags: "A", seq: our, ack: peer });
    }
    expect(t.info(0).state).toBe("ESTABLISHED");
  });
});

describe("ACK (RFC 5961 §5)", () => {
  test("an ACK for data never sent is answered and its data dropped", async () => {
    const { t, our, peer } = await open();
    const a = t.one(t.send(t.seg({ seq: peer, ack: our + 5000, data: "bogus" })));
    expect(a).toMatchObject({ ack: peer });
    expect(t.events()).toEqual([]);
    expect(t.counters().dropBadAck).toBe(1n);
  });

  test("an ACK older than the peer's largest window is refused", async () => {
    const { t, our, peer } = await open();
    const a = t.one(t.send(t.seg({ seq: peer, ack: our - 200_000, data: "old" })));
    expect(a.ack).toBe(peer);
    expect(t.events()).toEqual([]);
  });

  test("an ACK a little behind SND.UNA is an old duplicate and its data is taken", async () => {
    const { t, our, peer } = await open();
    t.send(t.seg({ seq: peer, ack: our - 100, data: "fine" }));
    expect(t.takeRead(0)).toBe("fine");
  });
});

describe("rate limit (RFC 5961 §7)", () => {
  test("challenge ACKs beyond the limit per second are not sent", async () => {
    const { t, peer } = await open({ challengeAckLimit: 2 });
    let sent = 0;
    for (let i = 0; i < 5; i++) sent += t.send(t.seg({ flags: "R", seq: peer + 10 + i })).length;
    expect(sent).toBe(2);
    expect(t.counters().challengeAcksLimited).toBe(3n);
    t.advance(SECOND);
    expect(t.send(t.seg({ flags: "R", seq: peer + 99 }))).toHaveLength(1);
  });
});

describe("PAWS (RFC 7323 §5)", () => {
  test("a segment with an older timestamp is dropped and answered with an ACK", async () => {
    const { t, our, peer, synAck } = await open({}, { mss: 1460, ts: [1000, 0] });
    const ecr = synAck.ts![0];
    t.send(t.seg({ seq: peer, ack: our, data: "new", opts: { ts: [1010, ecr] } }));
    expect(t.takeRead(0)).toBe("new");
    const a = t.one(t.send(t.seg({ seq: peer + 3, ack: our, data: "old", opts: { ts: [900, ecr] } })));
    expect(a.ack).toBe(peer + 3);
    expect(t.takeRead(0)).toBe("");
    expect(t.counters().dropPaws).toBe(1n);
  });
});
