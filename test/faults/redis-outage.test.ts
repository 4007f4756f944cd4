import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, rejection, startTestServer, text, type TestServer } from "../helpers/app.js";
import { RedisServer } from "../helpers/redis-server.js";
import { until } from "../model/load.js";

// This suite kills its own Redis, so it does not share one.
describe("Redis outage", () => {
  let redis: RedisServer;
  let server: TestServer;
  let c: TaggedCacheClient;

  before(async () => {
    redis = await RedisServer.start();
    server = await startTestServer({ REDIS_URL: redis.url });
    c = server.client();
  });
  after(async () => {
    await server?.stop();
    await redis?.stop();
  });

  it("fails calls promptly with UNAVAILABLE while Redis is down, then recovers by itself", async () => {
    await c.set("k", bytes("v"), { tags: ["a"] });
    expect(text(await c.get("k"))).to.equal("v");

    await redis.kill();
    const started = Date.now();
    expect((await rejection(c.get("k"))).code).to.equal(status.UNAVAILABLE);
    expect((await rejection(c.set("k", bytes("w")))).code).to.equal(status.UNAVAILABLE);
    expect((await rejection(c.invalidate("a"))).code).to.equal(status.UNAVAILABLE);
    expect((await rejection(c.getMany(["k"]))).code).to.equal(status.UNAVAILABLE);
    expect(Date.now() - started).to.be.below(3000, "failures come well before the 5 s deadline");
    expect(server.app.store.state).to.equal("unavailable");

    await redis.launch();
    // The server reconnects on its own.
    await until("a Set to succeed", () => c.set("k2", bytes("back")), 10_000);
    expect(text(await c.get("k2"))).to.equal("back");
    expect(await c.get("k")).to.equal(undefined, "Redis came back empty: the old entry misses");
    expect(server.app.store.state).to.equal("ready");
  });

  it("fails a call that Redis does not answer after the command timeout, not at the deadline", async () => {
    const paused = await RedisServer.start();
    const slow = await startTestServer({ REDIS_URL: paused.url, REDIS_COMMAND_TIMEOUT_MS: "300" });
    try {
      const client = slow.client();
      await client.set("k", bytes("v"));
      paused.signalProcess("SIGSTOP");
      const started = Date.now();
      expect((await rejection(client.get("k"))).code).to.equal(status.UNAVAILABLE);
      expect(Date.now() - started).to.be.within(250, 3500, "the command timeout answers, not the 5 s deadline");
      paused.signalProcess("SIGCONT");
      expect(await until("a hit once Redis answers", async () => text(await client.get("k")), 10_000)).to.equal("v");
    } finally {
      paused.signalProcess("SIGCONT");
      await slow.stop();
      await paused.stop();
    }
  });
});
