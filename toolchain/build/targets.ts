/**
 * Targets: what an image is built for. Each names its image extension, its
 * link stage (which boot stub the lowered C is joined with) and, when
 * Morgana provides one, the host program that boots its images. Adding a
 * target is one more entry here.
 */
import { link, type LinkOptions } from "../link/index.ts";
import { buildTender } from "../tender/build.ts";

export interface Target {
  name: string;
  /** Images are written as dist/NAME.EXTENSION. */
  extension: string;
  link: (opts: LinkOptions) => Promise<{ image: string; bytes: number }>;
  /** Builds the tender for this target, if Morgana has one; its path. */
  buildHost?: () => Promise<string>;
}

export const targets: Record<string, Target> = {
  hvt: { name: "hvt", extension: "hvt", link, buildHost: () => buildTender() },
};

export const targetNames = Object.keys(targets);
