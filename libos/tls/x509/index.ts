// libos/tls/x509 — X.509 certificates for the TLS client: parse, validate
// a path to a trust anchor, check the server's name.
//
// This layer promises:
// - DER read with every length checked against its enclosing element
//   (der.ts): parsing returns an X509Error and the offset at fault, and
//   never traps, whatever the bytes; nesting, certificate size, names,
//   extensions and chain length are bounded.
// - Certificates (certificate.ts): v1-v3; keys RSA, ECDSA P-256 and
//   Ed25519; signatures RSA PKCS#1 v1.5 with SHA-256/384/512, ECDSA with
//   SHA-256/384/512, Ed25519; validity as epoch seconds (time.ts);
//   basicConstraints, keyUsage, extendedKeyUsage, subjectAltName (dNSName,
//   iPAddress) and nameConstraints (extensions.ts); an unknown critical
//   extension is recorded and refuses any path through it.
// - Path validation (path.ts), RFC 5280 §6.1 for the common cases, and
//   host name verification (hostname.ts), RFC 6125; a Verdict names the
//   certificate and the reason (expired, not yet valid, wrong name,
//   unknown issuer, bad signature, not a CA, path too long, ...).
// - Trust anchors (anchors.ts) from the image's "/tls-ca" asset, which
//   `morgana build --tls-ca FILE` embeds after checking it.
// - No cryptography here: signatures are checked through the
//   SignatureVerifier seam (verifier.ts); libos/tls/certverify.ts
//   implements it over the crypto binding (BindingVerifier), and
//   libos/tls/client.ts validates the server's chain with it.
//
// Not supported: RSASSA-PSS-signed certificates, other curves than P-256,
// certificate policies, revocation (CRL, OCSP), applying nameConstraints
// (refused instead), RFC 4518 string preparation beyond ASCII case and
// spaces (name.ts).
export * from "./error";
export * from "./der";
export * from "./verifier";
export * from "./name";
export * from "./extensions";
export * from "./certificate";
export * from "./hostname";
export * from "./anchors";
export * from "./path";
