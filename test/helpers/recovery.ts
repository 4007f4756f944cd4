import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { performance } from "node:perf_hooks";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import { modelLoad, until } from "../model/load.js";
import { bytes, sleep, text, type TestServer } from "./app.js";
import { Workload } from "../model/workload.js";

/**
 * Runs two checked workloads through `server` while `disturb` runs (once
 * both are under way): a timed workload on `client`'s namespace (6 callers,
 * `workloadMs`) and the model checker's random histories over many
 * namespaces (every operation kind). Once `healed` resolves, asserts: no stale or wrong hit,
 * every failure UNAVAILABLE, the server recovered by itself, and a further
 * workload sees no failure at all.
 */
export async function expectSurvives(
  server: TestServer,
  client: TaggedCacheClient,
  disturb: () => Promise<void>,
  healed: () => Promise<void>,
  workloadMs = 4000,
): Promise<void> {
  const model = new Workload();
  const histories = modelLoad(server.address, 2);
  let end = performance.now() + workloadMs;
  const workload = model.runUntil(client, 6, () => end);
  // Disturb a workload under way, with entries it could serve stale. On a
  // loaded machine it may take longer to get going: it then runs longer.
  await until("the workload to get going", async () =>
    model.ok >= 20 && model.hits > 0 ? true : undefined, 30_000)
    .then(() => { end = Math.max(end, performance.now() + workloadMs / 2); })
    .catch(async (err) => {
      // Stopped first: left running, its histories would write into the
      // next test's namespaces and fail that one too.
      await Promise.all([workload, histories.stop()]);
      throw new Error(`${err} (${model.ok} calls, ${model.hits} hits, ${[...model.errors]} failed)`);
    });
  await disturb();
  await workload;
  await histories.stop();
  await healed();
  await expectRecovers(client);
  expectOnlyUnavailable(model);
  const recorded = histories.recorded.flat();
  const codes = new Set(recorded.filter((r) => !r.ok).map((r) => r.code));
  expect([...codes].filter((c) => c !== status.UNAVAILABLE), "failure codes").to.deep.equal([]);
  for (const h of histories.recorded) {
    const violations = checkHistory(h, { strictMisses: false });
    expect(violations, describeViolations(violations)).to.deep.equal([]);
  }
  const after = new Workload();
  // At least 800 ms, and on a loaded machine until it has a hit (30 s at most).
  const start = performance.now();
  await after.runUntil(client, 4, () =>
    after.hits > 0 || performance.now() - start > 30_000 ? start + 800 : Infinity);
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
export function expectOnlyUnavailable(model: Workload): void {
  const violations = model.violations();
  expect(violations, describeViolations(violations)).to.deep.equal([]);
  expect([...model.errors.keys()].filter((code) => code !== "UNAVAILABLE")).to.deep.equal([]);
  expect(model.hits).to.be.greaterThan(0);
}
