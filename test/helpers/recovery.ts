import { expect } from "chai";
import { performance } from "node:perf_hooks";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, sleep, text } from "./app.js";
import { StaleModel } from "./stale-model.js";

/**
 * Runs a checked workload (6 callers, `workloadMs`) through `client`, calls
 * `disturb` after 800 ms, and then, once `healed` resolves, asserts: no
 * stale hit, every failure UNAVAILABLE, the server recovered by itself, and
 * a further workload sees no failure at all.
 */
export async function expectSurvives(
  client: TaggedCacheClient,
  disturb: () => Promise<void>,
  healed: () => Promise<void>,
  workloadMs = 4000,
): Promise<void> {
  const model = new StaleModel();
  const workload = model.runUntil(client, 6, performance.now() + workloadMs);
  await sleep(800);
  await disturb();
  await workload;
  await healed();
  await expectRecovers(client);
  expectOnlyUnavailable(model);
  const after = new StaleModel();
  await after.runUntil(client, 4, performance.now() + 800);
  expectOnlyUnavailable(after);
  expect(after.errors.size).to.equal(0);
}

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
