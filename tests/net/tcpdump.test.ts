// A conversation with the stack under the harness, read back from the
// harness's capture by tcpdump, Linux's own decoder: every frame decodes as
// what it should be, and tcpdump -vv (which checks the IPv4, ICMP and UDP
// checksums, and names fragments) finds nothing wrong.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "vitest";
import { ROOT } from "../harness/index.ts";
import { Net, PEER, US, fragments, frames, icmpEcho, ipFrame, pattern, udp } from "./helpers.ts";

test("tcpdump decodes every frame of a conversation and finds no bad checksum", async () => {
  const net = await Net.boot({ pcapName: "net-tcpdump", keepBoot: true });
  net.bind(7, 0);
  const ping = frames("ping");
  net.send(ping[0], ping[2]);
  net.send(...fragments({ protocol: 1, ident: 0x4242 }, icmpEcho(8, 5, 1, pattern(4000)), 1480));
  net.send(ipFrame({}, udp(PEER, US, 40000, 7, new TextEncoder().encode("hello, tcpdump"))));
  net.send(ipFrame({}, udp(PEER, US, 40001, 9, [1, 2, 3])));
  const file = path.join(ROOT, "build", "pcap", "net-tcpdump.service.pcap");
  const text = execFileSync("tcpdump", ["-r", file, "-nn", "-vv", "-t"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  // One line or more per frame; the ones we sent:
  expect(text).toContain(`Request who-has ${US} tell ${US}, length 28`); // the announcement
  expect(text).toContain(`Reply ${US} is-at 02:00:00:00:01:01, length 28`);
  expect(text).toMatch(new RegExp(`${US} > ${PEER}: ICMP echo reply, id \\d+, seq 1, length 64`));
  expect(text).toMatch(new RegExp(`${US} > ${PEER}: ICMP echo reply, id 5, seq 1, length 1480`));
  expect(text.match(/flags \[\+\], proto ICMP \(1\), length 1500/g)?.length).toBe(4); // 2 of 3 fragments, each way
  expect(text).toContain(`${US}.7 > ${PEER}.40000: [udp sum ok] UDP, length 14`);
  expect(text).toContain(`${US} > ${PEER}: ICMP ${US} udp port 9 unreachable`);
  expect(text).not.toMatch(/bad|wrong|invalid|truncated/i);
});
