import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import type { Entry, Lookup, TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { rejection, text, type TestServer } from "../helpers/app.js";
import { useTarget, type ContractTarget } from "./cache-contract.js";

/**
 * The budget a server under this contract must be started with (merge it
 * into the target's variables): small enough that a batch of a few keys
 * takes several store calls, which queue one at a time at the read gate.
 */
export const SMALL_BUDGET = { STORE_CALL_KEYS: "3", STORE_CALL_BYTES: "100", MAX_REPLY_BYTES: "2000", STORE_READS_IN_FLIGHT: "1" } as const;

const valueOf = (i: number): Uint8Array => new TextEncoder().encode(`v${i}:`.padEnd(10 + ((i * 37) % 60), "x"));

/** What a result shows a caller, to compare a split batch with lone Gets. */
const shown = (e: Entry | undefined) =>
  e && { value: text(e.value), tags: e.tags, lasts: e.ttlMs !== undefined, stale: e.staleMs !== undefined };

async function oneBatch(c: TaggedCacheClient, batch: (string | Lookup)[], graceMs?: number): Promise<(Entry | undefined)[]> {
  const out: (Entry | undefined)[][] = [];
  for await (const r of c.getManyStream([batch], { graceMs })) out.push(r);
  expect(out).to.have.length(1);
  return out[0]!;
}

/**
 * GetMany under a byte and key budget, on every store: a batch read in
 * several store calls answers exactly as lone Gets do (with grace too),
 * repeated keys are all
 * answered in order, and a reply past MAX_REPLY_BYTES fails naming the field
 * and the limit.
 */
export function getManyBudgetContract(name: string, target: Pick<ContractTarget, "start" | "flush">): void {
  describe(`GetMany budget: ${name}`, function () {
    let c: TaggedCacheClient;
    useTarget(target, (s: TestServer) => {
      c = s.client("budget");
    });

    it("answers a batch split over many store calls exactly as lone Gets do", async () => {
      for (let i = 0; i < 24; i++) {
        await c.set(`k${i}`, valueOf(i), { tags: i % 3 === 0 ? ["t", `own${i}`] : [], lifetimeMs: i % 2 === 0 ? 60_000 : 0 });
      }
      await c.invalidate(["own6"]);
      const batch: (string | Lookup)[] = [];
      for (let i = 23; i >= 0; i--) batch.push(`k${i}`, { key: `k${i}`, tags: i % 3 === 0 ? [`own${i}`, "t"] : ["t"] });
      batch.push("absent", "k5", "k5");
      const results = await oneBatch(c, batch);
      expect(results).to.have.length(batch.length);
      const lone = await Promise.all(batch.map((l) => (typeof l === "string" ? c.getEntry(l) : c.getEntry(l.key, { tags: l.tags }))));
      expect(results.map(shown)).to.deep.equal(lone.map(shown));
      expect(results.filter((r) => r !== undefined).length).to.equal(24 - 1 + 7 + 2);
    });

    it("answers a batch with grace split over many store calls as lone Gets with grace do, stale values marked", async () => {
      for (let i = 0; i < 12; i++) {
        await c.set(`g${i}`, valueOf(i), { tags: [i % 2 === 0 ? "even" : "odd"], lifetimeMs: 60_000, graceMs: 60_000 });
      }
      await c.invalidate(["even"]);
      const batch = Array.from({ length: 12 }, (_, i) => `g${i}`);
      const results = await oneBatch(c, batch, 60_000);
      const lone = await Promise.all(batch.map((k) => c.getEntry(k, { graceMs: 60_000 })));
      expect(results.map(shown)).to.deep.equal(lone.map(shown));
      expect(results.map((r) => r?.staleMs !== undefined)).to.deep.equal(batch.map((_, i) => i % 2 === 0));
      expect((await oneBatch(c, batch)).map((r) => r !== undefined)).to.deep.equal(batch.map((_, i) => i % 2 === 1));
    });

    it("answers every copy of a repeated key, in order", async () => {
      await c.set("a", new TextEncoder().encode("A"), { tags: ["x"] });
      await c.set("b", new TextEncoder().encode("B"));
      const batch = ["a", "b", "a", "none", { key: "a", tags: ["x"] }, { key: "a", tags: ["y"] }, "b", "a"];
      const results = await oneBatch(c, batch);
      expect(results.map((r) => text(r?.value))).to.deep.equal(["A", "B", "A", undefined, "A", undefined, "B", "A"]);
    });

    it("refuses a reply past MAX_REPLY_BYTES, repeated keys counted each time, naming the field and the limit", async () => {
      await c.set("big", new Uint8Array(1500));
      expect(await oneBatch(c, ["big"])).to.have.length(1);
      const err = await rejection(oneBatch(c, ["big", "big"]));
      expect(err.code).to.equal(status.RESOURCE_EXHAUSTED);
      expect(err.details).to.match(/^items: .*more than 2000 bytes.*MAX_REPLY_BYTES/);
    });
  });
}
