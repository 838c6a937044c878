// The TLS 1.3 record layer (RFC 8446 §5): framing, and the protection of
// one direction of a connection with one traffic secret.
//
//   TLSPlaintext / TLSCiphertext:  type(1) legacy_version(2) length(2) fragment
//   TLSInnerPlaintext:             content | type(1) | zeros (padding)
//
// Limits (§5.1, §5.2): a plaintext fragment is at most 2^14 bytes, a
// ciphertext at most 2^14 + 256; beyond that, record_overflow. An AEAD
// failure is bad_record_mac; an inner plaintext of zeros only (no type)
// is unexpected_message. The nonce is the IV XOR the 64-bit sequence
// number, left-padded (§5.3); the sequence number never wraps (a
// connection would rekey long before 2^64 records).
import { AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, aeadOpen, aeadSeal } from "./crypto";
import { AlertCode, NO_ALERT } from "./alert";
import { CipherSuite } from "./suite";
import { TrafficKeys, nextTrafficSecret } from "./keyschedule";
import { wipe } from "./bytes";

export const enum ContentType {
  Invalid = 0,
  ChangeCipherSpec = 20,
  Alert = 21,
  Handshake = 22,
  ApplicationData = 23,
}

export const RECORD_HEADER_LENGTH = 5;
export const MAX_PLAINTEXT = 16384;
export const MAX_CIPHERTEXT = MAX_PLAINTEXT + 256;
/** legacy_record_version of every record this layer writes (§5.1). */
export const LEGACY_RECORD_VERSION: u16 = 0x0303;

/** A record header read from the start of `bytes`. */
export class RecordHeader {
  type: i32 = 0;
  length: i32 = 0;
  /** NO_ALERT, or the alert that reading it calls for. */
  alert: i32 = NO_ALERT;

  /** Reads a header; false when fewer than 5 bytes are there. `protectedLimit`:
   * whether the ciphertext limit applies rather than the plaintext one. */
  read(bytes: Uint8Array, protectedLimit: bool): bool {
    if (bytes.length < RECORD_HEADER_LENGTH) return false;
    this.type = bytes[0];
    this.length = (<i32>bytes[3] << 8) | bytes[4];
    this.alert = NO_ALERT;
    const t = this.type;
    if (t != ContentType.ChangeCipherSpec && t != ContentType.Alert && t != ContentType.Handshake && t != ContentType.ApplicationData) {
      this.alert = AlertCode.UnexpectedMessage; // §5: an unknown type
    } else if (this.length > (protectedLimit ? MAX_CIPHERTEXT : MAX_PLAINTEXT)) {
      this.alert = AlertCode.RecordOverflow;
    } else if (this.length == 0 && t != ContentType.ApplicationData) {
      this.alert = AlertCode.DecodeError; // §5.1: only application data may be empty
    }
    return true;
  }
}

/** Writes a record header at out[at]. */
export function writeHeader(out: Uint8Array, at: i32, type: i32, length: i32): void {
  out[at] = <u8>type;
  out[at + 1] = <u8>(LEGACY_RECORD_VERSION >> 8);
  out[at + 2] = <u8>LEGACY_RECORD_VERSION;
  out[at + 3] = <u8>(length >> 8);
  out[at + 4] = <u8>length;
}

/** What opening a protected record gave: the inner type and content, or
 * the alert to send. */
export class Opened {
  alert: i32 = NO_ALERT;
  type: i32 = 0;
  content: Uint8Array = new Uint8Array(0);
}

/** One direction's protection: the keys of one traffic secret and the
 * sequence number of the next record. */
export class RecordProtection {
  private keys: TrafficKeys;
  private secret: Uint8Array;
  private nonce: Uint8Array = new Uint8Array(AEAD_NONCE_LENGTH);
  sequence: u64 = 0;

  constructor(readonly suite: CipherSuite, secret: Uint8Array) {
    this.secret = secret.slice();
    this.keys = TrafficKeys.derive(suite, secret);
  }

  /** KeyUpdate (§4.6.3, §7.2): move to the next traffic secret; the
   * sequence number restarts at 0. */
  update(): void {
    const next = nextTrafficSecret(this.suite.hash, this.secret);
    wipe(this.secret);
    wipe(this.keys.key);
    this.secret = next;
    this.keys = TrafficKeys.derive(this.suite, next);
    this.sequence = 0;
  }

  private nextNonce(): Uint8Array {
    const n = this.nonce;
    n.set(this.keys.iv);
    const seq = this.sequence;
    for (let i = 0; i < 8; i++) n[AEAD_NONCE_LENGTH - 1 - i] ^= <u8>(seq >> (<u64>(8 * i)));
    this.sequence = seq + 1;
    return n;
  }

  /** The bytes a record of `contentLength` bytes and `padding` zeros
   * takes on the wire, header included. */
  static sealedLength(contentLength: i32, padding: i32 = 0): i32 {
    return RECORD_HEADER_LENGTH + contentLength + 1 + padding + AEAD_TAG_LENGTH;
  }

  /**
   * Protects `content` (at most 2^14 bytes) as inner type `type` with
   * `padding` zeros, writing the whole record at out[at]; the bytes
   * written, or -1 when the content is too long or out too small.
   */
  sealInto(type: i32, content: Uint8Array, out: Uint8Array, at: i32, padding: i32 = 0): i32 {
    const inner = content.length + 1 + padding;
    if (content.length > MAX_PLAINTEXT || inner > MAX_PLAINTEXT + 1 || padding < 0) return -1;
    const total = RECORD_HEADER_LENGTH + inner + AEAD_TAG_LENGTH;
    if (at < 0 || total > out.length - at) return -1;
    writeHeader(out, at, ContentType.ApplicationData, inner + AEAD_TAG_LENGTH);
    const body = out.subarray(at + RECORD_HEADER_LENGTH, at + total);
    body.set(content);
    body[content.length] = <u8>type;
    body.fill(0, content.length + 1, inner);
    // The additional data is the record header itself (§5.2).
    const aad = out.subarray(at, at + RECORD_HEADER_LENGTH);
    if (!aeadSeal(this.suite.aead, this.keys.key, this.nextNonce(), aad, body, inner)) return -1;
    return total;
  }

  /** A fresh record holding `content`; null when the content is too long. */
  seal(type: i32, content: Uint8Array, padding: i32 = 0): Uint8Array | null {
    const out = new Uint8Array(RecordProtection.sealedLength(content.length, padding));
    return this.sealInto(type, content, out, 0, padding) < 0 ? null : out;
  }

  /**
   * Opens one whole protected record (header and body, as RecordHeader
   * read it) in place. The content is a view into `record`.
   */
  open(record: Uint8Array, result: Opened): Opened {
    result.alert = NO_ALERT;
    result.type = 0;
    result.content = record.subarray(0, 0);
    const len = record.length - RECORD_HEADER_LENGTH;
    if (len < 0) {
      result.alert = AlertCode.DecodeError;
      return result;
    }
    if (len > MAX_CIPHERTEXT) {
      result.alert = AlertCode.RecordOverflow;
      return result;
    }
    if (record[0] != ContentType.ApplicationData || len < AEAD_TAG_LENGTH + 1) {
      // Too short for a tag and a type cannot be authentic (§5.2).
      result.alert = record[0] != ContentType.ApplicationData ? AlertCode.UnexpectedMessage : AlertCode.BadRecordMac;
      return result;
    }
    const body = record.subarray(RECORD_HEADER_LENGTH);
    const aad = record.subarray(0, RECORD_HEADER_LENGTH);
    const inner = len - AEAD_TAG_LENGTH;
    if (!aeadOpen(this.suite.aead, this.keys.key, this.nextNonce(), aad, body, inner)) {
      result.alert = AlertCode.BadRecordMac;
      return result;
    }
    // The type is the last non-zero byte (§5.4).
    let end = inner - 1;
    while (end >= 0 && body[end] == 0) end--;
    if (end < 0) {
      result.alert = AlertCode.UnexpectedMessage;
      return result;
    }
    if (end > MAX_PLAINTEXT) {
      result.alert = AlertCode.RecordOverflow;
      return result;
    }
    result.type = body[end];
    result.content = body.subarray(0, end);
    return result;
  }
}
