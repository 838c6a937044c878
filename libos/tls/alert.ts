// TLS alerts (RFC 8446 §6): the codes this layer sends and understands.
// In TLS 1.3 every error alert is fatal (§6.2), and the only warning-level
// alerts left are close_notify and user_canceled (§6.1).

export const enum AlertLevel {
  Warning = 1,
  Fatal = 2,
}

/** AlertDescription (RFC 8446 §6). */
export const enum AlertCode {
  CloseNotify = 0,
  UnexpectedMessage = 10,
  BadRecordMac = 20,
  RecordOverflow = 22,
  HandshakeFailure = 40,
  BadCertificate = 42,
  UnsupportedCertificate = 43,
  CertificateRevoked = 44,
  CertificateExpired = 45,
  CertificateUnknown = 46,
  IllegalParameter = 47,
  UnknownCa = 48,
  AccessDenied = 49,
  DecodeError = 50,
  DecryptError = 51,
  ProtocolVersion = 70,
  InsufficientSecurity = 71,
  InternalError = 80,
  InappropriateFallback = 86,
  UserCanceled = 90,
  MissingExtension = 109,
  UnsupportedExtension = 110,
  UnrecognizedName = 112,
  BadCertificateStatusResponse = 113,
  UnknownPskIdentity = 115,
  CertificateRequired = 116,
  NoApplicationProtocol = 120,
}

/** Not an alert: the value a parse returns when all is well. */
export const NO_ALERT: i32 = -1;

/** The two bytes of an alert's body: level, description (§6). */
export function alertBody(code: AlertCode): Uint8Array {
  const b = new Uint8Array(2);
  b[0] = code == AlertCode.CloseNotify || code == AlertCode.UserCanceled ? AlertLevel.Warning : AlertLevel.Fatal;
  b[1] = <u8>code;
  return b;
}

/** A name for logs and counters. */
export function alertName(code: i32): string {
  switch (code) {
    case AlertCode.CloseNotify: return "close_notify";
    case AlertCode.UnexpectedMessage: return "unexpected_message";
    case AlertCode.BadRecordMac: return "bad_record_mac";
    case AlertCode.RecordOverflow: return "record_overflow";
    case AlertCode.HandshakeFailure: return "handshake_failure";
    case AlertCode.BadCertificate: return "bad_certificate";
    case AlertCode.IllegalParameter: return "illegal_parameter";
    case AlertCode.DecodeError: return "decode_error";
    case AlertCode.DecryptError: return "decrypt_error";
    case AlertCode.ProtocolVersion: return "protocol_version";
    case AlertCode.InsufficientSecurity: return "insufficient_security";
    case AlertCode.InternalError: return "internal_error";
    case AlertCode.UserCanceled: return "user_canceled";
    case AlertCode.MissingExtension: return "missing_extension";
    case AlertCode.UnsupportedExtension: return "unsupported_extension";
    case AlertCode.UnrecognizedName: return "unrecognized_name";
    case AlertCode.NoApplicationProtocol: return "no_application_protocol";
    default: return "alert " + code.toString();
  }
}
