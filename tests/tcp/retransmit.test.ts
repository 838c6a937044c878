// Loss: the retransmission timer (RFC 6298) with exponential backoff and
// its limit, Karn's algorithm, fast retransmit and NewReno recovery
// (RFC 5681 §3.2, RFC 6582), SACK-based recovery (RFC 6675).
import { describe, expect, test } from "vitest";
import { App, MS, SECOND, TcpTest, show } from "./helpers.ts";

const bytes = (n: number) => Uint8Array.from({ length: n }, (_, i) => 97 + (i % 26));

async function sending(config = {}, opts: object = { mss: 1460 }) {
  const t = await TcpTest.boot({ config });
  t.listen(80, App.Sink);
  const { our, peer } = t.handshake(80, opts);
  t.events();
  return { t, our, peer };
}

describe("retransmission timer (RFC 6298)", () => {
  test("an unacknowledged segment is sent again after the RTO, doubling each time", async () => {
    const { t, our, peer } = await sending();
    t.write(0, "lost?");
    const first = t.one(t.step());
    // The handshake measured ~0 RTT: the RTO is its 200 ms floor. Each
    // wait is counted from the (re)transmission before it.
    for (const rto of [200n, 400n, 800n, 1600n]) {
      expect(t.advance(rto * MS - MS)).toEqual([]);
      const again = t.one(t.advance(MS));
      expect(show(again)).toBe(show(first));
    }
    expect(t.counters().rtoExpired).toBe(4n);
    // Acknowledged: nothing more is sent, and the backoff is over.
    expect(t.send(t.seg({ seq: peer, ack: our + 5 }))).toEqual([]);
    expect(t.advance(10n * SECOND)).toEqual([]);
    expect(Number(t.info(0).rto)).toBeLessThan(Number(1600n * MS));
  });

  test("after maxRetries the connection is reset and reported timed out", async () => {
    const { t, our } = await sending({ maxRetries: 2 });
    t.write(0, "x");
    t.step();
    expect(t.one(t.advance(200n * MS)).data.length).toBe(1);
    expect(t.one(t.advance(400n * MS)).data.length).toBe(1);
    const rst = t.one(t.advance(800n * MS));
    expect(rst).toMatchObject({ flags: "R", seq: our + 1 });
    expect(t.events()).toEqual(["0 closed timeout"]);
    expect(t.layer()).toMatchObject({ active: 0, rcvPoolInUse: 0, sndPoolInUse: 0 });
  });

  test("Karn: the ACK of a retransmitted segment gives no RTT sample", async () => {
    const { t, our, peer } = await sending();
    const srtt = t.info(0).srtt;
    t.write(0, "abc");
    t.step();
    t.advance(200n * MS); // retransmitted
    t.advance(700n * MS);
    t.send(t.seg({ seq: peer, ack: our + 3 }));
    expect(t.info(0).srtt).toBe(srtt);
    // A segment sent once does give one.
    t.write(0, "def");
    t.step();
    t.advance(50n * MS);
    t.send(t.seg({ seq: peer, ack: our + 6 }));
    expect(Number(t.info(0).srtt)).toBeGreaterThan(Number(srtt));
  });
});

describe("fast retransmit and NewReno (RFC 6582)", () => {
  test("limited transmit, then three duplicate ACKs retransmit; partial ACKs the next hole; a full ACK ends recovery", async () => {
    const { t, our, peer } = await sending();
    const M = 1460;
    expect(t.write(0, bytes(20 * M))).toBe(20 * M);
    const flight = t.step();
    expect(flight).toHaveLength(10);
    const dup = () => t.send(t.seg({ seq: peer, ack: our }));
    // RFC 3042: each of the first two duplicate ACKs lets one new segment out.
    expect(t.one(dup()).seq).toBe(our + 10 * M);
    expect(t.one(dup()).seq).toBe(our + 11 * M);
    const rtx = t.one(dup());
    expect(rtx).toMatchObject({ seq: our, data: bytes(20 * M).subarray(0, M) });
    // ssthresh = FlightSize / 2 = 6 M; cwnd = ssthresh + 3 M.
    expect(t.info(0)).toMatchObject({ inRecovery: "1", ssthresh: String(6 * M), cwnd: String(9 * M) });
    expect(dup()).toEqual([]); // cwnd 10 M
    expect(dup()).toEqual([]); // 11 M
    expect(dup()).toEqual([]); // 12 M: the window is full
    expect(t.one(dup()).seq).toBe(our + 12 * M); // 13 M: one new segment
    // Segments 1 to 5 arrive: a partial ACK; segment 6 was lost too.
    const partial = t.send(t.seg({ seq: peer, ack: our + 5 * M }));
    expect(partial.map((s) => s.seq)).toEqual([our + 5 * M, our + 13 * M]);
    expect(t.info(0).inRecovery).toBe("1");
    // Everything up to the newest: recovery is over, cwnd = min(ssthresh, 2 M).
    const full = t.send(t.seg({ seq: peer, ack: our + 14 * M }));
    expect(t.info(0)).toMatchObject({ inRecovery: "0", cwnd: String(2 * M) });
    expect(full.map((s) => s.seq)).toEqual([our + 14 * M, our + 15 * M]);
    expect(t.counters().fastRetransmits).toBe(1n);
  });

  test("duplicate ACKs of old data do not start a second recovery (RFC 6582 §3.2 step 2)", async () => {
    const { t, our, peer } = await sending();
    const M = 1460;
    t.write(0, bytes(12 * M));
    t.step();
    for (let i = 0; i < 3; i++) t.send(t.seg({ seq: peer, ack: our }));
    t.send(t.seg({ seq: peer, ack: our + 12 * M })); // full ACK
    expect(t.info(0).inRecovery).toBe("0");
    expect(t.counters().fastRetransmits).toBe(1n);
  });

  test("early retransmit (RFC 5827): with two segments out, one duplicate ACK is enough", async () => {
    const { t, our, peer } = await sending();
    const M = 1460;
    t.write(0, bytes(2 * M));
    expect(t.step()).toHaveLength(2);
    const rtx = t.one(t.send(t.seg({ seq: peer, ack: our })));
    expect(rtx.seq).toBe(our);
    expect(t.counters().fastRetransmits).toBe(1n);
  });
});

describe("tail loss probe (RFC 8985 §7)", () => {
  test("a lost tail is probed after 2 × SRTT, and the SACK it draws starts fast recovery", async () => {
    const { t, our, peer } = await sending({}, { mss: 1460, sackOk: true });
    const M = 1460;
    t.write(0, bytes(4 * M));
    expect(t.step()).toHaveLength(4);
    // Segments 1 and 2 are acknowledged; 3 and 4 are lost, nothing more
    // comes back. The probe resends the last segment well before the RTO.
    t.send(t.seg({ seq: peer, ack: our + 2 * M }));
    expect(t.advance(9n * MS)).toEqual([]);
    const probe = t.one(t.advance(MS));
    expect(probe.seq).toBe(our + 3 * M);
    expect(t.counters().tailProbes).toBe(1n);
    // Its ACK SACKs segment 4: segment 3 is retransmitted at once.
    const rtx = t.one(t.send(t.seg({ seq: peer, ack: our + 2 * M, opts: { sack: [[our + 3 * M, our + 4 * M]] } })));
    expect(rtx.seq).toBe(our + 2 * M);
    expect(t.counters().rtoExpired).toBe(0n);
  });
});

describe("SACK recovery (RFC 6675)", () => {
  test("only the holes are retransmitted", async () => {
    const { t, our, peer } = await sending({}, { mss: 1460, sackOk: true });
    const M = 1460;
    t.write(0, bytes(20 * M));
    expect(t.step()).toHaveLength(10);
    // Segments 1 and 5 lost: the peer holds 2-4 and 6-7.
    const blocks: [number, number][] = [[our + 5 * M, our + 7 * M], [our + M, our + 4 * M]];
    const dup = () => t.send(t.seg({ seq: peer, ack: our, opts: { sack: blocks } }));
    // Five segments held above SND.UNA: more than DupThresh × SMSS, so the
    // first duplicate ACK already means loss (RFC 6675 IsLost).
    const out = dup();
    expect(out.map((s) => s.seq)).toEqual([our, our + 4 * M]);
    expect(out.every((s) => s.data.length === M)).toBe(true);
    expect(t.info(0)).toMatchObject({ inRecovery: "1", cwnd: String(5 * M) });
    // The peer now holds everything but 1 and 5, up to 10: the pipe empties
    // and new data goes, the holes not again.
    const more = t.send(t.seg({ seq: peer, ack: our, opts: { sack: [[our + 5 * M, our + 10 * M], [our + M, our + 4 * M]] } }));
    expect(more.map((s) => s.seq)).toEqual([our + 10 * M, our + 11 * M, our + 12 * M]);
    // Both holes arrive: recovery ends at the full ACK.
    t.send(t.seg({ seq: peer, ack: our + 13 * M }));
    expect(t.info(0).inRecovery).toBe("0");
    expect(t.counters().retransmits).toBe(2n);
  });
});
