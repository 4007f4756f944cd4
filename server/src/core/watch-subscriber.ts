import { CacheError } from "./errors.js";
import type { Change, NearSettings } from "./watch-change.js";
import type { DropReason, WatchObserver } from "./watch-observer.js";

/** What a subscriber needs of its hub (WatchHub is one); typed here so the hub can create subscribers without a circle. */
export interface SubscriberHub {
  readonly settings: NearSettings;
  readonly observer?: WatchObserver;
  now(): number;
  addWatch(namespace: string, subscriber: WatchSubscriber): void;
  whenRegistered(namespaces: Iterable<string>): Promise<void> | undefined;
  validUntil(namespaces: Iterable<string>): number;
  remove(subscriber: WatchSubscriber): void;
}

/** Where a subscriber's events go: the transport's stream. */
export interface EventSink {
  /** Sends a change with its sequence number. */
  sendChange(seq: number, change: Change): void;
  /** Answers a heartbeat with the lease granted, in ms. */
  sendHeartbeat(heartbeatId: bigint, leaseMs: number): void;
  /** Ends the stream: the subscriber was dropped (slow, limits: resource_exhausted; draining: unavailable). */
  end(reason: string, code: "resource_exhausted" | "unavailable"): void;
}

interface Pending {
  readonly seq: number;
  readonly sentAt: number;
  readonly resolve: () => void;
}

/**
 * One Watch stream's state on the server: its namespaces, its lease, the
 * changes it has not acknowledged yet. Its lease runs from when the server
 * received the heartbeat it answers, so the client's own lease (counted
 * from when it sent the heartbeat) always ends first. While a change waits
 * for its acknowledgement the lease cannot run past the change's send time
 * plus one lease: a subscriber that heartbeats but never acknowledges
 * cannot hold a writer longer than that.
 */
export class WatchSubscriber {
  /** Namespaces subscribed to. */
  readonly namespaces = new Set<string>();
  private leaseUntil: number;
  private seq = 0;
  private readonly pending: Pending[] = [];
  private lapseTimer: NodeJS.Timeout | undefined;
  private dropped = false;
  private removed = false;
  // The latest heartbeat waiting for the relay's registrations: answering
  // any later one would confirm the namespaces too early.
  private held: bigint | undefined;

  constructor(
    private readonly hub: SubscriberHub,
    private readonly sink: EventSink,
    private readonly released: () => void,
  ) {
    this.leaseUntil = hub.now();
  }

  /** Adds namespaces (already authorized); throws past the per-stream limit. */
  watch(namespaces: readonly string[]): void {
    const max = this.hub.settings.nearMaxNamespaces;
    for (const ns of namespaces) {
      if (this.namespaces.has(ns)) continue;
      if (this.namespaces.size >= max) {
        throw new CacheError("resource_exhausted", `subscribe: at most ${max} namespaces per stream (NEAR_MAX_NAMESPACES)`);
      }
      if (!this.dropped) this.hub.addWatch(ns, this);
      this.namespaces.add(ns);
    }
  }

  /**
   * Renews the lease (unless dropped) and answers the heartbeat; not before
   * this server hears other servers' changes in every namespace subscribed,
   * since the answer confirms the subscriptions.
   */
  heartbeat(id: bigint): void {
    if (this.dropped) return;
    if (this.held !== undefined) {
      this.held = id;
      return;
    }
    const registering = this.hub.whenRegistered(this.namespaces);
    if (registering !== undefined) {
      this.held = id;
      void registering.then(() => {
        const held = this.held!;
        this.held = undefined;
        this.heartbeat(held);
      });
      return;
    }
    const now = this.hub.now();
    const lease = this.hub.settings.nearLeaseMs;
    const oldest = this.pending[0];
    const own = oldest === undefined ? now + lease : Math.min(now + lease, oldest.sentAt + lease);
    const until = Math.max(now, Math.min(own, this.hub.validUntil(this.namespaces)));
    if (until > this.leaseUntil) this.leaseUntil = until;
    this.sink.sendHeartbeat(id, Math.max(0, Math.floor(until - now)));
    this.armLapse();
  }

  /** Everything up to `seq` is applied by the client. */
  ack(seq: number): void {
    this.hub.observer?.ackReceived();
    while (this.pending.length > 0 && this.pending[0]!.seq <= seq) this.pending.shift()!.resolve();
    this.maybeRemove();
  }

  /**
   * Sends a change; resolves once acknowledged or once the lease lapsed.
   * A subscriber whose lease already lapsed resolves at once.
   */
  deliver(change: Change): Promise<void> {
    if (this.hub.now() >= this.leaseUntil) {
      // Not told of this change, the client must not renew and serve again.
      this.drop("near-cache lease lapsed");
      this.maybeRemove();
      return Promise.resolve();
    }
    if (this.dropped) return this.untilLapse();
    if (this.pending.length >= this.hub.settings.nearMaxPendingEvents) {
      this.drop(`more than ${this.hub.settings.nearMaxPendingEvents} unacknowledged events (NEAR_MAX_PENDING_EVENTS)`, "resource_exhausted", "too_many_pending");
      return this.untilLapse();
    }
    const seq = ++this.seq;
    return new Promise<void>((resolve) => {
      this.pending.push({ seq, sentAt: this.hub.now(), resolve });
      this.sink.sendChange(seq, change);
      this.hub.observer?.eventSent();
      this.armLapse();
    });
  }

  /**
   * The client ended its stream after emptying its near-cache: nothing
   * needs to wait for it any more.
   */
  closedCleanly(): void {
    if (!this.dropped) this.hub.observer?.dropped("closed");
    this.dropped = true;
    this.leaseUntil = 0;
    this.lapse();
  }

  /** The stream broke: keep making writers wait until the lease lapses. */
  disconnected(): void {
    if (!this.dropped) this.hub.observer?.dropped("closed");
    this.dropped = true;
    this.armLapse();
    this.maybeRemove();
  }

  /** Ends the stream and stops renewing; writers wait for the lease to lapse. */
  drop(reason: string, code: "resource_exhausted" | "unavailable" = "resource_exhausted", why: DropReason = "lease_lapsed"): void {
    if (this.dropped) return;
    this.dropped = true;
    this.hub.observer?.dropped(why);
    this.sink.end(reason, code);
    this.armLapse();
  }

  private untilLapse(): Promise<void> {
    const ms = this.leaseUntil - this.hub.now();
    return ms <= 0 ? Promise.resolve() : new Promise((r) => setTimeout(r, Math.ceil(ms)).unref());
  }

  private armLapse(): void {
    clearTimeout(this.lapseTimer);
    if (this.pending.length === 0 && !this.dropped) return;
    const ms = Math.max(0, Math.ceil(this.leaseUntil - this.hub.now()));
    this.lapseTimer = setTimeout(() => this.onLapseTimer(), ms);
    this.lapseTimer.unref();
  }

  private onLapseTimer(): void {
    if (this.hub.now() < this.leaseUntil) return this.armLapse();
    this.lapse();
  }

  // The lease is over: every waiting writer goes on, the stream ends.
  private lapse(): void {
    clearTimeout(this.lapseTimer);
    for (const p of this.pending.splice(0)) p.resolve();
    if (!this.dropped) this.drop("near-cache lease lapsed with unacknowledged events");
    this.maybeRemove();
  }

  private maybeRemove(): void {
    if (this.removed || !this.dropped || this.hub.now() < this.leaseUntil) return;
    this.removed = true;
    clearTimeout(this.lapseTimer);
    this.hub.remove(this);
    this.released();
  }
}
