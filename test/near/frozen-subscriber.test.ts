import { expect } from "chai";
import type { Child } from "../../bench/lib/child.js";
import { bytes, sleep, startTestServer, type TestServer } from "../helpers/app.js";
import { NEAR_STORES, startClientProcess } from "./near-helpers.js";

const LEASE_MS = 1000;

// A subscriber that stops answering (frozen by SIGSTOP, or killed) holds a
// writer at most about one lease, and a frozen one serves nothing stale when
// it resumes: its lease, on its own monotonic clock, ran out meanwhile.
for (const [name, env] of NEAR_STORES) {
  describe(`near-cache, a subscriber that stops answering: ${name}`, function () {
    this.timeout(60_000);
    let server: TestServer;
    let child: Child;
    let pid: number;
    let ns: string;
    before(async () => (server = await startTestServer({ ...(await env()), NEAR_LEASE_MS: String(LEASE_MS) })));
    after(async () => server?.stop());
    beforeEach(async () => {
      ns = `frozen-${Math.random().toString(36).slice(2)}`;
      child = startClientProcess();
      await child.call("open", { address: server.address, namespace: ns, near: true });
      pid = await child.call<number>("pid");
    });
    afterEach(async () => {
      try {
        process.kill(pid, "SIGCONT");
      } catch {
        // already gone
      }
      await child.stop();
    });

    it("holds an Invalidate at most about one lease while frozen, and serves nothing stale after SIGCONT", async () => {
      const writer = server.client(ns);
      await writer.set("k", bytes("old"), { tags: ["t"] });
      expect(await child.call("warm", "k")).to.equal("old");
      process.kill(pid, "SIGSTOP");
      const frozenAt = performance.now();
      const t0 = performance.now();
      await writer.invalidate("t");
      const waited = performance.now() - t0;
      // It waited for the frozen lease (heartbeats every quarter lease: at
      // least half a lease was left), but not much longer than one lease.
      expect(waited).to.be.within(LEASE_MS / 4, LEASE_MS + 1500);
      // The subscriber is dropped: later writes do not wait for it.
      const t1 = performance.now();
      await writer.set("k", bytes("new"), { tags: ["t"] });
      expect(performance.now() - t1).to.be.below(LEASE_MS / 2);
      await sleep(Math.max(0, 1.5 * LEASE_MS - (performance.now() - frozenAt)));
      process.kill(pid, "SIGCONT");
      const seen = await child.call<{ value: string | null }>("get", "k");
      expect(seen.value).to.equal("new");
    });

    it("holds writers at most about one lease after the subscriber is killed", async () => {
      const writer = server.client(ns);
      await writer.set("k", bytes("v"), { tags: ["t"] });
      await child.call("warm", "k");
      process.kill(pid, "SIGKILL");
      const t0 = performance.now();
      await writer.invalidate("t");
      expect(performance.now() - t0).to.be.below(LEASE_MS + 1500);
    });

    it("does not hold writers once the subscriber closed its client", async () => {
      const writer = server.client(ns);
      await writer.set("k", bytes("v"), { tags: ["t"] });
      await child.call("warm", "k");
      await child.call("close");
      const t0 = performance.now();
      await writer.invalidate("t");
      expect(performance.now() - t0).to.be.below(LEASE_MS / 2);
    });
  });
}
