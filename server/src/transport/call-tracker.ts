import {
  Metadata,
  ServerInterceptingCall,
  status,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
} from "@grpc/grpc-js";
import type { Metrics } from "../observability/metrics.js";
import { SHUTTING_DOWN } from "./status.js";

// Health Watch streams last as long as their client wants; a drain ends them
// rather than wait for them.
const WATCH = "/grpc.health.v1.Health/Watch";

/**
 * A grpc-js server interceptor that sees every call of every service: it
 * reports calls, status codes, latency and in-flight counts to the metrics,
 * and keeps the open health watches so a drain can end them.
 */
export class CallTracker {
  private readonly watches = new Set<ServerInterceptingCallInterface>();

  constructor(private readonly metrics: Metrics) {}

  /** Ends every open health Watch with UNAVAILABLE, after what it was already sent. */
  endWatches(): void {
    for (const call of this.watches) {
      call.sendStatus({ ...SHUTTING_DOWN, metadata: new Metadata() });
    }
  }

  readonly interceptor: ServerInterceptor = (descriptor, call) => {
    // Without metrics only health watches need tracking (for the drain):
    // other calls pass through unwrapped, at no cost per call.
    if (!this.metrics.enabled && descriptor.path !== WATCH) return call as ServerInterceptingCall;
    const [, service = "", method = ""] = descriptor.path.split("/");
    const end = this.metrics.callStarted(service, method);
    let finished = false;
    const finish = (code: status) => {
      if (finished) return;
      finished = true;
      end(status[code] ?? String(code));
      this.watches.delete(intercepting);
    };
    const intercepting = new ServerInterceptingCall(call, {
      start: (next) => next({ onCancel: () => finish(status.CANCELLED) }),
      sendStatus: (st, next) => {
        next(st);
        finish(st.code);
      },
    });
    if (descriptor.path === WATCH) this.watches.add(intercepting);
    return intercepting;
  };
}
