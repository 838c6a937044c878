// libos/dns — DNS above the stack: an authoritative server over compiled
// zones, and a stub resolver for applications.
//
// This layer promises:
// - Authority (authority.ts): the answer to a query, from the zones
//   toolchain/assets/dns-zones.ts compiled at build time (zone.ts reads
//   them, every offset and record checked once at load), following RFC
//   1034 §4.3.2 for an authoritative-only server, with wildcards (RFC
//   4592) and DNAME (RFC 6672), no recursion. It never traps on a query,
//   nor on any table that loads: malformed queries get FORMERR or
//   nothing. No allocation per query.
// - DnsUdpServer (server.ts): port 53 over UDP with an optional per-/24
//   response rate limit (ratelimit.ts); DnsTcpServer (tcp.ts): RFC 7766,
//   a FlowAcceptor written against Flow only (TCP today, TLS for DNS over
//   TLS later): `stack.tcp.listen(53, new DnsTcpServer(authority))`.
// - Resolver (resolver.ts): A/AAAA lookups for applications, see there;
//   its servers follow the stack's configuration events (DHCP renewals).
//
// Not supported: zone transfers (AXFR/IXFR are REFUSED), DNSSEC signing,
// NOTIFY (REFUSED), UPDATE (NOTIMP), classes other than IN (ANY is
// answered from IN), cookies (RFC 7873: ignored, as allowed).
export { ZoneTable, FLAG_APEX, FLAG_CUT, FLAG_GLUE, FLAG_EMPTY } from "./zone";
export { Authority, AuthorityCounters } from "./authority";
export { RateLimit, Verdict } from "./ratelimit";
export { DnsUdpServer } from "./server";
export { DnsTcpServer } from "./tcp";
export {
  Resolver, ResolveHandler, Resolution, ResolveError, resolveErrorName, ResolverCounters, dnsServerArgument,
  preferIpv6Argument,
} from "./resolver";
