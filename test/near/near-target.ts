import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { grpcTarget, type ModelTarget, type Seen } from "../model/run-history.js";
import { warm } from "./near-helpers.js";

const decoder = new TextDecoder();
const seen = (e: { value: Uint8Array; tags: readonly string[] } | undefined): Seen | undefined =>
  e === undefined ? undefined : { value: decoder.decode(e.value), tags: e.tags };

/** A model target whose reads go through near-caches and whose writes come from other clients. */
export interface NearTarget extends ModelTarget {
  /** Subscribes the namespaces, so the history's first reads can be kept. */
  warmUp(namespaces: readonly string[]): Promise<void>;
  /** Near hits served so far. */
  nearHits(): number;
}

/**
 * Reads (Get, and GetMany as one near read per lookup) through one
 * near-caching client per namespace; writes through plain clients on other
 * connections, as other processes would; through another server replica
 * when `writerAddress` names one.
 */
export function nearTarget(address: string, prefix: string, deadlineMs = 10_000, writerAddress = address): NearTarget {
  const writers = grpcTarget(writerAddress, prefix, deadlineMs);
  const readers = new Map<string, TaggedCacheClient>();
  const reader = (ns: string) => {
    let c = readers.get(ns);
    if (c === undefined) {
      c = new TaggedCacheClient(address, { namespace: `${prefix}${ns}`, timeoutMs: deadlineMs, nearCache: { maxBytes: 1 << 20 } });
      readers.set(ns, c);
    }
    return c;
  };
  const get = async (ns: string, key: string, tags: readonly string[] | undefined) =>
    seen(await reader(ns).getEntry(key, { tags: tags && [...tags] }));
  return {
    ...writers,
    get,
    getMany: (ns, lookups) => Promise.all(lookups.map((l) => get(ns, l.key, l.tags))),
    async warmUp(namespaces) {
      for (const ns of namespaces) {
        await writers.set(ns, "warm-up", new Uint8Array(1), [], 60_000);
        await warm(reader(ns), "warm-up");
      }
    },
    nearHits: () => [...readers.values()].reduce((n, c) => n + c.nearCacheStats!.hits, 0),
    close() {
      writers.close();
      readers.forEach((c) => c.close());
    },
  };
}
