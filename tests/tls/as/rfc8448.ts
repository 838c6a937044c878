// RFC 8448 §3 ("Simple 1-RTT Handshake") as a transcript test of the key
// schedule and the record layer: the trace's messages are hashed, its
// X25519 keys agreed, every secret, key and IV derived and compared, its
// protected records opened (and re-sealed to the same bytes), and its
// Finished values recomputed. Then the record layer's refusals. Lines as
// in kat.ts: "kat NAME ok|FAIL", then "kat done: ...".
import { println } from "../../../libos/platform/console";
import { HashAlg, x25519 } from "../../../libos/tls/crypto";
import { AlertCode } from "../../../libos/tls/alert";
import { KeySchedule, TrafficKeys, finishedVerifyData, ticketPsk } from "../../../libos/tls/keyschedule";
import { ContentType, MAX_CIPHERTEXT, MAX_PLAINTEXT, Opened, RecordHeader, RecordProtection } from "../../../libos/tls/record";
import { TLS_AES_128_GCM_SHA256, suiteById } from "../../../libos/tls/suite";
import { Transcript } from "../../../libos/tls/transcript";
import { concat, hex, same } from "./bytes";

let passed = 0;
let failed = 0;

function check(name: string, ok: bool): void {
  println("kat " + name + (ok ? " ok" : " FAIL"));
  if (ok) passed++;
  else failed++;
}

const CLIENT_HELLO = "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7000006130113031302010000910000000b0009000006736572766572ff01000100000a00140012001d0017001800190100010101020103010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202002d00020101001c00024001";
const SERVER_HELLO = "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e00330024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304";
const ENCRYPTED_EXTENSIONS = "080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000";
const CERTIFICATE = "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b0603551d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000";
const CERTIFICATE_VERIFY = "0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac027671459e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3";
const SERVER_FINISHED = "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718";
const CLIENT_FINISHED = "14000020a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61";
const SERVER_FLIGHT_RECORD = "17030302a2d1ff334a56f5bff6594a07cc87b580233f500f45e489e7f33af35edf7869fcf40aa40aa2b8ea73f848a7ca07612ef9f945cb960b4068905123ea78b111b429ba9191cd05d2a389280f526134aadc7fc78c4b729df828b5ecf7b13bd9aefb0e57f271585b8ea9bb355c7c79020716cfb9b1183ef3ab20e37d57a6b9d7477609aee6e122a4cf51427325250c7d0e509289444c9b3a648f1d71035d2ed65b0e3cdd0cbae8bf2d0b227812cbb360987255cc744110c453baa4fcd610928d809810e4b7ed1a8fd991f06aa6248204797e36a6a73b70a2559c09ead686945ba246ab66e5edd8044b4c6de3fcf2a89441ac66272fd8fb330ef8190579b3684596c960bd596eea520a56a8d650f563aad27409960dca63d3e688611ea5e22f4415cf9538d51a200c27034272968a264ed6540c84838d89f72c24461aad6d26f59ecaba9acbbb317b66d902f4f292a36ac1b639c637ce343117b659622245317b49eeda0c6258f100d7d961ffb138647e92ea330faeea6dfa31c7a84dc3bd7e1b7a6c7178af36879018e3f252107f243d243dc7339d5684c8b0378bf30244da8c87c843f5e56eb4c5e8280a2b48052cf93b16499a66db7cca71e4599426f7d461e66f99882bd89fc50800becca62d6c74116dbd2972fda1fa80f85df881edbe5a37668936b335583b599186dc5c6918a396fa48a181d6b6fa4f9d62d513afbb992f2b992f67f8afe67f76913fa388cb5630c8ca01e0c65d11c66a1e2ac4c85977b7c7a6999bbf10dc35ae69f5515614636c0b9b68c19ed2e31c0b3b66763038ebba42f3b38edc0399f3a9f23faa63978c317fc9fa66a73f60f0504de93b5b845e275592c12335ee340bbc4fddd502784016e4b3be7ef04dda49f4b440a30cb5d2af939828fd4ae3794e44f94df5a631ede42c1719bfdabf0253fe5175be898e750edc53370d2b";
const CLIENT_FINISHED_RECORD = "170303003575ec4dc238cce60b298044a71e219c56cc77b0517fe9b93c7a4bfc44d87f38f80338ac98fc46deb384bd1caeacab6867d726c40546";
const TICKET_RECORD = "17030300de3a6b8f90414a97d6959c3487680de5134a2b240e6cffac116e95d41d6af8f6b580dcf3d11d63c758db289a015940252f55713e061dc13e078891a38efbcf5753ad8ef170ad3c7353d16d9da773b9ca7f2b9fa1b6c0d4a3d03f75e09c30ba1e62972ac46f75f7b981be63439b2999ce13064615139891d5e4c5b406f16e3fc181a77ca475840025db2f0a77f81b5ab05b94c01346755f69232c86519d86cbeeac87aac347d143f9605d64f650db4d023e70e952ca49fe5137121c74bc2697687e248746d6df353005f3bce18696129c8153556b3b6c6779b37bf15985684f";
const APPLICATION_RECORD = "17030300432e937e11ef4ac740e538ad36005fc4a46932fc3225d05f82aa1b36e30efaf97d90e6dffc602dcb501a59a8fcc49c4bf2e5f0a21c0047c2abf332540dd032e167c2955d";
const ALERT_RECORD = "1703030013c9872760655666b74d7ff1153efd6db6d0b0e3";

function trace(): void {
  const suite = suiteById(TLS_AES_128_GCM_SHA256)!;
  const alg = HashAlg.Sha256;
  const transcript = new Transcript();
  transcript.add(hex(CLIENT_HELLO));
  transcript.add(hex(SERVER_HELLO));
  const helloHash = transcript.hash(alg);
  check("rfc8448-hello-hash", same(helloHash, hex("860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8")));

  // The client's private key and the server's share (in ServerHello).
  const shared = new Uint8Array(32);
  const agreed = x25519(hex("49af42ba7f7994852d713ef2784bcbcaa7911de26adc5642cb634540e7ea5005"),
    hex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f"), shared);
  check("rfc8448-x25519-shared", agreed && same(shared, hex("8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d")));

  const ks = new KeySchedule(suite);
  check("rfc8448-early-secret", same(ks.early, hex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")));
  ks.deriveHandshake(shared, helloHash);
  check("rfc8448-handshake-secret", same(ks.handshake, hex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac")));
  check("rfc8448-c-hs-traffic", same(ks.clientHandshakeTraffic, hex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21")));
  check("rfc8448-s-hs-traffic", same(ks.serverHandshakeTraffic, hex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")));
  const sHs = TrafficKeys.derive(suite, ks.serverHandshakeTraffic);
  check("rfc8448-s-hs-key-iv", same(sHs.key, hex("3fce516009c21727d0f2e4e86ee403bc")) && same(sHs.iv, hex("5d313eb2671276ee13000b30")));
  const cHs = TrafficKeys.derive(suite, ks.clientHandshakeTraffic);
  check("rfc8448-c-hs-key-iv", same(cHs.key, hex("dbfaa693d1762c5b666af5d950258d01")) && same(cHs.iv, hex("5bd3c71b836e0b76bb73265f")));

  // The server's flight: EE, Certificate, CertificateVerify, Finished in one record.
  const flight = concat(concat(concat(hex(ENCRYPTED_EXTENSIONS), hex(CERTIFICATE)), hex(CERTIFICATE_VERIFY)), hex(SERVER_FINISHED));
  const record = hex(SERVER_FLIGHT_RECORD);
  const opened = new RecordProtection(suite, ks.serverHandshakeTraffic).open(record.slice(), new Opened());
  check("rfc8448-server-flight-opens", opened.alert < 0 && opened.type == ContentType.Handshake && same(opened.content, flight));
  const resealed = new RecordProtection(suite, ks.serverHandshakeTraffic).seal(ContentType.Handshake, flight);
  check("rfc8448-server-flight-reseals", resealed != null && same(resealed as Uint8Array, record));

  transcript.add(hex(ENCRYPTED_EXTENSIONS));
  transcript.add(hex(CERTIFICATE));
  transcript.add(hex(CERTIFICATE_VERIFY));
  const serverFinished = finishedVerifyData(alg, ks.serverHandshakeTraffic, transcript.hash(alg));
  check("rfc8448-server-finished", same(serverFinished, hex(SERVER_FINISHED).subarray(4)));
  transcript.add(hex(SERVER_FINISHED));
  const finishedHash = transcript.hash(alg);
  check("rfc8448-hash-through-server-finished", same(finishedHash, hex("9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13")));

  ks.deriveApplication(finishedHash);
  check("rfc8448-master-secret", same(ks.master, hex("18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919")));
  check("rfc8448-c-ap-traffic", same(ks.clientApplicationTraffic, hex("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5")));
  check("rfc8448-s-ap-traffic", same(ks.serverApplicationTraffic, hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643")));
  check("rfc8448-exporter-master", same(ks.exporterMaster, hex("fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50")));
  const sAp = TrafficKeys.derive(suite, ks.serverApplicationTraffic);
  check("rfc8448-s-ap-key-iv", same(sAp.key, hex("9f02283b6c9c07efc26bb9f2ac92e356")) && same(sAp.iv, hex("cf782b88dd83549aadf1e984")));
  const cAp = TrafficKeys.derive(suite, ks.clientApplicationTraffic);
  check("rfc8448-c-ap-key-iv", same(cAp.key, hex("17422dda596ed5d9acd890e3c63f5051")) && same(cAp.iv, hex("5b78923dee08579033e523d9")));

  // The client's Finished, in its record.
  const clientFinished = finishedVerifyData(alg, ks.clientHandshakeTraffic, finishedHash);
  check("rfc8448-client-finished", same(clientFinished, hex(CLIENT_FINISHED).subarray(4)));
  const cf = new RecordProtection(suite, ks.clientHandshakeTraffic).open(hex(CLIENT_FINISHED_RECORD), new Opened());
  check("rfc8448-client-finished-record-opens", cf.alert < 0 && cf.type == ContentType.Handshake && same(cf.content, hex(CLIENT_FINISHED)));
  transcript.add(hex(CLIENT_FINISHED));
  ks.deriveResumption(transcript.hash(alg));
  check("rfc8448-resumption-master", same(ks.resumptionMaster, hex("7df235f2031d2a051287d02b0241b0bfdaf86cc856231f2d5aba46c434ec196c")));

  // Application traffic: the ticket (server record 0), data (server
  // record 1), the client's close_notify (client record 1).
  const serverApp = new RecordProtection(suite, ks.serverApplicationTraffic);
  const ticket = serverApp.open(hex(TICKET_RECORD), new Opened());
  check("rfc8448-ticket-record-opens", ticket.alert < 0 && ticket.type == ContentType.Handshake && ticket.content.length == 205 && ticket.content[0] == 4);
  // The ticket's nonce is 0x0000 (after lifetime and age_add): its PSK.
  check("rfc8448-ticket-psk", same(ticketPsk(alg, ks.resumptionMaster, hex("0000")), hex("4ecd0eb6ec3b4d87f5d6028f922ca4c5851a277fd41311c9e62d2c9492e1c4f3")));
  const data = serverApp.open(hex(APPLICATION_RECORD), new Opened());
  let counting = data.content.length == 50;
  for (let i = 0; counting && i < 50; i++) counting = data.content[i] == <u8>i;
  check("rfc8448-application-record-opens", data.alert < 0 && data.type == ContentType.ApplicationData && counting);
  const clientApp = new RecordProtection(suite, ks.clientApplicationTraffic);
  clientApp.sequence = 1;
  const alert = clientApp.open(hex(ALERT_RECORD), new Opened());
  check("rfc8448-close-notify-opens", alert.alert < 0 && alert.type == ContentType.Alert && same(alert.content, hex("0100")));
}

function refusals(): void {
  const suite = suiteById(TLS_AES_128_GCM_SHA256)!;
  const secret = hex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643");
  const tampered = hex(APPLICATION_RECORD);
  tampered[20] ^= 0x40;
  check("record-tampered-bad-record-mac", new RecordProtection(suite, secret).open(tampered, new Opened()).alert == AlertCode.BadRecordMac);
  // Replayed out of order: record 1 opened as record 0.
  check("record-wrong-sequence-bad-record-mac", new RecordProtection(suite, secret).open(hex(APPLICATION_RECORD), new Opened()).alert == AlertCode.BadRecordMac);
  // An inner plaintext of zeros only has no content type (§5.4).
  const zeros = new RecordProtection(suite, secret).seal(0, new Uint8Array(0), 3)!;
  check("record-all-padding-unexpected-message", new RecordProtection(suite, secret).open(zeros, new Opened()).alert == AlertCode.UnexpectedMessage);
  // Padding is removed; the type is the last non-zero byte.
  const padded = new RecordProtection(suite, secret).seal(ContentType.ApplicationData, hex("00ff00"), 100)!;
  const p = new RecordProtection(suite, secret).open(padded, new Opened());
  check("record-padding-removed", p.alert < 0 && p.type == ContentType.ApplicationData && same(p.content, hex("00ff00")));
  const tooShort = hex("170303000f000000000000000000000000000000");
  check("record-shorter-than-tag-bad-record-mac", new RecordProtection(suite, secret).open(tooShort, new Opened()).alert == AlertCode.BadRecordMac);
  const wrongType = hex(APPLICATION_RECORD);
  wrongType[0] = ContentType.Handshake;
  check("record-protected-handshake-type-unexpected", new RecordProtection(suite, secret).open(wrongType, new Opened()).alert == AlertCode.UnexpectedMessage);
  check("seal-too-long-refused", new RecordProtection(suite, secret).seal(ContentType.ApplicationData, new Uint8Array(MAX_PLAINTEXT + 1)) == null);
  const full = new RecordProtection(suite, secret).seal(ContentType.ApplicationData, new Uint8Array(MAX_PLAINTEXT));
  check("seal-max-plaintext", full != null && (full as Uint8Array).length == 5 + MAX_PLAINTEXT + 1 + 16);

  const h = new RecordHeader();
  h.read(hex("1703034101"), true);
  check("header-ciphertext-over-limit-record-overflow", h.alert == AlertCode.RecordOverflow && h.length == MAX_CIPHERTEXT + 1);
  h.read(hex("1703034100"), true);
  check("header-ciphertext-at-limit-ok", h.alert < 0);
  h.read(hex("1603014001"), false);
  check("header-plaintext-over-limit-record-overflow", h.alert == AlertCode.RecordOverflow);
  h.read(hex("1803030001"), false);
  check("header-unknown-type-unexpected-message", h.alert == AlertCode.UnexpectedMessage);
  check("header-needs-five-bytes", !h.read(hex("16030100"), false));

  // KeyUpdate: both ends move to the next secret and still agree; the old keys no longer open.
  const tx = new RecordProtection(suite, secret);
  const rx = new RecordProtection(suite, secret);
  rx.open(tx.seal(ContentType.ApplicationData, hex("01"))!, new Opened());
  tx.update();
  rx.update();
  const after = tx.seal(ContentType.ApplicationData, hex("0203"))!;
  const stale = new RecordProtection(suite, secret);
  check("key-update-agrees", same(rx.open(after.slice(), new Opened()).content, hex("0203")));
  check("key-update-old-key-refused", stale.open(after, new Opened()).alert == AlertCode.BadRecordMac);

  // HelloRetryRequest: ClientHello1 becomes message_hash (§4.4.1).
  const t = new Transcript();
  t.add(hex(CLIENT_HELLO));
  t.replaceWithMessageHash(HashAlg.Sha256);
  t.add(hex(SERVER_HELLO));
  const first = new Transcript();
  first.add(hex(CLIENT_HELLO));
  const expected = new Transcript();
  expected.add(concat(hex("fe000020"), first.hash(HashAlg.Sha256)));
  expected.add(hex(SERVER_HELLO));
  check("transcript-message-hash", same(t.hash(HashAlg.Sha256), expected.hash(HashAlg.Sha256)));
  const bounded = new Transcript(100);
  check("transcript-bounded", bounded.add(new Uint8Array(60)) && !bounded.add(new Uint8Array(41)) && bounded.byteLength == 60);
}

export function runRfc8448(): i32 {
  passed = 0;
  failed = 0;
  trace();
  refusals();
  println("kat done: " + passed.toString() + " passed, " + failed.toString() + " failed");
  return failed;
}
