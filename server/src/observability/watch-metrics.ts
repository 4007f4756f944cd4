import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { DropReason, WatchObserver } from "../core/watch-observer.js";

/**
 * The near-cache's metrics: Watch subscribers held, changes sent and
 * acknowledged, subscribers dropped by reason, and how long writes waited
 * for their subscribers. Registered in the server's registry.
 */
export class WatchMetrics implements WatchObserver {
  private readonly subscribers: Gauge;
  private readonly events: Counter;
  private readonly acks: Counter;
  private readonly drops: Counter<"reason">;
  private readonly waits: Histogram;

  constructor(registry: Registry) {
    const registers = [registry];
    this.subscribers = new Gauge({
      name: "taggedcache_watch_subscribers",
      help: "Watch streams held: live, or dropped and still waited for until their lease lapses",
      registers,
    });
    this.events = new Counter({ name: "taggedcache_watch_events_total", help: "Changes sent to Watch subscribers (one per subscriber)", registers });
    this.acks = new Counter({ name: "taggedcache_watch_acks_total", help: "Acknowledgement messages received from Watch subscribers", registers });
    this.drops = new Counter({
      name: "taggedcache_watch_drops_total",
      help: "Watch subscribers dropped, by reason (lease_lapsed, too_many_pending, closed, draining)",
      labelNames: ["reason"],
      registers,
    });
    this.waits = new Histogram({
      name: "taggedcache_watch_write_wait_seconds",
      help: "Time a write in a watched namespace waited for its subscribers' acknowledgements or lapsed leases",
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
  }

  subscriberOpened(): void {
    this.subscribers.inc();
  }

  subscriberRemoved(): void {
    this.subscribers.dec();
  }

  eventSent(): void {
    this.events.inc();
  }

  ackReceived(): void {
    this.acks.inc();
  }

  dropped(reason: DropReason): void {
    this.drops.inc({ reason });
  }

  writeWaited(seconds: number): void {
    this.waits.observe(seconds);
  }
}
