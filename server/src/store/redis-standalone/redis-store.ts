import { Redis, type RedisOptions } from "ioredis";
import type { Lookup, LookupResult } from "../../core/lookup.js";
import { decodeEntry } from "../redis/entry-codec.js";
import type { NamespaceKeys } from "../keys.js";
import { LeaseNotices } from "../redis/lease-notices.js";
import { RedisLeases } from "./redis-leases.js";
import { failFastOptions, type Timeouts } from "../redis/connection-options.js";
import { fromRedisError } from "../redis/redis-errors.js";
import type { Durability } from "../redis/durable-write.js";
import { setArgs } from "./set-args.js";
import { TurnBatcher } from "./turn-batcher.js";
import { TurnCork } from "./turn-cork.js";
import { checkEntries, collectEntries } from "../redis/checked-read.js";
import type { ReadEntry } from "../redis/version-check.js";
import { RedisStoreBase } from "../redis/store-base.js";
import { versionsSeen } from "./versions-reply.js";

/** How the Redis store connects and how long tag versions live. */
export interface RedisStoreOptions extends Timeouts {
  /**
   * redis:// or rediss:// URL; unset when `extra` names Sentinels, which
   * then say where the primary is.
   */
  readonly url: string | undefined;
  /** Prefix of every key the store writes. */
  readonly keyPrefix: string;
  /** Least lifetime of a tag version, in ms (raised to that of its entries). */
  readonly tagLifetimeMs: number;
  /** Replication an Invalidate, Set or Delete waits for; none when omitted. */
  readonly durability?: Durability;
}

/**
 * The Redis store: one script call per Set and Invalidate and per Get (the
 * Gets of a turn share one), two steps per GetMany chunk. Commands fail at
 * once while Redis is unreachable (no offline queue, no silent resend) so
 * callers get "unavailable" promptly, and the connection keeps retrying in
 * the background.
 */
export class RedisStore extends RedisStoreBase<Redis> {
  readonly kind = "redis";
  private readonly notices: LeaseNotices;
  /** Leases and guarded Sets, sharing this connection. */
  readonly leases: RedisLeases;
  private readonly gets = new TurnBatcher<UnaryGet, LookupResult>((ns, lookups) => this.getBatch(ns, lookups), GETS_PER_CALL);
  private readonly cork: TurnCork;

  constructor(options: RedisStoreOptions, extra: RedisOptions = {}) {
    const redisOptions: RedisOptions = {
      ...failFastOptions(options),
      // Commands are pipelined on the connection either way; ioredis's
      // auto-pipelining only coalesces writes, and its per-flush Pipeline
      // costs more CPU per call than the writes it saves (make bench, P2).
      enableAutoPipelining: false,
      // A Redis that stops answering (frozen, or a dead peer without a
      // reset) drops the connection: the commands waiting on it fail and are
      // released instead of queueing without bound until it answers again.
      socketTimeout: options.commandTimeoutMs,
      ...extra,
    };
    super(options.url === undefined ? new Redis(redisOptions) : new Redis(options.url, redisOptions), {
      ...options,
      durability: options.durability ?? { waitReplicas: 0, waitMs: 0 },
    });
    this.cork = new TurnCork(this.redis);
    this.redis.on("close", () => clearStaleSocketTimeout(this.redis));
    this.notices = new LeaseNotices(() => this.redis.duplicate({ enableOfflineQueue: true }));
    this.leases = new RedisLeases(this.redis, this.keys, this.versions, options.tagLifetimeMs, this.notices, this.base.durability);
  }

  protected override holdWrites(): void {
    this.cork.hold();
  }

  // Sentinel settings come along: a failover moves it to the new primary.
  protected openSubscriber(): Redis {
    return this.redis.duplicate({ enableOfflineQueue: true });
  }

  /**
   * A Get with grace is one get-grace.lua call. The others of one namespace
   * arriving in one event-loop turn share one get.lua call (TurnBatcher):
   * under load, one write and one reply serve many calls.
   */
  async get(namespace: string, key: string, tags: readonly string[], graceMs = 0): Promise<LookupResult> {
    if (graceMs === 0) return this.gets.add(namespace, { key, tags });
    const ns = this.keys.forNamespace(namespace);
    let reply: unknown[];
    try {
      reply = await this.redis.tcGetGraceBuffer(2, ns.allKey, ns.entryPrefix + key, ns.tagPrefix, tags.length, ...tags, NO_BUDGET, ...graceArgs(ns, graceMs));
    } catch (err) {
      throw fromRedisError(err);
    }
    return toResult(reply[0], tags);
  }

  // The Gets of a turn in get.lua calls: every result checked and read
  // together, as a lone Get's. A call stops at GET_BATCH_BYTES of values
  // (never before its first), and the next one reads on from there.
  private async getBatch(namespace: string, lookups: readonly UnaryGet[]): Promise<LookupResult[]> {
    const ns = this.keys.forNamespace(namespace);
    const out = new Array<LookupResult>(lookups.length);
    let next = 0;
    while (next < lookups.length) {
      const n = lookups.length - next;
      const args: (string | number)[] = new Array(1 + n + 1);
      args[0] = ns.allKey;
      for (let i = 0; i < n; i++) args[1 + i] = ns.entryPrefix + lookups[next + i]!.key;
      args[1 + n] = ns.tagPrefix;
      for (let i = 0; i < n; i++) {
        const tags = lookups[next + i]!.tags;
        args.push(tags.length);
        for (let j = 0; j < tags.length; j++) args.push(tags[j]!);
      }
      if (n > 1) args.push(GET_BATCH_BYTES);
      let reply: unknown[];
      try {
        reply = await this.redis.tcGetBuffer(1 + n, ...args);
      } catch (err) {
        throw fromRedisError(err);
      }
      if (reply.length === 0) throw new Error("get.lua answered no lookup");
      for (let i = 0; i < reply.length; i++) out[next + i] = toResult(reply[i], lookups[next + i]!.tags);
      next += reply.length;
    }
    return out;
  }

  /**
   * A lone lookup is a Get: one script call. A chunk of several is read in
   * two steps (checked-read.ts): its entries in one flat read-entries.lua
   * call, then one MGET of their versions, checked here; Redis's work per
   * key is then about that of the reads alone, for one more round trip.
   */
  async getMany(namespace: string, lookups: readonly Lookup[], maxBytes = Infinity, graceMs = 0): Promise<LookupResult[]> {
    const n = lookups.length;
    if (n === 1) return [await this.get(namespace, lookups[0]!.key, lookups[0]!.tags, graceMs)];
    const ns = this.keys.forNamespace(namespace);
    const entryKeys = new Array<string>(n);
    for (let i = 0; i < n; i++) entryKeys[i] = ns.entryPrefix + lookups[i]!.key;
    try {
      const reply = maxBytes === Infinity
        ? await this.redis.tcReadEntriesBuffer(n, ...entryKeys)
        : await this.redis.tcReadEntriesBuffer(n, ...entryKeys, maxBytes);
      const found = new Array<ReadEntry | undefined>(n);
      found.length = collectEntries(reply, found);
      return await checkEntries(this.redis, ns, lookups, entryKeys, found, graceMs);
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  async set(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: readonly string[],
    lifetimeMs: number,
    graceMs = 0,
  ): Promise<void> {
    const a = setArgs(this.keys.forNamespace(namespace), key, value, tags, { lifetimeMs, graceMs }, this.base.tagLifetimeMs, this.versions);
    this.cork.hold();
    try {
      await this.writeDurably("Set", () => this.redis.tcSet(a.numKeys, ...a.keys, ...a.argv), (p) => p.tcSet(a.numKeys, ...a.keys, ...a.argv));
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  override async close(): Promise<void> {
    this.notices.close();
    await super.close();
  }
}

// ioredis 5.9 keeps the socketTimeout timer of a connection that closed and,
// when it fires, destroys the connection that replaced it: one more outage
// about a command timeout after every recovery (redis/ioredis#2147, fixed in
// ioredis 6). Clearing it on close is what that fix does.
function clearStaleSocketTimeout(redis: Redis): void {
  const r = redis as unknown as { socketTimeoutTimer?: ReturnType<typeof setTimeout> };
  clearTimeout(r.socketTimeoutTimer);
  r.socketTimeoutTimer = undefined;
}

// Unary Gets coalesced into one get.lua call at most, and the bytes of
// values one such call returns (STORE_CALL_BYTES's default), so that it
// holds Redis briefly whatever the values.
const GETS_PER_CALL = 64;
const GET_BATCH_BYTES = 1_048_576;

// A Get waiting for the end of its turn.
interface UnaryGet {
  readonly key: string;
  readonly tags: readonly string[];
}

// get.lua's byte budget slot left empty (no budget): get-grace.lua's ARGV
// follow get.lua's, and must never be read as a budget.
const NO_BUDGET = "";

// get-grace.lua's ARGV after get.lua's.
function graceArgs(ns: NamespaceKeys, graceMs: number): (string | number)[] {
  return [ns.tagHistoryPrefix, ns.allHistoryKey, graceMs];
}

// A hit is {ttl, entry}, a stale one {ttl, entry, stale ms}; a miss the versions it saw.
function toResult(item: unknown, tags: readonly string[]): LookupResult {
  if (Array.isArray(item)) return decodeEntry(item[1] as Buffer, item[0] as number, item[2] as number | undefined);
  return Buffer.isBuffer(item) ? { hit: false, versions: versionsSeen(item, tags) } : undefined;
}
