import { expect } from "chai";
import { sleep } from "../helpers/app.js";
import type { RedisServer } from "../helpers/redis-server.js";
import { checkHistory, describeViolations } from "../model/checker.js";
import type { Op } from "../model/history.js";
import { until } from "../model/load.js";
import type { Recorded, Seen } from "../model/run-history.js";
import type { ModelProcess } from "./model-process.js";
import type { Processes } from "./process-load.js";

// The faults of the multi-process model check. Each step waits until its
// fault is seen to have happened (a process stopped, calls failing) and
// the load recovered from it (writes succeeding again), never for a guess
// of how long that takes. Bounds are for a loaded 2-core machine.
const BOUND_MS = 60_000;

const sum = (procs: readonly ModelProcess[], f: (p: ModelProcess) => number) => procs.reduce((n, p) => n + f(p), 0);
const all = (p: Processes) => [...p.readers, ...p.writers];

/** Near hits the readers served so far, all together. */
export const nearHits = async (p: Processes): Promise<number> =>
  (await Promise.all(p.readers.map((r) => r.nearHits()))).reduce((a, b) => a + b, 0);

/** Waits until every reader serves more near hits and the writers made `writes` more successful writes. */
export async function untilWarm(p: Processes, writes = 20): Promise<void> {
  const before = sum(p.writers, (w) => w.counts.okWrites);
  const hitsBefore = await Promise.all(p.readers.map((r) => r.nearHits()));
  await until("every reader to serve near hits, and writes to succeed", async () => {
    const hits = await Promise.all(p.readers.map((r) => r.nearHits()));
    return hits.every((h, i) => h > hitsBefore[i]!) && sum(p.writers, (w) => w.counts.okWrites) >= before + writes ? true : undefined;
  }, BOUND_MS);
}

/** Waits until writes succeed again (`writes` of them) after an outage, and the readers served near hits again. */
async function untilRecovered(p: Processes, writes = 20): Promise<void> {
  const before = sum(p.writers, (w) => w.counts.okWrites);
  const hits = await nearHits(p);
  await until("writes to succeed and near hits to be served again", async () =>
    sum(p.writers, (w) => w.counts.okWrites) >= before + writes && (await nearHits(p)) > hits ? true : undefined, BOUND_MS);
}

/** Waits until some call of the load fails, proof that an outage began. */
async function untilACallFails(p: Processes, what: string): Promise<void> {
  const before = sum(all(p), (m) => m.counts.failed);
  await until(`a call to fail once ${what}`, async () => (sum(all(p), (m) => m.counts.failed) > before ? true : undefined), BOUND_MS);
}

/** Kills Redis (SIGKILL), waits until calls fail, restarts it and waits until the load recovered. */
export async function killRedis(p: Processes, redis: RedisServer): Promise<void> {
  await redis.kill();
  await untilACallFails(p, "Redis was killed");
  await redis.launch();
  await untilRecovered(p);
}

/** Kills the server process(es) with `kill`, waits until calls fail, restarts them and waits until the load recovered. */
export async function killServer(p: Processes, kill: () => Promise<void>, restart: () => Promise<void>): Promise<void> {
  await kill();
  await untilACallFails(p, "the server was killed");
  await restart();
  await untilRecovered(p);
}

/** What freezing a reader showed. */
export interface Frozen {
  /** When it was seen stopped and seen running again (Date.now()). */
  readonly frozenAtMs: number;
  readonly resumedAtMs: number;
  /** How long the first write after freezing waited for it. */
  readonly writeWaitedMs: number;
  /** The probe's calls, checked by the caller like any history. */
  readonly probe: Recorded[];
}

/** The probe's entries: each is changed one way while the reader is frozen. */
const PROBE = [
  { ns: "n0", key: "a", tag: "ta", change: "Invalidate of its tag", after: null },
  { ns: "n0", key: "b", tag: "tb", change: "Set", after: "b2" },
  { ns: "n0", key: "c", tag: "tc", change: "Delete", after: null },
  { ns: "n1", key: "d", tag: "td", change: "InvalidateAll", after: null },
] as const;

/**
 * Freezes `reader` (SIGSTOP) for 2.5 leases while the load goes on, then
 * resumes it. Besides the random load, a probe of its own proves the case:
 * the reader holds four entries near (each seen as a near hit), is frozen,
 * a writer changes each (Invalidate, Set, Delete, InvalidateAll), all of
 * which return: the server stopped waiting for the frozen reader. Once
 * resumed, the reader reads each. The probe's calls are recorded for the
 * model checker, which must find no stale read.
 */
export async function freezeReader(reader: ModelProcess, writer: ModelProcess, leaseMs: number): Promise<Frozen> {
  const prefix = `probe${Math.random().toString(36).slice(2, 8)}-`;
  const r = reader.target(prefix);
  const w = writer.target(prefix);
  const probe: Recorded[] = [];
  let tick = 0;
  const record = async (op: Op, value: string | undefined, call: () => Promise<unknown>) => {
    const start = ++tick;
    const startMs = Date.now();
    const seen = (await call()) as Seen | undefined;
    const reads = op.kind === "get" ? [{ key: op.key, tags: op.tags, seen }] : undefined;
    probe.push({ lane: 0, op, start, end: ++tick, startMs, endMs: Date.now(), ok: true, value, reads });
  };
  const set = (ns: string, key: string, tag: string, value: string) =>
    record({ kind: "set", ns, key, tags: [tag] }, value, () => w.set(ns, key, new TextEncoder().encode(value), [tag], 3_600_000));
  const get = (ns: string, key: string) => record({ kind: "get", ns, key, tags: undefined }, undefined, () => r.get(ns, key, undefined));
  await reader.warmUp(prefix, ["n0", "n1"]);
  for (const e of PROBE) await set(e.ns, e.key, e.tag, `${e.key}1`);
  for (const e of PROBE) {
    const deadline = Date.now() + BOUND_MS;
    for (let hits = await reader.nearHits(); ; hits = await reader.nearHits()) {
      await get(e.ns, e.key);
      if ((await reader.nearHits()) > hits) break;
      expect(Date.now(), `${e.key} never became a near hit`).to.be.below(deadline);
    }
  }
  await reader.freeze();
  const frozenAtMs = Date.now();
  let writeWaitedMs: number;
  try {
    const t0 = performance.now();
    await record({ kind: "invalidate", ns: "n0", tags: ["ta"] }, undefined, () => w.invalidate("n0", ["ta"]));
    writeWaitedMs = performance.now() - t0;
    await set("n0", "b", "tb", "b2");
    await record({ kind: "delete", ns: "n0", key: "c" }, undefined, () => w.delete("n0", "c"));
    await record({ kind: "invalidateAll", ns: "n1" }, undefined, () => w.invalidateAll("n1"));
    // Frozen past its lease: a run length, not a synchronisation.
    await sleep(Math.max(0, 2.5 * leaseMs - (Date.now() - frozenAtMs)));
  } finally {
    await reader.resume();
  }
  const resumedAtMs = Date.now();
  for (const e of PROBE) await get(e.ns, e.key);
  r.close();
  w.close();
  return { frozenAtMs, resumedAtMs, writeWaitedMs, probe };
}

/** Asserts the probe of `freezeReader` read no stale value and missed nothing it must hit. */
export function expectProbeClean(frozen: Frozen): void {
  const violations = checkHistory(frozen.probe, { strictMisses: true });
  expect(violations, describeViolations(violations)).to.deep.equal([]);
  const last = frozen.probe.slice(-PROBE.length).map((r) => r.reads?.[0]?.seen?.value ?? null);
  expect(last, `after resuming, each changed by: ${PROBE.map((e) => e.change)}`).to.deep.equal(PROBE.map((e) => e.after));
}
