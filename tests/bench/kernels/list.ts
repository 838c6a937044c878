/**
 * The compute kernels: each is NAME.c here (built native, and to Wasm by
 * clang) and as/NAME.ts (the same algorithm in AssemblyScript). `expect`
 * is the checksum every build must return; the C and AssemblyScript
 * versions compute the same numbers, so they share it.
 */
export interface Kernel {
  name: string;
  about: string;
  expect: number;
}

export const kernelList: Kernel[] = [
  { name: "sha256", about: "SHA-256 of 4 MiB, 8 times", expect: 2952716527 },
  { name: "crc32", about: "CRC-32 of 4 MiB, 16 times", expect: 132750339 },
  { name: "matmul", about: "f64 448x448 matrix multiply, 3 times", expect: 2690554130 },
  { name: "quicksort", about: "quicksort of 1M u32", expect: 2018500874 },
  { name: "nbody", about: "5-body f64 simulation, 1M steps", expect: 658729919 },
  { name: "hashmap", about: "open-addressing u32 map: 1M puts, 256K deletes, 4M gets", expect: 2766603189 },
  { name: "lz", about: "LZ77 compress and decompress 2 MiB, 8 times", expect: 1047406093 },
];
