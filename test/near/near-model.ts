import { expect } from "chai";
import fc from "fast-check";
import { freshSeed, seedFor } from "../helpers/seed.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import { historyArb, SMALL_SHAPE } from "../model/history.js";
import { runHistory } from "../model/run-history.js";
import { nearTarget } from "./near-target.js";

/** Where the readers and writers of the histories go, and how many to run. */
export interface NearHistories {
  /** The server the near-caching readers use. */
  readonly readerAddress: string;
  /** The server the writers use; the readers' by default. */
  readonly writerAddress?: string;
  /** Namespace prefix of the runs, unique to the suite. */
  readonly prefix: string;
  readonly runs: number;
  /** Names the seed in the log, to replay a failure. */
  readonly seedName: string;
}

/**
 * Runs random concurrent histories with near-caching readers and asserts: no
 * call failed, no stale read, no miss the model forbids, and near hits over
 * all runs (else nothing near was checked). Prints the hits.
 */
export async function checkNearHistories(o: NearHistories): Promise<void> {
  let run = 0;
  let hits = 0;
  await fc.assert(
    fc.asyncProperty(historyArb(), async (history) => {
      const target = nearTarget(o.readerAddress, `${o.prefix}${run++}-`, 10_000, o.writerAddress);
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
    { numRuns: o.runs, seed: seedFor(o.seedName, freshSeed()) },
  );
  console.log(`      near hits: ${hits}`);
  expect(hits, "near hits over all runs").to.be.greaterThan(0);
}
