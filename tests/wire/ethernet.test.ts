// Ethernet II: view and representation against real frames.
import { beforeAll, describe, expect, test } from "vitest";
import { Wire, frames, mac } from "./helpers.ts";

let w: Wire;
beforeAll(async () => { w = await Wire.start(); });

const [request, reply] = frames("arping");
const echo = frames("ping")[2];
const A = "02:00:00:00:01:02";
const R = "02:00:00:00:01:01";

describe("ethernet view", () => {
  test("deconstruct a broadcast ARP request and a unicast IPv4 frame", () => {
    expect(w.text("ethView", request)).toBe(`dst=ff:ff:ff:ff:ff:ff src=${A} type=0x0806 payload=28`);
    expect(w.text("ethView", echo)).toBe(`dst=${R} src=${A} type=0x0800 payload=84`);
  });

  test("construct the same bytes from the field values", () => {
    expect(w.bytes("ethConstruct", echo.subarray(14), mac(R), mac(A), 0x0800)).toEqual(echo);
    expect(w.bytes("ethConstruct", reply.subarray(14), mac(A), mac(R), 0x0806)).toEqual(reply);
  });
});

describe("ethernet representation", () => {
  test("parse", () => {
    expect(w.text("ethParse", request)).toBe(`EthernetII src=${A} dst=ff:ff:ff:ff:ff:ff type=0x0806`);
    expect(w.text("ethParse", reply)).toBe(`EthernetII src=${R} dst=${A} type=0x0806`);
  });

  test("emit writes the header's 14 bytes exactly", () => {
    expect(w.bytes("ethEmit", request.subarray(14), mac("ff:ff:ff:ff:ff:ff"), mac(A), 0x0806)).toEqual(request);
    expect(w.bytes("ethEmit", echo.subarray(14), mac(R), mac(A), 0x0800)).toEqual(echo);
  });

  test("a frame shorter than the header, or with an 802.3 length, is refused", () => {
    expect(w.text("ethParse", echo.subarray(0, 13))).toBe("error: truncated");
    expect(w.text("ethParse", new Uint8Array(0))).toBe("error: truncated");
    const dot3 = echo.slice();
    dot3[12] = 0x05; dot3[13] = 0xdc; // 1500: a length, not a type
    expect(w.text("ethParse", dot3)).toBe("error: unsupported");
    // Exactly a header, no payload: valid.
    expect(w.text("ethView", echo.subarray(0, 14))).toBe(`dst=${R} src=${A} type=0x0800 payload=0`);
  });
});
