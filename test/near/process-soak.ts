import { RedisServer } from "../helpers/redis-server.js";
import { freshSeed, seedFor } from "../helpers/seed.js";
import { BUILT_ENTRY, ServerProcess } from "../helpers/server-process.js";
import { expectProbeClean, freezeReader, killRedis, killServer, nearHits, untilWarm, type Frozen } from "./process-faults.js";
import { describeLoadViolations, loadFigures, ProcessLoad, resumeFrozen, startProcesses, stopProcesses, type Processes } from "./process-load.js";

/**
 * The long run of the multi-process near-cache model check (`make soak`):
 * the load of model-processes.test.ts for `durationMs`, with faults in
 * turn (a reader frozen past its lease, Redis killed, the server killed),
 * each followed by a quiet stretch of 100 successful writes. Needs the
 * built server (dist/). Prints the figures; true when no read was stale and
 * every fault happened and healed.
 */
export async function soakNearProcesses(durationMs: number, leaseMs = 1000): Promise<boolean> {
  const started = Date.now();
  const redis = await RedisServer.start();
  const env = { REDIS_URL: redis.url, NEAR_CACHE: "on", NEAR_LEASE_MS: String(leaseMs) };
  // The readers' server replica (the one killed) and the writers'.
  let server: ServerProcess | undefined = await ServerProcess.start(env, [], BUILT_ENTRY);
  const writers = await ServerProcess.start(env, [], BUILT_ENTRY);
  const port = server.port;
  let procs: Processes | undefined;
  let load: ProcessLoad | undefined;
  const faults = { "reader frozen": 0, "Redis killed": 0, "server killed": 0 };
  const probes: Frozen[] = [];
  let bad = "";
  try {
    procs = await startProcesses([server.address, writers.address]);
    load = new ProcessLoad(procs, seedFor("near model across processes, soak", freshSeed()), 4);
    await untilWarm(procs);
    for (let i = 0; Date.now() - started < durationMs; i++) {
      if (i % 3 === 0) {
        const reader = procs.readers[Math.floor(i / 3) % procs.readers.length]!;
        probes.push(await freezeReader(reader, procs.writers[0]!, leaseMs));
        faults["reader frozen"]++;
      } else if (i % 3 === 1) {
        await killRedis(procs, redis);
        faults["Redis killed"]++;
      } else {
        const kill = async () => void (await server!.stop("SIGKILL"), (server = undefined));
        const restart = async () => void (server = await ServerProcess.start({ ...env, PORT: String(port) }, [], BUILT_ENTRY));
        await killServer(procs, kill, restart);
        faults["server killed"]++;
      }
      await untilWarm(procs, 100);
    }
    await load.stop();
    const found = load.violations(false);
    if (found.length > 0) bad = describeLoadViolations(found);
    for (const p of probes) expectProbeClean(p);
  } catch (err) {
    bad ||= String(err);
  } finally {
    await resumeFrozen(procs);
    const hits = procs === undefined ? 0 : await nearHits(procs).catch(() => 0);
    await load?.stop();
    await stopProcesses(procs);
    await server?.stop();
    await writers.stop();
    await redis.stop();
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    const what = Object.entries(faults).map(([k, n]) => `${k} ${n}×`).join(", ");
    console.log(`near-caches in 3 reader processes on one server replica, 2 writer processes on another: ${load ? loadFigures(load) : "no load"}, ${hits} near hits in ${secs} s; faults: ${what}`);
  }
  if (bad !== "") console.log(`stale read or fault not healed:\n${bad}`);
  return bad === "";
}
