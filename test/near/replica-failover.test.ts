import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, sleep, startTestServer, text, type TestServer } from "../helpers/app.js";
import { PRIMARY_NAME, RedisSentinelSetup } from "../helpers/redis-sentinel.js";
import { ask } from "../helpers/redis-server.js";
import { warm } from "./near-helpers.js";

/** Retries `call` through the failover's UNAVAILABLE answers; fails after `ms`. */
async function retrying<T>(call: () => Promise<T>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (Date.now() > end) throw err;
      await sleep(100);
    }
  }
}

// A Sentinel failover under two replicas: registrations were written with
// WAIT, subscriber connections follow the primary; once a write through B has
// returned after the failover, A's near-cache does not serve what it replaced.
describe("near-cache across server replicas: Sentinel failover", function () {
  this.timeout(90_000);
  let setup: RedisSentinelSetup;
  let a: TestServer;
  let b: TestServer;
  before(async () => {
    setup = await RedisSentinelSetup.start();
    const env = { REDIS_SENTINELS: setup.sentinelsVariable, REDIS_SENTINEL_NAME: PRIMARY_NAME, NEAR_LEASE_MS: "1000", REDIS_COMMAND_TIMEOUT_MS: "500" };
    a = await startTestServer(env);
    b = await startTestServer(env);
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await setup?.stop();
  });

  it("serves nothing stale on A after B's writes, across a SENTINEL FAILOVER", async () => {
    const near: TaggedCacheClient = a.client("fo", { nearCache: { maxBytes: 1 << 20 }, timeoutMs: 5000 });
    const writer = b.client("fo", { timeoutMs: 5000 });
    await writer.set("k", bytes("v0"));
    await warm(near, "k");
    const old = await setup.primary();
    await ask(setup.sentinels[0]!, (r) => r.call("SENTINEL", "FAILOVER", PRIMARY_NAME));
    const deadline = Date.now() + 30_000;
    while ((await setup.primary()) === old && Date.now() < deadline) await sleep(100);
    expect(await setup.primary()).to.not.equal(old);
    // The Sentinels would point the old primary at the new one within 10 s.
    await ask(old, async (r) => r.replicaof("127.0.0.1", (await setup.primary()).port));
    await setup.waitUntilHealthy();
    for (let i = 1; i <= 50; i++) {
      await retrying(() => writer.set("k", bytes(`v${i}`)));
      expect(text(await retrying(() => near.get("k")))).to.equal(`v${i}`);
      if (i % 10 === 0) await retrying(() => warm(near, "k", 5000));
    }
    expect(near.nearCacheStats!.hits, "near hits after the failover").to.be.greaterThan(1);
  });
});
