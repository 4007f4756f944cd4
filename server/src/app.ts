import type { Logger } from "pino";
import type { Config } from "./config.js";
import { TaggedCache } from "./core/tagged-cache.js";
import type { Store } from "./core/store.js";
import { openStore } from "./store/open-store.js";
import { startServer, type RunningServer } from "./transport/server.js";

/** A running TaggedCache: its store and server, stopped together. */
export interface App {
  readonly port: number;
  readonly store: Store;
  /** Drains the server (bounded by the configured grace), then closes the store. */
  stop(): Promise<void>;
}

// Room for the protobuf framing around the largest value.
const ENVELOPE_BYTES = 64 * 1024;

/** Opens the store and starts serving; used by main and by the tests. */
export async function startApp(config: Config, log: Logger, store: Store = openStore(config)): Promise<App> {
  const where = store.kind === "redis" ? redactUrl(config.redisUrl!) : "in this process";
  log.info({ store: store.kind, where }, `using the ${store.kind} store`);
  store.onStateChange((state) =>
    state === "ready" ? log.info("store reachable") : log.warn("store unreachable; calls fail with UNAVAILABLE"),
  );
  if (!(await store.waitUntilReady(config.redisConnectTimeoutMs))) {
    log.warn("store unreachable at start; serving UNAVAILABLE until it answers");
  }
  const cache = new TaggedCache(store, config, config, config);
  let server: RunningServer;
  try {
    server = await startServer(cache, store, log, {
      host: config.host,
      port: config.port,
      maxBatchesInFlight: config.maxBatchesInFlight,
      maxReceiveBytes: config.maxValueBytes + ENVELOPE_BYTES,
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  return {
    port: server.port,
    store,
    stop: async () => {
      await server.shutdown(config.shutdownGraceMs);
      await store.close();
    },
  };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparsable URL)";
  }
}
