/**
 * Where the images built by tests/setup/build-images.ts are: apps under
 * dist/, test-only apps under build/test-images/.
 */
import path from "node:path";
import { root } from "../../toolchain/root.ts";

export const appImage = (name: string): string => path.join(root, "dist", `${name}.hvt`);
export const testImage = (name: string): string => path.join(root, "build", "test-images", `${name}.hvt`);
