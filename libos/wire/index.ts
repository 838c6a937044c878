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
// - the Internet checksum, 64 bits at a time.
// Addresses are integers (MacAddress = u64, Ipv4Address = u32).
//
// Not supported: IPv4 options are skipped, never parsed or emitted; ARP for
// anything but Ethernet/IPv4; ICMP types other than echo, destination
// unreachable and time exceeded; 802.1Q tags (seen as EtherType 0x8100).
export * from "./error";
export * from "./address";
export * from "./checksum";
export * from "./ethernet";
export * from "./arp";
export * from "./ipv4";
export * from "./icmpv4";
export * from "./udp";
