import { TaggedCacheClient, TaggedCacheError } from "../../clients/typescript/src/index.js";
import type { History, ModelLookup, Op, TagFilter } from "./history.js";
import { LogicalClock } from "./logical-clock.js";

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
  /** For Get (one), GetMany (one per lookup) and a fill (one): what was read. */
  readonly reads?: readonly ReadResult[];
  /** For a fill that missed: the tick once its read's reply (the token) arrived. */
  readonly tokenAt?: number;
  /** For a fill's guarded Set: whether the server stored it. */
  readonly stored?: boolean;
}

/** The token a miss handed out: its lease when granted, else its version token. */
export interface GuardToken {
  readonly versionToken?: Uint8Array | undefined;
  readonly leaseToken?: Uint8Array | undefined;
}

/** Where a history runs: any TaggedCache reachable through this interface. */
export interface ModelTarget {
  set(ns: string, key: string, value: Uint8Array, tags: readonly string[], lifetimeMs: number, graceMs?: number): Promise<unknown>;
  get(ns: string, key: string, tags: TagFilter, graceMs?: number): Promise<Seen | undefined>;
  getMany(ns: string, lookups: readonly ModelLookup[], graceMs?: number): Promise<(Seen | undefined)[]>;
  delete(ns: string, key: string): Promise<unknown>;
  invalidate(ns: string, tags: readonly string[]): Promise<unknown>;
  invalidateAll(ns: string): Promise<unknown>;
  /** A Get with exactly `tags`, asking for a lease (without waiting) when `lease`. */
  read(ns: string, key: string, tags: readonly string[], lease: boolean): Promise<{ seen: Seen | undefined; token: GuardToken }>;
  /** A Set presenting a miss's token; true when stored. */
  setGuarded(ns: string, key: string, value: Uint8Array, tags: readonly string[], lifetimeMs: number, token: GuardToken): Promise<boolean>;
  /** Removes the namespace's version (`tag` undefined) or a tag's, as an eviction would. */
  evict(ns: string, tag: string | undefined): Promise<unknown>;
  close(): void;
}

/** Removes a version of the full (prefixed) namespace, as evicted; see ModelTarget.evict. */
export type Evict = (namespace: string, tag: string | undefined) => Promise<unknown>;

/** Lifetime of every entry a history writes: long enough never to expire during a run. */
export const MODEL_LIFETIME_MS = 3_600_000;

const decoder = new TextDecoder();
const seen = (e: { value: Uint8Array; tags: readonly string[]; staleMs?: number } | undefined): Seen | undefined =>
  e === undefined ? undefined : { value: decoder.decode(e.value), tags: e.tags, stale: e.staleMs !== undefined };

/**
 * A target speaking gRPC to one server, one client per namespace. `prefix` is
 * put before every namespace, so runs that share a server never see each
 * other's entries and need no flush. Evictions need `evict`; without it they
 * fail.
 */
export function grpcTarget(address: string, prefix: string, deadlineMs = 5000, evict?: Evict): ModelTarget {
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
    read: async (ns, key, tags, lease) => {
      const r = await c(ns).read(key, { tags: [...tags], lease: lease ? { waitMs: 0 } : undefined });
      return { seen: seen(r.entry), token: { versionToken: r.versionToken, leaseToken: r.leaseToken } };
    },
    setGuarded: (ns, key, value, tags, lifetimeMs, token) => c(ns).set(key, value, { tags: [...tags], lifetimeMs, ...token }),
    evict: async (ns, tag) => {
      if (evict === undefined) throw new Error("this target cannot evict versions");
      return evict(`${prefix}${ns}`, tag);
    },
    close: () => clients.forEach((client) => client.close()),
  };
}

/** The unique value the Set at `lane`/`index` writes. */
export const valueOf = (lane: number, index: number): string => `v${lane}.${index}`;

/**
 * Runs a history against a target: lanes concurrently, each lane's operations
 * in order. Failures are recorded, not thrown, so fault tests can run
 * histories across an outage. `target` may be a function giving each lane
 * its own target (clients in other processes, say).
 */
export async function runHistory(history: History, target: ModelTarget | ((lane: number) => ModelTarget)): Promise<Recorded[]> {
  const targetOf = typeof target === "function" ? target : () => target;
  const clock = new LogicalClock<Op>(history.length);
  const out: Recorded[] = [];
  await Promise.all(
    history.map(async (ops, lane) => {
      for (let index = 0; index < ops.length; index++) {
        const op = ops[index]!;
        const start = clock.tick();
        const startMs = Date.now();
        const done: Done = { value: op.kind === "set" ? valueOf(lane, index) : undefined };
        try {
          await perform(targetOf(lane), op, valueOf(lane, index), clock, done);
          out.push({ lane, op, start, end: clock.tick(op), startMs, endMs: Date.now(), ok: true, ...done });
        } catch (err) {
          const code = err instanceof TaggedCacheError ? err.code : -1;
          out.push({ lane, op, start, end: clock.tick(), startMs, endMs: Date.now(), ok: false, code, ...done });
        }
      }
      clock.laneDone();
    }),
  );
  return out;
}

/** What an operation did, kept even when it fails halfway. */
type Done = { -readonly [K in "value" | "reads" | "tokenAt" | "stored"]?: Recorded[K] };

const encoder = new TextEncoder();

async function perform(target: ModelTarget, op: Op, value: string, clock: LogicalClock<Op>, done: Done): Promise<void> {
  switch (op.kind) {
    case "set":
      await target.set(op.ns, op.key, encoder.encode(value), op.tags, MODEL_LIFETIME_MS, op.graceMs || undefined);
      return;
    case "get":
      done.reads = [{ key: op.key, tags: op.tags, seen: await target.get(op.ns, op.key, op.tags, op.graceMs || undefined) }];
      return;
    case "getMany": {
      const results = await target.getMany(op.ns, op.lookups, op.graceMs || undefined);
      done.reads = op.lookups.map((l, i) => ({ ...l, seen: results[i] }));
      return;
    }
    case "delete":
      await target.delete(op.ns, op.key);
      return;
    case "invalidate":
      await target.invalidate(op.ns, op.tags);
      if (op.evicted) for (const tag of op.tags) await target.evict(op.ns, tag);
      return;
    case "invalidateAll":
      await target.invalidateAll(op.ns);
      if (op.evicted) await target.evict(op.ns, undefined);
      return;
    case "evict":
      if (op.namespace) await target.evict(op.ns, undefined);
      for (const tag of op.tags) await target.evict(op.ns, tag);
      return;
    case "fill": {
      const r = await target.read(op.ns, op.key, op.tags, op.lease);
      done.reads = [{ key: op.key, tags: op.tags, seen: r.seen }];
      if (r.seen !== undefined) return;
      done.tokenAt = clock.tick();
      const { ns, tags, gap } = op;
      const covers = (d: Op) =>
        d.ns === ns && (d.kind === "invalidateAll" || (d.kind === "invalidate" && d.tags.some((t) => tags.includes(t))));
      await (gap === "invalidation" ? clock.untilDone(covers) : clock.until(done.tokenAt + gap));
      done.value = value;
      done.stored = await target.setGuarded(op.ns, op.key, encoder.encode(value), op.tags, MODEL_LIFETIME_MS, r.token);
      return;
    }
  }
}
