import { expect } from "chai";
import { FactoryTimeoutError, type TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { sleep, startTestServer, type TestServer } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";

// Long beside a loaded machine's call latency, so that "answered before the
// function ended" is a clear-cut condition.
const FACTORY_MS = 2_500;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

// Grace seen from cached(): stale-while-revalidate and stale-if-error.
describe("grace in cached()", function () {
  this.timeout(30_000);
  let server: TestServer;
  let c: TaggedCacheClient;
  before(async () => {
    server = await startTestServer({ REDIS_URL: (await sharedRedis()).url });
    c = server.client();
  });
  after(async () => server?.stop());
  beforeEach(async () => {
    const redis = (await sharedRedis()).connect();
    await redis.flushall();
    await redis.quit();
  });

  // 100 readers of a hot key right after its invalidation; figures printed.
  async function stampede(graceMs: number | undefined) {
    let version = "v1";
    let runs = 0;
    let factoryEnd = Infinity;
    const load = c.cached(
      async function hot() {
        runs++;
        await sleep(FACTORY_MS);
        if (version === "v2") factoryEnd = performance.now();
        return version;
      },
      { key: `hot-${graceMs ?? "none"}`, tags: ["hot"], lease: { waitMs: 10_000 }, graceMs },
    );
    expect(await load()).to.equal("v1");
    runs = 0;
    version = "v2";
    await c.invalidate(["hot"]);
    const latencies: number[] = [];
    const answeredAt: number[] = [];
    const values = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const t0 = performance.now();
        const v = await load();
        answeredAt.push(performance.now());
        latencies.push(performance.now() - t0);
        return v;
      }),
    );
    expect(await load()).to.equal("v2");
    latencies.sort((a, b) => a - b);
    const beforeRefresh = answeredAt.filter((t) => t < factoryEnd).length;
    return { runs, values, latencies, beforeRefresh };
  }

  it("answers 100 readers of an invalidated hot key at once with the stale value; the function runs once", async () => {
    const graced = await stampede(60_000);
    const waiting = await stampede(undefined);
    const fmt = (l: number[]) => `p50 ${percentile(l, 50).toFixed(1)} ms, p99 ${percentile(l, 99).toFixed(1)} ms, max ${l.at(-1)!.toFixed(1)} ms`;
    console.log(`      with grace:    ${fmt(graced.latencies)}; function runs ${graced.runs}`);
    console.log(`      without grace: ${fmt(waiting.latencies)}; function runs ${waiting.runs}`);
    expect(graced.runs).to.equal(1);
    expect(graced.values.filter((v) => v === "v1")).to.have.length(99);
    expect(graced.values.filter((v) => v === "v2")).to.have.length(1);
    // All but the refresher were answered without waiting for the function.
    expect(graced.beforeRefresh).to.equal(99);
    expect(waiting.runs).to.equal(1);
    expect(waiting.values.every((v) => v === "v2")).to.equal(true);
    expect(waiting.beforeRefresh).to.equal(0);
  });

  it("serves the stale value while the function fails, until the grace runs out; then the error", async () => {
    const grace = 600;
    let failing = false;
    const errors: unknown[] = [];
    const load = c.cached(
      async function flaky() {
        if (failing) throw new Error("source down");
        return "good";
      },
      { tags: ["src"], graceMs: grace, hooks: { onError: (err) => errors.push(err) } },
    );
    expect(await load()).to.equal("good");
    failing = true;
    await c.invalidate(["src"]);
    const invalidated = performance.now();
    let served = 0;
    let failure: unknown;
    while (failure === undefined && performance.now() - invalidated < 10_000) {
      try {
        expect(await load()).to.equal("good");
        served++;
      } catch (err) {
        failure = err;
      }
      await sleep(25);
    }
    expect(served).to.be.at.least(2);
    expect((failure as Error).message).to.equal("source down");
    expect(performance.now() - invalidated).to.be.at.least(grace - 50);
    expect(errors.length).to.be.at.least(served);
  });

  it("returns the stale value after the soft timeout and stores the late result", async () => {
    let version = "v1";
    const load = c.cached(
      async function slow() {
        if (version === "v2") await sleep(1_000);
        return version;
      },
      { tags: ["slow"], graceMs: 60_000, softTimeoutMs: 50 },
    );
    expect(await load()).to.equal("v1");
    version = "v2";
    await c.invalidate(["slow"]);
    const t0 = performance.now();
    expect(await load()).to.equal("v1");
    expect(performance.now() - t0).to.be.below(900);
    const deadline = Date.now() + 10_000;
    let now: string | undefined;
    while (Date.now() < deadline && (now = await c.getValue<string>("slow()")) !== "v2") await sleep(50);
    expect(now).to.equal("v2");
  });

  it("rejects with FactoryTimeoutError past the hard timeout when no stale value can stand in", async () => {
    const load = c.cached(
      async function stuck() {
        await sleep(2_000);
        return "late";
      },
      { graceMs: 60_000, hardTimeoutMs: 100 },
    );
    const err = await load().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(FactoryTimeoutError);
  });
});
