import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { serve } from "./child.js";
import { keyOf, NAMESPACE, tagsOf, VALUE } from "./data.js";

/** A run of unary calls from this process. */
export interface UnaryRun {
  readonly address: string;
  readonly method: "get" | "set";
  readonly calls: number;
  readonly concurrency: number;
  /** Calls go to entries 0..keys-1 in turn. */
  readonly keys: number;
  /** Record each call's latency (µs). */
  readonly latencies: boolean;
}

/** What a run measured. */
export interface UnaryResult {
  readonly elapsedMs: number;
  readonly latenciesUs: number[];
}

const clients = new Map<string, TaggedCacheClient>();

function clientOf(address: string): TaggedCacheClient {
  let c = clients.get(address);
  if (c === undefined) {
    c = new TaggedCacheClient(address, { namespace: NAMESPACE, deadlineMs: 30_000 });
    clients.set(address, c);
  }
  return c;
}

// Load for the unary benchmark, from its own process: one grpc-js client
// process saturates before a server does, so several of these run at once.
serve({
  async run(r: UnaryRun): Promise<UnaryResult> {
    const client = clientOf(r.address);
    const latenciesUs: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < r.calls) {
        const i = next++ % r.keys;
        const t0 = r.latencies ? process.hrtime.bigint() : 0n;
        if (r.method === "get") {
          if ((await client.get(keyOf(i))) === undefined) throw new Error(`unexpected miss of ${keyOf(i)}`);
        } else {
          await client.set(keyOf(i), VALUE, { tags: tagsOf(i) });
        }
        if (r.latencies) latenciesUs.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
    };
    const start = performance.now();
    await Promise.all(Array.from({ length: r.concurrency }, worker));
    return { elapsedMs: performance.now() - start, latenciesUs };
  },
});
