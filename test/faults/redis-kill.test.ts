import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { TaggedCacheError, type TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, sleep, startTestServer, type TestServer } from "../helpers/app.js";
import { healthStatus, NOT_SERVING, RawClient, SERVING } from "../helpers/raw-call.js";
import { RedisServer } from "../helpers/redis-server.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import { modelLoad, until } from "../model/load.js";

const SERVICE = "taggedcache.v1.TaggedCache";
// Calls get a deadline far beyond the bounds asserted below, so a call that
// waits for its deadline instead of failing fast cannot pass unnoticed.
const DEADLINE_MS = 30_000;
// README: calls "fail at once with UNAVAILABLE and succeed again as soon as
// it is back". Measured at well under a second; the bound allows a loaded
// machine and still catches a wait for the deadline.
const BOUND_MS = 5000;

describe("Redis killed under load", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let server: TestServer;
  let c: TaggedCacheClient;
  let raw: RawClient;

  before(async () => {
    redis = await RedisServer.start();
    server = await startTestServer({ REDIS_URL: redis.url });
    c = server.client("kill", { deadlineMs: DEADLINE_MS });
    raw = new RawClient(server.address);
  });
  after(async () => {
    raw?.close();
    await server?.stop();
    await redis?.stop();
  });

  it("fails fast with UNAVAILABLE, reports NOT_SERVING, recovers, and serves no wrong hit", async () => {
    for (let i = 0; i < 20; i++) await c.set(`old${i}`, bytes(`v${i}`), { tags: ["t"] });
    expect(await healthStatus(raw, SERVICE)).to.equal(SERVING);
    const load = modelLoad(server.address);
    await until("histories to run", async () => (load.recorded.length > 0 ? true : undefined));

    const killedAt = Date.now();
    await redis.kill();
    const failure = await until("a failure", async () => {
      try {
        await c.get("old0");
        return undefined;
      } catch (err) {
        return err as TaggedCacheError;
      }
    });
    const toFailure = Date.now() - killedAt;
    expect(failure.code, failure.message).to.equal(status.UNAVAILABLE);
    expect(toFailure, "ms from SIGKILL to the first UNAVAILABLE").to.be.below(BOUND_MS);
    await until("NOT_SERVING", async () => ((await healthStatus(raw, SERVICE)) === NOT_SERVING ? true : undefined));
    await sleep(300); // the outage, under load

    await redis.launch();
    const backAt = Date.now();
    await until("recovery", () => c.get("old0").then(() => true), DEADLINE_MS);
    const toRecovery = Date.now() - backAt;
    expect(toRecovery, "ms from Redis back to the first success").to.be.below(BOUND_MS);
    await until("SERVING", async () => ((await healthStatus(raw, SERVICE)) === SERVING ? true : undefined));
    // Once back, it stays back: the connection's timers from before the kill
    // must not tear down the new one.
    const steady = Date.now() + 1500;
    while (Date.now() < steady) {
      await c.get("old0");
      await sleep(10);
    }
    await load.stop();

    // Redis came back empty: every old entry misses.
    for (let i = 0; i < 20; i++) expect(await c.get(`old${i}`)).to.equal(undefined);
    const all = load.recorded.flat();
    const codes = new Set(all.filter((r) => !r.ok).map((r) => r.code));
    expect([...codes], "failure codes").to.deep.equal([status.UNAVAILABLE]);
    for (const h of load.recorded) {
      const violations = checkHistory(h, { strictMisses: false });
      expect(violations, describeViolations(violations)).to.deep.equal([]);
    }
    console.log(`      figures: first UNAVAILABLE ${toFailure} ms after SIGKILL, calls succeed ${toRecovery} ms after Redis is back; ` +
      `${all.length} operations in ${load.recorded.length} histories checked, ${all.filter((r) => !r.ok).length} failed UNAVAILABLE`);
  });
});
