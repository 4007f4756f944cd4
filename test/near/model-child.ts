import { TaggedCacheError } from "../../clients/typescript/src/index.js";
import { serve } from "../../bench/lib/child.js";
import { grpcTarget, type ModelTarget } from "../model/run-history.js";
import { pack, unpack } from "./ipc-codec.js";
import { nearTarget, type NearTarget } from "./near-target.js";

// A process of the multi-process model check (process-target.ts): a reader,
// whose reads go through near-caching clients, or a writer with plain
// clients. It runs the model target's calls the parent sends; the parent
// times them. Each history has a namespace prefix, hence targets of its own.

/** What a model call answered: its packed value, or the failure's gRPC code. */
export type CallReply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: number; readonly details: string };

let opened: { address: string; near: boolean; deadlineMs: number } | undefined;
const targets = new Map<string, ModelTarget | NearTarget>();
let closedHits = 0;

function targetOf(prefix: string): ModelTarget | NearTarget {
  let t = targets.get(prefix);
  if (t === undefined) {
    const { address, near, deadlineMs } = opened!;
    t = near ? nearTarget(address, prefix, deadlineMs) : grpcTarget(address, prefix, deadlineMs);
    targets.set(prefix, t);
  }
  return t;
}

const hitsOf = (t: ModelTarget | NearTarget) => ("nearHits" in t ? t.nearHits() : 0);

serve({
  open(o: { address: string; near: boolean; deadlineMs: number }) {
    opened = o;
  },
  async call(c: { prefix: string; method: Exclude<keyof ModelTarget, "close">; args: unknown[] }): Promise<CallReply> {
    const target = targetOf(c.prefix);
    try {
      const f = target[c.method] as (...args: unknown[]) => Promise<unknown>;
      return { ok: true, value: pack(await f(...(unpack(c.args) as unknown[]))) };
    } catch (err) {
      return { ok: false, code: err instanceof TaggedCacheError ? err.code : -1, details: String(err) };
    }
  },
  async warmUp(o: { prefix: string; namespaces: string[] }) {
    const t = targetOf(o.prefix);
    if ("warmUp" in t) await t.warmUp(o.namespaces);
  },
  close(prefix: string) {
    const t = targets.get(prefix);
    if (t === undefined) return;
    closedHits += hitsOf(t);
    targets.delete(prefix);
    t.close();
  },
  nearHits() {
    return closedHits + [...targets.values()].reduce((n, t) => n + hitsOf(t), 0);
  },
  pid() {
    return process.pid;
  },
});
