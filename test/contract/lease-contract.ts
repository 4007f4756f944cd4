import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, rejection, sleep, text, type TestServer } from "../helpers/app.js";
import { useTarget, type ContractTarget } from "./cache-contract.js";

const INVALID_ARGUMENT = 3;
// The namespace of the client the contract uses.
const NS = "default";

/** Version tokens and leases: the same behaviour from every store. */
export function leaseContract(name: string, target: ContractTarget): void {
  describe(`lease contract: ${name}`, function () {
    let server: TestServer;
    let c: TaggedCacheClient;
    useTarget(target, (s) => {
      server = s;
      c = s.client();
    });

    describe("version tokens", () => {
      it("come with every miss and none with a hit", async () => {
        await c.set("other", bytes("x"), { tags: ["a"] });
        const miss = await c.read("k", { tags: ["a"] });
        expect(miss.entry).to.equal(undefined);
        expect(miss.versionToken).to.be.instanceOf(Uint8Array);
        expect(await c.set("k", bytes("v"), { tags: ["a"], versionToken: miss.versionToken })).to.equal(true);
        const hit = await c.read("k", { tags: ["a"] });
        expect(text(hit.entry?.value)).to.equal("v");
        expect(hit.versionToken).to.equal(undefined);
      });

      it("refuse a Set after a covered tag was invalidated, storing nothing", async () => {
        await c.set("other", bytes("x"), { tags: ["a", "b"] });
        const miss = await c.read("k", { tags: ["a", "b"] });
        await c.invalidate("b");
        expect(await c.set("k", bytes("stale"), { tags: ["a", "b"], versionToken: miss.versionToken })).to.equal(false);
        expect(await c.get("k")).to.equal(undefined);
      });

      it("refuse a Set after the namespace was invalidated", async () => {
        await c.set("other", bytes("x"));
        const miss = await c.read("k");
        await c.invalidateAll();
        expect(await c.set("k", bytes("stale"), { versionToken: miss.versionToken })).to.equal(false);
        expect(await c.get("k")).to.equal(undefined);
      });

      it("let a Set through when only other tags were invalidated", async () => {
        await c.set("other", bytes("x"), { tags: ["a", "z"] });
        const miss = await c.read("k", { tags: ["a"] });
        await c.invalidate("z");
        expect(await c.set("k", bytes("v"), { tags: ["a"], versionToken: miss.versionToken })).to.equal(true);
        expect(text(await c.get("k"))).to.equal("v");
      });

      it("refuse a Set after a miss that saw no version, and create it, so the next miss's Set stores", async () => {
        const first = await c.read("k", { tags: ["a"] });
        expect(await c.set("k", bytes("early"), { tags: ["a"], versionToken: first.versionToken })).to.equal(false);
        expect(await c.get("k")).to.equal(undefined);
        const second = await c.read("k", { tags: ["a"] });
        expect(await c.set("k", bytes("v"), { tags: ["a"], versionToken: second.versionToken })).to.equal(true);
        expect(text(await c.get("k"))).to.equal("v");
      });

      // Issue 11, fault 4: the miss saw no version; an Invalidate created one,
      // which was then evicted, so the Set finds none again.
      it("refuse a Set when a tag the miss saw absent was invalidated and its version evicted", async () => {
        await c.set("other", bytes("x"));
        const miss = await c.read("k", { tags: ["a"] });
        await c.invalidate("a");
        await target.evictVersion(server, NS, "a");
        expect(await c.set("k", bytes("stale"), { tags: ["a"], versionToken: miss.versionToken })).to.equal(false);
        expect(await c.get("k")).to.equal(undefined);
      });

      it("refuse a Set when the namespace the miss saw absent was invalidated and its version evicted", async () => {
        const miss = await c.read("k");
        await c.invalidateAll();
        await target.evictVersion(server, NS, undefined);
        expect(await c.set("k", bytes("stale"), { versionToken: miss.versionToken })).to.equal(false);
        expect(await c.get("k")).to.equal(undefined);
      });

      it("must cover the Set's tags", async () => {
        const miss = await c.read("k", { tags: ["a"] });
        const err = await rejection(c.set("k", bytes("v"), { tags: ["a", "b"], versionToken: miss.versionToken }));
        expect(err.code).to.equal(INVALID_ARGUMENT);
        expect(err.details).to.match(/^version_token: .*"b"/);
      });

      it("are checked for form", async () => {
        const err = await rejection(c.set("k", bytes("v"), { versionToken: bytes("forged") }));
        expect(err.code).to.equal(INVALID_ARGUMENT);
        expect(err.details).to.match(/^version_token: /);
      });
    });

    describe("leases", () => {
      it("go to the first caller; the next one is told to wait, or waits for the value", async () => {
        const first = await c.read("k", { tags: ["a"], lease: true });
        expect(first.leaseToken).to.be.instanceOf(Uint8Array);
        expect(first.leaseLifetimeMs).to.equal(server.config.leases.leaseLifetimeMs);
        const impatient = await c.read("k", { tags: ["a"], lease: { waitMs: 0 } });
        expect(impatient.leaseToken).to.equal(undefined);
        expect(impatient.versionToken).to.be.instanceOf(Uint8Array);
        const waiting = c.read("k", { tags: ["a"], lease: true });
        await sleep(50);
        expect(await c.set("k", bytes("v"), { tags: ["a"], leaseToken: first.leaseToken })).to.equal(true);
        const r = await waiting;
        expect(text(r.entry?.value)).to.equal("v");
        expect(r.waited).to.equal(true);
      });

      it("pass to a waiter at once when released", async () => {
        const first = await c.read("k", { lease: true });
        const waiting = c.read("k", { lease: { lifetimeMs: 5000 } });
        await sleep(50);
        expect(await c.release("k", first.leaseToken!)).to.equal(true);
        const r = await waiting;
        expect(r.leaseToken).to.be.instanceOf(Uint8Array);
        expect(r.waited).to.equal(true);
        expect(await c.release("k", first.leaseToken!)).to.equal(false);
      });

      it("pass to a waiter when they expire", async () => {
        await c.read("k", { lease: { lifetimeMs: 300 } });
        const r = await c.read("k", { lease: true });
        expect(r.leaseToken).to.be.instanceOf(Uint8Array);
        expect(r.waited).to.equal(true);
      });

      it("give up waiting after the wait and answer a miss without a lease", async () => {
        await c.read("k", { lease: true });
        const r = await c.read("k", { lease: { waitMs: 100 } });
        expect(r.entry).to.equal(undefined);
        expect(r.leaseToken).to.equal(undefined);
        expect(r.waited).to.equal(true);
      });

      it("carry real versions: the holder's Set stores the first time, for a tag never seen", async () => {
        const first = await c.read("k", { tags: ["new"], lease: true });
        expect(await c.set("k", bytes("v"), { tags: ["new"], leaseToken: first.leaseToken })).to.equal(true);
        expect(text(await c.get("k"))).to.equal("v");
      });

      it("end with a Set refused for a version token that saw a version absent", async () => {
        const plain = await c.read("k", { tags: ["a"] });
        const leased = await c.read("k", { tags: ["a"], lease: true });
        const tokens = { versionToken: plain.versionToken, leaseToken: leased.leaseToken };
        expect(await c.set("k", bytes("early"), { tags: ["a"], ...tokens })).to.equal(false);
        const next = await c.read("k", { tags: ["a"], lease: { waitMs: 0 } });
        expect(next.leaseToken).to.be.instanceOf(Uint8Array);
      });

      it("end with a refused Set, and the next caller gets the lease", async () => {
        await c.set("other", bytes("x"), { tags: ["a"] });
        const first = await c.read("k", { tags: ["a"], lease: true });
        await c.invalidate("a");
        expect(await c.set("k", bytes("stale"), { tags: ["a"], leaseToken: first.leaseToken })).to.equal(false);
        const next = await c.read("k", { tags: ["a"], lease: { waitMs: 0 } });
        expect(next.leaseToken).to.be.instanceOf(Uint8Array);
      });

      it("are refused beyond the server's limit", async () => {
        const max = server.config.leases.maxLeaseLifetimeMs;
        const err = await rejection(c.read("k", { lease: { lifetimeMs: max + 1 } }));
        expect(err.code).to.equal(INVALID_ARGUMENT);
        expect(err.details).to.equal(`lease.lifetime_ms: must be at most ${max} ms (got ${max + 1})`);
      });
    });
  });
}
