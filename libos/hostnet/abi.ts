// The node target's host-socket imports (Wasm module "morgana"), answered
// by toolchain/targets/node/sockets.ts. Only libos/hostnet calls them, and
// only images built for the node target contain libos/hostnet, so an hvt
// image imports none of these.
//
// Sockets are numbered by the host (handles > 0). What happens to them
// comes back as events, one at a time, through hostEvent; the event loop
// hears of waiting events as input on HOST_HANDLE, as a net device's.

/** The loop's handle for host-socket events (the last manifest slot,
 * which no Solo5 manifest fills: at most 63 devices follow entry 0). */
export const HOST_HANDLE: i32 = 63;

/** Event kinds (hostEvent's result). */
export const EVENT_NONE: i32 = 0;
/** A listener accepted `sock`: port, remote address and port. */
export const EVENT_ACCEPTED: i32 = 1;
/** connect() on `sock` completed. */
export const EVENT_CONNECTED: i32 = 2;
/** Bytes arrived on `sock`: hostTcpRead takes them. */
export const EVENT_READABLE: i32 = 3;
/** `sock`'s send buffer drained: hostTcpWriteSpace grew. */
export const EVENT_WRITABLE: i32 = 4;
/** The peer of `sock` will send no more (FIN). */
export const EVENT_PEER_CLOSED: i32 = 5;
/** `sock` is gone; `len` holds a CloseReason. */
export const EVENT_CLOSED: i32 = 6;
/** A datagram for UDP `port` from the remote address and port, `len`
 * bytes: hostUdpRead takes it. */
export const EVENT_DATAGRAM: i32 = 7;

/** The event record hostEvent fills (all u32, little endian). */
export const EV_SOCK: i32 = 0;
export const EV_PORT: i32 = 4;
export const EV_REMOTE_ADDR: i32 = 8;
export const EV_REMOTE_PORT: i32 = 12;
export const EV_LEN: i32 = 16;
export const EV_SIZE: i32 = 20;

/** The next event into the record at ptr; its kind, EVENT_NONE for none. */
@external("morgana", "hostEvent")
export declare function hostEvent(ptr: usize): i32;

/** Listen for TCP on `port` of the host's address; 0, or -1 when taken
 * (a failure the host learns later stops the image with a message). */
@external("morgana", "hostTcpListen")
export declare function hostTcpListen(port: i32): i32;

@external("morgana", "hostTcpUnlisten")
export declare function hostTcpUnlisten(port: i32): void;

/** Connect to an IPv4 address and port; the socket, or -1. */
@external("morgana", "hostTcpConnect")
export declare function hostTcpConnect(addr: u32, port: i32): i32;

/** Copy up to cap received bytes; how many (0: none waiting). */
@external("morgana", "hostTcpRead")
export declare function hostTcpRead(sock: i32, ptr: usize, cap: i32): i32;

/** Bytes hostTcpWrite takes now. */
@external("morgana", "hostTcpWriteSpace")
export declare function hostTcpWriteSpace(sock: i32): i32;

/** Bytes written and not yet handed to the host's kernel. */
@external("morgana", "hostTcpUnsent")
export declare function hostTcpUnsent(sock: i32): i32;

/** Queue len bytes; how many were taken. */
@external("morgana", "hostTcpWrite")
export declare function hostTcpWrite(sock: i32, ptr: usize, len: i32): i32;

/** Send FIN once what was written is sent. */
@external("morgana", "hostTcpShutdown")
export declare function hostTcpShutdown(sock: i32): void;

/** Shut down and read no more (what arrives is dropped). */
@external("morgana", "hostTcpClose")
export declare function hostTcpClose(sock: i32): void;

/** Reset the connection now; no event follows. */
@external("morgana", "hostTcpAbort")
export declare function hostTcpAbort(sock: i32): void;

/** Open UDP `port` on the host's address. */
@external("morgana", "hostUdpBind")
export declare function hostUdpBind(port: i32): i32;

@external("morgana", "hostUdpUnbind")
export declare function hostUdpUnbind(port: i32): void;

/** Send len bytes from UDP `srcPort` to an IPv4 address and port; 0 or -1. */
@external("morgana", "hostUdpSend")
export declare function hostUdpSend(srcPort: i32, addr: u32, port: i32, ptr: usize, len: i32): i32;

/** Copy up to cap bytes of the last EVENT_DATAGRAM's payload; its length. */
@external("morgana", "hostUdpRead")
export declare function hostUdpRead(ptr: usize, cap: i32): i32;

/** The host address the sockets are bound to, as an IPv4 number. */
@external("morgana", "hostAddress")
export declare function hostAddress(): u32;
