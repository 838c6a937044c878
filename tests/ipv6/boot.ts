/**
 * Shared by the IPv6 suites: an image booted on the tap of a namespace
 * whose Linux side has 10.0.0.1/24 and fd00::1/64 (no DAD there), with a
 * fixed MAC, so that its link-local address is known: fe80::5eff:fe10:2030
 * (modified EUI-64 of 02:00:5e:10:20:30).
 */
import type { Netns } from "../support/netns.ts";
import type { Tender } from "../support/tender.ts";
import { Unikernel } from "../website/unikernel.ts";

export const MAC = "02:00:5e:10:20:30";
export const LINK_LOCAL = "fe80::5eff:fe10:2030";
export const HOST6 = "fd00::1/64";
export const STATIC6 = "fd00::2";

/** Boot `image` in `ns` with `args` and wait for `ready`, then for the
 * line that says its link-local address passed DAD (a second). */
export async function bootV6(ns: Netns, tender: Tender, image: string, args: string[], ready: RegExp): Promise<Unikernel> {
  const u = await Unikernel.start(
    { spawn: (cmd) => ns.spawn([cmd[0], `--net-mac:service=${MAC}`, "--mem=64", ...cmd.slice(1)]) },
    tender, image, { args, ready });
  await u.waitFor(new RegExp(`ipv6 ${LINK_LOCAL}/64 \\(link-local\\)`), 5000);
  return u;
}

/** `sh -c script` in the namespace, bounded. */
export const sh = (ns: Netns, script: string, timeoutMs = 20_000) => ns.exec(["sh", "-c", script], { timeoutMs });
