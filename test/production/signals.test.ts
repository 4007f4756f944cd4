import { writeFileSync } from "node:fs";
import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, rejection, text } from "../helpers/app.js";
import { until } from "../model/load.js";
import { healthClient } from "../helpers/health.js";
import { freePort, RedisServer, sharedRedis } from "../helpers/redis-server.js";
import { scrape } from "../helpers/scrape.js";
import { ServerProcess } from "../helpers/server-process.js";
import { tokensJson, writeTokensFile, type TestToken } from "../helpers/tokens.js";

const OLD: TestToken = { token: "old-secret-a1", id: "old", namespaces: ["p"], permissions: ["read", "write"] };
const NEW: TestToken = { token: "new-secret-b2", id: "new", namespaces: ["p"], permissions: ["read"] };

/** Waits until the server's metrics count at least `n` calls in flight. */
async function callsInFlight(metricsPort: number, n: number): Promise<void> {
  await until(`${n} calls in flight`, async () => {
    const total = (await scrape(metricsPort))
      .filter((s) => s.name === "taggedcache_calls_in_flight")
      .reduce((sum, s) => sum + s.value, 0);
    return total >= n ? true : undefined;
  }, 15_000);
}

/**
 * A server process with metrics, on a Redis of its own that the test freezes
 * with SIGSTOP to hold calls inside the server; a 15 s command timeout keeps
 * held calls from failing meanwhile.
 */
async function startOnOwnRedis(graceMs: number) {
  const redis = await RedisServer.start();
  const metricsPort = await freePort();
  const server = await ServerProcess.start({
    REDIS_URL: redis.url, KEY_PREFIX: "proc", METRICS_PORT: String(metricsPort),
    SHUTDOWN_GRACE_MS: String(graceMs), REDIS_COMMAND_TIMEOUT_MS: "15000",
  });
  return { redis, server, metricsPort };
}

describe("the server process", function () {
  this.timeout(60_000);
  const clients: TaggedCacheClient[] = [];
  const client = (address: string, token?: string) => {
    const c = new TaggedCacheClient(address, { namespace: "p", token });
    clients.push(c);
    return c;
  };
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  it("re-reads the tokens file on SIGHUP without dropping connections, keeping the old tokens if it is broken", async () => {
    const file = writeTokensFile([OLD]);
    const server = await ServerProcess.start({ TOKENS_FILE: file, REDIS_URL: (await sharedRedis()).url, KEY_PREFIX: "proc" });
    try {
      const old = client(server.address, OLD.token);
      await old.set("k", bytes("v"));
      // A stream opened before the reload, fed one batch at a time.
      let next!: (keys: string[]) => void;
      const batches = (async function* () {
        for (;;) yield await new Promise<string[]>((r) => (next = r));
      })();
      const stream = old.getManyStream(batches);
      const firstReply = stream.next();
      await until("the stream to ask for a batch", async () => (next === undefined ? undefined : true));
      next(["k"]);
      expect(text((await firstReply).value![0]?.value)).to.equal("v");

      writeFileSync(file, tokensJson([OLD, NEW]));
      server.proc.kill("SIGHUP");
      expect((await server.waitForLog(/^tokens reloaded$/)).tokens).to.equal(2);
      const quiet = server.logs().length;
      for (let i = 0; i < 20; i++) expect(text(await client(server.address, NEW.token).get("k"))).to.equal("v");
      expect(server.logs().length).to.equal(quiet); // no line per successful call
      const secondReply = stream.next();
      next(["k"]);
      expect(text((await secondReply).value![0]?.value)).to.equal("v");

      writeFileSync(file, '{"tokens": [{"id": "broken"}]}');
      server.proc.kill("SIGHUP");
      const refused = await server.waitForLog(/tokens file not reloaded/);
      expect(refused.reason).to.match(/tokens\[0\]\.sha256/);
      expect(text(await old.get("k"))).to.equal("v");
      expect(server.proc.exitCode).to.equal(null);
      expect(server.logs().map((l) => l.msg)).to.include.members(["configuration", "authentication on"]);
      expect(server.lines.join("\n")).not.to.include(OLD.token);
      expect(server.lines.join("\n")).not.to.include(NEW.token);
      await stream.return(undefined);
    } finally {
      server.proc.kill("SIGTERM");
      await server.exited;
    }
  });

  it("drains on SIGTERM: NOT_SERVING first, in-flight calls finish, then exit 0", async () => {
    const { redis, server, metricsPort } = await startOnOwnRedis(10_000);
    const c = client(server.address);
    await c.set("k", bytes("v"));
    const health = healthClient(server.address);
    const seen: string[] = [];
    const watch = (health.client as unknown as { watch: Function }).watch({ service: "taggedcache.v1.TaggedCache" });
    watch.on("data", (r: { status: string }) => seen.push(r.status));
    watch.on("error", () => seen.push("(watch ended)"));
    try {
      await until("the health watch to report", async () => (seen.length > 0 ? true : undefined));
      // Calls are in flight when SIGTERM lands, and still are once the
      // server is draining.
      redis.pause();
      const load = Array.from({ length: 40 }, (_, i) =>
        i % 2 ? c.get("k").then(text) : c.getMany(["k", "x"]).then((m) => text(m.get("k")?.value)),
      );
      await callsInFlight(metricsPort, 40);
      server.proc.kill("SIGTERM");
      await server.waitForLog(/^draining$/);
      expect(server.proc.exitCode).to.equal(null, "waits for the calls in flight");
      redis.resume();
      const t0 = Date.now();
      const results = await Promise.allSettled(load);
      const code = await server.exited;
      const drainMs = Date.now() - t0;
      console.log(`      40 calls in flight finished and the server exited ${drainMs} ms after Redis answered again`);

      expect(results.map((r) => (r.status === "fulfilled" ? r.value : String(r.reason)))).to.deep.equal(Array(40).fill("v"));
      expect(code).to.equal(0);
      expect(seen).to.deep.equal(["SERVING", "NOT_SERVING", "(watch ended)"]);
      expect((await rejection(c.get("k"))).code).to.equal(status.UNAVAILABLE);
      expect(server.logs().map((l) => l.msg)).to.include.members(["draining", "stopped"]);
    } finally {
      redis.resume();
      health.close();
      await server.stop("SIGKILL");
      await redis.stop();
    }
  });

  it("cancels calls still running when the grace runs out, and still exits 0", async () => {
    const { redis, server, metricsPort } = await startOnOwnRedis(300);
    const c = client(server.address);
    await c.set("k", bytes("v"));
    try {
      redis.pause();
      const slow = c.get("k").then(() => "answered", (e: { code: number }) => status[e.code]);
      await callsInFlight(metricsPort, 1);
      const t0 = Date.now();
      server.proc.kill("SIGTERM");
      expect(await slow).to.equal("CANCELLED");
      expect(await server.exited).to.equal(0);
      const drainMs = Date.now() - t0;
      console.log(`      drain past a grace of 300 ms took ${drainMs} ms`);
      // It waited neither for Redis (frozen) nor for its command timeout (15 s).
      expect(drainMs).to.be.below(10_000);
    } finally {
      redis.resume();
      await server.stop("SIGKILL");
      await redis.stop();
    }
  });
});
