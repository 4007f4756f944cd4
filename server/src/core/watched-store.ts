import type { LeaseStore } from "./lease-store.js";
import type { Store } from "./store.js";
import type { WatchHub } from "./watch-hub.js";
import type { Change } from "./watch-change.js";

// Tells this server's subscribers and, through the relay, every other
// server's. Both are awaited even when one fails: the write returns only once
// every subscriber that may hold what it replaced acked or lapsed.
async function publishEverywhere(hub: WatchHub, change: Change): Promise<void> {
  const [, remote] = await Promise.allSettled([hub.publish(change), hub.relay?.publish(change)]);
  if (remote.status === "rejected") throw remote.reason;
}

// Publishes after the write, whether it succeeded or not: a write that timed
// out may still have been applied. Who watches is looked up only once the
// write is done: a subscriber that joined meanwhile may have read the old
// value after subscribing. A write whose change may not have reached every
// server fails (its outcome is unknown, as for a timeout) rather than return.
async function thenPublish<T>(hub: WatchHub, change: Change, write: Promise<T>, changed = (_: T) => true): Promise<T> {
  let result: T;
  try {
    result = await write;
  } catch (err) {
    await publishEverywhere(hub, change).catch(() => {});
    throw err;
  }
  if (changed(result)) await publishEverywhere(hub, change);
  return result;
}

/**
 * Wraps a store so that every write in a watched namespace returns only after
 * the hub's subscribers, and those of every other server (the hub's relay),
 * acknowledged it (see WatchHub). Reads pass through. A namespace nobody
 * watches costs a Map lookup and an await per write, plus the relay's one
 * script call when there is a relay.
 */
export function watchedStore(store: Store, hub: WatchHub): Store {
  const leases: LeaseStore = {
    acquire: (...a) => store.leases.acquire(...a),
    release: (...a) => store.leases.release(...a),
    watch: (...a) => store.leases.watch(...a),
    // Only creates versions that were absent, which no cached entry can
    // depend on: nothing a near-cache holds changes.
    createVersions: (...a) => store.leases.createVersions(...a),
    setGuarded(...a: Parameters<LeaseStore["setGuarded"]>) {
      const write = store.leases.setGuarded(...a);
      return thenPublish(hub, { kind: "keys", namespace: a[0], keys: [a[1]] }, write, (stored) => stored);
    },
  };
  return new Proxy(store, {
    get(target, prop) {
      switch (prop) {
        case "leases":
          return leases;
        case "set":
          return (...a: Parameters<Store["set"]>) => {
            const write = target.set(...a);
            return thenPublish(hub, { kind: "keys", namespace: a[0], keys: [a[1]] }, write);
          };
        case "delete":
          return (ns: string, key: string) => {
            const write = target.delete(ns, key);
            return thenPublish(hub, { kind: "keys", namespace: ns, keys: [key] }, write);
          };
        case "invalidate":
          return (ns: string, tags: readonly string[]) => {
            const write = target.invalidate(ns, tags);
            return thenPublish(hub, { kind: "tags", namespace: ns, tags }, write);
          };
        case "invalidateAll":
          return (ns: string) => {
            const write = target.invalidateAll(ns);
            return thenPublish(hub, { kind: "all", namespace: ns }, write);
          };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
