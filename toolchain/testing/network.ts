/**
 * An in-memory Ethernet segment: harnessed apps (Harness.app) and
 * JavaScript hosts on one broadcast domain, each frame handed to every
 * other port as a hub would, and all of them written to one pcap file when
 * asked. Time is the harnesses' fake clock, moved in steps of `quantumNs`
 * (default 1 ms): each app runs to the end of the step, then the frames
 * sent during it are delivered, so a frame takes at most one step to cross.
 *
 *   const net = new Network({ pcap: "build/pcap/echo.pcap" });
 *   const app = await Harness.app("apps/demo");
 *   net.attach(app);
 *   const peer = net.host("10.0.0.1", "02:00:00:00:00:99");
 *   peer.sendUdp("10.0.0.2", 7, "hello");
 *   net.runFor(100_000_000n);             // 100 ms of fake time
 *   peer.received[0].text                 // "hello"
 */
import { Harness } from "./harness.ts";
import { arp, be16, be32, ethernet, ipText, ipv4, macText, udp } from "./frames.ts";
import { PcapWriter } from "./pcap.ts";

const BROADCAST = "ff:ff:ff:ff:ff:ff";
const ETH_IPV4 = 0x0800;
const ETH_ARP = 0x0806;

/** Something on the segment: it takes frames and has frames to send. */
interface Port {
  deliver(frame: Uint8Array, at: bigint): void;
  takeSent(): Uint8Array[];
}

export class Network {
  /** The segment's clock, monotonic ns: every app is at this time between steps. */
  now = 0n;
  readonly quantum: bigint;
  private readonly ports: Port[] = [];
  private readonly apps: Harness[] = [];
  private readonly macs = new Set<string>();
  private readonly pcap: PcapWriter | null;

  constructor(opts: { pcap?: string; quantumNs?: bigint } = {}) {
    this.quantum = opts.quantumNs ?? 1_000_000n;
    if (this.quantum <= 0n) throw new Error("quantumNs must be positive");
    this.pcap = opts.pcap ? new PcapWriter(opts.pcap) : null;
  }

  /** Puts an app's net device (default "service") on the segment. The app
   * must come from Harness.app() and be at the segment's time. */
  attach(app: Harness, device = "service"): void {
    if (app.monotonic !== this.now)
      throw new Error(`the app's clock is at ${app.monotonic} ns and the network's at ${this.now} ns: attach apps before running the network`);
    const net = app.net(device);
    const mac = macText(net.mac);
    if (this.macs.has(mac))
      throw new Error(`MAC ${mac} is on this network already: give each app its own, e.g. Harness.app(dir, { devices: [{ name: "service", type: "net", mac: "02:00:00:00:00:02" }] })`);
    this.macs.add(mac);
    this.apps.push(app);
    this.ports.push(net);
  }

  /** A host written in JavaScript at `address`, answering ARP, sending and
   * receiving UDP. */
  host(address: string, mac: string): Host {
    if (this.macs.has(mac)) throw new Error(`MAC ${mac} is on this network already: give the host another`);
    this.macs.add(mac);
    const h = new Host(address, mac);
    this.ports.push(h);
    return h;
  }

  /** Runs every app and moves frames between the ports for `ns` of fake time. */
  runFor(ns: bigint): void {
    const end = this.now + ns;
    this.forward();
    while (this.now < end) {
      const step = end - this.now < this.quantum ? end - this.now : this.quantum;
      for (const app of this.apps) if (app.exitStatus === null) app.runFor(this.now + step - app.monotonic);
      this.now += step;
      this.forward();
    }
  }

  /** Hands every frame sent so far to every other port, at the current time. */
  private forward(): void {
    // Hosts answer as they receive, so keep going until nobody has more.
    for (let moved = true; moved; ) {
      moved = false;
      for (const from of this.ports) {
        for (const frame of from.takeSent()) {
          moved = true;
          this.pcap?.write(this.wallNow(), frame);
          for (const to of this.ports) if (to !== from) to.deliver(frame, this.now);
        }
      }
    }
  }

  private wallNow(): bigint {
    return (this.apps[0]?.walltime ?? 0n) - (this.apps[0]?.monotonic ?? 0n) + this.now;
  }
}

/** A UDP datagram a Host received. */
export interface Received {
  from: string;
  fromPort: number;
  port: number;
  payload: Uint8Array;
  /** The payload as UTF-8 text. */
  text: string;
}

/** A JavaScript host on a Network: resolves addresses with ARP (RFC 826),
 * answers ARP requests for its own, sends UDP and keeps what it receives. */
export class Host implements Port {
  /** UDP datagrams addressed to this host, oldest first. */
  readonly received: Received[] = [];
  private readonly neighbours = new Map<string, string>();
  private readonly waiting: { to: string; frame: (mac: string) => Uint8Array }[] = [];
  private outbox: Uint8Array[] = [];

  constructor(readonly address: string, readonly mac: string) {}

  /** Sends `payload` to `to`:`port` (after an ARP exchange the first time). */
  sendUdp(to: string, port: number, payload: Uint8Array | string, fromPort = 40000): void {
    const data = typeof payload === "string" ? new TextEncoder().encode(payload) : payload;
    const packet = ipv4({ src: this.address, dst: to, protocol: 17 }, udp(this.address, to, fromPort, port, data));
    this.sendIp(to, (mac) => ethernet(mac, this.mac, ETH_IPV4, packet));
  }

  deliver(frame: Uint8Array): void {
    if (frame.length < 14) return;
    const dst = macText(frame, 0);
    if (dst !== this.mac && dst !== BROADCAST) return;
    const type = be16(frame, 12);
    if (type === ETH_ARP) this.arp(frame.subarray(14));
    else if (type === ETH_IPV4) this.ipv4(frame.subarray(14));
  }

  takeSent(): Uint8Array[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }

  private sendIp(to: string, frame: (mac: string) => Uint8Array): void {
    const mac = this.neighbours.get(to);
    if (mac) return void this.outbox.push(frame(mac));
    const asked = this.waiting.some((w) => w.to === to);
    this.waiting.push({ to, frame });
    if (!asked) this.outbox.push(ethernet(BROADCAST, this.mac, ETH_ARP, arp(1, this.mac, this.address, "00:00:00:00:00:00", to)));
  }

  private arp(p: Uint8Array): void {
    if (p.length < 28 || be16(p, 0) !== 1 || be16(p, 2) !== ETH_IPV4) return;
    const op = be16(p, 6);
    const sha = macText(p, 8);
    const spa = ipText(be32(p, 14));
    const tpa = ipText(be32(p, 24));
    this.neighbours.set(spa, sha);
    if (op === 1 && tpa === this.address) {
      this.outbox.push(ethernet(sha, this.mac, ETH_ARP, arp(2, this.mac, this.address, sha, spa)));
    }
    for (let i = 0; i < this.waiting.length; ) {
      const w = this.waiting[i];
      if (w.to !== spa) i++;
      else {
        this.outbox.push(w.frame(sha));
        this.waiting.splice(i, 1);
      }
    }
  }

  private ipv4(p: Uint8Array): void {
    if (p.length < 20 || p[0] >> 4 !== 4) return;
    const hl = (p[0] & 15) * 4;
    const total = be16(p, 2);
    if (ipText(be32(p, 16)) !== this.address || p[9] !== 17 || total > p.length || hl + 8 > total) return;
    if ((be16(p, 6) & 0x3fff) !== 0) return; // fragments are not reassembled here
    const u = p.subarray(hl, total);
    const payload = u.slice(8, be16(u, 4));
    this.received.push({
      from: ipText(be32(p, 12)), fromPort: be16(u, 0), port: be16(u, 2), payload,
      text: new TextDecoder().decode(payload),
    });
  }
}
