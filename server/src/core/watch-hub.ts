import { WatchSubscriber, type EventSink } from "./watch-subscriber.js";
import { CacheError } from "./errors.js";
import type { Change, NearSettings } from "./watch-change.js";
import type { WatchObserver } from "./watch-observer.js";
import type { RelayListener, WatchRelay } from "./watch-relay.js";

const monotonicMs = () => performance.now();

/**
 * The subscribers of one server process and the changes they must see. A
 * write calls `publish` after the store applied it and returns once every
 * subscriber of the namespace acknowledged the change or its lease lapsed.
 * A namespace nobody watches costs one Map lookup. A subscriber that
 * disconnects without ending its stream cleanly is kept, as a subscriber
 * that acknowledges nothing, until its lease lapses: it may still be
 * serving from its near-cache until then.
 */
export class WatchHub implements RelayListener {
  /** How changes reach and come from other server replicas; none with the embedded store. */
  relay: WatchRelay | undefined;
  private readonly byNamespace = new Map<string, Set<WatchSubscriber>>();
  private readonly perPeer = new Map<string, number>();
  private readonly all = new Set<WatchSubscriber>();
  private open = 0;

  /** `observer`, when given, hears of subscribers, events, acknowledgements, drops and waits (metrics). */
  constructor(readonly settings: NearSettings, readonly now: () => number = monotonicMs, readonly observer?: WatchObserver) {}

  /** A new subscriber for a stream from `peer`; throws RESOURCE_EXHAUSTED past the limits. */
  subscribe(peer: string, sink: EventSink): WatchSubscriber {
    const s = this.settings;
    if (this.open >= s.nearMaxSubscribers) {
      throw new CacheError("resource_exhausted", `watch streams: at most ${s.nearMaxSubscribers} per server (NEAR_MAX_SUBSCRIBERS)`);
    }
    const mine = this.perPeer.get(peer) ?? 0;
    if (mine >= s.nearMaxSubscribersPerConnection) {
      throw new CacheError("resource_exhausted", 
        `watch streams: at most ${s.nearMaxSubscribersPerConnection} per connection (NEAR_MAX_SUBSCRIBERS_PER_CONNECTION)`,
      );
    }
    this.open++;
    this.perPeer.set(peer, mine + 1);
    const sub: WatchSubscriber = new WatchSubscriber(this, sink, () => {
      this.all.delete(sub);
      this.open--;
      const left = (this.perPeer.get(peer) ?? 1) - 1;
      if (left === 0) this.perPeer.delete(peer);
      else this.perPeer.set(peer, left);
      this.observer?.subscriberRemoved();
    });
    this.all.add(sub);
    this.observer?.subscriberOpened();
    return sub;
  }

  /**
   * Ends every stream (the server is draining): subscribers stop being
   * renewed and writers wait out their leases, as for any dropped one.
   */
  endAll(reason: string): void {
    for (const s of [...this.all]) s.drop(reason, "unavailable", "draining");
  }

  /** Adds `subscriber` to the watchers of `namespace`; throws past the per-server limit. */
  addWatch(namespace: string, subscriber: WatchSubscriber): void {
    let set = this.byNamespace.get(namespace);
    if (set === undefined) {
      const max = this.settings.nearMaxServerNamespaces;
      if (this.byNamespace.size >= max) {
        throw new CacheError("resource_exhausted", `subscribe: at most ${max} namespaces watched per server (NEAR_MAX_SERVER_NAMESPACES)`);
      }
      this.byNamespace.set(namespace, (set = new Set()));
    }
    set.add(subscriber);
  }

  /**
   * Undefined when every namespace given is registered with the relay (or
   * there is none); else resolves once they are.
   */
  whenRegistered(namespaces: Iterable<string>): Promise<void> | undefined {
    if (this.relay === undefined) return undefined;
    const waits: Promise<void>[] = [];
    for (const ns of namespaces) if (!this.relay.registered(ns)) waits.push(this.relay.register(ns));
    return waits.length === 0 ? undefined : Promise.all(waits).then(() => {});
  }

  /** The latest end a lease in these namespaces may have: the relay's registrations outlive every lease. */
  validUntil(namespaces: Iterable<string>): number {
    let until = Infinity;
    if (this.relay !== undefined) for (const ns of namespaces) until = Math.min(until, this.relay.validUntil(ns));
    return until;
  }

  /** Events of `namespace` (of all when undefined) may have been missed: drops its subscribers. */
  lost(namespace?: string): void {
    const subs = namespace === undefined ? this.all : this.byNamespace.get(namespace) ?? [];
    for (const s of [...subs]) s.drop("near-cache events may have been missed; reconnect", "unavailable");
  }

  /** Removes `subscriber` from every namespace it watched. */
  remove(subscriber: WatchSubscriber): void {
    for (const ns of subscriber.namespaces) {
      const set = this.byNamespace.get(ns);
      if (set === undefined) continue;
      set.delete(subscriber);
      if (set.size > 0) continue;
      this.byNamespace.delete(ns);
      this.relay?.unregister(ns);
    }
  }

  /** True when some subscriber (live or lapsing) watches `namespace`. */
  watched(namespace: string): boolean {
    return this.byNamespace.has(namespace);
  }

  /**
   * Sends `change` to every subscriber of its namespace; resolves once each
   * acknowledged it or its lease lapsed. Never rejects.
   */
  publish(change: Change): Promise<void> {
    const set = this.byNamespace.get(change.namespace);
    if (set === undefined) return Promise.resolve();
    const waits: Promise<void>[] = [];
    for (const s of set) waits.push(s.deliver(change));
    const all = waits.length === 1 ? waits[0]! : Promise.all(waits).then(() => {});
    const observer = this.observer;
    if (observer === undefined) return all;
    const start = this.now();
    return all.then(() => observer.writeWaited((this.now() - start) / 1000));
  }
}
