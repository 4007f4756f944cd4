import { existsSync } from "node:fs";
import { expect } from "chai";
import { RedisServer } from "../helpers/redis-server.js";
import { freshSeed, seedFor } from "../helpers/seed.js";
import { BUILT_ENTRY, ServerProcess } from "../helpers/server-process.js";
import { expectProbeClean, freezeReader, killRedis, killServer, nearHits, untilWarm } from "./process-faults.js";
import { describeLoadViolations, loadFigures, ProcessLoad, resumeFrozen, startProcesses, stopProcesses, type Processes } from "./process-load.js";

const LEASE_MS = 1000;
// Histories of the run without faults. With the client's tag drops removed,
// runs of this length found stale reads each time (3 of 3), in several
// histories each.
const HISTORIES = 20;

// The near-cache's promise across processes: once any write returned, no
// read anywhere returns what it replaced, from a near-cache in another
// process either, even one that was frozen past its lease. Random histories
// run with three near-caching reader processes and two writer processes,
// every call timed in this process and checked by the model checker, while
// a fault happens. Readers use one server replica and writers another (two
// server processes on one Redis), so every change reaches the near-caches
// through the relay between replicas. Calls failing during an outage are
// recorded as failed.
describe("near-cache model check across processes, with faults", function () {
  this.timeout(180_000);
  const env = { NEAR_CACHE: "on", NEAR_LEASE_MS: String(LEASE_MS) };
  let redis: RedisServer;
  // The readers' replica (the one killed) and the writers'.
  let server: ServerProcess | undefined;
  let writers: ServerProcess | undefined;
  let port: number;
  let procs: Processes;
  let load: ProcessLoad | undefined;
  let hitsBefore = 0;
  const startServer = async () => {
    server = await ServerProcess.start({ ...env, REDIS_URL: redis.url, ...(port ? { PORT: String(port) } : {}) }, [], BUILT_ENTRY);
    port = server.port;
  };
  before(async () => {
    expect(existsSync(BUILT_ENTRY[0]!), "dist/ missing: run make build (make test does)").to.equal(true);
    redis = await RedisServer.start();
    await startServer();
    writers = await ServerProcess.start({ ...env, REDIS_URL: redis.url }, [], BUILT_ENTRY);
    procs = await startProcesses([server!.address, writers.address]);
  });
  // A failed test may leave a reader frozen: its load stops only once resumed.
  afterEach(async () => {
    await resumeFrozen(procs);
    await load?.stop();
  });
  after(async () => {
    await stopProcesses(procs);
    await server?.stop();
    await writers?.stop();
    await redis?.stop();
  });
  const startLoad = async (what: string) => {
    hitsBefore = await nearHits(procs);
    load = new ProcessLoad(procs, seedFor(`near model across processes, ${what}`, freshSeed()));
  };
  const stopAndCheck = async (strictMisses: boolean) => {
    await load!.stop();
    const found = load!.violations(strictMisses);
    expect(found, describeLoadViolations(found)).to.deep.equal([]);
    console.log(`      ${loadFigures(load!)}, ${(await nearHits(procs)) - hitsBefore} near hits`);
    return load!.all();
  };

  it(`without faults, ${HISTORIES} histories: no stale read, no miss the model forbids, no failed call; every reader served near hits`, async () => {
    await startLoad("no fault");
    await untilWarm(procs);
    await load!.untilRan(HISTORIES);
    const all = await stopAndCheck(true);
    expect(all.filter((r) => !r.ok), "failed calls").to.deep.equal([]);
  });

  it("a reader frozen (SIGSTOP) past its lease while writes go on: nothing stale, after SIGCONT either", async () => {
    await startLoad("frozen reader");
    await untilWarm(procs);
    const [reader] = procs.readers;
    const frozen = await freezeReader(reader!, procs.writers[0]!, LEASE_MS);
    await untilWarm(procs);
    const all = await stopAndCheck(false);
    expect(frozen.resumedAtMs - frozen.frozenAtMs, "frozen past its lease").to.be.above(LEASE_MS);
    // The first write waited for the frozen reader's lease, not for ever.
    expect(frozen.writeWaitedMs).to.be.within(LEASE_MS / 4, LEASE_MS + 5000);
    expectProbeClean(frozen);
    const during = (r: { startMs: number; endMs: number }) => r.startMs >= frozen.frozenAtMs && r.endMs <= frozen.resumedAtMs;
    const writes = all.filter((r) => r.ok && r.reads === undefined && during(r)).length;
    const resumedReads = load!.readsThrough(reader!).filter((r) => r.ok && r.startMs >= frozen.frozenAtMs).length;
    console.log(`      load while frozen: ${writes} writes returned; ${resumedReads} reads of the frozen reader answered after it`);
    expect(resumedReads, "reads through the frozen reader, checked").to.be.greaterThan(0);
  });

  it("Redis killed and restarted: nothing stale", async () => {
    await startLoad("Redis killed");
    await untilWarm(procs);
    await killRedis(procs, redis);
    const all = await stopAndCheck(false);
    expect(all.some((r) => !r.ok), "calls failed during the outage").to.equal(true);
  });

  it("the readers' server replica killed (SIGKILL) and restarted while the writers' goes on: nothing stale", async () => {
    await startLoad("server killed");
    await untilWarm(procs);
    const kill = async () => {
      await server!.stop("SIGKILL");
      server = undefined;
    };
    await killServer(procs, kill, startServer);
    const all = await stopAndCheck(false);
    expect(all.some((r) => !r.ok), "calls failed while the server was down").to.equal(true);
  });
});
