// The handshake transcript (RFC 8446 §4.4.1): the handshake messages in
// order, kept as bytes and hashed whenever a hash is asked for, so the
// hash can be chosen after ServerHello picks the suite. Bounded: a
// transcript longer than `limit` is refused (the caller sends an alert),
// so a peer cannot grow a connection's memory without end.
import { HashAlg, hash, hashLength } from "./crypto";

/** Handshake type of the synthetic message that replaces ClientHello1
 * after a HelloRetryRequest (§4.4.1). */
const MESSAGE_HASH: u8 = 254;

export class Transcript {
  private bytes: Uint8Array;
  private length: i32 = 0;

  constructor(readonly limit: i32 = 65536) {
    this.bytes = new Uint8Array(1024);
  }

  get byteLength(): i32 {
    return this.length;
  }

  /** Append one whole handshake message (header included); false when
   * that would pass the limit. */
  add(message: Uint8Array): bool {
    const need = this.length + message.length;
    if (need > this.limit) return false;
    if (need > this.bytes.length) {
      const grown = new Uint8Array(min(this.limit, max(need, this.bytes.length * 2)));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    this.bytes.set(message, this.length);
    this.length = need;
    return true;
  }

  /** Transcript-Hash of everything added so far. */
  hash(alg: HashAlg): Uint8Array {
    return hash(alg, this.bytes.subarray(0, this.length));
  }

  /** Transcript-Hash of everything so far followed by `more`, which is
   * not added (a PSK binder's truncated ClientHello, §4.2.11.2). */
  hashWith(alg: HashAlg, more: Uint8Array): Uint8Array {
    const all = new Uint8Array(this.length + more.length);
    all.set(this.bytes.subarray(0, this.length));
    all.set(more, this.length);
    return hash(alg, all);
  }

  /** After a HelloRetryRequest (§4.4.1): ClientHello1, the only message
   * so far, becomes message_hash(Hash(ClientHello1)). */
  replaceWithMessageHash(alg: HashAlg): void {
    const h = this.hash(alg);
    const m = new Uint8Array(4 + h.length);
    m[0] = MESSAGE_HASH;
    m[3] = <u8>hashLength(alg);
    m.set(h, 4);
    this.length = 0;
    this.add(m);
  }

  /** Forget the messages (the connection is established: no more hashes). */
  clear(): void {
    this.bytes = new Uint8Array(0);
    this.length = 0;
  }
}
