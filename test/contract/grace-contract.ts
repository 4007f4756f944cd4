import { expect } from "chai";
import { status } from "@grpc/grpc-js";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, rejection, sleep, text, type TestServer } from "../helpers/app.js";
import { useTarget, type ContractTarget } from "./cache-contract.js";

const GRACE = 60_000;

/**
 * Grace (serving the last good value, marked stale) as every store must
 * show it, end to end through the client.
 */
export function graceContract(name: string, target: ContractTarget): void {
  describe(`grace contract: ${name}`, function () {
    let c: TaggedCacheClient;
    useTarget(target, (s: TestServer) => {
      c = s.client();
    });

    it("serves an invalidated value only to a Get that asks for grace, marked stale", async () => {
      await c.set("k", bytes("old"), { tags: ["t"], lifetimeMs: 60_000, graceMs: GRACE });
      expect((await c.getEntry("k", { graceMs: GRACE }))?.staleMs).to.equal(undefined);
      await c.invalidate(["t"]);
      expect(await c.getEntry("k")).to.equal(undefined);
      const stale = await c.getEntry("k", { graceMs: GRACE });
      expect(text(stale?.value)).to.equal("old");
      expect(stale?.staleMs).to.be.within(0, 5_000);
      // A plain Get after it still misses: the stale entry was kept, not revived.
      expect(await c.getEntry("k")).to.equal(undefined);
    });

    it("serves a stale value only while it is within the grace asked for", async () => {
      await c.set("k", bytes("old"), { tags: ["t"], lifetimeMs: 60_000, graceMs: GRACE });
      await c.invalidateAll();
      await sleep(60);
      expect(await c.getEntry("k", { graceMs: 20 })).to.equal(undefined);
      expect((await c.getEntry("k", { graceMs: GRACE }))?.staleMs).to.be.at.least(50);
    });

    it("misses after two invalidations of a tag: too stale to judge", async () => {
      await c.set("k", bytes("old"), { tags: ["t"], lifetimeMs: 60_000, graceMs: GRACE });
      await c.invalidate(["t"]);
      await c.invalidate(["t"]);
      expect(await c.getEntry("k", { graceMs: GRACE })).to.equal(undefined);
    });

    it("serves an expired value within the grace, and never to a Get without grace", async () => {
      await c.set("k", bytes("old"), { lifetimeMs: 50, graceMs: GRACE });
      const deadline = Date.now() + 10_000;
      while ((await c.getEntry("k")) !== undefined && Date.now() < deadline) await sleep(10);
      expect(await c.getEntry("k")).to.equal(undefined);
      const stale = await c.getEntry("k", { graceMs: GRACE });
      expect(text(stale?.value)).to.equal("old");
      expect(stale?.staleMs).to.be.at.least(0);
      expect(stale?.ttlMs).to.equal(0);
    });

    it("keeps no stale value of an entry stored without a grace period", async () => {
      await c.set("k", bytes("old"), { tags: ["t"] });
      await c.invalidate(["t"]);
      expect(await c.getEntry("k", { graceMs: GRACE })).to.equal(undefined);
    });

    it("serves a value stored after the invalidation as current", async () => {
      await c.set("k", bytes("old"), { tags: ["t"], graceMs: GRACE });
      await c.invalidate(["t"]);
      await c.set("k", bytes("new"), { tags: ["t"], graceMs: GRACE });
      const e = await c.getEntry("k", { graceMs: GRACE });
      expect(text(e?.value)).to.equal("new");
      expect(e?.staleMs).to.equal(undefined);
    });

    it("gives the lease with a stale value to one caller; its Set makes the value current", async () => {
      await c.set("k", bytes("old"), { tags: ["t"], graceMs: GRACE });
      await c.invalidate(["t"]);
      const reads = await Promise.all(
        Array.from({ length: 10 }, () => c.read("k", { tags: ["t"], graceMs: GRACE, lease: { waitMs: 5_000 } })),
      );
      for (const r of reads) expect(text(r.entry?.value)).to.equal("old");
      const holders = reads.filter((r) => r.leaseToken !== undefined);
      expect(holders).to.have.length(1);
      expect(await c.set("k", bytes("new"), { tags: ["t"], graceMs: GRACE, leaseToken: holders[0]!.leaseToken })).to.equal(true);
      const after = await c.read("k", { tags: ["t"], graceMs: GRACE, lease: true });
      expect(text(after.entry?.value)).to.equal("new");
      expect(after.entry?.staleMs).to.equal(undefined);
      expect(after.leaseToken).to.equal(undefined);
    });

    it("refuses the refreshing Set when the tag moved again", async () => {
      await c.set("k", bytes("old"), { tags: ["t"], graceMs: GRACE });
      await c.invalidate(["t"]);
      const r = await c.read("k", { tags: ["t"], graceMs: GRACE, lease: true });
      expect(r.leaseToken).to.not.equal(undefined);
      await c.invalidate(["t"]);
      expect(await c.set("k", bytes("new"), { tags: ["t"], graceMs: GRACE, leaseToken: r.leaseToken })).to.equal(false);
    });

    it("marks stale values in GetMany with grace, and only there", async () => {
      await c.set("a", bytes("A"), { tags: ["t"], graceMs: GRACE });
      await c.set("b", bytes("B"), { tags: ["u"], graceMs: GRACE });
      await c.invalidate(["t"]);
      const plain = await c.getMany(["a", "b"]);
      expect([...plain.keys()]).to.deep.equal(["b"]);
      const graced = await c.getMany(["a", "b"], { graceMs: GRACE });
      expect(graced.get("a")?.staleMs).to.be.at.least(0);
      expect(graced.get("b")?.staleMs).to.equal(undefined);
    });

    it("refuses a negative grace, naming the field", async () => {
      const err = await rejection(c.getEntry("k", { graceMs: -1 }));
      expect(err.code).to.equal(status.INVALID_ARGUMENT);
      expect(err.details).to.contain("grace_ms");
    });
  });
}
