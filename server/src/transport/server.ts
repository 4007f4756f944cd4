import { Server, ServerCredentials } from "@grpc/grpc-js";
import { HealthImplementation } from "grpc-health-check";
import type { Logger } from "pino";
import type { Store } from "../core/store.js";
import type { TaggedCache } from "../core/tagged-cache.js";
import { TaggedCache as TaggedCacheService } from "../gen/taggedcache/v1/tagged_cache_pb.js";
import { handlers, type TransportOptions } from "./handlers.js";
import { InFlight } from "./in-flight.js";
import { addReflection } from "./reflection.js";
import { serviceDefinition } from "./service-definition.js";

const SERVICE_NAME = TaggedCacheService.typeName;

/** What the transport needs to listen. */
export interface ListenOptions extends TransportOptions {
  readonly host: string;
  readonly port: number;
  /** Largest request the server accepts, in bytes. */
  readonly maxReceiveBytes: number;
}

/** A started server. */
export interface RunningServer {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** Calls, streams and batches in progress. */
  readonly inFlight: InFlight;
  /**
   * Stops taking calls, lets in-flight calls finish for up to `graceMs`, then
   * cancels what is left. Resolves once the server is closed.
   */
  shutdown(graceMs: number): Promise<void>;
}

/**
 * Starts the gRPC server: the TaggedCache service, reflection, and health
 * (SERVING while the store is reachable).
 */
export async function startServer(
  cache: TaggedCache,
  store: Store,
  log: Logger,
  options: ListenOptions,
): Promise<RunningServer> {
  const server = new Server({
    "grpc.max_receive_message_length": options.maxReceiveBytes,
  });
  const inFlight = new InFlight();
  server.addService(serviceDefinition(TaggedCacheService), handlers(cache, log, options, inFlight));
  addReflection(server);

  const health = new HealthImplementation({ "": "NOT_SERVING", [SERVICE_NAME]: "NOT_SERVING" });
  const setHealth = (ok: boolean) => {
    const s = ok ? "SERVING" : "NOT_SERVING";
    health.setStatus("", s);
    health.setStatus(SERVICE_NAME, s);
  };
  setHealth(store.state === "ready");
  store.onStateChange((state) => setHealth(state === "ready"));
  health.addToServer(server);

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });

  return {
    port,
    inFlight,
    shutdown: (graceMs) =>
      new Promise<void>((resolve) => {
        setHealth(false);
        const timer = setTimeout(() => server.forceShutdown(), graceMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
