// The stack's boot arguments, named as MirageOS names them:
//   --ipv4=10.0.0.2/24       address and prefix length (this is the default)
//   --ipv4-gateway=10.0.0.1  the gateway (default: none, the subnet only)
// (--log=LEVEL belongs to libos/platform.) A value that cannot work stops
// the image with a message naming the argument, before any traffic.
import { Argument, Validator, declareArgument, fail } from "../platform/index";
import { Ipv4Config, parseCidr, parseIpv4 } from "./config";

class CidrValidator extends Validator {
  check(value: string): string | null {
    const c = parseCidr(value);
    if (c === null) return "an IPv4 address and prefix length, like 10.0.0.2/24";
    return c.problem();
  }
  describe(): string { return "ADDRESS/PREFIX"; }
}

class AddressValidator extends Validator {
  check(value: string): string | null {
    if (value.length == 0 || parseIpv4(value) >= 0) return null;
    return "an IPv4 address, like 10.0.0.1";
  }
  describe(): string { return "ADDRESS"; }
}

/** --ipv4 (declared on first use, as every argument is). */
export function ipv4Argument(): Argument {
  return declareArgument("ipv4", "10.0.0.2/24", "this unikernel's IPv4 address and prefix length", new CidrValidator());
}

/** --ipv4-gateway */
export function gatewayArgument(): Argument {
  return declareArgument("ipv4-gateway", "", "the IPv4 gateway; empty: only the subnet is reachable",
    new AddressValidator());
}

/** The configuration the (parsed) boot arguments give; stops the image
 * when the gateway cannot be reached from the address. */
export function configFromArguments(): Ipv4Config {
  const cidr = parseCidr(ipv4Argument().value)!;
  const gw = gatewayArgument().value;
  const config = new Ipv4Config(cidr.address, cidr.prefixLen, gw.length == 0 ? 0 : <u32>parseIpv4(gw));
  const why = config.gatewayProblem();
  if (why !== null) fail("bad value for boot argument --ipv4-gateway: '" + gw + "' (expected " + why + ")");
  return config;
}
