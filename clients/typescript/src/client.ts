import { create } from "@bufbuild/protobuf";
import { Client, Metadata, type CallOptions, type ClientDuplexStream } from "@grpc/grpc-js";
import { cached, type Cached, type CachedOptions } from "./cached.js";
import { cachedMethod, type MethodDecorator } from "./decorator.js";
import { TaggedCacheError } from "./errors.js";
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
import { collectHits, getManyStream, type Batches } from "./get-many.js";
import type { Hooks, Logger } from "./hooks.js";
import { METHODS, type Method } from "./methods.js";
import { channelCredentials, channelOptions, pickSerializer, type ClientOptions } from "./options.js";
import { retryPolicy, withRetry, type RetryPolicy } from "./retry.js";
import type { Serializer } from "./serializers.js";
import type {
  Entry,
  GetOptions,
  GetValueOptions,
  LeaseOption,
  Lookup,
  ReadOptions,
  ReadResult,
  SetOptions,
  SetValueOptions,
} from "./types.js";

function toEntry(r: GetResponse): Entry | undefined {
  if (!r.hit) return undefined;
  return { value: r.value, tags: r.tags, ttlMs: r.ttlMs === undefined ? undefined : Number(r.ttlMs) };
}

function leaseOptions(lease: LeaseOption | undefined) {
  if (lease === undefined || lease === false) return undefined;
  const o = lease === true ? {} : lease;
  return {
    lifetimeMs: o.lifetimeMs === undefined ? undefined : BigInt(o.lifetimeMs),
    waitMs: o.waitMs === undefined ? undefined : BigInt(o.waitMs),
  };
}

const nonEmpty = (b: Uint8Array): Uint8Array | undefined => (b.length > 0 ? b : undefined);

/**
 * A typed, Promise-based client of one TaggedCache server. Low level:
 * get/set/delete/invalidate/getMany on bytes, errors thrown as
 * TaggedCacheError. Values: getValue/setValue with a serializer (JSON by
 * default). High level: cached() and decorator(), where a failing cache
 * behaves as a miss.
 */
export class TaggedCacheClient {
  readonly namespace: string;
  /** The client's serializer (JSON unless given). */
  readonly serializer: Serializer;
  /** Hooks of cached() and the decorator. */
  readonly hooks: Hooks;
  /** Where the high level reports failures; undefined: nowhere. */
  readonly logger: Logger | undefined;
  private readonly client: Client;
  private readonly deadlineMs: number;
  private readonly retry: RetryPolicy;
  private readonly token: string | undefined;

  constructor(address: string, options: ClientOptions = {}) {
    this.namespace = options.namespace ?? "";
    this.deadlineMs = options.deadlineMs ?? 5000;
    this.retry = retryPolicy(options.retry);
    this.token = options.token;
    this.serializer = pickSerializer(options.serializer, undefined);
    this.hooks = options.hooks ?? {};
    this.logger = options.logger === null ? undefined : (options.logger ?? console);
    this.client = new Client(address, channelCredentials(options), channelOptions(options));
  }

  /** Reads an entry with its metadata; undefined on a miss. */
  async getEntry(key: string, options: GetOptions = {}): Promise<Entry | undefined> {
    return (await this.read(key, options)).entry;
  }

  /** Reads a value; undefined on a miss. */
  async get(key: string, options: GetOptions = {}): Promise<Uint8Array | undefined> {
    return (await this.read(key, options)).entry?.value;
  }

  /**
   * Reads an entry; on a miss, returns the version token and, when asked for,
   * takes the key's lease or waits for its holder's value.
   */
  async read(key: string, options: ReadOptions = {}): Promise<ReadResult> {
    const req = create(GetRequestSchema, {
      namespace: this.namespace,
      key,
      tags: options.tags ?? [],
      lease: leaseOptions(options.lease),
    });
    const r = await this.unary<GetResponse>(METHODS.get, req, options.deadlineMs);
    return {
      entry: toEntry(r),
      versionToken: nonEmpty(r.versionToken),
      leaseToken: nonEmpty(r.leaseToken),
      leaseLifetimeMs: r.leaseLifetimeMs === undefined ? undefined : Number(r.leaseLifetimeMs),
      waited: r.waited,
    };
  }

  /**
   * Stores a value. Resolves false when the server refused it because a
   * version in the token changed since the read (the value may be stale).
   */
  async set(key: string, value: Uint8Array, options: SetOptions = {}): Promise<boolean> {
    const req = create(SetRequestSchema, {
      namespace: this.namespace,
      key,
      value,
      tags: options.tags ?? [],
      lifetimeMs: options.lifetimeMs === undefined ? undefined : BigInt(options.lifetimeMs),
      versionToken: options.versionToken,
      leaseToken: options.leaseToken,
    });
    return (await this.unary<{ stored: boolean }>(METHODS.set, req)).stored;
  }

  /** Gives up a lease, so waiters proceed at once; true when it was still held. */
  async release(key: string, leaseToken: Uint8Array): Promise<boolean> {
    const req = create(ReleaseRequestSchema, { namespace: this.namespace, key, leaseToken });
    return (await this.unary<{ released: boolean }>(METHODS.release, req)).released;
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

  /** Serializes and stores a value; false when it cannot be serialized, or was refused. */
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
  async delete(key: string): Promise<boolean> {
    const req = create(DeleteRequestSchema, { namespace: this.namespace, key });
    return (await this.unary<{ deleted: boolean }>(METHODS.delete, req)).deleted;
  }

  /** Makes every entry carrying any of the tags miss. */
  async invalidate(...tags: string[]): Promise<void> {
    await this.unary(METHODS.invalidate, create(InvalidateRequestSchema, { namespace: this.namespace, tags }));
  }

  /** Makes every entry of the namespace miss. */
  async invalidateAll(): Promise<void> {
    await this.unary(METHODS.invalidateAll, create(InvalidateAllRequestSchema, { namespace: this.namespace }));
  }

  /**
   * Looks up batches over one GetMany stream: yields one array per batch, in
   * order, with an entry or undefined per lookup.
   */
  async *getManyStream(batches: Batches, options: { deadlineMs?: number } = {}): AsyncGenerator<(Entry | undefined)[]> {
    const call = this.client.makeBidiStreamRequest(
      METHODS.getMany.path,
      METHODS.getMany.serialize,
      METHODS.getMany.deserialize,
      this.metadata(),
      this.callOptions(Date.now() + (options.deadlineMs ?? 0), options.deadlineMs ?? 0),
    ) as ClientDuplexStream<GetManyRequest, GetManyResponse>;
    yield* getManyStream(call, this.namespace, batches, toEntry);
  }

  /** Looks up many keys; the Map holds the hits only. */
  getMany(lookups: (string | Lookup)[], batchSize = 500): Promise<Map<string, Entry>> {
    return collectHits(lookups, batchSize, (batches) => this.getManyStream(batches));
  }

  /**
   * Wraps `fn` in the cache: same arguments, a Promise of the same result.
   * See CachedOptions; a failing cache never breaks the call.
   */
  cached<A extends unknown[], R>(fn: (...args: A) => R, options: CachedOptions<A> = {}): Cached<A, R> {
    return cached(this, fn, options);
  }

  /** A standard (TypeScript 5+) method decorator with cached()'s options. */
  decorator<A extends unknown[]>(options: CachedOptions<A> = {}): MethodDecorator<A> {
    return cachedMethod(this, options);
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }

  private metadata(): Metadata {
    const md = new Metadata();
    if (this.token !== undefined) md.set("authorization", `Bearer ${this.token}`);
    return md;
  }

  private callOptions(deadline: number, deadlineMs: number): CallOptions {
    return deadlineMs > 0 ? { deadline } : {};
  }

  private unary<T>(method: Method, req: unknown, deadlineMs = this.deadlineMs): Promise<T> {
    const deadline = deadlineMs > 0 ? Date.now() + deadlineMs : Infinity;
    const once = () =>
      new Promise<T>((resolve, reject) => {
        this.client.makeUnaryRequest(
          method.path,
          method.serialize,
          method.deserialize,
          req,
          this.metadata(),
          this.callOptions(deadline, deadlineMs),
          (err, res) => (err ? reject(TaggedCacheError.from(err)) : resolve(res as T)),
        );
      });
    return withRetry(this.retry, deadline, once);
  }
}
