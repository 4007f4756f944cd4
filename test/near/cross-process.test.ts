import { expect } from "chai";
import type { Child } from "../../bench/lib/child.js";
import { bytes, startTestServer, text, type TestServer } from "../helpers/app.js";
import { NEAR_STORES, staleAfterInvalidates, startClientProcess, warm } from "./near-helpers.js";

const ROUNDS = 1000;

// The guarantee seen from two processes: once another process's Invalidate
// (or Set) has returned, this process's next read cannot be the old value,
// although that value was a near hit just before.
for (const [name, env] of NEAR_STORES) {
  describe(`near-cache across processes: ${name}`, function () {
    this.timeout(120_000);
    let server: TestServer;
    let writer: Child;
    before(async () => {
      server = await startTestServer(await env());
      writer = startClientProcess();
    });
    after(async () => {
      await writer?.stop();
      await server?.stop();
    });

    it(`misses right after another process's Invalidate returns, ${ROUNDS} times in a row`, async () => {
      const ns = `xp-${Math.random().toString(36).slice(2)}`;
      await writer.call("open", { address: server.address, namespace: ns, near: false });
      const near = server.client(ns, { nearCache: { maxBytes: 16 << 20 }, timeoutMs: 30_000 });
      const stale = await staleAfterInvalidates(near, ROUNDS, (tag) => writer.call("invalidate", [tag]));
      expect(stale).to.equal(0);
    });

    it("reads another process's Set right after it returns, never the near copy it replaced", async () => {
      const ns = `xs-${Math.random().toString(36).slice(2)}`;
      await writer.call("open", { address: server.address, namespace: ns, near: false });
      const near = server.client(ns, { nearCache: { maxBytes: 1 << 20 } });
      await near.set("k", bytes("v0"));
      for (let i = 1; i <= 100; i++) {
        await warm(near, "k");
        await writer.call("set", { key: "k", value: `v${i}`, tags: [] });
        expect(text(await near.get("k"))).to.equal(`v${i}`);
      }
    });
  });
}
