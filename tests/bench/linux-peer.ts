/**
 * The namespaces a Linux server is measured in (nginx, NSD): a client
 * namespace at 10.0.1.1 and a server namespace at 10.0.1.2, joined by a
 * veth pair, the client's neighbour entry set by hand so ARP never counts.
 * The unikernels' own path is a tap in one namespace instead.
 */
import { createNetns, type Netns } from "../support/netns.ts";

export const CLIENT_ADDR = "10.0.1.1";
export const SERVER_ADDR = "10.0.1.2";

/** Both namespaces, linked and up; the caller destroys both. `client`,
 * when given, is a namespace of the caller's to link instead of a new one
 * (the conformance suite's, where website.hvt's tap is too). */
export async function linuxPeer(given?: Netns): Promise<{ client: Netns; server: Netns }> {
  const client = given ?? await createNetns();
  let server: Netns | null = null;
  try {
    server = await createNetns({ tap: "unused0", hostAddr: "10.0.9.1/24" });
    const peer = `v${process.pid % 10000}`;
    await client.exec(["ip", "link", "add", "c0", "type", "veth", "peer", "name", peer]);
    await client.exec(["ip", "link", "set", peer, "netns", server.name]);
    await client.exec(["ip", "addr", "add", `${CLIENT_ADDR}/24`, "dev", "c0"]);
    await client.exec(["ip", "link", "set", "c0", "up"]);
    await server.exec(["ip", "addr", "add", `${SERVER_ADDR}/24`, "dev", peer]);
    await server.exec(["ip", "link", "set", peer, "up"]);
    const mac = (await server.exec(["cat", `/sys/class/net/${peer}/address`])).stdout.trim();
    await client.exec(["ip", "neigh", "replace", SERVER_ADDR, "lladdr", mac, "dev", "c0", "nud", "permanent"]);
    return { client, server };
  } catch (e) {
    await server?.destroy();
    if (!given) await client.destroy();
    throw e;
  }
}
