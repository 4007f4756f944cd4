import type { Cluster } from "ioredis";
import type { Guard, LeaseAttempt, LeaseStore, Watch } from "../../core/lease-store.js";
import type { Versions } from "../../core/lookup.js";
import { encodeEntry, parseEntry } from "../redis/entry-codec.js";
import type { KeyScheme, NamespaceKeys } from "../keys.js";
import { ensureVersions } from "../redis/ensure-versions.js";
import type { LeaseNotices } from "../redis/lease-notices.js";
import type { RandomVersions } from "../redis/random-versions.js";
import { fromRedisError } from "../redis/redis-errors.js";
import { bytes } from "../redis/script-args.js";
import { writeDurably, type Durability } from "../redis/durable-write.js";
import { clusterLeaseKey } from "./slot-tags.js";
import { VersionKeys } from "../redis/version-check.js";

const FOUND = 1;
const GRANTED = 2;
// Times an attempt looks again when the entry changed between its steps.
const MAX_LOOKS = 3;

/**
 * Leases and guarded Sets on Redis Cluster, with the guarantees of the
 * standalone RedisLeases. Each step touches one slot: the lease key sits in
 * its entry's slot (slot-tags.ts), the versions in the namespace's. A Set
 * checks the token and reads the versions to record first, then writes the
 * entry: an Invalidate in between leaves the entry under a replaced version,
 * so it misses; no order of events serves a stale value. See docs/design/replication.md.
 */
export class ClusterLeases implements LeaseStore {
  constructor(
    private readonly redis: Cluster,
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
    const entryKey = ns.entryPrefix + key;
    const leaseKey = this.leaseKey(namespace, key, entryKey);
    const id = Buffer.from(leaseId);
    try {
      let seen: Buffer | undefined;
      let reply: unknown[] = [];
      for (let look = 0; look < MAX_LOOKS; look++) {
        const args: (string | number | Buffer)[] = [entryKey, leaseKey, id, leaseMs];
        if (seen !== undefined) args.push(seen);
        reply = await this.redis.tcLeaseEntryBuffer(2, ...args);
        if (reply[0] !== FOUND) break;
        // An entry is there: usable only if its versions are current.
        const raw = reply[2] as Buffer;
        const layout = parseEntry(raw);
        if (layout === undefined) {
          seen = raw;
          continue;
        }
        const entry = { raw, ttlMs: reply[1] as number, layout };
        const versionKeys = new VersionKeys(ns);
        versionKeys.add(entry);
        const verdict = versionKeys.judge(entry, tags, await this.redis.mgetBuffer(...versionKeys.keys));
        if (verdict !== undefined && verdict !== "stale") return { state: "hit", hit: verdict };
        seen = raw.subarray(0, layout.valueAt);
      }
      const versions = await ensureVersions(this.redis, ns, tags, this.tagLifetimeMs, this.versions).catch(async (err: unknown) => {
        // Without a token the lease is of no use: let the next caller have it.
        if (reply[0] === GRANTED) await this.redis.tcRelease(1, leaseKey, id).catch(() => {});
        throw err;
      });
      if (reply[0] === GRANTED) return { state: "granted", versions };
      // The entry kept changing under us (MAX_LOOKS): report busy, look again.
      const left = reply[0] === FOUND ? 0 : (reply[1] as number);
      return { state: "busy", versions, leaseLeftMs: Math.max(0, left) };
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  async setGuarded(
    namespace: string,
    key: string,
    value: Uint8Array,
    tags: readonly string[],
    lifetimeMs: number,
    guard: Guard,
    graceMs = 0,
  ): Promise<boolean> {
    const ns = this.keys.forNamespace(namespace);
    const v = guard.versions;
    const keys = [ns.allKey, ...v.tags.map((t) => ns.tagPrefix + t), ns.allKey, ...tags.map((t) => ns.tagPrefix + t)];
    const args: (string | number | Buffer)[] = [v.tags.length, bytes(v.ns), ...v.tagVersions.map(bytes)];
    // The key outlives the entry's lifetime by its grace period.
    const keyMs = lifetimeMs === 0 ? 0 : lifetimeMs + graceMs;
    args.push(keyMs, this.tagLifetimeMs);
    for (let i = 0; i <= tags.length; i++) args.push(this.versions.take());
    const entryKey = ns.entryPrefix + key;
    try {
      const reply = await this.redis.tcCheckVersionsBuffer(keys.length, ...keys, ...args);
      const stored = Array.isArray(reply);
      // A refused Set without a lease has nothing left to do.
      if (!stored && guard.leaseId === undefined) return false;
      const entry = stored ? encodeEntry(reply, tags, value, graceMs) : "";
      const leaseKey = this.leaseKey(namespace, key, entryKey);
      const storeArgs = [entryKey, leaseKey, stored ? 1 : 0, bytes(guard.leaseId), entry, keyMs] as const;
      await writeDurably(this.redis, this.durability, "Set", () => this.redis.tcStoreEntry(2, ...storeArgs), (p) => p.tcStoreEntry(2, ...storeArgs));
      return stored;
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
    const entryKey = this.keys.forNamespace(namespace).entryPrefix + key;
    try {
      return (await this.redis.tcRelease(1, this.leaseKey(namespace, key, entryKey), Buffer.from(leaseId))) === 1;
    } catch (err) {
      throw fromRedisError(err);
    }
  }

  watch(namespace: string, key: string): Promise<Watch> {
    return this.notices.watch(this.leaseKey(namespace, key, this.keys.forNamespace(namespace).entryPrefix + key));
  }

  private leaseKey(namespace: string, key: string, entryKey: string): string {
    return clusterLeaseKey(this.keys, namespace, key, entryKey);
  }
}
