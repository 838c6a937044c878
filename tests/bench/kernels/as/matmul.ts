// f64 448x448 matrix multiply, three times; the same as ../matmul.c.
import { mixF64, Rng } from "./common";

const N = 448;
const A = new Float64Array(N * N);
const B = new Float64Array(N * N);
const C = new Float64Array(N * N);
const D = new Float64Array(N * N);

function mul(x: Float64Array, y: Float64Array, z: Float64Array): void {
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) z[i * N + j] = 0.0;
    for (let k = 0; k < N; k++) {
      const a = x[i * N + k];
      for (let j = 0; j < N; j++) z[i * N + j] += a * y[k * N + j];
    }
  }
}

export function run(): u32 {
  const rng = new Rng(42);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      A[i * N + j] = <f64>(rng.next() % 2001) / 1000.0 - 1.0;
      B[i * N + j] = <f64>(rng.next() % 2001) / 1000.0 - 1.0;
    }
  }
  mul(A, B, C);
  mul(C, B, D);
  mul(D, B, C);
  let h: u32 = 2166136261;
  for (let i = 0; i < N; i++) h = mixF64(h, C[i * N + ((i * 7) % N)]);
  return h;
}
