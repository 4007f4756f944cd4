import { expect } from "chai";
import { performance } from "node:perf_hooks";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { StaleModel } from "./workload.js";

/** A cache in a Map whose Invalidate works, or (broken) does nothing. */
function fakeClient(broken: boolean): TaggedCacheClient {
  const entries = new Map<string, { value: Uint8Array; tag: string; version: number }>();
  const versions = new Map<string, number>();
  const tick = () => new Promise((r) => setImmediate(r));
  return {
    async set(key: string, value: Uint8Array, options: { tags: string[] }) {
      await tick();
      const tag = options.tags[0]!;
      entries.set(key, { value, tag, version: versions.get(tag) ?? 0 });
      return true;
    },
    async get(key: string) {
      await tick();
      const e = entries.get(key);
      return e !== undefined && e.version === (versions.get(e.tag) ?? 0) ? e.value : undefined;
    },
    async invalidate(tag: string) {
      await tick();
      if (!broken) versions.set(tag, (versions.get(tag) ?? 0) + 1);
      return true;
    },
  } as unknown as TaggedCacheClient;
}

describe("the stale-hit model used by the failover tests", () => {
  it("finds no stale hit on a cache that invalidates", async () => {
    const model = new StaleModel();
    await model.runUntil(fakeClient(false), 4, performance.now() + 200);
    expect(model.hits).to.be.greaterThan(0);
    expect(model.violations).to.deep.equal([]);
  });

  it("reports stale hits on a cache whose Invalidate does nothing", async () => {
    const model = new StaleModel();
    await model.runUntil(fakeClient(true), 4, performance.now() + 200);
    expect(model.violations.length).to.be.greaterThan(0);
  });
});
