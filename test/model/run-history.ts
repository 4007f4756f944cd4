import { TaggedCacheClient, TaggedCacheError } from "../../clients/typescript/src/index.js";
import type { History, ModelLookup, Op, TagFilter } from "./history.js";

/** What a read saw: a hit with its value and tags, or a miss (undefined). */
export interface Seen {
  readonly value: string;
  readonly tags: readonly string[];
  /** True for a stale value served to a read with grace. */
  readonly stale?: boolean;
}

/** One lookup of a read and its outcome. */
export interface ReadResult extends ModelLookup {
  readonly seen: Seen | undefined;
}

/**
 * One operation as it ran. `start` and `end` are ticks of one logical clock,
 * taken just before the call is sent and just after its reply arrives: when
 * a.end < b.start, a really completed before b was sent.
 */
export interface Recorded {
  readonly lane: number;
  readonly op: Op;
  readonly start: number;
  readonly end: number;
  /** Wall-clock ms (the clock Redis's TIME reads on this machine) just before sending and after the reply. */
  readonly startMs: number;
  readonly endMs: number;
  /** The call succeeded; a failed write may or may not have taken effect. */
  readonly ok: boolean;
  /** gRPC status code of a failure. */
  readonly code?: number;
  /** For a Set: the unique value it wrote. */
  readonly value?: string;
  /** For Get (one) and GetMany (one per lookup): what was read. */
  readonly reads?: readonly ReadResult[];
}

/** Where a history runs: any TaggedCache reachable through this interface. */
export interface ModelTarget {
  set(ns: string, key: string, value: Uint8Array, tags: readonly string[], lifetimeMs: number, graceMs?: number): Promise<unknown>;
  get(ns: string, key: string, tags: TagFilter, graceMs?: number): Promise<Seen | undefined>;
  getMany(ns: string, lookups: readonly ModelLookup[], graceMs?: number): Promise<(Seen | undefined)[]>;
  delete(ns: string, key: string): Promise<unknown>;
  invalidate(ns: string, tags: readonly string[]): Promise<unknown>;
  invalidateAll(ns: string): Promise<unknown>;
  close(): void;
}

/** Lifetime of every entry a history writes: long enough never to expire during a run. */
export const MODEL_LIFETIME_MS = 3_600_000;

const decoder = new TextDecoder();
const seen = (e: { value: Uint8Array; tags: readonly string[]; staleMs?: number } | undefined): Seen | undefined =>
  e === undefined ? undefined : { value: decoder.decode(e.value), tags: e.tags, stale: e.staleMs !== undefined };

/**
 * A target speaking gRPC to one server, one client per namespace. `prefix` is
 * put before every namespace, so runs that share a server never see each
 * other's entries and need no flush.
 */
export function grpcTarget(address: string, prefix: string, deadlineMs = 5000): ModelTarget {
  const clients = new Map<string, TaggedCacheClient>();
  const c = (ns: string) => {
    let client = clients.get(ns);
    if (client === undefined) {
      client = new TaggedCacheClient(address, { namespace: `${prefix}${ns}`, deadlineMs });
      clients.set(ns, client);
    }
    return client;
  };
  return {
    set: (ns, key, value, tags, lifetimeMs, graceMs) => c(ns).set(key, value, { tags: [...tags], lifetimeMs, graceMs }),
    get: async (ns, key, tags, graceMs) => seen(await c(ns).getEntry(key, { tags: tags && [...tags], graceMs })),
    getMany: async (ns, lookups, graceMs) => {
      const batch = lookups.map((l) => ({ key: l.key, tags: l.tags && [...l.tags] }));
      for await (const results of c(ns).getManyStream([batch], { deadlineMs, graceMs })) return results.map(seen);
      throw new Error("GetMany ended without a reply");
    },
    delete: (ns, key) => c(ns).delete(key),
    invalidate: (ns, tags) => c(ns).invalidate(...tags),
    invalidateAll: (ns) => c(ns).invalidateAll(),
    close: () => clients.forEach((client) => client.close()),
  };
}

/** The unique value the Set at `lane`/`index` writes. */
export const valueOf = (lane: number, index: number): string => `v${lane}.${index}`;

/**
 * Runs a history against a target: lanes concurrently, each lane's operations
 * in order. Failures are recorded, not thrown, so fault tests can run
 * histories across an outage.
 */
export async function runHistory(history: History, target: ModelTarget): Promise<Recorded[]> {
  let clock = 0;
  const out: Recorded[] = [];
  const encoder = new TextEncoder();
  await Promise.all(
    history.map(async (ops, lane) => {
      for (let index = 0; index < ops.length; index++) {
        const op = ops[index]!;
        const value = op.kind === "set" ? valueOf(lane, index) : undefined;
        const start = ++clock;
        const startMs = Date.now();
        let reads: ReadResult[] | undefined;
        try {
          reads = await perform(target, op, value, encoder);
          out.push({ lane, op, start, end: ++clock, startMs, endMs: Date.now(), ok: true, value, reads });
        } catch (err) {
          const code = err instanceof TaggedCacheError ? err.code : -1;
          out.push({ lane, op, start, end: ++clock, startMs, endMs: Date.now(), ok: false, code, value });
        }
      }
    }),
  );
  return out;
}

async function perform(
  target: ModelTarget,
  op: Op,
  value: string | undefined,
  encoder: TextEncoder,
): Promise<ReadResult[] | undefined> {
  switch (op.kind) {
    case "set":
      await target.set(op.ns, op.key, encoder.encode(value), op.tags, MODEL_LIFETIME_MS, op.graceMs || undefined);
      return undefined;
    case "get":
      return [{ key: op.key, tags: op.tags, seen: await target.get(op.ns, op.key, op.tags, op.graceMs || undefined) }];
    case "getMany": {
      const results = await target.getMany(op.ns, op.lookups, op.graceMs || undefined);
      return op.lookups.map((l, i) => ({ ...l, seen: results[i] }));
    }
    case "delete":
      await target.delete(op.ns, op.key);
      return undefined;
    case "invalidate":
      await target.invalidate(op.ns, op.tags);
      return undefined;
    case "invalidateAll":
      await target.invalidateAll(op.ns);
      return undefined;
  }
}
