import fc from "fast-check";
import { checkHistory, describeViolations, type Violation } from "../model/checker.js";
import { historyArb, SMALL_SHAPE, type History, type HistoryShape, type Op } from "../model/history.js";
import { until } from "../model/load.js";
import { runHistory, type ModelTarget, type Recorded } from "../model/run-history.js";
import { ModelProcess } from "./model-process.js";

/** Reader and writer processes of the multi-process model check. */
export interface Processes {
  readonly readers: readonly ModelProcess[];
  readonly writers: readonly ModelProcess[];
}

/**
 * Starts `readers` near-caching processes on `addresses[0]` and `writers`
 * plain ones on the last address: with two server replicas, every write
 * reaches the readers through the other replica. One server: give its
 * address twice.
 */
export async function startProcesses(addresses: readonly string[], readers = 3, writers = 2): Promise<Processes> {
  const start = (role: "reader" | "writer", address: string, n: number) =>
    Promise.all(Array.from({ length: n }, () => ModelProcess.start(role, address)));
  const [r, w] = await Promise.all([start("reader", addresses[0]!, readers), start("writer", addresses.at(-1)!, writers)]);
  return { readers: r, writers: w };
}

/** Resumes the frozen processes: a load can only stop once their calls are answered. */
export async function resumeFrozen(p: Processes | undefined): Promise<void> {
  await Promise.all([...(p?.readers ?? []), ...(p?.writers ?? [])].filter((m) => m.isFrozen).map((m) => m.resume()));
}

/** Stops every process (resuming frozen ones first). */
export async function stopProcesses(p: Processes | undefined): Promise<void> {
  await Promise.all([...(p?.readers ?? []), ...(p?.writers ?? [])].map((m) => m.stop()));
}

/** One history as it ran: its seed gives the history again (readHeavy), not its timing. */
export interface RanHistory {
  readonly seed: number;
  readonly history: History;
  readonly recorded: Recorded[];
}

/** Histories with fills (guarded Sets), and lanes enough to use every process. */
export const PROCESS_SHAPE: HistoryShape = { ...SMALL_SHAPE, fills: true, minLanes: 3, maxLanes: 8 };

/**
 * Random histories back to back on `loops` loops until `stop()`. Lane `l`
 * reads (Get, GetMany) through reader `l % readers` and writes (Set, guarded
 * Set with the token of its read, Delete, Invalidate, InvalidateAll) through
 * writer `l % writers`; every call is timed here, in the parent. Every
 * history is made read-heavy (readHeavy). Each
 * history has namespaces of its own, subscribed by every running reader
 * before it starts.
 */
export class ProcessLoad {
  readonly ran: RanHistory[] = [];
  private running = true;
  private readonly done: Promise<void>;
  private readonly run = Math.random().toString(36).slice(2, 8);

  constructor(
    private readonly procs: Processes,
    readonly seed: number,
    loops = 3,
    private readonly shape = PROCESS_SHAPE,
  ) {
    this.done = Promise.all(Array.from({ length: loops }, (_, l) => this.loop(l))).then(() => {});
  }

  /** Lets the histories under way finish, and starts no more. */
  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }

  /** Waits until `n` histories in all have run; fails after `ms`. */
  untilRan(n: number, ms = 120_000): Promise<true> {
    return until(`${n} histories to run`, async () => (this.ran.length >= n ? true : undefined), ms);
  }

  /** Every recorded call so far. */
  all(): Recorded[] {
    return this.ran.flatMap((h) => h.recorded);
  }

  /** The checker's verdict on every history, with the seed of each one that failed. */
  violations(strictMisses: boolean): { seed: number; violations: Violation[] }[] {
    return this.ran
      .map((h) => ({ seed: h.seed, violations: checkHistory(h.recorded, { strictMisses }) }))
      .filter((v) => v.violations.length > 0);
  }

  /** The reads that went through `reader`, in every history. */
  readsThrough(reader: ModelProcess): Recorded[] {
    const i = this.procs.readers.indexOf(reader);
    return this.all().filter((r) => (r.op.kind === "get" || r.op.kind === "getMany") && r.lane % this.procs.readers.length === i);
  }

  private async loop(l: number): Promise<void> {
    const { readers, writers } = this.procs;
    const gen = historyArb(this.shape);
    for (let i = 0; this.running; i++) {
      const seed = this.seed + l * 100_000 + i;
      const history = readHeavy(fc.sample(gen, { numRuns: 1, seed })[0]!);
      const prefix = `pm${this.run}.${l}.${i}-`;
      // A frozen reader would hold the loop; an outage may prevent subscribing.
      await Promise.all(readers.filter((r) => !r.isFrozen).map((r) => r.warmUp(prefix, this.shape.namespaces).catch(() => {})));
      const r = readers.map((p) => p.target(prefix));
      const w = writers.map((p) => p.target(prefix));
      const laneTarget = (lane: number): ModelTarget => {
        const reader = r[lane % r.length]!;
        return { ...w[lane % w.length]!, get: reader.get, getMany: reader.getMany };
      };
      this.ran.push({ seed, history, recorded: await runHistory(history, laneTarget) });
      for (const t of [...r, ...w]) t.close();
    }
  }
}

/** The figures of a load: histories, calls, failures, lookups and hits (near or not). */
export function loadFigures(load: ProcessLoad): string {
  const all = load.all();
  const lookups = all.flatMap((r) => r.reads ?? []);
  const hits = lookups.filter((l) => l.seen !== undefined).length;
  return `${load.ran.length} histories, ${all.length} calls (${all.filter((r) => !r.ok).length} failed), ` +
    `${lookups.length} lookups (${hits} hits)`;
}

/**
 * The history with reads added where a stale near hit would show: each Get
 * and GetMany is asked twice in a row (the second can be a near hit of what
 * the first kept), each Set is followed by two Gets of its key (a read of a
 * write from another process, then its near hit), and each Delete,
 * Invalidate and InvalidateAll by a Get of the key the lane last read in
 * that namespace (what the write may have just replaced).
 */
export const readHeavy = (h: History): History =>
  h.map((lane) => {
    const lastRead = new Map<string, string>();
    const get = (ns: string, key: string): Op => ({ kind: "get", ns, key, tags: undefined });
    return lane.flatMap((op): Op[] => {
      if (op.kind === "get") lastRead.set(op.ns, op.key);
      if (op.kind === "getMany") lastRead.set(op.ns, op.lookups.at(-1)!.key);
      if (op.kind === "get" || op.kind === "getMany") return [op, op];
      if (op.kind === "set") return [op, get(op.ns, op.key), get(op.ns, op.key)];
      const key = lastRead.get(op.ns);
      return key === undefined || op.kind === "fill" || op.kind === "evict" ? [op] : [op, get(op.ns, key)];
    });
  });

/** A readable account of the violations of `load`'s histories. */
export function describeLoadViolations(found: ReturnType<ProcessLoad["violations"]>): string {
  return found.map((f) => `history seed ${f.seed}:\n${describeViolations(f.violations)}`).join("\n");
}
