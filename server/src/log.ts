import { setLogger } from "@grpc/grpc-js";
import { pino, type Logger } from "pino";

/** The process logger: JSON lines on stdout. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "taggedcache" } });
}

/**
 * Sends grpc-js's own messages (printed to stderr by default) to `log`, so
 * that stderr carries only the one line of a failed start.
 */
export function routeGrpcLogs(log: Logger): void {
  const grpc = log.child({ component: "grpc-js" });
  setLogger({
    error: (...args: unknown[]) => grpc.warn(args.join(" ")),
    info: (...args: unknown[]) => grpc.info(args.join(" ")),
    debug: (...args: unknown[]) => grpc.debug(args.join(" ")),
  });
}
