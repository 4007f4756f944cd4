import { status } from "@grpc/grpc-js";
import { expect } from "chai";
import { TaggedCacheClient, TaggedCacheError } from "../../clients/typescript/src/index.js";
import { bytes, startTestServer, text, type TestServer } from "../helpers/app.js";
import { healthStatus, NOT_SERVING, RawClient, SERVING } from "../helpers/raw-call.js";
import { RedisServer } from "../helpers/redis-server.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import { modelLoad, until } from "../model/load.js";

const COMMAND_TIMEOUT_MS = 300;
// Calls get a deadline far beyond the bounds asserted below, so a call that
// waits for its deadline instead of the command timeout cannot pass unnoticed.
const DEADLINE_MS = 30_000;
// docs/operations.md: REDIS_COMMAND_TIMEOUT_MS bounds how long a call waits on a Redis
// that stopped answering, and calls succeed again as soon as it is back.
// Measured at 0.3 to 3 s with 250 calls at once on a 2-core machine, and up
// to 12 s at load average 18; still well short of DEADLINE_MS.
const BOUND_MS = 20_000;

async function outcome(p: Promise<unknown>): Promise<{ code: number; ms: number }> {
  const t0 = Date.now();
  try {
    await p;
    return { code: status.OK, ms: Date.now() - t0 };
  } catch (err) {
    return { code: (err as TaggedCacheError).code, ms: Date.now() - t0 };
  }
}

describe("Redis frozen (SIGSTOP) under load", function () {
  this.timeout(90_000);
  let redis: RedisServer;
  let server: TestServer;
  let c: TaggedCacheClient;
  let raw: RawClient;

  before(async () => {
    redis = await RedisServer.start();
    server = await startTestServer({ REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT_MS: String(COMMAND_TIMEOUT_MS) });
    c = server.client("pause", { deadlineMs: DEADLINE_MS });
    raw = new RawClient(server.address);
  });
  after(async () => {
    raw?.close();
    redis?.resume();
    await server?.stop();
    await redis?.stop();
  });

  it("answers UNAVAILABLE after the command timeout, honours deadlines, holds nothing, and recovers", async () => {
    await c.set("k", bytes("before"), { tags: ["t"] });
    // The load's calls also get DEADLINE_MS: the failures checked at the end
    // must be the server's answers, and on a loaded machine a shorter
    // deadline can end a call before the server's UNAVAILABLE reaches it.
    const load = modelLoad(server.address, 3, DEADLINE_MS);
    await until("histories to run", async () => (load.recorded.length > 0 ? true : undefined));
    redis.pause();
    try {
      const short = new TaggedCacheClient(server.address, { namespace: "pause", deadlineMs: 100 });
      // Sent first: they must end at their deadline, before the command
      // timeout drops the connection and calls fail at once.
      const shortCalls = Array.from({ length: 20 }, () => outcome(short.get("k")));
      const calls = [
        ...Array.from({ length: 200 }, (_, i) => outcome(c.get(`k${i % 5}`))),
        ...Array.from({ length: 50 }, (_, i) => outcome(c.set(`s${i}`, bytes("x"), { tags: ["t"] }))),
        outcome(c.getMany(["k", "k1", "k2"])),
      ];
      const results = await Promise.all(calls);
      const shortResults = await Promise.all(shortCalls);
      short.close();
      // The server's own timeout answers, not the client's deadline.
      expect(new Set(results.map((r) => r.code))).to.deep.equal(new Set([status.UNAVAILABLE]));
      const worst = Math.max(...results.map((r) => r.ms));
      expect(worst, "ms to UNAVAILABLE, slowest call").to.be.below(BOUND_MS);
      // A caller's shorter deadline is honoured.
      expect(new Set(shortResults.map((r) => r.code))).to.deep.equal(new Set([status.DEADLINE_EXCEEDED]));
      // Nothing is left waiting on the frozen Redis once callers are gone.
      await load.stop();
      // Commands sent to the frozen Redis are released with the connection, not
      // kept until it answers (339 were still queued before socketTimeout).
      const queue = () => (server.app.store as unknown as { redis: { commandQueue: { length: number } } }).redis.commandQueue.length;
      const held = () => server.app.inFlight.calls + server.app.inFlight.batches + server.app.inFlight.streams;
      await until("nothing to be held", async () => (held() === 0 && queue() < 10 ? true : undefined), BOUND_MS).catch(() => undefined);
      const queued = queue();
      const { calls: inCalls, batches, streams } = server.app.inFlight;
      console.log(`      figures: ${results.length} calls while frozen, all UNAVAILABLE within ${worst} ms (command timeout ${COMMAND_TIMEOUT_MS} ms); in flight after: ${inCalls} calls, ${batches} batches, ${streams} streams, ${queued} Redis commands queued`);
      expect({ inCalls, batches, streams }).to.deep.equal({ inCalls: 0, batches: 0, streams: 0 });
      expect(queued, "Redis commands still queued").to.be.below(10);
      // The silent connection was dropped, so health says so.
      expect(await healthStatus(raw, "taggedcache.v1.TaggedCache")).to.equal(NOT_SERVING);
    } finally {
      redis.resume();
    }
    const resumedAt = Date.now();
    await until("recovery", () => c.get("k").then((v) => text(v) ?? "miss"), DEADLINE_MS);
    const toRecovery = Date.now() - resumedAt;
    console.log(`      figures: calls succeed ${toRecovery} ms after Redis runs again`);
    expect(toRecovery, "ms from SIGCONT to the first success").to.be.below(BOUND_MS);
    await until("SERVING", async () => ((await healthStatus(raw, "taggedcache.v1.TaggedCache")) === SERVING ? true : undefined));
    await c.set("after", bytes("v"));
    expect(text(await c.get("after"))).to.equal("v");
    for (const h of load.recorded) {
      const violations = checkHistory(h, { strictMisses: false });
      expect(violations, describeViolations(violations)).to.deep.equal([]);
    }
    const failures = new Set(load.recorded.flat().filter((r) => !r.ok).map((r) => r.code));
    expect([...failures].every((code) => code === status.UNAVAILABLE), `codes ${[...failures]}`).to.equal(true);
    expect(server.app.inFlight.streams).to.equal(0);
  });
});
