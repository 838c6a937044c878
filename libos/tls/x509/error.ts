// Why a certificate was refused. Parsing and validation return one of
// these (with an offset or a certificate index where it helps) and never
// trap: a hostile certificate is an error value, not an abort.

export enum X509Error {
  /** No error. */
  Ok = 0,
  /** The DER does not parse (bad tag, length, nesting, a field out of its
   * range); `offset` says where. */
  Malformed,
  /** Larger than the limits (certificate size, nesting depth, number of
   * names or extensions, chain length). */
  TooLarge,
  /** A signature or key algorithm this code does not verify. */
  UnsupportedAlgorithm,
  /** A critical extension this code does not understand (RFC 5280 §4.2). */
  UnknownCriticalExtension,
  /** notAfter is in the past (RFC 5280 §6.1.3 (a)(2)). */
  Expired,
  /** notBefore is in the future. */
  NotYetValid,
  /** The host name or address is not among the certificate's identities
   * (RFC 6125 §6). */
  WrongName,
  /** No trust anchor and no presented certificate issued this one. */
  UnknownIssuer,
  /** The issuer's key does not verify the signature. */
  BadSignature,
  /** An issuer without basicConstraints cA (RFC 5280 §6.1.4 (k)). */
  NotCa,
  /** More CAs below an issuer than its pathLenConstraint allows
   * (RFC 5280 §6.1.4 (l)). */
  PathLenExceeded,
  /** keyUsage forbids the use: keyCertSign on an issuer, digitalSignature
   * on the leaf (RFC 5280 §4.2.1.3); or extendedKeyUsage lacks serverAuth. */
  KeyUsage,
  /** nameConstraints are present; this code does not apply them, so it
   * refuses the path rather than ignore them (RFC 5280 §4.2.1.10). */
  NameConstraints,
  /** No certificate was presented. */
  EmptyChain,
}

export function x509ErrorName(e: X509Error): string {
  switch (e) {
    case X509Error.Ok: return "ok";
    case X509Error.Malformed: return "malformed";
    case X509Error.TooLarge: return "too large";
    case X509Error.UnsupportedAlgorithm: return "unsupported algorithm";
    case X509Error.UnknownCriticalExtension: return "unknown critical extension";
    case X509Error.Expired: return "expired";
    case X509Error.NotYetValid: return "not yet valid";
    case X509Error.WrongName: return "wrong name";
    case X509Error.UnknownIssuer: return "unknown issuer";
    case X509Error.BadSignature: return "bad signature";
    case X509Error.NotCa: return "not a CA";
    case X509Error.PathLenExceeded: return "path too long";
    case X509Error.KeyUsage: return "key usage";
    case X509Error.NameConstraints: return "name constraints";
    case X509Error.EmptyChain: return "empty chain";
  }
  return "unknown error";
}
