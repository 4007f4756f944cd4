import type { Cluster, Redis } from "ioredis";
import type { Versions } from "../../core/lookup.js";
import type { NamespaceKeys } from "../keys.js";
import type { RandomVersions } from "./random-versions.js";

/**
 * Reads the versions of the namespace and `tags`, creating missing ones
 * (ensure-versions.lua, one step on the namespace's slot) with the least
 * lifetime: no entry depends on them yet. Gives a leased miss on Cluster
 * real versions, and creates those a refused version token lacked.
 */
export async function ensureVersions(
  redis: Redis | Cluster,
  ns: NamespaceKeys,
  tags: readonly string[],
  tagLifetimeMs: number,
  versions: RandomVersions,
): Promise<Versions> {
  const args: (string | number | Buffer)[] = [ns.allKey, ...tags.map((t) => ns.tagPrefix + t)];
  args.push(tagLifetimeMs, tagLifetimeMs);
  for (let i = 0; i <= tags.length; i++) args.push(versions.take());
  const got = await redis.tcEnsureVersionsBuffer(1 + tags.length, ...args);
  return { ns: got[0], tags, tagVersions: got.slice(1) };
}
