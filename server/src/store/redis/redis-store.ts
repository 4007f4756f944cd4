import { Redis, type RedisOptions } from "ioredis";
import type { Hit, Lookup, Store, StoreState } from "../../core/store.js";
import { decodeEntry } from "./entry-codec.js";
import { KeyScheme } from "./keys.js";
import { RandomVersions } from "./random-versions.js";
import { fromRedisError } from "./redis-errors.js";
import { defineScripts } from "./scripts.js";

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

function asBuffer(u8: Uint8Array): Buffer {
  return Buffer.isBuffer(u8) ? u8 : Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
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
      connectTimeout: options.connectTimeoutMs,
      retryStrategy: (attempt) => Math.min(50 * attempt, 500),
      ...extra,
    });
    defineScripts(this.redis);
    this.redis.on("ready", () => this.setState("ready"));
    this.redis.on("close", () => this.setState("unavailable"));
    // Errors surface through the commands that hit them and through state
    // changes; without a listener ioredis would print every retry.
    this.redis.on("error", () => {});
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

  async get(namespace: string, key: string, tags: readonly string[]): Promise<Hit | undefined> {
    const ns = this.keys.forNamespace(namespace);
    let reply: unknown[];
    try {
      reply = tags.length === 0
        ? await this.redis.tcGetBuffer(2, ns.allKey, ns.entryPrefix + key, ns.tagPrefix, 0)
        : await this.redis.tcGetBuffer(2, ns.allKey, ns.entryPrefix + key, ns.tagPrefix, tags.length, ...tags);
    } catch (err) {
      throw fromRedisError(err);
    }
    return toHit(reply[0]);
  }

  async getMany(namespace: string, lookups: readonly Lookup[]): Promise<(Hit | undefined)[]> {
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
    const out = new Array<Hit | undefined>(n);
    for (let i = 0; i < n; i++) out[i] = toHit(reply[i]);
    return out;
  }

  async set(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: readonly string[],
    lifetimeMs: number,
  ): Promise<void> {
    const ns = this.keys.forNamespace(namespace);
    const n = tags.length;
    const args: (string | number | Buffer)[] = new Array(6 + 3 * n);
    let a = 0;
    args[a++] = ns.entryPrefix + key;
    args[a++] = ns.allKey;
    for (let i = 0; i < n; i++) args[a++] = ns.tagPrefix + tags[i];
    args[a++] = lifetimeMs;
    args[a++] = this.tagLifetimeMs;
    args[a++] = asBuffer(value);
    for (let i = 0; i < n; i++) args[a++] = tags[i]!;
    for (let i = 0; i <= n; i++) args[a++] = this.versions.take();
    try {
      await this.redis.tcSet(2 + n, ...args);
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

function toHit(item: unknown): Hit | undefined {
  if (!Array.isArray(item)) return undefined;
  return decodeEntry(item[1] as Buffer, item[0] as number);
}
