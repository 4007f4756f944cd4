import { randomBytes } from "node:crypto";
import type { Cluster, Redis } from "ioredis";
import { StoreUnavailableError } from "../../core/errors.js";
import type { Change } from "../../core/watch-change.js";
import type { RelayListener, WatchRelay } from "../../core/watch-relay.js";
import type { KeyScheme } from "../keys.js";
import { writeDurably, type Durability } from "./durable-write.js";
import { NearAcks } from "./near-acks.js";
import { NearRegistrations } from "./near-registrations.js";
import { PubSubLine } from "./pubsub-line.js";

/** What the relay is built from; the store supplies it. */
export interface NearRelayOptions {
  /** The store's command connection: scripts, acks, registrations. */
  readonly redis: Redis | Cluster;
  /** A new connection for pub/sub: to the primary, or to one node of a cluster (PUBLISH reaches every node). */
  readonly openSubscriber: () => Redis;
  readonly keys: KeyScheme;
  readonly durability: Durability;
  readonly leaseMs: number;
  readonly listener: RelayListener;
  /**
   * Called before each publish: under load the replies of many writes
   * arrive in one turn, and their publishes then leave in one socket write
   * (on loopback a write costs about as much as the command).
   */
  readonly holdWrites?: () => void;
}

/** A change as it travels between servers: writer id, change id, change. */
interface Event {
  readonly w: string;
  readonly e: number;
  readonly c: Change;
}

// What near-evict.lua appends to a member it evicted.
const EVICTED = "/evicted";
const monotonicMs = () => performance.now();

/**
 * The near-cache relay over Redis (see docs/design/near-cache.md, "Several server
 * replicas"). Each server has a random id, registrations per watched
 * namespace (NearRegistrations) and one subscriber connection, subscribed to
 * the events channel and to its own acks channel. A write publishes its
 * change through near-publish.lua, which names the other live servers; the
 * writer waits for each one's ack or its registration's expiry. A server
 * hearing another's change delivers it to its subscribers, then acks. When
 * the subscriber connection breaks, changes may have been missed: every
 * subscriber is dropped, and nothing is confirmed until subscribed again.
 */
export class NearRelay implements WatchRelay {
  /** This server's id in registrations and events. */
  readonly id = randomBytes(8).toString("hex");
  private readonly acks = new NearAcks();
  private readonly registrations: NearRegistrations;
  private readonly events: string;
  private readonly acksChannel: string;
  // Time an ack may take to come once the silent server's subscribers lapsed,
  // before it is evicted (which makes it drop its subscribers there).
  private readonly slackMs: number;
  private readonly line: PubSubLine;

  constructor(private readonly o: NearRelayOptions) {
    this.events = o.keys.watchEventsChannel();
    this.acksChannel = o.keys.watchAcksChannel(this.id);
    this.slackMs = o.leaseMs / 8;
    this.registrations = new NearRegistrations(o.redis, o.keys, o.durability, this.id, o.leaseMs, (ns) => o.listener.lost(ns));
    this.line = new PubSubLine(o.openSubscriber, [this.events, this.acksChannel], {
      message: (channel, message) => this.onMessage(channel, message),
      subscribed: () => this.registrations.listen(),
      // Changes sent while the connection was down were missed.
      broke: () => {
        this.registrations.deafened();
        o.listener.lost();
      },
    });
  }

  register(namespace: string): Promise<void> {
    return this.registrations.register(namespace);
  }

  registered(namespace: string): boolean {
    return this.registrations.registered(namespace);
  }

  validUntil(namespace: string): number {
    return this.registrations.validUntil(namespace);
  }

  unregister(namespace: string): void {
    this.registrations.unregister(namespace);
  }

  async publish(change: Change): Promise<void> {
    const id = this.acks.open();
    try {
      const key = this.o.keys.forNamespace(change.namespace).watchersKey;
      const event: Event = { w: this.id, e: id, c: change };
      this.o.holdWrites?.();
      const reply = await this.o.redis.tcNearPublish(1, key, this.id, this.events, JSON.stringify(event)).catch((err) => {
        throw new StoreUnavailableError("the change could not be relayed to the other servers; retry", err);
      });
      const arrived = monotonicMs();
      // Redis's clock gives how long each registration lasts; that span is
      // counted here from the reply's arrival, which came after Redis's now.
      const redisNow = Number(reply[0]);
      const waits: Promise<void>[] = [];
      for (let i = 1; i < reply.length; i += 2) {
        const member = String(reply[i]);
        waits.push(this.awaitAck(id, key, member, arrived + Number(reply[i + 1]) - redisNow));
      }
      await Promise.all(waits);
    } finally {
      this.acks.close(id);
    }
  }

  close(): void {
    this.registrations.close();
    this.line.close();
  }

  // Past the registration's expiry the server's subscribers have lapsed,
  // unless it renewed meanwhile without hearing the change: evicted then, it
  // cannot renew again, and its subscribers last at most until the expiry
  // it had, which is waited for.
  private async awaitAck(id: number, key: string, member: string, deadline: number): Promise<void> {
    const server = member.slice(0, member.indexOf("."));
    if (await this.acks.wait(id, server, deadline + this.slackMs - monotonicMs())) return;
    if (member.endsWith(EVICTED)) return;
    const redis = this.o.redis;
    const reply = await writeDurably(redis, this.o.durability, "near-cache eviction",
      () => redis.tcNearEvict(1, key, member), (p) => p.tcNearEvict(1, key, member)).catch((err) => {
      throw new StoreUnavailableError("a server that did not acknowledge the change could not be evicted; retry", err);
    });
    const left = Number(reply[1]) - Number(reply[0]);
    if (left > 0) await this.acks.wait(id, server, left);
  }

  private onMessage(channel: string, message: string): void {
    if (channel === this.acksChannel) {
      const [id, server] = message.split(" ");
      if (server !== undefined) this.acks.acked(Number(id), server);
      return;
    }
    if (channel !== this.events) return;
    let event: Event;
    try {
      event = JSON.parse(message) as Event;
    } catch {
      return;
    }
    // A writer tells its own subscribers directly.
    const ns = event.c?.namespace;
    if (event.w === this.id || typeof ns !== "string") return;
    if (!this.registrations.has(ns) && !this.o.listener.watched(ns)) return;
    const ack = `${event.e} ${this.id}`;
    void this.o.listener.publish(event.c).then(() => this.o.redis.publish(this.o.keys.watchAcksChannel(event.w), ack)).catch(() => {});
  }
}
