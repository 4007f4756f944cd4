import { Server, type ServerCredentials, type ServerInterceptor } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import type { Store } from "../core/store.js";
import type { TaggedCache } from "../core/tagged-cache.js";
import { TaggedCache as TaggedCacheService } from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { reflectionGate } from "./auth/reflection-gate.js";
import { CallTracker } from "./call-tracker.js";
import type { HandlerContext, TransportOptions } from "./context.js";
import { handlers } from "./handlers.js";
import { listenError } from "./listen-error.js";
import { applyPingPolicy, type PingPolicy } from "./ping-policy.js";
import { addReflection } from "./reflection.js";
import { serviceDefinition } from "./service-definition.js";

const SERVICE_NAME = TaggedCacheService.typeName;

/** What the transport needs to listen. */
export interface ListenOptions extends TransportOptions, PingPolicy {
  readonly host: string;
  readonly port: number;
  readonly credentials: ServerCredentials;
  /** Largest request the server accepts, in bytes. */
  readonly maxReceiveMessageBytes: number;
  /** HTTP/2 streams (calls) one connection may have open at once. */
  readonly maxConcurrentStreams: number;
  /** The server pings a connection idle this long, in ms. */
  readonly keepaliveTimeMs: number;
  /** A connection whose ping is unanswered this long is closed, in ms. */
  readonly keepaliveTimeoutMs: number;
  /** Interceptors that see every call before the server's own (tracing). */
  readonly interceptors?: readonly ServerInterceptor[];
  /** While authentication is on, reflection needs a known token (REFLECTION_REQUIRES_TOKEN). */
  readonly reflectionRequiresToken: boolean;
}

/** A started server. */
export interface RunningServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /**
   * Drains: health turns NOT_SERVING (watchers are told), then the server
   * stops taking connections and calls, lets in-flight calls finish for up
   * to `graceMs`, and cancels what is left. Resolves once the server is closed.
   */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * Starts the gRPC server: the TaggedCache service, reflection, and health
 * (SERVING while the store is reachable), every call seen by the tracker.
 */
export async function startServer(
  cache: TaggedCache,
  store: Store,
  ctx: HandlerContext,
  options: ListenOptions,
): Promise<RunningServer> {
  const tracker = new CallTracker(ctx.metrics);
  const server = new Server({
    "grpc.max_receive_message_length": options.maxReceiveMessageBytes,
    "grpc.max_concurrent_streams": options.maxConcurrentStreams,
    "grpc.keepalive_time_ms": options.keepaliveTimeMs,
    "grpc.keepalive_timeout_ms": options.keepaliveTimeoutMs,
    // Later interceptors wrap earlier ones: the tracker sees the gate's refusals.
    interceptors: [...(options.interceptors ?? []), tracker.interceptor, reflectionGate(ctx.auth, options.reflectionRequiresToken)],
  });
  server.addService(serviceDefinition(TaggedCacheService), handlers(cache, ctx, options));
  addReflection(server);

  let draining = false;
  const health = new HealthImplementation({ "": "NOT_SERVING", [SERVICE_NAME]: "NOT_SERVING" });
  const setHealth = (ok: boolean) => {
    const s = ok && !draining ? "SERVING" : "NOT_SERVING";
    health.setStatus("", s);
    health.setStatus(SERVICE_NAME, s);
  };
  setHealth(store.state === "ready");
  store.onStateChange((state) => setHealth(state === "ready"));
  health.addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, options.credentials, (err, p) =>
      err ? reject(listenError(options.host, options.port, err)) : resolve(p),
    );
  });
  applyPingPolicy(server, options, ctx.log);

  return {
    port,
    shutdown: (graceMs) =>
      new Promise<void>((resolve) => {
        draining = true;
        setHealth(false);
        // Watchers have been sent NOT_SERVING; their streams would otherwise
        // hold the drain until the grace runs out.
        tracker.endWatches();
        const timer = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
