import { Redis, type RedisOptions } from "ioredis";
import type { Lookup, LookupResult, Store, StoreState } from "../../core/store.js";
import { decodeEntry } from "./entry-codec.js";
import { KeyScheme } from "./keys.js";
import { LeaseNotices } from "./lease-notices.js";
import { RandomVersions } from "./random-versions.js";
import { RedisLeases } from "./redis-leases.js";
import { fromRedisError } from "./redis-errors.js";
import { defineScripts } from "./scripts.js";
import { setArgs } from "./set-args.js";
import { versionsSeen } from "./versions-reply.js";

/** How the Redis store connects and how long tag versions live. */
export interface RedisStoreOptions {
  /** redis:// or rediss:// URL. */
  readonly url: string;
  /** Prefix of every key the store writes. */
  readonly keyPrefix: string;
  /** Least lifetime of a tag version, in ms (raised to that of its entries). */
  readonly tagLifetimeMs: number;
  /** A command not answered within this many ms fails as unavailable. */
  readonly commandTimeoutMs: number;
  /** A connection attempt is abandoned after this many ms. */
  readonly connectTimeoutMs: number;
}

/**
 * The Redis store: one script call per Get, GetMany batch, Set and
 * Invalidate. Commands fail at once while Redis is unreachable (no offline
 * queue, no silent resend) so callers get "unavailable" promptly, and the
 * connection keeps retrying in the background.
 */
export class RedisStore implements Store {
  readonly kind = "redis";
  private readonly redis: Redis;
  private readonly keys: KeyScheme;
  private readonly versions = new RandomVersions();
  private readonly tagLifetimeMs: number;
  private readonly listeners: ((state: StoreState) => void)[] = [];
  private current: StoreState = "unavailable";
  private readonly notices: LeaseNotices;
  /** Leases and guarded Sets, sharing this connection. */
  readonly leases: RedisLeases;

  constructor(options: RedisStoreOptions, extra: RedisOptions = {}) {
    this.keys = new KeyScheme(options.keyPrefix);
    this.tagLifetimeMs = options.tagLifetimeMs;
    this.redis = new Redis(options.url, {
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      // Commands are pipelined on the connection either way; ioredis's
      // auto-pipelining only coalesces writes, and its per-flush Pipeline
      // costs more CPU per call than the writes it saves (make bench, P2).
      enableAutoPipelining: false,
      commandTimeout: options.commandTimeoutMs,
      // A Redis that stops answering (frozen, or a dead peer without a
      // reset) drops the connection: the commands waiting on it fail and are
      // released instead of queueing without bound until it answers again.
      socketTimeout: options.commandTimeoutMs,
      connectTimeout: options.connectTimeoutMs,
      retryStrategy: (attempt) => Math.min(50 * attempt, 500),
      ...extra,
    });
    defineScripts(this.redis);
    this.redis.on("ready", () => this.setState("ready"));
    this.redis.on("close", () => {
      clearStaleSocketTimeout(this.redis);
      this.setState("unavailable");
    });
    // Errors surface through the commands that hit them and through state
    // changes; without a listener ioredis would print every retry.
    this.redis.on("error", () => {});
    this.notices = new LeaseNotices(() => this.redis.duplicate({ enableOfflineQueue: true }));
    this.leases = new RedisLeases(this.redis, this.keys, this.versions, this.tagLifetimeMs, this.notices);
  }

  get state(): StoreState {
    return this.current;
  }

  onStateChange(listener: (state: StoreState) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves once connected, or after `timeoutMs` with false. */
  waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.current === "ready") return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.redis.once("ready", () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  async get(namespace: string, key: string, tags: readonly string[]): Promise<LookupResult> {
    const ns = this.keys.forNamespace(namespace);
    let reply: unknown[];
    try {
      reply = tags.length === 0
        ? await this.redis.tcGetBuffer(2, ns.allKey, ns.entryPrefix + key, ns.tagPrefix, 0)
        : await this.redis.tcGetBuffer(2, ns.allKey, ns.entryPrefix + key, ns.tagPrefix, tags.length, ...tags);
    } catch (err) {
      throw fromRedisError(err);
    }
    return toResult(reply[0], tags);
  }

  async getMany(namespace: string, lookups: readonly Lookup[]): Promise<LookupResult[]> {
    const ns = this.keys.forNamespace(namespace);
    const n = lookups.length;
    const args: (string | number)[] = new Array(1 + n + 1);
    args[0] = ns.allKey;
    for (let i = 0; i < n; i++) args[1 + i] = ns.entryPrefix + lookups[i]!.key;
    args[1 + n] = ns.tagPrefix;
    for (let i = 0; i < n; i++) {
      const tags = lookups[i]!.tags;
      args.push(tags.length);
      for (let j = 0; j < tags.length; j++) args.push(tags[j]!);
    }
    let reply: unknown[];
    try {
      reply = await this.redis.tcGetBuffer(1 + n, ...args);
    } catch (err) {
      throw fromRedisError(err);
    }
    const out = new Array<LookupResult>(n);
    for (let i = 0; i < n; i++) out[i] = toResult(reply[i], lookups[i]!.tags);
    return out;
  }

  async set(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: readonly string[],
    lifetimeMs: number,
  ): Promise<void> {
    const a = setArgs(this.keys.forNamespace(namespace), key, value, tags, lifetimeMs, this.tagLifetimeMs, this.versions);
    try {
      await this.redis.tcSet(a.numKeys, ...a.keys, ...a.argv);
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    try {
      return (await this.redis.del(this.keys.forNamespace(namespace).entryPrefix + key)) === 1;
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  invalidate(namespace: string, tags: readonly string[]): Promise<void> {
    const ns = this.keys.forNamespace(namespace);
    return this.replaceVersions(tags.map((t) => ns.tagPrefix + t));
  }

  invalidateAll(namespace: string): Promise<void> {
    return this.replaceVersions([this.keys.forNamespace(namespace).allKey]);
  }

  async close(): Promise<void> {
    this.notices.close();
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  private async replaceVersions(keys: string[]): Promise<void> {
    const args: (string | number | Buffer)[] = [...keys, this.tagLifetimeMs];
    for (let i = 0; i < keys.length; i++) args.push(this.versions.take());
    try {
      await this.redis.tcInvalidate(keys.length, ...args);
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  private setState(state: StoreState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
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

// A hit is {pttl, entry}; a miss the versions it saw.
function toResult(item: unknown, tags: readonly string[]): LookupResult {
  if (Array.isArray(item)) return decodeEntry(item[1] as Buffer, item[0] as number);
  return Buffer.isBuffer(item) ? { hit: false, versions: versionsSeen(item, tags) } : undefined;
}
