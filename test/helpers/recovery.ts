import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, sleep, text } from "./app.js";
import type { StaleModel } from "./stale-model.js";

/**
 * Waits until a Set, a hit, an Invalidate and the miss it causes all succeed
 * through `client`; fails after `timeoutMs`. Proves the server recovered by
 * itself.
 */
export async function expectRecovers(client: TaggedCacheClient, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      await client.set("recovery", bytes("v"), { tags: ["recovery"] });
      expect(text(await client.get("recovery"))).to.equal("v");
      await client.invalidate("recovery");
      expect(await client.get("recovery")).to.equal(undefined);
      return;
    } catch (err) {
      last = err;
      await sleep(200);
    }
  }
  throw new Error(`the server did not recover: ${String(last)}`);
}

/** Asserts a workload saw no stale hit and failed, if at all, only as UNAVAILABLE. */
export function expectOnlyUnavailable(model: StaleModel): void {
  expect(model.violations).to.deep.equal([]);
  expect([...model.errors.keys()].filter((code) => code !== "UNAVAILABLE")).to.deep.equal([]);
  expect(model.hits).to.be.greaterThan(0);
}
