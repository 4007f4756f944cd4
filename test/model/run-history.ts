import { TaggedCacheClient, TaggedCacheError } from "../../clients/typescript/src/index.js";
import type { History, ModelLookup, Op, TagFilter } from "./history.js";

/** What a read saw: a hit with its value and tags, or a miss (undefined). */
export interface Seen {
  readonly value: string;
  readonly tags: readonly string[];
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
  set(ns: string, key: string, value: Uint8Array, tags: readonly string[], lifetimeMs: number): Promise<unknown>;
  get(ns: string, key: string, tags: TagFilter): Promise<Seen | undefined>;
  getMany(ns: string, lookups: readonly ModelLookup[]): Promise<(Seen | undefined)[]>;
  delete(ns: string, key: string): Promise<unknown>;
  invalidate(ns: string, tags: readonly string[]): Promise<unknown>;
  invalidateAll(ns: string): Promise<unknown>;
  close(): void;
}

/** Lifetime of every entry a history writes: long enough never to expire during a run. */
export const MODEL_LIFETIME_MS = 3_600_000;

const decoder = new TextDecoder();
const seen = (e: { value: Uint8Array; tags: readonly string[] } | undefined): Seen | undefined =>
  e === undefined ? undefined : { value: decoder.decode(e.value), tags: e.tags };

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
    set: (ns, key, value, tags, lifetimeMs) => c(ns).set(key, value, { tags: [...tags], lifetimeMs }),
    get: async (ns, key, tags) => seen(await c(ns).getEntry(key, { tags: tags && [...tags] })),
    getMany: async (ns, lookups) => {
      const batch = lookups.map((l) => ({ key: l.key, tags: l.tags && [...l.tags] }));
      for await (const results of c(ns).getManyStream([batch], { deadlineMs })) return results.map(seen);
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
        let reads: ReadResult[] | undefined;
        try {
          reads = await perform(target, op, value, encoder);
          out.push({ lane, op, start, end: ++clock, ok: true, value, reads });
        } catch (err) {
          const code = err instanceof TaggedCacheError ? err.code : -1;
          out.push({ lane, op, start, end: ++clock, ok: false, code, value });
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
      await target.set(op.ns, op.key, encoder.encode(value), op.tags, MODEL_LIFETIME_MS);
      return undefined;
    case "get":
      return [{ key: op.key, tags: op.tags, seen: await target.get(op.ns, op.key, op.tags) }];
    case "getMany": {
      const results = await target.getMany(op.ns, op.lookups);
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
