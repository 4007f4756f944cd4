import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type Tracer,
  type TracerProvider,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { ServerInterceptingCall, status, type Metadata, type ServerInterceptor } from "@grpc/grpc-js";
import type { Store } from "../core/store.js";

const TRACER = "taggedcache";
const propagator = new W3CTraceContextPropagator();
let contextManager: AsyncLocalStorageContextManager | undefined;

// Reads `traceparent` and `tracestate` from gRPC metadata.
const metadataGetter: TextMapGetter<Metadata> = {
  keys: (md) => Object.keys(md.getMap()),
  get: (md, key) => {
    const values = md.get(key);
    return values.length === 0 ? undefined : values.map(String);
  },
};

// The Store calls that reach Redis; each gets a child span.
const STORE_CALLS = new Set(["get", "getMany", "set", "delete", "invalidate", "invalidateAll"]);
// The lease calls that reach it; `watch` only opens a listener and gets none.
const LEASE_CALLS = new Set(["acquire", "setGuarded", "createVersions", "release"]);

/** `target` with a CLIENT span named `prefix` + call around each of `calls`; other members bound as they are. */
function spanned<T extends object>(tracer: Tracer, system: string, target: T, calls: ReadonlySet<string>, prefix: string): T {
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t);
      if (typeof value !== "function") return value;
      if (typeof prop !== "string" || !calls.has(prop)) return value.bind(t);
      return (...args: unknown[]) =>
        tracer.startActiveSpan(`${prefix}${prop}`, { kind: SpanKind.CLIENT, attributes: { "db.system": system } }, async (span) => {
          try {
            return await value.apply(t, args);
          } catch (err) {
            span.recordException(err as Error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
            throw err;
          } finally {
            span.end();
          }
        });
    },
  });
}

/**
 * Tracing with OpenTelemetry: a SERVER span per RPC, child of the caller's
 * span when the call carries W3C `traceparent` metadata, and a CLIENT span
 * per store call under it. Built only when tracing is configured: without
 * it the server installs no interceptor and wraps no store, so it costs
 * nothing per call.
 */
export class Tracing {
  private readonly tracer: Tracer;

  /** Spans go to `provider`, whose processors export them. */
  constructor(provider: TracerProvider) {
    this.tracer = provider.getTracer(TRACER);
    // Carries the RPC's span across the handler's awaits; registered once,
    // and only once tracing is on.
    if (contextManager === undefined) {
      contextManager = new AsyncLocalStorageContextManager().enable();
      context.setGlobalContextManager(contextManager);
    }
  }

  /**
   * A grpc-js server interceptor that opens the RPC's span when the call's
   * metadata arrives and closes it with the status sent; the handler runs in
   * the span's context (AsyncLocalStorage), so store spans become its children.
   */
  readonly interceptor: ServerInterceptor = (descriptor, call) => {
    const [, service = "", method = ""] = descriptor.path.split("/");
    let span: Span | undefined;
    let ctx: Context = ROOT_CONTEXT;
    const end = (code: status, details: string) => {
      if (span === undefined) return;
      span.setAttribute("rpc.grpc.status_code", code);
      if (code !== status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: `${status[code]}: ${details}` });
      span.end();
      span = undefined;
    };
    return new ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMd) => {
            const parent = propagator.extract(ROOT_CONTEXT, metadata, metadataGetter);
            span = this.tracer.startSpan(
              descriptor.path.slice(1),
              { kind: SpanKind.SERVER, attributes: { "rpc.system": "grpc", "rpc.service": service, "rpc.method": method } },
              parent,
            );
            ctx = trace.setSpan(parent, span);
            context.with(ctx, () => nextMd(metadata));
          },
          onReceiveMessage: (message, nextMsg) => context.with(ctx, () => nextMsg(message)),
          onReceiveHalfClose: (nextHalf) => context.with(ctx, () => nextHalf()),
          onCancel: () => end(status.CANCELLED, "cancelled by the client"),
        }),
      sendStatus: (st, next) => {
        end(st.code, st.details);
        next(st);
      },
    });
  };

  /** `store`, with a span around each call that reaches its backend, its lease calls included. */
  wrapStore(store: Store): Store {
    const leases = spanned(this.tracer, store.kind, store.leases, LEASE_CALLS, "store.leases.");
    const calls = spanned(this.tracer, store.kind, store, STORE_CALLS, "store.");
    return new Proxy(calls, { get: (target, prop) => (prop === "leases" ? leases : Reflect.get(target, prop)) });
  }
}
