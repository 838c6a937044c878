// The whole stack, assembled like mirage-tcpip: link -> ethernet -> arp ->
// ipv4 -> icmp -> udp, each layer built on the ones below, and started in
// the same order. `Stack.fromBootArguments()` is what an app calls.
import { Logger, NetDevice, parseArguments, fail } from "../platform/index";
import { ipv4ToString, macToString } from "../wire/index";
import { DhcpClient, dhcpArgument } from "../dhcp/client";
import { configFromArguments, gatewayArgument, ipv4Argument } from "./args";
import { ArpLayer } from "./arp";
import { Ipv4Config, Limits } from "./config";
import { EthernetLayer } from "./ethernet";
import { IcmpLayer } from "./icmp";
import { Ipv4Layer } from "./ipv4";
import { DeviceLink, Link } from "./link";
import { UdpLayer } from "./udp";

const log = new Logger("net");

/** Told once the interface has an address (see Stack.whenConfigured). */
export abstract class ConfiguredHandler {
  abstract configured(stack: Stack): void;
}

export class Stack {
  readonly ethernet: EthernetLayer;
  readonly arp: ArpLayer;
  readonly ipv4: Ipv4Layer;
  readonly icmp: IcmpLayer;
  readonly udp: UdpLayer;
  /** The DHCP client, when the address comes from DHCP (--dhcp=true). */
  dhcp: DhcpClient | null = null;
  private waiting: ConfiguredHandler[] = [];

  constructor(readonly link: Link, public config: Ipv4Config, readonly limits: Limits = new Limits()) {
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
    // --dhcp=true: the address, prefix and gateway come from DHCP, so
    // giving them as well is a contradiction, refused.
    const useDhcp = dhcpArgument.flag;
    if (useDhcp && (ipv4Argument.given || gatewayArgument.given)) {
      fail("--dhcp=true takes the address from DHCP: drop --ipv4 and --ipv4-gateway, or --dhcp");
    }
    const config = useDhcp ? new Ipv4Config(0, 0) : configFromArguments();
    const dev = NetDevice.open(device);
    if (dev === null) {
      fail("no net device '" + device + "' attached: declare it in app.json and attach it with --net:" +
        device + "=TAP");
    }
    const stack = new Stack(new DeviceLink(dev!), config, limits);
    stack.start();
    if (useDhcp) {
      log.info("ipv4 from DHCP on " + device + " (mac " + macToString(stack.link.mac) + ", mtu " +
        stack.link.mtu.toString() + ")");
      const dhcp = new DhcpClient(stack);
      stack.dhcp = dhcp;
      dhcp.start();
    } else {
      log.info("ipv4 " + config.toString() + " gateway " +
        (config.gateway == 0 ? "none" : ipv4ToString(config.gateway)) + " on " + device +
        " (mac " + macToString(stack.link.mac) + ", mtu " + stack.link.mtu.toString() + ")");
    }
    return stack;
  }

  /** Whether the interface has an address (given, or leased). */
  get configured(): bool {
    return this.config.address != 0;
  }

  /** Call `handler.configured(this)` once the interface has an address:
   * at once with a static --ipv4, when DHCP binds a lease otherwise. The
   * same call works either way, so an app need not know which it got. */
  whenConfigured(handler: ConfiguredHandler): void {
    if (this.configured) handler.configured(this);
    else this.waiting.push(handler);
  }

  /** Use another configuration from now on (DHCP binds, renews with
   * another address, or loses its lease: 0.0.0.0/0). */
  configure(config: Ipv4Config): void {
    this.config = config;
    this.ipv4.setConfig(config);
    this.arp.setConfig(config);
    if (config.address == 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (let i = 0; i < waiting.length; i++) waiting[i].configured(this);
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
