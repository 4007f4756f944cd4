import { RedisStore } from "../../server/src/store/redis-standalone/redis-store.js";
import { NAMESPACE, VALUE } from "./data.js";

const IN_FLIGHT = 4000;
const LIFETIME_MS = 3_600_000;

/** A connected Redis store of the server's own kind, for filling and checking. */
export async function openStore(url: string): Promise<RedisStore> {
  const store = new RedisStore({
    url,
    keyPrefix: "tc",
    tagLifetimeMs: 7 * 86_400_000,
    commandTimeoutMs: 60_000,
    connectTimeoutMs: 5_000,
  });
  if (!(await store.waitUntilReady(5_000))) throw new Error(`Redis at ${url} is not reachable`);
  return store;
}

/**
 * Stores `count` entries through the store's own Set path (set.lua), with
 * thousands of commands in flight so ioredis pipelines them. Entry i gets key
 * `key(i)` and tags `tags(i)` (sorted), the shared 100-byte value and a
 * lifetime of one hour.
 */
export async function fill(
  store: RedisStore,
  count: number,
  key: (i: number) => string,
  tags: (i: number) => string[],
  namespace = NAMESPACE,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await store.set(namespace, key(i), VALUE, tags(i), LIFETIME_MS);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
  // A million Sets leave this process with garbage whose major GCs (pauses
  // of 100–130 ms, marking beside the measured calls on two cores) slowed the
  // next case's calls 2–4×. Collect it now (`make bench` runs --expose-gc).
  globalThis.gc?.();
}
