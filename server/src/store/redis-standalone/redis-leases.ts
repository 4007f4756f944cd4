import type { Redis } from "ioredis";
import type { Guard, LeaseAttempt, LeaseStore, Watch } from "../../core/lease-store.js";
import { decodeEntry } from "../redis/entry-codec.js";
import type { KeyScheme } from "../keys.js";
import type { LeaseNotices } from "../redis/lease-notices.js";
import type { RandomVersions } from "../redis/random-versions.js";
import { fromRedisError } from "../redis/redis-errors.js";
import { bytes } from "../redis/script-args.js";
import { writeDurably, type Durability } from "../redis/durable-write.js";
import { ensureVersions } from "../redis/ensure-versions.js";
import { setArgs } from "./set-args.js";
import { versionsCreated } from "./versions-reply.js";

const HIT = 1;
const GRANTED = 2;

/**
 * Leases and guarded Sets on Redis: the lease is a key holding the holder's
 * id with the lease lifetime as its TTL, so it is shared by every server and
 * ends by itself when its holder dies. One script call per attempt, Set or
 * Release; waiters listen on the lease key's pub/sub channel.
 */
export class RedisLeases implements LeaseStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeyScheme,
    private readonly versions: RandomVersions,
    private readonly tagLifetimeMs: number,
    private readonly notices: LeaseNotices,
    private readonly durability: Durability,
  ) {}

  async acquire(
    namespace: string,
    key: string,
    tags: readonly string[],
    leaseId: Uint8Array,
    leaseMs: number,
  ): Promise<LeaseAttempt> {
    const ns = this.keys.forNamespace(namespace);
    const n = tags.length;
    const args: (string | number | Buffer)[] = [ns.allKey, ns.entryPrefix + key, ns.leasePrefix + key];
    for (const t of tags) args.push(ns.tagPrefix + t);
    args.push(ns.tagPrefix, n, ...tags, Buffer.from(leaseId), leaseMs, this.tagLifetimeMs);
    for (let i = 0; i <= n; i++) args.push(this.versions.take());
    let reply: unknown[];
    try {
      reply = await this.redis.tcLeaseBuffer(3 + n, ...args);
    } catch (err) {
      throw fromRedisError(err);
    }
    if (reply[0] === HIT) {
      const hit = decodeEntry(reply[2] as Buffer, reply[1] as number);
      if (hit !== undefined) return { state: "hit", hit };
    }
    const versions = versionsCreated(reply[1] as Buffer, tags);
    if (reply[0] === GRANTED) return { state: "granted", versions };
    return { state: "busy", versions, leaseLeftMs: Math.max(0, reply[2] as number) };
  }

  async setGuarded(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: readonly string[],
    lifetimeMs: number,
    guard: Guard,
  ): Promise<boolean> {
    const ns = this.keys.forNamespace(namespace);
    const v = guard.versions;
    const keys: string[] = [ns.leasePrefix + key, ns.allKey, ...v.tags.map((t) => ns.tagPrefix + t)];
    const args: (string | number | Buffer)[] = [v.tags.length, bytes(guard.leaseId), bytes(v.ns)];
    for (const tv of v.tagVersions) args.push(bytes(tv));
    const set = setArgs(ns, key, value, tags, lifetimeMs, this.tagLifetimeMs, this.versions);
    try {
      const all = [...keys, ...set.keys, ...args, ...set.argv];
      const n = keys.length + set.numKeys;
      const stored = await writeDurably(this.redis, this.durability, "Set", () => this.redis.tcSetGuarded(n, ...all), (p) => p.tcSetGuarded(n, ...all));
      return stored === 1;
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  async createVersions(namespace: string, tags: readonly string[]): Promise<void> {
    try {
      await ensureVersions(this.redis, this.keys.forNamespace(namespace), tags, this.tagLifetimeMs, this.versions);
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  async release(namespace: string, key: string, leaseId: Uint8Array): Promise<boolean> {
    try {
      const key_ = this.keys.forNamespace(namespace).leasePrefix + key;
      return (await this.redis.tcRelease(1, key_, Buffer.from(leaseId))) === 1;
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  watch(namespace: string, key: string): Promise<Watch> {
    return this.notices.watch(this.keys.forNamespace(namespace).leasePrefix + key);
  }
}
