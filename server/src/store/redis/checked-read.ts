import type { Cluster, Redis } from "ioredis";
import type { Lookup, LookupResult } from "../../core/lookup.js";
import type { NamespaceKeys } from "../keys.js";
import { parseEntry } from "./entry-codec.js";
import { VersionKeys, type ReadEntry } from "./version-check.js";

/**
 * A read in two steps: the entries first (read-entries.lua, entry bytes and
 * PTTL), then in one step on the namespace's slot the versions they
 * recorded, digested and compared here as lib/entry-format.lua does. Why no
 * stale value is served (docs/design/storage.md, "Scripts and round trips"): an
 * entry read at t1 whose recorded versions all still hold at t2 > t1 held
 * them at t1 too, since versions are random and never come back, so it was
 * current at t1; an Invalidate before t2 gives a mismatch, a miss, and a
 * version gone digests to nothing, a miss.
 */

/**
 * Puts the entries of read-entries.lua's flat reply (entry, pttl per key)
 * into `out`: the reply's i-th key at `at[i]` (or at i). Absent entries and
 * data not in our format are left undefined. Returns how many keys the
 * reply answered (fewer than asked when a byte budget stopped it).
 */
export function collectEntries(reply: readonly unknown[], out: (ReadEntry | undefined)[], at?: readonly number[]): number {
  const n = reply.length >> 1;
  for (let i = 0; i < n; i++) {
    const raw = reply[2 * i];
    if (!Buffer.isBuffer(raw)) continue;
    const layout = parseEntry(raw);
    if (layout !== undefined) out[at === undefined ? i : at[i]!] = { raw, ttlMs: reply[2 * i + 1] as number, layout };
  }
  return n;
}

/**
 * The second step: reads the versions the found entries depend on, and those
 * of the requested tags so that a miss can report them (its version token),
 * in one MGET on the namespace's slot (with grace, read-versions.lua, which
 * adds the history keys and the shard's time), and judges every entry. One
 * result per entry of `found`. Stale entries are deleted in the background.
 */
export async function checkEntries(
  redis: Redis | Cluster,
  ns: NamespaceKeys,
  lookups: readonly Lookup[],
  entryKeys: readonly string[],
  found: readonly (ReadEntry | undefined)[],
  graceMs: number,
): Promise<LookupResult[]> {
  const versionKeys = new VersionKeys(ns, graceMs);
  for (let i = 0; i < found.length; i++) {
    const entry = found[i];
    if (entry !== undefined) versionKeys.add(entry);
    versionKeys.addTags(lookups[i]!.tags);
  }
  let current: (Buffer | null)[];
  let now = 0;
  if (graceMs > 0) {
    // With the time of the shard that records invalidations.
    const read = await redis.tcReadVersionsBuffer(versionKeys.keys.length, ...versionKeys.keys);
    now = Number(read[0]!.toString());
    current = read.slice(1);
  } else {
    current = await redis.mgetBuffer(...versionKeys.keys);
  }
  const out = new Array<LookupResult>(found.length);
  for (let i = 0; i < found.length; i++) {
    const entry = found[i];
    const verdict = entry === undefined ? undefined : versionKeys.judge(entry, lookups[i]!.tags, current, now);
    if (verdict === "stale") deleteStale(redis, entryKeys[i]!, entry!);
    out[i] = verdict !== undefined && verdict !== "stale"
      ? verdict
      : { hit: false, versions: versionKeys.seen(lookups[i]!.tags, current) };
  }
  return out;
}

/**
 * Removes a stale entry unless a Set replaced it meanwhile (compared on the
 * versions it records). Best effort: a stale entry left behind only
 * expires later, so a failure is ignored.
 */
function deleteStale(redis: Redis | Cluster, key: string, entry: ReadEntry): void {
  redis.tcDeleteStale(1, key, entry.raw.subarray(0, entry.layout.valueAt)).catch(() => {});
}
