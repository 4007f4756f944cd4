import { expect } from "chai";
import fc from "fast-check";
import { startTestServer, type TestServer } from "../helpers/app.js";
import { sharedRedis } from "../helpers/redis-server.js";
import { freshSeed, seedFor } from "../helpers/seed.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import { historyArb } from "../model/history.js";
import { grpcTarget, runHistory } from "../model/run-history.js";

// Random concurrent histories against a real server, checked against the
// model. The shared Redis has no maxmemory and nothing restarts it, and the
// embedded store stays far below its entry limit, so misses are judged
// strictly too. Each run uses namespaces of its own, so nothing is flushed.
// A failing history is shrunk by fast-check and reported. Each run explores
// new histories; FC_SEED replays the run whose seed it prints.
const RUNS = 150;

function modelSuite(name: string, start: () => Promise<TestServer>): void {
  describe(`model check: ${name}`, function () {
    this.timeout(60_000);
    let server: TestServer;
    before(async () => (server = await start()));
    after(async () => server?.stop());

    it(`serves no stale value and misses nothing it must hit, over ${RUNS} random concurrent histories`, async () => {
      let run = 0;
      let ops = 0;
      await fc.assert(
        fc.asyncProperty(historyArb(), async (history) => {
          const target = grpcTarget(server.address, `model${run++}-`);
          try {
            const recorded = await runHistory(history, target);
            ops += recorded.length;
            const failed = recorded.filter((r) => !r.ok);
            expect(failed, "calls failed").to.deep.equal([]);
            const violations = checkHistory(recorded, { strictMisses: true });
            expect(violations, describeViolations(violations)).to.deep.equal([]);
          } finally {
            target.close();
          }
        }),
        { numRuns: RUNS, seed: seedFor(`model check, ${name}`, freshSeed()) },
      );
      expect(ops).to.be.greaterThan(RUNS);
    });
  });
}

modelSuite("Redis store", async () => startTestServer({ REDIS_URL: (await sharedRedis()).url }));
modelSuite("embedded memory store", () => startTestServer());
