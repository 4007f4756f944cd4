import { expect } from "chai";
import fc from "fast-check";
import { startTestServer, type TestServer } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import { GRACE_SHAPE, historyArb, SMALL_SHAPE, type HistoryShape } from "../model/history.js";
import { grpcTarget, runHistory } from "../model/run-history.js";

// Random concurrent histories against a real server, checked against the
// model. The shared Redis has no maxmemory and nothing restarts it, and the
// embedded store stays far below its entry limit, so misses are judged
// strictly too. Each run uses namespaces of its own, so nothing is flushed.
// A failing history is shrunk by fast-check and reported.
const RUNS = 150;

let suites = 0;

function modelSuite(name: string, start: () => Promise<TestServer>, shape: HistoryShape = SMALL_SHAPE): void {
  // Suites may share a Redis: each writes namespaces of its own.
  const suite = suites++;
  describe(`model check: ${name}`, function () {
    this.timeout(240_000);
    let server: TestServer;
    before(async () => (server = await start()));
    after(async () => server?.stop());

    it(`serves no stale value and misses nothing it must hit, over ${RUNS} random concurrent histories`, async () => {
      let run = 0;
      let ops = 0;
      let staleReads = 0;
      await fc.assert(
        fc.asyncProperty(historyArb(shape), async (history) => {
          const target = grpcTarget(server.address, `model${suite}.${run++}-`);
          try {
            const recorded = await runHistory(history, target);
            ops += recorded.length;
            staleReads += recorded.flatMap((r) => r.reads ?? []).filter((l) => l.seen?.stale).length;
            const failed = recorded.filter((r) => !r.ok);
            expect(failed, "calls failed").to.deep.equal([]);
            const violations = checkHistory(recorded, { strictMisses: true });
            expect(violations, describeViolations(violations)).to.deep.equal([]);
          } finally {
            target.close();
          }
        }),
        { numRuns: RUNS },
      );
      expect(ops).to.be.greaterThan(RUNS);
      // The grace rules were exercised, not vacuously met.
      if (shape.graces !== undefined) expect(staleReads).to.be.greaterThan(0);
    });
  });
}

modelSuite("Redis store", async () => startTestServer({ REDIS_URL: (await sharedRedis()).url }));
modelSuite("embedded memory store", () => startTestServer());
// With grace: Gets without it still never see a stale value, and a stale
// value is always one that was current within the grace asked for.
modelSuite("Redis store, with grace", async () => startTestServer({ REDIS_URL: (await sharedRedis()).url }), GRACE_SHAPE);
modelSuite("embedded memory store, with grace", () => startTestServer(), GRACE_SHAPE);
