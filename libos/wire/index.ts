// libos/wire — bytes only: parse and emit, per protocol, no state.
//
// This layer promises, for Ethernet II, ARP, IPv4, ICMPv4 and UDP:
// - named field offsets, and a zero-copy *view* (EthernetFrame, ArpPacket,
//   Ipv4Packet, Icmpv4Packet, UdpPacket) with getters and setters. The rule:
//   `check()` the length once; once it returns Ok, every accessor is safe
//   (accessors do no bounds checks of their own).
// - a plain *representation* (…Repr) that holds only valid values: `parse`
//   fills it from a view or returns a WireError, leaving it unchanged, and
//   never traps, whatever the bytes; `emit` writes exactly `bufferLen()`
//   bytes (checksums included) and aborts only on a programming error (a
//   buffer shorter than bufferLen()).
// - IPv6 (ipv6.ts), its extension headers walked within bounds
//   (ipv6ext.ts), ICMPv6 (icmpv6.ts) and Neighbor Discovery (ndisc.ts),
//   in the same view/representation pairs.
// - the Internet checksum, 64 bits at a time.
// - DNS (RFC 1035, EDNS(0) RFC 6891) and DHCP (RFC 2131/2132) messages as
//   representations (DnsMessage, DhcpRepr) over header views; DNS names
//   with compression (DnsName reads, DnsWriter writes within a size limit).
// Addresses: MacAddress (u64) and Ipv4Address (u32) are integers, for the
// per-version code here and in libos/net/ipv4*; everything above the IP
// layer holds an IpAddress (ip.ts: IPv4 or IPv6, parsed and printed per
// RFC 4291 §2.2 and RFC 5952) and an IpEndpoint (address and port).
//
// Not supported: IPv6 options other than padding (dropped as RFC 8200
// §4.2 says), routing headers with segments left, ND redirects (parsed,
// never acted on); IPv4 options are skipped, never parsed or emitted; ARP for
// anything but Ethernet/IPv4; ICMP types other than echo, destination
// unreachable and time exceeded; 802.1Q tags (seen as EtherType 0x8100).
export * from "./error";
export * from "./address";
export * from "./ip";
export * from "./checksum";
export * from "./ethernet";
export * from "./arp";
export * from "./ipv4";
export * from "./icmpv4";
export * from "./ipv6";
export * from "./ipv6ext";
export * from "./icmpv6";
export * from "./ndisc";
export * from "./udp";
export * from "./dnsname";
export * from "./dnswriter";
export * from "./dnsrdata";
export * from "./dns";
export * from "./dhcp";
