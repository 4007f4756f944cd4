import { setMaxListeners } from "node:events";
import { expect } from "chai";
import type { Redis } from "ioredis";
import { status, TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { rejection, startTestServer, type TestServer } from "../helpers/app.js";
import { RedisServer, waitFor } from "../helpers/redis-server.js";

// Issue 11, fault 2: "A leased Get keeps waiting after its caller has gone".
// A dedicated Redis, so that its command counts are this suite's alone.

const LONG = { lifetimeMs: 60_000, waitMs: 60_000 };

// Calls to the lease script (EVALSHA, or EVAL on a NOSCRIPT fallback) so far.
async function scriptCalls(r: Redis): Promise<number> {
  const info = await r.info("commandstats");
  let n = 0;
  for (const m of info.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+)/gm)) n += Number(m[2]);
  return n;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  await waitFor(async () => check(), timeoutMs, what);
}

describe("a leased Get keeps waiting after its caller has gone (issue 11, fault 2)", function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let r: Redis;
  let server: TestServer;

  before(async () => {
    redis = await RedisServer.start();
    r = redis.connect();
  });
  after(async () => {
    r?.disconnect();
    await redis?.stop();
  });
  beforeEach(async () => {
    await r.flushall();
    server = await startTestServer({ REDIS_URL: redis.url, MAX_LEASE_WAITERS: "300", MAX_CONCURRENT_STREAMS: "300" });
  });
  afterEach(async () => {
    await server?.stop();
  });

  it("stops issuing commands to Redis once 200 waiters are cancelled and their client closed", async () => {
    const holder = server.client(undefined, { logger: null });
    expect((await holder.read("k", { lease: { ...LONG, waitMs: 0 } })).leaseToken).to.not.equal(undefined);

    const gone = new TaggedCacheClient(server.address, { logger: null });
    const abort = new AbortController();
    setMaxListeners(300, abort.signal);
    const started = Date.now();
    const calls = Array.from({ length: 200 }, () =>
      gone.read("k", { lease: LONG, signal: abort.signal, timeoutMs: 0 }).then(() => "answered", () => "failed"),
    );
    await until(() => server.app.inFlight.calls === 200, 15_000, "200 waiting calls");
    await new Promise((res) => setTimeout(res, Math.max(0, 50 - (Date.now() - started))));
    abort.abort();
    await Promise.all(calls);
    gone.close();

    // The server may take a moment to hear of the cancels; then nothing.
    await until(() => server.app.inFlight.calls === 0, 5000, "in-flight calls back to 0").catch(() => {});
    const before = await scriptCalls(r);
    const windowStart = Date.now();
    await new Promise((res) => setTimeout(res, 1000));
    const perSecond = ((await scriptCalls(r)) - before) / ((Date.now() - windowStart) / 1000);
    expect(perSecond, "script calls/s to Redis with no caller left").to.equal(0);
    expect(server.app.inFlight.calls, "calls in flight").to.equal(0);
    expect(server.app.leaseWaiters(), "lease waiters").to.equal(0);
  });

  it("does not let a waiter whose caller has gone take the lease when the holder's expires", async () => {
    const holder = server.client(undefined, { logger: null });
    expect((await holder.read("k", { lease: { lifetimeMs: 300, waitMs: 0 } })).leaseToken).to.not.equal(undefined);
    const [leaseKey] = await r.keys("*:l:*");

    const abort = new AbortController();
    const waiter = holder.read("k", { lease: LONG, signal: abort.signal, timeoutMs: 0 }).catch(() => undefined);
    await until(() => server.app.inFlight.calls === 1, 5000, "the waiter in flight");
    abort.abort();
    await waiter;
    // Wait until the holder's short lease is over: gone, or taken again by
    // someone asking for 60 s.
    await waitFor(async () => {
      const ttl = await r.pttl(leaseKey!);
      return ttl === -2 || ttl > 1000;
    }, 5000, "the holder's lease to end");

    const later = Date.now();
    const result = await holder.read("k", { lease: { lifetimeMs: 1000, waitMs: 5000 }, timeoutMs: 0 });
    expect(result.leaseToken, "a later caller's lease").to.not.equal(undefined);
    expect(Date.now() - later, "ms the later caller waited").to.be.below(2500);
  });

  it("bounds the waiting calls per server with MAX_LEASE_WAITERS", async () => {
    await server.stop();
    server = await startTestServer({ REDIS_URL: redis.url, MAX_LEASE_WAITERS: "2" });
    const c = server.client(undefined, { logger: null });
    expect((await c.read("k", { lease: { ...LONG, waitMs: 0 } })).leaseToken).to.not.equal(undefined);

    const abort = new AbortController();
    const waiting = [1, 2].map(() => c.read("k", { lease: LONG, signal: abort.signal, timeoutMs: 0 }).catch(() => undefined));
    await until(() => server.app.leaseWaiters() === 2, 5000, "two waiters");
    const err = await rejection(c.read("k", { lease: LONG, timeoutMs: 0 }));
    expect(err.code).to.equal(status.RESOURCE_EXHAUSTED);
    expect(err.details).to.include("MAX_LEASE_WAITERS: 2 ");
    // A Get that does not wait is still served past the limit.
    expect((await c.read("k", { lease: { ...LONG, waitMs: 0 } })).entry).to.equal(undefined);

    abort.abort();
    await Promise.all(waiting);
    await until(() => server.app.leaseWaiters() === 0, 5000, "waiters to leave");
    const third = c.read("k", { lease: { ...LONG, waitMs: 100 }, timeoutMs: 0 });
    expect((await third).waited, "a waiter is let in again once places are free").to.equal(true);
  });
});
