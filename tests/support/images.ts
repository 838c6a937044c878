/**
 * Where the images built by tests/setup/build-images.ts are: apps under
 * dist/, test-only apps under build/test-images/; NAME.hvt for the hvt
 * tenders, NAME.spt for solo5-spt.
 */
import path from "node:path";
import { root } from "../../toolchain/root.ts";

export type Target = "hvt" | "spt";

export const appImage = (name: string, target: Target = "hvt"): string => path.join(root, "dist", `${name}.${target}`);
export const testImage = (name: string, target: Target = "hvt"): string =>
  path.join(root, "build", "test-images", `${name}.${target}`);
