import type { ChainableCommander, Cluster, Redis } from "ioredis";
import type { Lookup, LookupResult } from "../../core/lookup.js";
import type { LeaseStore } from "../../core/lease-store.js";
import type { Store, StoreState } from "../../core/store.js";
import type { RelayListener, WatchRelay } from "../../core/watch-relay.js";
import { ConnectionState } from "./connection-state.js";
import { KeyScheme } from "../keys.js";
import { RandomVersions } from "./random-versions.js";
import { fromRedisError } from "./redis-errors.js";
import { replaceVersions } from "./replace-versions.js";
import { writeDurably, type Durability } from "./durable-write.js";
import { NearRelay } from "./near-relay.js";
import { defineScripts } from "./scripts.js";

/** What every Redis-backed store needs besides its connection. */
export interface StoreBaseOptions {
  /** Prefix of every key the store writes. */
  readonly keyPrefix: string;
  /** Least lifetime of a tag version, in ms (raised to that of its entries). */
  readonly tagLifetimeMs: number;
  /** Replication an Invalidate, Set or Delete waits for. */
  readonly durability: Durability;
}

/**
 * The part of the store that is the same on one Redis and on Redis Cluster:
 * connection state, Delete (one key), and Invalidate and InvalidateAll,
 * whose keys share the namespace's slot. Subclasses read and write entries;
 * every write waits for replicas as `base.durability` asks (writeDurably).
 */
export abstract class RedisStoreBase<C extends Redis | Cluster> implements Store {
  abstract readonly kind: string;
  abstract readonly leases: LeaseStore;
  protected readonly keys: KeyScheme;
  protected readonly versions = new RandomVersions();
  private readonly connection: ConnectionState;
  private closing = false;
  private relay: NearRelay | undefined;

  constructor(
    protected readonly redis: C,
    protected readonly base: StoreBaseOptions,
  ) {
    this.keys = new KeyScheme(base.keyPrefix);
    defineScripts(redis);
    this.connection = new ConnectionState(redis);
    // ioredis gives up for good ("end") when a reconnection is cut short,
    // as a Sentinel failover notice arriving mid-reconnect does: start over.
    redis.on("end", () => {
      if (this.closing) return;
      setTimeout(() => {
        if (!this.closing) redis.connect().catch(() => {});
      }, 200).unref();
    });
  }

  /** A new connection for the near-cache relay's pub/sub. */
  protected abstract openSubscriber(): Redis;

  /** Lets the commands issued in this event-loop turn leave in one socket write, where the store can. */
  protected holdWrites(): void {}

  /** The near-cache relay between the servers sharing this Redis; closed with the store. */
  openWatchRelay(leaseMs: number, listener: RelayListener): WatchRelay {
    this.relay?.close();
    this.relay = new NearRelay({
      redis: this.redis, openSubscriber: () => this.openSubscriber(), keys: this.keys,
      durability: this.base.durability, leaseMs, listener, holdWrites: () => this.holdWrites(),
    });
    return this.relay;
  }

  abstract get(namespace: string, key: string, tags: readonly string[]): Promise<LookupResult>;
  abstract getMany(namespace: string, lookups: readonly Lookup[]): Promise<LookupResult[]>;
  abstract set(namespace: string, key: string, value: Uint8Array, tags: readonly string[], lifetimeMs: number): Promise<void>;

  get state(): StoreState {
    return this.connection.state;
  }

  onStateChange(listener: (state: StoreState) => void): void {
    this.connection.onChange(listener);
  }

  onConnectionError(listener: (err: Error) => void): void {
    this.connection.onError(listener);
  }

  /** Resolves once connected, or after `timeoutMs` with false. */
  waitUntilReady(timeoutMs: number): Promise<boolean> {
    return this.connection.waitUntilReady(timeoutMs);
  }

  async delete(namespace: string, key: string): Promise<boolean> {
    try {
      const entryKey = this.keys.forNamespace(namespace).entryPrefix + key;
      const removed = await this.writeDurably("delete", () => this.redis.del(entryKey), (p) => p.del(entryKey));
      return removed === 1;
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  invalidate(namespace: string, tags: readonly string[]): Promise<void> {
    const ns = this.keys.forNamespace(namespace);
    return this.replace(tags.map((t) => ns.tagPrefix + t), tags.map((t) => ns.tagHistoryPrefix + t));
  }

  invalidateAll(namespace: string): Promise<void> {
    const ns = this.keys.forNamespace(namespace);
    return this.replace([ns.allKey], [ns.allHistoryKey]);
  }

  async close(): Promise<void> {
    this.closing = true;
    this.relay?.close();
    try {
      await this.redis.quit();
    } catch {
      // Closed anyway below.
    }
    // QUIT alone leaves ioredis's Sentinel failover watchers connected.
    this.redis.disconnect();
  }

  /** One write, made to survive a failover as configured (see writeDurably). */
  protected writeDurably<T>(
    what: string,
    direct: () => Promise<T>,
    queue: (pipeline: ChainableCommander) => ChainableCommander,
  ): Promise<T> {
    return writeDurably(this.redis, this.base.durability, what, direct, queue);
  }

  private replace(keys: string[], historyKeys: string[]): Promise<void> {
    return replaceVersions(this.redis, keys, historyKeys, this.base.tagLifetimeMs, this.versions, this.base.durability);
  }
}
