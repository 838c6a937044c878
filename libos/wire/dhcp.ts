// DHCP messages (RFC 2131 §2) and the options a client uses (RFC 2132).
//
//   0    1     2    3    4        8      10      12       16       20       24       28          44    108   236      240
//   +----+-----+----+----+--------+------+-------+--------+--------+--------+--------+-----------+-----+-----+--------+---------
//   | op |htype|hlen|hops| xid    | secs | flags | ciaddr | yiaddr | siaddr | giaddr | chaddr 16 |sname| file| cookie | options…
//   +----+-----+----+----+--------+------+-------+--------+--------+--------+--------+-----------+-----+-----+--------+---------
//
// Options are (code, length, data), code 0 a pad byte and 255 the end.
// The representation holds the options a client sends or needs (message
// type, server identifier, requested address, lease times, netmask,
// broadcast address, routers, DNS servers, domain name, host name, the
// parameter request list, a server's message); others are skipped.
// Option overload (RFC 2132 §9.3) is read: options may continue in the
// file and sname fields. Emitted messages are padded to 300 bytes, the
// BOOTP minimum that relays expect (RFC 1542 §2.1), with options in the
// order dnsmasq and dhclient use, so captures of either re-emit exactly.
import { Ipv4Address, MacAddress } from "./address";
import { WireError } from "./error";
import { get16, get32, get48, get8, set16, set32, set48, set8 } from "./field";

export const DHCP_OP = 0;
export const DHCP_HTYPE = 1;
export const DHCP_HLEN = 2;
export const DHCP_HOPS = 3;
export const DHCP_XID = 4;
export const DHCP_SECS = 8;
export const DHCP_FLAGS = 10;
export const DHCP_CIADDR = 12;
export const DHCP_YIADDR = 16;
export const DHCP_SIADDR = 20;
export const DHCP_GIADDR = 24;
export const DHCP_CHADDR = 28;
export const DHCP_SNAME = 44;
export const DHCP_FILE = 108;
export const DHCP_COOKIE = 236;
export const DHCP_OPTIONS = 240;
export const DHCP_MAGIC: u32 = 0x63825363;
export const DHCP_MIN_LEN = 300;
export const DHCP_SERVER_PORT: u16 = 67;
export const DHCP_CLIENT_PORT: u16 = 68;
const FLAG_BROADCAST: u16 = 0x8000;

export enum BootpOp { Request = 1, Reply = 2 }

/** Option 53 (RFC 2132 §9.6). */
export enum DhcpMessageType {
  None = 0, Discover = 1, Offer = 2, Request = 3, Decline = 4, Ack = 5, Nak = 6, Release = 7, Inform = 8,
}

export enum DhcpOption {
  Pad = 0, SubnetMask = 1, Router = 3, DnsServer = 6, HostName = 12, DomainName = 15,
  Broadcast = 28, RequestedIp = 50, LeaseTime = 51, Overload = 52, MessageType = 53,
  ServerId = 54, ParameterList = 55, Message = 56, MaxSize = 57, RenewalTime = 58,
  RebindingTime = 59, ClientId = 61, End = 255,
}

/** A view over a message; call check() before any accessor. */
export class DhcpPacket {
  constructor(readonly bytes: Uint8Array) {}

  /** Ok when the fixed part and the magic cookie are there. */
  check(): WireError {
    if (this.bytes.byteLength < DHCP_OPTIONS) return WireError.Truncated;
    if (get32(this.bytes, DHCP_COOKIE) != DHCP_MAGIC) return WireError.Malformed;
    return WireError.Ok;
  }

  get op(): u8 { return get8(this.bytes, DHCP_OP); }
  set op(v: u8) { set8(this.bytes, DHCP_OP, v); }
  get htype(): u8 { return get8(this.bytes, DHCP_HTYPE); }
  get hlen(): u8 { return get8(this.bytes, DHCP_HLEN); }
  get hops(): u8 { return get8(this.bytes, DHCP_HOPS); }
  get xid(): u32 { return get32(this.bytes, DHCP_XID); }
  set xid(v: u32) { set32(this.bytes, DHCP_XID, v); }
  get secs(): u16 { return get16(this.bytes, DHCP_SECS); }
  get flags(): u16 { return get16(this.bytes, DHCP_FLAGS); }
  get ciaddr(): Ipv4Address { return get32(this.bytes, DHCP_CIADDR); }
  get yiaddr(): Ipv4Address { return get32(this.bytes, DHCP_YIADDR); }
  get siaddr(): Ipv4Address { return get32(this.bytes, DHCP_SIADDR); }
  get giaddr(): Ipv4Address { return get32(this.bytes, DHCP_GIADDR); }
  /** The client's MAC (first 6 bytes of chaddr, for htype 1). */
  get chaddr(): MacAddress { return get48(this.bytes, DHCP_CHADDR); }
  get options(): Uint8Array { return this.bytes.subarray(DHCP_OPTIONS); }
}

export class DhcpRepr {
  op: u8 = <u8>BootpOp.Request;
  xid: u32 = 0;
  secs: u16 = 0;
  /** Ask the server to broadcast its answers (RFC 2131 §4.1): a client
   * without an address cannot take unicast. */
  broadcast: bool = false;
  ciaddr: Ipv4Address = 0;
  yiaddr: Ipv4Address = 0;
  siaddr: Ipv4Address = 0;
  giaddr: Ipv4Address = 0;
  chaddr: MacAddress = 0;
  messageType: DhcpMessageType = DhcpMessageType.None;
  serverId: Ipv4Address = 0;
  requestedIp: Ipv4Address = 0;
  /** Seconds; 0 when absent, 0xffffffff for infinity. */
  leaseTime: u32 = 0;
  renewalTime: u32 = 0;
  rebindingTime: u32 = 0;
  subnetMask: u32 = 0;
  hasSubnetMask: bool = false;
  broadcastAddress: Ipv4Address = 0;
  routers: Ipv4Address[] = [];
  dnsServers: Ipv4Address[] = [];
  domainName: string = "";
  hostName: string = "";
  message: string = "";
  parameterList: Uint8Array = new Uint8Array(0);

  /** Fill from a message, or return why not (leaving this unchanged). */
  parse(p: DhcpPacket): WireError {
    const e = p.check();
    if (e != WireError.Ok) return e;
    const r = new DhcpRepr();
    // Options first, then the fields overload says hold more (§9.3).
    const overload = r.readOptions(p.bytes, DHCP_OPTIONS, p.bytes.byteLength, true);
    if (overload < 0) return WireError.Malformed;
    if ((overload & 1) != 0 && r.readOptions(p.bytes, DHCP_FILE, DHCP_COOKIE, false) < 0) return WireError.Malformed;
    if ((overload & 2) != 0 && r.readOptions(p.bytes, DHCP_SNAME, DHCP_FILE, false) < 0) return WireError.Malformed;
    if (r.messageType == DhcpMessageType.None) return WireError.Unsupported; // BOOTP, not DHCP
    this.op = p.op;
    this.xid = p.xid;
    this.secs = p.secs;
    this.broadcast = (p.flags & FLAG_BROADCAST) != 0;
    this.ciaddr = p.ciaddr;
    this.yiaddr = p.yiaddr;
    this.siaddr = p.siaddr;
    this.giaddr = p.giaddr;
    this.chaddr = p.htype == 1 && p.hlen == 6 ? p.chaddr : 0;
    this.messageType = r.messageType;
    this.serverId = r.serverId;
    this.requestedIp = r.requestedIp;
    this.leaseTime = r.leaseTime;
    this.renewalTime = r.renewalTime;
    this.rebindingTime = r.rebindingTime;
    this.subnetMask = r.subnetMask;
    this.hasSubnetMask = r.hasSubnetMask;
    this.broadcastAddress = r.broadcastAddress;
    this.routers = r.routers;
    this.dnsServers = r.dnsServers;
    this.domainName = r.domainName;
    this.hostName = r.hostName;
    this.message = r.message;
    this.parameterList = r.parameterList;
    return WireError.Ok;
  }

  // Options in [at, end): the overload value (0 if none), or -1 if an
  // option runs past the end or has a length its code forbids.
  private readOptions(b: Uint8Array, at: i32, end: i32, main: bool): i32 {
    let i = at;
    let overload = 0;
    while (i < end) {
      const code = <i32>b[i];
      if (code == DhcpOption.End) return overload;
      if (code == DhcpOption.Pad) { i++; continue; }
      if (i + 2 > end) return -1;
      const len = <i32>b[i + 1];
      const v = i + 2;
      if (v + len > end) return -1;
      switch (code) {
        case DhcpOption.MessageType: if (len != 1) return -1; this.messageType = <DhcpMessageType>b[v]; break;
        case DhcpOption.ServerId: if (len != 4) return -1; this.serverId = get32(b, v); break;
        case DhcpOption.RequestedIp: if (len != 4) return -1; this.requestedIp = get32(b, v); break;
        case DhcpOption.LeaseTime: if (len != 4) return -1; this.leaseTime = get32(b, v); break;
        case DhcpOption.RenewalTime: if (len != 4) return -1; this.renewalTime = get32(b, v); break;
        case DhcpOption.RebindingTime: if (len != 4) return -1; this.rebindingTime = get32(b, v); break;
        case DhcpOption.SubnetMask:
          if (len != 4) return -1;
          this.subnetMask = get32(b, v);
          this.hasSubnetMask = true;
          break;
        case DhcpOption.Broadcast: if (len != 4) return -1; this.broadcastAddress = get32(b, v); break;
        case DhcpOption.Router: if (len == 0 || len % 4 != 0) return -1; this.routers = addresses(b, v, len); break;
        case DhcpOption.DnsServer: if (len == 0 || len % 4 != 0) return -1; this.dnsServers = addresses(b, v, len); break;
        case DhcpOption.DomainName: this.domainName = text(b, v, len); break;
        case DhcpOption.HostName: this.hostName = text(b, v, len); break;
        case DhcpOption.Message: this.message = text(b, v, len); break;
        case DhcpOption.ParameterList: this.parameterList = b.slice(v, v + len); break;
        case DhcpOption.Overload: if (!main || len != 1 || b[v] > 3) return -1; overload = <i32>b[v]; break;
      }
      i = v + len;
    }
    // RFC 2131 §4.1 wants an end option; real servers always send it, but
    // a message without one that parsed so far is still readable.
    return overload;
  }

  bufferLen(): i32 {
    let n = DHCP_OPTIONS + 3; // message type
    if (this.serverId != 0) n += 6;
    if (this.requestedIp != 0) n += 6;
    if (this.leaseTime != 0) n += 6;
    if (this.renewalTime != 0) n += 6;
    if (this.rebindingTime != 0) n += 6;
    if (this.hasSubnetMask) n += 6;
    if (this.broadcastAddress != 0) n += 6;
    if (this.dnsServers.length > 0) n += 2 + 4 * this.dnsServers.length;
    if (this.routers.length > 0) n += 2 + 4 * this.routers.length;
    if (this.message.length > 0) n += 2 + String.UTF8.byteLength(this.message);
    if (this.hostName.length > 0) n += 2 + String.UTF8.byteLength(this.hostName);
    if (this.parameterList.byteLength > 0) n += 2 + this.parameterList.byteLength;
    n += 1; // end
    return n < DHCP_MIN_LEN ? DHCP_MIN_LEN : n;
  }

  /** Write the message: exactly bufferLen() bytes, zero padded. */
  emit(p: DhcpPacket): void {
    const len = this.bufferLen();
    const b = p.bytes;
    if (b.byteLength < len) throw new Error("dhcp: buffer too short to emit");
    memory.fill(b.dataStart, 0, <usize>len);
    set8(b, DHCP_OP, this.op);
    set8(b, DHCP_HTYPE, 1);
    set8(b, DHCP_HLEN, 6);
    set32(b, DHCP_XID, this.xid);
    set16(b, DHCP_SECS, this.secs);
    set16(b, DHCP_FLAGS, this.broadcast ? FLAG_BROADCAST : 0);
    set32(b, DHCP_CIADDR, this.ciaddr);
    set32(b, DHCP_YIADDR, this.yiaddr);
    set32(b, DHCP_SIADDR, this.siaddr);
    set32(b, DHCP_GIADDR, this.giaddr);
    set48(b, DHCP_CHADDR, this.chaddr);
    set32(b, DHCP_COOKIE, DHCP_MAGIC);
    let i = DHCP_OPTIONS;
    b[i++] = <u8>DhcpOption.MessageType;
    b[i++] = 1;
    b[i++] = <u8>this.messageType;
    if (this.serverId != 0) i = put32(b, i, <u8>DhcpOption.ServerId, this.serverId);
    if (this.requestedIp != 0) i = put32(b, i, <u8>DhcpOption.RequestedIp, this.requestedIp);
    if (this.leaseTime != 0) i = put32(b, i, <u8>DhcpOption.LeaseTime, this.leaseTime);
    if (this.renewalTime != 0) i = put32(b, i, <u8>DhcpOption.RenewalTime, this.renewalTime);
    if (this.rebindingTime != 0) i = put32(b, i, <u8>DhcpOption.RebindingTime, this.rebindingTime);
    if (this.hasSubnetMask) i = put32(b, i, <u8>DhcpOption.SubnetMask, this.subnetMask);
    if (this.broadcastAddress != 0) i = put32(b, i, <u8>DhcpOption.Broadcast, this.broadcastAddress);
    if (this.dnsServers.length > 0) i = putList(b, i, <u8>DhcpOption.DnsServer, this.dnsServers);
    if (this.routers.length > 0) i = putList(b, i, <u8>DhcpOption.Router, this.routers);
    if (this.message.length > 0) i = putText(b, i, <u8>DhcpOption.Message, this.message);
    if (this.hostName.length > 0) i = putText(b, i, <u8>DhcpOption.HostName, this.hostName);
    if (this.parameterList.byteLength > 0) {
      b[i++] = <u8>DhcpOption.ParameterList;
      b[i++] = <u8>this.parameterList.byteLength;
      b.set(this.parameterList, i);
      i += this.parameterList.byteLength;
    }
    b[i] = <u8>DhcpOption.End;
  }
}

function addresses(b: Uint8Array, at: i32, len: i32): Ipv4Address[] {
  const out: Ipv4Address[] = [];
  for (let k = 0; k < len; k += 4) out.push(get32(b, at + k));
  return out;
}

function text(b: Uint8Array, at: i32, len: i32): string {
  return String.UTF8.decode(b.slice(at, at + len).buffer);
}

function put32(b: Uint8Array, i: i32, code: u8, v: u32): i32 {
  b[i] = code;
  b[i + 1] = 4;
  set32(b, i + 2, v);
  return i + 6;
}

function putList(b: Uint8Array, i: i32, code: u8, list: Ipv4Address[]): i32 {
  b[i++] = code;
  b[i++] = <u8>(4 * list.length);
  for (let k = 0; k < list.length; k++) {
    set32(b, i, list[k]);
    i += 4;
  }
  return i;
}

function putText(b: Uint8Array, i: i32, code: u8, s: string): i32 {
  const bytes = Uint8Array.wrap(String.UTF8.encode(s));
  b[i++] = code;
  b[i++] = <u8>bytes.byteLength;
  b.set(bytes, i);
  return i + bytes.byteLength;
}
