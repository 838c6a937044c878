// libos/stack — the network stack assembled, as an app gets it.
//
// This layer promises: one entry point, `Stack.fromBootArguments()`, that
// reads the stack's boot arguments (--ipv4, --ipv4-gateway, --dhcp,
// --name), opens the net device, builds the layers in order (link ->
// ethernet -> arp -> ipv4 -> icmp -> udp, as mirage-tcpip composes them)
// and starts them; TCP is made on first use of `stack.tcp` (with its
// --tcp-* arguments); IPv6 (--ipv6, --ipv6-gateway) joins when the app
// imports libos/net/ipv6. One start-up pattern for static and DHCP addressing:
// sockets can be bound and ports listened on at once, whatever the
// address (the transports read it when they send), and
// `whenConfigured(handler)` calls back once there is an address (at once
// with --ipv4). Configuration sources emit events (libos/net/config.ts
// ConfigEvent): this layer applies them to IPv4 and ARP and passes them
// on to `onConfigChange` listeners (the resolver takes new DNS servers
// from them). It sits above libos/net, libos/net/tcp and libos/dhcp;
// nothing below imports it.
//
//   const stack = Stack.fromBootArguments();
//   stack.udp.bind(7, new Echo());
//   stack.tcp.listen(80, new HttpServer(new Site()));
//   run();
import { Logger, NetDevice, fail, parseArguments, registerCounters, countersReport } from "../platform/index";
import { IpAddress, ipv4ToString, macToString } from "../wire/index";
import { ArpLayer } from "../net/arp";
import {
  ConfigChange, ConfigEvent, ConfigListener, Ipv4Config, Limits,
} from "../net/config";
import { configFromArguments, gatewayArgument, ipv4Argument } from "../net/args";
import { EthernetLayer } from "../net/ethernet";
import { IcmpLayer } from "../net/icmp";
import { IpFamilies, StartedIpLayer, ipv6LayerFactory } from "../net/ip";
import { Ipv4Layer } from "../net/ipv4";
import { DeviceLink, Link } from "../net/link";
import { UdpLayer } from "../net/udp";
import { StreamTransport, tcpTransportFactory } from "../net/transport";
import { DhcpClient, dhcpArgument, nameArgument } from "../dhcp/client";
import { stackMaker } from "./target";

const log = new Logger("net");

/** Told once the interface has an address (see Stack.whenConfigured). */
export abstract class ConfiguredHandler {
  abstract configured(stack: Stack): void;
}

export class Stack extends ConfigListener {
  readonly ethernet: EthernetLayer;
  readonly arp: ArpLayer;
  readonly ipv4: Ipv4Layer;
  readonly icmp!: IcmpLayer;
  /** The IP layers by version, for the transports. */
  readonly ip: IpFamilies = new IpFamilies();
  /** IPv6, when the app imports libos/net/ipv6 and --ipv6 is not none. */
  ipv6: StartedIpLayer | null = null;
  readonly udp!: UdpLayer;
  /** The DHCP client, when the address comes from DHCP (--dhcp=true). */
  dhcp: DhcpClient | null = null;
  /** DNS servers the configuration named (DHCP), in order of preference. */
  dnsServers: IpAddress[] = [];
  private tcpLayer: StreamTransport | null = null;
  private waiting: ConfiguredHandler[] = [];
  private readonly listeners: ConfigListener[] = [];

  constructor(readonly link: Link, public config: Ipv4Config, readonly limits: Limits = new Limits()) {
    super();
    const ethernet = new EthernetLayer(link);
    const arp = new ArpLayer(ethernet, config, limits);
    const ipv4 = new Ipv4Layer(ethernet, arp, config, limits);
    ethernet.arp = arp;
    ethernet.ipv4 = ipv4;
    this.ethernet = ethernet;
    this.arp = arp;
    this.ipv4 = ipv4;
    this.ip.v4 = ipv4;
    const v6 = ipv6LayerFactory();
    if (v6 !== null) {
      const layer = v6.make(ethernet, limits);
      if (layer !== null) layer.listener = this;
      this.ipv6 = layer;
      this.ip.v6 = layer;
    }
    this.icmp = new IcmpLayer(ipv4, limits);
    this.udp = new UdpLayer(this.ip);
    registerCounters("ethernet", ethernet.counters);
    registerCounters("arp", arp.counters);
    registerCounters("ipv4", ipv4.counters);
    registerCounters("reassembly", ipv4.reassembly.counters);
    registerCounters("icmp", this.icmp.counters);
    registerCounters("udp", this.udp.counters);
  }

  /** TCP over this stack's IP layers, made on first use with the memory's
   * defaults and the --tcp-* boot arguments. The image has TCP when the
   * app imports libos/net/tcp (`import "…/libos/net/tcp"`): an image
   * carries only the protocols it imports. */
  get tcp(): StreamTransport {
    const t = this.tcpLayer;
    if (t !== null) return t;
    const f = tcpTransportFactory();
    if (f === null) {
      fail("this image has no TCP: import libos/net/tcp in the app's main.ts (import \"morgana/net/tcp\")");
    }
    const made = f!.make(this.ip);
    this.tcpLayer = made;
    return made;
  }

  /** Whether `tcp` can be had (the image imports libos/net/tcp). */
  get hasTcp(): bool {
    return this.tcpLayer !== null || tcpTransportFactory() !== null;
  }

  /** Use `t` as this stack's stream transport (tests give a TCP with their
   * own limits; the development target its host sockets). */
  useTcp(t: StreamTransport): void {
    this.tcpLayer = t;
  }

  /** Parse the boot arguments, open the net device `device` and start a
   * stack on it. Stops the image with a message if an argument is bad or
   * the device is not attached. */
  static fromBootArguments(device: string = "service", limits: Limits = new Limits()): Stack {
    const ipv4 = ipv4Argument();
    const gateway = gatewayArgument();
    const dhcp = dhcpArgument();
    const name = nameArgument();
    const v6 = ipv6LayerFactory();
    if (v6 !== null) v6.declareArguments();
    parseArguments();
    // --dhcp=true: the address, prefix and gateway come from DHCP, so
    // giving them as well is a contradiction, refused.
    const useDhcp = dhcp.flag;
    if (useDhcp && (ipv4.given || gateway.given)) {
      fail("--dhcp=true takes the address from DHCP: drop --ipv4 and --ipv4-gateway, or --dhcp");
    }
    // Another target (node: host sockets) builds its own (stack/target.ts).
    const maker = stackMaker();
    if (maker !== null) return maker.make(useDhcp, limits);
    const config = useDhcp ? new Ipv4Config(0, 0) : configFromArguments();
    const dev = NetDevice.open(device);
    if (dev === null) {
      fail("no net device '" + device + "' attached: declare it in app.json and attach it with --net:" +
        device + "=TAP");
    }
    const stack = new Stack(new DeviceLink(dev!), config, limits);
    stack.start();
    const where = " on " + device + " (mac " + macToString(stack.link.mac) + ", mtu " + stack.link.mtu.toString() + ")";
    if (useDhcp) {
      log.info("ipv4 from DHCP" + where);
      const client = new DhcpClient(stack.udp, stack.link.mac, stack, name.value);
      stack.dhcp = client;
      client.start();
    } else {
      log.info("ipv4 " + config.toString() + " gateway " +
        (config.gateway == 0 ? "none" : ipv4ToString(config.gateway)) + " (static)" + where);
      stack.configChanged(new ConfigEvent(ConfigChange.Bound, config, [], "static"));
    }
    return stack;
  }

  /** Whether the interface has an address (given, or leased). */
  get configured(): bool {
    return this.config.address != 0;
  }

  /** Call `handler.configured(this)` once the interface has an address:
   * at once with a static --ipv4, when DHCP binds a lease otherwise. */
  whenConfigured(handler: ConfiguredHandler): void {
    if (this.configured) handler.configured(this);
    else this.waiting.push(handler);
  }

  /** Tell `listener` of every configuration event from now on, after the
   * stack has applied it. */
  onConfigChange(listener: ConfigListener): void {
    this.listeners.push(listener);
  }

  /** Apply a configuration event (a source calls this; tests may too):
   * the new address, prefix and gateway to IPv4 and ARP, the DNS servers
   * kept, then the listeners and those waiting for an address told. */
  configChanged(e: ConfigEvent): void {
    // An IPv6 event (libos/net/ipv6 applied it already) goes to the
    // listeners only; whenConfigured waits for IPv4, as it always has.
    if (e.ipv6 !== null) {
      for (let i = 0; i < this.listeners.length; i++) this.listeners[i].configChanged(e);
      return;
    }
    const config = e.ipv4;
    this.config = config;
    this.ipv4.setConfig(config);
    this.arp.setConfig(config);
    if (e.change != ConfigChange.Lost) this.dnsServers = e.dnsServers;
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i].configChanged(e);
    if (config.address == 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (let i = 0; i < waiting.length; i++) waiting[i].configured(this);
  }

  /** Take frames from the link and announce our address; IPv6 begins
   * forming and checking its addresses. */
  start(): void {
    this.link.attach(this.ethernet);
    this.arp.start();
    const v6 = this.ipv6;
    if (v6 !== null) v6.start();
  }

  /** Every registered layer's counters, a line each: "udp datagramsIn=3 …". */
  counters(): string {
    return countersReport();
  }
}
