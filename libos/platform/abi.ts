// The boot stub's imports (Wasm module "morgana"), exactly as listed in
// boot/README.md. Private to libos/platform: everything else goes through
// the modules of this folder, so this file is the whole contract with the
// guest runtime (and with the Node harness, which implements the same list).
//
// Pointers are offsets into linear memory; times are i64 nanoseconds.

/** Write bytes to the console. */
@external("morgana", "puts")
export declare function puts(ptr: usize, len: i32): void;

/** Wall-clock time since the Unix epoch. */
@external("morgana", "walltime")
export declare function walltime(): i64;

/** Time since boot. */
@external("morgana", "monotonic")
export declare function monotonic(): i64;

/** Sleep until monotonic() >= deadline or a device has input; the set of
 * ready device handles (bit i = handle i), 0 on timeout. */
@external("morgana", "poll")
export declare function poll(deadline: i64): i64;

/** Halt with this status; never returns. */
@external("morgana", "exit")
export declare function exit(status: i32): void;

/** Copy up to cap bytes of the command line; its full length. */
@external("morgana", "cmdline")
export declare function cmdline(ptr: usize, cap: i32): i32;

/** Fill with random bytes. */
@external("morgana", "entropy")
export declare function entropy(ptr: usize, len: i32): void;

/** Where entropy's bytes come from: 0 timing jitter (not fit for keys),
 * 1 RDRAND, 2 RDSEED (| 0x100 when found by executing it, CPUID hiding
 * it), 3 the host's CSPRNG (node target), 4 a seeded generator (harness). */
@external("morgana", "entropySource")
export declare function entropySource(): i32;

/** Handle of the attached manifest device with this name and type, or -1. */
@external("morgana", "device")
export declare function device(namePtr: usize, nameLen: i32, type: i32): i32;

/** Write MAC (6 bytes) then MTU (u16 LE) at ptr; 0, or -1 for a bad handle. */
@external("morgana", "netInfo")
export declare function netInfo(handle: i32, ptr: usize): i32;

/** Send one frame; 0 OK, 2 EINVAL, 3 EUNSPEC. */
@external("morgana", "netWrite")
export declare function netWrite(handle: i32, ptr: usize, len: i32): i32;

/** Offloads the device takes: bit 0 (NET_OFFLOAD_TSO4) TCP/IPv4
 * segmentation (netWriteTso); 0 for none or a bad handle. */
@external("morgana", "netOffload")
export declare function netOffload(handle: i32): i32;

/** Send one TCP/IPv4 frame of up to 65535 bytes, to be cut by the host
 * into segments of `mss` bytes of payload; its TCP checksum field holds
 * the pseudo-header sum only. 0 OK, 2 EINVAL (no offload), 3 EUNSPEC. */
@external("morgana", "netWriteTso")
export declare function netWriteTso(handle: i32, ptr: usize, len: i32, mss: i32): i32;

/** netOffload bits. */
export const NET_OFFLOAD_TSO4: i32 = 1;
/** The longest frame netWriteTso takes. */
export const NET_TSO_MAX_FRAME: i32 = 65535;

/** Receive one frame: its length, or -1 none ready, -2 EINVAL, -3 EUNSPEC. */
@external("morgana", "netRead")
export declare function netRead(handle: i32, ptr: usize, cap: i32): i32;

/** Write capacity (u64) then block size (u16) at ptr; 0 or -1. */
@external("morgana", "blockInfo")
export declare function blockInfo(handle: i32, ptr: usize): i32;

/** Write len bytes at a byte offset; the hvt result. */
@external("morgana", "blockWrite")
export declare function blockWrite(handle: i32, offset: i64, ptr: usize, len: i32): i32;

/** Read len bytes at a byte offset; the hvt result. */
@external("morgana", "blockRead")
export declare function blockRead(handle: i32, offset: i64, ptr: usize, len: i32): i32;

/** Bytes the linear memory may grow to in this guest. */
@external("morgana", "memoryLimit")
export declare function memoryLimit(): i64;

/** Exits to the tender of one kind so far: 1-8 the hvt hypercall of that
 * number, 0 kicks of Solo5's ring thread; -1 where nothing is counted
 * (spt, the node target). */
@external("morgana", "exits")
export declare function exits(kind: i32): i64;

/** Device types of the Solo5 manifest. */
export const DEVICE_BLOCK: i32 = 1;
export const DEVICE_NET: i32 = 2;

/** netRead results other than a length. */
export const NET_AGAIN: i32 = -1;

/** How many read-only assets the image carries. */
@external("morgana", "assetCount")
export declare function assetCount(): i32;

/** Copy up to cap bytes of asset index's name; its full length, or -1. */
@external("morgana", "assetName")
export declare function assetName(index: i32, ptr: usize, cap: i32): i32;

/** Asset index's size in bytes, or -1. */
@external("morgana", "assetSize")
export declare function assetSize(index: i32): i32;

/** Copy up to len bytes of asset index from offset; the number copied, or -1. */
@external("morgana", "assetRead")
export declare function assetRead(index: i32, offset: i32, ptr: usize, len: i32): i32;
