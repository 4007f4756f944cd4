import type { ServerDuplexStream } from "@grpc/grpc-js";
import { CallGoneError } from "../core/errors.js";
import type { TaggedCache } from "../core/tagged-cache.js";
import type { GetManyRequest, GetManyResponse, GetResponse } from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { isRefusal, type Caller } from "./auth/authorizer.js";
import { PERMISSIONS } from "./auth/permissions.js";
import type { HandlerContext, TransportOptions } from "./context.js";

import { getResponse } from "./responses.js";
import { Undecodable } from "./service-definition.js";
import { failure, undecodableStatus, type CallStatus } from "./status.js";

type Call = ServerDuplexStream<GetManyRequest | Undecodable, GetManyResponse>;

interface Slot {
  keys: number;
  /** Bytes of values in the response. */
  bytes: number;
  done: boolean;
  response: GetManyResponse | undefined;
  error: CallStatus | undefined;
}

/**
 * One GetMany stream. Every batch goes to the store as soon as it arrives, so
 * batches pipeline; replies leave in request order. At most
 * `maxBatchesInFlight` batches and `maxKeysInFlight` keys may be unanswered,
 * and none are taken while the values read and not yet sent reach
 * `maxBytesInFlight` or the client is not reading replies, so a slow reader
 * holds bounded memory: at most `maxBytesInFlight` plus one reply
 * (`MAX_REPLY_BYTES`) per batch being read. Every message's namespace is
 * authorized on its own. A bad or refused batch ends the stream with its status after every
 * earlier batch was answered.
 */
class GetManyStream {
  private readonly queue: Slot[] = [];
  private halfClosed = false;
  private finished = false;
  private paused = false;
  private congested = false;
  private keysInFlight = 0;
  private bytesInFlight = 0;
  // Aborts when the stream is over, so its batches stop reading the store.
  private readonly over = new AbortController();
  // The connection: streams take turns at the server's read gate by it.
  private readonly peer: string;

  constructor(
    private readonly call: Call,
    private readonly cache: TaggedCache,
    private readonly ctx: HandlerContext,
    private readonly limits: TransportOptions,
    private readonly caller: Caller,
  ) {
    ctx.inFlight.streams++;
    this.peer = call.getPeer();
    call.on("data", (req: GetManyRequest | Undecodable) => this.accept(req));
    call.on("end", () => {
      this.halfClosed = true;
      this.flush();
    });
    call.on("cancelled", () => this.finish());
    call.on("drain", () => {
      this.congested = false;
      this.flush();
    });
  }

  private accept(req: GetManyRequest | Undecodable): void {
    if (this.finished) return;
    const keys = req instanceof Undecodable ? 0 : req.items.length;
    const slot: Slot = { keys, bytes: 0, done: false, response: undefined, error: undefined };
    this.queue.push(slot);
    this.addKeys(keys);
    const refused =
      req instanceof Undecodable
        ? undecodableStatus(req)
        : this.ctx.auth.authorize(this.caller, req.namespace, PERMISSIONS.GetMany());
    if (refused !== undefined) this.settle(slot, undefined, refused);
    else this.lookup(slot, req as GetManyRequest);
    this.throttle();
  }

  // Reading pauses while too many batches wait or the client is not reading.
  private throttle(): void {
    const hold =
      this.congested ||
      this.queue.length >= this.limits.maxBatchesInFlight ||
      this.keysInFlight >= this.limits.maxKeysInFlight ||
      this.bytesInFlight >= this.limits.maxBytesInFlight;
    if (hold === this.paused) return;
    this.paused = hold;
    if (hold) this.call.pause();
    else this.call.resume();
  }

  private async lookup(slot: Slot, req: GetManyRequest): Promise<void> {
    try {
      const inFlight = this.ctx.inFlight;
      inFlight.batches++;
      let hits;
      try {
        hits = await this.cache.getMany(req.namespace, req.items, req.graceMs, { caller: this.peer, signal: this.over.signal });
      } finally {
        inFlight.batches--;
      }
      const results = new Array<GetResponse>(hits.length);
      let found = 0;
      let stale = 0;
      for (let i = 0; i < hits.length; i++) {
        results[i] = getResponse(hits[i]);
        if (results[i]!.hit) {
          found++;
          slot.bytes += results[i]!.value.length;
        }
        if (results[i]!.stale) stale++;
      }
      this.bytesInFlight += slot.bytes;
      this.ctx.metrics.recordGetManyBatch(req.namespace, hits.length, found, stale);
      this.settle(slot, { $typeName: "taggedcache.v1.GetManyResponse", batchId: req.batchId, results }, undefined);
    } catch (err) {
      // The stream is over: nobody is left to answer, and no store failed.
      if (err instanceof CallGoneError) return;
      this.settle(slot, undefined, failure(err, "GetMany", this.ctx.log, this.ctx.metrics));
    }
  }

  // The stream is over: batches still unanswered will never be.
  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.over.abort();
    this.ctx.inFlight.streams--;
    this.addKeys(-this.keysInFlight);
  }

  // The one place the keys in flight change, so the gauge follows the count.
  private addKeys(delta: number): void {
    this.keysInFlight += delta;
    this.ctx.metrics.recordKeysInFlight(delta);
  }

  private settle(slot: Slot, response: GetManyResponse | undefined, error: CallStatus | undefined): void {
    slot.done = true;
    slot.response = response;
    slot.error = error;
    this.flush();
  }

  private flush(): void {
    while (!this.finished && this.queue.length > 0 && this.queue[0]!.done) {
      const slot = this.queue.shift()!;
      this.addKeys(-slot.keys);
      if (slot.error !== undefined) {
        this.finish();
        this.call.emit("error", slot.error);
        return;
      }
      // The bytes count until the transport has taken the reply.
      const sent = () => {
        this.bytesInFlight -= slot.bytes;
        if (!this.finished) this.throttle();
      };
      if (!this.call.write(slot.response!, sent)) this.congested = true;
    }
    if (this.finished) return;
    this.throttle();
    if (this.halfClosed && this.queue.length === 0) {
      this.finish();
      this.call.end();
    }
  }
}

/** The GetMany handler; a caller without a valid token is refused before any message is read. */
export function getManyHandler(cache: TaggedCache, ctx: HandlerContext, limits: TransportOptions) {
  return (call: Call): void => {
    const caller = ctx.auth.identify(call.metadata);
    if (isRefusal(caller)) {
      call.emit("error", caller);
      return;
    }
    new GetManyStream(call, cache, ctx, limits, caller);
  };
}
