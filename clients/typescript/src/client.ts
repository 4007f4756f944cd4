import { once } from "node:events";
import { create } from "@bufbuild/protobuf";
import {
  Client,
  credentials as grpcCredentials,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type ChannelOptions,
  type ClientDuplexStream,
} from "@grpc/grpc-js";
import { TaggedCacheError } from "./errors.js";
import {
  DeleteRequestSchema,
  GetManyRequestSchema,
  GetRequestSchema,
  InvalidateAllRequestSchema,
  InvalidateRequestSchema,
  SetRequestSchema,
  type GetManyRequest,
  type GetManyResponse,
  type GetResponse,
} from "./gen/taggedcache/v1/tagged_cache_pb.js";
import { METHODS, type Method } from "./methods.js";

/** Options of a TaggedCacheClient. */
export interface ClientOptions {
  /** Namespace of every call; default "default". */
  namespace?: string;
  /** Channel credentials; default insecure (plaintext). For TLS: `credentials.createSsl(ca, key, cert)`. */
  credentials?: ChannelCredentials;
  /** Bearer token sent as `authorization` metadata with every call. */
  token?: string;
  /** Deadline of each call in ms; default 5000. Streams have none by default. */
  deadlineMs?: number;
  /** Extra grpc-js channel options. */
  channelOptions?: ChannelOptions;
}

/** A cache entry as read. */
export interface Entry {
  readonly value: Uint8Array;
  /** The tags the entry was stored with, sorted. */
  readonly tags: readonly string[];
  /** Remaining lifetime in ms; undefined when it never expires. */
  readonly ttlMs: number | undefined;
}

/** A lookup: a key, and optionally the exact tag set the entry must have. */
export interface Lookup {
  key: string;
  tags?: string[];
}

/** Options of a write. */
export interface SetOptions {
  tags?: string[];
  /** Lifetime in ms; absent: the server's default; 0: no expiry. */
  lifetimeMs?: number;
}

function toEntry(r: GetResponse): Entry | undefined {
  if (!r.hit) return undefined;
  return { value: r.value, tags: r.tags, ttlMs: r.ttlMs === undefined ? undefined : Number(r.ttlMs) };
}

/** A typed, Promise-based client of one TaggedCache server. */
export class TaggedCacheClient {
  readonly namespace: string;
  private readonly client: Client;
  private readonly deadlineMs: number;
  private readonly token: string | undefined;

  constructor(address: string, options: ClientOptions = {}) {
    this.namespace = options.namespace ?? "";
    this.token = options.token;
    this.deadlineMs = options.deadlineMs ?? 5000;
    this.client = new Client(
      address,
      options.credentials ?? grpcCredentials.createInsecure(),
      options.channelOptions ?? {},
    );
  }

  /** Reads an entry with its metadata; undefined on a miss. */
  async getEntry(key: string, options: { tags?: string[] } = {}): Promise<Entry | undefined> {
    const req = create(GetRequestSchema, { namespace: this.namespace, key, tags: options.tags ?? [] });
    return toEntry(await this.unary<GetResponse>(METHODS.get, req));
  }

  /** Reads a value; undefined on a miss. */
  async get(key: string, options: { tags?: string[] } = {}): Promise<Uint8Array | undefined> {
    return (await this.getEntry(key, options))?.value;
  }

  /** Stores a value. */
  async set(key: string, value: Uint8Array, options: SetOptions = {}): Promise<boolean> {
    const req = create(SetRequestSchema, {
      namespace: this.namespace,
      key,
      value,
      tags: options.tags ?? [],
      lifetimeMs: options.lifetimeMs === undefined ? undefined : BigInt(options.lifetimeMs),
    });
    return (await this.unary<{ stored: boolean }>(METHODS.set, req)).stored;
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
   * order, with an entry or undefined per lookup. Batches are sent as fast as
   * the stream accepts them.
   */
  async *getManyStream(
    batches: Iterable<(string | Lookup)[]> | AsyncIterable<(string | Lookup)[]>,
    options: { deadlineMs?: number } = {},
  ): AsyncGenerator<(Entry | undefined)[]> {
    const call = this.client.makeBidiStreamRequest(
      METHODS.getMany.path,
      METHODS.getMany.serialize,
      METHODS.getMany.deserialize,
      this.metadata(),
      this.callOptions(options.deadlineMs ?? 0),
    ) as ClientDuplexStream<GetManyRequest, GetManyResponse>;
    const writing = this.writeBatches(call, batches);
    try {
      for await (const res of call as AsyncIterable<GetManyResponse>) {
        yield res.results.map(toEntry);
      }
    } catch (err) {
      throw TaggedCacheError.from(err);
    } finally {
      call.cancel();
    }
    await writing;
  }

  /** Looks up many keys; the Map holds the hits only. */
  async getMany(lookups: (string | Lookup)[], batchSize = 500): Promise<Map<string, Entry>> {
    const batches: (string | Lookup)[][] = [];
    for (let i = 0; i < lookups.length; i += batchSize) batches.push(lookups.slice(i, i + batchSize));
    const hits = new Map<string, Entry>();
    let b = 0;
    for await (const results of this.getManyStream(batches)) {
      const batch = batches[b++]!;
      results.forEach((entry, i) => {
        const l = batch[i]!;
        if (entry !== undefined) hits.set(typeof l === "string" ? l : l.key, entry);
      });
    }
    return hits;
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }

  private async writeBatches(
    call: ClientDuplexStream<GetManyRequest, GetManyResponse>,
    batches: Iterable<(string | Lookup)[]> | AsyncIterable<(string | Lookup)[]>,
  ): Promise<void> {
    let id = 0n;
    try {
      for await (const batch of batches) {
        const items = batch.map((l) => (typeof l === "string" ? { key: l } : { key: l.key, tags: l.tags ?? [] }));
        const msg = create(GetManyRequestSchema, { namespace: this.namespace, items, batchId: id++ });
        if (!call.write(msg)) await once(call, "drain");
      }
      call.end();
    } catch {
      // The reading side reports the stream's failure.
      call.cancel();
    }
  }

  private metadata(): Metadata {
    const md = new Metadata();
    if (this.token !== undefined) md.set("authorization", `Bearer ${this.token}`);
    return md;
  }

  private callOptions(deadlineMs = this.deadlineMs): CallOptions {
    return deadlineMs > 0 ? { deadline: Date.now() + deadlineMs } : {};
  }

  private unary<T>(method: Method, req: unknown): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.client.makeUnaryRequest(
        method.path,
        method.serialize,
        method.deserialize,
        req,
        this.metadata(),
        this.callOptions(),
        (err, res) => (err ? reject(TaggedCacheError.from(err)) : resolve(res as T)),
      );
    });
  }
}
