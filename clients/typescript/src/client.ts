import { create } from "@bufbuild/protobuf";
import type { CallOptions } from "./call-options.js";
import { cached, type Cached, type CachedOptions } from "./cached.js";
import { Channel } from "./channel.js";
import { cachedMethod, type MethodDecorator } from "./decorator.js";
import { timeoutMs, toMsBigInt, type Duration } from "./duration.js";
import {
  DeleteRequestSchema,
  GetRequestSchema,
  InvalidateAllRequestSchema,
  InvalidateRequestSchema,
  ReleaseRequestSchema,
  SetRequestSchema,
  type GetManyRequest,
  type GetManyResponse,
  type GetResponse,
} from "./gen/taggedcache/v1/tagged_cache_pb.js";
import { allMisses, collectHits, getManyStream, type Batches } from "./get-many.js";
import { getOrSet, type GetOrSetOptions } from "./get-or-set.js";
import { runHook, type Hooks, type Logger } from "./hooks.js";
import { KeyNames } from "./key-names.js";
import { METHODS } from "./methods.js";
import { isDisabled, pickSerializer, type ClientOptions } from "./options.js";
import type { NearCacheStats } from "./near-cache.js";
import { nearGetMany, nearRead } from "./near-reads.js";
import { NearCache } from "./near-watch.js";
import { leaseRequest, toEntry, toReadResult } from "./responses.js";
import type { Serializer } from "./serializers.js";
import type {
  Entry,
  GetOptions,
  GetValueOptions,
  Lookup,
  ReadOptions,
  ReadResult,
  SetManyItem,
  SetOptions,
  SetValueOptions,
} from "./types.js";

// The near-cache of each channel, shared by the namespace views of a client.
const NEAR = new WeakMap<Channel, NearCache>();

/** Options of getMany(). */
export interface GetManyOptions extends CallOptions {
  /** Keys per stream message; default 500 (the server's limit is 1000 by default). */
  batchSize?: number;
  /** Accept stale values, as GetOptions.graceMs, for every lookup. */
  graceMs?: Duration;
}

/**
 * A typed, Promise-based client of a TaggedCache server. Low level:
 * get/set/delete/invalidate/getMany on bytes, failures thrown as
 * TaggedCacheError subclasses. Values: getValue/setValue with a serializer
 * (JSON by default). High level: getOrSet(), cached() and decorator(), where
 * a failing cache behaves as a miss. Every method takes CallOptions
 * (timeout or deadline, AbortSignal, metadata).
 */
export class TaggedCacheClient {
  /** The namespace of every call ("" is the server's "default"). */
  readonly namespaceName: string;
  /** The client's serializer (JSON unless given). */
  readonly serializer: Serializer;
  /** Hooks of the high level. */
  readonly hooks: Hooks;
  /** Where the high level reports failures; undefined: nowhere. */
  readonly logger: Logger | undefined;
  private readonly channel: Channel;
  private readonly names = new KeyNames();
  private readonly near: NearCache | undefined;
  private readonly nearNamespace: string;

  /**
   * A client of the server at `address` (`host:port`, or any grpc-js
   * target). The channel connects on the first call.
   */
  constructor(address: string, options?: ClientOptions);
  constructor(address: string | Channel, options: ClientOptions = {}) {
    const defaultMs = timeoutMs(options.timeoutMs ?? options.deadlineMs, "timeoutMs") ?? 5000;
    this.channel = typeof address === "string" ? new Channel(address, options, isDisabled(options), defaultMs) : address;
    this.namespaceName = options.namespace ?? "";
    this.serializer = pickSerializer(options.serializer, undefined);
    this.hooks = options.hooks ?? {};
    this.logger = options.logger ?? undefined;
    if (typeof address === "string" && options.nearCache !== undefined && !this.channel.disabled) {
      const hooks = this.hooks;
      const logger = this.logger;
      NEAR.set(this.channel, new NearCache(this.channel, options.nearCache, (e) => {
        if (hooks.onNearCache !== undefined) runHook(logger, "onNearCache", () => hooks.onNearCache!(e));
      }));
    }
    this.near = NEAR.get(this.channel);
    this.nearNamespace = this.namespaceName === "" ? "default" : this.namespaceName;
  }

  /** Counters of the near-cache (hits, misses, evictions, drops, size); undefined without one. */
  get nearCacheStats(): NearCacheStats | undefined {
    return this.near === undefined ? undefined : { ...this.near.stats };
  }

  /** True when caching is off (option `disabled` or TAGGEDCACHE_DISABLED=1): reads miss, writes do nothing. */
  get disabled(): boolean {
    return this.channel.disabled;
  }

  /**
   * A view of the same server in namespace `name`, sharing this client's
   * channel, serializer, hooks and logger. Closing any view closes them all.
   */
  namespace(name: string): TaggedCacheClient {
    const o: ClientOptions = { namespace: name, serializer: this.serializer, hooks: this.hooks, logger: this.logger };
    return new (TaggedCacheClient as unknown as new (c: Channel, o: ClientOptions) => TaggedCacheClient)(this.channel, o);
  }

  /**
   * Reads an entry; on a miss, returns the version token and, when asked for,
   * takes the key's lease or waits for its holder's value.
   */
  async read(key: string, options: ReadOptions = {}): Promise<ReadResult> {
    const remote = async () => {
      const req = create(GetRequestSchema, {
        namespace: this.namespaceName, key, tags: [...(options.tags ?? [])], lease: leaseRequest(options.lease),
        graceMs: toMsBigInt(options.graceMs, "graceMs"),
      });
      return toReadResult(await this.channel.unary<GetResponse>(METHODS.get, req, options));
    };
    // A read with grace may be answered stale: it bypasses the near-cache,
    // which holds and serves only current values.
    const near = options.graceMs === undefined ? this.near : undefined;
    return near === undefined ? remote() : nearRead(near, this.nearNamespace, key, options.tags, remote);
  }

  /** Reads an entry with its metadata; undefined on a miss. */
  async getEntry(key: string, options: GetOptions = {}): Promise<Entry | undefined> {
    return (await this.read(key, options)).entry;
  }

  /** Reads a value's bytes; undefined on a miss. */
  async get(key: string, options: GetOptions = {}): Promise<Uint8Array | undefined> {
    return (await this.read(key, options)).entry?.value;
  }

  /** True when the key has a valid entry (with exactly `tags`, if given). It reads the value too. */
  async has(key: string, options: GetOptions = {}): Promise<boolean> {
    return (await this.read(key, options)).entry !== undefined;
  }

  /**
   * Stores bytes. Resolves false when nothing was stored: the server refused
   * it because a version in the token changed since the read (the value may
   * be stale), or the client is disabled.
   */
  async set(key: string, value: Uint8Array, options: SetOptions = {}): Promise<boolean> {
    const req = create(SetRequestSchema, {
      namespace: this.namespaceName, key, value, tags: [...(options.tags ?? [])],
      lifetimeMs: toMsBigInt(options.lifetimeMs, "lifetimeMs"), versionToken: options.versionToken, leaseToken: options.leaseToken,
      graceMs: toMsBigInt(options.graceMs, "graceMs"),
    });
    return (await this.channel.unary<{ stored: boolean }>(METHODS.set, req, options)).stored;
  }

  /** Stores many entries, concurrently over the one channel; resolves to set()'s result for each, in order. */
  setMany(items: readonly SetManyItem[], options: CallOptions = {}): Promise<boolean[]> {
    return Promise.all(items.map((i) => this.set(i.key, i.value, { ...options, tags: i.tags, lifetimeMs: i.lifetimeMs })));
  }

  /** Gives up a lease, so waiters proceed at once; true when it was still held. */
  async release(key: string, leaseToken: Uint8Array, options: CallOptions = {}): Promise<boolean> {
    const req = create(ReleaseRequestSchema, { namespace: this.namespaceName, key, leaseToken });
    return (await this.channel.unary<{ released: boolean }>(METHODS.release, req, options)).released;
  }

  /** Reads and deserializes a value; undefined on a miss or when it cannot be deserialized. */
  async getValue<T = unknown>(key: string, options: GetValueOptions = {}): Promise<T | undefined> {
    const bytes = await this.get(key, options);
    if (bytes === undefined) return undefined;
    try {
      return pickSerializer(options.serializer, this.serializer).deserialize(bytes) as T;
    } catch {
      return undefined;
    }
  }

  /** Serializes and stores a value; false when it cannot be serialized, or was not stored. */
  async setValue(key: string, value: unknown, options: SetValueOptions = {}): Promise<boolean> {
    let bytes: Uint8Array | undefined;
    try {
      bytes = pickSerializer(options.serializer, this.serializer).serialize(value);
    } catch {
      return false;
    }
    return bytes === undefined ? false : this.set(key, bytes, options);
  }

  /** Removes an entry; true when one was there. */
  async delete(key: string, options: CallOptions = {}): Promise<boolean> {
    const req = create(DeleteRequestSchema, { namespace: this.namespaceName, key });
    return (await this.channel.unary<{ deleted: boolean }>(METHODS.delete, req, options)).deleted;
  }

  /** Removes many entries concurrently; resolves to delete()'s result for each, in order. */
  deleteMany(keys: readonly string[], options: CallOptions = {}): Promise<boolean[]> {
    return Promise.all(keys.map((k) => this.delete(k, options)));
  }

  /** Makes every entry carrying any of the tags miss, in O(1). */
  invalidate(tags: string | readonly string[], options?: CallOptions): Promise<void>;
  /** @deprecated variadic form, kept for existing callers: `invalidate(["a", "b"])` takes options too. */
  invalidate(...tags: string[]): Promise<void>;
  async invalidate(...args: (string | readonly string[] | CallOptions | undefined)[]): Promise<void> {
    // Tags are strings, options an object: the two forms cannot be confused.
    const [first, second] = args;
    const tags = Array.isArray(first) ? (first as string[]) : (args.filter((a) => typeof a === "string") as string[]);
    const options = (Array.isArray(first) || typeof second === "object" ? second : undefined) as CallOptions | undefined;
    const req = create(InvalidateRequestSchema, { namespace: this.namespaceName, tags: [...tags] });
    await this.channel.unary(METHODS.invalidate, req, options);
  }

  /** Makes every entry of the namespace miss, in O(1). */
  async invalidateAll(options: CallOptions = {}): Promise<void> {
    await this.channel.unary(METHODS.invalidateAll, create(InvalidateAllRequestSchema, { namespace: this.namespaceName }), options);
  }

  /**
   * Looks up batches over one GetMany stream: yields one array per batch, in
   * order, with an entry or undefined per lookup. The client's deadline
   * covers the whole stream unless `timeoutMs` or `deadline` says otherwise
   * (`timeoutMs: 0` for a stream without end); leaving the loop early
   * cancels the stream.
   */
  async *getManyStream(batches: Batches, options: CallOptions & { graceMs?: Duration } = {}): AsyncGenerator<(Entry | undefined)[]> {
    if (this.channel.disabled) return yield* allMisses(batches);
    const graceMs = toMsBigInt(options.graceMs, "graceMs");
    const call = this.channel.bidi<GetManyRequest, GetManyResponse>(METHODS.getMany, options);
    yield* getManyStream(call, { namespace: this.namespaceName, graceMs }, batches, toEntry, (err) => this.channel.streamFailure(err, options));
  }

  /** Looks up many keys over one stream, under one deadline; the Map holds the hits only. */
  getMany(lookups: readonly (string | Lookup)[], options: GetManyOptions | number = {}): Promise<Map<string, Entry>> {
    const o = typeof options === "number" ? { batchSize: options } : options;
    const remote = (l: readonly (string | Lookup)[]) => collectHits(l, o.batchSize ?? 500, (batches) => this.getManyStream(batches, o));
    // As read(): a lookup with grace may be answered stale, so it bypasses the near-cache.
    const near = (o as { graceMs?: Duration }).graceMs === undefined ? this.near : undefined;
    return near === undefined ? remote(lookups) : nearGetMany(near, this.nearNamespace, lookups, remote);
  }

  /**
   * The value under `key`, or on a miss the factory's result, stored with
   * the tags and lifetime given. A failing cache never breaks the call: the
   * factory runs and the error goes to the onError hooks. See GetOrSetOptions.
   */
  getOrSet<T>(options: GetOrSetOptions<T>): Promise<Awaited<T>> {
    return getOrSet(this, options);
  }

  /**
   * Wraps `fn` in the cache: same arguments, a Promise of the same result.
   * The default key is `name(JSON of the arguments)`; see CachedOptions.
   */
  cached<A extends unknown[], R>(fn: (...args: A) => R, options: CachedOptions<A> = {}): Cached<A, R> {
    return cached(this, this.names, fn, options);
  }

  /** A method decorator with cached()'s options, standard or `experimentalDecorators`. */
  decorator<A extends unknown[]>(options: CachedOptions<A> = {}): MethodDecorator<A> {
    return cachedMethod(this, options);
  }

  /** Closes the channel, for this client and every namespace view of it (emptying the near-cache first). */
  close(): void {
    this.near?.close();
    this.channel.close();
  }
}
