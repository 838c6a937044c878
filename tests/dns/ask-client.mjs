// The differential test's client, run by Node inside the test's client
// namespace: `node ask-client.mjs IN.json OUT.json`. IN holds the servers'
// addresses and the queries (hex, and whether over TCP); OUT gets, per
// server, each query's answer as hex ("" when none came). Each query gets
// its index as its id; UDP keeps at most 16 in flight and resends once
// after 1 s; TCP queries go pipelined over one connection per server
// (RFC 7766 §6.2.1), 32 at a time. Bounded: one resend per query, and the
// whole run stops after the deadline in IN.
import dgram from "node:dgram";
import net from "node:net";
import { readFileSync, writeFileSync } from "node:fs";

const [inFile, outFile] = process.argv.slice(2);
const { servers, queries, deadlineMs } = JSON.parse(readFileSync(inFile, "utf8"));
const deadline = Date.now() + deadlineMs;
const withId = (hex, i) => { const b = Buffer.from(hex, "hex"); b.writeUInt16BE(i & 0xffff, 0); return b; };

function udp(addr, indexes, out) {
  return new Promise((resolve) => {
    const s = dgram.createSocket("udp4");
    const pending = new Map(); // id -> { i, tries, timer }
    let next = 0;
    const finish = () => { if (next >= indexes.length && pending.size === 0) { s.close(); resolve(); } };
    const send = (i, tries) => {
      const id = i & 0xffff;
      const timer = setTimeout(() => {
        pending.delete(id);
        if (tries < 2 && Date.now() < deadline) send(i, tries + 1);
        else fill();
      }, 1000);
      pending.set(id, { i, tries, timer });
      s.send(withId(queries[i].hex, i), 53, addr);
    };
    const fill = () => {
      while (pending.size < 16 && next < indexes.length) send(indexes[next++], 1);
      finish();
    };
    s.on("message", (m) => {
      if (m.length < 2) return;
      const p = pending.get(m.readUInt16BE(0));
      if (!p) return;
      clearTimeout(p.timer);
      pending.delete(m.readUInt16BE(0));
      out[p.i] = m.toString("hex");
      fill();
    });
    s.bind(0, fill);
  });
}

function tcp(addr, indexes, out) {
  return new Promise((resolve) => {
    if (indexes.length === 0) return resolve();
    const c = net.connect(53, addr);
    let buf = Buffer.alloc(0);
    let next = 0;
    let waiting = 0;
    const timer = setTimeout(() => c.destroy(), Math.max(1000, deadline - Date.now()));
    const batch = () => {
      if (next >= indexes.length && waiting === 0) { clearTimeout(timer); c.end(); return; }
      while (waiting < 32 && next < indexes.length) {
        const i = indexes[next++];
        const q = withId(queries[i].hex, i);
        c.write(Buffer.concat([Buffer.from([q.length >> 8, q.length & 0xff]), q]));
        waiting++;
      }
    };
    c.on("connect", batch);
    c.on("data", (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const m = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + m.length);
        const i = indexes.find((k) => (k & 0xffff) === m.readUInt16BE(0) && out[k] === "");
        if (i !== undefined) out[i] = m.toString("hex");
        waiting--;
      }
      batch();
    });
    c.on("error", () => {});
    c.on("close", () => { clearTimeout(timer); resolve(); });
  });
}

const result = {};
for (const addr of servers) {
  const out = queries.map(() => "");
  const u = [], t = [];
  queries.forEach((q, i) => (q.tcp ? t : u).push(i));
  await Promise.all([udp(addr, u, out), tcp(addr, t, out)]);
  result[addr] = out;
}
writeFileSync(outFile, JSON.stringify(result));
