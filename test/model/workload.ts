import { performance } from "node:perf_hooks";
import { status } from "@grpc/grpc-js";
import { TaggedCacheError, type TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, text } from "../helpers/app.js";
import { checkHistory, type Violation } from "./checker.js";
import type { Op } from "./history.js";
import type { Recorded } from "./run-history.js";

/**
 * A random workload of Set, Get and Invalidate on a few keys of one client's
 * namespace, each key with one tag, run for a while by several callers at
 * once. Every call is recorded on one logical clock, so `violations()` is
 * the model checker's verdict (test/model/checker.ts) on what it saw: no hit
 * after an Invalidate of its tag or a newer Set returned. Failed calls are
 * recorded as failed and never held against a hit.
 */
export class Workload {
  /** Every call, in the order they ended. */
  readonly recorded: Recorded[] = [];
  /** gRPC status names of the calls that failed, with counts. */
  readonly errors = new Map<string, number>();
  /** Calls that succeeded, and Gets that hit. */
  ok = 0;
  hits = 0;

  private clock = 0;
  private seq = 0;
  // Keys and tags of their own, so runs sharing a store never meet.
  private readonly run = Math.random().toString(36).slice(2, 8);

  constructor(
    private readonly keys = 24,
    private readonly tags = 6,
  ) {}

  /** Runs `workers` loops of random calls until `until`: a performance.now() time, or a function giving it, read before each call. */
  async runUntil(client: TaggedCacheClient, workers: number, until: number | (() => number)): Promise<void> {
    const end = typeof until === "number" ? () => until : until;
    const loop = async (lane: number) => {
      while (performance.now() < end()) await this.step(client, lane);
    };
    await Promise.all(Array.from({ length: workers }, (_, lane) => loop(lane)));
  }

  /** The model checker's verdict on the calls so far (misses are not judged). */
  violations(): Violation[] {
    return checkHistory(this.recorded, { strictMisses: false });
  }

  /** One random call by `lane`, recorded. */
  async step(client: TaggedCacheClient, lane = 0): Promise<void> {
    const k = Math.floor(Math.random() * this.keys);
    const key = `${this.run}:k${k}`;
    const tag = `${this.run}:t${k % this.tags}`;
    const dice = Math.random();
    const op: Op = dice < 0.5 ? { kind: "get", ns: "", key, tags: undefined }
      : dice < 0.8 ? { kind: "set", ns: "", key, tags: [tag] }
      : { kind: "invalidate", ns: "", tags: [tag] };
    const value = op.kind === "set" ? `${this.run}.${this.seq++}` : undefined;
    const start = ++this.clock;
    try {
      let reads: Recorded["reads"];
      if (op.kind === "set") await client.set(key, bytes(value!), { tags: [tag], lifetimeMs: 60_000 });
      else if (op.kind === "invalidate") await client.invalidate(tag);
      else {
        const entry = await client.getEntry(key);
        const seen = entry === undefined ? undefined : { value: text(entry.value)!, tags: entry.tags };
        if (seen !== undefined) this.hits++;
        reads = [{ key, tags: undefined, seen }];
      }
      this.recorded.push({ lane, op, start, end: ++this.clock, ok: true, value, reads });
      this.ok++;
    } catch (err) {
      const code = err instanceof TaggedCacheError ? (status[err.code] ?? String(err.code)) : `not a TaggedCacheError: ${err}`;
      this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
      this.recorded.push({ lane, op, start, end: ++this.clock, ok: false, code: (err as { code?: number }).code, value });
    }
  }
}
