// The whole stack, assembled like mirage-tcpip: link -> ethernet -> arp ->
// ipv4 -> icmp -> udp, each layer built on the ones below, and started in
// the same order. `Stack.fromBootArguments()` is what an app calls.
import { Logger, NetDevice, parseArguments, fail } from "../platform/index";
import { ipv4ToString, macToString } from "../wire/index";
import { configFromArguments } from "./args";
import { ArpLayer } from "./arp";
import { Ipv4Config, Limits } from "./config";
import { EthernetLayer } from "./ethernet";
import { IcmpLayer } from "./icmp";
import { Ipv4Layer } from "./ipv4";
import { DeviceLink, Link } from "./link";
import { UdpLayer } from "./udp";

const log = new Logger("net");

export class Stack {
  readonly ethernet: EthernetLayer;
  readonly arp: ArpLayer;
  readonly ipv4: Ipv4Layer;
  readonly icmp: IcmpLayer;
  readonly udp: UdpLayer;

  constructor(readonly link: Link, readonly config: Ipv4Config, readonly limits: Limits = new Limits()) {
    const ethernet = new EthernetLayer(link);
    const arp = new ArpLayer(ethernet, config, limits);
    const ipv4 = new Ipv4Layer(ethernet, arp, config, limits);
    ethernet.arp = arp;
    ethernet.ipv4 = ipv4;
    this.ethernet = ethernet;
    this.arp = arp;
    this.ipv4 = ipv4;
    const icmp = new IcmpLayer(ipv4, limits);
    this.icmp = icmp;
    this.udp = new UdpLayer(ipv4, icmp);
  }

  /** Parse the boot arguments (declare an app's own before calling this),
   * open the net device `device` and start a stack on it. Stops the image
   * with a message if an argument is bad or the device is not attached. */
  static fromBootArguments(device: string = "service", limits: Limits = new Limits()): Stack {
    parseArguments();
    const config = configFromArguments();
    const dev = NetDevice.open(device);
    if (dev === null) {
      fail("no net device '" + device + "' attached: declare it in app.json and attach it with --net:" +
        device + "=TAP");
    }
    const stack = new Stack(new DeviceLink(dev!), config, limits);
    stack.start();
    log.info("ipv4 " + config.toString() + " gateway " +
      (config.gateway == 0 ? "none" : ipv4ToString(config.gateway)) + " on " + device +
      " (mac " + macToString(stack.link.mac) + ", mtu " + stack.link.mtu.toString() + ")");
    return stack;
  }

  /** Take frames from the link and announce our address. */
  start(): void {
    this.link.attach(this.ethernet);
    this.arp.start();
  }

  /** Every layer's counters, a line each: "udp datagramsIn=3 …". */
  counters(): string {
    return "ethernet" + this.ethernet.counters.list() + "\n" +
      "arp" + this.arp.counters.list() + "\n" +
      "ipv4" + this.ipv4.counters.list() + "\n" +
      "reassembly" + this.ipv4.reassembly.counters.list() + "\n" +
      "icmp" + this.icmp.counters.list() + "\n" +
      "udp" + this.udp.counters.list() + "\n";
  }
}
