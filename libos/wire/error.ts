// What can be wrong with bytes off the wire. Parsing returns one of these
// and never traps: hostile input is an error value, not an abort.

export enum WireError {
  /** No error. */
  Ok = 0,
  /** The buffer ends before the header or the length the header claims. */
  Truncated,
  /** A length field contradicts itself or the header (e.g. IPv4 total
   * length shorter than the header, UDP length under 8). */
  BadLength,
  /** IPv4 header length under 20 bytes or beyond the packet. */
  BadHeaderLength,
  /** Not IPv4 (version field). */
  BadVersion,
  /** The checksum does not match the bytes. */
  BadChecksum,
  /** Valid, but not something this layer handles (another ARP hardware
   * type, an ICMP type we do not speak, an 802.3 length field). */
  Unsupported,
  /** A field holds a value the protocol forbids (UDP destination port 0). */
  Malformed,
}

export function wireErrorName(e: WireError): string {
  switch (e) {
    case WireError.Ok: return "ok";
    case WireError.Truncated: return "truncated";
    case WireError.BadLength: return "bad length";
    case WireError.BadHeaderLength: return "bad header length";
    case WireError.BadVersion: return "bad version";
    case WireError.BadChecksum: return "bad checksum";
    case WireError.Unsupported: return "unsupported";
    case WireError.Malformed: return "malformed";
  }
  return "unknown error";
}
