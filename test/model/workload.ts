import { performance } from "node:perf_hooks";
import { status } from "@grpc/grpc-js";
import { TaggedCacheError, type TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { bytes, text } from "../helpers/app.js";

interface Span {
  readonly start: number;
  end?: number;
}

/**
 * A random workload of Set, Get and Invalidate on a few keys, each key with
 * one tag, that checks every hit against what the calls already returned:
 * a Get that starts after an Invalidate of the entry's tag returned must not
 * return a value whose Set returned before that Invalidate started. Calls
 * whose outcome is unknown (they failed) are never held against a hit.
 */
export class StaleModel {
  /** Hits that broke the rule, described. */
  readonly violations: string[] = [];
  /** gRPC status names of the calls that failed, with counts. */
  readonly errors = new Map<string, number>();
  /** Calls that succeeded, and Gets that hit. */
  ok = 0;
  hits = 0;

  private seq = 0;
  // Keys and tags of their own, so runs sharing a store never meet.
  private readonly run = Math.random().toString(36).slice(2, 8);
  private readonly sets = new Map<string, Span & { tag: string }>();
  private readonly invalidations = new Map<string, Span[]>();

  constructor(
    private readonly keys = 24,
    private readonly tags = 6,
  ) {}

  /** Runs `workers` loops of random calls until `until` (a performance.now() time). */
  async runUntil(client: TaggedCacheClient, workers: number, until: number): Promise<void> {
    const loop = async () => {
      while (performance.now() < until) await this.step(client);
    };
    await Promise.all(Array.from({ length: workers }, loop));
  }

  /** One random call, recorded. */
  async step(client: TaggedCacheClient): Promise<void> {
    const k = Math.floor(Math.random() * this.keys);
    const key = `${this.run}:k${k}`;
    const tag = `${this.run}:t${k % this.tags}`;
    const dice = Math.random();
    try {
      if (dice < 0.5) await this.get(client, key);
      else if (dice < 0.8) await this.set(client, key, tag);
      else await this.invalidate(client, tag);
      this.ok++;
    } catch (err) {
      const code = err instanceof TaggedCacheError ? (status[err.code] ?? String(err.code)) : `not a TaggedCacheError: ${err}`;
      this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    }
  }

  private async set(client: TaggedCacheClient, key: string, tag: string): Promise<void> {
    const id = String(this.seq++);
    const span: Span & { tag: string } = { tag, start: performance.now() };
    this.sets.set(id, span);
    await client.set(key, bytes(id), { tags: [tag], lifetimeMs: 60_000 });
    span.end = performance.now();
  }

  private async invalidate(client: TaggedCacheClient, tag: string): Promise<void> {
    const span: Span = { start: performance.now() };
    await client.invalidate(tag);
    span.end = performance.now();
    const list = this.invalidations.get(tag) ?? [];
    list.push(span);
    this.invalidations.set(tag, list);
  }

  private async get(client: TaggedCacheClient, key: string): Promise<void> {
    const start = performance.now();
    const value = text(await client.get(key));
    if (value === undefined) return;
    this.hits++;
    const set = this.sets.get(value);
    if (set === undefined) {
      this.violations.push(`${key}: read ${value}, which no Set wrote`);
      return;
    }
    if (set.end === undefined) return;
    for (const inv of this.invalidations.get(set.tag) ?? []) {
      if (inv.start > set.end && inv.end! < start) {
        this.violations.push(`${key}: read ${value} (set by ${set.end.toFixed(1)}) after ${set.tag} was invalidated at ${inv.start.toFixed(1)}-${inv.end!.toFixed(1)}`);
        return;
      }
    }
  }
}
