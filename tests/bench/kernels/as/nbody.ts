// The 5-body simulation, 1M steps; the same as ../nbody.c.
import { mixF64 } from "./common";

const PI = 3.141592653589793;
const SOLAR_MASS = 4 * PI * PI;
const DAYS = 365.24;

class Body {
  constructor(
    public x: f64, public y: f64, public z: f64,
    public vx: f64, public vy: f64, public vz: f64,
    public m: f64,
  ) {}
}

function planets(): StaticArray<Body> {
  return [
    new Body(0, 0, 0, 0, 0, 0, SOLAR_MASS),
    new Body(4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
      1.66007664274403694e-03 * DAYS, 7.69901118419740425e-03 * DAYS, -6.90460016972063023e-05 * DAYS,
      9.54791938424326609e-04 * SOLAR_MASS),
    new Body(8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
      -2.76742510726862411e-03 * DAYS, 4.99852801234917238e-03 * DAYS, 2.30417297573763929e-05 * DAYS,
      2.85885980666130812e-04 * SOLAR_MASS),
    new Body(1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
      2.96460137564761618e-03 * DAYS, 2.37847173959480950e-03 * DAYS, -2.96589568540237556e-05 * DAYS,
      4.36624404335156298e-05 * SOLAR_MASS),
    new Body(1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
      2.68067772490389322e-03 * DAYS, 1.62824170038242295e-03 * DAYS, -9.51592254519715870e-05 * DAYS,
      5.15138902046611451e-05 * SOLAR_MASS),
  ];
}

function advance(bodies: StaticArray<Body>, dt: f64): void {
  const n = bodies.length;
  for (let i = 0; i < n; i++) {
    const a = bodies[i];
    for (let j = i + 1; j < n; j++) {
      const b = bodies[j];
      const dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
      const d2 = dx * dx + dy * dy + dz * dz;
      const mag = dt / (d2 * Math.sqrt(d2));
      a.vx -= dx * b.m * mag; a.vy -= dy * b.m * mag; a.vz -= dz * b.m * mag;
      b.vx += dx * a.m * mag; b.vy += dy * a.m * mag; b.vz += dz * a.m * mag;
    }
  }
  for (let i = 0; i < n; i++) {
    const a = bodies[i];
    a.x += dt * a.vx; a.y += dt * a.vy; a.z += dt * a.vz;
  }
}

function energy(bodies: StaticArray<Body>): f64 {
  let e = 0.0;
  const n = bodies.length;
  for (let i = 0; i < n; i++) {
    const a = bodies[i];
    e += 0.5 * a.m * (a.vx * a.vx + a.vy * a.vy + a.vz * a.vz);
    for (let j = i + 1; j < n; j++) {
      const b = bodies[j];
      const dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
      e -= a.m * b.m / Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  }
  return e;
}

export function run(): u32 {
  const bodies = planets();
  let px = 0.0, py = 0.0, pz = 0.0;
  for (let i = 0; i < bodies.length; i++) {
    px += bodies[i].vx * bodies[i].m;
    py += bodies[i].vy * bodies[i].m;
    pz += bodies[i].vz * bodies[i].m;
  }
  bodies[0].vx = -px / SOLAR_MASS;
  bodies[0].vy = -py / SOLAR_MASS;
  bodies[0].vz = -pz / SOLAR_MASS;
  const e0 = energy(bodies);
  for (let i = 0; i < 1000000; i++) advance(bodies, 0.01);
  const e1 = energy(bodies);
  return mixF64(mixF64(2166136261, e0), e1);
}
