import type { Cluster, Redis } from "ioredis";
import type { KeyScheme } from "../keys.js";
import { writeDurably, type Durability } from "./durable-write.js";

interface Registration {
  joined: boolean;
  /** "<server id>.<join number>": a new one at each join, so evicting an old one spares it. */
  member: string;
  /** Local monotonic ms until which writers elsewhere surely wait for this server. */
  validUntil: number;
  busy: boolean;
  /** Heartbeats held until joined. */
  readonly waiters: (() => void)[];
}

const monotonicMs = () => performance.now();

/**
 * This server's registrations in Redis, one per watched namespace
 * (near-register.lua), renewed every quarter lease. A renewal sent at local
 * time t0 makes the registration valid here until t0 + lease: Redis stamps
 * its expiry later, so the expiry other writers wait for never comes first.
 * A renewal that finds the registration gone means changes may have been
 * missed: `lost` is told, and the namespace must be joined afresh. Nothing is
 * joined while the pub/sub subscription is not confirmed (`listening`).
 */
export class NearRegistrations {
  private readonly byNamespace = new Map<string, Registration>();
  private listening = false;
  // Bumped whenever changes may have been missed: late replies are ignored.
  private epoch = 0;
  private joins = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis | Cluster,
    private readonly keys: KeyScheme,
    private readonly durability: Durability,
    private readonly serverId: string,
    private readonly leaseMs: number,
    private readonly lost: (namespace: string) => void,
    private readonly now: () => number = monotonicMs,
  ) {
    this.timer = setInterval(() => this.renewAll(), Math.max(1, leaseMs / 4));
    this.timer.unref();
  }

  /** True when registered for `namespace` now. */
  registered(namespace: string): boolean {
    return this.byNamespace.get(namespace)?.joined === true;
  }

  /** True when the server keeps a registration (live or being joined) for `namespace`. */
  has(namespace: string): boolean {
    return this.byNamespace.has(namespace);
  }

  /** See WatchRelay.validUntil. */
  validUntil(namespace: string): number {
    const r = this.byNamespace.get(namespace);
    return r?.joined === true ? r.validUntil : 0;
  }

  /** Resolves once registered; joins now if listening, else once it is (retried every quarter lease). */
  register(namespace: string): Promise<void> {
    let r = this.byNamespace.get(namespace);
    if (r === undefined) this.byNamespace.set(namespace, (r = { joined: false, member: "", validUntil: 0, busy: false, waiters: [] }));
    if (r.joined) return Promise.resolve();
    const registration = r;
    return new Promise((resolve) => {
      registration.waiters.push(resolve);
      this.send(namespace, registration);
    });
  }

  /** Forgets `namespace` and removes the registration, so writers stop waiting for this server there. */
  unregister(namespace: string): void {
    const r = this.byNamespace.get(namespace);
    if (r === undefined) return;
    this.byNamespace.delete(namespace);
    if (r.member !== "") this.redis.zrem(this.keys.forNamespace(namespace).watchersKey, r.member).catch(() => {});
  }

  /** The pub/sub subscription is confirmed: registrations may be joined. */
  listen(): void {
    this.listening = true;
    for (const [ns, r] of this.byNamespace) if (r.waiters.length > 0) this.send(ns, r);
  }

  /**
   * Changes may have been missed since the pub/sub subscription broke: every
   * registration is void until joined again. The caller drops the subscribers.
   */
  deafened(): void {
    this.listening = false;
    this.epoch++;
    for (const r of this.byNamespace.values()) {
      r.joined = false;
      r.validUntil = 0;
    }
  }

  /** Stops renewing; the registrations lapse within a lease. */
  close(): void {
    clearInterval(this.timer);
    this.deafened();
  }

  private renewAll(): void {
    for (const [ns, r] of this.byNamespace) if (r.joined || r.waiters.length > 0) this.send(ns, r);
  }

  // One join or renewal at a time per namespace; a slow Redis skips ticks.
  private async send(namespace: string, r: Registration): Promise<void> {
    if (!this.listening || r.busy) return;
    r.busy = true;
    const renew = r.joined;
    if (!renew) r.member = `${this.serverId}.${++this.joins}`;
    const epoch = this.epoch;
    const t0 = this.now();
    let reply: number | undefined;
    try {
      const key = this.keys.forNamespace(namespace).watchersKey;
      const args = [r.member, this.leaseMs, renew ? "renew" : "join"] as const;
      reply = await writeDurably(this.redis, this.durability, "near-cache registration",
        () => this.redis.tcNearRegister(1, key, ...args), (p) => p.tcNearRegister(1, key, ...args));
    } catch {
      // No answer: the validity is not extended; the next tick tries again.
    } finally {
      r.busy = false;
    }
    if (reply === undefined || epoch !== this.epoch || this.byNamespace.get(namespace) !== r) return;
    if (reply === 1) {
      r.joined = true;
      r.validUntil = Math.max(r.validUntil, t0 + this.leaseMs);
      for (const w of r.waiters.splice(0)) w();
    } else if (r.joined) {
      r.joined = false;
      r.validUntil = 0;
      this.lost(namespace);
    }
  }
}
