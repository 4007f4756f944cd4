import type { NearCache } from "./near-watch.js";
import type { Entry, Lookup, ReadResult } from "./types.js";

/** A read served from the near-cache when it can, else remotely (and kept when it may be). */
export async function nearRead(
  near: NearCache,
  ns: string,
  key: string,
  tags: readonly string[] | undefined,
  remote: () => Promise<ReadResult>,
): Promise<ReadResult> {
  const entry = near.lookup(ns, key, tags);
  if (entry !== undefined) return { entry, versionToken: undefined, leaseToken: undefined, leaseLifetimeMs: undefined, waited: false };
  const ticket = near.ticket(ns);
  const result = await remote();
  if (result.entry !== undefined) near.admit(ticket, ns, key, result.entry);
  return result;
}

/** getMany() with the near-cache: near hits first, one remote getMany for the rest. */
export async function nearGetMany(
  near: NearCache,
  ns: string,
  lookups: readonly (string | Lookup)[],
  remote: (rest: (string | Lookup)[]) => Promise<Map<string, Entry>>,
): Promise<Map<string, Entry>> {
  const hits = new Map<string, Entry>();
  const rest: (string | Lookup)[] = [];
  for (const l of lookups) {
    const key = typeof l === "string" ? l : l.key;
    const entry = near.lookup(ns, key, typeof l === "string" ? undefined : l.tags);
    if (entry !== undefined) hits.set(key, entry);
    else rest.push(l);
  }
  if (rest.length === 0) return hits;
  const ticket = near.ticket(ns);
  for (const [key, entry] of await remote(rest)) {
    hits.set(key, entry);
    near.admit(ticket, ns, key, entry);
  }
  return hits;
}
