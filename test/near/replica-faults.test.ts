import { expect } from "chai";
import type { Child } from "../../bench/lib/child.js";
import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { scriptSource } from "../../server/src/store/redis/scripts.js";
import { KeyScheme } from "../../server/src/store/keys.js";
import { bytes, sleep, startTestServer, type TestServer } from "../helpers/app.js";
import { ask, RedisServer } from "../helpers/redis-server.js";
import { ServerProcess } from "../helpers/server-process.js";
import { startClientProcess, until, warm } from "./near-helpers.js";

const LEASE_MS = 1000;

// Faults of one replica seen from another: a frozen subscriber, a killed
// replica and a replica that renews its registration but never acknowledges
// hold the other replica's writers about one lease, then no more.
describe("near-cache across server replicas: faults", function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let a: TestServer;
  let b: TestServer;
  const env = () => ({ REDIS_URL: redis.url, NEAR_LEASE_MS: String(LEASE_MS) });
  const fresh = (what: string) => `${what}-${Math.random().toString(36).slice(2)}`;
  before(async () => {
    redis = await RedisServer.start();
    a = await startTestServer(env());
    b = await startTestServer(env());
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
    await redis?.stop();
  });

  it("a frozen subscriber of A holds B's Invalidate about one lease, and serves nothing stale after SIGCONT", async () => {
    const ns = fresh("frozen");
    const child: Child = startClientProcess();
    try {
      await child.call("open", { address: a.address, namespace: ns, near: true });
      const pid = await child.call<number>("pid");
      const writer = b.client(ns);
      await writer.set("k", bytes("old"), { tags: ["t"] });
      expect(await child.call("warm", "k")).to.equal("old");
      process.kill(pid, "SIGSTOP");
      const frozenAt = performance.now();
      await writer.invalidate("t");
      expect(performance.now() - frozenAt).to.be.within(LEASE_MS / 4, LEASE_MS + 1500);
      // Dropped by A: later writes on B do not wait for it.
      const t1 = performance.now();
      await writer.set("k", bytes("new"), { tags: ["t"] });
      expect(performance.now() - t1).to.be.below(LEASE_MS / 2);
      await sleep(Math.max(0, 1.5 * LEASE_MS - (performance.now() - frozenAt)));
      process.kill(pid, "SIGCONT");
      expect((await child.call<{ value: string | null }>("get", "k")).value).to.equal("new");
    } finally {
      await child.stop();
    }
  });

  it("replica A killed: B's writes wait about one lease for its registration to lapse, then not at all", async () => {
    const ns = fresh("killed");
    const proc = await ServerProcess.start(env());
    const near = new TaggedCacheClient(proc.address, { namespace: ns, nearCache: { maxBytes: 1 << 20 } });
    try {
      const writer = b.client(ns);
      await writer.set("k", bytes("v"), { tags: ["t"] });
      await warm(near, "k");
      await proc.stop("SIGKILL");
      const t0 = performance.now();
      await writer.invalidate("t");
      // Renewed at most a quarter lease before it died: half a lease was left.
      expect(performance.now() - t0).to.be.within(LEASE_MS / 4, LEASE_MS + 1500);
      const t1 = performance.now();
      await writer.invalidate("t");
      expect(performance.now() - t1).to.be.below(LEASE_MS / 2);
    } finally {
      near.close();
      proc.proc.kill("SIGKILL");
    }
  });

  it("a replica that renews but never acknowledges is evicted: the write waits at most about two leases, its renewals then fail", async () => {
    const ns = fresh("silent");
    const key = new KeyScheme(b.config.store.keyPrefix).forNamespace(ns).watchersKey;
    // A registration as a server would make it, renewed every quarter lease,
    // whose events go nowhere (as if its subscriber connection were dead).
    const member = "5113e47.1";
    const register = (mode: string) => ask(redis, (r) => r.eval(scriptSource("near-register.lua"), 1, key, member, LEASE_MS, mode));
    expect(await register("join")).to.equal(1);
    let refused = false;
    const renewing = (async () => {
      while (!refused) {
        await sleep(LEASE_MS / 4);
        refused = (await register("renew")) === 0;
      }
    })();
    try {
      const writer = b.client(ns);
      const t0 = performance.now();
      await writer.invalidate("t");
      expect(performance.now() - t0).to.be.within(LEASE_MS / 2, 2 * LEASE_MS + 1500);
      await until(() => refused, 5000);
      expect(await ask(redis, (r) => r.zscore(key, `${member}/evicted`)), "evicted, still waited for").to.not.equal(null);
      // Once the evicted registration's expiry passed, writes do not wait.
      await sleep(LEASE_MS + 100);
      const t1 = performance.now();
      await writer.invalidate("t");
      expect(performance.now() - t1).to.be.below(LEASE_MS / 2);
    } finally {
      refused = true;
      await renewing;
    }
  });
});
