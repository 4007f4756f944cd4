import { create } from "@bufbuild/protobuf";
import type { ClientDuplexStream } from "@grpc/grpc-js";
import type { Channel } from "./channel.js";
import {
  WatchEventKind,
  WatchRequestSchema,
  type WatchResponse,
  type WatchRequest,
} from "./gen/taggedcache/v1/tagged_cache_pb.js";
import { METHODS } from "./methods.js";
import type { NearCacheOptions } from "./options.js";
import { NearEntries, type NearCacheEvent, type NearCacheStats } from "./near-cache.js";
import type { Entry } from "./types.js";

/** Taken before a remote read: its result may enter the near-cache only if nothing changed it since. */
export interface Ticket {
  readonly epoch: number;
  /** Changes of the namespace seen before the read was sent. */
  readonly mark: number;
  readonly sentAt: number;
}

/** The recent changes of one namespace, for admitting reads that crossed them. */
interface ChangeLog {
  /** Changes seen in all; `recent` holds the last ones, numbered seen - recent.length + 1 .. seen. */
  seen: number;
  readonly recent: WatchResponse[];
}

// Changes remembered per namespace; a read that crossed more is not kept.
const LOG_LENGTH = 64;

// Whether a change may affect an entry of `key` carrying `tags`.
function affects(e: WatchResponse, key: string, tags: readonly string[]): boolean {
  if (e.kind === WatchEventKind.KEYS) return e.keys.includes(key);
  if (e.kind === WatchEventKind.TAGS) return e.tags.some((t) => tags.includes(t));
  return true;
}

type Call = ClientDuplexStream<WatchRequest, WatchResponse>;

const now = () => performance.now();
const MAX_BACKOFF_MS = 5000;

/**
 * The near-cache of a client: entries in process memory, trusted only while
 * the lease of the Watch stream is fresh. The lease runs from when the client
 * sent the heartbeat the server's answer renews, on this process's monotonic
 * clock, so the client's lease always ends before the server stops waiting
 * for its acknowledgements. A change drops the entries it affects before it
 * is acknowledged; a lost stream empties everything.
 */
export class NearCache {
  readonly entries: NearEntries;
  private call: Call | undefined;
  private epoch = 0;
  private leaseUntil = 0;
  private leaseMs = 0;
  private nextHeartbeat = 1n;
  // heartbeat id → when it was sent and the namespaces it subscribed
  private readonly heartbeats = new Map<bigint, { sentAt: number; namespaces: string[] }>();
  private readonly wanted = new Set<string>();
  private readonly confirmed = new Set<string>();
  private readonly logs = new Map<string, ChangeLog>();
  private ackSeq = 0n;
  private ackScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private backoffMs = 100;
  private closed = false;

  constructor(
    private readonly channel: Channel,
    private readonly options: NearCacheOptions,
    private readonly report: (e: NearCacheEvent) => void,
  ) {
    if (!(options.maxBytes > 0)) throw new RangeError(`nearCache.maxBytes: must be a positive number (got ${options.maxBytes})`);
    this.entries = new NearEntries(options.maxBytes, report);
  }

  /** Counters of hits, misses, evictions and drops, and what is held now. */
  get stats(): NearCacheStats {
    return this.entries.stats;
  }

  /** True while near hits may be served. */
  get fresh(): boolean {
    return now() < this.leaseUntil;
  }

  /** A near hit, or undefined (counted as a miss). */
  lookup(ns: string, key: string, tags: readonly string[] | undefined): Entry | undefined {
    const t = now();
    const entry = t < this.leaseUntil ? this.entries.get(ns, key, tags, t) : undefined;
    if (entry === undefined) {
      this.entries.stats.misses++;
      this.report({ kind: "miss", namespace: ns, count: 1 });
    } else {
      this.entries.stats.hits++;
      this.report({ kind: "hit", namespace: ns, count: 1 });
    }
    return entry;
  }

  /**
   * Call before sending a remote read of `ns`; undefined while the namespace
   * is not yet subscribed on the current stream (its reads cannot be kept).
   */
  ticket(ns: string): Ticket | undefined {
    if (this.closed) return undefined;
    if (!this.wanted.has(ns)) this.subscribe(ns);
    if (!this.confirmed.has(ns)) return undefined;
    return { epoch: this.epoch, mark: this.logs.get(ns)?.seen ?? 0, sentAt: now() };
  }

  /**
   * Keeps a remote read's entry, unless the stream changed since the ticket
   * or a change that may affect the entry came meanwhile (it may have been
   * applied before the read, or after: the reply cannot tell).
   */
  admit(ticket: Ticket | undefined, ns: string, key: string, entry: Entry): void {
    if (ticket === undefined || ticket.epoch !== this.epoch) return;
    const log = this.logs.get(ns);
    if (log !== undefined && log.seen > ticket.mark) {
      const crossed = log.seen - ticket.mark;
      if (crossed > log.recent.length) return;
      for (let i = log.recent.length - crossed; i < log.recent.length; i++) if (affects(log.recent[i]!, key, entry.tags)) return;
    }
    this.entries.put(ns, key, entry, ticket.sentAt);
  }

  /** Empties the near-cache, then ends the stream cleanly, so writers stop waiting for this client at once. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.reset();
    const call = this.call;
    this.call = undefined;
    call?.end();
  }

  private subscribe(ns: string): void {
    this.wanted.add(ns);
    if (this.call === undefined) this.open();
    else this.send([ns]);
  }

  private open(): void {
    if (this.closed || this.call !== undefined) return;
    const call = this.channel.bidi<WatchRequest, WatchResponse>(METHODS.watch, { timeoutMs: 0 });
    this.call = call;
    call.on("data", (e: WatchResponse) => this.onEvent(call, e));
    // Any end of the stream, clean or not, makes every entry untrustworthy.
    call.on("error", () => this.lost(call));
    call.on("end", () => this.lost(call));
    call.on("status", () => this.lost(call));
    this.send([...this.wanted]);
    this.tick();
  }

  private send(subscribe: string[]): void {
    const id = this.nextHeartbeat++;
    this.heartbeats.set(id, { sentAt: now(), namespaces: subscribe });
    this.call?.write(create(WatchRequestSchema, { subscribe, heartbeatId: id }));
  }

  // Heartbeats; also notices a stream gone silent: a heartbeat unanswered
  // for a whole lease after the lease lapsed means the server dropped us.
  private tick(): void {
    clearTimeout(this.timer);
    if (this.closed || this.call === undefined) return;
    const oldest = this.heartbeats.values().next().value;
    if (oldest !== undefined && now() > this.leaseUntil && now() - oldest.sentAt > Math.max(this.leaseMs, 1000)) {
      return this.lost(this.call);
    }
    this.send([]);
    const period = this.options.heartbeatMs ?? (this.leaseMs > 0 ? this.leaseMs / 4 : 250);
    this.timer = setTimeout(() => this.tick(), period);
    this.timer.unref();
  }

  private onEvent(call: Call, e: WatchResponse): void {
    if (call !== this.call) return;
    if (e.kind === WatchEventKind.HEARTBEAT) return this.renewed(e.heartbeatId, Number(e.leaseMs));
    const ns = e.namespace;
    if (e.kind === WatchEventKind.KEYS) this.entries.dropKeys(ns, e.keys);
    else if (e.kind === WatchEventKind.TAGS) this.entries.dropTags(ns, e.tags);
    else this.entries.dropNamespace(ns);
    let log = this.logs.get(ns);
    if (log === undefined) this.logs.set(ns, (log = { seen: 0, recent: [] }));
    log.seen++;
    log.recent.push(e);
    if (log.recent.length > LOG_LENGTH) log.recent.shift();
    // Acknowledged only after the drop: one ack covers a burst of events.
    this.ackSeq = e.seq;
    if (!this.ackScheduled) {
      this.ackScheduled = true;
      queueMicrotask(() => {
        this.ackScheduled = false;
        // A literal, not create(): one ack per change, on the path writers wait on.
        const ack: WatchRequest = { $typeName: WatchRequestSchema.typeName, subscribe: [], ackSeq: this.ackSeq, heartbeatId: 0n };
        if (call === this.call) call.write(ack);
      });
    }
  }

  private renewed(id: bigint, leaseMs: number): void {
    const hb = this.heartbeats.get(id);
    if (hb === undefined) return;
    for (const [k, h] of this.heartbeats) {
      if (k > id) break;
      for (const ns of h.namespaces) this.confirmed.add(ns);
      this.heartbeats.delete(k);
    }
    this.leaseMs = leaseMs;
    this.leaseUntil = Math.max(this.leaseUntil, hb.sentAt + leaseMs);
    this.backoffMs = 100;
  }

  private lost(call: Call): void {
    if (call !== this.call) return;
    this.call = undefined;
    call.cancel();
    this.reset();
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.open(), this.backoffMs);
    this.timer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }

  private reset(): void {
    this.epoch++;
    this.leaseUntil = 0;
    this.confirmed.clear();
    this.heartbeats.clear();
    this.logs.clear();
    this.entries.clear();
  }
}
