// The TLS 1.3 key schedule (RFC 8446 §7.1), for either side:
//
//              0
//              |
//    PSK ->  HKDF-Extract = Early Secret ── "res binder" / "ext binder"
//              | Derive-Secret(., "derived", "")
//  (EC)DHE -> HKDF-Extract = Handshake Secret ── "c hs traffic", "s hs traffic"
//              | Derive-Secret(., "derived", "")
//       0 -> HKDF-Extract = Master Secret ── "c ap traffic", "s ap traffic",
//                                            "exp master", "res master"
//
// and what hangs off it: traffic keys and IVs (§7.3), Finished keys
// (§4.4.4), the next traffic secret on KeyUpdate (§7.2), and the PSK of a
// ticket (§4.6.1). Transcript hashes are the caller's (transcript.ts).
import { HashAlg, hashLength, hmac } from "./crypto";
import { deriveSecret, emptyHash, expandLabel, hkdfExtract } from "./hkdf";
import { CipherSuite } from "./suite";
import { wipe } from "./bytes";

export const IV_LENGTH = 12;

export class KeySchedule {
  readonly alg: HashAlg;
  early: Uint8Array = new Uint8Array(0);
  handshake: Uint8Array = new Uint8Array(0);
  master: Uint8Array = new Uint8Array(0);
  clientHandshakeTraffic: Uint8Array = new Uint8Array(0);
  serverHandshakeTraffic: Uint8Array = new Uint8Array(0);
  clientApplicationTraffic: Uint8Array = new Uint8Array(0);
  serverApplicationTraffic: Uint8Array = new Uint8Array(0);
  exporterMaster: Uint8Array = new Uint8Array(0);
  resumptionMaster: Uint8Array = new Uint8Array(0);

  /** Starts with the Early Secret of `psk`, or of zeros without one. */
  constructor(readonly suite: CipherSuite, psk: Uint8Array | null = null) {
    this.alg = suite.hash;
    const zeros = new Uint8Array(hashLength(this.alg));
    this.early = hkdfExtract(this.alg, zeros, psk != null ? psk : zeros);
  }

  /** The binder key of a resumption PSK (§7.1, "res binder"). */
  resumptionBinderKey(): Uint8Array {
    return deriveSecret(this.alg, this.early, "res binder", emptyHash(this.alg));
  }

  /** The Handshake Secret from the (EC)DHE secret, and both handshake
   * traffic secrets from Transcript-Hash(ClientHello..ServerHello). */
  deriveHandshake(sharedSecret: Uint8Array, helloHash: Uint8Array): void {
    const salt = deriveSecret(this.alg, this.early, "derived", emptyHash(this.alg));
    this.handshake = hkdfExtract(this.alg, salt, sharedSecret);
    this.clientHandshakeTraffic = deriveSecret(this.alg, this.handshake, "c hs traffic", helloHash);
    this.serverHandshakeTraffic = deriveSecret(this.alg, this.handshake, "s hs traffic", helloHash);
    wipe(this.early);
  }

  /** The Master Secret, and the application traffic and exporter secrets
   * from Transcript-Hash(ClientHello..server Finished). */
  deriveApplication(serverFinishedHash: Uint8Array): void {
    const salt = deriveSecret(this.alg, this.handshake, "derived", emptyHash(this.alg));
    this.master = hkdfExtract(this.alg, salt, new Uint8Array(hashLength(this.alg)));
    this.clientApplicationTraffic = deriveSecret(this.alg, this.master, "c ap traffic", serverFinishedHash);
    this.serverApplicationTraffic = deriveSecret(this.alg, this.master, "s ap traffic", serverFinishedHash);
    this.exporterMaster = deriveSecret(this.alg, this.master, "exp master", serverFinishedHash);
    wipe(this.handshake);
  }

  /** The resumption master secret from Transcript-Hash(ClientHello..client Finished). */
  deriveResumption(clientFinishedHash: Uint8Array): void {
    this.resumptionMaster = deriveSecret(this.alg, this.master, "res master", clientFinishedHash);
    wipe(this.master);
  }
}

/** A traffic secret's write key and IV (§7.3). */
export class TrafficKeys {
  constructor(readonly key: Uint8Array, readonly iv: Uint8Array) {}

  static derive(suite: CipherSuite, secret: Uint8Array): TrafficKeys {
    return new TrafficKeys(
      expandLabel(suite.hash, secret, "key", new Uint8Array(0), suite.keyLength),
      expandLabel(suite.hash, secret, "iv", new Uint8Array(0), IV_LENGTH),
    );
  }
}

/** verify_data of a Finished message (§4.4.4): HMAC(finished_key, transcript hash),
 * finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length). */
export function finishedVerifyData(alg: HashAlg, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  const key = expandLabel(alg, baseKey, "finished", new Uint8Array(0), hashLength(alg));
  const mac = hmac(alg, key, transcriptHash);
  wipe(key);
  return mac;
}

/** application_traffic_secret_N+1 (§7.2), after a KeyUpdate. */
export function nextTrafficSecret(alg: HashAlg, secret: Uint8Array): Uint8Array {
  return expandLabel(alg, secret, "traffic upd", new Uint8Array(0), hashLength(alg));
}

/** The PSK of a ticket (§4.6.1): HKDF-Expand-Label(resumption_master_secret,
 * "resumption", ticket_nonce, Hash.length). */
export function ticketPsk(alg: HashAlg, resumptionMaster: Uint8Array, nonce: Uint8Array): Uint8Array {
  return expandLabel(alg, resumptionMaster, "resumption", nonce, hashLength(alg));
}
