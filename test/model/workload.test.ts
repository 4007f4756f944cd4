import { expect } from "chai";
import { performance } from "node:perf_hooks";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { describeViolations } from "./checker.js";
import { Workload } from "./workload.js";

/** A cache in a Map whose Invalidate works, or (broken) does nothing. */
function fakeClient(broken: boolean): TaggedCacheClient {
  const entries = new Map<string, { value: Uint8Array; tag: string; version: number }>();
  const versions = new Map<string, number>();
  // A millisecond per call keeps the history small enough to check quickly.
  const tick = () => new Promise((r) => setTimeout(r, 1));
  return {
    async set(key: string, value: Uint8Array, options: { tags: string[] }) {
      await tick();
      const tag = options.tags[0]!;
      entries.set(key, { value, tag, version: versions.get(tag) ?? 0 });
      return true;
    },
    async getEntry(key: string) {
      await tick();
      const e = entries.get(key);
      return e !== undefined && e.version === (versions.get(e.tag) ?? 0) ? { value: e.value, tags: [e.tag] } : undefined;
    },
    async invalidate(tag: string) {
      await tick();
      if (!broken) versions.set(tag, (versions.get(tag) ?? 0) + 1);
      return true;
    },
  } as unknown as TaggedCacheClient;
}

describe("the timed workload the fault tests check", () => {
  it("finds no stale hit on a cache that invalidates", async () => {
    const workload = new Workload();
    await workload.runUntil(fakeClient(false), 4, performance.now() + 200);
    expect(workload.hits).to.be.greaterThan(0);
    expect(workload.violations(), describeViolations(workload.violations())).to.deep.equal([]);
  });

  it("reports stale hits on a cache whose Invalidate does nothing", async () => {
    const workload = new Workload();
    await workload.runUntil(fakeClient(true), 4, performance.now() + 200);
    expect(workload.violations().map((v) => v.kind)).to.include("stale: invalidated");
  });
});
