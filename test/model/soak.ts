/**
 * The long model check behind `make soak`: random concurrent histories
 * against a server on a fresh Redis (no maxmemory, so misses are judged
 * strictly too) and against the embedded store, until each has run at least
 * SOAK_OPS operations (default 100,000). Then near-caches in several
 * processes under faults for SOAK_NEAR_MS (default 240,000; 0 skips it;
 * test/near/process-soak.ts). Prints the figures; exits non-zero on any
 * violation, or any failed call outside the fault run.
 */
import fc from "fast-check";
import { startTestServer } from "../helpers/app.js";
import { RedisServer } from "../helpers/redis-server.js";
import { soakNearProcesses } from "../near/process-soak.js";
import { checkHistory, describeViolations } from "./checker.js";
import { historyArb, SMALL_SHAPE } from "./history.js";
import { grpcTarget, runHistory } from "./run-history.js";

const TARGET_OPS = Number(process.env.SOAK_OPS ?? 100_000);
const NEAR_MS = Number(process.env.SOAK_NEAR_MS ?? 240_000);
const SHAPE = { ...SMALL_SHAPE, minLanes: 8, maxLanes: 16, maxOpsPerLane: 40 };

async function soak(name: string, env: Record<string, string>): Promise<boolean> {
  const server = await startTestServer(env);
  const started = Date.now();
  let histories = 0, ops = 0, reads = 0, hits = 0, failed = 0, lanes = 0, stale = 0, missed = 0;
  let bad = "";
  try {
    const gen = historyArb(SHAPE);
    for (let seed = Date.now() | 0; ops < TARGET_OPS && bad === ""; seed++) {
      const [history] = fc.sample(gen, { numRuns: 1, seed });
      const target = grpcTarget(server.address, `soak${histories}-`);
      const recorded = await runHistory(history!, target);
      target.close();
      histories++;
      ops += recorded.length;
      lanes += history!.length;
      for (const r of recorded) {
        if (!r.ok) failed++;
        for (const l of r.reads ?? []) {
          reads++;
          if (l.seen !== undefined) hits++;
        }
      }
      const violations = checkHistory(recorded, { strictMisses: true });
      for (const v of violations) v.kind === "missed" ? missed++ : stale++;
      if (violations.length > 0) bad = `seed ${seed}\n${JSON.stringify(history)}\n${describeViolations(violations)}`;
    }
  } finally {
    await server.stop();
  }
  const secs = (Date.now() - started) / 1000;
  console.log(
    `${name}: ${histories} histories, ${ops} operations (${reads} lookups, ${hits} hits) in ${secs.toFixed(1)} s, ` +
      `${(lanes / histories).toFixed(1)} concurrent clients on average (8 to 16); failed calls: ${failed}; ` +
      `stale hits found: ${stale}; provable hits missed: ${missed}`,
  );
  if (bad !== "") console.log(bad);
  return bad === "" && failed === 0;
}

const redis = await RedisServer.start();
let ok = false;
try {
  ok = (await soak("Redis store", { REDIS_URL: redis.url })) && (await soak("embedded memory store", {}));
} finally {
  await redis.stop();
}
if (ok && NEAR_MS > 0) ok = await soakNearProcesses(NEAR_MS);
process.exit(ok ? 0 : 1);
