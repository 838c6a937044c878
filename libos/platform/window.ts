// Windows: Uint8Array objects moved, in place, over a part of another
// buffer. `subarray` allocates a view per call, and the per-frame path must
// allocate nothing, so each layer makes its windows once and moves them per
// frame. The libos/wire views are built once over these windows: their
// checks and accessors then apply to whatever the window covers now.
//
// A window is valid until it is moved again; whoever holds one must not
// keep it past the call that handed it over.

/** A window over nothing, to be moved later. */
export function newWindow(): Uint8Array {
  return new Uint8Array(0);
}

/** Move `w` over bytes [offset, offset + len) of `base`; returns `w`. */
export function moveWindow(w: Uint8Array, base: Uint8Array, offset: i32, len: i32): Uint8Array {
  // A window never reaches outside its base, so the unchecked accessors of
  // libos/wire stay inside memory this code owns. One unsigned comparison
  // each: negative values are huge.
  if (<u32>offset > <u32>base.byteLength || <u32>len > <u32>(base.byteLength - offset)) {
    throw new RangeError("net: window outside its buffer");
  }
  const p = changetype<usize>(w);
  const buffer = changetype<usize>(base.buffer);
  if (load<usize>(p, offsetof<Uint8Array>("buffer")) != buffer) {
    store<usize>(p, buffer, offsetof<Uint8Array>("buffer"));
    // The incremental collector must see the new reference (write barrier).
    __link(p, buffer, false);
  }
  store<usize>(p, base.dataStart + <usize>offset, offsetof<Uint8Array>("dataStart"));
  store<i32>(p, len, offsetof<Uint8Array>("byteLength"));
  return w;
}

/** Offset of `w`'s first byte within `base` (both over the same memory). */
export function offsetIn(w: Uint8Array, base: Uint8Array): i32 {
  return <i32>(w.dataStart - base.dataStart);
}
