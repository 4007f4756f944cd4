import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { Child } from "../../bench/lib/child.js";
import { bytes, text } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";

/** The stores the near-cache suites run on, with the server settings that turn Watch on. */
export const NEAR_STORES: readonly (readonly [string, () => Promise<Record<string, string>>])[] = [
  ["embedded store", async () => ({})],
  ["Redis store", async () => ({ REDIS_URL: (await sharedRedis()).url, NEAR_CACHE: "on" })],
];

/** A client in its own process (bench/lib/near-child.ts): a writer, or a near-cache to freeze or kill. */
export const startClientProcess = (): Child => Child.start("./near-child.ts");

/** Resolves once `cond` holds, polling; fails after `ms`. */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Reads `key` until a read is a near hit: the first reads subscribe the
 * namespace and fetch the entry remotely, a later one is served from memory.
 * Fails when that takes more than `ms`.
 */
export async function warm(c: TaggedCacheClient, key: string, ms = 10_000): Promise<Uint8Array | undefined> {
  const end = Date.now() + ms;
  for (;;) {
    const before = c.nearCacheStats!.hits;
    const v = await c.get(key);
    if (c.nearCacheStats!.hits > before) return v;
    if (Date.now() > end) throw new Error(`${key} never became a near hit`);
  }
}

/**
 * `rounds` keys k<i> = v<i> tagged t<i>, all kept in `near`; then for each in
 * turn: a near hit, `invalidate(t<i>)` (a write elsewhere), a read. Returns
 * how many of those reads still returned the value.
 */
export async function staleAfterInvalidates(
  near: TaggedCacheClient,
  rounds: number,
  invalidate: (tag: string) => Promise<unknown>,
): Promise<number> {
  const keys = Array.from({ length: rounds }, (_, i) => `k${i}`);
  await near.setMany(keys.map((key, i) => ({ key, value: bytes(`v${i}`), tags: [`t${i}`] })));
  await warm(near, keys[0]!);
  // One getMany fetches every key remotely and keeps them near.
  expect((await near.getMany(keys)).size).to.equal(rounds);
  let stale = 0;
  for (let i = 0; i < rounds; i++) {
    const hits = near.nearCacheStats!.hits;
    expect(text(await near.get(keys[i]!))).to.equal(`v${i}`);
    expect(near.nearCacheStats!.hits, "a near hit before the Invalidate").to.equal(hits + 1);
    await invalidate(`t${i}`);
    if ((await near.get(keys[i]!)) !== undefined) stale++;
  }
  return stale;
}
