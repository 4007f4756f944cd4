import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import type { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, sleep, startTestServer, text, type TestServer } from "../helpers/app.js";
import { RedisServer } from "../helpers/redis-server.js";

async function codeOf(p: Promise<unknown>): Promise<number | "ok"> {
  try {
    await p;
    return "ok";
  } catch (err) {
    return (err as { code: number }).code;
  }
}

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
    expect(await codeOf(c.get("k"))).to.equal(status.UNAVAILABLE);
    expect(await codeOf(c.set("k", bytes("w")))).to.equal(status.UNAVAILABLE);
    expect(await codeOf(c.invalidate("a"))).to.equal(status.UNAVAILABLE);
    expect(await codeOf(c.getMany(["k"]))).to.equal(status.UNAVAILABLE);
    expect(Date.now() - started).to.be.below(1000, "failures come well before the 5 s deadline");
    expect(server.app.store.state).to.equal("unavailable");

    await redis.launch();
    const deadline = Date.now() + 5000;
    while ((await codeOf(c.set("k2", bytes("back")))) !== "ok") {
      expect(Date.now()).to.be.below(deadline, "the server reconnects on its own");
      await sleep(50);
    }
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
      expect(await codeOf(client.get("k"))).to.equal(status.UNAVAILABLE);
      expect(Date.now() - started).to.be.within(250, 2000);
      paused.signalProcess("SIGCONT");
      await sleep(100);
      expect(text(await client.get("k"))).to.equal("v");
    } finally {
      paused.signalProcess("SIGCONT");
      await slow.stop();
      await paused.stop();
    }
  });
});
