import type { Logger } from "pino";
import type { Config } from "./config.js";
import { TaggedCache } from "./core/tagged-cache.js";
import type { Store } from "./core/store.js";
import { WatchHub } from "./core/watch-hub.js";
import { watchedStore } from "./core/watched-store.js";
import { openStore, redactUrl, storeLocation } from "./store/open-store.js";
import { Metrics } from "./observability/metrics.js";
import { startMetricsServer, type MetricsServer } from "./observability/metrics-server.js";
import { openOtlpTracing } from "./observability/otlp.js";
import type { Tracing } from "./observability/tracing.js";
import { openAuthorizer, reloadTokens } from "./transport/auth/token-source.js";
import { InFlight } from "./transport/in-flight.js";
import { startServer, type RunningServer } from "./transport/server.js";
import { serverCredentials } from "./transport/tls.js";

/** A running TaggedCache: its store and server, stopped together. */
export interface App {
  readonly port: number;
  readonly store: Store;
  /** Port of the /metrics endpoint; undefined when METRICS_PORT is unset. */
  readonly metricsPort: number | undefined;
  /** Re-reads the tokens file (SIGHUP); a broken file keeps the previous tokens. */
  reloadTokens(): boolean;
  /** Calls, streams and batches the server is working on. */
  readonly inFlight: InFlight;
  /** Leased Gets waiting for another caller's lease now. */
  leaseWaiters(): number;
  /** Drains the server (bounded by the configured grace), then closes the store. */
  stop(): Promise<void>;
}

// How long stopping waits for the store to close after the server has.
const STORE_CLOSE_MS = 1000;

/**
 * Opens the store and starts serving; used by main and by the tests.
 * `tracing` replaces the OTLP export that OTEL_EXPORTER_OTLP_ENDPOINT turns on
 * (tests pass one with an in-memory exporter).
 */
export async function startApp(
  config: Config,
  log: Logger,
  store: Store = openStore(config.store),
  tracing?: Tracing,
): Promise<App> {
  const { server: listen, observability } = config;
  const where = storeLocation(config.store);
  const redisUrl = config.store.redisUrl && redactUrl(config.store.redisUrl);
  log.info({ config: { ...config, store: { ...config.store, redisUrl } } }, "configuration");
  let auth, tls;
  try {
    auth = openAuthorizer(config.auth.tokensFile, log);
    tls = serverCredentials({ certFile: listen.tlsCertFile, keyFile: listen.tlsKeyFile, clientCaFile: listen.tlsClientCaFile });
  } catch (err) {
    await store.close();
    throw err;
  }
  log.info({ tls: tls.mode }, `transport security: ${tls.mode}`);
  const metrics = new Metrics(observability.metricsPort !== undefined);
  const inFlight = new InFlight();
  log.info({ store: store.kind, where }, `using the ${store.kind} store`);
  store.onStateChange((state) => {
    metrics.recordStoreState(state === "ready");
    if (state === "ready") log.info("store reachable");
    else log.warn("store unreachable; calls fail with UNAVAILABLE");
  });
  store.onConnectionError?.((err) => log.warn({ cause: err.message }, `store connection failed: ${err.message}`));
  if (!(await store.waitUntilReady(config.store.redisConnectTimeoutMs))) {
    log.warn("store unreachable at start; serving UNAVAILABLE until it answers");
  }
  metrics.recordStoreState(store.state === "ready");
  const otlp = tracing === undefined ? openOtlpTracing(observability.otlpEndpoint) : undefined;
  tracing ??= otlp?.tracing;
  if (tracing !== undefined) log.info({ otlpEndpoint: observability.otlpEndpoint }, "tracing on");
  // "auto" is "on": with Redis, the relay carries changes between replicas.
  const hub = config.near.nearCache === "off" ? undefined : new WatchHub(config.near, undefined, metrics.watchObserver());
  if (hub !== undefined) hub.relay = store.openWatchRelay?.(config.near.nearLeaseMs, hub);
  const traced = tracing?.wrapStore(store) ?? store;
  const cache = new TaggedCache(hub === undefined ? traced : watchedStore(traced, hub), config.limits, config.leases);
  let server: RunningServer;
  let metricsServer: MetricsServer | undefined;
  try {
    if (observability.metricsPort !== undefined) {
      metricsServer = await startMetricsServer(metrics.registry, observability.metricsHost, observability.metricsPort);
      log.info({ metricsPort: metricsServer.port }, `metrics at http://${observability.metricsHost}:${metricsServer.port}/metrics`);
    }
    const watch = hub === undefined ? undefined : { hub, limits: config.limits };
    const reflectionRequiresToken = config.auth.reflectionRequiresToken === 1;
    server = await startServer(cache, store, { log, auth, metrics, inFlight, watch }, {
      ...listen,
      credentials: tls.credentials,
      interceptors: tracing === undefined ? [] : [tracing.interceptor],
      reflectionRequiresToken,
    });
  } catch (err) {
    await metricsServer?.close();
    await store.close();
    throw err;
  }
  return {
    port: server.port,
    store,
    metricsPort: metricsServer?.port,
    reloadTokens: () => reloadTokens(auth, config.auth.tokensFile, log),
    inFlight,
    leaseWaiters: () => cache.leaseWaiters.count,
    stop: async () => {
      // Watch streams never end by themselves: they would hold the drain.
      hub?.endAll("the server is shutting down");
      await server.shutdown(listen.shutdownGraceMs);
      await metricsServer?.close();
      // A Redis that does not answer must not hold the exit past the grace.
      await Promise.race([store.close(), new Promise((r) => setTimeout(r, STORE_CLOSE_MS).unref())]);
      await otlp?.shutdown();
    },
  };
}
