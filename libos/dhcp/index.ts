// libos/dhcp — configuration from the network (RFC 2131, options RFC 2132).
//
// This layer promises: with `--dhcp=true` the stack (libos/stack,
// Stack.fromBootArguments) starts a DhcpClient that leases an address, netmask, gateway and DNS
// servers and keeps them (RENEW at T1 unicast, REBIND at T2 broadcast),
// drops the address when the lease expires or a server says NAK, and
// starts over. The client needs only UDP; it emits ConfigEvents (bound,
// renewed, lost, with the DNS servers: libos/net/config.ts) that the
// stack applies and passes on (the resolver takes new DNS servers from a
// renewal). Applications wait for the address with
// `stack.whenConfigured(handler)`, which works the same with a static
// `--ipv4` (it calls back at once). The rule for the boot arguments:
// `--dhcp=true` and `--ipv4`/`--ipv4-gateway` together are refused; without
// `--dhcp=true` the address is `--ipv4` (default 10.0.0.2/24). `--name` is
// sent as the host name (option 12). Replies that are malformed or not
// for us are counted and ignored.
export { DhcpClient, DhcpLease, DhcpCounters, DhcpState, dhcpStateName, dhcpArgument, nameArgument } from "./client";
