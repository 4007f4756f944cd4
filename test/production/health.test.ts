import { Writable } from "node:stream";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { pino } from "pino";
import { bytes, rejection, startTestServer, type TestServer } from "../helpers/app.js";
import { healthClient, type Health } from "../helpers/health.js";
import { RedisServer } from "../helpers/redis-server.js";
import { sample, scrape } from "../helpers/scrape.js";

describe("health follows the store", function () {
  let redis: RedisServer;
  let server: TestServer;
  let health: Health;
  const logs: string[] = [];
  before(async () => {
    redis = await RedisServer.start();
    const sink = new Writable({ write: (chunk, _enc, cb) => (logs.push(JSON.parse(String(chunk)).msg), cb()) });
    server = await startTestServer(
      { REDIS_URL: redis.url, METRICS_PORT: "0", REDIS_COMMAND_TIMEOUT_MS: "500" },
      pino({ level: "info" }, sink),
    );
    health = healthClient(server.address);
  });
  after(async () => {
    health.close();
    await server.stop();
    await redis.stop();
  });

  it("is SERVING while Redis answers, NOT_SERVING while it is down, SERVING again after", async () => {
    expect(await health.check()).to.equal("SERVING");
    expect(await health.check("")).to.equal("SERVING");
    const c = server.client("h");
    await c.set("k", bytes("v"));

    await redis.kill();
    await health.waitFor("NOT_SERVING");
    expect(await health.check("")).to.equal("NOT_SERVING");
    expect((await rejection(c.get("k"))).code).to.equal(status.UNAVAILABLE);

    await redis.launch();
    await health.waitFor("SERVING");
    expect(await c.get("k")).to.equal(undefined); // the restarted Redis is empty: a miss, not an error
    const m = await scrape(server.app.metricsPort!);
    expect(sample(m, "taggedcache_store_errors_total", { code: "unavailable" })).to.be.at.least(1);
    expect(sample(m, "taggedcache_store_reconnects_total")).to.equal(1);
    expect(sample(m, "taggedcache_store_up")).to.equal(1);
    // One line per loss and return, however many calls failed meanwhile.
    expect(logs.filter((l) => /^store (un)?reachable/.test(l))).to.deep.equal([
      "store reachable",
      "store unreachable; calls fail with UNAVAILABLE",
      "store reachable",
    ]);
  });
});
