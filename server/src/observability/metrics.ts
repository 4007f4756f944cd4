import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { LeasedGet } from "../core/leases.js";
import { namespaceOrDefault } from "../core/validate.js";
import type { WatchObserver } from "../core/watch-observer.js";
import { WatchMetrics } from "./watch-metrics.js";

/** Events of the lease protocol, counted by recordLease. */
export type LeaseEvent = "grant" | "wait" | "timeout" | "refresh";

// Namespaces are chosen by callers; past this many distinct ones, further
// namespaces share one label value so a careless client cannot blow up the
// number of series.
const MAX_NAMESPACE_LABELS = 1000;
const OTHER_NAMESPACES = "(other)";
const IGNORE = () => {};

function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[] = []) {
  return new Counter<L>({ name, help, labelNames, registers: [registry] });
}

/**
 * The server's Prometheus metrics, in a registry of their own (so servers in
 * one process do not share counters). Knows nothing of gRPC: the transport
 * reports calls by service, method and status name.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly namespaces = new Set<string>();

  private readonly calls = counter(
    this.registry,
    "taggedcache_calls_total",
    "Finished calls, by service, method and gRPC status code",
    ["service", "method", "code"],
  );
  private readonly latency = new Histogram({
    name: "taggedcache_call_duration_seconds",
    help: "Time from a call's arrival to its status, by service and method",
    labelNames: ["service", "method"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  private readonly inFlight = new Gauge({
    name: "taggedcache_calls_in_flight",
    help: "Calls started and not yet finished, by service and method",
    labelNames: ["service", "method"] as const,
    registers: [this.registry],
  });
  private readonly lookups = counter(
    this.registry,
    "taggedcache_lookups_total",
    "Keys looked up by Get and GetMany, by namespace and result (hit or miss)",
    ["namespace", "result"],
  );
  private readonly getManyKeys = counter(
    this.registry,
    "taggedcache_getmany_keys_total",
    "Keys looked up through GetMany streams, by namespace",
    ["namespace"],
  );
  private readonly getManyBatches = counter(
    this.registry,
    "taggedcache_getmany_batches_total",
    "GetMany request messages answered, by namespace",
    ["namespace"],
  );
  private readonly keysInFlight = new Gauge({
    name: "taggedcache_getmany_keys_in_flight",
    help: "GetMany keys received and not yet answered, over all streams",
    registers: [this.registry],
  });
  private readonly invalidations = counter(
    this.registry,
    "taggedcache_invalidations_total",
    "Successful invalidations, by namespace and scope (tags or all)",
    ["namespace", "scope"],
  );
  private readonly leases = counter(
    this.registry,
    "taggedcache_lease_events_total",
    "Lease grants, waits, timeouts and refreshes (a lease granted with a stale value), by namespace",
    ["namespace", "event"],
  );
  private readonly staleHits = counter(
    this.registry,
    "taggedcache_stale_hits_total",
    "Stale values served to Gets with grace (also counted as hits), by namespace",
    ["namespace"],
  );
  private readonly storeErrors = counter(
    this.registry,
    "taggedcache_store_errors_total",
    "Calls failed by the store, by error code (unavailable, resource_exhausted, internal)",
    ["code"],
  );
  private readonly reconnects = counter(
    this.registry,
    "taggedcache_store_reconnects_total",
    "Times the store became reachable again after being unreachable",
  );
  private readonly storeUp = new Gauge({
    name: "taggedcache_store_up",
    help: "1 while the store is reachable, else 0",
    registers: [this.registry],
  });
  // undefined until the first state is known, so the first connection is no reconnect.
  private storeWasUp: boolean | undefined;

  /**
   * `enabled` false (no METRICS_PORT) makes every record method return at
   * once, so a server that serves no metrics pays nothing for them per call.
   */
  constructor(readonly enabled = true) {
    if (enabled) collectDefaultMetrics({ register: this.registry, prefix: "taggedcache_" });
  }

  /** Records the start of a call; the returned function records its end with the status name. */
  callStarted(service: string, method: string): (code: string) => void {
    if (!this.enabled) return IGNORE;
    const start = process.hrtime.bigint();
    const labels = { service, method };
    this.inFlight.inc(labels);
    return (code) => {
      this.inFlight.dec(labels);
      this.calls.inc({ service, method, code });
      this.latency.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    };
  }

  /**
   * Records `total` keys looked up in `namespace`, `hits` of which hit,
   * `stale` of those with a stale value served with grace.
   */
  recordLookups(namespace: string, hits: number, total: number, stale = 0): void {
    if (!this.enabled) return;
    const ns = this.label(namespace);
    if (stale > 0) this.staleHits.inc({ namespace: ns }, stale);
    if (hits > 0) this.lookups.inc({ namespace: ns, result: "hit" }, hits);
    if (total > hits) this.lookups.inc({ namespace: ns, result: "miss" }, total - hits);
  }

  /** Records one answered GetMany message of `keys` keys, `hits` of which hit. */
  recordGetManyBatch(namespace: string, keys: number, hits: number, stale = 0): void {
    if (!this.enabled) return;
    this.recordLookups(namespace, hits, keys, stale);
    const ns = this.label(namespace);
    this.getManyBatches.inc({ namespace: ns });
    this.getManyKeys.inc({ namespace: ns }, keys);
  }

  /**
   * Records a Get that asked for a lease: a lookup, and maybe a lease grant,
   * a wait, or a wait that ran out with the lease still held by another.
   */
  recordLeasedGet(namespace: string, r: LeasedGet): void {
    if (!this.enabled) return;
    this.recordLookups(namespace, r.hit === undefined ? 0 : 1, 1, r.hit?.staleMs === undefined ? 0 : 1);
    if (r.leaseId !== undefined) this.recordLease(namespace, r.hit === undefined ? "grant" : "refresh");
    if (r.waited) this.recordLease(namespace, "wait");
    if (r.waited && r.hit === undefined && r.leaseId === undefined) this.recordLease(namespace, "timeout");
  }

  /** Adds `delta` (negative when answered or dropped) to the GetMany keys in flight. */
  recordKeysInFlight(delta: number): void {
    if (!this.enabled) return;
    this.keysInFlight.inc(delta);
  }

  /** Records a successful Invalidate ("tags") or InvalidateAll ("all"). */
  recordInvalidation(namespace: string, scope: "tags" | "all"): void {
    if (!this.enabled) return;
    this.invalidations.inc({ namespace: this.label(namespace), scope });
  }

  /** Records a lease event of a leased Get. */
  recordLease(namespace: string, event: LeaseEvent): void {
    if (!this.enabled) return;
    this.leases.inc({ namespace: this.label(namespace), event });
  }

  /** Records a call that failed because of the store. */
  recordStoreError(code: string): void {
    if (!this.enabled) return;
    this.storeErrors.inc({ code });
  }

  /** Follows the store's reachability; a return to reachable after an outage is a reconnect. */
  recordStoreState(reachable: boolean): void {
    if (!this.enabled) return;
    if (reachable && this.storeWasUp === false) this.reconnects.inc();
    this.storeWasUp = reachable;
    this.storeUp.set(reachable ? 1 : 0);
  }

  /** The near-cache's metrics, for the WatchHub; undefined (no reports at all) when metrics are off. */
  watchObserver(): WatchObserver | undefined {
    return this.enabled ? new WatchMetrics(this.registry) : undefined;
  }

  private label(namespace: string): string {
    const ns = namespaceOrDefault(namespace);
    if (this.namespaces.has(ns)) return ns;
    if (this.namespaces.size >= MAX_NAMESPACE_LABELS) return OTHER_NAMESPACES;
    this.namespaces.add(ns);
    return ns;
  }
}
