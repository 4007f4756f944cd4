import type { ServerDuplexStream } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { TaggedCache } from "../core/tagged-cache.js";
import type { GetManyRequest, GetManyResponse } from "../gen/taggedcache/v1/tagged_cache_pb.js";
import type { InFlight } from "./in-flight.js";
import { getResponse } from "./responses.js";
import { Undecodable } from "./service-definition.js";
import { toStatus, undecodableStatus, type CallStatus } from "./status.js";

type Call = ServerDuplexStream<GetManyRequest | Undecodable, GetManyResponse>;

interface Slot {
  done: boolean;
  response: GetManyResponse | undefined;
  error: CallStatus | undefined;
}

/**
 * One GetMany stream. Every batch goes to the store as soon as it arrives, so
 * batches pipeline; replies leave in request order. At most `maxInFlight`
 * batches may be unanswered, and none are taken while the client is not
 * reading replies, so a slow reader holds bounded memory. A bad batch ends
 * the stream with its status after every earlier batch was answered.
 */
class GetManyStream {
  private readonly queue: Slot[] = [];
  private halfClosed = false;
  private finished = false;
  private paused = false;
  private congested = false;

  constructor(
    private readonly call: Call,
    private readonly cache: TaggedCache,
    private readonly log: Logger,
    private readonly maxInFlight: number,
    private readonly inFlight: InFlight,
  ) {
    inFlight.streams++;
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
    const slot: Slot = { done: false, response: undefined, error: undefined };
    this.queue.push(slot);
    if (req instanceof Undecodable) {
      this.settle(slot, undefined, undecodableStatus(req));
    } else {
      this.lookup(slot, req);
    }
    this.throttle();
  }

  // Reading pauses while too many batches wait or the client is not reading.
  private throttle(): void {
    const hold = this.congested || this.queue.length >= this.maxInFlight;
    if (hold === this.paused) return;
    this.paused = hold;
    if (hold) this.call.pause();
    else this.call.resume();
  }

  private async lookup(slot: Slot, req: GetManyRequest): Promise<void> {
    try {
      const hits = await this.inFlight.track("batches", () => this.cache.getMany(req.namespace, req.items));
      const results = new Array(hits.length);
      for (let i = 0; i < hits.length; i++) results[i] = getResponse(hits[i]);
      this.settle(slot, { $typeName: "taggedcache.v1.GetManyResponse", batchId: req.batchId, results }, undefined);
    } catch (err) {
      this.settle(slot, undefined, toStatus(err, this.log, "GetMany"));
    }
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
      if (slot.error !== undefined) {
        this.finish();
        this.call.emit("error", slot.error);
        return;
      }
      if (!this.call.write(slot.response!)) this.congested = true;
    }
    if (this.finished) return;
    this.throttle();
    if (this.halfClosed && this.queue.length === 0) {
      this.finish();
      this.call.end();
    }
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.inFlight.streams--;
  }
}

/** The GetMany handler. */
export function getManyHandler(cache: TaggedCache, log: Logger, maxInFlight: number, inFlight: InFlight) {
  return (call: Call): void => {
    new GetManyStream(call, cache, log, maxInFlight, inFlight);
  };
}
