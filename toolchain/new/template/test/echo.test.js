// __NAME__ tested twice with morgana/testing: under Node, its Wasm on an
// in-memory network with a fake clock (no VM, no root: runs anywhere), and
// booted for real on a tap in a network namespace of its own (needs root and
// KVM; skipped with the reason otherwise).
import { execFileSync } from "node:child_process";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Harness, Network, bootInNetns, bootSkipReason } from "morgana/testing";

const MS = 1_000_000n;

test("__NAME__ echoes UDP (under Node, on an in-memory network)", async () => {
  const app = await Harness.app("apps/__NAME__", { cmdline: "--ipv4=10.0.0.2/24" });
  assert.match(app.console, /echoing UDP on 10\.0\.0\.2:7/);
  // Every frame goes to a capture: tcpdump -r build/pcap/__NAME__-echo.pcap -nn
  const net = new Network({ pcap: "build/pcap/__NAME__-echo.pcap" });
  net.attach(app);
  const peer = net.host("10.0.0.1", "02:00:00:00:00:99");
  peer.sendUdp("10.0.0.2", 7, "hello");
  net.runFor(10n * MS);
  assert.deepEqual(peer.received.map((d) => d.text), ["hello"]);
});

const image = "dist/__NAME__.hvt";
test("__NAME__ boots on a tap and echoes UDP", { skip: bootSkipReason(image) || false }, async () => {
  execFileSync("npx", ["morgana", "build", "--target", "hvt", "--app", "__NAME__"], { stdio: "inherit" });
  const vm = await bootInNetns(image, { ready: /echoing UDP/ });
  try {
    // The peer is Node itself, run in the namespace: one datagram, 5 s at most.
    const send = `const s = require("node:dgram").createSocket("udp4");
      s.on("message", (m) => { process.stdout.write(m); s.close(); });
      s.send("hello", 7, "${vm.address}");
      setTimeout(() => process.exit(1), 5000).unref();`;
    const r = await vm.exec([process.execPath, "-e", send], { timeoutMs: 10_000 });
    assert.equal(r.stdout, "hello");
  } finally {
    await vm.stop();
  }
});
