import type { Cluster, Redis } from "ioredis";
import { ChangeSignal } from "../../core/change-signal.js";
import type { Watch } from "../../core/lease-store.js";
import { fromRedisError } from "./redis-errors.js";

interface Channel {
  readonly signals: Set<ChangeSignal>;
  /** Settles once Redis confirmed the subscription. */
  readonly ready: Promise<void>;
}

/**
 * Lease notices over Redis pub/sub: one subscriber connection per process,
 * opened on first use, subscribed to a key's channel while at least one local
 * caller waits on it. A message wakes every local waiter of that channel at
 * once. ioredis resubscribes after a reconnect; waiters re-check on a timer
 * anyway, so a message lost meanwhile only delays them.
 */
export class LeaseNotices {
  private sub: Redis | Cluster | undefined;
  private readonly channels = new Map<string, Channel>();

  /** `open` makes the subscriber connection: to one Redis, or to a cluster. */
  constructor(private readonly open: () => Redis | Cluster) {}

  /** Listens on `channel`; resolves once subscribed. */
  async watch(channel: string): Promise<Watch> {
    let c = this.channels.get(channel);
    if (c === undefined) {
      const ready = this.subscriber().subscribe(channel).then(() => {});
      c = { signals: new Set(), ready };
      this.channels.set(channel, c);
    }
    const signal = new ChangeSignal((s) => this.unwatch(channel, s));
    c.signals.add(signal);
    try {
      await c.ready;
    } catch (err) {
      signal.close();
      throw fromRedisError(err);
    }
    return signal;
  }

  /** Closes the subscriber connection. */
  close(): void {
    this.sub?.disconnect();
    this.sub = undefined;
  }

  private unwatch(channel: string, signal: ChangeSignal): void {
    const c = this.channels.get(channel);
    if (c === undefined || !c.signals.delete(signal) || c.signals.size > 0) return;
    this.channels.delete(channel);
    this.sub?.unsubscribe(channel).catch(() => {});
  }

  private subscriber(): Redis | Cluster {
    if (this.sub === undefined) {
      const sub = this.open();
      sub.on("message", (channel: string) => {
        for (const s of this.channels.get(channel)?.signals ?? []) s.notify();
      });
      sub.on("error", () => {});
      this.sub = sub;
    }
    return this.sub;
  }
}
