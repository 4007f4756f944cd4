import { TaggedCacheClient } from "../../clients/typescript/src/index.js";
import { serve } from "./child.js";

// A client in its own process, for the near-cache tests and benchmark: a writer, or
// a near-cache holder that can be frozen (SIGSTOP) and killed.
let client: TaggedCacheClient | undefined;
const decoder = new TextDecoder();

serve({
  open(o: { address: string; namespace: string; near: boolean }) {
    client = new TaggedCacheClient(o.address, {
      namespace: o.namespace,
      timeoutMs: 20_000,
      nearCache: o.near ? { maxBytes: 1 << 20 } : undefined,
    });
  },
  async set(o: { key: string; value: string; tags: string[] }) {
    await client!.set(o.key, new TextEncoder().encode(o.value), { tags: o.tags });
  },
  async invalidate(tags: string[]) {
    const t0 = performance.now();
    await client!.invalidate(tags);
    return performance.now() - t0;
  },
  async get(key: string) {
    const v = await client!.get(key);
    return { value: v === undefined ? null : decoder.decode(v), nearHits: client!.nearCacheStats?.hits ?? 0 };
  },
  // Reads until the read is served from the near-cache.
  async warm(key: string) {
    const end = Date.now() + 10_000;
    for (;;) {
      const before = client!.nearCacheStats!.hits;
      const v = await client!.get(key);
      if (client!.nearCacheStats!.hits > before) return v === undefined ? null : decoder.decode(v);
      if (Date.now() > end) throw new Error(`${key} never became a near hit`);
      await new Promise((r) => setTimeout(r, 5));
    }
  },
  pid() {
    return process.pid;
  },
  close() {
    client?.close();
  },
});
