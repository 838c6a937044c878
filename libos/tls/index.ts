// libos/tls: TLS 1.3 (RFC 8446) in AssemblyScript over vetted primitives.
// It promises: every parse of peer bytes returns an error and never traps;
// memory per connection is bounded; the primitives are reached only
// through crypto.ts (the `morgana` crypto* imports: BearSSL on hvt and
// spt, node:crypto on the node target). README.md has the decisions.
export * from "./crypto";
export * from "./alert";
export * from "./suite";
export * from "./hkdf";
export * from "./keyschedule";
export * from "./transcript";
export * from "./record";
export { TlsCertificate, TlsServerConfig } from "./config";
export { TlsServerEngine, ServerState } from "./server";
export { TlsServer, TlsFlow, TlsCounters, tlsCounters } from "./flow";
