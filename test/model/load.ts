import fc from "fast-check";
import { sleep } from "../helpers/app.js";
import { seedFor } from "../helpers/seed.js";
import { historyArb } from "./history.js";
import { grpcTarget, runHistory, type Recorded } from "./run-history.js";

/**
 * Histories back to back on `loops` loops until `stop()`; every outcome kept
 * for the checker. Each call has `deadlineMs` (as grpcTarget's default).
 */
export function modelLoad(address: string, loops = 3, deadlineMs = 5000) {
  let running = true;
  const recorded: Recorded[][] = [];
  const base = seedFor("model load", 0);
  const loop = async (l: number) => {
    for (let i = 0; running; i++) {
      const [history] = fc.sample(historyArb(), { numRuns: 1, seed: base + l * 100_000 + i });
      const target = grpcTarget(address, `load${l}.${i}-`, deadlineMs);
      recorded.push(await runHistory(history!, target));
      target.close();
    }
  };
  const done = Promise.all(Array.from({ length: loops }, (_, l) => loop(l)));
  return {
    recorded,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** Polls `f` until it gives a value (errors count as none), or throws after `ms`. */
export async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

