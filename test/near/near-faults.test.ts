import { existsSync } from "node:fs";
import { expect } from "chai";
import fc from "fast-check";
import { sleep, startTestServer, type TestServer } from "../helpers/app.js";
import { RedisServer } from "../helpers/redis-server.js";
import { seedFor } from "../helpers/seed.js";
import { BUILT_ENTRY, ServerProcess } from "../helpers/server-process.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import { historyArb, SMALL_SHAPE } from "../model/history.js";
import { runHistory, type Recorded } from "../model/run-history.js";
import { nearTarget } from "./near-target.js";

/** Histories with near-caching readers back to back on `loops` loops until `stop()`. */
function nearLoad(address: string, loops = 3) {
  let running = true;
  const recorded: Recorded[][] = [];
  let hits = 0;
  const base = seedFor("near model load", 0);
  // Loads share a Redis: namespaces of their own keep them apart.
  const run = Math.random().toString(36).slice(2, 8);
  const loop = async (l: number) => {
    for (let i = 0; running; i++) {
      const [history] = fc.sample(historyArb(), { numRuns: 1, seed: base + l * 100_000 + i });
      const target = nearTarget(address, `nearload${run}.${l}.${i}-`, 3000);
      try {
        await target.warmUp(SMALL_SHAPE.namespaces).catch(() => {});
        recorded.push(await runHistory(history!, target));
        hits += target.nearHits();
      } finally {
        target.close();
      }
    }
  };
  const done = Promise.all(Array.from({ length: loops }, (_, l) => loop(l)));
  return {
    recorded,
    hits: () => hits,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

function expectNoStaleRead(recorded: Recorded[][]): void {
  for (const h of recorded) {
    const violations = checkHistory(h, { strictMisses: false });
    expect(violations, describeViolations(violations)).to.deep.equal([]);
  }
}

// Faults under a near-caching model load: no stale read, before, during or after.
describe("near-cache under faults", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  before(async () => (redis = await RedisServer.start()));
  after(async () => redis?.stop());

  it("Redis killed and restarted: no stale read", async () => {
    const server: TestServer = await startTestServer({ REDIS_URL: redis.url, NEAR_CACHE: "on", NEAR_LEASE_MS: "1000" });
    try {
      const load = nearLoad(server.address);
      await sleep(1500);
      await redis.kill();
      await sleep(500);
      await redis.launch();
      await sleep(2000);
      await load.stop();
      const all = load.recorded.flat();
      expect(all.some((r) => !r.ok), "calls failed during the outage").to.equal(true);
      expect(load.hits(), "near hits").to.be.greaterThan(0);
      expectNoStaleRead(load.recorded);
    } finally {
      await server.stop();
    }
  });

  it("the server process killed and restarted: no stale read", async () => {
    expect(existsSync(BUILT_ENTRY[0]!), "dist/ missing: run make build (make test does)").to.equal(true);
    const env = { REDIS_URL: redis.url, NEAR_CACHE: "on", NEAR_LEASE_MS: "1000" };
    let proc: ServerProcess | undefined = await ServerProcess.start(env, [], BUILT_ENTRY);
    const { port, address } = proc;
    try {
      const load = nearLoad(address);
      await sleep(1500);
      await proc.stop("SIGKILL");
      proc = undefined;
      await sleep(300);
      proc = await ServerProcess.start({ ...env, PORT: String(port) }, [], BUILT_ENTRY);
      await sleep(2000);
      await load.stop();
      expect(load.recorded.flat().some((r) => !r.ok), "calls failed while the server was down").to.equal(true);
      expect(load.hits(), "near hits").to.be.greaterThan(0);
      expectNoStaleRead(load.recorded);
    } finally {
      await proc?.stop();
    }
  });
});
