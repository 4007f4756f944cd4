import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect } from "chai";
import { isHit, type Miss } from "../../server/src/core/lookup.js";
import { MemoryStore } from "../../server/src/store/memory/memory-store.js";
import { bytes, startTestServer, text, type TestServer } from "../helpers/app.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import { modelLoad } from "../model/load.js";

const MiB = 1_048_576;
const BUDGET = 8 * MiB;

interface Growth {
  heapGrowth: number;
  accounted: number | undefined;
  versions: number | undefined;
}

// Heap growth is measured in a process of its own, after full collections,
// so that nothing else this run keeps alive is counted.
async function grow(workload: string, ops: number): Promise<Growth> {
  const args = ["--expose-gc", "--import", "tsx", "test/faults/fixtures/memory-growth.ts", workload, String(BUDGET), String(ops)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: 60_000 });
  return JSON.parse(stdout) as Growth;
}

const mib = (n: number) => `${(n / MiB).toFixed(1)} MiB`;

function store(maxBytes: number, maxEntries = 1e9): MemoryStore {
  return new MemoryStore({ tagLifetimeMs: 3_600_000, maxEntries, maxBytes });
}

describe("fault: the embedded store grows without bound", function () {
  this.timeout(60_000);

  it("keeps nothing for 200,000 misses in new namespaces", async () => {
    const g = await grow("misses", 200_000);
    console.log(`      figures: heap grew ${mib(g.heapGrowth)}, ${g.accounted} bytes accounted`);
    expect(g.heapGrowth, "heap growth").to.be.below(4 * MiB);
    expect(g.accounted, "bytes accounted").to.equal(0);
  });

  it("stays within its budget under Invalidates of 1,000 random tags each", async () => {
    const g = await grow("invalidations", 300_000);
    console.log(`      figures: 300,000 tags invalidated, heap grew ${mib(g.heapGrowth)}, ${mib(g.accounted ?? NaN)} accounted, ${g.versions} versions kept`);
    expect(g.heapGrowth, "heap growth").to.be.below(BUDGET * 1.25);
    expect(g.accounted, "bytes accounted").to.be.at.most(BUDGET);
  });

  for (const workload of ["entries", "leases"]) {
    it(`stays within its budget with 100,000 ${workload}, counting their real size`, async () => {
      const g = await grow(workload, 100_000);
      console.log(`      figures: heap grew ${mib(g.heapGrowth)}, ${mib(g.accounted ?? NaN)} accounted`);
      expect(g.heapGrowth, "heap growth").to.be.below(BUDGET * 1.25);
      expect(g.accounted, "bytes accounted").to.be.at.most(BUDGET);
    });
  }

  describe("eviction, as Redis's allkeys-lru", () => {
    it("of a tag version makes its entries miss, and a new version does not revive them", async () => {
      const s = store(MiB);
      const tags = ["a-tag-with-a-long-name"];
      await s.set("ns", "old", bytes("old"), tags, 0);
      await s.get("ns", "absent", []); // reads the namespace version: the tag's is now the least recently used
      for (let i = 0; s.usage().evictions === 0; i++) await s.invalidate("filler", [`f${i}`]);
      expect(s.usage().entries, "the entry itself is kept").to.equal(1);
      const miss = (await s.get("ns", "old", tags)) as Miss;
      expect(isHit(miss)).to.equal(false);
      expect(miss.versions.tagVersions, "the tag has no version").to.deep.equal([undefined]);
      await s.set("ns", "new", bytes("new"), tags, 0);
      expect(isHit(await s.get("ns", "old", []))).to.equal(false);
      const found = await s.get("ns", "new", []);
      expect(isHit(found) ? text(found.value) : undefined).to.equal("new");
      await s.close();
    });

    it("of a namespace version makes all its entries miss", async () => {
      const s = store(MiB);
      await s.set("gone", "a", bytes("1"), [], 0);
      await s.set("gone", "b", bytes("2"), [], 0);
      // Least recently used first: entry a, the namespace version, entry b.
      for (let i = 0; s.usage().evictions < 2; i++) await s.invalidate("filler", [`f${i}`]);
      expect(s.usage().entries, "entry b is kept").to.equal(1);
      expect((await s.getMany("gone", [{ key: "a", tags: [] }, { key: "b", tags: [] }])).filter(isHit)).to.deep.equal([]);
      await s.close();
    });

    it("keeps recently read entries and evicts the least recently used", async () => {
      const s = store(MiB);
      const value = new Uint8Array(100_000);
      for (let i = 0; i < 9; i++) await s.set("ns", `k${i}`, value, [], 0);
      expect(isHit(await s.get("ns", "k0", [])), "k0 kept").to.equal(true);
      await s.set("ns", "k9", value, [], 0);
      await s.set("ns", "k10", value, [], 0); // past the budget: k1 goes, not k0
      const kept = async (k: string) => isHit(await s.get("ns", k, []));
      expect(await kept("k1"), "k1 evicted").to.equal(false);
      expect(await kept("k0"), "k0 read recently").to.equal(true);
      expect(await kept("k2")).to.equal(true);
      expect(s.usage().bytes).to.be.at.most(MiB);
      await s.close();
    });

    it("applies MEMORY_MAX_ENTRIES too, least recently used first", async () => {
      const s = store(MiB, 3);
      for (const k of ["a", "b", "c"]) await s.set("ns", k, bytes(k), [], 0);
      await s.get("ns", "a", []);
      await s.set("ns", "d", bytes("d"), [], 0);
      const hits = await s.getMany("ns", ["a", "b", "c", "d"].map((key) => ({ key, tags: [] })));
      expect(hits.map((h) => (isHit(h) ? text(h.value) : undefined))).to.deep.equal(["a", undefined, "c", "d"]);
      await s.close();
    });

    it("does not keep an entry larger than the budget, nor the value it replaces", async () => {
      const s = store(MiB);
      await s.set("ns", "k", bytes("small"), [], 0);
      await s.set("ns", "k", new Uint8Array(MiB), [], 0);
      expect(isHit(await s.get("ns", "k", []))).to.equal(false);
      expect(s.usage().bytes).to.be.at.most(MiB);
      await s.close();
    });

    it("of a lease lets the next caller take the lease, as an expired one would", async () => {
      const s = store(MiB);
      const id = (n: number) => new Uint8Array(16).fill(n);
      expect((await s.leases.acquire("ns", "k", [], id(1), 600_000)).state).to.equal("granted");
      expect((await s.leases.acquire("ns", "k", [], id(2), 600_000)).state).to.equal("busy");
      for (let i = 0; s.usage().evictions === 0; i++) await s.leases.acquire("ns", `other${i}`, [], id(3), 600_000);
      expect((await s.leases.acquire("ns", "k", [], id(2), 600_000)).state).to.equal("granted");
      expect(s.usage().bytes).to.be.at.most(MiB);
      await s.close();
    });
  });

  describe("under load with a budget far too small", () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer({ MEMORY_MAX_BYTES: String(MiB) });
    });
    after(async () => server?.stop());

    it("only misses, never serves a stale hit", async () => {
      const load = modelLoad(server.address);
      const filler = server.client("filler");
      const big = new Uint8Array(40_000);
      await Promise.all(Array.from({ length: 8 }, async (_, lane) => {
        for (let i = lane; i < 200; i += 8) await filler.set(`f${i}`, big, { tags: [`ft${i % 50}`] });
      }));
      await load.stop();
      const usage = (server.app.store as MemoryStore).usage();
      expect(usage.evictions).to.be.greaterThan(0);
      expect(usage.bytes).to.be.at.most(MiB);
      expect(load.recorded.flat().filter((r) => !r.ok)).to.deep.equal([]);
      for (const h of load.recorded) {
        const violations = checkHistory(h, { strictMisses: false });
        expect(violations, describeViolations(violations)).to.deep.equal([]);
      }
      console.log(`      figures: ${usage.evictions} records evicted under ${load.recorded.flat().length} model-checked operations; no stale hit`);
    });
  });
});
