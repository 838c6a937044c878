// Session tickets (RFC 8446 §4.6.1) for PSK resumption with (EC)DHE
// (psk_dhe_ke, §4.2.9). A ticket is the server's own state, sealed so only
// this image can read it: AES-256-GCM under a key drawn from the entropy
// source when the image starts (so tickets die with it), a fresh random
// nonce per ticket:
//
//   ticket = nonce(12) || AEAD(key, nonce, aad = "morgana ticket 1",
//            suite(2) || issued_ms(8) || lifetime_s(4) || age_add(4) || psk)
//
// No 0-RTT: tickets carry no early_data extension, so clients never send
// early data, and a replayed ticket only buys a full key exchange.
import { fillRandom } from "../platform/entropy";
import { wallNow } from "../platform/clock";
import { AEAD_NONCE_LENGTH, AEAD_TAG_LENGTH, Aead, aeadOpen, aeadSeal } from "./crypto";
import { Reader, Writer } from "./reader";

const AAD = "morgana ticket 1";
const NANOS_PER_MS: i64 = 1_000_000;

export class TicketState {
  constructor(
    readonly suite: u16,
    readonly issuedMs: i64,
    readonly lifetime: u32,
    readonly ageAdd: u32,
    readonly psk: Uint8Array,
  ) {}

  /** Whether it is still within its lifetime at `nowMs`. */
  fresh(nowMs: i64): bool {
    return nowMs >= this.issuedMs && nowMs - this.issuedMs < <i64>this.lifetime * 1000;
  }
}

export class TicketSealer {
  private readonly key: Uint8Array = new Uint8Array(32);
  private readonly aad: Uint8Array = Uint8Array.wrap(String.UTF8.encode(AAD));

  constructor() {
    fillRandom(this.key);
  }

  static nowMs(): i64 {
    return wallNow() / NANOS_PER_MS;
  }

  seal(state: TicketState): Uint8Array {
    const w = new Writer(64 + state.psk.length);
    w.u16(state.suite);
    w.u32(<u32>(state.issuedMs >>> 32));
    w.u32(<u32>state.issuedMs);
    w.u32(state.lifetime);
    w.u32(state.ageAdd);
    w.bytes(state.psk);
    const plain = w.toBytes();
    const out = new Uint8Array(AEAD_NONCE_LENGTH + plain.length + AEAD_TAG_LENGTH);
    const nonce = out.subarray(0, AEAD_NONCE_LENGTH);
    fillRandom(nonce);
    const body = out.subarray(AEAD_NONCE_LENGTH);
    body.set(plain);
    aeadSeal(Aead.Aes256Gcm, this.key, nonce.slice(), this.aad, body, plain.length);
    return out;
  }

  /** The state of a ticket this image issued, or null (a forged,
   * corrupted or foreign ticket, which then only means a full handshake). */
  open(ticket: Uint8Array): TicketState | null {
    const len = ticket.length - AEAD_NONCE_LENGTH - AEAD_TAG_LENGTH;
    if (len < 2 + 8 + 4 + 4 + 32 || len > 2 + 8 + 4 + 4 + 48) return null;
    const nonce = ticket.slice(0, AEAD_NONCE_LENGTH);
    const body = ticket.slice(AEAD_NONCE_LENGTH);
    if (!aeadOpen(Aead.Aes256Gcm, this.key, nonce, this.aad, body, len)) return null;
    const r = new Reader(body, 0, len);
    const suite = <u16>r.u16();
    const issued = (<i64>r.u32() << 32) | <i64>r.u32();
    const lifetime = r.u32();
    const ageAdd = r.u32();
    const psk = r.bytes(r.remaining).slice();
    return r.bad ? null : new TicketState(suite, issued, lifetime, ageAdd, psk);
  }
}
