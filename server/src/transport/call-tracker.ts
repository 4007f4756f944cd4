import { ServerInterceptingCall, status, type ServerInterceptor } from "@grpc/grpc-js";
import type { Metrics } from "../observability/metrics.js";

// Health Watch streams last as long as their client wants; they must not hold
// up a drain.
const LONG_LIVED = "grpc.health.v1.Health";

/**
 * A grpc-js server interceptor that sees every call of every service: it
 * reports calls, status codes, latency and in-flight counts to the metrics,
 * and knows when no call (but health watches) is left, for the drain.
 */
export class CallTracker {
  private active = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly metrics: Metrics) {}

  /** Calls in flight, health watches excluded. */
  get inFlight(): number {
    return this.active;
  }

  /** Resolves once no call is in flight (health watches excluded). */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  readonly interceptor: ServerInterceptor = (descriptor, call) => {
    const [, service = "", method = ""] = descriptor.path.split("/");
    const counted = service !== LONG_LIVED;
    const end = this.metrics.callStarted(service, method);
    if (counted) this.active++;
    let finished = false;
    const finish = (code: status) => {
      if (finished) return;
      finished = true;
      end(status[code] ?? String(code));
      if (counted && --this.active === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    };
    return new ServerInterceptingCall(call, {
      start: (next) => next({ onCancel: () => finish(status.CANCELLED) }),
      sendStatus: (st, next) => {
        finish(st.code);
        next(st);
      },
    });
  };
}
