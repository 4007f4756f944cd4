import { expect } from "chai";
import fc from "fast-check";
import { startTestServer, type TestServer } from "../helpers/app.js";
import { freshSeed, seedFor } from "../helpers/seed.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import { historyArb, SMALL_SHAPE } from "../model/history.js";
import { runHistory } from "../model/run-history.js";
import { nearTarget } from "./near-target.js";
import { NEAR_STORES } from "./near-helpers.js";

// The model checker with near-caching readers and writers on other clients:
// random concurrent histories, no stale read, no miss the model forbids.
const RUNS = 60;

function nearModelSuite(name: string, env: () => Promise<Record<string, string>>): void {
  describe(`model check with near-caches: ${name}`, function () {
    this.timeout(120_000);
    let server: TestServer;
    before(async () => (server = await startTestServer(await env())));
    after(async () => server?.stop());

    it(`serves no stale value over ${RUNS} random concurrent histories, with near hits`, async () => {
      let run = 0;
      let hits = 0;
      await fc.assert(
        fc.asyncProperty(historyArb(), async (history) => {
          const target = nearTarget(server.address, `nearmodel${run++}-`);
          try {
            await target.warmUp(SMALL_SHAPE.namespaces);
            const before = target.nearHits();
            const recorded = await runHistory(history, target);
            hits += target.nearHits() - before;
            expect(recorded.filter((r) => !r.ok), "calls failed").to.deep.equal([]);
            const violations = checkHistory(recorded, { strictMisses: true });
            expect(violations, describeViolations(violations)).to.deep.equal([]);
          } finally {
            target.close();
          }
        }),
        { numRuns: RUNS, seed: seedFor(`near model check, ${name}`, freshSeed()) },
      );
      console.log(`      near hits: ${hits}`);
      expect(hits, "near hits over all runs").to.be.greaterThan(0);
    });
  });
}

for (const [name, env] of NEAR_STORES) nearModelSuite(name, env);
