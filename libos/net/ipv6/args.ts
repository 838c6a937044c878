// IPv6's boot arguments:
//   --ipv6=slaac                 (the default) a link-local address, and one
//                                per prefix a router advertises (SLAAC)
//   --ipv6=fd00::2/64            a static address and prefix length, beside
//                                the link-local one (routers still heard for
//                                the default route and MTU)
//   --ipv6=none                  no IPv6 at all
//   --ipv6-gateway=fe80::1       the default router (else: the advertised one)
//   --ipv6-dad-transmits=1       DAD probes per address (RFC 4862 §5.1's
//                                DupAddrDetectTransmits; 0: no DAD)
// A value that cannot work stops the image with a message naming the
// argument, before any traffic.
import { Argument, IntRange, Validator, declareArgument } from "../../platform/index";
import { IpAddress, isLinkLocal } from "../../wire/index";

/** "fd00::2/64" as an address and prefix length; null for anything else
 * (the prefix 1 to 128, the address neither ::, multicast nor
 * link-local: the link-local address is always made from the MAC). */
export class Ipv6Cidr {
  constructor(readonly address: IpAddress, readonly prefixLen: i32) {}

  static parse(text: string): Ipv6Cidr | null {
    const slash = text.indexOf("/");
    if (slash < 0) return null;
    const a = IpAddress.parse(text.substring(0, slash));
    const p = text.substring(slash + 1);
    if (a === null || !a.isV6 || p.length == 0 || p.length > 3) return null;
    let prefix = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      prefix = prefix * 10 + (c - 48);
    }
    if (prefix < 1 || prefix > 128) return null;
    if (a.isUnspecified || a.isMulticast || isLinkLocal(a)) return null;
    return new Ipv6Cidr(a, prefix);
  }
}

class Ipv6Validator extends Validator {
  check(value: string): string | null {
    if (value == "slaac" || value == "none" || Ipv6Cidr.parse(value) !== null) return null;
    return "slaac, none, or a global or unique-local IPv6 address and prefix length, like fd00::2/64";
  }
  describe(): string { return "slaac|none|ADDRESS/PREFIX"; }
}

class GatewayValidator extends Validator {
  check(value: string): string | null {
    if (value.length == 0) return null;
    const a = IpAddress.parse(value);
    if (a !== null && a.isV6 && !a.isUnspecified && !a.isMulticast) return null;
    return "a unicast IPv6 address, like fe80::1";
  }
  describe(): string { return "ADDRESS"; }
}

export function ipv6Argument(): Argument {
  return declareArgument("ipv6", "slaac",
    "IPv6: slaac (link-local, and addresses from router advertisements), none, or ADDRESS/PREFIX",
    new Ipv6Validator());
}

export function ipv6GatewayArgument(): Argument {
  return declareArgument("ipv6-gateway", "", "the IPv6 default router; empty: the one routers advertise",
    new GatewayValidator());
}

/** RFC 4862 §5.1: DupAddrDetectTransmits, 1 by default. More probes ride
 * out a link whose peers come up after the image does (a probe sent before
 * a switch port or a host's interface is ready is lost); 0 skips DAD, for
 * links where the address is known to be ours. */
export function ipv6DadTransmitsArgument(): Argument {
  return declareArgument("ipv6-dad-transmits", "1",
    "Duplicate Address Detection probes per IPv6 address, a second apart (0: none)", new IntRange(0, 10));
}
