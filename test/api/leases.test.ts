import { expect } from "chai";
import { TaggedCacheClient, type CacheInfo } from "../../clients/typescript/src/index.js";
import { sleep, startTestServer, type TestServer } from "../helpers/app.js";
import { RedisServer, sharedRedis } from "../helpers/redis-server.js";

// A function that counts its runs and takes a while, as a slow query would.
function slowCounter(ms = 150) {
  const counter = {
    runs: 0,
    fn: async (id: number): Promise<{ id: number; run: number }> => {
      const run = ++counter.runs;
      await sleep(ms);
      return { id, run };
    },
  };
  return counter;
}

describe("leases end to end (Redis)", function () {
  let redis: RedisServer;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    redis = await sharedRedis();
    a = await startTestServer({ REDIS_URL: redis.url });
    b = await startTestServer({ REDIS_URL: redis.url });
  });
  after(async () => {
    await a?.stop();
    await b?.stop();
  });
  beforeEach(async () => {
    const r = redis.connect();
    await r.flushall();
    await r.quit();
  });

  it("runs the function once for 100 concurrent calls on a cold key, and all get its value", async () => {
    const c = new TaggedCacheClient(a.address, { logger: null });
    const counter = slowCounter();
    const get = c.cached(counter.fn, { tags: ["t"], lease: true });
    const results = await Promise.all(Array.from({ length: 100 }, () => get(7)));
    c.close();
    expect(counter.runs).to.equal(1);
    expect(results.every((r) => r.id === 7 && r.run === 1)).to.equal(true);
  });

  it("shares leases between two servers on one Redis", async () => {
    const ca = new TaggedCacheClient(a.address, { logger: null });
    const cb = new TaggedCacheClient(b.address, { logger: null });
    const counter = slowCounter();
    const getA = ca.cached(counter.fn, { lease: true });
    const getB = cb.cached(counter.fn, { lease: true });
    const calls = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? getA(1) : getB(1)));
    const results = await Promise.all(calls);
    ca.close();
    cb.close();
    expect(counter.runs).to.equal(1);
    expect(new Set(results.map((r) => r.run))).to.deep.equal(new Set([1]));
  });

  it("returns but does not cache a value computed while one of its tags was invalidated", async () => {
    const c = new TaggedCacheClient(a.address, { logger: null });
    const infos: CacheInfo[] = [];
    let runs = 0;
    const price = c.cached(
      async (sku: string) => {
        runs++;
        const value = `price of ${sku} read before the change`;
        await c.invalidate(`sku:${sku}`); // the data changes while we compute
        return value;
      },
      { name: "price", tags: (sku) => [`sku:${sku}`], lease: true, hooks: { onMiss: (i) => infos.push(i) } },
    );
    expect(await price("x")).to.equal("price of x read before the change");
    expect(infos[0]!.stored).to.equal(false);
    expect(await c.get('price("x")', { tags: ["sku:x"] })).to.equal(undefined);
    await price("x");
    expect(runs).to.equal(2);
    c.close();
  });

  it("lets waiters proceed once a crashed holder's lease expires, not later", async () => {
    const crashed = new TaggedCacheClient(a.address);
    const held = await crashed.read("job()", { lease: { lifetimeMs: 600 } });
    expect(held.leaseToken).to.not.equal(undefined);
    crashed.close(); // the holder dies without a Set or a Release
    const c = new TaggedCacheClient(b.address, { logger: null });
    const counter = slowCounter(10);
    const job = c.cached(async () => counter.fn(0), { key: "job()", lease: true });
    const start = Date.now();
    const results = await Promise.all(Array.from({ length: 20 }, () => job()));
    const elapsed = Date.now() - start;
    c.close();
    expect(counter.runs).to.equal(1);
    expect(results.every((r) => r.run === 1)).to.equal(true);
    // After the lease's 600 ms, well before the 10 s the waiters would wait.
    expect(elapsed).to.be.within(450, 600 + 1500);
  });

  it("releases the lease at once when the function throws, and the error reaches the caller", async () => {
    const c = new TaggedCacheClient(a.address, { logger: null });
    let runs = 0;
    const flaky = c.cached(
      async () => {
        runs++;
        await sleep(50);
        if (runs === 1) throw new Error("backend down");
        return "ok";
      },
      { key: "flaky", lease: { lifetimeMs: 60_000 } },
    );
    const first = flaky();
    await sleep(20);
    const second = flaky(); // waits for the first, then takes the released lease
    const err = await first.then(() => undefined, (e: Error) => e);
    expect(err?.message).to.equal("backend down");
    expect(await second).to.equal("ok");
    expect(runs).to.equal(2);
    c.close();
  });
});

describe("a failing cache behaves as a miss at the high level", function () {
  it("runs the function and reports the error when Redis is down", async () => {
    const redis = await RedisServer.start();
    const server = await startTestServer({ REDIS_URL: redis.url });
    const errors: unknown[] = [];
    const warnings: string[] = [];
    const c = new TaggedCacheClient(server.address, {
      hooks: { onError: (err) => errors.push(err) },
      logger: { warn: (m) => warnings.push(m) },
      retry: { attempts: 2, initialBackoffMs: 10 },
    });
    try {
      let runs = 0;
      const f = c.cached(async (x: number) => (runs++, x * 2), { name: "double", tags: ["t"], lease: true });
      expect(await f(2)).to.equal(4);
      await redis.stop();
      expect(await f(3)).to.equal(6);
      expect(runs).to.equal(2);
      expect(errors).to.have.length(1);
      expect((errors[0] as { code: number }).code).to.equal(14); // UNAVAILABLE
      expect(warnings[0]).to.match(/treated as a miss/);
    } finally {
      c.close();
      await server.stop();
      await redis.stop();
    }
  });
});
