import { Cluster, Redis, type RedisOptions } from "ioredis";
import type { Lookup, LookupResult } from "../../core/lookup.js";
import { checkEntries, collectEntries } from "../redis/checked-read.js";
import { encodeEntry } from "../redis/entry-codec.js";
import { LeaseNotices } from "../redis/lease-notices.js";
import { fromRedisError } from "../redis/redis-errors.js";
import { failFastOptions, retryDelayMs, type Timeouts } from "../redis/connection-options.js";
import type { Durability } from "../redis/durable-write.js";
import { RedisStoreBase } from "../redis/store-base.js";
import { ClusterLeases } from "./cluster-leases.js";
import { groupBySlotAndNode } from "./slot-groups.js";
import type { ReadEntry } from "../redis/version-check.js";

/** Where the cluster is and how the store uses it. */
export interface ClusterStoreOptions extends Timeouts {
  /** Prefix of every key the store writes (no braces on a cluster). */
  readonly keyPrefix: string;
  /** Least lifetime of a tag version, in ms (raised to that of its entries). */
  readonly tagLifetimeMs: number;
  /** Seed nodes; ioredis discovers the others from them. */
  readonly nodes: readonly { host: string; port: number }[];
  /** Replication an Invalidate, Set or Delete waits for. */
  readonly durability: Durability;
}

/**
 * The store on Redis Cluster, with the keys, entry format and scripts of the
 * standalone store. An entry and the versions it depends on sit in different
 * slots, so every step touches one slot: a Get reads entries (their slots),
 * then the versions (the namespace's slot); a Set reads or creates the
 * versions, then writes the entry. See docs/design/replication.md, "Redis Cluster".
 */
export class ClusterStore extends RedisStoreBase<Cluster> {
  readonly kind = "redis-cluster";
  private readonly notices: LeaseNotices;
  private readonly subscriberOptions: RedisOptions;
  private readonly seeds: readonly { host: string; port: number }[];
  private nextSubscriberNode = 0;
  /** Leases and guarded Sets, sharing this cluster connection. */
  readonly leases: ClusterLeases;

  constructor(options: ClusterStoreOptions) {
    const { retryStrategy: _nodesNeverRetry, ...redisOptions } = failFastOptions(options);
    const cluster = new Cluster(options.nodes.map((n) => ({ ...n })), {
      enableOfflineQueue: false,
      // ioredis 5 routes auto-pipelined script calls by their key count, not
      // their first key; readEntries builds its per-node pipelines itself.
      enableAutoPipelining: false,
      scaleReads: "master",
      // A command meeting a closed connection or CLUSTERDOWN is retried
      // every 100 ms with fresh slots, a few times, then fails as unavailable.
      maxRedirections: 8,
      slotsRefreshTimeout: options.connectTimeoutMs,
      clusterRetryStrategy: retryDelayMs,
      redisOptions,
    });
    super(cluster, options);
    this.subscriberOptions = { ...redisOptions, enableOfflineQueue: true };
    this.seeds = options.nodes;
    // Pub/sub on a cluster reaches every node's subscribers; ioredis keeps
    // the subscriber connection on some node and moves it if that node dies.
    this.notices = new LeaseNotices(() => cluster.duplicate([], { enableOfflineQueue: true }));
    this.leases = new ClusterLeases(cluster, this.keys, this.versions, options.tagLifetimeMs, this.notices, options.durability);
  }

  // A plain connection to one master, a different one each time: classic
  // PUBLISH reaches every node, and its close is seen at once (ioredis's
  // cluster subscriber would move to another node silently, after missing
  // messages meanwhile).
  protected openSubscriber(): Redis {
    const masters = this.redis.nodes("master");
    const i = this.nextSubscriberNode++;
    if (masters.length > 0) return masters[i % masters.length]!.duplicate(this.subscriberOptions);
    const seed = this.seeds[i % this.seeds.length]!;
    return new Redis({ ...this.subscriberOptions, host: seed.host, port: seed.port });
  }

  override async close(): Promise<void> {
    this.notices.close();
    await super.close();
  }

  async get(namespace: string, key: string, tags: readonly string[], graceMs = 0): Promise<LookupResult> {
    return (await this.getMany(namespace, [{ key, tags: tags.slice() }], Infinity, graceMs))[0];
  }

  async getMany(namespace: string, lookups: readonly Lookup[], maxBytes = Infinity, graceMs = 0): Promise<LookupResult[]> {
    const ns = this.keys.forNamespace(namespace);
    const entryKeys = lookups.map((l) => ns.entryPrefix + l.key);
    try {
      return await checkEntries(this.redis, ns, lookups, entryKeys, await this.readEntries(entryKeys, maxBytes), graceMs);
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  async set(namespace: string, key: string, value: Uint8Array, tags: readonly string[], lifetimeMs: number, graceMs = 0): Promise<void> {
    const ns = this.keys.forNamespace(namespace);
    const args: (string | number | Buffer)[] = [ns.allKey];
    for (const tag of tags) args.push(ns.tagPrefix + tag);
    // The key outlives the entry's lifetime by its grace period.
    const keyMs = lifetimeMs === 0 ? 0 : lifetimeMs + graceMs;
    args.push(keyMs, this.base.tagLifetimeMs);
    for (let i = 0; i <= tags.length; i++) args.push(this.versions.take());
    try {
      // An Invalidate landing between the two steps leaves an entry recorded
      // under the replaced version: it misses, it never hits stale.
      const versions = await this.redis.tcEnsureVersionsBuffer(1 + tags.length, ...args);
      const entry = encodeEntry(versions, tags, value, graceMs);
      const entryKey = ns.entryPrefix + key;
      // Only the entry needs a replica: versions lost in a failover make it
      // miss, as an evicted version does.
      if (keyMs === 0) {
        await this.writeDurably("Set", () => this.redis.set(entryKey, entry), (p) => p.set(entryKey, entry));
      } else {
        await this.writeDurably("Set", () => this.redis.set(entryKey, entry, "PX", keyMs), (p) => p.set(entryKey, entry, "PX", keyMs));
      }
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  /**
   * Reads entries with one read-entries.lua call per slot, the calls for one
   * node in one pipeline, all nodes in parallel. Absent entries and data not
   * in our format are undefined. Each call returns at most `maxBytes` (but
   * one entry); the result ends before the first key a call left unread.
   */
  private async readEntries(keys: readonly string[], maxBytes: number): Promise<(ReadEntry | undefined)[]> {
    const out = new Array<ReadEntry | undefined>(keys.length);
    const budget = maxBytes === Infinity ? [] : [maxBytes];
    let answered = keys.length;
    await Promise.all(
      Array.from(groupBySlotAndNode(this.redis, keys), async (slots) => {
        const pipeline = this.redis.pipeline();
        for (const group of slots) pipeline.tcReadEntriesBuffer(group.length, ...group.map((i) => keys[i]!), ...budget);
        const replies = (await pipeline.exec()) ?? [];
        for (let s = 0; s < slots.length; s++) {
          const [err, reply] = replies[s] ?? [new Error("no reply")];
          if (err) throw err;
          const group = slots[s]!;
          const read = collectEntries(reply as unknown[], out, group);
          if (read < group.length) answered = Math.min(answered, group[read]!);
        }
      }),
    );
    out.length = answered;
    return out;
  }
}
