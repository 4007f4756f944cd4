import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { Tracing } from "./tracing.js";

/** Tracing that exports over OTLP/gRPC, and how to flush it. */
export interface OtlpTracing {
  readonly tracing: Tracing;
  /** Exports the spans still buffered, then stops. */
  shutdown(): Promise<void>;
}

/**
 * Tracing whose spans are batched and sent to the OTLP/gRPC collector at
 * `endpoint` (for example http://localhost:4317); undefined when no endpoint
 * is configured, which leaves tracing off.
 */
export function openOtlpTracing(endpoint: string | undefined): OtlpTracing | undefined {
  if (endpoint === undefined) return undefined;
  const provider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint }))],
  });
  return { tracing: new Tracing(provider), shutdown: () => provider.shutdown() };
}
